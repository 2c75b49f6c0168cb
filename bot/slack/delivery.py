"""Posting the daily post: at most once per channel and day, and never lost when Slack did
not get it.

Each (channel, day) is a row that moves claimed -> sending -> posted | failed (see
`bot.state.store`). The rules that make a duplicate impossible:

- `sending` is recorded before chat.postMessage. Whoever later finds a `sending` row (after a
  kill -9, a SIGTERM, a timeout, a database that could not record the answer) may have been
  preceded by a post Slack received, so it looks in the channel's history for the post's tag
  (message metadata `osce_daily_post` with the channel and day) before sending again.
- chat.postMessage is never re-sent blindly: its client only retries 429s (Slack refused the
  call, nothing was posted). A timeout, a dropped connection or a 5xx is an uncertain
  outcome: after a short settle the history is checked; if the post is not there yet the row
  stays `sending` with its lease ended, so the next run (or the loop's next try) checks again.
- Only an answer that says Slack refused the post (`not_in_channel`, ...) marks it `failed`,
  which anyone may claim again at once.
- The holder of a claim renews its lease while in flight (one heartbeat per Delivery); a claim
  not renewed for `Settings.daily_lease` is a dead run's and is taken over.

Fan-out: a Delivery builds each day's post once, runs at most `daily_concurrency` channels at
once and starts at most `daily_rate` Web API calls per second workspace-wide (`Pacer`), so a
slow channel costs only its own time and bursts stay inside Slack's posting limits.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import Corpus
from bot.config import Settings
from bot.daily.calendar import post_for
from bot.daily.schedule import PAUSE_AFTER_DAYS
from bot.slack import errors
from bot.slack.blocks import Reply
from bot.slack.daily_blocks import render

if TYPE_CHECKING:
    from bot.state import Claim, Store

log = logging.getLogger(__name__)

Outcome = Literal["posted", "already_posted", "in_progress", "failed", "uncertain", "skipped"]

EVENT_TYPE = "osce_daily_post"  # the message metadata tag every daily post carries
SETTLE = 1.0  # seconds to let Slack store a post whose answer was lost, before looking
HISTORY_PAGES = 10  # at 200 messages a page: a day's post is far newer than that
RECORD_TRIES = 4  # writes after a post went out are retried: losing them costs a history check
RATE_LIMIT_RETRIES = 3


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
    paused: str | None = None

    @property
    def permanent(self) -> bool:
        return errors.is_permanent(self.error)

    @property
    def ok(self) -> bool:
        return self.outcome in ("posted", "already_posted")

    def line(self) -> str:
        """The one line `post-today` prints per channel."""
        if self.outcome == "posted":
            note = f"; {self.error}" if self.error else ""
            return f"{self.channel}: posted {self.kind} for {self.day} (ts {self.ts}){note}"
        if self.outcome == "already_posted":
            return f"{self.channel}: already posted for {self.day}"
        if self.outcome == "in_progress":
            return f"{self.channel}: still being posted by another run for {self.day}"
        if self.outcome == "skipped":
            return f"{self.channel}: not tried: {self.error}"
        if self.outcome == "uncertain":
            return (
                f"{self.channel}: not confirmed: {self.error}; the next run looks in the "
                "channel's history and posts only if it is not there"
            )
        hint = f" ({self.hint})" if self.hint else ""
        paused = (
            f"; paused after {PAUSE_AFTER_DAYS} days, `/osce subscribe` there resumes it"
            if self.paused
            else ""
        )
        return f"{self.channel}: failed: {self.error}{hint}{paused}"


class Pacer:
    """Spaces the starts of Web API calls workspace-wide: at most `rate` per second, in the
    order they asked (asyncio.Lock wakes waiters first come, first served)."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self._interval
            if start > now:
                await self._sleep(start - now)


class TokenRefused(Exception):
    """Slack refused the token itself: nothing else in this run can work."""


