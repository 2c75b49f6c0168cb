"""When a subscription's daily post is due: pure functions of (subscription, now).

The asyncio loop that acts on them lives with the Slack delivery (`bot.slack.scheduler`);
keeping the rules here means `/osce today`, the console and the tests learn "today" and
"due" without importing the database or Slack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

WAKE_AT_LEAST_EVERY = dt.timedelta(seconds=60)
PAUSE_AFTER_DAYS = 3  # consecutive days of a permanent channel error before pausing


@dataclass(frozen=True)
class Subscription:
    """A channel that gets the daily post at `at` (local to `tz`).

    `paused` says why posting stopped (a channel error met on PAUSE_AFTER_DAYS days in a
    row); a paused subscription is skipped until `/osce subscribe` is used there again.
    """

    channel: str
    at: dt.time
    tz: str
    paused: str | None = None
    fail_days: int = 0


def today_in(tz: str, now: dt.datetime | None = None) -> dt.date:
    """The date it is in `tz` (DAILY_TZ for `/osce today`)."""
    return (now or dt.datetime.now(dt.UTC)).astimezone(ZoneInfo(tz)).date()


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
    best = now + WAKE_AT_LEAST_EVERY
    for sub in subs:
        today = local_day(sub, now)
        for day in (today, today + dt.timedelta(days=1)):
            when = due_at(sub, day)
            if when > now:
                best = min(best, when)
                break
    return best
