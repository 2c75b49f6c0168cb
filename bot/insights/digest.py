"""When the weekly curator digest is due: pure functions of (now, DAILY_TZ).

Monday 09:00 local starts a week's digest; it stays due until posted (a replica down on
Monday morning catches up later that week), and the database claim keyed by that Monday
makes it once per week across replicas.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

DIGEST_AT = dt.time(9, 0)  # Monday, local to DAILY_TZ
DIGEST_DAYS = 7
WAKE_AT_LEAST_EVERY = dt.timedelta(minutes=10)


def _monday(now: dt.datetime, tz: str) -> dt.date:
    local = now.astimezone(ZoneInfo(tz)).date()
    return local - dt.timedelta(days=local.weekday())


def _due_at(monday: dt.date, tz: str) -> dt.datetime:
    return dt.datetime.combine(monday, DIGEST_AT, tzinfo=ZoneInfo(tz))


def digest_week(now: dt.datetime, tz: str) -> dt.date | None:
    """The Monday whose digest is due at `now`, or None before Monday 09:00 of this week."""
    monday = _monday(now, tz)
    return monday if now >= _due_at(monday, tz) else None


def next_digest_wake(now: dt.datetime, tz: str) -> dt.datetime:
    """The next Monday 09:00 after `now`, capped so a clock jump is noticed soon enough."""
    monday = _monday(now, tz)
    when = _due_at(monday, tz)
    if when <= now:
        when = _due_at(monday + dt.timedelta(days=7), tz)
    return min(when, now + WAKE_AT_LEAST_EVERY)
