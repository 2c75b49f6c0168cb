"""The Home tab, the search modal and the message shortcut end to end: signed requests to
`python -m bot serve`, Slack's side played by the fake Web API (which records every call)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from bot.answers import Answerer
from bot.slack.text import escape
from bot.slack.views import CHANNEL_ACTION, CHANNEL_BLOCK, PICK_ACTION, PICK_BLOCK, SEARCH_VIEW
from handlers.search import SEARCH_SHORTCUT
from handlers.shortcuts import ASK_MESSAGE, NO_TEXT
from tests.fakeslack import FakeSlack
from tests.slack_signing import (
    FORM,
    JSON,
    Server,
    event_body,
    interactive_body,
    slash_body,
    suggestion_body,
)
from tests.test_app_http import post, uid

pytestmark = pytest.mark.slow

USER = {"id": "U777", "username": "ann", "team_id": "T1"}


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


def wait_calls(fake: FakeSlack, method: str, match: dict[str, Any], count: int = 1) -> list:
    """Calls to `method` whose params include `match`, once `count` of them arrived."""

    def found() -> list:
        return [
            c for c in fake.calls_to(method) if all(c.params.get(k) == v for k, v in match.items())
        ]

    for _ in range(500):
        if len(found()) >= count:
            return found()
        time.sleep(0.02)
    raise AssertionError(f"expected {count} {method} with {match}, got {fake.calls_to(method)}")


def dumped(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def view_payload(view: dict[str, Any], view_id: str, view_hash: str, **state: Any) -> dict:
    """A view as Slack sends it back: what the bot published plus Slack's id, hash and state."""
    return {**view, "id": view_id, "hash": view_hash, "state": {"values": state}}


def submission(view: dict[str, Any], view_id: str, view_hash: str, channel: str) -> str:
    picked = {CHANNEL_ACTION: {"type": "conversations_select", "selected_conversation": channel}}
    return interactive_body(
        {
            "type": "view_submission",
            "user": USER,
            "trigger_id": "9.9.9",
            "view": view_payload(view, view_id, view_hash, **{CHANNEL_BLOCK: picked}),
        }
    )


@pytest.fixture(scope="module")
def kvm(corpus):
    card = Answerer(corpus).answer("kosovo verification mission").card
    assert card is not None
    return card


