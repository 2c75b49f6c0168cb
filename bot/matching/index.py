"""The matcher's index of a corpus: built once, compact, read-only.

At 100,000 cards an index of per-card dicts and per-phrase objects took half a minute and a
gigabyte, so nothing here is a Python object per card, per phrase or per posting: every word
has an integer id; a word's postings are one `array` of `card << 3 | field code`, ascending,
so the weight of a word on a card is a bisect away; a card's phrases are spans of one flat
array of word ids; exact phrases are kept as hashes (checked against the card on a hit); stems
only where stemming joins or changes words. A card's text is folded and split by a few
C-level calls over the whole card (`fold_fields`), and its words reach their postings through
`map`, not a Python loop per word. The thesaurus is applied per distinct word, stemmed once.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import accumulate, chain, compress, count, filterfalse, islice, repeat
from operator import attrgetter, itemgetter
from typing import TypeVar

from bot.cards import Card, Corpus, DateEvent
from bot.matching.text import (
    CARD_SEP,
    FIELD_SEP,
    FILLER,
    GROUP_SEP,
    SEPARATORS,
    fold,
    fold_fields,
    stem,
    stem_all,
    tokens,
)

# How much a word tells about a card, by where on the card it stands.
FIELD_WEIGHT = {
    "alias": 1.0,
    "title": 1.0,
    "topic": 0.9,
    "question": 0.85,
    "org": 0.75,
    "date": 0.7,
    "event": 0.6,
    "summary": 0.55,
}
# Words in these fields only mention a thing in passing: they never make a card "about" it.
PASSING = frozenset({FIELD_WEIGHT["summary"], FIELD_WEIGHT["org"]})
# Field codes stored in postings, highest weight first (an alias weighs what a title does): a
# word's code on a card is that of the first field, in this order, that has it.
CODES = ("title", "topic", "question", "org", "date", "event", "summary")
CODE_WEIGHT = tuple(FIELD_WEIGHT[name] for name in CODES)
PASSING_CODES = frozenset(c for c, w in enumerate(CODE_WEIGHT) if w in PASSING)
# Kinds of phrase (a card's own wording, scored for how fully a query says it).
TITLE, ALIAS, TOPIC, QUESTION = range(4)
ORG_EXTRA_WORDS = {"un": ("united", "nations"), "nato": ("alliance",), "osce": ()}
_LOW = 0xFFFFFFFF
_K = TypeVar("_K")
FULL_SCAN_VOCAB = 20_000  # up to this many distinct words, typos are looked up in all of them
CHUNK = 2048  # cards folded and split together: large enough to amortise, small in memory
SMALL_CORPUS = 2_000  # up to this many cards, each card's phrases are also kept by term
ARRAYS_FROM = 5_000  # from this many cards, the index is built with numpy (bot.matching.arrays)

_SKIP = FILLER | set(SEPARATORS)  # tokens that are never a card's terms
_F = f" {FIELD_SEP} "
_G = f" {GROUP_SEP} "
_C = f" {CARD_SEP} "
_TITLE, _ALIASES, _TOPICS = attrgetter("title"), attrgetter("aliases"), attrgetter("topics")
_QUESTIONS, _ORGS = attrgetter("questions"), attrgetter("orgs")
_SUMMARY, _DATES = attrgetter("summary"), attrgetter("dates")
_EVENT, _DATE, _YEAR_TEXT = attrgetter("event"), attrgetter("date"), itemgetter(slice(0, 4))
_FIRST, _SECOND, _LAST = itemgetter(0), itemgetter(1), itemgetter(-1)
_EVENTS, _YEARS = itemgetter(slice(0, None, 2)), itemgetter(slice(1, None, 2))
# A card's text is six groups, in the order the card says things (which decides the order of
# the vocabulary, and so which typo candidate wins a tie): names (title, aliases), topics,
# questions, orgs, summary, then each dated event followed by its year; cards by CARD_SEP.


class Postings:
    """Every term's postings (`card << 3 | field code`, ascending), in a few flat buffers of
    32-bit unsigned ints instead of an `array` per term: 119,000 arrays cost 7.6 MB of
    headers at 100,000 cards, and a large corpus's postings are made all at once
    (bot.matching.arrays), not appended to term by term. Terms are in `parts` by id, 2 **
    `shift` terms to a part; `start[t]` is where term t's postings start, counted over all
    parts. A term's postings are a `memoryview` slice: indexed, iterated, sliced and
    bisected like the array they were."""

    __slots__ = ("parts", "start", "shift", "base", "views")

    def __init__(
        self, parts: list[memoryview], start: array, shift: int = 32, each: bool = False
    ) -> None:
        if any(part.format != "I" for part in parts):
            raise TypeError("postings must be 32-bit unsigned ints")
        self.parts, self.start, self.shift = parts, start, shift
        self.base = array("Q", accumulate(map(len, parts), initial=0))  # each part's first
        # `each`: every term's slice made once (a small corpus's few thousand), so that a
        # query's look-ups cost a tuple index, not a slice each (~1 µs)
        self.views = tuple(map(self._slice, range(len(self)))) if each else None

    def __len__(self) -> int:
        return len(self.start) - 1

    def __getitem__(self, term: int) -> memoryview:
        views = self.views
        return self._slice(term) if views is None else views[term]

    def _slice(self, term: int) -> memoryview:
        start = self.start
        at = term >> self.shift
        base = self.base[at]
        return self.parts[at][start[term] - base : start[term + 1] - base]

    def span(self, term: int) -> tuple[memoryview, int, int]:
        """The part that holds a term's postings, and where in it they begin and end."""
        start = self.start
        at = term >> self.shift
        base = self.base[at]
        return self.parts[at], start[term] - base, start[term + 1] - base

    def __iter__(self) -> Iterator[memoryview]:
        return map(self.__getitem__, range(len(self)))

    def lengths(self) -> list[int]:
        """How many cards each term is on."""
        start = self.start
        return list(map(int.__sub__, islice(start, 1, None), start))


