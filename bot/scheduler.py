"""The daily schedule inside `serve`/`socket`: an asyncio task that posts at each HH:MM.

It sleeps until the next subscription is due (at most WAKE_AT_LEAST_EVERY, so subscriptions
made through another replica and clock jumps are noticed), and posts through the same
database claim as `post-today`, so it can run on every replica and next to cron.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from zoneinfo import ZoneInfo

from slack_sdk.web.async_client import AsyncWebClient

from bot.cards import Corpus
from bot.commands import DEFAULT_AT
from bot.config import Settings
from bot.posting import PostResult, post_daily
from bot.state import Store, Subscription

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
WAKE_AT_LEAST_EVERY = dt.timedelta(seconds=60)
RETRY_TRANSIENT_AFTER = dt.timedelta(minutes=5)
RETRY_PERMANENT_AFTER = dt.timedelta(hours=1)  # e.g. until someone invites the bot


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def apply_daily_channel(store: Store, settings: Settings) -> Subscription | None:
    """DAILY_CHANNEL subscribes that channel at 09:00 DAILY_TZ, unless it already chose a time."""
    if not settings.daily_channel:
        return None
    existing = store.subscription(settings.daily_channel)
    if existing is not None:
        return existing
    return store.subscribe(settings.daily_channel, DEFAULT_AT, settings.daily_tz)


def local_day(sub: Subscription, now: dt.datetime) -> dt.date:
    return now.astimezone(ZoneInfo(sub.tz)).date()


def due_at(sub: Subscription, day: dt.date) -> dt.datetime:
    """When `sub` is due on `day` (aware); a time skipped by a DST change falls after it."""
    return dt.datetime.combine(day, sub.at, tzinfo=ZoneInfo(sub.tz))


def is_due(sub: Subscription, now: dt.datetime) -> bool:
    """Due from its HH:MM until the end of its local day; that is what makes catch-up work."""
    return now >= due_at(sub, local_day(sub, now))


def next_wake(subs: list[Subscription], now: dt.datetime) -> dt.datetime:
    """The next HH:MM strictly after `now` of any subscription, capped to a minute away."""
    latest = now + WAKE_AT_LEAST_EVERY
    best = latest
    for sub in subs:
        today = local_day(sub, now)
        for day in (today, today + dt.timedelta(days=1)):
            when = due_at(sub, day)
            if when > now:
                best = min(best, when)
                break
    return best


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
