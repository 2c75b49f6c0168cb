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
import sys
from collections.abc import Awaitable, Callable

from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import DEFAULT_AT
from bot.cards import Corpus
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.daily.schedule import WAKE_AT_LEAST_EVERY, is_due, local_day, next_wake, today_in
from bot.slack.client import shared_client
from bot.slack.delivery import PostResult, post_daily
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
) -> None:
    """Run forever: at start catch up on any post whose time has passed today, then at each HH:MM."""
    await asyncio.to_thread(apply_daily_channel, store, settings)
    # (channel, day) -> earliest time to try again; local to this task, the DB is the truth.
    not_before: dict[tuple[str, dt.date], dt.datetime] = {}
    while True:
        try:
            subs = await asyncio.to_thread(store.subscriptions)
            now = clock()
            for sub in subs:
                day = local_day(sub, now)
                key = (sub.channel, day)
                if not is_due(sub, now) or not_before.get(key, now) > now:
                    continue
                result = await post_daily(store, client, corpus, sub.channel, day)
                not_before[key] = _retry_time(result, now)
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
    if result.outcome in ("posted", "already_posted"):
        return dt.datetime.max.replace(tzinfo=dt.UTC)  # done for that day
    if result.outcome == "in_progress":
        return now + RETRY_TRANSIENT_AFTER  # someone else is on it; check it went through
    return now + (RETRY_PERMANENT_AFTER if result.permanent else RETRY_TRANSIENT_AFTER)


def run_post_today(settings: Settings, date: dt.date | None) -> int:
    """`bot post-today`: post `date` (default today in DAILY_TZ) to every subscribed channel,
    whatever its HH:MM, through the same claim as the loop (so cron next to a running bot
    still posts once per channel and day)."""
    if not settings.bot_token:
        print("osce-bot: SLACK_BOT_TOKEN is not set (it starts with xoxb-)", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    day = date or today_in(settings.daily_tz)
    store = Store(settings.database_url)
    try:
        apply_daily_channel(store, settings)
        channels = [sub.channel for sub in store.subscriptions()]
        if not channels:
            print("no subscribed channels (set DAILY_CHANNEL or use /osce subscribe)")
            return 0
        results = asyncio.run(_post_all(settings, store, corpus, channels, day))
    finally:
        store.close()
    for result in results:
        print(result.line())
    return 1 if any(r.outcome == "failed" for r in results) else 0


async def _post_all(
    settings: Settings, store: Store, corpus: Corpus, channels: list[str], day: dt.date
) -> list[PostResult]:
    """One channel after another: a cron run is small, and Slack rate-limits per workspace."""
    async with shared_client(settings) as client:  # one connection for every channel
        return [await post_daily(store, client, corpus, channel, day) for channel in channels]
