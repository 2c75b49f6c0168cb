"""The meaning tier (bot.matching.semantic): the card a query means when its words name none.

These use the real vectors in bot/matching/data and the real cards. The queries are written
for these tests, not taken from any query set.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.matching.matcher as matcher_module
from bot.cards import Card, Corpus, Source
from bot.matching import Matcher
from bot.matching.semantic import DATA, Meaning, Vectors


@pytest.fixture(scope="module")
def vectors() -> Vectors:
    return Vectors()


@pytest.fixture(scope="module")
def matchers(corpus) -> tuple[Matcher, Matcher]:
    """(with the meaning tier, words alone), over the real cards."""
    return Matcher(corpus), Matcher(corpus, meaning=False)


def test_the_vectors_are_what_their_provenance_says(vectors: Vectors) -> None:
    source = json.loads((DATA / "SOURCE.json").read_text())
    with np.load(DATA / "pieces.npz") as stored:
        assert stored["codes"].shape == (source["pieces"], 256)
        assert stored["codes"].dtype == np.int8
        assert stored["scale"].shape == (source["pieces"],)
    assert vectors._tokenizer.get_vocab_size() == source["pieces"]


def test_a_text_is_a_unit_vector_and_nothing_known_is_zero(vectors: Vectors) -> None:
    out = vectors.embed(["global warming", "", "\u2603\u2603"])
    assert out.shape == (3, 256)
    assert np.linalg.norm(out[0]) == pytest.approx(1.0, abs=1e-5)
    assert not out[1].any() and not out[2].any()


def test_words_of_like_meaning_lie_close(vectors: Vectors) -> None:
    warming, climate, guns, smuggling, trafficking = vectors.embed(
        ["global warming", "climate change", "small arms", "people smuggling", "trafficking"]
    )
    assert warming @ climate > warming @ guns + 0.2
    assert smuggling @ trafficking > smuggling @ climate + 0.2


def _card(cid: str, title: str, summary: str) -> Card:
    return Card(cid, title, summary, "s", "x", ("osce",), (), ())


def _tiny() -> Corpus:
    cards = (
        _card("thb", "Trafficking in human beings", "Work against trafficking in human beings."),
        _card("salw", "Small arms and light weapons", "Stockpiles of small arms."),
        _card("climate", "Climate and security", "Climate change as a security risk."),
    )
    return Corpus(cards, {"s": Source("s", "S", "P", "https://example.org/doc")})


def test_nearest_ranks_cards_by_their_closest_text(vectors: Vectors) -> None:
    meaning = Meaning(_tiny().cards, vectors)
    near = meaning.nearest("is the planet heating up dangerous?")
    assert [n.card.id for n in near][0] == "climate"
    assert near[0].score > near[1].score >= near[2].score
    assert meaning.nearest("") == ()
    assert Meaning((), vectors).nearest("climate") == ()


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("is the warming planet a topic for nato and the osce?", "nato-osce-climate-security"),
        ("women and war", "nato-wps-commitments"),
    ],
)
def test_a_query_in_other_words_gets_the_card_it_means(matchers, query: str, card: str) -> None:
    with_meaning, words_alone = matchers
    assert words_alone.match(query).card is None  # what this tier adds
    found = with_meaning.match(query)
    assert found.kind == "card" and found.card is not None and found.card.id == card


def test_a_card_found_by_a_word_in_passing_gives_way_to_the_meant_one(matchers) -> None:
    """'talk' names the staff-talks card; the question is about the climate."""
    query = "do nato and the osce talk about global warming at all?"
    with_meaning, words_alone = matchers
    assert words_alone.match(query).card.id == "nato-osce-staff-talks"
    assert with_meaning.match(query).card.id == "nato-osce-climate-security"


def test_a_card_words_found_nearly_as_well_needs_only_meanings_usual_lead(
    matchers, monkeypatch
) -> None:
    """Words put the staff talks ("talk") just ahead of the climate card ("global
    warming"); meaning puts the climate card first, clearly but not so far ahead as to
    overrule a card words found alone. Words finding it too make up the difference."""
    query = "global warming: do nato and the osce ever talk about it?"
    with_meaning, words_alone = matchers
    words = words_alone.match(query)
    assert words.card.id == "nato-osce-staff-talks"
    assert words.ranked[1].card.id == "nato-osce-climate-security"
    assert with_meaning.match(query).card.id == "nato-osce-climate-security"
    monkeypatch.setattr(matcher_module, "OVERRULE_SPREAD", -1.0)  # the rule off
    assert with_meaning.match(query).card.id == "nato-osce-staff-talks"


def test_words_and_meaning_together_answer_what_neither_makes_clear(matchers, monkeypatch) -> None:
    """Words find several close cards ("women", "war"), meaning several close cards; the
    WPS card is high on both."""
    query = "what do nato and the osce do for women caught up in wars?"
    with_meaning, words_alone = matchers
    assert words_alone.match(query).kind == "suggestions"
    assert with_meaning.match(query).card.id == "nato-osce-wps-cooperation"
    monkeypatch.setattr(matcher_module, "TOGETHER_AT", 2.0)  # the rule off: not meaning alone
    assert with_meaning.match(query).kind == "suggestions"


def test_words_first_and_meaning_clearly_agreeing_answer(matchers, monkeypatch) -> None:
    """Words rank the Strategic Concept card first ("planning", "paper") but far too
    weakly to answer; meaning puts it first and clearly ahead, though not so far ahead
    without the organisations' names as meaning alone must be. Together that is enough."""
    query = "does the alliance's top planning paper mention the european security body"
    with_meaning, words_alone = matchers
    words = words_alone.match(query)
    assert words.card is None and words.ranked[0].card.id == "nato-osce-strategic-concept-2022"
    assert with_meaning.match(query).card.id == "nato-osce-strategic-concept-2022"
    monkeypatch.setattr(matcher_module.Matcher, "_agreed", lambda *_, **__: None)  # the rule off
    assert with_meaning.match(query).card is None


def test_agreeing_tiers_still_need_a_card_that_names_what_was_asked(matchers) -> None:
    """Both tiers put the UN partnership card first for the Council of Europe, which that
    card does not name."""
    query = "does the UN work with the Council of Europe on conflict prevention?"
    with_meaning, words_alone = matchers
    assert words_alone.match(query).ranked[0].card.id == "un-dppa-osce-partnership"
    assert with_meaning._meaning.nearest(query)[0].card.id == "un-dppa-osce-partnership"
    assert with_meaning.match(query).card is None


def test_meaning_alone_cannot_pass_for_words_and_meaning_together(matchers, monkeypatch) -> None:
    """Words find no climate word here; a cosine of ~0.8 alone is a weighted mean of ~0.55."""
    monkeypatch.setattr(matcher_module, "MEANING_AT", 2.0)  # meaning alone off
    found = matchers[0].match("do nato and the osce do anything about the earth heating up?")
    assert found.card is None


def test_close_but_not_clear_meaning_is_offered_as_did_you_mean(matchers) -> None:
    query = "do nato and the osce do anything about the earth heating up?"
    with_meaning, words_alone = matchers
    assert words_alone.match(query).kind == "none"
    found = with_meaning.match(query)
    assert found.kind == "suggestions" and found.card is None
    assert found.ranked[0].card.id == "nato-osce-climate-security"


@pytest.mark.parametrize(
    "query",
    [
        "pizza recipe",
        "kosovo football team",
        "best football team in europe",
        "how much does the osce cost",
        "what is the osce budget",  # "osce" alone would carry it to the OSCE Mission card
        "how big is the osce staff",
        "what is the osce",
        "un peacekeeping in africa",
        "how many staff does the un have in vienna",  # words and meaning both near the office
        "un peacekeeping budget",
        "when was NATO founded?",  # guarded: an organisation's own history
        "who is the current OSCE chairperson?",  # guarded: the present
        "what is the weather in Vienna this week?",
        "UNSCR 2250 youth peace and security",  # guarded: a resolution no card has
    ],
)
def test_meaning_never_answers_what_no_card_covers(matchers, query: str) -> None:
    found = matchers[0].match(query)
    assert found.card is None, found.card.id


def test_nothing_near_in_meaning_offers_nothing(matchers) -> None:
    found = matchers[0].match("pizza recipe")
    assert found.kind == "none" and not found.ranked


def test_a_corpus_too_large_to_score_every_card_has_no_meaning_tier(corpus, monkeypatch) -> None:
    query = "is the warming planet a topic for nato and the osce?"
    assert Matcher(corpus).match(query).card is not None
    monkeypatch.setattr(matcher_module, "MEANING_MAX_CARDS", len(corpus.cards) - 1)
    assert Matcher(corpus).match(query).card is None


def test_warm_loads_the_tier_before_the_first_query(corpus) -> None:
    matcher = Matcher(corpus)
    assert "_meaning" not in matcher.__dict__  # a keyword-only process never pays for it
    matcher.warm()
    assert matcher.__dict__["_meaning"] is not None


def test_warm_reads_every_cards_word_pairs_for_a_small_corpus(corpus) -> None:
    matcher = Matcher(corpus)
    matcher.warm()
    assert matcher._pairs.cache_info().currsize == len(corpus.cards)


def tokenizer_pieces(vectors: Vectors, word: str) -> list[int]:
    ids = vectors._tokenizer.encode(word, add_special_tokens=False).ids
    return [i for i in ids if i != vectors._unknown]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=30))
