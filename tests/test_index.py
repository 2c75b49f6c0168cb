"""The compact index against a plain reading of the cards, and typo look-ups at scale.

The index folds a whole card in one pass and keeps words as ids in arrays; these tests hold
it to what reading each field on its own says (`tokens`, `fold`, FIELD_WEIGHT), on the real
cards, on generated text, and on a corpus large enough for typo look-ups to use blocking.
"""

from __future__ import annotations

import dataclasses
import random
import string

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cards import Card, Corpus, DateEvent, Source
from bot.cards.model import Thesaurus
from bot.matching import Matcher
from bot.matching.build import build_index
from bot.matching.index import (
    CODE_WEIGHT,
    FIELD_WEIGHT,
    FULL_SCAN_VOCAB,
    ORG_EXTRA_WORDS,
    Index,
    exact_keys,
)
from bot.matching.text import (
    CARD_SEP,
    FIELD_SEP,
    GROUP_SEP,
    SEPARATORS,
    fold,
    fold_fields,
    is_filler,
    stem,
    tokens,
)

KINDS = ("title", "alias", "topic", "question")


def reference_terms(card: Card, thesaurus: tuple[tuple[str, ...], ...]) -> dict[str, float]:
    """Each term of a card with the weight of its best field, reading field by field."""
    found: dict[str, float] = {}
    members = [(f"§{n}", tokens(m)) for n, group in enumerate(thesaurus) for m in group]

    def add(text: str, kind: str) -> None:
        toks = tokens(text)
        terms = {w for w in toks if not is_filler(w)}
        for concept, words in members:
            if len(words) == 1:
                said = any(stem(t) == stem(words[0]) for t in toks)
            else:
                said = any(toks[k : k + len(words)] == words for k in range(len(toks)))
            if said:
                terms.add(concept)
        for term in terms:
            found[term] = max(found.get(term, 0.0), FIELD_WEIGHT[kind])

    add(card.title, "title")
    for alias in card.aliases:
        add(alias, "alias")
    for topic in card.topics:
        add(topic, "topic")
    for question in card.questions:
        add(question, "question")
    for org in card.orgs:
        for word in (org, *ORG_EXTRA_WORDS.get(org, ())):
            add(word, "org")
    add(card.summary, "summary")
    for event in card.dates:
        add(event.event, "event")
        add(str(event.year), "date")
    return found


def index_terms(index: Index, card: int) -> dict[str, float]:
    terms = list(index.ids)
    return {
        term: CODE_WEIGHT[code]
        for t, term in enumerate(terms)
        if (code := index.code(card, t)) >= 0
    }


def reference_phrases(card: Card) -> list[tuple[str, list[str]]]:
    fields = [("title", card.title), *(("alias", a) for a in card.aliases)]
    fields += [("topic", t) for t in card.topics] + [("question", q) for q in card.questions]
    out = [(kind, [w for w in tokens(text) if not is_filler(w)]) for kind, text in fields]
    return [(kind, words) for kind, words in out if words]


def index_phrases(index: Index, card: int) -> list[tuple[str, list[str]]]:
    terms = list(index.ids)
    starts = index.phrase_start
    return [
        (
            KINDS[index.phrase_kind[p]],
            [terms[t] for t in index.phrase_words[starts[p] : starts[p + 1]]],
        )
        for p in range(index.card_phrases[card], index.card_phrases[card + 1])
    ]


