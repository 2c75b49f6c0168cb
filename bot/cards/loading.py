"""Loading the facts folder into a validated Corpus.

Start-up, `bot check` and the tests all go through `load_corpus`, so the bot can never run
on cards that `check` would reject.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from bot.cards.model import Card, Corpus, Source
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
    path = facts_dir / "sources.yaml"
    read = _read(path, _shown(path))
    if isinstance(read, Problem):
        return {}, [read]
    return sources_from_doc(read[0], read[1], _shown(path))


def load_corpus(facts_dir: Path | str = DEFAULT_FACTS) -> Corpus:
    """Read facts/sources.yaml and facts/cards/*.yaml; raise InvalidCards listing every problem."""
    facts_dir = Path(facts_dir)
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
        card, found = card_from_doc(read[0], read[1], shown, sources)
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
    thesaurus = _load_thesaurus(facts_dir / "thesaurus.yaml", problems)
    if problems:
        raise InvalidCards(problems)
    return Corpus(cards=tuple(c for c, _ in loaded), sources=sources, thesaurus=thesaurus)


def _load_thesaurus(path: Path, problems: list[Problem]) -> tuple[tuple[str, ...], ...]:
    """facts/thesaurus.yaml: `groups:`, each a list of words or phrases that mean one thing
    to a reader (optional: without it the matcher uses the cards' own words only)."""
    if not path.exists():
        return ()
    shown = _shown(path)
    read = _read(path, shown)
    if isinstance(read, Problem):
        problems.append(read)
        return ()
    doc, lines = read
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not isinstance(groups, list):
        problems.append(Problem(shown, 1, "expected a top-level `groups:` list"))
        return ()
    found: list[tuple[str, ...]] = []
    for i, group in enumerate(groups):
        if not isinstance(group, list) or len(group) < 2:
            problems.append(
                Problem(shown, lines.get(("groups", i), 1), "a group lists two or more words")
            )
            continue
        bad = [m for m in group if not isinstance(m, str) or not m.strip()]
        if bad:
            problems.append(
                Problem(shown, lines.get(("groups", i), 1), f"not a word or phrase: {bad[0]!r}")
            )
            continue
        found.append(tuple(group))
    return tuple(found)


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
