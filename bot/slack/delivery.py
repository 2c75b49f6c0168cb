"""Posting the daily post to a channel exactly once per day.

The order is: claim (channel, day) in the database, post, then mark it posted; if posting
finally fails the claim is released so the day is not lost. Only the database decides who
posts, so `post-today` run twice, a restart, or two replicas still give one message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import Corpus
from bot.daily.calendar import post_for
from bot.slack import errors
from bot.slack.daily_blocks import render

if TYPE_CHECKING:
    from bot.state import Store

log = logging.getLogger(__name__)

Outcome = Literal["posted", "already_posted", "in_progress", "failed"]

OTHER_RETRIES = 3  # bounded retries for anything else that looks transient
BACKOFF = 1.0  # seconds, doubled after each attempt


@dataclass(frozen=True)
class PostResult:
    channel: str
    day: dt.date
    kind: str
    outcome: Outcome
    ts: str | None = None
    error: str | None = None
    hint: str | None = None
    ms: int = 0

    @property
    def permanent(self) -> bool:
        return errors.is_permanent(self.error)

    def line(self) -> str:
        """The one line `post-today` prints per channel."""
        if self.outcome == "posted":
            return f"{self.channel}: posted {self.kind} for {self.day} (ts {self.ts})"
        if self.outcome == "already_posted":
            return f"{self.channel}: already posted for {self.day}"
        if self.outcome == "in_progress":
            return f"{self.channel}: being posted by another run for {self.day}"
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.channel}: failed: {self.error}{hint}"


def _error_of(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return errors.error_code(exc)
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _send(
    client: AsyncWebClient,
    channel: str,
    text: str,
    blocks: list[dict],
    *,
    retries: int,
    backoff: float,
    sleep: Callable[[float], Awaitable[None]],
) -> str:
    """Post, retrying transient failures the client's handlers gave up on; return the ts."""
    attempt = 0
    while True:
        try:
            response = await client.chat_postMessage(
                channel=channel, text=text, blocks=blocks, unfurl_links=False, unfurl_media=False
            )
            return str(response["ts"])
        except SlackApiError as exc:
            if errors.is_permanent(_error_of(exc)) or attempt >= retries:
                raise
        except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError):
            if attempt >= retries:
                raise
        await sleep(backoff * 2**attempt)
        attempt += 1


async def post_daily(
    store: Store,
    client: AsyncWebClient,
    corpus: Corpus,
    channel: str,
    day: dt.date,
    *,
    retries: int = OTHER_RETRIES,
    backoff: float = BACKOFF,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> PostResult:
    """Post `day`'s post to `channel` unless some run already has; never raises for Slack errors."""
    started = time.monotonic()
    post = post_for(corpus, day)
    reply = render(corpus, post)

    def done(outcome: Outcome, **extra: str | None) -> PostResult:
        result = PostResult(
            channel,
            day,
            post.kind,
            outcome,
            ms=int((time.monotonic() - started) * 1000),
            **extra,  # type: ignore[arg-type]
        )
        _log(result)
        return result

    if not await asyncio.to_thread(store.claim_post, channel, day):
        status = await asyncio.to_thread(store.post_status, channel, day)
        if status is not None and status[0] == "posted":
            return done("already_posted", ts=status[1])
        return done("in_progress")
    try:
        ts = await _send(
            client,
            channel,
            reply.text,
            list(reply.blocks),
            retries=retries,
            backoff=backoff,
            sleep=sleep,
        )
    except asyncio.CancelledError:  # shutting down mid-post: give the day back, then stop
        store.release_post(channel, day)
        raise
    except Exception as exc:  # anything: the claim must be released or the day is lost
        await asyncio.to_thread(store.release_post, channel, day)
        error = _error_of(exc)
        known = errors.ERRORS.get(error)
        return done("failed", error=error, hint=known.operator_hint if known else None)
    await asyncio.to_thread(store.mark_posted, channel, day, ts)
    return done("posted", ts=ts)


def _log(result: PostResult) -> None:
    """One line per post; carries ids and outcomes only, never a token."""
    line = "daily post channel=%s day=%s kind=%s outcome=%s ms=%d"
    args: tuple[object, ...] = (
        result.channel,
        result.day,
        result.kind,
        result.outcome,
        result.ms,
    )
    if result.outcome != "failed":
        log.info(line, *args)
    elif result.permanent:
        log.warning(
            line
            + " error=%s: the bot cannot post to %s; %s. Released the day so it is posted once fixed.",
            *args,
            result.error,
            result.channel,
            result.hint,
        )
    else:
        log.warning(
            line + " error=%s (gave up after retries; released the day for a later try)",
            *args,
            result.error,
        )
