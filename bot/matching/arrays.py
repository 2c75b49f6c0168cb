"""Building a large corpus's index with numpy: the same index, made a chunk at a time in arrays.

The pure-Python builder (bot.matching.index) spends ~0.1-0.3 µs of interpreter time per word
said and per posting: at 100,000 cards, 6.7 M words and 5.2 M postings, ten seconds. Here a
chunk's folded text is read as bytes: its words become 64-bit keys and are looked up in a
hash table of arrays (`_Words`), with no Python object, hash or dict look-up per word (text
that is not ASCII, or has a letter next to a digit, is split and looked up in `ids` instead).
Everything after that is an operation on whole arrays: where each token stands (card, group,
field) from running counts of the separator tokens, the field code of each (card, term) from
one sort of 64-bit keys, the phrases from the same arrays, and every term's postings from one
sort per bucket of terms at the end. The result is identical, to the bit and in every order,
to what `_Builder` makes (tests/test_index.py compares the two); only corpora from
`ARRAYS_FROM` cards come here (bot.matching.build), so answering from the real cards never
imports numpy.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from itertools import chain, count, repeat
from operator import itemgetter

import numpy as np

from bot.cards import Card, Corpus
from bot.matching.index import (
    _DATES,
    _EVENTS,
    _F,
    _LOW,
    _QUESTIONS,
    _SECOND,
    _YEARS,
    ALIAS,
    QUESTION,
    TITLE,
    TOPIC,
    Index,
    Postings,
    _Builder,
    _drop,
    _has_separators,
    _split_all,
    _without_separators,
    _years,
)
from bot.matching.text import (
    _ASCII_FOLD,
    CARD_SEP,
    FIELD_SEP,
    FILLER,
    GROUP_SEP,
    SEPARATORS,
    fold_fields,
)

# Filler words and separators get negative ids while indexing (they are never terms): one
# dict look-up then gives every token its term id; they leave `ids` before it is used.
_SKIPPED = (FIELD_SEP, GROUP_SEP, CARD_SEP, *sorted(FILLER))
_FIELD, _GROUP, _CARD = -1, -2, -3
# The field code of each of a card's six groups (names, topics, questions, orgs, summary,
# dated events); in the dated group, fields alternate an event (5) and its year (4).
_GROUP_CODE = np.array([0, 1, 2, 3, 6, 5], dtype=np.uint64)
_YEAR_CODE = 4
_PHRASE_KIND = np.array([ALIAS, TOPIC, QUESTION], dtype=np.uint8)  # per group; field 0: TITLE
_THIRD = itemgetter(2)
_U32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


def _fold(text: str) -> tuple[str, str, list[int], np.ndarray | None]:
    """`fold_fields(text)`, how many of each separator (FIELD_SEP, GROUP_SEP, CARD_SEP) the
    text holds, and the folded text's bytes as an array when it is ASCII with no letter next
    to a digit (then the folded and the token text are one: `_Words.terms` can read it).
    The check and the counts are numpy operations over the bytes: `fold_fields`'s byte
    search and three `str.count`s took ~7 ms a chunk."""
    if not text.isascii():
        folded, toks = fold_fields(text)
        return folded, toks, list(map(toks.count, SEPARATORS)), None
    raw = text.encode("ascii").translate(_ASCII_FOLD)
    codes = np.frombuffer(raw, dtype=np.uint8)
    separators = np.bincount(codes[codes < 3], minlength=3).tolist()
    digit = (codes - 48) < 10  # wraps around below "0"
    letter = (codes - 97) < 26
    if np.any(digit[1:] & letter[:-1]) or np.any(letter[1:] & digit[:-1]):
        folded, toks = fold_fields(text)
        return folded, toks, separators, None
    folded = raw.decode("ascii")
    return folded, folded, separators, codes


# A token of folded ASCII text is letters, digits or one separator. Its key: two tag bits
# (1 letters, 2 digits, 3 a separator) over its characters packed first lowest, a letter in
# 5 bits (a-z: 1-26, up to 12 letters), a digit in 4 (0-9: 1-10, up to 15 digits), and a
# separator's number (1-3). Any longer token's key is its number among the long tokens
# (tag 0), which a dict gives.
_LETTER, _DIGIT, _MARK = (np.uint64(tag << 62) for tag in (1, 2, 3))
_LETTERS, _DIGITS = 12, 15


def _byte_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per byte of folded text: its value in a key (0 for a space), and its kind (1 letter,
    2 digit, 3 separator, 0 a space)."""
    value = np.zeros(256, dtype=np.uint8)
    kind = np.zeros(256, dtype=np.uint8)
    for n, mark in enumerate(SEPARATORS, 1):
        value[ord(mark)], kind[ord(mark)] = n, 3
    value[ord("a") : ord("z") + 1], kind[ord("a") : ord("z") + 1] = np.arange(1, 27), 1
    value[ord("0") : ord("9") + 1], kind[ord("0") : ord("9") + 1] = np.arange(1, 11), 2
    return value, kind


