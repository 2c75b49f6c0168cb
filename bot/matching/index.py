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
from bisect import bisect_left
from collections import defaultdict, deque
from dataclasses import dataclass, field, replace
from itertools import chain, count, filterfalse, repeat

from bot.cards import Card, Corpus
from bot.matching.text import (
    FIELD_SEP,
    FILLER,
    GROUP_SEP,
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
FULL_SCAN_VOCAB = 20_000  # up to this many distinct words, typos are looked up in all of them

_SKIP = FILLER | {FIELD_SEP, GROUP_SEP}  # tokens that are never a card's terms
_F = f" {FIELD_SEP} "
_G = f" {GROUP_SEP} "
# A card's text is seven groups, in the order the card says things (which decides the order
# of the vocabulary, and so which typo candidate wins a tie): names (title, aliases), topics,
# questions, orgs, summary, then each dated event followed by its year.
_NAMES, _TOPICS, _QUESTIONS = range(3)


@dataclass(frozen=True)
class Index:
    """Everything the matcher precomputes from a corpus; built once, read-only afterwards."""

    cards: tuple[Card, ...]
    ids: dict[str, int]  # term -> id: words in the order the corpus first says them, concepts
    postings: list[array]  # per term id: card << 3 | field code, ascending
    idf: array  # per term id
    phrase_words: array  # every card's phrases' word ids, one after another
    phrase_start: array  # phrase p is phrase_words[phrase_start[p]:phrase_start[p + 1]]
    phrase_kind: array  # TITLE, ALIAS, TOPIC or QUESTION, per phrase
    card_phrases: array  # card i's phrases are card_phrases[i]:card_phrases[i + 1]
    exact_hashes: array  # hashes of folded titles, aliases and questions, ascending ...
    exact_cards: array  # ... and the card of each (the first card, on equal hashes)
    vocab: tuple[str, ...]  # words, sorted: for prefixes
    by_year: dict[int, tuple[int, ...]]
    stems: dict[str, tuple[str, ...]]  # stem -> words, where that is not just the stem itself
    # (first letter, length) and ("$" last letter, length) -> words; large vocabularies only
    blocks: dict[tuple[str, int], tuple[str, ...]]
    by_length: dict[int, tuple[str, ...]]  # small vocabularies: length -> words
    concept_of_stem: dict[str, tuple[str, ...]]  # stem of a one-word member -> concept terms
    concept_phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]  # first token -> phrases
    org_bits: dict[str, int]
    org_masks: list[int]  # per card: its orgs as bits of org_bits
    unknown_idf: float = field(default=1.0)

    def code(self, card: int, term: int) -> int:
        """The field code of a term on a card, -1 when the card does not have it."""
        postings = self.postings[term]
        at = bisect_left(postings, card << 3)
        if at < len(postings) and postings[at] >> 3 == card:
            return postings[at] & 7
        return -1

    def same_stem(self, st: str) -> tuple[str, ...]:
        """The corpus words whose stem is `st`."""
        words = self.stems.get(st)
        if words is not None:
            return words
        return (st,) if st in self.ids and stem(st) == st else ()

    def exact(self, key: str) -> int | None:
        """The first card whose folded title or alias, or question's words, is `key`."""
        h = hash(key)
        at = bisect_left(self.exact_hashes, h)
        while at < len(self.exact_hashes) and self.exact_hashes[at] == h:
            card = self.exact_cards[at]
            if key in exact_keys(self.cards[card]):
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
    words. The index keeps only their hashes; this confirms a hit."""
    return {
        fold(card.title),
        *map(fold, card.aliases),
        *(" ".join(content(q)) for q in card.questions),
    }


def _concepts(corpus: Corpus) -> tuple[dict[str, tuple[str, ...]], dict[str, list]]:
    """Thesaurus groups as concept terms ("§3"): one-word members by stem, phrases by token."""
    by_stem: dict[str, set[str]] = defaultdict(set)
    phrases: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for n, group in enumerate(corpus.thesaurus):
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


def _card_text(card: Card, orgs: str) -> str:
    """The card's fields as one text for `fold_fields`: groups apart by GROUP_SEP, fields
    within a group by FIELD_SEP."""
    dates = card.dates
    if len(dates) == 1:
        dated = dates[0].event + _F + str(dates[0].year)
    else:
        dated = _F.join([part for e in dates for part in (e.event, str(e.year))])
    return _G.join(
        (
            _F.join((card.title, *card.aliases)),
            _F.join(card.topics),
            _F.join(card.questions),
            orgs,
            card.summary,
            dated,
        )
    )


def _org_words(orgs: tuple[str, ...]) -> list[str]:
    return [w for org in orgs for w in (org, *ORG_EXTRA_WORDS.get(org, ()))]


def _field_seps(card: Card, orgs: int) -> int:
    """How many FIELD_SEPs `_card_text` puts in; any more came with the card's own text."""
    return (
        len(card.aliases)
        + max(len(card.topics) - 1, 0)
        + max(len(card.questions) - 1, 0)
        + max(orgs - 1, 0)
        + max(2 * len(card.dates) - 1, 0)
    )