@dataclass(frozen=True)
class Index:
    """Everything the matcher precomputes from a corpus; built once, read-only afterwards."""

    cards: tuple[Card, ...]
    ids: dict[str, int]  # term -> id: words in the order the corpus first says them, concepts
    postings: Postings  # per term id: card << 3 | field code, ascending
    idf: array  # per term id
    phrase_words: array  # every card's phrases' word ids, one after another
    phrase_start: array  # phrase p is phrase_words[phrase_start[p]:phrase_start[p + 1]]
    phrase_kind: array  # TITLE, ALIAS, TOPIC or QUESTION, per phrase
    phrase_weight: array  # the sum of its words' idf, per phrase
    # small corpora only: per card, each term of its phrases -> the phrases it is in (once
    # per time it is said there); a dict lookup per term instead of scanning the card's words
    phrases_by_term: tuple[dict[int, tuple[int, ...]], ...]
    codes_by_card: tuple[dict[int, int], ...]  # small corpora only: per card, term -> code
    aliases_of: tuple[tuple[tuple[int, ...], ...], ...]  # small corpora only: alias words
    exact_names: dict[str, int]  # small corpora only: exact key -> its first card
    card_phrases: array  # card i's phrases are card_phrases[i]:card_phrases[i + 1]
    # folded titles, aliases and questions' words, as 32-bit hash << 32 | card, ascending
    exact_keys: array
    vocab: tuple[str, ...]  # words, sorted: for prefixes
    by_year: dict[int, array]  # year -> its cards, ascending
    stems: dict[str, tuple[str, ...]]  # stem -> words, where that is not just the stem itself
    # (first letter, length) and ("$" last letter, length) -> words; large vocabularies only
    blocks: dict[tuple[str, int], tuple[str, ...]]
    by_length: dict[int, tuple[str, ...]]  # small vocabularies: length -> words
    concept_of_stem: dict[str, tuple[str, ...]]  # stem of a one-word member -> concept terms
    concept_phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first token -> phrases
    org_bits: dict[str, int]
    org_masks: Sequence[int]  # per card: its orgs as bits of org_bits
    unknown_idf: float = field(default=1.0)

    def code(self, card: int, term: int, missing: int = -1) -> int:
        """The field code of a term on a card, `missing` when the card does not have it."""
        postings, begin, end = self.postings.span(term)
        at = bisect_left(postings, card << 3, begin, end)
        if at < end and postings[at] >> 3 == card:
            return postings[at] & 7
        return missing

    def same_stem(self, st: str) -> tuple[str, ...]:
        """The corpus words whose stem is `st`."""
        words = self.stems.get(st)
        if words is not None:
            return words
        return (st,) if st in self.ids and stem(st) == st else ()

    def exact(self, key: str) -> int | None:
        """The first card whose folded title or alias, or question's words, is `key`."""
        if self.exact_names:
            return self.exact_names.get(key)
        h = hash(key) & _LOW
        keys = self.exact_keys
        at = bisect_left(keys, h << 32)
        while at < len(keys) and keys[at] >> 32 == h:
            card = keys[at] & _LOW
            if _names(self.cards[card], key):
                return card
            at += 1
        return None

    def org_mask(self, orgs: set[str]) -> int | None:
        """`orgs` as bits; None when some of them is on no card at all."""
        mask = 0
        for org in orgs:
            bit = self.org_bits.get(org)
            if bit is None:
                return None
            mask |= bit
        return mask

    def has_orgs(self, card: int, mask: int | None) -> bool:
        return mask is not None and self.org_masks[card] & mask == mask


