"""Type-ahead in the core: prefixes of titles find their card, junk finds nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matching.suggest import MAX_LIMIT, MAX_PREFIX, Suggester
from tests.synthetic import synthetic_corpus


@pytest.fixture(scope="module")
def suggester(corpus) -> Suggester:
    return Suggester(corpus)


def test_every_title_is_found_from_its_first_words_and_a_half_word(corpus, suggester) -> None:
    for card in corpus.cards:
        words = card.title.split()
        prefix = " ".join(words[:2]) + (" " + words[2][:3] if len(words) > 2 else "")
        assert card in suggester.suggest(prefix, 100), (card.id, prefix)


def test_a_half_typed_word_ranks_its_card_first(corpus, suggester) -> None:
    kvm = next(c for c in corpus.cards if "Kosovo Verification" in c.title)
    assert suggester.suggest("kosovo verif", 5)[0] == kvm
    assert suggester.suggest("kos ver", 5)[0] == kvm  # every word a prefix


def test_a_typo_still_suggests(corpus, suggester) -> None:
    assert any("Kosovo" in c.title for c in suggester.suggest("kosvo", 5))


@pytest.mark.parametrize(
    "prefix", ["", " ", "a", "!!", "zzqxv", "\x00kosovo", "kos\x1bovo", "x" * (MAX_PREFIX + 1)]
)
def test_junk_and_tampered_prefixes_get_nothing(suggester, prefix: str) -> None:
    assert suggester.suggest(prefix, 10) == ()


@pytest.mark.parametrize("prefix", [None, 42, ["kosovo"], {"value": "kosovo"}])
def test_a_value_that_is_not_text_gets_nothing(suggester, prefix: object) -> None:
    assert suggester.suggest(prefix, 10) == ()


def test_never_more_than_asked_or_than_slack_shows() -> None:
    big = Suggester(synthetic_corpus(1000))
    assert len(big.suggest("border", 10)) == 10
    assert len(big.suggest("border", 10_000)) == MAX_LIMIT
    assert big.suggest("border", 0) == ()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_an_answer_not_an_error(suggester, text: str) -> None:
    found = suggester.suggest(text, 20)
    assert len(found) <= 20 and len(set(found)) == len(found)