def generated_corpus(n: int = 300, seed: int = 5) -> Corpus:
    """Cards whose fields share words, years, filler, punctuation, accents, codes like
    "unscr1325" and thesaurus phrases, so that a word's best field varies from card to card."""
    rng = random.Random(seed)
    pool = [
        *"kfor ifor vienna document arms control border ohrid mediation liaison".split(),
        *"the of and what when how is did People Smuggling trafficking 1999 2003".split(),
        *"UNSCR1325 1990s co-operation naïve Zürich café – ’s _under_ ÉTÉ x1y2".split(),
    ]

    pool += [_word(rng) for _ in range(2 * n)]  # so that new words keep coming

    def text(k: int) -> str:
        return " ".join(rng.choice(pool) for _ in range(rng.randint(0, k)))

    cards = tuple(
        _card(
            i,
            text(4) or "title",
            text(12),
            aliases=tuple(text(3) for _ in range(rng.randint(0, 2))),
            topics=tuple(text(3) for _ in range(rng.randint(0, 3))),
            questions=tuple(text(6) for _ in range(rng.randint(0, 2))),
            orgs=tuple(rng.sample(["osce", "un", "nato"], rng.randint(1, 3))),
            dates=tuple(
                DateEvent(rng.choice(["1999", "2003-05", "2016-01-02"]), text(5))
                for _ in range(rng.randint(0, 3))
            ),
        )
        for i in range(n)
    )
    thesaurus = (("people smuggling", "trafficking"), ("arms control", "disarmament"), ("co",))
    return Corpus(cards, {"s": Source("s", "S", "P", "https://example.org")}, Thesaurus(thesaurus))


@pytest.fixture(
    scope="module",
    params=[
        "real",
        "generated",
        "generated in chunks of 7",
        "generated as large",
        "generated on arrays",
        "generated on arrays in chunks of 7, as large",
    ],
)
def built(request, corpus) -> tuple[Corpus, Index]:
    """A corpus and its index; built 7 cards at a time, words and concepts first said in
    one chunk must keep their ids and places in the next; "as large", without the per-card
    dicts small corpora keep (exact names only as hashes, confirmed on the card); "on
    arrays", by the numpy builder large corpora get (bot.matching.arrays)."""
    if request.param == "real":
        return corpus, build_index(corpus)
    generated = generated_corpus()
    if "arrays" in request.param:
        if "large" in request.param:
            return generated, build_index(generated, chunk=7, small=0, arrays=0)
        return generated, build_index(generated, arrays=0)
    if "7" in request.param:
        return generated, build_index(generated, chunk=7)
    if "large" in request.param:
        index = build_index(generated, small=0)
        assert not index.exact_names and not index.codes_by_card
        return generated, index
    return generated, build_index(generated)


def test_every_card_has_the_terms_and_weights_its_fields_give(built) -> None:
    corpus, index = built
    for i, card in enumerate(corpus.cards):
        assert index_terms(index, i) == reference_terms(card, corpus.thesaurus.groups), card.id


def test_phrases_and_exact_names_are_the_cards_own(built) -> None:
    corpus, index = built
    for i, card in enumerate(corpus.cards):
        assert index_phrases(index, i) == reference_phrases(card), card.id
        for key in exact_keys(card):
            first = next(n for n, c in enumerate(corpus.cards) if key in exact_keys(c))
            assert index.exact(key) == first
    assert index.exact("no card is called this") is None


def test_chunks_change_nothing() -> None:
    corpus = generated_corpus()
    whole, chunked = build_index(corpus), build_index(corpus, chunk=7)
    assert list(whole.ids) != list(chunked.ids)  # concepts are given ids as they come
    assert [t for t in whole.ids if t[0] != "§"] == [t for t in chunked.ids if t[0] != "§"]
    assert {t: whole.postings[i] for t, i in whole.ids.items()} == {
        t: chunked.postings[i] for t, i in chunked.ids.items()
    }
    assert whole.unknown_idf == chunked.unknown_idf


def test_the_vocabulary_is_in_the_order_the_cards_first_say_it(built) -> None:
    """Typo candidates that tie are taken in this order, so it must not depend on hashing."""
    corpus, index = built
    first_said = dict.fromkeys(
        w
        for card in corpus.cards
        for text in (
            card.title,
            *card.aliases,
            *card.topics,
            *card.questions,
            *(w for o in card.orgs for w in (o, *ORG_EXTRA_WORDS.get(o, ()))),
            card.summary,
            *(part for e in card.dates for part in (e.event, str(e.year))),
        )  # fmt: skip
        for w in tokens(text)
        if not is_filler(w)
    )
    assert [t for t in index.ids if not t.startswith("§")] == list(first_said)


