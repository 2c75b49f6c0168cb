"""The query log summed up for the curator: pure, from logged rows and the cards.

A proposal is a query that missed (or whose card was "not what I asked") after which at
least two distinct people chose the same card: that card should answer it, so the query is
offered as a new `questions:` entry. Proposals the cards already answer are dropped, so
applying a patch and running insights again proposes nothing twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from bot.answers import Answerer
from bot.matching.text import fold
from bot.state.querylog import MISS_KINDS, NONE_FIT, NOT_ASKED, Logged, Reaction

MIN_EVIDENCE = 2  # distinct people; one person's click is an anecdote
ANSWERED_KINDS = frozenset({"card", "year"})
DISLIKED = frozenset({NOT_ASKED, NONE_FIT})


@dataclass(frozen=True)
class Proposal:
    query: str
    card: str
    evidence: int  # distinct people who chose `card` after this query


@dataclass(frozen=True)
class Insights:
    misses: tuple[tuple[str, int], ...]
    proposals: tuple[Proposal, ...]
    disliked: tuple[tuple[str, int], ...]
    unused: tuple[str, ...]
    answered: int
    missed: int

    def to_json(self) -> dict[str, Any]:
        """The `insights --json` object, exactly as the issue specifies it."""
        return {
            "misses": [{"query": q, "count": n} for q, n in self.misses],
            "proposals": [
                {"query": p.query, "card": p.card, "evidence": p.evidence} for p in self.proposals
            ],
            "disliked": [{"card": c, "count": n} for c, n in self.disliked],
            "unused": list(self.unused),
            "answered": self.answered,
            "missed": self.missed,
        }


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def build(answerer: Answerer, rows: list[Logged], reactions: list[Reaction]) -> Insights:
    corpus = answerer.corpus
    by_id = {r.id: r for r in rows}
    misses = Counter(r.query for r in rows if r.kind in MISS_KINDS and r.query)
    disliked: Counter[str] = Counter()
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    used = {r.card for r in rows if r.card}
    for reaction in reactions:
        row = by_id.get(reaction.query_id)
        if row is None:  # its query was pruned or never written
            continue
        if reaction.chosen:
            used.add(reaction.chosen)
        if reaction.feedback in DISLIKED and row.card:
            disliked[row.card] += 1
        after_miss = row.kind in MISS_KINDS or reaction.feedback in DISLIKED
        if after_miss and reaction.chosen and reaction.chosen != row.card and row.query:
            people[(row.query, reaction.chosen)].add(reaction.person)
    proposals = []
    for (query, card_id), who in people.items():
        card = corpus.get(card_id)
        if len(who) < MIN_EVIDENCE or card is None:
            continue
        if fold(query) in {fold(q) for q in card.questions}:
            continue
        now = answerer.answer(query)
        if now.kind == "card" and now.card is not None and now.card.id == card_id:
            continue  # the cards were changed since: it is answered already
        proposals.append(Proposal(query, card_id, len(who)))
    proposals.sort(key=lambda p: (-p.evidence, p.card, p.query))
    return Insights(
        misses=_ranked(misses),
        proposals=tuple(proposals),
        disliked=_ranked(disliked),
        unused=tuple(sorted(c.id for c in corpus.cards if c.id not in used)),
        answered=sum(1 for r in rows if r.kind in ANSWERED_KINDS),
        missed=sum(1 for r in rows if r.kind in MISS_KINDS),
    )


def as_text(insights: Insights, days: int, limit: int = 20) -> str:
    """What `bot insights` prints without --json: short enough to read each week."""
    lines = [
        f"Last {days} day(s): {insights.answered} answered, {insights.missed} missed.",
        "",
        "Most asked without an answer:",
    ]
    lines += [f"  {n:4d}  {q}" for q, n in insights.misses[:limit]] or ["  (none)"]
    lines += ["", "Proposed questions (python -m bot insights --patch adds them):"]
    lines += [
        f"  {p.card}: “{p.query}” ({p.evidence} people chose it)"
        for p in insights.proposals[:limit]
    ] or ["  (none)"]
    lines += ["", "Cards people said were not what they asked:"]
    lines += [f"  {n:4d}  {c}" for c, n in insights.disliked[:limit]] or ["  (none)"]
    lines += ["", f"Cards nobody got or chose ({len(insights.unused)}):"]
    lines += [f"  {c}" for c in insights.unused] or ["  (none)"]
    return "\n".join(lines)
