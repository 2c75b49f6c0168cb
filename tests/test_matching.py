"""The matcher on the real cards: behaviours, not the eval's strings."""

from __future__ import annotations

import json
import unicodedata

import pytest

from bot.answers import Answerer
from bot.matching import Scored, decide
from bot.matching.text import _visible, clean, fold, stem, without_asides, words
from bot.slack.blocks import Renderer
from tests.cli import ask


@pytest.fixture(scope="module")
def answerer(corpus) -> Answerer:
    return Answerer(corpus)


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("Arms–Control, NATO", "nato-osce-arms-control"),  # en dash, comma, order
        ("ARMS CONTROL", "nato-osce-arms-control"),  # case
        (
            "<@U0BOT> kosovo verification mission",
            "nato-osce-kosovo-verification-mission",
        ),  # mention
        ("kosovo verfication mision", "nato-osce-kosovo-verification-mission"),  # typos
        ("Tell me about the Ohrid conference please?", "nato-osce-border-security"),  # a question
        ("resolution 1244", "nato-osce-mission-in-kosovo"),
        ("ＫＦＯＲ", "nato-osce-kfor"),  # full-width letters
    ],
)
def test_finds_the_card(answerer: Answerer, query: str, card: str) -> None:
    answer = answerer.answer(query)
    assert answer.kind == "card", (answer.kind, [c.id for c in answer.suggestions])
    assert answer.card is not None and answer.card.id == card


@pytest.mark.parametrize(
    "query", ["pizza recipe", "bitcoin price", "weather tomorrow", "zzzz qqqq", "kosovo pizza"]
)
def test_no_confident_card_for_what_cards_do_not_cover(answerer: Answerer, query: str) -> None:
    answer = answerer.answer(query)
    assert answer.card is None
    assert answer.kind in ("none", "suggestions")


def test_ambiguous_query_gets_suggestions_as_buttons(answerer: Answerer) -> None:
    answer = answerer.answer("vienna")
    assert answer.kind == "suggestions" and answer.card is None
    assert len(answer.suggestions) >= 2
    buttons = [
        e
        for b in Renderer(answerer.corpus).reply(answer).blocks
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert {b["value"] for b in buttons} == {c.id for c in answer.suggestions}
    assert all(b["action_id"].startswith("open_card") for b in buttons)


def test_year_lists_the_events_of_that_year(answerer: Answerer) -> None:
    answer = answerer.answer("what happened in 1999?")
    assert answer.kind == "year"
    ids = {c.id for c in answer.suggestions}
    assert {"nato-osce-kosovo-verification-mission", "nato-osce-mission-in-kosovo"} <= ids
    assert "1999" in Renderer(answerer.corpus).reply(answer).text


def test_org_named_narrows_candidates(answerer: Answerer) -> None:
    un = answerer.answer("un partnership")
    nato = answerer.answer("nato partnership")
    assert un.card is not None and "un" in un.card.orgs
    assert nato.card is not None and "nato" in nato.card.orgs


def test_help_list_and_empty_have_replies_of_their_own(answerer: Answerer, corpus) -> None:
    assert answerer.answer("help").kind == "help"
    assert answerer.answer("").kind == "empty"
    assert answerer.answer("   ").kind == "empty"
    listing = answerer.answer("list")
    assert listing.kind == "list"
    text = json.dumps(Renderer(answerer.corpus).reply(listing).blocks)
    assert all(c.title.split(":")[0][:20] in text for c in corpus.cards)


def test_card_reply_links_the_passage_and_names_the_source(answerer: Answerer, corpus) -> None:
    answer = answerer.answer("kfor")
    assert answer.card is not None
    url = corpus.url_of(answer.card)
    assert "#:~:text=" in url
    blob = json.dumps(Renderer(answerer.corpus).reply(answer).blocks)
    assert url in blob and url in Renderer(answerer.corpus).reply(answer).text
    assert "NATO" in blob and "31 July 2023" in blob


def test_channel_ping_in_query_is_never_echoed(answerer: Answerer) -> None:
    for query in [
        "<!channel> pizza",
        "<!here|here> zzz",
        "&lt;!everyone&gt; nothing",
        "<!subteam^S1|@team> qqq",
    ]:
        answer = answerer.answer(query)
        blob = Renderer(answerer.corpus).reply(answer).text + json.dumps(
            Renderer(answerer.corpus).reply(answer).blocks
        )
        for ping in ("<!channel", "<!here", "<!everyone", "<!subteam"):
            assert ping not in blob, (query, blob)


def test_normalisation() -> None:
    assert clean("<@U123|osce> <!channel> hi\x00there") == "hi there"
    assert fold("Arms-Control’s “CFE”") == "arms control s cfe"
    assert words("What is the OSCE doing with the UN?") == ["osce", "un"]


def test_asides_are_dropped_from_queries_only() -> None:
    """`clean` also cleans the cards' own text, which keeps every word; what frames a query
    is dropped by `without_asides`, which only queries go through."""
    text = "see https://www.osce.org - for a briefing note: the 1999 mission, call at 3"
    assert clean(text) == text
    assert without_asides(clean(text)) == "see - : the 1999 mission, call"


def test_control_characters_are_spaces_whether_the_text_is_ascii_or_not() -> None:
    """ASCII text takes a table; any other text, a character's Unicode category: the two
    agree on every ASCII character, alone and beside a character that is not ASCII."""
    for code in range(128):
        ch = chr(code)
        want = ch if unicodedata.category(ch)[0] not in "CZ" else " "
        assert _visible(ch) == want
        assert _visible(ch + "é") == want + "é"
    assert _visible("a\u2028b\u00a0c") == "a b c"  # line and no-break separators


def test_ask_json_reads_stdin_line_by_line() -> None:
    out = ask("--json", stdin="kfor\npizza recipe\n\n")
    lines = [json.loads(ln) for ln in out.splitlines()]
    assert [ln["query"] for ln in lines] == ["kfor", "pizza recipe", ""]
    assert lines[0]["card"]["id"] == "nato-osce-kfor" and lines[0]["card"]["url"].startswith(
        "https://www.nato.int/"
    )
    assert lines[1]["card"] is None
    assert set(lines[0]) >= {"query", "card", "suggestions", "text", "blocks"}


def test_ask_prints_a_readable_reply() -> None:
    out = ask("nato arms-control")
    assert "Vienna Document" in out and "https://www.nato.int/" in out


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("decide", "decided"),
        ("participation", "participates"),
        ("cooperate", "cooperation"),
        ("elections", "election"),
    ],
)
def test_stems_meet(a: str, b: str) -> None:
    assert stem(a) == stem(b)