def content(text: str) -> list[str]:
    return [w for w in tokens(text) if w not in FILLER]


def exact_keys(card: Card) -> set[str]:
    """What, typed exactly, names this card: its folded title and aliases, its questions'
    words. A large corpus's index keeps only their hashes; a hit is confirmed on the card."""
    return {
        fold(card.title),
        *map(fold, card.aliases),
        *(" ".join(content(q)) for q in card.questions),
    }


def _names(card: Card, key: str) -> bool:
    """`key in exact_keys(card)`, cheapest fields first."""
    return (
        fold(card.title) == key
        or any(fold(a) == key for a in card.aliases)
        or any(" ".join(content(q)) == key for q in card.questions)
    )


def _concepts(corpus: Corpus) -> tuple[dict[str, tuple[str, ...]], dict[str, list]]:
    """Thesaurus groups as concept terms ("§3"): one-word members by stem, phrases by token."""
    by_stem: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for n, group in enumerate(corpus.thesaurus.groups):
        concept = f"§{n}"
        for member in group:
            toks = tuple(tokens(member))
            if len(toks) == 1:
                by_stem[stem(toks[0])].add(concept)
            elif toks:
                phrases[toks[0]].append((toks, concept))
    for first in phrases:
        phrases[first].sort(key=lambda p: -len(p[0]))  # longest first
    return {k: tuple(sorted(v)) for k, v in by_stem.items()}, dict(phrases)


def _dated(dates_of: list[tuple[DateEvent, ...]]) -> Iterator[str]:
    """Each card's dated events as fields: each event's text, then its year (`str(e.year)`).
    For a chunk of cards at a time, by C-level `map`s: one Python call per card cost 0.15 s
    at 100,000 cards."""
    events = list(chain.from_iterable(dates_of))
    years = map(str, _years(events))
    pairs = iter(list(map(_F.join, zip(map(_EVENT, events), years, strict=True))))
    return map(_F.join, map(islice, repeat(pairs), map(len, dates_of)))


def _years(events: list[DateEvent]) -> Iterator[int]:
    """Each event's `year`, without a Python call per event."""
    return map(int, map(_YEAR_TEXT, map(_DATE, events)))


def _org_words(orgs: tuple[str, ...]) -> list[str]:
    return [w for org in orgs for w in (org, *ORG_EXTRA_WORDS.get(org, ()))]


def _field_seps(chunk: Sequence[Card], orgs_of: list[tuple[str, int, int]]) -> int:
    """How many FIELD_SEPs the chunk's text holds when no card's own text has one."""
    topics, questions = list(map(_TOPICS, chunk)), list(map(_QUESTIONS, chunk))
    dates = list(map(len, map(_DATES, chunk)))
    return (
        sum(map(len, map(_ALIASES, chunk)))
        + sum(map(len, topics))
        - sum(map(bool, topics))
        + sum(map(len, questions))
        - sum(map(bool, questions))
        + sum(map(itemgetter(2), orgs_of))
        + 2 * sum(dates)
        - sum(map(bool, dates))
    )


