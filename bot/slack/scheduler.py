"""Delivering the daily post: the asyncio loop inside `serve`/`socket`, and `post-today`.

The loop sleeps until the next subscription is due (at most a minute, so subscriptions made
through another replica and clock jumps are noticed), and posts through the same database
claim as `post-today`, so it can run on every replica and next to cron. When a post is due
is decided by the pure rules in `bot.daily.schedule`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import DEFAULT_AT
from bot.cards import Corpus
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.daily.schedule import WAKE_AT_LEAST_EVERY, is_due, local_day, next_wake
from bot.logs import configure_logging
from bot.slack import errors
from bot.slack.client import build_client
from bot.slack.delivery import Delivery, PostResult
from bot.state import Store, Subscription

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
RETRY_TRANSIENT_AFTER = dt.timedelta(minutes=5)
RETRY_PERMANENT_AFTER = dt.timedelta(hours=1)  # e.g. until someone invites the bot


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def apply_daily_channel(store: Store, settings: Settings) -> Subscription | None:
    """DAILY_CHANNEL subscribes that channel at 09:00 DAILY_TZ, unless it already chose a time."""
    if not settings.daily_channel:
        return None
    return store.ensure_subscribed(settings.daily_channel, DEFAULT_AT, settings.daily_tz)


async def run_daily(
    settings: Settings,
    store: Store,
    corpus: Corpus,
    client: AsyncWebClient,
    *,
    clock: Clock = utc_now,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    on_result: Callable[[str], None] = lambda _outcome: None,
) -> None:
    """Run forever: at start catch up on any post whose time has passed today, then at each HH:MM.
    `on_result` gets each post's outcome (the server counts them in /metrics)."""
    await asyncio.to_thread(apply_daily_channel, store, settings)
    # (channel, day) -> earliest time to try again; local to this task, the DB is the truth.
    not_before: dict[tuple[str, dt.date], dt.datetime] = {}
    while True:
        try:
            subs = await asyncio.to_thread(store.subscriptions)
            now = clock()
            due = [
                (sub.channel, local_day(sub, now))
                for sub in subs
                if sub.paused is None and is_due(sub, now)
            ]
            due = [key for key in due if not_before.get(key, now) <= now]
            if due:
                async with Delivery(settings, store, client, corpus) as delivery:
                    results = await delivery.post_all(due)
                if delivery.stopped:
                    log.error(
                        "daily posts stopped: Slack refused the token (%s); check SLACK_BOT_TOKEN",
                        delivery.stopped,
                    )
                for result in results:
                    on_result(result.outcome)
                    not_before[(result.channel, result.day)] = _retry_time(result, now)
            for old in [k for k in not_before if k[1] < now.date() - dt.timedelta(days=2)]:
                del not_before[old]
            wake = next_wake(subs, clock())
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be briefly away; keep the schedule alive
            log.exception("daily scheduler: tick failed; trying again in a minute")
            wake = clock() + WAKE_AT_LEAST_EVERY
        await sleep(max(0.0, (wake - clock()).total_seconds()))


def _retry_time(result: PostResult, now: dt.datetime) -> dt.datetime:
    if result.ok:
        return dt.datetime.max.replace(tzinfo=dt.UTC)  # done for that day
    if result.outcome in ("in_progress", "uncertain"):
        return now + RETRY_TRANSIENT_AFTER  # look again (in the history) in a while
    if result.outcome == "skipped" or result.permanent:
        return now + RETRY_PERMANENT_AFTER
    return now + RETRY_TRANSIENT_AFTER


def run_post_today(settings: Settings, date: dt.date | None, *, clock: Clock = utc_now) -> int:
    """`bot post-today`: post to every subscribed channel, whatever its HH:MM, through the
    same claims as the loop (so cron next to a running bot still posts once per channel and
    day). The day is `date`, or else today in each subscription's own time zone.

    Exit codes: 0 every channel has its post; 1 some channel failed or is unconfirmed;
    2 the token is missing or Slack refused it (the run stops at the first refusal).
    """
    if not settings.bot_token:
        print("osce-bot: SLACK_BOT_TOKEN is not set (it starts with xoxb-)", file=sys.stderr)
        return 2
    configure_logging(settings)  # LOG_FORMAT=json applies to cron runs too
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    store = Store(settings.database_url)
    try:
        apply_daily_channel(store, settings)
        subs = store.subscriptions()
        if not subs:
            print("no subscribed channels (set DAILY_CHANNEL or use /osce subscribe)")
            return 0
        now = clock()
        active = [s for s in subs if s.paused is None]
        items = [(s.channel, date or local_day(s, now)) for s in active]
        try:
            results, stopped = asyncio.run(_post_all(settings, store, corpus, items))
        except KeyboardInterrupt:
            print("osce-bot: interrupted; the next run finishes the remaining channels")
            return 1
    finally:
        store.close()
    for sub in subs:
        if sub.paused is not None:
            print(f"{sub.channel}: paused ({sub.paused}); `/osce subscribe` there resumes it")
    if stopped:
        hint = errors.ERRORS[stopped].operator_hint if stopped in errors.ERRORS else ""
        print(
            f"osce-bot: Slack refused the token ({stopped}): {hint}; stopped, "
            f"{sum(r.outcome == 'skipped' for r in results)} channel(s) not tried",
            file=sys.stderr,
        )
        return 2
    for result in results:
        print(result.line())
    return 0 if all(r.ok for r in results) else 1


async def _post_all(
    settings: Settings, store: Store, corpus: Corpus, items: list[tuple[str, dt.date]]
) -> tuple[list[PostResult], str | None]:
    """All channels concurrently (within the Delivery's bounds). A channel some other run
    holds is waited for (up to two leases): a claim left by a run killed in its back-off is
    taken over once its lease ends, so this cron run does not end without the post.
    SIGTERM cancels the run like Ctrl-C: claims under which a post may have gone out are
    let go, to be checked against the history by the next run."""
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if main is not None:
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, main.cancel)
    async with aiohttp.ClientSession() as session:  # one connection pool for the run
        return await _post_with(
            settings, store, corpus, items, build_client(settings, session=session)
        )


async def _post_with(
    settings: Settings,
    store: Store,
    corpus: Corpus,
    items: list[tuple[str, dt.date]],
    client: AsyncWebClient,
) -> tuple[list[PostResult], str | None]:
    deadline = time.monotonic() + 2 * settings.daily_lease + settings.daily_timeout
    try:
        async with Delivery(settings, store, client, corpus) as delivery:
            results = await delivery.post_all(items)
            while not delivery.stopped and time.monotonic() < deadline:
                waiting = [i for i, r in enumerate(results) if r.outcome == "in_progress"]
                if not waiting:
                    break
                await asyncio.sleep(min(5.0, settings.daily_lease / 3))
                again = await delivery.post_all([items[i] for i in waiting])
                for i, result in zip(waiting, again, strict=True):
                    results[i] = result
    except asyncio.CancelledError:
        raise KeyboardInterrupt from None
    return results, delivery.stopped
