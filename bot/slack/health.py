"""`GET /healthz`: is the bot able to answer, not merely is the process up.

Two parts: Slack's Web API (auth.test, called every `Settings.health_interval` seconds by a
background task and cached, so a probe every second costs Slack nothing) and the database
(`SELECT 1` per probe: cheap, and the part that goes away suddenly). 200 with
`{"ok": true, ...}` when both work, 503 naming the part that failed otherwise.

Timeouts use `asyncio.timeout`, not `asyncio.wait_for`: on Python 3.11, `wait_for` returns
the result and drops the cancellation when the call finishes in the same loop turn as a
cancel (CPython gh-86296). The health task then slept on and `stop()` waited for it: a bot
told to stop (a refused app token) hung instead of exiting.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack import errors

if TYPE_CHECKING:
    from bot.state import Store

log = logging.getLogger("osce.health")

CHECK_TIMEOUT = 10.0  # seconds; a Web API slower than this is as good as down
DB_TIMEOUT = 5.0


async def slack_status(client: AsyncWebClient) -> str:
    """`ok`, or why the Web API cannot be used (an error code, never a token)."""
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):  # not wait_for: see the module's docstring
            await client.auth_test()
    except SlackApiError as exc:
        return errors.error_code(exc)
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        return f"unreachable ({type(exc).__name__})"
    return "ok"


@dataclass
class Health:
    """The cached Slack status (one per running app) and the live database probe."""

    client: AsyncWebClient
    store: Store
    cards: int
    interval: float = 30.0
    slack: str = "unknown"
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch(), name="health")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            status = await slack_status(self.client)
            if status != self.slack:
                log.log(
                    logging.INFO if status == "ok" else logging.WARNING, "slack web api: %s", status
                )
            self.slack = status
            await asyncio.sleep(self.interval)

    async def database(self) -> str:
        try:
            async with asyncio.timeout(DB_TIMEOUT):
                await asyncio.to_thread(self.store.ping)
        except TimeoutError:
            return "timeout"
        except Exception as exc:  # any driver error means "not usable": report, don't raise
            return f"unavailable ({type(exc).__name__})"
        return "ok"

    async def report(self) -> tuple[int, dict[str, Any]]:
        database = await self.database()
        ok = self.slack == "ok" and database == "ok"
        body = {"ok": ok, "cards": self.cards, "slack": self.slack, "database": database}
        return (200 if ok else 503), body
