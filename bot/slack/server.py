"""Running the Bolt app: HTTP (aiohttp, `POST /slack/events`) or Socket Mode.

Both modes share one start-up and shutdown path (`_running`): cards loaded and validated
first, the token checked with auth.test, the Store opened, the daily scheduler started as a
task; on SIGTERM/SIGINT everything is stopped in reverse so an in-flight reply is not cut
off by a half-closed HTTP session.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import gc
import logging
import signal
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import Corpus
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.failures import NetworkUnavailable, TokenRefused
from bot.logs import configure_logging
from bot.slack import errors
from bot.slack.app import build_app
from bot.slack.client import shared_client
from bot.slack.gate import MAX_BODY, RefusalLog, verified
from bot.slack.health import Health
from bot.slack.metrics import Metrics

if TYPE_CHECKING:
    from bot.state import QueryLog, Store

log = logging.getLogger("osce.server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
DRAIN_SECONDS = 10.0
BACKGROUND = frozenset({"daily", "digest", "health"})  # tasks stopped, not drained, at shutdown

__all__ = ["Running", "build_web_app", "configure_logging", "run_http", "run_socket"]


@dataclass(frozen=True)
class Running:
    app: AsyncApp
    client: AsyncWebClient
    health: Health
    metrics: Metrics


def build_web_app(running: Running, signing_secret: str | None) -> web.Application:
    """The aiohttp application: Slack's request URL (HTTP mode only, when a signing secret is
    given), the health check and the metrics. Bodies over MAX_BODY are refused with 413."""
    web_app = web.Application(client_max_size=MAX_BODY)
    if signing_secret:
        refusals = RefusalLog(count=lambda reason: running.metrics.refused.labels(reason).inc())

        async def dispatch(request: web.Request, body: str) -> web.StreamResponse:
            try:
                bolt_request = AsyncBoltRequest(
                    body=body,
                    query=request.query_string,
                    headers=request.headers,  # type: ignore[arg-type]
                )
            except ValueError:  # signed, so from Slack, but not a body Bolt can parse
                refusals.refused("unparsable")
                return web.Response(status=400, text="unparsable")
            return await to_aiohttp_response(await running.app.async_dispatch(bolt_request))

        web_app.router.add_post(EVENTS_PATH, verified(signing_secret, dispatch, refusals))

    async def healthz(_request: web.Request) -> web.Response:
        status, body = await running.health.report()
        return web.json_response(body, status=status)

    async def metrics(_request: web.Request) -> web.Response:
        body, content_type = running.metrics.exposition()
        return web.Response(body=body, headers={"Content-Type": content_type})

    web_app.router.add_get(HEALTH_PATH, healthz)
    web_app.router.add_get(METRICS_PATH, metrics)
    return web_app


async def _check_token(client: AsyncWebClient) -> tuple[str, str | None]:
    """Fail at start, not at the first user's question, when Slack refuses the token.
    Returns the Web API's status (for the health check) and the installed workspace's
    team id (events from any other team are not answered), None when Slack did not say."""
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = errors.error_code(exc)
        if errors.is_bad_token(error):
            raise TokenRefused(
                f"SLACK_BOT_TOKEN was refused by Slack ({error}): "
                f"{errors.ERRORS[error].operator_hint}"
            ) from None
        log.warning("auth.test failed (%s); starting anyway", error)
        return error, None
    except aiohttp.ClientError as exc:
        log.warning("auth.test unreachable (%s); starting anyway", type(exc).__name__)
        return f"unreachable ({type(exc).__name__})", None
    log.info("authenticated as bot user %s in team %s", auth.get("user_id"), auth.get("team_id"))
    return "ok", auth.get("team_id")


@contextlib.asynccontextmanager
async def _running(settings: Settings, corpus: Corpus) -> AsyncIterator[Running]:
    from bot.answers import Answerer, local_today
    from bot.services import Services
    from bot.slack.scheduler import run_daily
    from bot.state import QueryLog, Store

    async with shared_client(settings) as client:  # one connection pool for the process
        slack, team_id = await _check_token(client)
        store = await asyncio.to_thread(Store, settings.database_url)
        try:
            metrics = Metrics.create()
            queries = QueryLog(store, settings.query_log_days, settings.query_log_key)
            await asyncio.to_thread(queries.prune)  # QUERY_LOG_DAYS=0 also drops what was kept
            answerer = Answerer(corpus, today=local_today(settings))
            answerer.matcher.warm()  # before settle_heap, which freezes what start-up built
            services = Services(
                settings, corpus, answerer, store, queries if queries.enabled else None
            )
            app = build_app(
                settings,
                corpus,
                store,
                client=client,
                metrics=metrics,
                team_id=team_id,
                services=services,
            )
            health = Health(client, store, len(corpus.cards), settings.health_interval, slack)
            health.start()
            daily = asyncio.create_task(
                run_daily(settings, store, corpus, client, on_result=metrics.daily_post),
                name="daily",
            )
            daily.add_done_callback(_report_daily_end)
            loops = [daily]
            if settings.curator_channel and queries.enabled:
                loops.append(_start_digest(settings, store, queries, corpus, client))
            settle_heap()
            try:
                yield Running(app, client, health, metrics)
            finally:
                for loop in loops:
                    loop.cancel()
                for loop in loops:
                    with contextlib.suppress(asyncio.CancelledError):
                        await loop
                await health.stop()
                await services.writer.close()  # claims and log rows still queued
        finally:
            await asyncio.to_thread(store.close)


def settle_heap() -> None:
    """Move everything built at start-up (cards, index, app, modules) out of the garbage
    collector's reach, as Python's docs advise for a long-lived process (`gc.freeze`).

    Without it the first full collection under load walks all of it and holds the event loop
    for tens of milliseconds: `bench/bench_http.py` showed a p99 of twice the bare app's in
    every first run, and none with it.
    """
    gc.collect()
    gc.freeze()


def _start_digest(
    settings: Settings, store: Store, queries: QueryLog, corpus: Corpus, client: AsyncWebClient
) -> asyncio.Task[None]:
    """The weekly curator digest (CURATOR_CHANNEL), beside the daily scheduler."""
    from bot.answers import Answerer
    from bot.slack.digest import run_digest

    assert settings.curator_channel is not None
    task = asyncio.create_task(
        run_digest(
            store, queries, Answerer(corpus), client, settings.curator_channel, settings.daily_tz
        ),
        name="digest",
    )
    task.add_done_callback(_report_daily_end)
    return task


async def _drain(timeout: float = DRAIN_SECONDS) -> None:
    """Let replies already acked finish (Bolt runs them as tasks after the ack) before the
    HTTP session they use is closed; a user who got the ack should also get the answer."""
    current = asyncio.current_task()
    pending = [
        t for t in asyncio.all_tasks() if t is not current and t.get_name() not in BACKGROUND
    ]
    if pending:
        _done, late = await asyncio.wait(pending, timeout=timeout)
        if late:
            log.warning("%d request(s) still running at shutdown; dropped", len(late))


def _report_daily_end(task: asyncio.Task[object]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s scheduler stopped", task.get_name(), exc_info=task.exception())


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
    log.info("shutting down")


async def _listen(runner: web.AppRunner, host: str, port: int) -> socket.socket:
    """Bind, or say in one line which port could not be had. The listening socket is ours,
    not TCPSite's, so that `_close` can stop accepting on it before aiohttp closes it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        why = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be bound ({exc.strerror})"
        raise NetworkUnavailable(
            f"port {port} on {host} {why}: choose another with --port or PORT"
        ) from None
    await web.SockSite(runner, sock).start()
    return sock