@pytest.mark.parametrize(
    ("a", "b"), [("form", "former"), ("state", "station"), ("mission", "miss")]
)
def test_stems_keep_unrelated_words_apart(a: str, b: str) -> None:
    """The hand-written stemmer merged these; Snowball (PyStemmer) does not."""
    assert stem(a) != stem(b)


@pytest.mark.parametrize(
    ("query", "card_word"),
    [("programs", "programme"), ("partners", "partnership"), ("terrorist", "terrorism")],
)
def test_spelling_and_word_families_meet_through_the_thesaurus(
    answerer: Answerer, query: str, card_word: str
) -> None:
    """What stemming leaves apart, a thesaurus group of facts/thesaurus.yaml joins."""
    expanded = answerer.matcher.expand(query)
    groups = [g for g in answerer.corpus.thesaurus.groups if any(card_word in m for m in g)]
    assert groups, f"no thesaurus group has {card_word!r}"
    assert any(term.startswith("§") for term in expanded), expanded


def test_synonyms_reach_the_cards_words(answerer: Answerer) -> None:
    expanded = answerer.matcher.expand("strengthen")
    assert expanded and all(0 < sim < 1 for sim in expanded.values())
    assert "strengthen" not in expanded or expanded["strengthen"] == 1.0


def _scored(corpus, *rows: tuple[str, float, bool]) -> tuple[Scored, ...]:
    return tuple(
        Scored(corpus.cards[i], score, complete) for i, (_, score, complete) in enumerate(rows)
    )


def test_decide_needs_a_margin_over_the_runner_up(corpus) -> None:
    close = _scored(corpus, ("a", 0.8, False), ("b", 0.78, False))
    assert decide(close).kind == "suggestions"
    clear = _scored(corpus, ("a", 0.8, False), ("b", 0.5, False))
    assert decide(clear).kind == "card"


def test_decide_answers_the_only_card_with_every_word(corpus) -> None:
    ranked = _scored(corpus, ("a", 0.45, False), ("b", 0.40, True))
    result = decide(ranked, only_complete=ranked[1])
    assert result.kind == "card" and result.card == ranked[1].card
    # ... but not when part of the query is words no card knows
    assert decide(ranked, only_complete=ranked[1], unknown_share=0.2).kind == "suggestions"


def test_decide_refuses_mostly_unknown_queries(corpus) -> None:
    ranked = _scored(corpus, ("a", 0.9, False))
    assert decide(ranked, unknown_share=0.5).card is None
    assert decide((), unknown_share=1.0).kind == "none"