async def test_opening_home_publishes_every_card_and_the_timeline(
    server: Server, fake: FakeSlack, corpus
) -> None:
    user = uid("UHOME")
    event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
    status, _, _ = await post(server.url, event_body(event, event_id=uid("EvHome")), JSON)
    assert status == 200
    (call,) = await asyncio.to_thread(wait_calls, fake, "views.publish", {"user_id": user})
    view = call.params["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = dumped(view["blocks"])
    for card in corpus.cards:
        assert escape(card.title) in text and corpus.url_of(card) in text
    newest = max((e for c in corpus.cards for e in c.dates), key=lambda e: e.date)
    assert newest.display() in text
    assert "osce_home_search" in text  # the "Search cards" button


async def test_shortcut_suggest_pick_and_post_once(
    server: Server, fake: FakeSlack, corpus, kvm
) -> None:
    trigger = uid("trig")
    body = interactive_body(
        {"type": "shortcut", "callback_id": SEARCH_SHORTCUT, "trigger_id": trigger, "user": USER}
    )
    status, _, _ = await post(server.url, body, FORM)
    assert status == 200
    (opened,) = await asyncio.to_thread(wait_calls, fake, "views.open", {"trigger_id": trigger})
    modal = opened.params["view"]
    assert modal["callback_id"] == SEARCH_VIEW
    assert PICK_ACTION in dumped(modal["blocks"])

    # type-ahead: a prefix of the title, as the person types it
    status, text, _ = await post(server.url, suggestion_body(kvm.title[:9]), FORM)
    assert status == 200  # latency is measured in bench/bench_suggest.py, not asserted
    offered = json.loads(text)["options"]
    assert kvm.id in [o["value"] for o in offered]
    assert len(offered) <= 100 and all(len(o["text"]["text"]) <= 75 for o in offered)

    # picking it: the modal shows the card and the conversation picker
    view_id, picked = uid("V"), uid("h")
    pick = interactive_body(
        {
            "type": "block_actions",
            "user": USER,
            "trigger_id": uid("t"),
            "container": {"type": "view", "view_id": view_id},
            "view": view_payload(modal, view_id, picked),
            "actions": [
                {
                    "type": "external_select",
                    "action_id": PICK_ACTION,
                    "block_id": PICK_BLOCK,
                    "selected_option": {
                        "value": kvm.id,
                        "text": {"type": "plain_text", "text": "x"},
                    },
                    "action_ts": "1.0",
                }
            ],
        }
    )
    status, _, _ = await post(server.url, pick, FORM)
    assert status == 200
    (updated,) = await asyncio.to_thread(wait_calls, fake, "views.update", {"view_id": view_id})
    assert updated.params["hash"] == picked  # Slack refuses it if the view changed meanwhile
    card_view = updated.params["view"]
    assert corpus.url_of(kvm) in dumped(card_view["blocks"])
    assert card_view["submit"]["text"] == "Post to channel"
    assert "conversations_select" in dumped(card_view["blocks"])

    # "Post to channel", clicked twice: one post, "Shared by"
    channel = uid("CPOST")
    once = submission(card_view, view_id, uid("h"), channel)
    results = await asyncio.gather(post(server.url, once, FORM), post(server.url, once, FORM))
    assert [r[0] for r in results] == [200, 200]
    actions = sorted(json.loads(r[1]).get("response_action", "") if r[1] else "" for r in results)
    assert actions == ["", "update"]  # the second click changes nothing
    (posted,) = await asyncio.to_thread(wait_calls, fake, "chat.postMessage", {"channel": channel})
    assert "Shared by <@U777>" in dumped(posted.params["blocks"])
    assert corpus.url_of(kvm) in dumped(posted.params["blocks"])
    done = await asyncio.to_thread(wait_calls, fake, "views.update", {"view_id": view_id}, 2)
    assert f"<#{channel}>" in dumped(done[-1].params["view"])
    await asyncio.sleep(0.5)
    assert (
        len([c for c in fake.calls_to("chat.postMessage") if c.params["channel"] == channel]) == 1
    )


async def test_post_where_the_bot_cannot_says_so_and_allows_another_try(
    server: Server, fake: FakeSlack, corpus, kvm
) -> None:
    from bot.slack.views import Meta, card_modal

    view_id, channel = uid("V"), uid("CPRIV")
    card_view = card_modal(corpus, kvm, (), None) | {"private_metadata": Meta(card=kvm.id).dump()}
    fake.fail_next("chat.postMessage", error="not_in_channel")
    status, _, _ = await post(server.url, submission(card_view, view_id, uid("h"), channel), FORM)
    assert status == 200
    updates = await asyncio.to_thread(wait_calls, fake, "views.update", {"view_id": view_id})
    assert "/invite @osce" in dumped(updates[-1].params["view"])
    assert updates[-1].params["view"]["submit"]  # the card again, ready for a new try
    # after /invite, the same person submits the updated view (Slack gave it a new hash)
    status, _, _ = await post(server.url, submission(card_view, view_id, uid("h"), channel), FORM)
    assert status == 200
    await asyncio.to_thread(wait_calls, fake, "chat.postMessage", {"channel": channel}, 2)


async def test_tampered_suggestions_get_no_options(server: Server) -> None:
    for value in ("x" * 100_000, "kos\x00ovo\x1b[2J", "", "!!", "zzqxv"):
        status, text, _ = await post(server.url, suggestion_body(value), FORM)
        assert status == 200 and json.loads(text) == {"options": []}, value[:20]


async def test_submission_for_an_unknown_card_says_so(server: Server) -> None:
    view = {
        "type": "modal",
        "callback_id": SEARCH_VIEW,
        "private_metadata": json.dumps({"card": "no-such-card", "channel": None}),
    }
    status, text, _ = await post(server.url, submission(view, uid("V"), "h1", "C1"), FORM)
    assert status == 200
    answer = json.loads(text)
    assert answer["response_action"] == "update"
    assert "no longer available" in dumped(answer["view"])


async def test_bare_osce_opens_the_search_and_help_still_helps(
    server: Server, fake: FakeSlack
) -> None:
    body = slash_body("", fake.response_url(uid("r")))
    status, _, _ = await post(server.url, body, FORM)
    assert status == 200
    (opened,) = await asyncio.to_thread(wait_calls, fake, "views.open", {"trigger_id": "1.2.3"})
    assert opened.params["view"]["callback_id"] == SEARCH_VIEW


def shortcut_on(message: dict[str, Any], channel: str, name: str, fake: FakeSlack) -> str:
    return interactive_body(
        {
            "type": "message_action",
            "callback_id": ASK_MESSAGE,
            "trigger_id": uid("t"),
            "user": USER,
            "channel": {"id": channel, "name": "general"},
            "message": {"type": "message", "user": "U2", **message},
            "message_ts": message["ts"],
            "response_url": fake.response_url(name),
        }
    )


async def test_message_shortcut_answers_only_the_asker_in_the_thread(
    server: Server, fake: FakeSlack, corpus, kvm
) -> None:
    channel = uid("CASK")
    message = {"text": "what was the kosovo verification mission?", "ts": "5.2", "thread_ts": "5.0"}
    status, _, _ = await post(server.url, shortcut_on(message, channel, uid("r"), fake), FORM)
    assert status == 200
    (reply,) = await asyncio.to_thread(wait_calls, fake, "chat.postEphemeral", {"channel": channel})
    assert reply.params["user"] == "U777" and reply.params["thread_ts"] == "5.0"
    assert corpus.url_of(kvm) in dumped(reply.params["blocks"])
    assert not [c for c in fake.calls_to("chat.postMessage") if c.params["channel"] == channel]


async def test_message_shortcut_on_a_message_without_text(server: Server, fake: FakeSlack) -> None:
    channel = uid("CASK")
    message = {"text": "", "ts": "6.0", "files": [{"id": "F1"}]}
    status, _, _ = await post(server.url, shortcut_on(message, channel, uid("r"), fake), FORM)
    assert status == 200
    (reply,) = await asyncio.to_thread(wait_calls, fake, "chat.postEphemeral", {"channel": channel})
    assert reply.params["text"] == NO_TEXT and "thread_ts" not in reply.params
