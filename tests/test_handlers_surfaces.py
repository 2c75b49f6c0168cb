"""The Home, search and message-shortcut listeners as plain functions, called with fakes for
ack/respond/client as tests/test_handlers.py does; the core behind them is real."""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.slack.views import CHANNEL_ACTION, CHANNEL_BLOCK, Meta, card_modal, search_modal
from handlers import commands, home, search, shortcuts
from tests.test_handlers import Recorder


def _refusal(method: str, error: str) -> SlackApiError:
    response = SlackResponse(
        client=None,
        http_verb="POST",
        api_url=method,
        req_args={},
        data={"ok": False, "error": error},
        headers={},
        status_code=200,
    )
    return SlackApiError(error, response)


class FakeClient:
    """The Web API methods these listeners call, recorded; `refuse` makes one fail as Slack
    would (method -> error code)."""

    def __init__(self, **refuse: str) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.refuse = refuse

    def _call(self, method: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((method, kwargs))
        if method in self.refuse:
            raise _refusal(method, self.refuse.pop(method))
        return {"ok": True}

    def of(self, method: str) -> list[dict[str, Any]]:
        return [kw for m, kw in self.calls if m == method]

    async def views_open(self, **kw: Any) -> dict[str, Any]:
        return self._call("views_open", kw)

    async def views_update(self, **kw: Any) -> dict[str, Any]:
        return self._call("views_update", kw)

    async def views_publish(self, **kw: Any) -> dict[str, Any]:
        return self._call("views_publish", kw)

    async def chat_postMessage(self, **kw: Any) -> dict[str, Any]:
        return self._call("chat_postMessage", kw)

    async def chat_postEphemeral(self, **kw: Any) -> dict[str, Any]:
        return self._call("chat_postEphemeral", kw)


@pytest.fixture
def kvm(corpus):
    return next(c for c in corpus.cards if "Kosovo Verification" in c.title)


def _submitted(view: dict[str, Any], channel: str | None, view_hash: str = "h1") -> dict:
    picked = {CHANNEL_ACTION: {"selected_conversation": channel}} if channel else {}
    return {**view, "id": "V1", "hash": view_hash, "state": {"values": {CHANNEL_BLOCK: picked}}}


# ---- Home ------------------------------------------------------------------------------------
async def test_home_opened_publishes_for_that_user_only_on_the_home_tab(context) -> None:
    client = FakeClient()
    await home.on_home_opened({"tab": "messages", "user": "U1"}, client, context)
    assert client.calls == []
    await home.on_home_opened({"tab": "home", "user": "U1"}, client, context)
    (published,) = client.of("views_publish")
    assert published["user_id"] == "U1" and published["view"]["type"] == "home"


async def test_home_page_button_republishes_and_ignores_a_forged_page(context) -> None:
    client = FakeClient()
    body = {"user": {"id": "U1"}}
    for value in ("1", "9" * 50, "-3", "x"):
        await home.on_home_page(Recorder(), {"value": value}, body, client, context)
    assert len(client.of("views_publish")) == 4  # each a valid view (page clamped or first)


# ---- search ----------------------------------------------------------------------------------
async def test_shortcut_and_home_button_open_the_search(context) -> None:
    client, ack = FakeClient(), Recorder()
    await search.on_search_shortcut(ack, {"trigger_id": "t1"}, client, context)
    await search.on_home_search(ack, {"trigger_id": "t2"}, client, context)
    assert ack.calls == [{}, {}]
    assert [kw["trigger_id"] for kw in client.of("views_open")] == ["t1", "t2"]


async def test_suggestions_ack_with_options_and_junk_with_none(context, kvm) -> None:
    ack = Recorder()
    await search.on_suggest(ack, {"value": "kosovo verif"}, context)
    await search.on_suggest(ack, {"value": "\x00" * 10}, context)
    await search.on_suggest(ack, {}, context)
    first, junk, missing = ack.calls
    assert first["options"][0]["value"] == kvm.id
    assert junk == missing == {"options": []}


async def test_pick_updates_the_modal_with_the_card_or_says_it_is_gone(context, kvm) -> None:
    client = FakeClient()
    view = {**search_modal("C0123"), "id": "V1", "hash": "h1"}
    action = {"selected_option": {"value": kvm.id}}
    await search.on_pick(Recorder(), action, {"view": view}, client, context)
    await search.on_pick(Recorder(), {"value": "no-such-card"}, {"view": view}, client, context)
    card_view, gone = client.of("views_update")
    assert card_view["hash"] == "h1" and card_view["view"]["submit"]["text"] == "Post to channel"
    assert Meta.load(card_view["view"]["private_metadata"]) == Meta("C0123", kvm.id)
    assert "no longer available" in json.dumps(gone["view"])


async def test_a_superseded_pick_is_dropped_quietly(context, kvm) -> None:
    client = FakeClient(views_update="hash_conflict")
    view = {**search_modal(), "id": "V1", "hash": "old"}
    action = {"selected_option": {"value": kvm.id}}
    await search.on_pick(Recorder(), action, {"view": view}, client, context)  # no raise


async def test_submit_posts_once_and_reports_where(context, corpus, kvm) -> None:
    client = FakeClient()
    view = _submitted(card_modal(corpus, kvm, (), None), "C0999")
    body = {"user": {"id": "U1"}}
    first, second = Recorder(), Recorder()
    await search.on_submit(first, body, view, client, context)
    await search.on_submit(second, body, view, client, context)  # a double click
    assert first.calls[0]["response_action"] == "update" and second.calls == [{}]
    (post,) = client.of("chat_postMessage")
    assert post["channel"] == "C0999" and "Shared by <@U1>" in json.dumps(post["blocks"])
    assert "<#C0999>" in json.dumps(client.of("views_update")[-1]["view"])


async def test_submit_without_a_channel_or_card_is_told_so(context, corpus, kvm) -> None:
    client, ack = FakeClient(), Recorder()
    await search.on_submit(
        ack, {}, _submitted(card_modal(corpus, kvm, (), None), None), client, context
    )
    assert ack.calls[0] == {
        "response_action": "errors",
        "errors": {CHANNEL_BLOCK: search.PICK_A_CHANNEL},
    }
    forged = _submitted(card_modal(corpus, kvm, (), None), "C1>|<!channel")
    await search.on_submit(ack, {}, forged, client, context)
    assert ack.calls[1]["response_action"] == "errors"
    await search.on_submit(ack, {}, _submitted(search_modal(), "C0999"), client, context)
    assert ack.calls[2]["response_action"] == "update"
    assert "no longer available" in json.dumps(ack.calls[2]["view"])
    assert client.of("chat_postMessage") == []


async def test_submit_refused_by_slack_shows_the_card_again_with_the_hint(
    context, corpus, kvm
) -> None:
    client = FakeClient(chat_postMessage="not_in_channel")
    view = _submitted(card_modal(corpus, kvm, (), None), "C0999")
    await search.on_submit(Recorder(), {"user": {"id": "U1"}}, view, client, context)
    retry = client.of("views_update")[-1]["view"]
    assert "/invite @osce" in json.dumps(retry) and retry["submit"]


# ---- /osce with no text ----------------------------------------------------------------------
async def test_bare_osce_opens_the_search_in_the_channel_it_was_typed_in(context) -> None:
    client, respond = FakeClient(), Recorder()
    command = {"text": "  ", "channel_id": "C0123", "user_id": "U1", "trigger_id": "t9"}
    await commands.on_osce(Recorder(), command, respond, client, context)
    (opened,) = client.of("views_open")
    assert Meta.load(opened["view"]["private_metadata"]).channel == "C0123"
    assert respond.calls == []


async def test_bare_osce_falls_back_to_help_when_slack_refuses_the_modal(context) -> None:
    client, respond = FakeClient(views_open="expired_trigger_id"), Recorder()
    command = {"text": "", "channel_id": "C1", "user_id": "U1", "trigger_id": "t9"}
    await commands.on_osce(Recorder(), command, respond, client, context)
    assert "/osce" in respond.calls[0]["text"]


async def test_osce_help_is_still_help(context) -> None:
    client, respond = FakeClient(), Recorder()
    command = {"text": "help", "channel_id": "C1", "user_id": "U1", "trigger_id": "t9"}
    ack = Recorder()
    await commands.on_osce(ack, command, respond, client, context)
    assert client.of("views_open") == [] and "/osce" in ack.calls[0]["text"]


# ---- the message shortcut --------------------------------------------------------------------
def _shortcut(text: str | None, **message: str) -> dict[str, Any]:
    msg: dict[str, Any] = {"ts": "5.2", **message}
    if text is not None:
        msg["text"] = text
    return {"channel": {"id": "C1"}, "user": {"id": "U1"}, "message": msg}


async def test_message_shortcut_answers_ephemerally_in_the_thread(context, kvm) -> None:
    client, respond = FakeClient(), Recorder()
    shortcut = _shortcut("<!channel> kosovo verification mission?", thread_ts="5.0")
    await shortcuts.on_ask_message(Recorder(), shortcut, client, respond, context)
    (reply,) = client.of("chat_postEphemeral")
    assert reply["user"] == "U1" and reply["channel"] == "C1" and reply["thread_ts"] == "5.0"
    assert kvm.title in reply["text"] and "<!channel>" not in json.dumps(reply)


async def test_message_shortcut_gives_suggestions_or_no_card_like_osce(context) -> None:
    client = FakeClient()
    await shortcuts.on_ask_message(Recorder(), _shortcut("zzqx blorf"), client, Recorder(), context)
    (reply,) = client.of("chat_postEphemeral")
    assert "no card" in reply["text"] and "thread_ts" not in reply


@pytest.mark.parametrize("text", [None, "", "<@U123>"])
async def test_message_shortcut_on_no_text_says_so(context, text: str | None) -> None:
    client = FakeClient()
    await shortcuts.on_ask_message(Recorder(), _shortcut(text), client, Recorder(), context)
    assert client.of("chat_postEphemeral")[0]["text"] == shortcuts.NO_TEXT


async def test_message_shortcut_where_the_bot_is_not_falls_back_to_the_response_url(
    context, kvm
) -> None:
    client, respond = FakeClient(chat_postEphemeral="channel_not_found"), Recorder()
    shortcut = _shortcut("kosovo verification mission")
    await shortcuts.on_ask_message(Recorder(), shortcut, client, respond, context)
    assert (
        respond.calls[0]["response_type"] == "ephemeral" and kvm.title in respond.calls[0]["text"]
    )


async def test_hand_made_payloads_get_clear_replies_not_tracebacks(context, corpus, kvm) -> None:
    client, ack = FakeClient(), Recorder()
    view = {**card_modal(corpus, kvm, (), None), "id": "V1", "hash": "h1"}
    await search.on_submit(ack, {}, {**view, "state": "not a mapping"}, client, context)
    assert ack.calls[0]["response_action"] == "errors"
    cleared = {"selected_option": None}  # a select emptied by the person
    await search.on_pick(Recorder(), cleared, {"view": view}, client, context)
    assert "no longer available" in json.dumps(client.of("views_update")[0]["view"])
