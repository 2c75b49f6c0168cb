"""`bot insights --patch`: the proposals as a unified diff of the cards' YAML, for review.

ruamel.yaml's round trip keeps each file's comments, quoting, flow lists and folded
summaries byte for byte (a test checks every card), so the diff holds only the added lines
and `git apply` takes it from the directory that contains `facts/`.
"""

from __future__ import annotations

import difflib
import io
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.cards import Corpus
from bot.insights.report import Proposal

QUESTIONS_MAX = 6  # card.schema.json
QUESTION_MIN, QUESTION_MAX = 8, 120
AFTER = ("aliases", "topics", "orgs", "passages", "anchor")  # where a new `questions:` goes


def round_trip() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100_000  # never re-wrap a long line of a card
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def add_questions(text: str, questions: Sequence[str]) -> str:
    """The card's YAML with `questions` appended under `questions:` (created if absent)."""
    yaml = round_trip()
    doc = yaml.load(text)
    if not isinstance(doc, CommentedMap):
        raise ValueError("a card is a mapping")
    new = [DoubleQuotedScalarString(q) for q in questions]
    existing = doc.get("questions")
    if isinstance(existing, list):
        existing.extend(new)
    else:
        keys = list(doc.keys())
        anchor = next((k for k in AFTER if k in doc), None)
        at = keys.index(anchor) + 1 if anchor else len(keys)
        doc.insert(at, "questions", CommentedSeq(new))
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def patch(corpus: Corpus, facts_dir: Path, proposals: Sequence[Proposal]) -> tuple[str, list[str]]:
    """(unified diff, warnings). Paths are relative to facts_dir's parent (`facts/cards/…`)."""
    by_card: dict[str, list[str]] = defaultdict(list)
    warnings: list[str] = []
    for p in proposals:
        if not QUESTION_MIN <= len(p.query) <= QUESTION_MAX:
            warnings.append(
                f"{p.card}: “{p.query}” is not {QUESTION_MIN}-{QUESTION_MAX} characters; "
                "add it as an alias by hand if it is worth it"
            )
            continue
        by_card[p.card].append(p.query)
    base = facts_dir.resolve().parent
    chunks: list[str] = []
    for card_id in sorted(by_card):
        card = corpus.get(card_id)
        if card is None or not card.path:
            continue
        path = Path(card.path).resolve()
        before = path.read_text(encoding="utf-8")
        after = add_questions(before, by_card[card_id])
        total = len(card.questions) + len(by_card[card_id])
        if total > QUESTIONS_MAX:
            warnings.append(
                f"{card_id}: would have {total} questions (at most {QUESTIONS_MAX}); "
                "drop the weakest before applying"
            )
        try:
            rel = path.relative_to(base).as_posix()
        except ValueError:
            rel = path.as_posix().lstrip("/")
        chunks.append(
            "".join(
                difflib.unified_diff(
                    before.splitlines(keepends=True),
                    after.splitlines(keepends=True),
                    fromfile=f"a/{rel}",
                    tofile=f"b/{rel}",
                )
            )
        )
    return "".join(chunks), warnings
