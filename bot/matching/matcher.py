"""The matcher: from the words a person typed to the card they meant, or an honest "not sure".

Scoring is word-based with rare words weighing more (idf), so "nato" — on most cards —
says little while "kfor" says everything. rapidfuzz forgives typos word by word. Cards are
reached through an inverted index of words, so cost follows the query's rare words, not
the size of the corpus.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process

from bot.cards import Card, Corpus
from bot.matching.text import STOP_WORDS, SYNONYM_GROUPS, clean, fold, is_year, stem, words

# How much a word tells about a card, by where on the card it stands.
FIELD_WEIGHT = {
    "alias": 1.0,
    "title": 1.0,
    "topic": 0.9,
    "org": 0.75,
    "date": 0.7,
    "event": 0.6,
    "summary": 0.55,
}
ORG_WORDS = {
    "un": "un", "united nations": "un", "nations": "un", "dppa": "un",
    "nato": "nato", "alliance": "nato", "north atlantic": "nato",
}  # fmt: skip
ORG_EXTRA_WORDS = {"un": ("united", "nations"), "nato": ("alliance",), "osce": ()}
YEAR_QUERY_WORDS = frozenset(
    "happened happen happening events event year years anniversary anniversaries history timeline date dates".split()
)

CARD_AT = 0.5  # a score from which one card may be answered
MARGIN = 0.06  # ... if it leads the runner-up by this much
COMPLETE_AT = 0.3  # ... or from this, when it is the only card with every word of the query
SUGGEST_AT = 0.3  # candidates worth offering as "did you mean"
MAX_UNKNOWN_SHARE = 0.4  # of the query's weight, in words no card has
NEAR = 0.2  # below this nothing is offered at all
MAX_SUGGESTIONS = 5
RARE_MIN_POSTINGS = 50  # below this corpus size every word is "rare": all cards are scored
MAX_POSTINGS = 20_000
FULL_SCAN_VOCAB = 20_000  # up to this many distinct words, typos are looked up in all of them
MAX_SCORED = 300
FUZZY_LIMIT = 4
SYNONYM_SIMILARITY = 0.8

MatchKind = Literal["card", "suggestions", "none", "year"]


@dataclass(frozen=True)
class Scored:
    card: Card
    score: float
    complete: bool = False  # every word of the query is found on this card


@dataclass(frozen=True)
class MatchResult:
    kind: MatchKind
    card: Card | None
    score: float
    ranked: tuple[Scored, ...] = ()
    year: int | None = None
    year_cards: tuple[Card, ...] = ()


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class Index:
    """Everything the matcher precomputes from a corpus; built once, read-only afterwards."""

    cards: tuple[Card, ...]
    weights: tuple[dict[str, float], ...]  # per card: word -> field weight
    phrases: tuple[tuple[_Phrase, ...], ...]
    postings: dict[str, tuple[int, ...]]
    idf: dict[str, float]
    exact: dict[str, int]  # folded alias/title -> card
    vocab: tuple[str, ...]
    by_year: dict[int, tuple[int, ...]]
    stems: dict[str, tuple[str, ...]]  # stem -> corpus words with that stem
    # (first letter, length) -> words; built for large vocabularies only
    blocks: dict[tuple[str, int], tuple[str, ...]]
    synonyms: dict[str, tuple[str, ...]]  # stem of a query word -> corpus words of its synonyms
    orgs: tuple[frozenset[str], ...]
    unknown_idf: float = field(default=1.0)


def _content(text: str) -> tuple[str, ...]:
    return tuple(w for w in fold(text).split() if w not in STOP_WORDS)


def build_index(corpus: Corpus) -> Index:
    cards = corpus.cards
    weights: list[dict[str, float]] = []
    phrases: list[tuple[_Phrase, ...]] = []
    exact: dict[str, int] = {}
    by_year: dict[int, list[int]] = defaultdict(list)
    for i, card in enumerate(cards):
        w: dict[str, float] = {}

        def add(text: str, kind: str, w: dict[str, float] = w) -> None:
            for word in _content(text):
                w[word] = max(w.get(word, 0.0), FIELD_WEIGHT[kind])

        card_phrases = [_Phrase(_content(card.title), "title")]
        add(card.title, "title")
        for alias in card.aliases:
            add(alias, "alias")
            card_phrases.append(_Phrase(_content(alias), "alias"))
            exact.setdefault(fold(alias), i)
        for topic in card.topics:
            add(topic, "topic")
            card_phrases.append(_Phrase(_content(topic), "topic"))
        for org in card.orgs:
            add(org, "org")
            for extra in ORG_EXTRA_WORDS.get(org, ()):
                add(extra, "org")
        add(card.summary, "summary")
        for event in card.dates:
            add(event.event, "event")
            add(str(event.year), "date")
            years = by_year[event.year]
            if not years or years[-1] != i:
                years.append(i)
        exact.setdefault(fold(card.title), i)
        weights.append(w)
        phrases.append(tuple(p for p in card_phrases if p.words))

    postings: dict[str, list[int]] = defaultdict(list)
    for i, w in enumerate(weights):
        for word in w:
            postings[word].append(i)
    n = max(len(cards), 1)
    idf = {word: math.log((n + 1) / (len(ids) + 0.5)) + 0.1 for word, ids in postings.items()}
    unknown = sum(idf.values()) / len(idf) if idf else 1.0
    stems: dict[str, list[str]] = defaultdict(list)
    blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
    for word in postings:
        stems[stem(word)].append(word)
        if len(postings) > FULL_SCAN_VOCAB:
            blocks[(word[0], len(word))].append(word)
    synonyms: dict[str, set[str]] = defaultdict(set)
    for group in SYNONYM_GROUPS:
        group_stems = {stem(w) for w in group}
        found = {w for st in group_stems for w in stems.get(st, ())}
        for st in group_stems:
            synonyms[st] |= found - set(stems.get(st, ()))
    return Index(
        cards=cards,
        weights=tuple(weights),
        phrases=tuple(phrases),
        postings={k: tuple(v) for k, v in postings.items()},
        idf=idf,
        exact=exact,
        vocab=tuple(sorted(postings)),
        by_year={y: tuple(ids) for y, ids in by_year.items()},
        stems={k: tuple(v) for k, v in stems.items()},
        blocks={k: tuple(v) for k, v in blocks.items()},
        synonyms={k: tuple(sorted(v)) for k, v in synonyms.items() if v},
        orgs=tuple(frozenset(c.orgs) for c in cards),
        unknown_idf=unknown,
    )


class Matcher:
    """Holds the index of one corpus; `match` is a pure function of the query."""

    def __init__(self, corpus: Corpus):
        self.index = build_index(corpus)

    def expand(self, word: str) -> dict[str, float]:
        """Corpus words this query word may stand for, with a similarity in (0, 1]."""
        idx = self.index
        found: dict[str, float] = {}
        if word in idx.idf:
            found[word] = 1.0
        if word.isdigit():
            return found
        for same in idx.stems.get(stem(word), ()):
            found.setdefault(same, 0.95)
        for other in idx.synonyms.get(stem(word), ()):
            found.setdefault(other, SYNONYM_SIMILARITY)
        if found:
            return found
        if len(word) >= 4:
            cutoff = 85 if len(word) <= 5 else 80
            for cand, score, _ in process.extract(
                word,
                self._fuzzy_pool(word),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=FUZZY_LIMIT,
            ):
                found[cand] = max(found.get(cand, 0.0), 0.9 * score / 100)
        if len(word) >= 6:
            # a stem typed short ("traffick") or long ("terroristic"): share a long prefix
            vocab = idx.vocab
            at = bisect.bisect_left(vocab, word)
            while at < len(vocab) and vocab[at].startswith(word) and len(found) < 3 * FUZZY_LIMIT:
                found.setdefault(vocab[at], 0.85)
                at += 1
            for end in range(len(word) - 1, 5, -1):
                if word[:end] in idx.idf:
                    found.setdefault(word[:end], 0.85)
                    break
        return found

    def _fuzzy_pool(self, word: str) -> Sequence[str]:
        """Words a typo of `word` may be: all of them, or for a large vocabulary only those with
        the same first letter and a length within two (blocking, as record linkage does)."""
        if not self.index.blocks:
            return self.index.vocab
        pool: list[str] = []
        for length in range(len(word) - 2, len(word) + 3):
            pool.extend(self.index.blocks.get((word[0], length), ()))
        return pool

    def match(self, query: str) -> MatchResult:
        idx = self.index
        text = clean(query)
        folded = fold(text)
        qwords = words(text)
        if not qwords:
            return MatchResult("none", None, 0.0)
        hit = idx.exact.get(folded) if folded else None
        if hit is None:
            hit = idx.exact.get(" ".join(qwords))
        if hit is not None:
            return MatchResult("card", idx.cards[hit], 1.0, (Scored(idx.cards[hit], 1.0),))

        years = [int(w) for w in qwords if is_year(w)]
        rest = [w for w in qwords if not is_year(w) and w not in YEAR_QUERY_WORDS]
        if len(years) == 1 and not rest:
            ids = idx.by_year.get(years[0], ())
            return MatchResult(
                "year",
                None,
                1.0 if ids else 0.0,
                year=years[0],
                year_cards=tuple(idx.cards[i] for i in ids),
            )

        wanted_orgs = {org for phrase, org in ORG_WORDS.items() if f" {phrase} " in f" {folded} "}
        expanded = [(w, self.expand(w)) for w in qwords]
        qweights = [max((idx.idf[t] for t in ex), default=idx.unknown_idf) for _, ex in expanded]
        total = sum(qweights)

        candidates = self._candidates(expanded, wanted_orgs)
        scored: list[Scored] = []
        for i in candidates:
            score, complete = self._score(i, expanded, qweights, total)
            if score > 0:
                scored.append(Scored(idx.cards[i], score, complete))
        scored.sort(key=lambda s: (-s.score, s.card.id))
        ranked = tuple(scored[: MAX_SUGGESTIONS + 1])
        unknown = sum(qw for (_, ex), qw in zip(expanded, qweights, strict=True) if not ex)
        complete = [s for s in scored if s.complete]
        return decide(
            ranked,
            unknown_share=unknown / total if total else 1.0,
            only_complete=complete[0] if len(complete) == 1 else None,
        )

    def _candidates(
        self, expanded: list[tuple[str, dict[str, float]]], orgs: set[str]
    ) -> list[int]:
        """The few cards worth scoring in full, found through the query's rarer words.

        Words on a large share of the cards ("nato") are left out of the search (they still
        count when candidates are scored), so the cost follows the rare words' postings and
        not the corpus size.
        """
        idx = self.index
        weight: dict[str, float] = {}
        for _, ex in expanded:
            for term, sim in ex.items():
                weight[term] = max(weight.get(term, 0.0), sim * idx.idf[term])
        ordered = sorted(weight, key=lambda t: len(idx.postings[t]))
        cap = max(RARE_MIN_POSTINGS, len(idx.cards) // 20)
        rare = [t for t in ordered if len(idx.postings[t]) <= cap] or ordered[:1]
        pre: dict[int, float] = defaultdict(float)
        for term in rare:
            w = weight[term]
            for i in idx.postings[term][:MAX_POSTINGS]:
                pre[i] += w
        ids = list(pre)
        if orgs:
            ids = [i for i in ids if orgs <= idx.orgs[i]] or ids
        if len(ids) > MAX_SCORED:
            ids = heapq.nlargest(MAX_SCORED, ids, key=pre.__getitem__)
        return ids

    def _score(
        self,
        i: int,
        expanded: list[tuple[str, dict[str, float]]],
        qweights: list[float],
        total: float,
    ) -> tuple[float, bool]:
        """Share of the query the card explains, blended with how fully a card phrase is said;
        and whether the card has every word of the query somewhere."""
        idx = self.index
        w = idx.weights[i]
        matched: dict[str, float] = {}
        covered = 0.0
        complete = True
        for (_, ex), qw in zip(expanded, qweights, strict=True):
            best = 0.0
            for term, sim in ex.items():
                fw = w.get(term)
                if fw:
                    best = max(best, sim * fw)
                    matched[term] = max(matched.get(term, 0.0), sim)
            covered += qw * best
            complete = complete and best > 0
        if not matched:
            return 0.0, False
        coverage = covered / total if total else 0.0
        said_alias = self._alias_share(i, expanded, qweights, total)
        phrase = 0.0
        for p in idx.phrases[i]:
            weight = sum(idx.idf.get(t, 0.0) for t in p.words)
            if weight <= 0:
                continue
            said = sum(idx.idf.get(t, 0.0) * matched.get(t, 0.0) for t in p.words) / weight
            phrase = max(phrase, said * (1.0 if p.kind != "topic" else 0.9))
        score = 0.6 * coverage + 0.25 * phrase * min(1.0, coverage * 2) + 0.15 * said_alias
        return score, complete

    def _alias_share(
        self,
        i: int,
        expanded: list[tuple[str, dict[str, float]]],
        qweights: list[float],
        total: float,
    ) -> float:
        """How much of the query one of the card's own aliases says, word for word in order.

        Aliases are unique to a card, so a query that contains one ("nato arms control")
        points at that card more than at every card that merely mentions the words.
        """
        if not total:
            return 0.0
        best = 0.0
        n = len(expanded)
        for phrase in self.index.phrases[i]:
            if phrase.kind != "alias" or len(phrase.words) > n:
                continue
            size = len(phrase.words)
            for start in range(n - size + 1):
                window = expanded[start : start + size]
                if all(word in ex for word, (_, ex) in zip(phrase.words, window, strict=True)):
                    best = max(best, sum(qweights[start : start + size]) / total)
        return best


def decide(
    ranked: tuple[Scored, ...], *, unknown_share: float = 0.0, only_complete: Scored | None = None
) -> MatchResult:
    """One card only when it is good, clearly ahead, and the query is mostly about our words.

    A query half made of words no card knows ("kosovo pizza") is not answered with
    confidence, however well its other half matches: it gets suggestions instead. A long
    question whose words all stand on one card and on no other ("when did nato decide to
    boost its cooperation with the osce?") is answered by that card, even when the words
    are only in its summary and so score lower than a title would.
    """
    if not ranked:
        return MatchResult("none", None, 0.0)
    if only_complete is not None and unknown_share == 0 and only_complete.score >= COMPLETE_AT:
        return MatchResult("card", only_complete.card, only_complete.score, ranked)
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if (
        best.score >= CARD_AT
        and best.score - runner_up >= MARGIN
        and unknown_share < MAX_UNKNOWN_SHARE
    ):
        return MatchResult("card", best.card, best.score, ranked)
    close = tuple(s for s in ranked if s.score >= SUGGEST_AT and s.score >= best.score - 0.25)[
        :MAX_SUGGESTIONS
    ]
    if close:
        return MatchResult("suggestions", None, best.score, close)
    near = tuple(s for s in ranked if s.score >= NEAR)[:3]
    return MatchResult("none", None, best.score, near)
