"""Checks that turn raw YAML into cards, or into messages a card author can act on.

Every check reports `path:line: message` and validation never stops at the first problem:
an author fixing cards wants the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.cards.model import ORGS, Card, DateEvent, Source
from bot.cards.schema import CardSchema, did_you_mean
from bot.cards.yaml_lines import Lines, line_of
from bot.matching.text import fold

ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

SOURCE_FIELDS = ("id", "title", "publisher", "url")
SOURCE_OPTIONAL = ("file", "last_updated", "paragraphs")
PHRASE_KIND = {"aliases": "alias", "questions": "question"}
PARAGRAPH_HASH = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a card or source, located to the line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class InvalidCards(Exception):
    """Raised by the loader with every problem found, so start-up can list them all."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def normalise_date(value: Any) -> str | None:
    """Accept "1999", 1999, "1999-06", "1999-06-10" or a YAML date; None when it is not one."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ISO_DATE.match(value):
        return None
    parts = [int(p) for p in value.split("-")]
    try:
        dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return None
    return value if parts[0] >= 1000 else None


def _url_ok(url: Any) -> bool:
    if not isinstance(url, str) or any(c.isspace() for c in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and "." in parts.netloc


class _Reporter:
    def __init__(self, path: str, lines: Lines):
        self.path, self.lines, self.problems = path, lines, []

    def __call__(self, key: tuple, message: str) -> None:
        self.problems.append(Problem(self.path, line_of(self.lines, key), message))


def _text(doc: Mapping, key: str, default: str = "") -> str:
    value = doc.get(key)
    return " ".join(value.split()) if isinstance(value, str) else default


def _strings(doc: Mapping, key: str) -> tuple[str, ...]:
    value = doc.get(key)
    if not isinstance(value, list):
        return ()
    return tuple(v.strip() for v in value if isinstance(v, str) and v.strip())


def card_from_doc(
    doc: Any, lines: Lines, path: str, sources: Mapping[str, Source], schema: CardSchema
) -> tuple[Card | None, list[Problem]]:
    """Validate one card on its own: the schema first, then what a schema cannot say.

    Cross-card checks (ids, aliases, related) come later, in `cross_check`.
    """
    report = _Reporter(path, lines)
    flagged = set()  # paths the schema already faulted: one problem per mistake
    for found in schema.problems(doc):
        report(found.path, found.message)
        flagged.add(found.path)
    if not isinstance(doc, dict):
        return None, report.problems

    source = _text(doc, "source")
    if source and source not in sources:
        known = ", ".join(sorted(sources)) or "none"
        report(("source",), f"unknown source {source!r} (known: {known})")
    reviewed = _text(doc, "reviewed")
    if ("reviewed",) not in flagged and reviewed and normalise_date(reviewed) is None:
        report(("reviewed",), f"{reviewed!r} is not a real date (use YYYY-MM-DD)")
    dates = _dates(doc, report, flagged)

    card_id = _text(doc, "id")
    if not card_id:
        return None, report.problems
    # built even when some field is wrong, so cross-card checks (related, duplicates) still
    # see it and do not report a second, misleading problem
    card = Card(
        id=card_id,
        title=_text(doc, "title"),
        summary=_text(doc, "summary"),
        source=source,
        anchor=_text(doc, "anchor"),
        orgs=tuple(o for o in _strings(doc, "orgs") if o in ORGS),
        topics=_strings(doc, "topics"),
        aliases=_strings(doc, "aliases"),
        dates=dates,
        related=_strings(doc, "related"),
        passages=_strings(doc, "passages"),
        questions=_strings(doc, "questions"),
        reviewed=reviewed,
        owner=_text(doc, "owner"),
        status=_text(doc, "status", "published"),
        path=path,
    )
    return card, report.problems


def _dates(doc: Mapping, report: _Reporter, flagged: set) -> tuple[DateEvent, ...]:
    """The dated events; the schema checked their shape, here only that each date is real.

    The schema's pattern admits 1999-02-30; a calendar does not.
    """
    value = doc.get("dates")
    out = []
    for i, item in enumerate(value if isinstance(value, list) else []):
        if not isinstance(item, dict):
            continue
        raw, event = item.get("date"), item.get("event")
        date = normalise_date(raw) if isinstance(raw, str) else None
        if isinstance(raw, str) and date is None and ("dates", i, "date") not in flagged:
            report(
                ("dates", i, "date"),
                f"{raw!r} is not a real date (use YYYY, YYYY-MM or YYYY-MM-DD)",
            )
        if date and isinstance(event, str) and event.strip():
            out.append(DateEvent(date, " ".join(event.split())))
    return tuple(out)


def alias_key(alias: str) -> str:
    """Aliases clash when the matcher cannot tell them apart: its own folding decides."""
    return fold(alias)


def cross_check(cards: list[tuple[Card, Lines]], known: set[str] = frozenset()) -> list[Problem]:
    """Checks that need every card: unique ids, unique aliases and questions, related ids that exist."""
    problems: list[Problem] = []
    first_by_id: dict[str, Card] = {}
    for card, lines in cards:
        if card.id in first_by_id:
            other = first_by_id[card.id]
            problems.append(
                Problem(
                    card.path,
                    line_of(lines, ("id",)),
                    f"duplicate id {card.id!r} (also in {other.path})",
                )
            )
        else:
            first_by_id[card.id] = card
    # an alias or question must lead to one card: compared as the matcher compares them
    phrase_owner: dict[str, tuple[Card, str, str]] = {}
    for card, lines in cards:
        for field in ("aliases", "questions"):
            for i, phrase in enumerate(getattr(card, field)):
                key = alias_key(phrase)
                owner, owner_field, owner_phrase = phrase_owner.setdefault(
                    key, (card, field, phrase)
                )
                if owner is card or owner.id == card.id:
                    continue
                problems.append(
                    Problem(
                        card.path,
                        line_of(lines, (field, i)),
                        f"{PHRASE_KIND[field]} {phrase!r} is also on card {owner.id!r} as {PHRASE_KIND[owner_field]} {owner_phrase!r} ({owner.path}) once folded as the matcher folds; it must lead to one card",
                    )
                )
    for card, lines in cards:
        for i, rel in enumerate(card.related):
            if rel not in first_by_id and rel not in known:
                problems.append(
                    Problem(
                        card.path,
                        line_of(lines, ("related", i)),
                        f"related card {rel!r} does not exist",
                    )
                )
            elif rel == card.id:
                problems.append(
                    Problem(
                        card.path,
                        line_of(lines, ("related", i)),
                        "a card cannot be related to itself",
                    )
                )
    return problems


def sources_from_doc(doc: Any, lines: Lines, path: str) -> tuple[dict[str, Source], list[Problem]]:
    """Validate the source registry: a list of {id, title, publisher, url, file, last_updated}."""
    report = _Reporter(path, lines)
    if not isinstance(doc, list):
        report((), "the source registry must be a YAML list of sources")
        return {}, report.problems
    sources: dict[str, Source] = {}
    for i, entry in enumerate(doc):
        if not isinstance(entry, dict):
            report((i,), f"source {i + 1} must be a mapping")
            continue
        for key in entry:
            if key not in SOURCE_FIELDS + SOURCE_OPTIONAL:
                report(
                    (i, key),
                    f"unknown field '{key}' in source{did_you_mean(key, SOURCE_FIELDS + SOURCE_OPTIONAL)}",
                )
        missing = [
            k for k in SOURCE_FIELDS if not isinstance(entry.get(k), str) or not entry[k].strip()
        ]
        if missing:
            report((i,), f"source {i + 1} lacks {', '.join(missing)}")
            continue
        if not _url_ok(entry["url"]):
            report((i, "url"), f"bad URL {entry['url']!r} (want http(s)://host/...)")
        updated = entry.get("last_updated")
        if updated is not None:
            updated = normalise_date(updated)
            if updated is None or len(updated) != 10:
                report(
                    (i, "last_updated"),
                    f"last_updated {entry['last_updated']!r} is not a real date (YYYY-MM-DD or null)",
                )
        paragraphs = entry.get("paragraphs") or []
        if not isinstance(paragraphs, list) or not all(
            isinstance(h, str) and PARAGRAPH_HASH.match(h) for h in paragraphs
        ):
            report(
                (i, "paragraphs"),
                "paragraphs must be a list of 16-hex-digit hashes (written by `bot sources record`)",
            )
            paragraphs = []
        if entry["id"] in sources:
            report((i, "id"), f"duplicate source id {entry['id']!r}")
        sources[entry["id"]] = Source(
            id=entry["id"],
            title=entry["title"].strip(),
            publisher=entry["publisher"].strip(),
            url=entry["url"],
            file=str(entry.get("file") or ""),
            last_updated=updated,
            paragraphs=tuple(paragraphs),
        )
    return sources, report.problems
