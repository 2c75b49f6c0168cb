"""Property tests: no input raises, and every reply stays inside Slack's limits."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import Answerer
from bot.slack.blocks import Renderer, shared

PINGS = ("<!channel", "<!here", "<!everyone", "<!subteam")


@pytest.fixture(scope="module")
def answerer(corpus) -> Answerer:
    return Answerer(corpus)


def assert_within_slack_limits(reply) -> None:
    assert 0 < len(reply.text) <= 40000
    assert len(reply.blocks) <= 50
    for block in reply.blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for el in block["elements"]:
                assert len(el["text"]["text"]) <= 75 and len(el["value"]) <= 2000
    blob = reply.text + json.dumps(reply.blocks)
    assert not any(p in blob for p in PINGS)


slack_bits = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<#C1|general>",
        "<https://x.org|x>",
        "&",
        "<",
        ">",
        "kosovo",
        "nato",
        "1999",
        "\u200b",
        "\x00",
        "🇺🇳",
        "arms-control",
        "\n",
    ]
)
queries = st.one_of(
    st.text(max_size=300),
    st.lists(slack_bits, max_size=30).map(" ".join),
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "So", "Mn")), max_size=200),
)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=queries)
def test_any_query_gives_a_reply_within_limits(answerer: Answerer, query: str) -> None:
    answer = answerer.answer(query)
    assert_within_slack_limits(Renderer(answerer.corpus).reply(answer))
    assert_within_slack_limits(Renderer(answerer.corpus).ephemeral(answer))


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "a" * 50_000,
        "kosovo " * 8000,
        "🙂" * 20_000,
        "\x00\x01\x02" * 1000,
        "<!channel> " * 5000,
        "list",
        "help",
        "1999",
    ],
)
def test_extreme_queries(answerer: Answerer, query: str) -> None:
    answer = answerer.answer(query)
    assert_within_slack_limits(Renderer(answerer.corpus).reply(answer))


def test_every_card_renders_within_limits(answerer: Answerer, corpus) -> None:
    for card in corpus.cards:
        answer = answerer.open(card.id)
        assert answer is not None
        assert_within_slack_limits(Renderer(answerer.corpus).reply(answer))
        assert_within_slack_limits(shared(corpus, card, "U123"))