async def _close(runner: web.AppRunner, listening: socket.socket | None) -> None:
    """Stop accepting, let connections already accepted reach their handler, then let
    aiohttp close the server and finish the requests in flight.

    asyncio makes an accepted connection's transport a loop turn after the accept, and the
    transport joins the server then: a `Server.close()` in between fails an assert and leaks
    the socket (CPython gh-109564, open); a SIGTERM under traffic lands there now and then.
    So the reader goes first, then three loop turns pass, enough for each such connection's
    transport, `connection_made` and aiohttp's handler to start (tests/test_listening.py
    needs two): aiohttp then closes it as idle at once, where a handler it saw no start of
    would be waited for 60 s."""
    if listening is not None and listening.fileno() != -1:
        asyncio.get_running_loop().remove_reader(listening.fileno())
        for _ in range(3):
            await asyncio.sleep(0)
    await runner.cleanup()


async def _serve_http(settings: Settings, corpus: Corpus, port: int, host: str) -> None:
    async with _running(settings, corpus) as running:
        runner = web.AppRunner(build_web_app(running, settings.signing_secret), access_log=None)
        await runner.setup()
        listening = None
        try:
            listening = await _listen(runner, host, port)
            log.info(
                "listening on http://%s:%d%s (%d cards)", host, port, EVENTS_PATH, len(corpus.cards)
            )
            await _until_signalled()
        finally:
            await _close(runner, listening)
            await _drain()


async def _check_app_token(settings: Settings, client: AsyncWebClient) -> None:
    """slack-sdk's Socket Mode client retries a refused app token forever, a traceback each
    time; ask apps.connections.open once first and stop with one line if Slack says no."""
    try:
        await client.apps_connections_open(app_token=settings.app_token or "")
    except SlackApiError as exc:
        error = errors.error_code(exc)
        if errors.is_bad_token(error) or error in ("not_allowed_token_type", "invalid_token"):
            raise TokenRefused(
                f"SLACK_APP_TOKEN was refused by Slack ({error}): create an app-level token "
                "with the connections:write scope (Basic Information > App-Level Tokens)"
            ) from None
        log.warning("apps.connections.open failed (%s); connecting anyway", error)


async def _serve_socket(settings: Settings, corpus: Corpus, port: int | None) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    async with _running(settings, corpus) as running:
        await _check_app_token(settings, running.client)
        runner: web.AppRunner | None = None
        listening = None
        if port is not None:  # health and metrics for the orchestrator; no Slack endpoint
            runner = web.AppRunner(build_web_app(running, None), access_log=None)
            await runner.setup()
            listening = await _listen(runner, "0.0.0.0", port)
            log.info("health on http://0.0.0.0:%d%s", port, HEALTH_PATH)
        handler = AsyncSocketModeHandler(
            running.app, app_token=settings.app_token, web_client=running.client
        )
        try:
            await handler.connect_async()
            log.info("connected in Socket Mode (%d cards)", len(corpus.cards))
            await _until_signalled()
        finally:
            await handler.close_async()
            if runner is not None:
                await _close(runner, listening)
            await _drain()


def _run(main: object) -> int:
    """Start-up failures propagate as `Failure`s; `bot.cli` prints the line and exits."""
    asyncio.run(main)  # type: ignore[arg-type]
    return 0


def run_http(settings: Settings, *, port: int, host: str = "0.0.0.0") -> int:
    """`python -m bot serve`: Slack's HTTP request URL is http(s)://HOST/slack/events."""
    configure_logging(settings)
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    return _run(_serve_http(settings, corpus, port, host))


def run_socket(settings: Settings, *, port: int | None = None) -> int:
    """`python -m bot socket`: no public URL needed; Slack connects over a WebSocket.
    With a port (PORT set), /healthz and /metrics are served on it."""
    configure_logging(settings)
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    return _run(_serve_socket(settings, corpus, port))