def _error_of(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return errors.error_code(exc)
    text = str(exc).splitlines()[0][:120] if str(exc) else ""  # bounded: may quote SQL
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _certainly_not_sent(exc: Exception) -> bool:
    """Slack answered and refused the post (not a 5xx), or no connection was ever made."""
    if isinstance(exc, SlackApiError):
        status = exc.response.status_code if exc.response is not None else 0
        return status < 500
    return isinstance(exc, aiohttp.ClientConnectorError)


def posting_client(client: AsyncWebClient, session: aiohttp.ClientSession) -> AsyncWebClient:
    """The client for chat.postMessage: the same token and URL, but it retries only 429s.
    Its siblings' connection and 5xx handlers would re-send a post Slack may already have
    received (a dropped connection after the request went out)."""
    return AsyncWebClient(
        token=client.token,
        base_url=client.base_url,
        session=session,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
        logger=_sdk_logger(),
    )


def _sdk_logger() -> logging.Logger:
    """slack-sdk formats every request and answer for its debug log when `logger.level <=
    DEBUG`, which a logger left at NOTSET (0) always is: with the post's blocks that was the
    fan-out's largest CPU cost. A logger with its level set makes it skip the work."""
    sdk = logging.getLogger("bot.slack.delivery.sdk")
    sdk.setLevel(logging.DEBUG if log.isEnabledFor(logging.DEBUG) else logging.INFO)
    return sdk


def _epoch(naive_utc: dt.datetime) -> float:
    return naive_utc.replace(tzinfo=dt.UTC).timestamp()


class Delivery:
    """One run of daily posting (a `post-today`, or one wake-up of the loop).

    Use as `async with Delivery(...) as d: await d.post_all([...])`; the context runs the
    heartbeat that keeps this run's claims alive.
    """

    def __init__(
        self,
        settings: Settings,
        store: Store,
        client: AsyncWebClient,
        corpus: Corpus,
        *,
        settle: float = SETTLE,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self.store = store
        self.client = client
        self._session: aiohttp.ClientSession | None = None
        self.poster = client  # replaced on entering the context
        self.corpus = corpus
        self.lease = dt.timedelta(seconds=settings.daily_lease)
        self.pacer = Pacer(settings.daily_rate, sleep=sleep)
        self.settle = settle
        self.sleep = sleep
        self.stopped: str | None = None  # a token error: the rest of the run is skipped
        self._slots = asyncio.Semaphore(settings.daily_concurrency)
        self._run = uuid.uuid4().hex[:12]
        self._count = 0
        self._active: set[str] = set()  # owners of this run's claims in flight
        self._posts: dict[dt.date, tuple[str, Reply]] = {}
        self._heartbeat: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Delivery:
        # The run's own pool for posts, with the timeout on the session: slack-sdk applies
        # its `timeout` only to sessions it opens itself, and aiohttp's default is 5 minutes.
        # Per attempt, so a 429's Retry-After wait does not count against it.
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.settings.daily_timeout)
        )
        self.poster = posting_client(self.client, self._session)
        # named "daily" like the loop's task: server._drain waits for every other task
        self._heartbeat = asyncio.create_task(self._beat(), name="daily")
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._heartbeat is not None:
            self._heartbeat.cancel()
            with suppress(asyncio.CancelledError):
                await self._heartbeat
        if self._session is not None:
            await self._session.close()

    async def _beat(self) -> None:
        """Renew the lease of every claim in flight, three times per lease."""
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            owners = list(self._active)
            if not owners:
                continue
            try:
                await asyncio.to_thread(self.store.renew_claims, owners)
            except Exception as exc:  # a locked database: the next beat tries again
                log.warning("daily post heartbeat failed: %s", _error_of(exc))

    def post_of(self, day: dt.date) -> tuple[str, Reply]:
        """(kind, reply) for `day`, built once per run however many channels get it."""
        if day not in self._posts:
            post = post_for(self.corpus, day)
            self._posts[day] = (post.kind, render(self.corpus, post))
        return self._posts[day]

    async def post_all(self, items: Iterable[tuple[str, dt.date]]) -> list[PostResult]:
        """Post each (channel, day) concurrently within the bounds; results in input order."""
        # named "daily": on shutdown the server cancels them with the loop instead of draining
        # them (a cancelled post is let go safely, see `_let_go`)
        tasks = [asyncio.create_task(self.post(ch, day), name="daily") for ch, day in items]
        return list(await asyncio.gather(*tasks))

    async def post(self, channel: str, day: dt.date) -> PostResult:
        """Post `day`'s post to `channel` unless it is there already; never raises for
        Slack or database errors (they become the result)."""
        async with self._slots:
            return await self._post(channel, day)

    async def _post(self, channel: str, day: dt.date) -> PostResult:
        started = time.monotonic()
        kind, reply = self.post_of(day)

        def done(outcome: Outcome, **extra: Any) -> PostResult:
            ms = int((time.monotonic() - started) * 1000)
            result = PostResult(channel, day, kind, outcome, ms=ms, **extra)
            _log(result)
            return result

        if self.stopped:
            return done("skipped", error=f"Slack refused the token ({self.stopped})")
        self._count += 1
        owner = f"{self._run}-{self._count}"
        try:
            claim = await asyncio.to_thread(
                self.store.claim_post, channel, day, owner=owner, lease=self.lease, sending=True
            )
        except Exception as exc:
            return done("failed", error=f"database: {_error_of(exc)}")
        if claim is None:
            status = await asyncio.to_thread(self.store.post_status, channel, day)
            if status is not None and status[0] == "posted":
                return done("already_posted", ts=status[1])
            return done("in_progress")
        self._active.add(owner)
        try:
            return await self._send(claim, reply, done)
        finally:
            self._active.discard(owner)

    async def _send(
        self, claim: Claim, reply: Reply, done: Callable[..., PostResult]
    ) -> PostResult:
        store = self.store
        sent = claim.uncertain or claim.fresh_sending  # (as far as a restart can know)
        try:
            if claim.uncertain:  # an earlier run may have posted it: look before sending
                try:
                    ts = await self._find(claim)
                except Exception as exc:  # cannot look: neither send nor free the day
                    await self._record(store.let_go, claim)
                    return done("uncertain", error=f"history: {_error_of(exc)}")
                if ts is not None:
                    await self._record(store.mark_posted_by, claim, ts)
                    return done("already_posted", ts=ts)
            if not claim.fresh_sending:
                await asyncio.to_thread(store.mark_sending, claim)
            sent = True
            await self.pacer.wait()
            response = await self.poster.chat_postMessage(
                channel=claim.channel,
                text=reply.text,
                blocks=list(reply.blocks),
                unfurl_links=False,
                unfurl_media=False,
                metadata={
                    "event_type": EVENT_TYPE,
                    "event_payload": {"channel": claim.channel, "day": claim.day.isoformat()},
                },
            )
        except asyncio.CancelledError:  # shutting down mid-post
            await asyncio.shield(asyncio.to_thread(self._let_go, claim, sent))
            raise
        except Exception as exc:
            if not sent or _certainly_not_sent(exc):
                return await self._refused(claim, exc, done)
            return await self._uncertain(claim, exc, done)
        ts = str(response["ts"])
        if not await self._record(store.mark_posted_by, claim, ts):
            return done(
                "posted", ts=ts, error="not recorded (database); the next run finds it in history"
            )
        return done("posted", ts=ts)

    def _let_go(self, claim: Claim, sent: bool) -> None:
        """Nothing sent: the day is free again. Maybe sent: end the lease, so the restart
        takes over at once and looks in the history first."""
        with suppress(Exception):
            if sent:
                self.store.let_go(claim)
            else:
                self.store.mark_failed(claim, "cancelled")

    async def _refused(
        self, claim: Claim, exc: Exception, done: Callable[..., PostResult]
    ) -> PostResult:
        """Slack did not post it (or nothing was sent): free the day for a later try."""
        error = _error_of(exc)
        known = errors.ERRORS.get(error)
        await self._record(self.store.mark_failed, claim, error)
        if known is not None and known.token:
            self.stopped = error
            return done("failed", error=error, hint=known.operator_hint)
        paused = None
        if known is not None and known.user_hint is not None:  # about the channel itself
            with suppress(Exception):
                sub = await asyncio.to_thread(
                    self.store.record_channel_error,
                    claim.channel,
                    claim.day,
                    error,
                    pause_after=PAUSE_AFTER_DAYS,
                )
                paused = sub.paused if sub is not None else None
                if paused:
                    log.warning(
                        "daily post paused channel=%s reason=%s: %s; /osce subscribe in the "
                        "channel resumes it",
                        claim.channel,
                        paused,
                        known.operator_hint,
                    )
        return done(
            "failed", error=error, hint=known.operator_hint if known else None, paused=paused
        )

    async def _uncertain(
        self, claim: Claim, exc: Exception, done: Callable[..., PostResult]
    ) -> PostResult:
        """Slack may have the post (timeout, dropped connection, 5xx): look, never re-send."""
        error = _error_of(exc)
        await self.sleep(self.settle)
        try:
            ts = await self._find(claim)
        except Exception as found_exc:
            ts, error = None, f"{error}; history: {_error_of(found_exc)}"
        if ts is not None:
            await self._record(self.store.mark_posted_by, claim, ts)
            return done("posted", ts=ts, error=f"confirmed from history after {error}")
        await self._record(self.store.let_go, claim)
        return done("uncertain", error=error)

    async def _find(self, claim: Claim) -> str | None:
        """The ts of this day's tagged post in the channel, if Slack has it."""
        oldest = f"{_epoch(claim.since) - 60:.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            await self.pacer.wait()
            page = await self.client.conversations_history(
                channel=claim.channel,
                oldest=oldest,
                limit=200,
                include_all_metadata=True,
                cursor=cursor,
            )
            for message in page.get("messages") or []:
                meta = message.get("metadata") or {}
                payload = meta.get("event_payload") or {}
                if meta.get("event_type") == EVENT_TYPE and payload.get("day") == (
                    claim.day.isoformat()
                ):
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        return None

    async def _record(self, write: Callable[..., bool], *args: Any) -> bool:
        """A state write, retried while the database is locked; False if it never went in."""
        for attempt in range(RECORD_TRIES):
            try:
                await asyncio.to_thread(write, *args)
                return True
            except Exception as exc:
                log.warning("daily post: database write failed: %s", _error_of(exc))
                if attempt + 1 < RECORD_TRIES:
                    await asyncio.sleep(0.2 * 2**attempt)
        return False


