"""The daily post: which cards a given date brings up, as pure functions of (corpus, date).

Nothing here reads the clock, the database or Slack, so `bot today --date`, the scheduler,
`post-today` and the tests all agree on what a date shows, and a date can be replayed.

Rules, in order:

1. "On this day": events dated to the day whose month and day are today's (past years).
2. "This month": on the 1st of a month, events known only to that month (past years).
   Both may apply on one day; the post then has both sections.
3. Otherwise a "card of the day", from the fixed rotation described in `rotation`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Literal

from bot.cards import Card, Corpus, DateEvent

Kind = Literal["on_this_day", "this_month", "card_of_the_day"]

# Rotation day 0. Any fixed date works; changing it reshuffles every day after it.
EPOCH = dt.date(2000, 1, 1)
ROUND_EVERY = 5


@dataclass(frozen=True)
class DailyItem:
    """One card shown in a post, with the event that brought it up (if any)."""

    card: Card
    event: DateEvent | None
    years_ago: int | None


@dataclass(frozen=True)
class Section:
    kind: Kind
    items: tuple[DailyItem, ...]


@dataclass(frozen=True)
class DailyPost:
    """What one date shows. `kind` is the first section's kind (the most specific rule)."""

    day: dt.date
    kind: Kind
    sections: tuple[Section, ...]

    @property
    def items(self) -> tuple[DailyItem, ...]:
        return tuple(item for section in self.sections for item in section.items)

    @property
    def cards(self) -> tuple[Card, ...]:
        """Each card once, in the order shown."""
        seen: dict[str, Card] = {}
        for item in self.items:
            seen.setdefault(item.card.id, item.card)
        return tuple(seen.values())


def years_between(event: DateEvent, day: dt.date) -> int:
    return day.year - event.year


def is_round(years: int) -> bool:
    return years >= ROUND_EVERY and years % ROUND_EVERY == 0


# ---- rules 1 and 2 -----------------------------------------------------------------------


def _sorted_items(found: list[DailyItem]) -> tuple[DailyItem, ...]:
    """Oldest first, then by card id, so the order never depends on file order."""
    return tuple(
        sorted(found, key=lambda i: (i.event.date if i.event else "", i.card.id, str(i.event)))
    )


def on_this_day(corpus: Corpus, day: dt.date) -> tuple[DailyItem, ...]:
    found = [
        DailyItem(card, event, years_between(event, day))
        for card in corpus.cards
        for event in card.dates
        if event.precision == "day"
        and (event.month, event.day) == (day.month, day.day)
        and event.year < day.year
    ]
    return _sorted_items(found)


def this_month(corpus: Corpus, day: dt.date) -> tuple[DailyItem, ...]:
    if day.day != 1:
        return ()
    found = [
        DailyItem(card, event, years_between(event, day))
        for card in corpus.cards
        for event in card.dates
        if event.precision == "month" and event.month == day.month and event.year < day.year
    ]
    return _sorted_items(found)


def _special_days(corpus: Corpus, year: int) -> frozenset[dt.date]:
    """Dates of `year` taken by rules 1 and 2 (so they consume no card-of-the-day turn)."""
    days: set[dt.date] = set()
    for card in corpus.cards:
        for event in card.dates:
            if event.year >= year or event.month is None:
                continue
            if event.precision == "month":
                days.add(dt.date(year, event.month, 1))
            elif event.precision == "day" and event.day is not None:
                # 29 February outside a leap year: no anniversary that year
                with contextlib.suppress(ValueError):
                    days.add(dt.date(year, event.month, event.day))
    return frozenset(days)


def is_special(corpus: Corpus, day: dt.date) -> bool:
    return day in _special_days(corpus, day.year)


# ---- rule 3: the rotation -------------------------------------------------------------------


def _ordinary_before(corpus: Corpus, start: dt.date, end: dt.date) -> int:
    """Number of ordinary (card-of-the-day) days in [start, end), start <= end."""
    total = 0
    for year in range(start.year, end.year + 1):
        lo = max(start, dt.date(year, 1, 1))
        hi = min(end, dt.date(year + 1, 1, 1))
        if lo >= hi:
            continue
        special = sum(1 for d in _special_days(corpus, year) if lo <= d < hi)
        total += (hi - lo).days - special
    return total


def ordinal(corpus: Corpus, day: dt.date) -> int:
    """The day's turn number in the rotation: ordinary days counted from EPOCH (may be < 0)."""
    if day >= EPOCH:
        return _ordinary_before(corpus, EPOCH, day)
    return -_ordinary_before(corpus, day, EPOCH)


def round_anniversary(card: Card, year: int) -> DateEvent | None:
    """The card's oldest year-only event that has a round anniversary in `year`."""
    events = [e for e in card.dates if e.precision == "year" and is_round(year - e.year)]
    return min(events, key=lambda e: e.date) if events else None


def _rotation_key(card: Card) -> str:
    """A stable pseudo-random place per card id: adding a card slots it in, others keep order."""
    return hashlib.sha256(f"osce-bot daily rotation {card.id}".encode()).hexdigest()


def rotation(corpus: Corpus) -> tuple[Card, ...]:
    """The one fixed order the card of the day cycles through, turn after turn.

    The rotation is strictly periodic: any len(cards) consecutive ordinary days show every
    card exactly once, across cycle boundaries and year ends alike. (A fresh shuffle per
    cycle, as before, let a card that ended one cycle open the next: 2028-12-29 and
    2028-12-30 showed the same card.) A strictly periodic sequence with no early repeat must
    be one fixed order, so there is no per-cycle variation to tune; round anniversaries still
    show: a card comes up every len(cards) ordinary days, so in its anniversary year it is
    shown, each time with the "N years ago" line (`post_for`).
    """
    return tuple(sorted(corpus.cards, key=lambda c: (_rotation_key(c), c.id)))


def card_of_the_day(corpus: Corpus, day: dt.date) -> Card | None:
    if not corpus.cards:
        return None
    order = rotation(corpus)
    return order[ordinal(corpus, day) % len(order)]


# ---- putting it together --------------------------------------------------------------------


def post_for(corpus: Corpus, day: dt.date) -> DailyPost:
    """The post for `day`: rules 1 and 2 if any event falls on it, else the card of the day."""
    sections = [
        Section(kind, items)
        for kind, items in (
            ("on_this_day", on_this_day(corpus, day)),
            ("this_month", this_month(corpus, day)),
        )
        if items
    ]
    if not sections:
        card = card_of_the_day(corpus, day)
        items: tuple[DailyItem, ...] = ()
        if card is not None:
            event = round_anniversary(card, day.year)
            items = (DailyItem(card, event, years_between(event, day) if event else None),)
        sections = [Section("card_of_the_day", items)]
    frozen = tuple(sections)
    return DailyPost(day, frozen[0].kind, frozen)