def _without_separators(card: Card) -> Card:
    """The odd card whose own text holds a separator character, with spaces for them."""
    table = {ord(FIELD_SEP): " ", ord(GROUP_SEP): " "}

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


class _Builder:
    """Accumulates the index card by card; `finish` freezes it."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.by_stem, self.concept_phrases = _concepts(corpus)
        self.phrase_firsts = frozenset(self.concept_phrases)
        self.concept_words: dict[str, tuple[str, ...]] = {}  # corpus token -> its concepts
        self.checked: set[str] = set()  # tokens already looked up in the thesaurus
        # ids given at C speed, in the order words first appear
        self.ids: defaultdict[str, int] = defaultdict(count().__next__)
        self.concept_at: dict[str, tuple[int, int, int]] = {}  # see `_place_concepts`
        self.orgs_text: dict[tuple[str, ...], tuple[str, int]] = {}
        self.post: defaultdict[str, array] = defaultdict(lambda: array("I"))
        self.phrase_words = array("I")
        self.phrase_start = array("I", [0])
        self.phrase_kind = array("B")
        self.card_phrases = array("I", [0])
        self.exact_hashes = array("q")
        self.exact_cards = array("I")
        self.by_year: dict[int, list[int]] = defaultdict(list)
        self.org_bits: dict[str, int] = {}
        self.mask_of: dict[tuple[str, ...], int] = {}
        self.org_masks: list[int] = []

    def add(self, i: int, card: Card) -> None:
        orgs = self.orgs_text.get(card.orgs)
        if orgs is None:
            words = _org_words(card.orgs)
            orgs = self.orgs_text[card.orgs] = (_F.join(words), len(words))
        text = _card_text(card, orgs[0])
        if text.count(GROUP_SEP) != 5 or text.count(FIELD_SEP) != _field_seps(card, orgs[1]):
            self.add(i, _without_separators(card))
            return
        folded, toks = fold_fields(text)
        names, topics, questions, org_words, summary, dated = groups = toks.split(GROUP_SEP)
        if card.dates:
            date_fields = dated.split(FIELD_SEP)
            events = _F.join(date_fields[0::2]).split()
            years = _F.join(date_fields[1::2]).split()
        else:
            events = years = []
        name_words, summary_words = names.split(), summary.split()
        topic_words, question_words, org_list = topics.split(), questions.split(), org_words.split()
        # lowest field weight first, so that each word ends with its highest field's code
        by_weight = (
            (summary_words, 6),
            (events, 5),
            (years, 4),
            (org_list, 3),
            (question_words, 2),
            (topic_words, 1),
            (name_words, 0),
        )
        ids = self.ids
        said = dict.fromkeys(
            chain(name_words, topic_words, question_words, org_list, summary_words, dated.split())
        )
        # word ids in the order the corpus first says them
        known = len(ids)
        new = filterfalse(_SKIP.__contains__, filterfalse(ids.__contains__, said))
        deque(map(ids.__getitem__, new), 0)
        if self.by_stem:
            self._look_up_concepts(said)
        codes: dict[str, int] = {}
        concepts: set[str] = set()
        for group, code in by_weight:
            if group:
                codes.update(dict.fromkeys(group, code))
                if self.by_stem or self.concept_phrases:
                    found = self._concepts_in(group)
                    codes.update(dict.fromkeys(found, code))
                    concepts |= found
        if not concepts <= self.concept_at.keys():
            self._place_concepts(card, known)
        for skip in _SKIP.intersection(codes):
            del codes[skip]
        on_card = map(int.__or__, repeat(i << 3), codes.values())
        deque(map(array.append, map(self.post.__getitem__, codes), on_card), 0)
        self._add_phrases(i, card, folded, groups)
        for event in card.dates:
            years_of = self.by_year[event.year]
            if not years_of or years_of[-1] != i:
                years_of.append(i)
        mask = self.mask_of.get(card.orgs)
        if mask is None:
            mask = 0
            for org in card.orgs:
                mask |= self.org_bits.setdefault(org, 1 << len(self.org_bits))
            self.mask_of[card.orgs] = mask
        self.org_masks.append(mask)

    def _place_concepts(self, card: Card, known: int) -> None:
        """Where a card's new concepts fall among the words, in the order the card says
        things: the average idf of all terms (a word no card has weighs that) is summed in
        that order, so it stays the same to the last bit whatever the hash seed."""
        ids = self.ids
        texts = [card.title, *card.aliases, *card.topics, *card.questions]
        texts += _org_words(card.orgs) + [card.summary]
        texts += [part for e in card.dates for part in (e.event, str(e.year))]
        said: set[str] = set()
        for text in texts:
            toks = tokens(text)
            said.update(w for w in toks if w not in FILLER)
            at = 1 + max((ids[w] for w in said if ids[w] >= known), default=known - 1)
            for concept in sorted(self._concepts_in(toks) - self.concept_at.keys()):
                self.concept_at[concept] = (at, 0, len(self.concept_at))

    def _look_up_concepts(self, said: dict[str, None]) -> None:
        fresh = list(filterfalse(self.checked.__contains__, said))
        self.checked.update(fresh)
        for word, st in zip(fresh, stem_all(fresh), strict=True):
            concepts = self.by_stem.get(st)
            if concepts:
                self.concept_words[word] = concepts

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

    def _add_phrases(self, i: int, card: Card, folded: str, groups: list[str]) -> None:
        names = groups[_NAMES].split(FIELD_SEP)
        fields = [(TITLE, names[0])] + [(ALIAS, f) for f in names[1:]]
        if card.topics:
            fields += [(TOPIC, f) for f in groups[_TOPICS].split(FIELD_SEP)]
        questions = groups[_QUESTIONS].split(FIELD_SEP) if card.questions else []
        fields += [(QUESTION, f) for f in questions]
        ids, words, starts, kinds = self.ids, self.phrase_words, self.phrase_start, self.phrase_kind
        keys = [" ".join(f.split()) for f in folded[: folded.index(GROUP_SEP)].split(FIELD_SEP)]
        for kind, text in fields:
            said = [w for w in text.split() if w not in FILLER]
            if said:
                words.extend(map(ids.__getitem__, said))
                starts.append(len(words))
                kinds.append(kind)
            if kind == QUESTION:
                keys.append(" ".join(said))
        self.card_phrases.append(len(kinds))
        self.exact_hashes.extend(map(hash, keys))
        self.exact_cards.extend(repeat(i, len(keys)))

    def finish(self) -> Index:
        cards = self.corpus.cards
        ids, post = self.ids, self.post
        words = list(ids)
        places = sorted((at, concept) for concept, at in self.concept_at.items())
        for _, concept in places:
            ids[concept]  # noqa: B018 - gives it the next id
        ids.default_factory = None
        # all terms in the order the cards first say them, a concept after its field's words
        said_order = list(range(len(words)))
        for at, concept in reversed(places):
            said_order.insert(at[0], ids[concept])
        postings = [post[t] for t in ids]
        del post
        n = max(len(cards), 1)
        idf = array("d", (math.log((n + 1) / (len(p) + 0.5)) + 0.1 for p in postings))
        order = sorted(range(len(self.exact_hashes)), key=self.exact_hashes.__getitem__)
        stemmed = stem_all(words)
        joined = {st for w, st in zip(words, stemmed, strict=True) if w != st}
        stems: dict[str, list[str]] = defaultdict(list)
        for w, st in zip(words, stemmed, strict=True):
            if st in joined:
                stems[st].append(w)
        blocks: dict[tuple[str, int], list[str]] = defaultdict(list)
        by_length: dict[int, list[str]] = defaultdict(list)
        if len(words) > FULL_SCAN_VOCAB:
            for w in words:
                size = len(w)
                blocks[(w[0], size)].append(w)
                blocks[(f"${w[-1]}", size)].append(w)
        else:
            for w in words:
                by_length[len(w)].append(w)
        return Index(
            cards=cards,
            ids=ids,
            postings=postings,
            idf=idf,
            phrase_words=self.phrase_words,
            phrase_start=self.phrase_start,
            phrase_kind=self.phrase_kind,
            card_phrases=self.card_phrases,
            exact_hashes=array("q", map(self.exact_hashes.__getitem__, order)),
            exact_cards=array("I", map(self.exact_cards.__getitem__, order)),
            vocab=tuple(sorted(words)),
            by_year={y: tuple(c) for y, c in self.by_year.items()},
            stems={k: tuple(v) for k, v in stems.items()},
            blocks={k: tuple(v) for k, v in blocks.items()},
            by_length={k: tuple(v) for k, v in by_length.items()},
            concept_of_stem={
                k: tuple(c for c in v if c in ids)
                for k, v in self.by_stem.items()
                if any(c in ids for c in v)
            },
            concept_phrases={k: tuple(v) for k, v in self.concept_phrases.items()},
            org_bits=self.org_bits,
            org_masks=self.org_masks,
            unknown_idf=sum(map(idf.__getitem__, said_order)) / len(idf) if idf else 1.0,
        )


def build_index(corpus: Corpus) -> Index:
    builder = _Builder(corpus)
    for i, card in enumerate(corpus.cards):
        builder.add(i, card)
    return builder.finish()