def _log(result: PostResult) -> None:
    """One line per post; carries ids and outcomes only, never a token. Channels skipped
    after a token refusal are not logged one by one, nor the refusal itself: the run's one
    line (post-today's, or the loop's) says it."""
    if result.outcome == "skipped" or errors.is_bad_token(result.error):
        return
    line = "daily post channel=%s day=%s kind=%s outcome=%s ms=%d"
    args: tuple[object, ...] = (
        result.channel,
        result.day,
        result.kind,
        result.outcome,
        result.ms,
    )
    if result.outcome not in ("failed", "uncertain"):
        log.info(line + (" note=%s" if result.error else ""), *args, *filter(None, [result.error]))
    elif result.outcome == "uncertain":
        log.warning(
            line + " error=%s (not in history yet; the next try looks again)", *args, result.error
        )
    elif result.permanent:
        log.warning(
            line + " error=%s: the bot cannot post to %s; %s.",
            *args,
            result.error,
            result.channel,
            result.hint,
        )
    else:
        log.warning(line + " error=%s (the day is free for a later try)", *args, result.error)


async def post_daily(
    store: Store,
    client: AsyncWebClient,
    corpus: Corpus,
    channel: str,
    day: dt.date,
    *,
    settings: Settings | None = None,
) -> PostResult:
    """One channel's post through a one-off Delivery (tests, one-shot callers)."""
    async with Delivery(settings or Settings(), store, client, corpus) as delivery:
        return await delivery.post(channel, day)
