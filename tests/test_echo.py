"""Issue 14 item 1: what a person typed comes back inert: no link, no ping, no formatting.

Slack auto-links bare URLs and parses mentions in an `mrkdwn` object unless it is
`verbatim`, and mrkdwn has no escape for `*_~` and backticks; so every echo must sit in a
verbatim object and carry no live markup. Checked over arbitrary text and the red team's
strings, on the reply the renderer really builds.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.answers import Answerer
from bot.matching.text import readable
from bot.slack.blocks import Renderer, suggestions_reply
from bot.slack.text import WORD_JOINER, echo

RED_TEAM = [
    "https://evil.example/login banana",
    "<https://evil.example/login> banana",
    "<https://evil.example/login|click here> banana",
    "＠here banana",
    "﹫channel everyone banana",
    "@everyone banana",
    "*bold* _it_ `code` ~strike~ ```block``` banana",
    "R&amp;D &lt;script&gt; banana",
    "mailto:a@b.example banana",
    "<!here|here> <@U123> <#C1|general> banana",
    "> quoted\nline banana",
]
FORMATTING = set("*_~`")
BROADCAST = re.compile(r"@(here|channel|everyone)", re.IGNORECASE)


def _inert(text: str) -> None:
    """No Slack control character, no formatting, no broadcast even after NFKC, no URL scheme."""
    assert "<" not in text and ">" not in text
    assert not re.search(r"&(?!amp;|lt;|gt;)", text), text
    assert not FORMATTING & set(text), text
    assert not BROADCAST.search(unicodedata.normalize("NFKC", text)), text
    assert "://" not in text


def _visible(text: str) -> str:
    """What a reader sees: entities decoded, look-alikes mapped back, joiners invisible."""
    back = str.maketrans({"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`"})
    text = text.replace(WORD_JOINER, "").translate(back)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=200))
def test_echo_is_inert_and_loses_nothing(text: str) -> None:
    out = echo(text)
    _inert(out)
    plain = text.translate(
        str.maketrans({"\u2217": "*", "\u02cd": "_", "\u223c": "~", "\u02cb": "`"})
    )
    assert _visible(out) == plain.replace(WORD_JOINER, "")


@pytest.mark.parametrize("query", RED_TEAM)
def test_red_team_queries_are_echoed_verbatim_and_inert(corpus, query: str) -> None:
    answer = Answerer(corpus).answer(query)
    assert answer.kind in ("none", "suggestions")
    reply = Renderer(corpus).reply(answer)
    lead = reply.blocks[0]["text"]
    assert lead["type"] == "mrkdwn" and lead["verbatim"] is True
    said = re.search(r"“(.*)”", lead["text"]).group(1)  # type: ignore[union-attr]
    _inert(said)
    assert "banana" in said
    assert said in reply.text  # the notification fallback carries the same inert echo


def test_slack_entities_are_decoded_once() -> None:
    _text, blocks = suggestions_reply("R&amp;D &lt;b&gt;", (), confident_none=True)
    shown = blocks[0]["text"]["text"]
    assert "“R&amp;D &lt;b&gt;”" in shown  # Slack shows R&D <b>, not R&amp;D
    assert "&amp;amp;" not in shown


def test_full_width_at_is_not_folded_into_a_broadcast() -> None:
    assert readable("＠here banana") == "＠here banana"
    assert "@here" not in unicodedata.normalize("NFKC", echo(readable("＠here banana")))


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.sampled_from(RED_TEAM + ["kosovo", "nato", "&", "\u200b", "@"]), max_size=8).map(
        " ".join
    )
    | st.text(max_size=150)
)
def test_any_suggestion_reply_echoes_inertly(corpus, query: str) -> None:
    answer = Answerer(corpus).answer(query)
    if answer.kind not in ("none", "suggestions"):
        return
    lead = Renderer(corpus).reply(answer).blocks[0]["text"]
    assert lead["verbatim"] is True
    _inert(re.search(r"“(.*)”", lead["text"], re.S).group(1))  # type: ignore[union-attr]
