"""The card model: what a fact card is once it has been loaded and validated.

Everything downstream (matcher, calendar, renderer) takes these frozen objects, so a card
that reached them is known to be well-formed and can never be changed by a request.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import permutations
from types import MappingProxyType
from urllib.parse import quote

ORGS = ("osce", "nato", "un")
ORG_NAMES = {"osce": "OSCE", "nato": "NATO", "un": "United Nations"}
# Every `orgs` a card can have, one tuple each, shared by all the cards that have it.
_SHARED_ORGS: Mapping[tuple[str, ...], tuple[str, ...]] = MappingProxyType(
    {p: p for n in range(len(ORGS) + 1) for p in permutations(ORGS, n)}
)


def _interned(text: str) -> str:
    return sys.intern(text) if type(text) is str else text


def long_date(d: dt.date) -> str:
    """'10 June 1999': how every full date is shown (no leading zero, month in words)."""
    return f"{d.day} {d:%B %Y}"


@dataclass(frozen=True, slots=True)
class DateEvent:
    """A dated event on a card, kept at the precision its source gives (year, month or day)."""

    date: str
    event: str

    def __post_init__(self) -> None:
        # a few hundred dates recur over a large corpus's events: one string each
        object.__setattr__(self, "date", _interned(self.date))

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def month(self) -> int | None:
        return int(self.date[5:7]) if len(self.date) >= 7 else None

    @property
    def day(self) -> int | None:
        return int(self.date[8:10]) if len(self.date) == 10 else None

    @property
    def precision(self) -> str:
        return {4: "year", 7: "month", 10: "day"}[len(self.date)]

    def display(self) -> str:
        """The date as a person reads it, without pretending to more precision than known."""
        if self.precision == "year":
            return self.date
        if self.precision == "month":
            return dt.date(self.year, self.month or 1, 1).strftime("%B %Y")
        return long_date(dt.date.fromisoformat(self.date))


@dataclass(frozen=True, slots=True)
class Source:
    """A source document from the registry (facts/sources.yaml)."""

    id: str
    title: str
    publisher: str
    url: str
    file: str = ""
    last_updated: str | None = None
    # sha256 (first 16 hex digits) of each paragraph when the cards were last checked against
    # the document: `check --sources` lists paragraphs not among them (new or changed)
    paragraphs: tuple[str, ...] = ()

    def display_date(self) -> str | None:
        if not self.last_updated:
            return None
        return long_date(dt.date.fromisoformat(self.last_updated))


def text_fragment(phrase: str) -> str:
    """Percent-encode a phrase for `#:~:text=`; '-', ',' and '&' are syntax there, so encode them."""
    return quote(phrase, safe="").replace("-", "%2D")


@dataclass(frozen=True, slots=True)
class Card:
    """One fact or topic, written from one source, linking the exact passage it comes from."""

    id: str
    title: str
    summary: str
    source: str
    anchor: str
    orgs: tuple[str, ...]
    topics: tuple[str, ...]
    aliases: tuple[str, ...]
    dates: tuple[DateEvent, ...] = ()
    related: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()  # natural ways people ask for this card, matched as phrases
    reviewed: str = ""  # YYYY-MM-DD: the day a person last checked the card against its source
    owner: str = ""  # who keeps it true (optional)
    status: str = "published"  # "draft": validated by `check`, never served
    path: str = ""

    def __post_init__(self) -> None:
        # cards share a handful of org lists and sources: one object each, not one per card
        if type(self.orgs) is tuple:
            object.__setattr__(self, "orgs", _SHARED_ORGS.get(self.orgs, self.orgs))
        object.__setattr__(self, "source", _interned(self.source))

    @property
    def is_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True, slots=True)
class Thesaurus:
    """Groups of interchangeable words or phrases (facts/thesaurus.yaml), lower case as written.

    Loaded and checked by bot.cards.thesaurus; carried by the Corpus so the matcher gets it
    with the cards it was checked against. `places` and `countries` are the names of places
    the cards state ("vienna", "western balkans"; "north macedonia"): a question for a place
    ("where was it held?") or a country ("which countries endorsed it?") needs a card that
    states one.
    """

    groups: tuple[tuple[str, ...], ...] = ()
    places: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Corpus:
    """The published cards and their sources; the read-only world the bot answers from.

    Drafts are validated like every card but kept apart, so nothing that answers can reach
    them; `related` links from a published card to a draft are dropped at load.
    """

    cards: tuple[Card, ...]
    sources: Mapping[str, Source]
    thesaurus: Thesaurus = Thesaurus()
    drafts: tuple[Card, ...] = ()
    _by_id: Mapping[str, Card] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", MappingProxyType({c.id: c for c in self.cards}))
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))

    def get(self, card_id: str) -> Card | None:
        return self._by_id.get(card_id)

    def source_of(self, card: Card) -> Source:
        return self.sources[card.source]

    def url_of(self, card: Card) -> str:
        """The source URL that opens at the card's passage."""
        return f"{self.source_of(card).url}#:~:text={text_fragment(card.anchor)}"
