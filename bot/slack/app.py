"""Assembling the Bolt app: listeners, the services they read from Bolt's context, and a
`respond` that retries.

`build_app` is a function (not a module-level `app = AsyncApp(...)`) so that every test,
every replica and the benchmark get their own app with no shared mutable state, and so
nothing reads the environment behind `Settings`' back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

import handlers
from bot.answers import Answerer
from bot.cards import Corpus
from bot.config import Settings
from bot.services import Services
from bot.slack.blocks import Renderer
from bot.slack.client import build_client, retry_handlers
from bot.slack.metrics import Metrics

if TYPE_CHECKING:
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
) -> AsyncApp:
    """A Bolt AsyncApp with every listener registered.

    `process_before_response=False`: Bolt returns the ack (HTTP 200) as soon as the
    listener calls `ack()`, and the matching and the reply run after it, so Slack's 3-second
    limit never depends on how long an answer takes. Request signatures are checked by Bolt
    whenever a signing secret is configured (HTTP mode; `bot.slack.gate` checks them first,
    before parsing); Socket Mode has none to check. `team_id` is the installed workspace
    (auth.test): events from any other team are acked and dropped, never answered with this
    workspace's token. `metrics` (one registry per app) is what `/metrics` shows.
    `queries` is the query log (None: nothing is logged and answers carry no feedback buttons).
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
    services = Services(settings, corpus, Answerer(corpus), store, queries)
    renderer = Renderer(corpus)
    metrics = metrics or Metrics.create()

    async def provide(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
        """Listeners are plain module-level functions: they find what they need here."""
        context["services"] = services
        context["renderer"] = renderer
        context["metrics"] = metrics
        await next()

    async def own_team_only(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        """An event for another workspace (a misrouted or forged delivery) gets a 200 so
        Slack does not retry it, and no answer."""
        if team_id and body.get("type") == "event_callback" and body.get("team_id") != team_id:
            log.warning("event from another team ignored")
            metrics.requests.labels("event", "other_team").inc()
            return BoltResponse(status=200, body="")
        await next()
        return None

    app.middleware(own_team_only)
    app.middleware(provide)
    app.middleware(_reliable_respond)
    app.error(_on_error)
    handlers.register(app)
    return app


async def _on_error(error: Exception) -> None:
    """What reaches Bolt despite the guarded listeners (a middleware, Bolt itself): one
    line, no request body. The person is told by the listener's guard where one ran."""
    log.error("request failed: %s", type(error).__name__, exc_info=error)


class ReliableRespond(AsyncRespond):
    """Bolt's `respond()`, sent through slack-sdk's retry handlers.

    Bolt's own `respond` posts once and returns whatever came back, so a 429 or a dropped
    connection on the response URL would lose the user's answer without a trace. This one
    retries (honouring Retry-After) and logs a reply that still could not be delivered.
    """

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
            url=self.response_url, proxy=self.proxy, ssl=self.ssl, retry_handlers=retry_handlers()
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


async def _reliable_respond(context: AsyncBoltContext, next: Callable[[], Awaitable[None]]) -> None:
    """Give every listener the retrying `respond` (the listeners keep Bolt's idiom)."""
    if context.response_url:
        context["respond"] = ReliableRespond(
            response_url=context.response_url, proxy=context.client.proxy, ssl=context.client.ssl
        )
    await next()


# Bolt's lines that must not reach the log: its start-up false alarm that `token` is unused
# (Bolt reads SLACK_BOT_TOKEN itself; our client carries the same token), and its dump of
# the whole body of a request that failed verification (unbounded, forgeable, and the
# user's query when a genuine request arrives late). The gate logs refusals instead.
_QUIET = ("`token` will be unused", "Invalid request signature detected")


def _quiet_bolt(record: logging.LogRecord) -> bool:
    message = record.msg if isinstance(record.msg, str) else ""
    return not any(q in message for q in _QUIET)
