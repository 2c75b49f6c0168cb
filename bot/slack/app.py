"""Assembling the Bolt app: listeners, the services they read from Bolt's context, and a
`respond` that retries and shares the Web API client's connection pool.

`build_app` is a function (not a module-level `app = AsyncApp(...)`) so that every test,
every replica and the benchmark get their own app with no shared mutable state, and so
nothing reads the environment behind `Settings`' back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

import handlers
from bot.answers import Answerer, local_today
from bot.cards import Corpus
from bot.config import Settings
from bot.services import Services
from bot.slack.blocks import Renderer
from bot.slack.client import build_client, retry_handlers
from bot.slack.metrics import Metrics

if TYPE_CHECKING:
    from ssl import SSLContext

    from bot.state import QueryLog, Store

log = logging.getLogger("osce.app")


def build_app(
    settings: Settings,
    corpus: Corpus,
    store: Store,
    *,
    client: AsyncWebClient | None = None,
    metrics: Metrics | None = None,
    team_id: str | None = None,
    queries: QueryLog | None = None,
    services: Services | None = None,
) -> AsyncApp:
    """A Bolt AsyncApp with every listener registered.

    `process_before_response=False`: Bolt returns the ack (HTTP 200) as soon as the
    listener calls `ack()`; a slash command's answer rides in that ack, and whatever needs
    the network (event replies, buttons, subscribe) runs after it, so Slack's 3-second
    limit never depends on another server. Pass `client` built on the process's one
    `aiohttp.ClientSession` (`bot.slack.client.shared_client`): replies to response URLs
    go through the same pool. Request signatures are checked by Bolt whenever a signing
    secret is configured (HTTP mode; `bot.slack.gate` checks them first, before parsing);
    Socket Mode has none to check. `team_id` is the installed workspace (auth.test): events
    from any other team are acked and dropped, never answered with this workspace's token.
    `metrics` (one registry per app) is what `/metrics` shows. `queries` is the query log
    (None: nothing is logged and answers carry no feedback buttons). `services`, when the
    caller built them (the server, to drain their writer at shutdown), replaces the
    store/queries pair.
    """
    bolt_log = logging.getLogger("osce.bolt")
    bolt_log.addFilter(_quiet_bolt)  # idempotent: the same function object
    app = AsyncApp(
        name="osce",
        client=client or build_client(settings),
        # pass "" rather than None: with None Bolt would read SLACK_SIGNING_SECRET itself
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=bool(settings.signing_secret),
        process_before_response=False,
        logger=bolt_log,
    )
    metrics = metrics or Metrics.create()
    services = services or Services(
        settings, corpus, Answerer(corpus, today=local_today(settings)), store, queries
    )
    app.use(Provide(services, Renderer(corpus), metrics, team_id))
    app.error(_on_error)
    handlers.register(app)
    return app


class Provide(AsyncMiddleware):
    """Puts the services, the renderer and the retrying `respond` in Bolt's context.

    Listeners are plain module-level functions: they find what they need here and keep
    Bolt's idiom (`respond` is ours, on the Web API client's session). A middleware class
    rather than a function: Bolt builds some thirty keyword arguments for every function
    middleware on every request, which cost more than the rest of this work put together.
    """

    def __init__(
        self, services: Services, renderer: Renderer, metrics: Metrics, team_id: str | None
    ):
        self.services = services
        self.renderer = renderer
        self.metrics = metrics
        self.team_id = team_id

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        body = req.body
        other_team = self.team_id and body.get("team_id") != self.team_id
        if other_team and body.get("type") == "event_callback":
            # a misrouted or forged delivery for another workspace: a 200 so Slack does not
            # retry it, and no answer with this workspace's token
            log.warning("event from another team ignored")
            self.metrics.requests.labels("event", "other_team").inc()
            return BoltResponse(status=200, body="")
        context = req.context
        context["services"] = self.services
        context["renderer"] = self.renderer
        context["metrics"] = self.metrics
        if context.response_url:
            client = context.client
            context["respond"] = ReliableRespond(
                response_url=context.response_url,
                session=client.session,
                proxy=client.proxy,
                ssl=client.ssl,
            )
        return await next()


class ReliableRespond(AsyncRespond):
    """Bolt's `respond()`, sent through slack-sdk's retry handlers and a shared session.

    Bolt's own `respond` posts once and returns whatever came back, so a 429 or a dropped
    connection on the response URL would lose the user's answer without a trace. This one
    retries (honouring Retry-After) and logs a reply that still could not be delivered.
    It also sends through `session`, the process's connection pool, where Bolt's opens a
    new session, hence a new TCP (and in production TLS) connection, for every reply.
    """

    def __init__(
        self,
        *,
        response_url: str | None,
        session: aiohttp.ClientSession | None,
        proxy: str | None = None,
        ssl: SSLContext | None = None,
    ):
        super().__init__(response_url=response_url, proxy=proxy, ssl=ssl)
        self.session = session

    async def __call__(  # type: ignore[override]
        self,
        text: str = "",
        blocks: Sequence[dict[str, Any]] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
    ) -> WebhookResponse:
        assert self.response_url is not None
        client = AsyncWebhookClient(
            url=self.response_url,
            session=self.session,
            proxy=self.proxy,
            ssl=self.ssl,
            retry_handlers=retry_handlers(),
        )
        response = await client.send(
            text=text,
            blocks=blocks,
            response_type=response_type,
            replace_original=replace_original,
            delete_original=delete_original,
            unfurl_links=unfurl_links,
            unfurl_media=unfurl_media,
        )
        if response.status_code != 200:
            log.warning(
                "reply to response_url failed: HTTP %s %s",
                response.status_code,
                response.body[:100],
            )
        return response


async def _on_error(error: Exception) -> None:
    """What reaches Bolt despite the guarded listeners (a middleware, Bolt itself): one
    line, no request body. The person is told by the listener's guard where one ran."""
    log.error("request failed: %s", type(error).__name__, exc_info=error)


# Bolt's lines that must not reach the log: its start-up false alarm that `token` is unused
# (Bolt reads SLACK_BOT_TOKEN itself; our client carries the same token), and its dump of
# the whole body of a request that failed verification (unbounded, forgeable, and the
# user's query when a genuine request arrives late). The gate logs refusals instead.
_QUIET = ("`token` will be unused", "Invalid request signature detected")


def _quiet_bolt(record: logging.LogRecord) -> bool:
    message = record.msg if isinstance(record.msg, str) else ""
    return not any(q in message for q in _QUIET)