_VALUE, _KIND = _byte_tables()
# the low n bytes of an 8-byte word, n = 0..8
_BYTES = np.array([(1 << 8 * n) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
for _table in (_GROUP_CODE, _PHRASE_KIND, _VALUE, _KIND, _BYTES):
    _table.setflags(write=False)  # module constants: never written to
del _table


def _packed(eight: np.ndarray, bits: int) -> np.ndarray:
    """Eight values of `bits` (4 or 5) bits, one a byte, the first lowest, packed into 8 *
    `bits` bits: in each pair of bytes the upper value moves down next to the lower, then
    the same for pairs of pairs, then for the two halves."""
    x = eight
    for span, lanes in ((8, 0x0001000100010001), (16, 0x0000000100000001), (32, 1)):
        width = bits * span // 8  # bits of values in each half of a span, after the step
        keep = (1 << width) - 1
        lower = np.uint64(keep * lanes)
        upper = np.uint64((keep << width) * lanes)
        x = x & lower | x >> np.uint64(span - width) & upper
    return x


_EMPTY = np.uint64((1 << 64) - 1)  # no key: all tag bits set, and no separator is 2 ** 62 - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2 ** 64 / golden ratio: Fibonacci hashing


class _Words:
    """The corpus's words as keys (see `_LETTER`), with their term ids, in an open-addressing
    hash table of arrays (linear probing, at most half full): a chunk's words are looked up
    all at once, a few gathers for all of them, with no Python hash or dict look-up per word
    (~150 ns a word: 1.2 s of 6.7 million at 100,000 cards). `searchsorted` in a sorted
    table was 3x slower than this: 17 steps a word, most of them cache misses."""

    def __init__(self, ids: dict[str, int]) -> None:
        self.ids = ids
        self.long: defaultdict[str, int] = defaultdict(count().__next__)
        self.bits = 12
        self.keys = np.full(1 << self.bits, _EMPTY, dtype=np.uint64)
        self.term_of = np.zeros(1 << self.bits, dtype=np.int32)
        self.size = 0
        skipped = np.array([self.key(w) for w in _SKIPPED], dtype=np.uint64)
        self._insert(skipped, np.array([ids[w] for w in _SKIPPED], dtype=np.int32))

    def _slots(self, keys: np.ndarray) -> np.ndarray:
        return (keys * _GOLDEN >> np.uint64(64 - self.bits)).astype(np.intp)

    def _insert(self, keys: np.ndarray, terms: np.ndarray) -> None:
        """Keys not in the table, distinct, with their terms; the table doubled first
        (every key placed again) if it would be more than half full."""
        if 2 * (self.size + len(keys)) > len(self.keys):
            held = self.keys != _EMPTY
            keys = np.concatenate((self.keys[held], keys))
            terms = np.concatenate((self.term_of[held], terms))
            while 2 * len(keys) > 1 << self.bits:
                self.bits += 1
            self.keys = np.full(1 << self.bits, _EMPTY, dtype=np.uint64)
            self.term_of = np.zeros(1 << self.bits, dtype=np.int32)
            self.size = 0
        last = len(self.keys) - 1
        slot = self._slots(keys)
        waiting = np.arange(len(keys))
        while len(waiting):
            free = waiting[self.keys[slot[waiting]] == _EMPTY]
            _, first = np.unique(slot[free], return_index=True)  # one key per free slot
            placed = free[first]
            self.keys[slot[placed]] = keys[placed]
            self.term_of[slot[placed]] = terms[placed]
            left = np.ones(len(keys), dtype=bool)
            left[placed] = False
            waiting = waiting[left[waiting]]
            slot[waiting] = slot[waiting] + 1 & last
        self.size += len(keys)

    def key(self, word: str) -> int:
        """`terms`'s key for one word, computed in Python."""
        if len(word) == 1 and word in SEPARATORS:
            return int(_MARK) | SEPARATORS.index(word) + 1
        if word.isascii() and word.isalpha() and word.islower() and len(word) <= _LETTERS:
            return int(_LETTER) | sum(ord(c) - 96 << 5 * n for n, c in enumerate(word))
        if word.isascii() and word.isdigit() and len(word) <= _DIGITS:
            return int(_DIGIT) | sum(ord(c) - 47 << 4 * n for n, c in enumerate(word))
        return self.long[word]

    def terms(self, folded: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each token of the folded text (`codes`: its bytes) as its term id (new words
        given theirs, in the order first said), with where it begins and ends: `split`
        and a dict look-up per token, on arrays."""
        keys, begins, ends = self.keys_of(folded, codes)
        return self._look_up(keys, folded, begins, ends), begins, ends

    def keys_of(self, folded: str, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each token's key (`key` of its text), where it begins and where it ends. A
        token's first 16 bytes are read as two 8-byte words, through a view of the bytes'
        values as overlapping 8-byte words. Tokens are the runs of bytes between spaces, as
        `str.split` makes them: the chunk's separators always stand between spaces, and a
        letter never touches a digit here (`_fold` checked)."""
        value = np.zeros(len(codes) + 24, dtype=np.uint8)
        value[: len(codes)] = _VALUE[codes]
        said = value != 0
        begins = np.flatnonzero(said[1:] & ~said[:-1]) + 1
        if said[0]:
            begins = np.concatenate(([0], begins))
        ends = np.flatnonzero(said[:-1] & ~said[1:]) + 1
        del said
        size = ends - begins
        kind = _KIND[codes[begins]]
        words = np.ndarray((len(value) - 7,), dtype="<u8", buffer=value, strides=(1,))
        first = words[begins] & _BYTES[np.minimum(size, 8)]
        then = words[begins + 8] & _BYTES[np.clip(size - 8, 0, 8)]
        del words
        keys = np.where(
            kind == 1,
            _LETTER | _packed(first, 5) | _packed(then, 5) << np.uint64(40),
            _DIGIT | _packed(first, 4) | _packed(then, 4) << np.uint64(32),
        )
        np.copyto(keys, _MARK | first, where=kind == 3)
        long = np.flatnonzero(np.where(kind == 1, size > _LETTERS, size > _DIGITS) & (kind != 3))
        if len(long):
            texts = map(folded.__getitem__, map(slice, begins[long].tolist(), ends[long].tolist()))
            keys[long] = np.fromiter(map(self.long.__getitem__, texts), np.uint64, len(long))
        return keys, begins, ends

    def _look_up(
        self, keys: np.ndarray, folded: str, begins: np.ndarray, ends: np.ndarray
    ) -> np.ndarray:
        """Each key's term; a key not in the table is a new word, given its id in the order
        the chunk first says it (its text sliced from the folded text)."""
        last = len(self.keys) - 1
        slot = self._slots(keys)
        seen = self.keys[slot]
        waiting = np.flatnonzero(seen != keys)
        new = []
        while len(waiting):
            empty = seen[waiting] == _EMPTY
            new.append(waiting[empty])
            waiting = waiting[~empty]
            slot[waiting] = slot[waiting] + 1 & last
            seen[waiting] = self.keys[slot[waiting]]
            waiting = waiting[seen[waiting] != keys[waiting]]
        terms = self.term_of[slot]
        new_at = np.sort(np.concatenate(new)) if new else np.zeros(0, dtype=np.intp)
        if len(new_at):
            fresh, first = np.unique(keys[new_at], return_index=True)
            order = np.argsort(first)  # new words in the order the chunk first says them
            said = new_at[first[order]]
            texts = map(folded.__getitem__, map(slice, begins[said].tolist(), ends[said].tolist()))
            fresh_terms = np.empty(len(fresh), dtype=np.int32)
            fresh_terms[order] = np.fromiter(map(self.ids.__getitem__, texts), np.int32, len(said))
            self._insert(fresh, fresh_terms)
            terms[new_at] = fresh_terms[np.searchsorted(fresh, keys[new_at])]
        return terms


class ArrayBuilder(_Builder):
    """`_Builder` with the per-word work done on arrays.

    Words get term ids in the order the cards first say them, so the vocabulary's order
    (which decides typo ties) is the pure-Python builder's. A chunk's (term, card, code)
    triples are sorted as 64-bit keys `term << 32 | card << 3 | code`, one kept per term
    and card (the card's best, lowest, code), and stored in 32 bits in the bucket of their
    term (see `_keep`); `postings` sorts each bucket in place.
    """

    # cards a chunk: its arrays of ~70,000 tokens stay small in memory (and in the
    # processor's caches); fewer took longer
    CHUNK = 1024

    def __init__(self, corpus: Corpus, small: int):
        super().__init__(corpus, small)
        for n, skipped in enumerate(_SKIPPED, 1):
            self.ids[skipped] = -n
        self.words = _Words(self.ids)
        # postings are `card << 3 | code`: `card_bits` bits; the rest of 32 bits say the
        # term among the 2 ** `shift` terms of its bucket
        self.card_bits = max(len(corpus.cards) - 1, 1).bit_length() + 3
        self.shift = 32 - self.card_bits
        if self.shift < 1:
            raise ValueError(f"too many cards to index: {len(corpus.cards)}")
        self.buckets: list[array] = []  # per bucket: term << card_bits | card << 3 | code
        self.words_said = 0  # phrase words so far

    def add(self, start: int, chunk: Sequence[Card]) -> None:
        text, orgs_of = self.text(chunk)
        folded, toks, separators, codes = _fold(text)
        del text
        if separators != self.separators(chunk, orgs_of):
            # some card's own text holds a separator character
            self.add(start, [_without_separators(c) if _has_separators(c) else c for c in chunk])
            return
        self.org_masks.extend(map(_SECOND, orgs_of))
        cards = range(start, start + len(chunk))
        read = codes is not None
        if read:
            term, begins, ends = self.words.terms(folded, codes)
            del codes
        else:  # not ASCII, or letters next to digits: words by `split` and a dict
            words = toks.split()
            term = np.fromiter(map(self.ids.__getitem__, words), np.int32, count=len(words))
            del words
        # where each token stands: card (in the chunk), group (0-5), field (in its group),
        # and a running field number that changes at every separator
        is_card = term == _CARD
        group_end = is_card | (term == _GROUP)
        card = np.cumsum(is_card, dtype=np.int32)
        group = np.cumsum(group_end, dtype=np.int32) - 6 * card
        fields = np.cumsum(term == _FIELD, dtype=np.int32)
        field = fields - np.maximum.accumulate(np.where(group_end, fields, 0))
        is_separator = (term < 0) & (term >= _CARD)
        field_no = np.cumsum(is_separator, dtype=np.int32)
        if read:
            self._add_names_of(cards, folded, begins, ends, card, group, group_end, is_separator)
            del begins, ends
        else:
            self.add_names(cards, folded)
        del is_card, group_end, fields, is_separator, folded
        code = _GROUP_CODE[group]
        code[(group == 5) & (field & 1 == 1)] = _YEAR_CODE
        kept = term >= 0
        keys = term[kept].astype(np.uint64) << _U32
        keys |= (card[kept].astype(np.uint64) + np.uint64(start)) << np.uint64(3)
        keys |= code[kept]
        del code
        if self.thesaurus:
            keys = np.concatenate((keys, self._concept_keys(start, toks)))
        keys.sort()
        self._keep(keys)
        del keys
        self._add_phrases_of(len(chunk), term, kept, card, group, field, field_no)
        if any(map(_QUESTIONS, chunk)):
            self._add_questions(cards, chunk, toks)
        self.add_years(start, chunk)

    def _add_names_of(
        self,
        cards: range,
        folded: str,
        begins: np.ndarray,
        ends: np.ndarray,
        card: np.ndarray,
        group: np.ndarray,
        group_end: np.ndarray,
        is_separator: np.ndarray,
    ) -> None:
        """`add_names` from where the chunk's tokens begin and end in its folded text: a name
        is the tokens after a separator up to a FIELD_SEP in group 0 or the GROUP_SEP that
        closes it, sliced from the text; joined by single spaces again only when some are
        apart by more than one (punctuation folded to spaces)."""
        last = np.flatnonzero(is_separator & (group - group_end == 0))  # the token after a name
        first = np.maximum.accumulate(np.where(is_separator, np.arange(len(begins)), -1))
        first = np.where(last > 0, first[last - 1] + 1, 0)
        said = last > first
        start = np.where(said, begins[np.minimum(first, len(begins) - 1)], 0)
        end = np.where(said, ends[last - 1], 0)
        letters = np.concatenate(([0], np.cumsum(ends - begins)))
        spaced = end - start != letters[last] - letters[first] + (last - first - 1) * said
        names = list(map(folded.__getitem__, map(slice, start.tolist(), end.tolist())))
        for n in np.flatnonzero(spaced).tolist():
            names[n] = " ".join(names[n].split())
        self.exact_hashes.extend(map(_LOW.__and__, map(hash, names)))
        self.exact_cards.frombytes((card[last] + cards.start).astype(np.uint32).tobytes())

    def _keep(self, keys: np.ndarray) -> None:
        """A chunk's sorted keys, the first of each (term, card) only (it has the card's best
        code), appended to their terms' buckets as `term << card_bits | card << 3 | code`,
        the term counted within its bucket. In 32 bits, half what the keys take: at 100,000
        cards the postings are 5 million, and all of them wait here for the last chunk."""
        first = np.ones(len(keys), dtype=bool)
        np.not_equal(keys[1:] >> np.uint64(3), keys[:-1] >> np.uint64(3), out=first[1:])
        keys = keys[first]
        terms = keys >> _U32
        in_bucket = np.uint64((1 << self.shift) - 1)
        packed = ((terms & in_bucket) << np.uint64(self.card_bits) | keys & _LOW32).astype(
            np.uint32
        )
        last = int(terms[-1]) >> self.shift if len(terms) else -1
        while len(self.buckets) <= last:
            self.buckets.append(array("I"))
        bounds = np.arange(last + 2, dtype=np.uint64) << np.uint64(self.shift)
        at = np.searchsorted(terms, bounds).tolist()
        for bucket, begin, end in zip(self.buckets, at, at[1:], strict=False):
            if end > begin:
                bucket.frombytes(packed[begin:end].tobytes())

    def add_years(self, start: int, chunk: Sequence[Card]) -> None:
        """`_Builder.add_years` on arrays: each (year, card) once, cards ascending."""
        dates_of = list(map(_DATES, chunk))
        events = list(chain.from_iterable(dates_of))
        if not events:
            return
        years = np.fromiter(_years(events), dtype=np.int64, count=len(events))
        cards = np.repeat(np.arange(start, start + len(chunk)), list(map(len, dates_of)))
        keys = np.unique(years << 32 | cards)
        years, cards = (keys >> 32).tolist(), (keys & 0xFFFFFFFF).astype(np.uint32)
        at = np.flatnonzero(np.diff(keys >> 32, prepend=-1)).tolist() + [len(keys)]
        for begin, end in zip(at, at[1:], strict=False):
            self.by_year[years[begin]].frombytes(cards[begin:end].tobytes())

    def _concept_keys(self, start: int, toks: str) -> np.ndarray:
        """The chunk's thesaurus concepts as keys, by `_Builder._add_concepts` (concepts are
        few; finding them needs each card's words by group, as the pure-Python builder has)."""
        groups = zip(*map(str.split, toks.split(CARD_SEP), repeat(GROUP_SEP)), strict=True)
        names, topics, questions, org_text, summaries, dated = groups
        name_w, topic_w, question_w = _split_all(names), _split_all(topics), _split_all(questions)
        org_w, summary_w, dated_w = _split_all(org_text), _split_all(summaries), _split_all(dated)
        date_fields = _split_all(dated, FIELD_SEP)
        event_w = _split_all(map(_F.join, map(_EVENTS, date_fields)))
        year_w = _split_all(map(_F.join, map(_YEARS, date_fields)))
        stream = (name_w, topic_w, question_w, org_w, summary_w, dated_w)
        by_weight = (
            (summary_w, 6), (event_w, 5), (year_w, 4), (org_w, 3),
            (question_w, 2), (topic_w, 1), (name_w, 0),
        )  # fmt: skip
        codes: list[dict[str, int]] = [{} for _ in names]
        self._add_concepts(start, codes, by_weight, stream)
        ids = self.ids
        return np.array(
            [
                ids[concept] << 32 | card << 3 | code
                for card, on_card in enumerate(codes, start)
                for concept, code in on_card.items()
            ],
            dtype=np.uint64,
        )

    def _add_phrases_of(
        self,
        cards: int,
        term: np.ndarray,
        kept: np.ndarray,
        card: np.ndarray,
        group: np.ndarray,
        field: np.ndarray,
        field_no: np.ndarray,
    ) -> None:
        """Titles, aliases, topics and questions as phrases of term ids: the chunk's terms in
        groups 0-2, a phrase per field that has any."""
        in_phrase = kept & (group <= 2)
        words = term[in_phrase]
        first = np.flatnonzero(np.diff(field_no[in_phrase], prepend=-1))  # phrases' first words
        owner = card[in_phrase][first]
        kind = _PHRASE_KIND[group[in_phrase][first]]
        kind[(kind == ALIAS) & (field[in_phrase][first] == 0)] = TITLE
        self.phrase_words.frombytes(words.astype(np.uint32).tobytes())
        ends = np.append(first[1:], len(words))[: len(first)].astype(np.int64) + self.words_said
        self.words_said += len(words)
        self.phrase_start.frombytes(ends.astype(np.uint32).tobytes())
        base = len(self.phrase_kind)
        self.phrase_kind.frombytes(kind.tobytes())
        per_card = np.cumsum(np.bincount(owner, minlength=cards)) + base
        self.card_phrases.frombytes(per_card.astype(np.uint32).tobytes())

    def _add_questions(self, cards: range, chunk: Sequence[Card], toks: str) -> None:
        """Exact keys of the chunk's questions: their words, filler dropped."""
        groups = map(str.split, toks.split(CARD_SEP), repeat(GROUP_SEP))
        question_f = [
            f if q else []
            for f, q in zip(
                _split_all(map(_THIRD, groups), FIELD_SEP),
                map(_QUESTIONS, chunk),
                strict=True,
            )
        ]
        content = _drop(_split_all(chain.from_iterable(question_f)), FILLER)
        self.exact_hashes.extend(map(_LOW.__and__, map(hash, map(" ".join, content))))
        self.exact_cards.extend(
            card for card, fields in zip(cards, question_f, strict=True) for _ in fields
        )

    def finish(self) -> Index:
        for skipped in _SKIPPED:
            del self.ids[skipped]
        del self.words  # the look-up table: 3 MB at 100,000 cards, not needed any more
        return super().finish()

    def postings(self) -> Postings:
        """Each bucket sorted in place (by term, then card: each term's postings ascend),
        its terms' starts found by bisection, then cut to `card << 3 | code` in place. The
        buckets stay the postings' storage: no copy of 5 million postings is ever made."""
        starts = [np.zeros(1, dtype=np.int64)]
        base = 0
        low = np.uint32((1 << self.card_bits) - 1)
        for n, bucket in enumerate(self.buckets):
            view = np.frombuffer(bucket, dtype=np.uint32)
            view.sort()
            first = n << self.shift
            # where each of the bucket's terms ends: the next term's first possible value
            # (in 32 bits, so the bucket is not converted to compare), the last at its end
            terms = min(len(self.ids) - first, 1 << self.shift)
            bounds = np.arange(1, terms, dtype=np.uint32) << np.uint32(self.card_bits)
            starts.append(np.searchsorted(view, bounds) + base)
            starts.append(np.array([base + len(view)]))
            view &= low
            base += len(bucket)
        start = np.concatenate(starts)
        if len(start) < len(self.ids) + 1:  # terms after the last bucket's: on no card
            start = np.append(start, np.full(len(self.ids) + 1 - len(start), base))
        del starts
        return Postings(
            list(map(memoryview, self.buckets)),
            array("I", start.astype(np.uint32).tobytes()),
            self.shift,
        )

    def idf(self, postings: Postings, n: int) -> array:
        """`_Builder.idf`, each distinct postings length's idf computed once by `math.log`
        and the terms' gathered by numpy (the same floats)."""
        lengths = np.diff(np.frombuffer(postings.start, dtype=np.uint32).astype(np.int64))
        distinct, which = np.unique(lengths, return_inverse=True)
        by_length = np.array([math.log((n + 1) / (k + 0.5)) + 0.1 for k in distinct.tolist()])
        return array("d", by_length[which].tobytes())

    def exact_keys(self) -> array:
        keys = np.frombuffer(self.exact_hashes, dtype=np.uint64) << _U32
        keys |= np.frombuffer(self.exact_cards, dtype=np.uint32)
        del self.exact_hashes, self.exact_cards
        keys.sort()
        return array("Q", keys.tobytes())

    def phrase_weights(self, idf: array, block: int = 65_536) -> array:
        """Each phrase's weight: the sum of its words' idf, added left to right one word
        position at a time across a block of phrases, so each sum is the same float as
        `sum`'s; a block at a time, so that the temporary arrays stay small."""
        starts = np.frombuffer(self.phrase_start, dtype=np.uint32)
        words = np.frombuffer(self.phrase_words, dtype=np.uint32)
        weights = np.frombuffer(idf, dtype=np.float64)
        out = array("d")
        for at in range(0, len(starts) - 1, block):
            first = starts[at : at + block + 1].astype(np.int64)
            size, first = np.diff(first), first[:-1]
            total = np.zeros(len(first), dtype=np.float64)
            longer = np.arange(len(first))
            for k in range(int(size.max()) if len(size) else 0):
                longer = longer[size[longer] > k]
                total[longer] += weights[words[first[longer] + k]]
            out.frombytes(total.tobytes())
        return out
