"""The Home tab and the modals as Block Kit: within Slack's limits for the real cards and for
1,000, every card reachable, nothing a card or a user wrote turned into markup."""

from __future__ import annotations

import datetime as dt
import json

from bot.answers import Answer
from bot.daily.schedule import Subscription
from bot.slack.blocks import Renderer
from bot.slack.text import escape
from bot.slack.views import (
    CHANNEL_BLOCK,
    HOME_PAGE_ACTION,
    MAX_VIEW_BLOCKS,
    OPEN_ACTION,
    VIEW_CARD_ACTION,
    Meta,
    card_modal,
    home_view,
    options,
    search_modal,
    timeline,
)
from tests.synthetic import synthetic_corpus

SUBS = [
    Subscription("C0123ABC", dt.time(9, 0), "Europe/Vienna"),
    Subscription("#general", dt.time(17, 30), "UTC"),  # DAILY_CHANNEL given as a name
]


def _buttons(view: dict) -> dict[str, str]:
    return {
        e["action_id"]: e.get("value", "")
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    }


def test_home_lists_every_real_card_on_one_page(corpus) -> None:
    view = home_view(corpus, SUBS)
    text = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home" and len(view["blocks"]) <= MAX_VIEW_BLOCKS
    for card in corpus.cards:
        assert escape(card.title) in text and corpus.url_of(card) in text
    assert "<#C0123ABC> at 09:00 (Europe/Vienna)" in text
    assert "#general at 17:30" in text  # not a channel id: plain text, never a link
    assert HOME_PAGE_ACTION not in _buttons(view)  # no paging needed


def test_home_says_when_no_channel_is_subscribed(corpus) -> None:
    assert "/osce subscribe" in json.dumps(home_view(corpus, []))


def test_home_groups_by_organisation_then_topic(corpus) -> None:
    text = json.dumps(home_view(corpus, []), ensure_ascii=False)
    assert text.index("OSCE and the United Nations") < text.index("*OSCE and NATO*")


def test_timeline_is_newest_first(corpus) -> None:
    keys = [(e.year, e.month or 0, e.day or 0) for _, e in timeline(corpus)]
    assert keys == sorted(keys, reverse=True) and len(keys) == sum(
        len(c.dates) for c in corpus.cards
    )


def test_a_thousand_cards_page_within_100_blocks_and_every_card_is_reachable() -> None:
    big = synthetic_corpus(1000)
    seen: set[str] = set()
    page, pages = 0, 0
    while True:
        view = home_view(big, SUBS * 40, page)  # 80 subscriptions too
        pages += 1
        assert len(view["blocks"]) <= MAX_VIEW_BLOCKS
        assert all(len(b["text"]["text"]) <= 3000 for b in view["blocks"] if b["type"] == "section")
        text = json.dumps(view, ensure_ascii=False)
        assert "<with>" not in text  # an event's text is escaped, never markup
        seen |= {c.id for c in big.cards if big.url_of(c) in text}
        more = _buttons(view).get(HOME_PAGE_ACTION)
        if more is None:
            break
        page = int(more)
    assert seen == {c.id for c in big.cards}
    assert pages == 20  # 50 cards a page
    last = home_view(big, SUBS, 10_000)  # a page past the end shows the last one
    assert f"{HOME_PAGE_ACTION}:first" in _buttons(last)


def test_options_fit_slack() -> None:
    big = synthetic_corpus(300)
    opts = options(big.cards)
    assert len(opts) == 100
    assert all(len(o["text"]["text"]) <= 75 and o["value"] for o in opts)


def test_card_modal_shows_the_card_as_answered_and_a_channel_picker(corpus) -> None:
    card = next(c for c in corpus.cards if c.related)
    blocks = Renderer(corpus).reply(Answer(card.id, "card", card)).blocks
    view = card_modal(corpus, card, blocks, "C0123ABC")
    text = json.dumps(view, ensure_ascii=False)
    assert len(view["blocks"]) <= MAX_VIEW_BLOCKS and corpus.url_of(card) in text
    picker = next(b for b in view["blocks"] if b.get("block_id") == CHANNEL_BLOCK)
    assert picker["element"]["initial_conversation"] == "C0123ABC"
    # related cards open in the modal, not as message buttons (a modal has no response_url)
    ids = _buttons(view)
    assert any(a.startswith(VIEW_CARD_ACTION) for a in ids)
    assert not any(a.startswith(OPEN_ACTION) for a in ids)
    assert Meta.load(view["private_metadata"]) == Meta("C0123ABC", card.id)


def test_without_a_known_channel_the_picker_defaults_to_the_current_one(corpus) -> None:
    card = corpus.cards[0]
    view = card_modal(corpus, card, (), None)
    picker = next(b for b in view["blocks"] if b.get("block_id") == CHANNEL_BLOCK)
    assert picker["element"]["default_to_current_conversation"] is True


def test_metadata_that_is_not_ours_reads_as_empty() -> None:
    for raw in (None, "", "{", "[1]", '{"channel": "<!channel>", "card": 5}', "x" * 5000):
        assert Meta.load(raw) == Meta()
    assert Meta.load(search_modal("C1")["private_metadata"]) == Meta()  # "C1": too short an id
    assert Meta.load(search_modal("C0123")["private_metadata"]).channel == "C0123"


def test_home_says_which_subscriptions_are_paused_and_how_to_resume(corpus) -> None:
    """Issue 14 item 8: a paused channel is said where a person looks, not only in the log."""
    paused = Subscription("C9", dt.time(9, 0), "Europe/Vienna", paused="not_in_channel")
    view = json.dumps(home_view(corpus, [paused, *SUBS]))
    assert "*paused*: not_in_channel" in view and "/osce subscribe" in view
    assert view.count("*paused*") == 1
