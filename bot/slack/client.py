"""The one place the Slack Web API client is built, so every mode retries the same way.

Slack answers bursts with 429 + Retry-After, and a replica restart or a flaky proxy shows up
as a dropped connection; slack-sdk's own retry handlers cover both, so nothing here
re-implements back-off. `SLACK_API_URL` (settings.api_url) points the client at a test
double or a proxy without touching the code.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import aiohttp
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings

RATE_LIMIT_RETRIES = 3  # Retry-After is honoured each time; more would outlast the user's patience
CONNECTION_RETRIES = 2


def build_client(
    settings: Settings, *, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """An AsyncWebClient on settings.api_url that retries 429s and connection errors.

    Pass `session` (created inside the running loop) to reuse connections across requests;
    without it slack-sdk opens a session per call, which is fine for tests and one-offs.
    """
    return AsyncWebClient(
        token=settings.bot_token,
        base_url=_base_url(settings.api_url),
        session=session,
        retry_handlers=retry_handlers(),
    )


@contextlib.asynccontextmanager
async def shared_client(settings: Settings) -> AsyncIterator[AsyncWebClient]:
    """The process's one connection pool, and the Web API client on it.

    Every outgoing call (the Web API, and through `bot.slack.app.ReliableRespond` the
    response URLs) reuses its connections: a fresh TCP + TLS connection per call costs
    several times the CPU of the call itself. The session must be created inside the running
    loop, and is closed on leaving, so callers leave only once their replies are delivered
    (`serve` and `socket` drain in-flight requests first).
    """
    async with aiohttp.ClientSession() as session:
        yield build_client(settings, session=session)


def retry_handlers() -> list[AsyncRetryHandler]:
    """The same back-off for the Web API and for response URLs (fresh: handlers keep state)."""
    return [
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        AsyncConnectionErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
        AsyncServerErrorRetryHandler(max_retry_count=CONNECTION_RETRIES),
    ]


def _base_url(api_url: str | None) -> str:
    """slack-sdk joins base_url and the method name as strings: it must end with a slash."""
    if not api_url:
        return AsyncWebClient.BASE_URL
    return api_url if api_url.endswith("/") else api_url + "/"
