"""Type-ahead: the cards a half-typed prefix may be heading for.

The matcher reads whole questions; a search box sends "kosovo ver" after every keystroke,
whose last word is a fragment the matcher's word index cannot know. Here every typed word
is a *prefix* of a word of a card's title or alias (so "kos ver" finds "Kosovo Verification
Mission"), and rapidfuzz fills in when nothing matches word by word (a typo: "kosvo").
Pure and precomputed: a `Suggester` is built once per corpus and never changes.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.cards import Card, Corpus
from bot.matching.text import fold

MAX_PREFIX = 200  # a search box's value; anything longer was not typed into one
MIN_PREFIX = 2  # characters of letters or digits before anything is suggested
FUZZY_AT = 80  # rapidfuzz score (0-100) from which a typo'd prefix still suggests a card
MAX_LIMIT = 100  # Slack shows at most 100 options
FUZZY_FILL = 5  # typo look-ups only when word prefixes found fewer cards than this


@dataclass(frozen=True)
class _Entry:
    card: int  # index into the corpus' cards
    text: str  # folded title or alias
    words: tuple[str, ...]
    is_title: bool


def plausible(prefix: object) -> bool:
    """A prefix someone could have typed: a string, not huge, no control characters.

    Slack sends what the search box holds; a payload that breaks these rules was made by
    hand, and gets no suggestions (never an error or a traceback).
    """
    if not isinstance(prefix, str) or len(prefix) > MAX_PREFIX:
        return False
    return not any(unicodedata.category(ch) == "Cc" for ch in prefix)


class Suggester:
    """Titles and aliases of a corpus, folded once; `suggest` is a pure function of the prefix."""

    def __init__(self, corpus: Corpus):
        self.cards = corpus.cards
        entries: list[_Entry] = []
        for i, card in enumerate(corpus.cards):
            seen: set[str] = set()
            for text, is_title in [(card.title, True), *((a, False) for a in card.aliases)]:
                folded = fold(text)
                if folded and folded not in seen:
                    seen.add(folded)
                    entries.append(_Entry(i, folded, tuple(folded.split()), is_title))
        self._entries = tuple(entries)
        self._texts = tuple(e.text for e in entries)
        having: dict[str, set[int]] = defaultdict(set)  # word -> entries with that word
        for at, entry in enumerate(entries):
            for word in entry.words:
                having[word].add(at)
        self._vocab = tuple(sorted(having))  # sorted, so a prefix is one bisect away
        self._having = tuple(frozenset(having[w]) for w in self._vocab)

    def suggest(self, prefix: object, limit: int = 10) -> tuple[Card, ...]:
        """The best cards for `prefix`, best first, at most `limit` (and at most 100).

        Ranked: every typed word starts a word of the title or alias; then the whole prefix
        starts the title or alias; then titles before aliases; then the title's order.
        """
        if not plausible(prefix):
            return ()
        assert isinstance(prefix, str)
        typed = fold(prefix)
        if sum(ch.isalnum() for ch in typed) < MIN_PREFIX:
            return ()
        limit = max(0, min(limit, MAX_LIMIT))
        best: dict[int, tuple[int, int]] = {}
        for at in self._starting(typed.split()):
            entry = self._entries[at]
            rank = (0 if entry.text.startswith(typed) else 1, 0 if entry.is_title else 1)
            if entry.card not in best or rank < best[entry.card]:
                best[entry.card] = rank
        ordered = sorted(best, key=lambda i: (best[i], self.cards[i].title.casefold()))
        if len(ordered) < min(limit, FUZZY_FILL) and len(typed) >= 4:
            ordered.extend(self._fuzzy(typed, set(ordered), limit - len(ordered)))
        return tuple(self.cards[i] for i in ordered[:limit])

    def _starting(self, qwords: list[str]) -> set[int]:
        """Entries where every typed word starts one of the entry's words."""
        found: set[int] | None = None
        for q in sorted(set(qwords), key=len, reverse=True):  # longest: fewest entries
            at = bisect.bisect_left(self._vocab, q)
            these: set[int] = set()
            while at < len(self._vocab) and self._vocab[at].startswith(q):
                these |= self._having[at]
                at += 1
            found = these if found is None else found & these
            if not found:
                return set()
        return found or set()

    def _fuzzy(self, typed: str, taken: set[int], wanted: int) -> list[int]:
        """Cards whose title or alias contains something close to `typed` (a typo)."""
        found: list[int] = []
        for _, _score, at in process.extract(
            typed,
            self._texts,
            scorer=fuzz.partial_ratio,
            score_cutoff=FUZZY_AT,
            limit=max(wanted * 4, 20),
        ):
            card = self._entries[at].card
            if card not in taken:
                taken.add(card)
                found.append(card)
                if len(found) >= wanted:
                    break
        return found
