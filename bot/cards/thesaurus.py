"""facts/thesaurus.yaml: the everyday words people use for the sources' terms, as data.

Loaded here, beside the cards it serves, so the matcher gets it from the Corpus and `check`
validates it with the same `file:line: message` lines as the cards: a group no card uses can
never match anything, and a member in two places makes matching ambiguous.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.cards.model import Card, Thesaurus
from bot.cards.validation import InvalidCards, Problem
from bot.cards.yaml_lines import Lines, YamlError, line_of, parse
from bot.matching.text import fold

FILE_NAME = "thesaurus.yaml"

__all__ = ["Thesaurus", "check_usage", "folded", "load_thesaurus", "read_thesaurus"]


def folded(thesaurus: Thesaurus) -> tuple[tuple[str, ...], ...]:
    """The groups after the matcher's folding ('co-operation' -> 'co operation')."""
    return tuple(tuple(fold(m) for m in group) for group in thesaurus.groups)


@dataclass(frozen=True)
class ThesaurusFile:
    """A read thesaurus with what `check` needs to point at lines."""

    thesaurus: Thesaurus
    path: str
    lines: Lines
    positions: tuple[int, ...] = ()  # each group's index in the file's `groups:` list
    place_positions: tuple[int, ...] = ()  # each place's index in the file's `places:` list
    country_positions: tuple[int, ...] = ()  # ... and each country's in `countries:`


def read_thesaurus(facts_dir: Path, shown: str) -> tuple[ThesaurusFile | None, list[Problem]]:
    """Parse and check the file's shape; no file at all is an empty thesaurus."""
    path = facts_dir / FILE_NAME
    if not path.exists():
        return ThesaurusFile(Thesaurus(), shown, {}), []
    try:
        doc, lines = parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, 1, f"cannot read: {exc}")]
    except YamlError as exc:
        return None, [Problem(shown, exc.line, exc.message)]
    problems: list[Problem] = []

    def report(key: tuple, message: str) -> None:
        problems.append(Problem(shown, line_of(lines, key), message))

    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list):
        report((), "the thesaurus must be a mapping with 'groups:', a list of lists of words")
        return None, problems
    for key in doc:
        if key not in ("groups", "places", "countries"):
            report((key,), f"unknown field '{key}' (allowed: groups, places, countries)")
    groups: list[tuple[str, ...]] = []
    positions: list[int] = []
    first_seen: dict[str, tuple[int, str]] = {}  # folded member -> (line, as written)
    for g, group in enumerate(doc["groups"]):
        if not isinstance(group, list):
            report(("groups", g), f"group {g + 1} must be a list like [word, other word]")
            continue
        members: list[str] = []
        for m, member in enumerate(group):
            where = ("groups", g, m)
            if not isinstance(member, str) or not member.strip():
                report(where, f"{member!r} must be a word or phrase (quote it if need be)")
                continue
            if member != member.lower():
                report(where, f"{member!r} must be lower case")
            key = fold(member)
            if key in first_seen:
                line, written = first_seen[key]
                report(where, f"{member!r} repeats {written!r} (line {line}) once folded; keep one")
                continue
            first_seen[key] = (line_of(lines, where), member)
            members.append(member)
        if len(members) < 2:
            report(("groups", g), f"group {g + 1} needs at least two different members")
        groups.append(tuple(members))
        positions.append(g)
    places, place_at = _read_places(doc, "places", report)
    countries, country_at = _read_places(doc, "countries", report)
    thesaurus = Thesaurus(tuple(groups), places, countries)
    read = ThesaurusFile(thesaurus, shown, lines, tuple(positions), place_at, country_at)
    return read, problems


def _read_places(
    doc: dict, key: str, report: Callable[[tuple, str], None]
) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The `places:` (or `countries:`) list: lower-case names, each listed once (once
    folded)."""
    listed = doc.get(key, [])
    if not isinstance(listed, list):
        report((key,), f"'{key}' must be a list of place names, like [vienna, kosovo]")
        return (), ()
    places: list[str] = []
    positions: list[int] = []
    seen: set[str] = set()
    for p, place in enumerate(listed):
        if not isinstance(place, str) or not place.strip():
            report((key, p), f"{place!r} must be a place name (quote it if need be)")
            continue
        if place != place.lower():
            report((key, p), f"{place!r} must be lower case")
        if fold(place) in seen:
            report((key, p), f"{place!r} is listed twice once folded; keep one")
            continue
        seen.add(fold(place))
        places.append(place)
        positions.append(p)
    return tuple(places), tuple(positions)


def _card_texts(card: Card) -> Iterable[str]:
    yield card.title
    yield card.summary
    yield from card.topics
    yield from card.aliases
    yield from card.questions
    for date in card.dates:
        yield date.event
        yield date.display()  # "June 1999": so a month group is used by a card dated then


def _said(phrase: str, texts: list[str]) -> bool:
    """Whether one of `texts` (folded, a space at each end) has `phrase` as whole words."""
    key = f" {fold(phrase)} "
    return any(key in text for text in texts)


def check_usage(file: ThesaurusFile, cards: Iterable[Card]) -> list[Problem]:
    """Each group needs a member some card uses as a word or whole phrase, or it never
    matches; each place must be named on some card, or it states nothing."""
    texts = [f" {fold(t)} " for card in cards for t in _card_texts(card)]
    problems = []
    for g, group in zip(file.positions, file.thesaurus.groups, strict=True):
        if len(group) < 2:
            continue  # already reported as too small
        if not any(_said(m, texts) for m in group):
            problems.append(
                Problem(
                    file.path,
                    line_of(file.lines, ("groups", g)),
                    f"no card uses any of {', '.join(group)}: the group can never match; drop it or add the word to a card",
                )
            )
    listed = (
        ("places", file.place_positions, file.thesaurus.places),
        ("countries", file.country_positions, file.thesaurus.countries),
    )
    for key, at, names in listed:
        for p, place in zip(at, names, strict=True):
            if not _said(place, texts):
                problems.append(
                    Problem(
                        file.path,
                        line_of(file.lines, (key, p)),
                        f"no card names the place {place!r}: drop it or add it to a card",
                    )
                )
    return problems


def load_thesaurus(facts_dir: Path | str) -> Thesaurus:
    """The thesaurus alone (shape checked, usage not); raise InvalidCards on a bad file."""
    read, problems = read_thesaurus(Path(facts_dir), str(Path(facts_dir) / FILE_NAME))
    if problems or read is None:
        raise InvalidCards(problems)
    return read.thesaurus
