"""`bot check`: card validation, and with --sources, anchors and coverage of the documents.

Coverage is what keeps the corpus honest: every paragraph of every source must be the
passage of at least one card (its anchor or one of its passages), or `check` fails. Drift is
what keeps it true over time: the registry records each paragraph's hash when the cards were
last checked, so a fetched document's new or reworded paragraphs become the curator's to-do.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from bot.cards.loading import load_corpus
from bot.cards.model import Card, Corpus
from bot.cards.paragraphs import MIN_PARAGRAPH_WORDS, Paragraph, paragraphs
from bot.cards.validation import InvalidCards, Problem
from bot.cards.yaml_lines import YamlError, line_of, parse

__all__ = [
    "MIN_PARAGRAPH_WORDS",
    "Paragraph",
    "check_sources",
    "paragraphs",
    "run_check",
    "stale_cards",
]


def _squash(text: str) -> str:
    return " ".join(text.split()).casefold()


def _field_line(card: Card, key: tuple) -> int:
    try:
        _, lines = parse(Path(card.path).read_text(encoding="utf-8"))
    except (OSError, YamlError):
        return 1
    return line_of(lines, key)


def _documents(corpus: Corpus, sources_dir: Path) -> tuple[dict[str, Path], list[Problem]]:
    problems: list[Problem] = []
    registry = sources_dir / "sources.yaml"
    files: dict[str, str] = {s.id: s.file for s in corpus.sources.values()}
    if registry.exists():
        try:
            entries, _ = parse(registry.read_text(encoding="utf-8"))
        except YamlError as exc:
            return {}, [Problem(str(registry), exc.line, exc.message)]
        for entry in entries or []:
            if isinstance(entry, dict) and entry.get("id") in corpus.sources:
                ours = corpus.sources[entry["id"]]
                if entry.get("url") and entry["url"] != ours.url:
                    problems.append(
                        Problem(
                            "facts/sources.yaml",
                            1,
                            f"source {ours.id!r} has URL {ours.url} but {registry} says {entry['url']}",
                        )
                    )
                files[ours.id] = entry.get("file") or files[ours.id]
    found = {}
    for source_id, name in files.items():
        path = sources_dir / name if name else None
        if path is None or not path.is_file():
            problems.append(
                Problem(
                    "facts/sources.yaml",
                    1,
                    f"source {source_id!r}: document {name or '(no file)'} not found in {sources_dir}",
                )
            )
        else:
            found[source_id] = path
    return found, problems


def check_sources(corpus: Corpus, sources_dir: Path) -> tuple[list[Problem], list[str]]:
    """Problems (anchors not found, paragraphs not covered) and a report line per document."""
    docs, problems = _documents(corpus, sources_dir)
    report: list[str] = []
    for source_id, path in sorted(docs.items()):
        text = path.read_text(encoding="utf-8")
        squashed = _squash(text)
        paras = paragraphs(text)
        covered: dict[int, list[str]] = {}  # paragraph line -> the published cards on it
        for card in (c for c in (*corpus.cards, *corpus.drafts) if c.source == source_id):
            phrases = [("anchor", card.anchor)] + [
                (("passages", i), p) for i, p in enumerate(card.passages)
            ]
            for key, phrase in phrases:
                needle = _squash(phrase)
                key_path = (key,) if isinstance(key, str) else key
                count = squashed.count(needle)
                if count == 0:
                    problems.append(
                        Problem(
                            card.path,
                            _field_line(card, key_path),
                            f"{phrase!r} does not occur in {path.name} ({source_id})",
                        )
                    )
                    continue
                if key == "anchor" and count > 1:
                    problems.append(
                        Problem(
                            card.path,
                            _field_line(card, key_path),
                            f"anchor {phrase!r} occurs {count} times in {path.name}; the link would open at the first: make it longer",
                        )
                    )
                if card.is_draft:
                    continue  # a draft's anchors must be right, but it answers nobody yet
                for p in paras:
                    if needle in _squash(p.text) and card.id not in covered.get(p.line, []):
                        covered.setdefault(p.line, []).append(card.id)
        missing = [p for p in paras if p.line not in covered]
        line = f"{path.name} ({source_id}): {len(paras) - len(missing)}/{len(paras)} paragraphs covered"
        recorded = set(corpus.sources[source_id].paragraphs)
        if recorded:
            now = {p.hash for p in paras}
            line += f"; {len(now - recorded)} new or changed, {len(recorded - now)} gone or changed since recorded"
        else:
            line += "; no paragraph hashes recorded (`bot sources record`), so no drift check"
        report.append(line)
        for p in paras:
            changed = bool(recorded) and p.hash not in recorded
            if p.line not in covered:
                what = (
                    "to do: new or changed since recorded, and no card covers it"
                    if changed
                    else "no card covers this paragraph"
                )
                problems.append(Problem(str(path), p.line, f"{what}: {p.text[:90]!r}"))
            elif changed:
                cards = ", ".join(covered[p.line])
                problems.append(
                    Problem(
                        str(path),
                        p.line,
                        f"changed since recorded: check {cards} against it, then `bot sources record`: {p.text[:90]!r}",
                    )
                )
    return problems, report


def stale_cards(corpus: Corpus, days: int, today: dt.date) -> list[Problem]:
    """Published cards nobody has checked against their source for more than `days` days.

    `today` is a parameter, not the clock, so a curator can ask what will be stale by a
    date and tests need not patch time. Drafts are not served, so they cannot be stale.
    """
    problems = []
    for card in corpus.cards:
        reviewed = dt.date.fromisoformat(card.reviewed)
        age = (today - reviewed).days
        if age > days:
            message = f"last reviewed {card.reviewed}, {age} days ago (limit {days}): check the card against its source, then set reviewed to that day"
        elif age < 0:
            message = f"reviewed {card.reviewed} is after today ({today.isoformat()}): a review date is a day that has happened"
        else:
            continue
        problems.append(Problem(card.path, _field_line(card, ("reviewed",)), message))
    return problems


def run_check(
    facts_dir: Path,
    sources: str | None,
    *,
    stale: int | None = None,
    today: dt.date | None = None,
) -> int:
    try:
        corpus = load_corpus(facts_dir)
    except InvalidCards as exc:
        for problem in exc.problems:
            print(problem)
        print(f"{len(exc.problems)} problem(s) found", file=sys.stderr)
        return 1
    drafts = f" (and {len(corpus.drafts)} draft(s), not served)" if corpus.drafts else ""
    print(f"{len(corpus.cards)} cards{drafts}, {len(corpus.sources)} sources: valid")
    failed = False
    if stale is not None:
        old = stale_cards(corpus, stale, today or dt.date.today())
        for problem in old:
            print(problem)
        if old:
            print(f"{len(old)} card(s) not reviewed in {stale} days", file=sys.stderr)
            failed = True
        else:
            print(f"every card reviewed in the last {stale} days")
    if sources is None:
        return 1 if failed else 0
    problems, report = check_sources(corpus, Path(sources))
    for line in report:
        print(line)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    print("every paragraph of every source is covered")
    return 1 if failed else 0