def _has_separators(card: Card) -> bool:
    texts = (card.title, card.summary, *card.aliases, *card.topics, *card.questions, *card.orgs)
    return any(sep in t for t in (*texts, *(e.event for e in card.dates)) for sep in SEPARATORS)


def _without_separators(card: Card) -> Card:
    """The odd card whose own text holds a separator character, with spaces for them."""
    table = dict.fromkeys(map(ord, SEPARATORS), " ")

    def clean(t: str) -> str:
        return t.translate(table)

    return replace(
        card,
        title=clean(card.title),
        aliases=tuple(map(clean, card.aliases)),
        topics=tuple(map(clean, card.topics)),
        questions=tuple(map(clean, card.questions)),
        summary=clean(card.summary),
        dates=tuple(replace(e, event=clean(e.event)) for e in card.dates),
        orgs=tuple(map(clean, card.orgs)),
    )


class _Postings(dict):
    """term -> its postings array, for a chunk's words; other terms found on a miss."""

    def __init__(self, ids: dict[str, int], post: list[array], known: Iterable) -> None:
        super().__init__(known)
        self.ids, self.post = ids, post

    def __missing__(self, term: str) -> array:
        self[term] = found = self.post[self.ids[term]]
        return found


class _NameKinds(dict):
    """n -> the kinds of a card's n names: its title, then aliases."""

    def __missing__(self, n: int) -> tuple[int, ...]:
        self[n] = kinds = (TITLE,) + (ALIAS,) * (n - 1)
        return kinds


def _split_all(texts: Iterable[str], sep: str | None = None) -> list[list[str]]:
    return list(map(str.split, texts, repeat(sep)))


def _drop(words: Iterable[list[str]], skip: frozenset[str]) -> Iterator[list[str]]:
    return map(list, map(filterfalse, repeat(skip.__contains__), words))


