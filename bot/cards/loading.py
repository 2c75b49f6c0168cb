"""Loading the facts folder into a validated Corpus.

Start-up, `bot check` and the tests all go through `load_corpus`, so the bot can never run
on cards that `check` would reject.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TextIO

from bot.cards.model import Card, Corpus, Source, Thesaurus
from bot.cards.schema import load_schema
from bot.cards.thesaurus import FILE_NAME as THESAURUS_FILE
from bot.cards.thesaurus import check_usage, read_thesaurus
from bot.cards.validation import InvalidCards, Problem, card_from_doc, cross_check, sources_from_doc
from bot.cards.yaml_lines import Lines, YamlError, parse

DEFAULT_FACTS = Path(__file__).resolve().parents[2] / "facts"


def _read(path: Path, shown: str) -> tuple[object, Lines] | Problem:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return Problem(shown, 1, f"cannot read: {exc}")
    try:
        return parse(text)
    except YamlError as exc:
        return Problem(shown, exc.line, exc.message)


def _shown(path: Path) -> str:
    """Paths in messages relative to the working directory when possible, as editors expect."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def load_sources(facts_dir: Path) -> tuple[dict[str, Source], list[Problem]]:
    return load_registry(facts_dir / "sources.yaml")


def load_registry(path: Path) -> tuple[dict[str, Source], list[Problem]]:
    """A source registry file (facts/sources.yaml, or another for `bot sources fetch`)."""
    read = _read(path, _shown(path))
    if isinstance(read, Problem):
        return {}, [read]
    return sources_from_doc(read[0], read[1], _shown(path))


def load_corpus(facts_dir: Path | str = DEFAULT_FACTS) -> Corpus:
    """Read sources, cards and thesaurus; raise InvalidCards listing every problem.

    Every card is checked against facts/card.schema.json, then for what a schema cannot say.
    Drafts are checked too but kept out of `Corpus.cards`, so they are never served.
    """
    facts_dir = Path(facts_dir)
    schema = load_schema()
    sources, problems = load_sources(facts_dir)
    card_dir = facts_dir / "cards"
    files = sorted(card_dir.glob("*.yaml")) + sorted(card_dir.glob("*.yml"))
    if not files:
        problems.append(Problem(_shown(card_dir), 1, "no cards (*.yaml) found"))
    loaded: list[tuple[Card, Lines]] = []
    unreadable: set[str] = set()  # ids of files that did not parse: not "missing" for `related`
    for path in files:
        shown = _shown(path)
        read = _read(path, shown)
        if isinstance(read, Problem):
            problems.append(read)
            unreadable.add(path.stem)
            continue
        card, found = card_from_doc(read[0], read[1], shown, sources, schema)
        problems.extend(found)
        if card is None:
            continue
        if card.id != path.stem:
            problems.append(
                Problem(
                    shown,
                    read[1].get(("id",), 1),
                    f"id {card.id!r} differs from the file name {path.name!r}; name the file {card.id}.yaml",
                )
            )
        loaded.append((card, read[1]))
    problems.extend(cross_check(loaded, known=unreadable))
    cards = [c for c, _ in loaded]
    thesaurus_file, found = read_thesaurus(facts_dir, _shown(facts_dir / THESAURUS_FILE))
    problems.extend(found)
    if thesaurus_file is not None:
        problems.extend(check_usage(thesaurus_file, cards))
    if problems or thesaurus_file is None:
        raise InvalidCards(problems)
    return _serving(cards, sources, thesaurus_file.thesaurus)


def _serving(cards: list[Card], sources: dict[str, Source], thesaurus: Thesaurus) -> Corpus:
    """Published cards answer; a published card's `related` link to a draft is dropped, so
    nothing shown can lead to a card that is not served."""
    drafts = tuple(c for c in cards if c.is_draft)
    draft_ids = {c.id for c in drafts}
    published = tuple(
        dataclasses.replace(c, related=tuple(r for r in c.related if r not in draft_ids))
        if draft_ids.intersection(c.related)
        else c
        for c in cards
        if not c.is_draft
    )
    return Corpus(cards=published, sources=sources, thesaurus=thesaurus, drafts=drafts)


def load_checked(
    facts_dir: Path | str = DEFAULT_FACTS, *, err: TextIO | None = None
) -> Corpus | None:
    """The corpus, or None after printing every problem: the bot never runs on bad cards."""
    err = err or sys.stderr
    try:
        return load_corpus(facts_dir)
    except InvalidCards as exc:
        for problem in exc.problems:
            print(problem, file=err)
        print(f"osce-bot: {len(exc.problems)} problem(s) in the cards; not starting", file=err)
        return None