fields = st.text(alphabet=st.characters(blacklist_characters=SEPARATORS), max_size=40)
cards = st.lists(st.lists(fields, max_size=4), min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(st.lists(cards, min_size=1, max_size=3))
def test_folding_cards_at_once_is_folding_each_field(chunk: list[list[list[str]]]) -> None:
    text = f" {CARD_SEP} ".join(
        f" {GROUP_SEP} ".join(f" {FIELD_SEP} ".join(g) for g in groups) for groups in chunk
    )
    folded, toks = fold_fields(text)
    assert len(folded.split(CARD_SEP)) == len(toks.split(CARD_SEP)) == len(chunk)
    for groups, f_card, t_card in zip(
        chunk, folded.split(CARD_SEP), toks.split(CARD_SEP), strict=True
    ):
        f_groups, t_groups = f_card.split(GROUP_SEP), t_card.split(GROUP_SEP)
        assert len(f_groups) == len(t_groups) == len(groups)
        for group, f_group, t_group in zip(groups, f_groups, t_groups, strict=True):
            if not group:
                assert f_group.split() == t_group.split() == []
                continue
            f_fields, t_fields = f_group.split(FIELD_SEP), t_group.split(FIELD_SEP)
            assert [f.split() for f in f_fields] == [fold(g).split() for g in group]
            assert [t.split() for t in t_fields] == [tokens(g) for g in group]


def _card(n: int, title: str, summary: str = "", **fields) -> Card:
    defaults = {"orgs": ("osce",), "topics": (), "aliases": ()}
    return Card(
        id=f"c{n}", title=title, summary=summary or title, source="s", anchor="x",
        **{**defaults, **fields},
    )  # fmt: skip


def test_separator_characters_in_a_cards_text_are_spaces() -> None:
    source = {"s": Source("s", "S", "P", "https://example.org")}
    odd = _card(1, "Alpha\x00beta gamma", "delta\x01epsilon", aliases=("al\x02pha",))
    plain = _card(1, "Alpha beta gamma", "delta epsilon", aliases=("al pha",))
    other = _card(0, "Zeta eta", topics=("theta iota",))
    a = build_index(Corpus((other, odd), source))
    b = build_index(Corpus((other, plain), source))
    for card in (0, 1):
        assert index_terms(a, card) == index_terms(b, card)
        assert index_phrases(a, card) == index_phrases(b, card)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(8, 11)))