class _Builder:
    """Accumulates the index a chunk of cards at a time; `finish` freezes it.

    Work is field by field over the whole chunk (`map` over the cards' titles, then their
    summaries, ...), so the per-card cost is that of C code, not of Python bytecode: one
    text for the chunk is folded and split, each card's word->field-code dict is built by
    `dict.fromkeys`/`dict.update` lowest weight first (the highest field wins without a
    Python loop per word), and postings are appended through `map`.
    """

    CHUNK = CHUNK  # cards a chunk, when the caller gives none (ArrayBuilder has its own)

    def __init__(self, corpus: Corpus, small: int):
        self.corpus = corpus
        self.small = small
        self.by_stem, self.concept_phrases = _concepts(corpus)
        self.thesaurus = bool(self.by_stem or self.concept_phrases)
        self.phrase_firsts = frozenset(self.concept_phrases)
        self.concept_words: dict[str, tuple[str, ...]] = {}  # corpus token -> its concepts
        self.checked: set[str] = set()  # tokens already looked up in the thesaurus
        # ids given at C speed, in the order words first appear
        self.ids: defaultdict[str, int] = defaultdict(count().__next__)
        self.last_word = -1  # the id of the last word given one
        self.concept_after: dict[str, tuple[int, int]] = {}  # see `_place_concepts`
        self.post: list[array] = []  # per term id: card << 3 | field code
        self.phrase_words = array("I")
        self.phrase_start = array("I", [0])
        self.phrase_kind = array("B")
        self.card_phrases = array("I", [0])
        self.exact_hashes = array("Q")  # 32-bit hashes, as many as ...
        self.exact_cards = array("I")  # ... their cards
        self.by_year: dict[int, array] = defaultdict(partial(array, "I"))
        self.org_bits: dict[str, int] = {}
        # orgs -> their text, their mask, the field separators in the text
        self.orgs_of: dict[tuple[str, ...], tuple[str, int, int]] = {}
        self.org_masks: list[int] = []
        self.name_kinds = _NameKinds()

    def text(self, chunk: Sequence[Card]) -> tuple[str, list[tuple[str, int, int]]]:
        """The chunk's text: its cards joined by CARD_SEP, each card's six groups by
        GROUP_SEP, their fields by FIELD_SEP; and each card's orgs (their text, mask, field
        separators)."""
        for orgs in set(map(_ORGS, chunk)) - self.orgs_of.keys():
            mask = 0
            for org in orgs:
                mask |= self.org_bits.setdefault(org, 1 << len(self.org_bits))
            words = _org_words(orgs)
            self.orgs_of[orgs] = (_F.join(words), mask, max(len(words) - 1, 0))
        orgs_of = list(map(self.orgs_of.__getitem__, map(_ORGS, chunk)))
        text = _C.join(
            map(
                _G.join,
                zip(
                    map(_F.join, map(tuple.__add__, zip(map(_TITLE, chunk)), map(_ALIASES, chunk))),
                    map(_F.join, map(_TOPICS, chunk)),
                    map(_F.join, map(_QUESTIONS, chunk)),
                    map(_FIRST, orgs_of),
                    map(_SUMMARY, chunk),
                    _dated(list(map(_DATES, chunk))),
                    strict=True,
                ),
            )
        )
        return text, orgs_of

    @staticmethod
    def separators(chunk: Sequence[Card], orgs_of: list[tuple[str, int, int]]) -> list[int]:
        """How many FIELD_SEPs, GROUP_SEPs and CARD_SEPs the chunk's text holds when no
        card's own text has one."""
        return [_field_seps(chunk, orgs_of), 5 * len(chunk), len(chunk) - 1]

    def add(self, start: int, chunk: Sequence[Card]) -> None:
        text, orgs_of = self.text(chunk)
        if list(map(text.count, SEPARATORS)) != self.separators(chunk, orgs_of):
            # some card's own text holds a separator character
            self.add(start, [_without_separators(c) if _has_separators(c) else c for c in chunk])
            return
        self.org_masks.extend(map(_SECOND, orgs_of))
        folded, toks = fold_fields(text)
        names, topics, questions, org_text, summaries, dated = zip(
            *map(str.split, toks.split(CARD_SEP), repeat(GROUP_SEP)), strict=True
        )
        name_w, topic_w, question_w = _split_all(names), _split_all(topics), _split_all(questions)
        org_w, summary_w, dated_w = _split_all(org_text), _split_all(summaries), _split_all(dated)
        date_fields = _split_all(dated, FIELD_SEP)
        event_w = _split_all(map(_F.join, map(_EVENTS, date_fields)))
        year_w = _split_all(map(_F.join, map(_YEARS, date_fields)))
        ids = self.ids
        # word ids, in the order the cards say their words
        stream = (name_w, topic_w, question_w, org_w, summary_w, dated_w)
        said = dict.fromkeys(chain.from_iterable(map(chain, *stream)))  # small, so fast
        new = filterfalse(_SKIP.__contains__, filterfalse(ids.__contains__, said))
        deque(map(ids.__getitem__, new), 0)
        # each card's terms with the code of their best field: lowest weight first, so that
        # a higher field's code overwrites a lower one's
        by_weight = (
            (summary_w, 6), (event_w, 5), (year_w, 4), (org_w, 3),
            (question_w, 2), (topic_w, 1), (name_w, 0),
        )  # fmt: skip
        codes = list(map(dict.fromkeys, _drop(summary_w, _SKIP), repeat(6)))
        for words, code in by_weight[1:]:
            update = map(dict.fromkeys, _drop(words, _SKIP), repeat(code))
            deque(map(dict.update, codes, update), 0)
        if self.thesaurus:
            self._add_concepts(start, codes, by_weight, stream)
        post = self.post
        post.extend(array("I") for _ in range(len(ids) - len(post)))
        cards = range(start << 3, (start + len(chunk)) << 3, 8)
        on_cards = map(map, repeat(int.__or__), map(repeat, cards), map(dict.values, codes))
        # the chunk's words' postings looked up once each, in a dict small enough to stay in
        # the processor's cache (concepts are looked up on a miss)
        words = list(filterfalse(_SKIP.__contains__, said))
        found = zip(words, map(post.__getitem__, map(ids.__getitem__, words)), strict=True)
        local = _Postings(ids, post, found)
        appends = map(local.__getitem__, chain.from_iterable(codes))
        deque(map(array.append, appends, chain.from_iterable(on_cards)), 0)
        self._add_phrases(start, chunk, folded, names, topics, questions)
        self.add_years(start, chunk)

    def add_years(self, start: int, chunk: Sequence[Card]) -> None:
        for i, card in enumerate(chunk, start):
            for event in card.dates:
                years_of = self.by_year[event.year]
                if not years_of or years_of[-1] != i:
                    years_of.append(i)

    def _add_concepts(
        self,
        start: int,
        codes: list[dict[str, int]],
        by_weight: tuple[tuple[list[list[str]], int], ...],
        stream: tuple[list[list[str]], ...],
    ) -> None:
        """Thesaurus concepts on each card of a chunk, with the code of their best field
        (stems looked up once per distinct word); new concepts placed among the words."""
        ids = self.ids
        fresh = list(set(chain.from_iterable(chain.from_iterable(stream))) - self.checked)
        self.checked.update(fresh)
        for word, st in zip(fresh, stem_all(fresh), strict=True):
            concepts = self.by_stem.get(st)
            if concepts:
                self.concept_words[word] = concepts
        before = self.last_word
        for k, card_codes in enumerate(codes):
            on_card: set[str] = set()
            for words, code in by_weight:
                found = self._concepts_in(words[k])
                card_codes.update(dict.fromkeys(found, code))
                on_card |= found
            if not on_card <= self.concept_after.keys():
                self._place_concepts(self.corpus.cards[start + k], before)
            said = filterfalse(_SKIP.__contains__, chain.from_iterable(s[k] for s in stream))
            before = max(before, max(map(ids.__getitem__, said), default=-1))
            for concept in sorted(on_card):
                ids[concept]  # noqa: B018 - gives it an id
        self.last_word = before

    def _place_concepts(self, card: Card, before: int) -> None:
        """Where a card's new concepts fall among the words, in the order the card says
        things: after the last word said up to the field that has them. The average idf of
        all terms (what a word no card has weighs) is summed in that order, so it stays the
        same to the last bit whatever the hash seed."""
        ids = self.ids
        texts = [card.title, *card.aliases, *card.topics, *card.questions]
        texts += _org_words(card.orgs) + [card.summary]
        texts += [part for e in card.dates for part in (e.event, str(e.year))]
        last = before
        for text in texts:
            toks = tokens(text)
            last = max(last, max((ids[w] for w in toks if w not in FILLER), default=-1))
            for concept in sorted(self._concepts_in(toks) - self.concept_after.keys()):
                self.concept_after[concept] = (last, len(self.concept_after))

    def _concepts_in(self, group: list[str]) -> set[str]:
        """The thesaurus concepts a group's fields say, by a word's stem or by a phrase."""
        found: set[str] = set()
        for word in self.concept_words.keys() & group:
            found.update(self.concept_words[word])
        for first in self.phrase_firsts.intersection(group):
            for at, tok in enumerate(group):
                if tok == first:
                    for words, concept in self.concept_phrases[first]:
                        if tuple(group[at : at + len(words)]) == words:
                            found.add(concept)
        return found

    def _add_phrases(self, start, chunk, folded, names, topics, questions) -> None:
        """Titles, aliases, topics and questions as phrases of word ids; exact keys."""
        m = len(chunk)
        cards = range(start, start + m)
        name_f = _split_all(names, FIELD_SEP)
        topic_f = [
            f if t else []
            for f, t in zip(_split_all(topics, FIELD_SEP), map(_TOPICS, chunk), strict=True)
        ]
        question_f = [
            f if q else []
            for f, q in zip(_split_all(questions, FIELD_SEP), map(_QUESTIONS, chunk), strict=True)
        ]
        fields = list(chain.from_iterable(map(chain, name_f, topic_f, question_f)))
        kinds = list(
            chain.from_iterable(
                map(
                    chain,
                    map(self.name_kinds.__getitem__, map(len, name_f)),
                    map(repeat, repeat(TOPIC), map(len, topic_f)),
                    map(repeat, repeat(QUESTION), map(len, question_f)),
                )
            )
        )
        per_card = map(
            int.__add__, map(int.__add__, map(len, name_f), map(len, topic_f)), map(len, question_f)
        )
        owner = list(chain.from_iterable(map(repeat, cards, per_card)))
        content = list(_drop(_split_all(fields), FILLER))
        kept = list(map(bool, content))
        said = list(compress(content, kept))
        self.phrase_words.extend(map(self.ids.__getitem__, chain.from_iterable(said)))
        self.phrase_start.extend(
            islice(accumulate(map(len, said), initial=self.phrase_start[-1]), 1, None)
        )
        base = len(self.phrase_kind)
        self.phrase_kind.extend(compress(kinds, kept))
        owners = list(compress(owner, kept))
        self.card_phrases.extend(
            map(int.__add__, repeat(base), map(bisect_right, repeat(owners), cards))
        )
        # exact keys: folded names, and questions' words
        self.add_names(cards, folded)
        is_question = list(map(QUESTION.__eq__, kinds))
        questions = map(" ".join, compress(content, is_question))
        self.exact_hashes.extend(map(_LOW.__and__, map(hash, questions)))
        self.exact_cards.extend(compress(owner, is_question))

    def add_names(self, cards: range, folded: str) -> None:
        """The exact keys of the chunk's names (titles, aliases), from its folded text."""
        folded_names = map(
            _FIRST, map(str.split, folded.split(CARD_SEP), repeat(GROUP_SEP), repeat(1))
        )
        name_keys = _split_all(folded_names, FIELD_SEP)
        name_texts = map(" ".join, map(str.split, chain.from_iterable(name_keys)))
        self.exact_hashes.extend(map(_LOW.__and__, map(hash, name_texts)))
        self.exact_cards.extend(chain.from_iterable(map(repeat, cards, map(len, name_keys))))

    def _by_term(self, card: int) -> dict[int, tuple[int, ...]]:
        starts = self.phrase_start
        found: dict[int, list[int]] = defaultdict(list)
        for n in range(self.card_phrases[card], self.card_phrases[card + 1]):
            for t in self.phrase_words[starts[n] : starts[n + 1]]:
                found[t].append(n)
        return {t: tuple(ns) for t, ns in found.items()}

    def _exact_names(self) -> dict[str, int]:
        names: dict[str, int] = {}
        for i, card in enumerate(self.corpus.cards):
            for key in exact_keys(card):
                names.setdefault(key, i)
        return names

    def _codes_by_card(self, cards: int, postings: Postings) -> tuple[dict[int, int], ...]:
        codes: list[dict[int, int]] = [{} for _ in range(cards)]
        for t, on_cards in enumerate(postings):
            for v in on_cards:
                codes[v >> 3][t] = v & 7
        return tuple(codes)

    def _aliases_of(self, card: int) -> tuple[tuple[int, ...], ...]:
        starts, kinds = self.phrase_start, self.phrase_kind
        return tuple(
            tuple(self.phrase_words[starts[n] : starts[n + 1]])
            for n in range(self.card_phrases[card], self.card_phrases[card + 1])
            if kinds[n] == ALIAS
        )

    def postings(self) -> Postings:
        """The postings appended term by term, as one flat array."""
        flat = array("I")
        flat.frombytes(b"".join(self.post))
        start = array("I", accumulate(map(len, self.post), initial=0))
        del self.post
        return Postings([memoryview(flat)], start, each=len(self.corpus.cards) <= self.small)

    def phrase_weights(self, idf: array) -> array:
        """Each phrase's weight: the sum of its words' idf, added left to right."""
        starts = self.phrase_start
        return array(
            "d",
            map(
                sum,
                map(
                    map,
                    repeat(idf.__getitem__),
                    map(self.phrase_words.__getitem__, map(slice, starts, starts[1:])),
                ),
            ),
        )

    def idf(self, postings: Postings, n: int) -> array:
        """Per term: how rare it is among the `n` cards."""
        lengths = postings.lengths()
        by_length = {k: math.log((n + 1) / (k + 0.5)) + 0.1 for k in set(lengths)}
        return array("d", map(by_length.__getitem__, lengths))

    def exact_keys(self) -> array:
        """The exact keys' hashes and cards as `hash << 32 | card`, ascending."""
        keyed = map(
            int.__or__, map(int.__lshift__, self.exact_hashes, repeat(32)), self.exact_cards
        )
        del self.exact_hashes, self.exact_cards
        return array("Q", sorted(keyed))

    def finish(self) -> Index:
        cards = self.corpus.cards
        small = len(cards) <= self.small
        ids, postings = self.ids, self.postings()
        ids.default_factory = None
        words = [t for t in ids if t[0] != "§"]
        after: dict[int, list[int]] = defaultdict(list)
        for concept, (last, _) in sorted(self.concept_after.items(), key=lambda c: c[1]):
            after[last].append(ids[concept])
        # all terms in the order the cards first say them, a concept after its field's words
        said_order: Sequence[int] = range(len(ids))  # words only: in the order of their ids
        if after:
            said_order = after.get(-1, [])
            for w in map(ids.__getitem__, words):
                said_order.append(w)
                said_order.extend(after.get(w, ()))
        idf = self.idf(postings, max(len(cards), 1))
        exact = self.exact_keys()
        stems = _stems(words)
        blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
        of_length: dict[int, list[str]] = defaultdict(list)
        # each word appended to its lists by C-level `map`s, in vocabulary order
        if len(words) > FULL_SCAN_VOCAB:
            sizes = list(map(len, words))
            for end, mark in ((_FIRST, ""), (_LAST, "$")):
                keys = zip(map(mark.__add__, map(end, words)), sizes, strict=True)
                deque(map(list.append, map(blocks.__getitem__, keys), words), 0)
        else:
            deque(map(list.append, map(of_length.__getitem__, map(len, words)), words), 0)
        return Index(
            cards=cards,
            ids=ids,
            postings=postings,
            idf=idf,
            phrase_words=self.phrase_words,
            phrase_start=self.phrase_start,
            phrase_kind=self.phrase_kind,
            phrase_weight=self.phrase_weights(idf),
            phrases_by_term=tuple(map(self._by_term, range(len(cards)))) if small else (),
            codes_by_card=self._codes_by_card(len(cards), postings) if small else (),
            aliases_of=tuple(map(self._aliases_of, range(len(cards)))) if small else (),
            exact_names=self._exact_names() if small else {},
            card_phrases=self.card_phrases,
            exact_keys=exact,
            vocab=tuple(sorted(words)),
            by_year=dict(self.by_year),
            stems=stems,
            blocks=_tuples(blocks),
            by_length=_tuples(of_length),
            concept_of_stem={
                k: tuple(c for c in v if c in ids)
                for k, v in self.by_stem.items()
                if any(c in ids for c in v)
            },
            concept_phrases={k: tuple(v) for k, v in self.concept_phrases.items()},
            org_bits=self.org_bits,
            org_masks=_compact(self.org_masks),
            unknown_idf=sum(map(idf.__getitem__, said_order)) / len(idf) if idf else 1.0,
        )


