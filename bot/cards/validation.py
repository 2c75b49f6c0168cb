"""Checks that turn raw YAML into cards, or into messages a card author can act on.

Every check reports `path:line: message` and validation never stops at the first problem:
an author fixing cards wants the whole list at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.cards.model import ORGS, Card, DateEvent, Source
from bot.cards.yaml_lines import Lines, line_of

SUMMARY_MAX = 300
TITLE_MAX = 150
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

REQUIRED = (
    "id",
    "title",
    "summary",
    "source",
    "anchor",
    "orgs",
    "topics",
    "aliases",
    "dates",
    "related",
)
OPTIONAL = ("passages", "questions")
SOURCE_FIELDS = ("id", "title", "publisher", "url")
SOURCE_OPTIONAL = ("file", "last_updated")


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


def _did_you_mean(key: object, known: tuple[str, ...]) -> str:
    """'Title' or 'sumary' is a slip, not a new field: name the one that was meant."""
    text = str(key)
    lowered = {k.lower(): k for k in known}
    close = lowered.get(text.lower()) or next(
        iter(difflib.get_close_matches(text.lower(), known, n=1, cutoff=0.75)), None
    )
    return f"; did you mean '{close}'?" if close else ""


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


def _strings(doc: Mapping, key: str, report: _Reporter, *, allow_empty: bool) -> tuple[str, ...]:
    value = doc.get(key)
    if not isinstance(value, list):
        report((key,), f"'{key}' must be a list of strings")
        return ()
    out = []
    for i, item in enumerate(value):
        if (
            not isinstance(item, str | int | float)
            or isinstance(item, bool)
            or not str(item).strip()
        ):
            report((key, i), f"'{key}' item {i + 1} must be a non-empty string")
        else:
            out.append(str(item).strip())
    if not out and not allow_empty:
        report((key,), f"'{key}' must not be empty")
    return tuple(out)


def _text(doc: Mapping, key: str, report: _Reporter) -> str:
    value = doc.get(key)
    if not isinstance(value, str) or not value.strip():
        report((key,), f"'{key}' must be a non-empty string")
        return ""
    return " ".join(value.split())


def card_from_doc(
    doc: Any, lines: Lines, path: str, sources: Mapping[str, Source]
) -> tuple[Card | None, list[Problem]]:
    """Validate one card document on its own (cross-card checks come later)."""
    report = _Reporter(path, lines)
    if not isinstance(doc, dict):
        report((), "a card must be a YAML mapping of fields (id, title, summary, ...)")
        return None, report.problems
    for key in doc:
        if key not in REQUIRED and key not in OPTIONAL:
            report(
                (key,),
                f"unknown field '{key}'{_did_you_mean(key, REQUIRED + OPTIONAL)} (allowed: {', '.join(REQUIRED + OPTIONAL)})",
            )
    missing = [k for k in REQUIRED if k not in doc]
    if missing:
        report((), f"missing field{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")

    card_id = _text(doc, "id", report) if "id" in doc else ""
    if card_id and not SLUG.match(card_id):
        report(("id",), f"id {card_id!r} must be a lowercase slug like 'nato-arms-control'")
    title = _text(doc, "title", report) if "title" in doc else ""
    if len(title) > TITLE_MAX:
        report(("title",), f"title is {len(title)} characters; the limit is {TITLE_MAX}")
    summary = _text(doc, "summary", report) if "summary" in doc else ""
    if len(summary) > SUMMARY_MAX:
        report(("summary",), f"summary is {len(summary)} characters; the limit is {SUMMARY_MAX}")
    source = _text(doc, "source", report) if "source" in doc else ""
    if source and source not in sources:
        known = ", ".join(sorted(sources)) or "none"
        report(("source",), f"unknown source {source!r} (known: {known})")
    anchor = _text(doc, "anchor", report) if "anchor" in doc else ""
    orgs = _strings(doc, "orgs", report, allow_empty=False) if "orgs" in doc else ()
    for i, org in enumerate(orgs):
        if org.lower() not in ORGS:
            report(("orgs", i), f"unknown org {org!r} (allowed: {', '.join(ORGS)})")
    topics = _strings(doc, "topics", report, allow_empty=False) if "topics" in doc else ()
    aliases = _strings(doc, "aliases", report, allow_empty=True) if "aliases" in doc else ()
    related = _strings(doc, "related", report, allow_empty=True) if "related" in doc else ()
    passages = _strings(doc, "passages", report, allow_empty=True) if "passages" in doc else ()
    questions = _strings(doc, "questions", report, allow_empty=True) if "questions" in doc else ()
    dates = _dates(doc, report) if "dates" in doc else ()

    if not card_id:
        return None, report.problems
    # built even when some field is wrong, so cross-card checks (related, duplicates) still
    # see it and do not report a second, misleading problem
    card = Card(
        id=card_id,
        title=title,
        summary=summary,
        source=source,
        anchor=anchor,
        orgs=tuple(o.lower() for o in orgs),
        topics=topics,
        aliases=aliases,
        dates=dates,
        related=related,
        passages=passages,
        questions=questions,
        path=path,
    )
    return card, report.problems


def _dates(doc: Mapping, report: _Reporter) -> tuple[DateEvent, ...]:
    value = doc.get("dates")
    if not isinstance(value, list):
        report(("dates",), "'dates' must be a list of {date, event} (use [] for none)")
        return ()
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) != {"date", "event"}:
            report(
                ("dates", i), f"dates item {i + 1} must have exactly the fields 'date' and 'event'"
            )
            continue
        date = normalise_date(item["date"])
        if date is None:
            report(
                ("dates", i, "date"),
                f"{item['date']!r} is not a real date (use YYYY, YYYY-MM or YYYY-MM-DD)",
            )
        event = item["event"]
        if not isinstance(event, str) or not event.strip():
            report(("dates", i, "event"), "'event' must be a one-line description")
            continue
        if date:
            out.append(DateEvent(date, " ".join(event.split())))
    return tuple(out)


def alias_key(alias: str) -> str:
    """Aliases clash when they differ only in case, punctuation or spacing."""
    return " ".join(re.sub(r"[\W_]+", " ", alias.casefold()).split())


def cross_check(cards: list[tuple[Card, Lines]], known: set[str] = frozenset()) -> list[Problem]:
    """Checks that need every card: unique ids, unique aliases, related ids that exist."""
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
    alias_owner: dict[str, Card] = {}
    for card, lines in cards:
        for i, alias in enumerate(card.aliases):
            key = alias_key(alias)
            owner = alias_owner.setdefault(key, card)
            if owner is not card and owner.id != card.id:
                problems.append(
                    Problem(
                        card.path,
                        line_of(lines, ("aliases", i)),
                        f"alias {alias!r} is also on card {owner.id!r} ({owner.path}); an alias must lead to one card",
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
                    f"unknown field '{key}' in source{_did_you_mean(key, SOURCE_FIELDS + SOURCE_OPTIONAL)}",
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
        if entry["id"] in sources:
            report((i, "id"), f"duplicate source id {entry['id']!r}")
        sources[entry["id"]] = Source(
            id=entry["id"],
            title=entry["title"].strip(),
            publisher=entry["publisher"].strip(),
            url=entry["url"],
            file=str(entry.get("file") or ""),
            last_updated=updated,
        )
    return sources, report.problems