@pytest.fixture(scope="module")
def large() -> tuple[Matcher, Corpus]:
    """A corpus with more distinct words than FULL_SCAN_VOCAB: typos go through blocking."""
    rng = random.Random(13)
    words = sorted({_word(rng) for _ in range(FULL_SCAN_VOCAB + 5000)})
    rng.shuffle(words)
    per_card = 5
    cards = tuple(
        _card(
            n,
            " ".join(words[n * per_card : n * per_card + 3]),
            " ".join(words[n * per_card + 3 : (n + 1) * per_card]),
            dates=(DateEvent(str(1990 + n % 30), "event"),),
        )
        for n in range(len(words) // per_card)
    )
    corpus = Corpus(cards, {"s": Source("s", "S", "P", "https://example.org")})
    return Matcher(corpus), corpus


@pytest.mark.slow
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_typos_are_corrected_anywhere_in_a_word_of_a_large_corpus(large, where: str) -> None:
    matcher, corpus = large
    assert matcher.index.blocks and not matcher.index.by_length  # blocking is in use
    rng = random.Random(where)
    for card in rng.sample(corpus.cards, 20):
        word = card.title.split()[0]
        at = {"first": 0, "middle": len(word) // 2, "last": len(word) - 1}[where]
        wrong = next(c for c in "zqxj" if c != word[at])
        typo = word[:at] + wrong + word[at + 1 :]
        assert word in matcher.expand(typo), (typo, word)
        result = matcher.match(f"{typo} {card.title.split()[1]}")
        assert result.ranked and result.ranked[0].card.id == card.id, (typo, card.title)


def test_small_and_large_corpora_score_phrases_alike() -> None:
    """Small corpora keep each card's phrases by term; large ones scan a card's phrase words.
    The two must give the same scores, to the bit."""
    corpus = generated_corpus(400, seed=9)
    by_term, scanning = Matcher(corpus), Matcher(corpus)
    scanning.index = build_index(corpus, small=0)
    assert by_term.index.phrases_by_term and not scanning.index.phrases_by_term
    rng = random.Random(9)
    said = [w for card in corpus.cards for w in f"{card.title} {card.summary}".split()]
    for _ in range(300):
        query = " ".join(rng.choice(said) for _ in range(rng.randint(1, 5)))
        assert by_term.match(query) == scanning.match(query), query


def odd_corpus(n: int = 300, seed: int = 3) -> Corpus:
    """Cards that stress reading words from bytes: words of 1 to 25 letters (packed keys
    hold 12), long numbers, filler, punctuation and runs of spaces in names, upper case,
    empty fields, a card's own separator characters."""
    rng = random.Random(seed)

    def word() -> str:
        size = rng.choice([1, 2, 3, 7, 8, 9, 11, 12, 13, 16, 25])
        return "".join(rng.choice(string.ascii_lowercase) for _ in range(size))

    extra = ["1999", "42", "123456789012345", "1234567890123456", "the", "information"]
    extra += ["Arms-Control,", "  spaced  ", "a--b", "it's", "\x00x", "WPS"]

    def text(k: int) -> str:
        return " ".join(rng.choice([word(), word(), *extra]) for _ in range(rng.randint(0, k)))

    cards = tuple(
        _card(
            i,
            text(5),
            text(20),
            orgs=tuple(rng.sample(["osce", "un", "nato"], rng.randint(0, 3))),
            topics=tuple(text(3) for _ in range(rng.randint(0, 3))),
            aliases=tuple(text(3) for _ in range(rng.randint(0, 2))),
            questions=tuple(text(6) for _ in range(rng.randint(0, 1))),
            dates=tuple(
                DateEvent(rng.choice(["1999", "2003-05", "2016-01-02"]), text(4))
                for _ in range(rng.randint(0, 2))
            ),
        )
        for i in range(n)
    )
    return Corpus(cards, {"s": Source("s", "S", "P", "https://example.org")})


def _fields(index: Index) -> dict[str, object]:
    out = {f.name: getattr(index, f.name) for f in dataclasses.fields(index)}
    out["postings"] = [bytes(p) for p in index.postings]
    out["ids"] = list(index.ids.items())
    out["by_year"] = {year: list(cards) for year, cards in index.by_year.items()}
    return out


@pytest.mark.parametrize("kind", ["real", "generated", "odd"])
@pytest.mark.parametrize(
    "how", [{}, {"small": 0}, {"chunk": 7}, {"chunk": 1, "small": 0}], ids=repr
)
def test_the_array_builder_makes_the_same_index(corpus, kind: str, how: dict) -> None:
    """Large corpora are indexed on numpy arrays; the index must be the pure-Python
    builder's to the bit and in every order (ids, postings, phrases, idf, exact keys...)."""
    cards = {"real": lambda: corpus, "generated": generated_corpus, "odd": odd_corpus}[kind]()
    by_python = _fields(build_index(cards, arrays=len(cards.cards) + 1, **how))
    on_arrays = _fields(build_index(cards, arrays=0, **how))
    for name, value in by_python.items():
        assert on_arrays[name] == value, name
        assert type(on_arrays[name]) is type(value), name


tokens_of_bytes = st.lists(
    st.one_of(
        st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=20),
        st.text(alphabet=string.digits, min_size=1, max_size=20),
        st.sampled_from(list(SEPARATORS)),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(tokens_of_bytes)
def test_words_read_from_bytes_have_their_own_keys(words: list[str]) -> None:
    """A word's key read from the folded bytes is the key computed from its text, and two
    different words never share one."""
    from bot.matching.arrays import _SKIPPED, _Words

    keys = _Words(dict(zip(_SKIPPED, range(-1, -len(_SKIPPED) - 1, -1), strict=True)))
    text = " " + " ".join(words)
    read, begins, ends = keys.keys_of(text, np.frombuffer(text.encode("ascii"), np.uint8))
    assert [text[b:e] for b, e in zip(begins.tolist(), ends.tolist(), strict=True)] == words
    assert read.tolist() == [keys.key(w) for w in words]
    by_key: dict[int, str] = {}
    for word, key in zip(words, read.tolist(), strict=True):
        assert by_key.setdefault(key, word) == word