def _stems(words: list[str], block: int = 16_384) -> dict[str, tuple[str, ...]]:
    """Stem -> the words that have it, in vocabulary order, for the stems that join words or
    change one. Stemmed a block at a time, twice (stemming is cheap; 100,000 stems at once
    are 6 MB that a large corpus's index does not keep): once to find those stems, once to
    gather their words."""
    joined: set[str] = set()
    for at in range(0, len(words), block):
        part = words[at : at + block]
        stemmed = stem_all(part)
        joined.update(compress(stemmed, map(str.__ne__, part, stemmed)))
    stems: dict[str, list[str]] = defaultdict(list)
    for at in range(0, len(words), block):
        part = words[at : at + block]
        for w, st in zip(part, stem_all(part), strict=True):
            if st in joined:
                stems[st].append(w)
    return _tuples(stems)


def _compact(values: list[int]) -> Sequence[int]:
    """Small non-negative ints as an array of bytes (100,000 cards' org masks: 0.1 MB, not
    0.8), or as they are."""
    return array("B", values) if all(0 <= v < 256 for v in values) else values


def _tuples(lists: dict[_K, list[str]]) -> dict[_K, tuple[str, ...]]:
    """The dict's lists as tuples, each list dropped as soon as its tuple is made (a large
    vocabulary's lists and tuples together were a few MB more of peak memory)."""
    out: dict[_K, tuple[str, ...]] = {}
    for key in list(lists):
        out[key] = tuple(lists.pop(key))
    return out
