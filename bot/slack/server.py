"""Running the Bolt app: HTTP (aiohttp, `POST /slack/events`) or Socket Mode.

Both modes share one start-up and shutdown path (`_running`): cards loaded and validated
first, the token checked with auth.test, the Store opened, the daily scheduler started as a
task; on SIGTERM/SIGINT everything is stopped in reverse so an in-flight reply is not cut
off by a half-closed HTTP session.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import Corpus
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.slack import errors
from bot.slack.app import build_app
from bot.slack.client import shared_client

log = logging.getLogger("osce.server")

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
DRAIN_SECONDS = 10.0


class StartupError(Exception):
    """Start-up cannot go on; the message is one line for the operator."""


@dataclass(frozen=True)
class Running:
    app: AsyncApp
    client: AsyncWebClient


def configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )


def build_web_app(app: AsyncApp, corpus: Corpus) -> web.Application:
    """The aiohttp application: Slack's single request URL, and a health check."""

    async def slack_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def healthz(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "cards": len(corpus.cards)})

    web_app = web.Application()
    web_app.router.add_post(EVENTS_PATH, slack_events)
    web_app.router.add_get(HEALTH_PATH, healthz)
    return web_app


async def _check_token(client: AsyncWebClient) -> None:
    """Fail at start, not at the first user's question, when Slack refuses the token."""
    try:
        auth = await client.auth_test()
    except SlackApiError as exc:
        error = errors.error_code(exc)
        if errors.is_bad_token(error):
            raise StartupError(f"SLACK_BOT_TOKEN was refused by Slack ({error})") from None
        log.warning("auth.test failed (%s); starting anyway", error)
    except aiohttp.ClientError as exc:
        log.warning("auth.test unreachable (%s); starting anyway", type(exc).__name__)
    else:
        log.info(
            "authenticated as bot user %s in team %s", auth.get("user_id"), auth.get("team_id")
        )


@contextlib.asynccontextmanager
async def _running(settings: Settings, corpus: Corpus) -> AsyncIterator[Running]:
    from bot.slack.scheduler import run_daily
    from bot.state import Store

    async with shared_client(settings) as client:
        await _check_token(client)
        store = await asyncio.to_thread(Store, settings.database_url)
        try:
            app = build_app(settings, corpus, store, client=client)
            daily = asyncio.create_task(run_daily(settings, store, corpus, client), name="daily")
            daily.add_done_callback(_report_daily_end)
            try:
                yield Running(app, client)
            finally:
                daily.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await daily
        finally:
            await asyncio.to_thread(store.close)


async def _drain(timeout: float = DRAIN_SECONDS) -> None:
    """Let replies already acked finish (Bolt runs them as tasks after the ack) before the
    HTTP session they use is closed; a user who got the ack should also get the answer."""
    current = asyncio.current_task()
    pending = [t for t in asyncio.all_tasks() if t is not current and t.get_name() != "daily"]
    if pending:
        _done, late = await asyncio.wait(pending, timeout=timeout)
        if late:
            log.warning("%d request(s) still running at shutdown; dropped", len(late))


def _report_daily_end(task: asyncio.Task[object]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("daily scheduler stopped", exc_info=task.exception())


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


async def _serve_http(settings: Settings, corpus: Corpus, port: int, host: str) -> None:
    async with _running(settings, corpus) as running:
        runner = web.AppRunner(build_web_app(running.app, corpus), access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
            log.info(
                "listening on http://%s:%d%s (%d cards)", host, port, EVENTS_PATH, len(corpus.cards)
            )
            await _until_signalled()
        finally:
            await runner.cleanup()  # stops accepting, lets in-flight requests finish
            await _drain()


async def _serve_socket(settings: Settings, corpus: Corpus) -> None:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    async with _running(settings, corpus) as running:
        handler = AsyncSocketModeHandler(
            running.app, app_token=settings.app_token, web_client=running.client
        )
        await handler.connect_async()
        log.info("connected in Socket Mode (%d cards)", len(corpus.cards))
        try:
            await _until_signalled()
        finally:
            await handler.close_async()
            await _drain()


def _run(main: object) -> int:
    try:
        asyncio.run(main)  # type: ignore[arg-type]
    except StartupError as exc:
        print(f"osce-bot: {exc}", file=sys.stderr)
        return 2
    return 0


def run_http(settings: Settings, *, port: int, host: str = "0.0.0.0") -> int:
    """`python -m bot serve`: Slack's HTTP request URL is http(s)://HOST/slack/events."""
    configure_logging(settings)
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    return _run(_serve_http(settings, corpus, port, host))


def run_socket(settings: Settings) -> int:
    """`python -m bot socket`: no public URL needed; Slack connects over a WebSocket."""
    configure_logging(settings)
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    return _run(_serve_socket(settings, corpus))