def test_a_words_pieces_are_those_the_tokenizer_gives(vectors: Vectors, word: str) -> None:
    """The pieces are found without the tokenizer for speed; they must be its pieces."""
    assert vectors.piece_ids(word) == tokenizer_pieces(vectors, word)


@pytest.mark.parametrize(
    "word", ["cooperaton", "natoosce", "unscr1325", "x" * 101, "peacekeeping", "osce"]
)
def test_typos_and_run_together_words_have_the_tokenizers_pieces(vectors, word) -> None:
    assert vectors.piece_ids(word) == tokenizer_pieces(vectors, word)


@pytest.mark.parametrize(
    "query",
    [
        "what do nato and the osce do for women caught up in wars?",
        "natoosce cooperaton on",
        "do nato and the osce do anything about the earth heating up?",
        "nato osce staff",
        "how do the un and the osce work on mediation together",
    ],
)
def test_words_and_meaning_together_rank_as_over_every_card(matchers, monkeypatch, query) -> None:
    """`_together` sums only the cards words found and the closest in meaning; the best two
    are those of the sums over every card."""
    monkeypatch.setattr(matcher_module, "TOGETHER_AT", -9.0)  # always the best, to compare
    monkeypatch.setattr(matcher_module, "TOGETHER_MARGIN", -9.0)
    with_meaning, words_alone = matchers
    meaning = with_meaning._meaning
    words = words_alone.match(query)
    per_card = meaning.closeness(query)
    together = per_card.copy()
    for s in words.ranked:
        together[meaning.position[s.card.id]] += matcher_module.TOGETHER_WORDS * s.score
    (best,) = meaning.top(together, 1)
    toks = query.split()
    found = with_meaning._together(meaning, per_card, meaning.top(per_card, 3), words, query, toks)
    if not words.ranked:
        assert found is None
    else:
        assert found.card is best.card
        assert found.score == pytest.approx(best.score / 1.5, abs=1e-6)
