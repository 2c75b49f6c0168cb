"""The listeners as plain functions, called with fakes for ack/respond/client, as Bolt's
starter template tests them. The core behind them is real (cards, matcher, SQLite store)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.slack.blocks import SHARE_ACTION
from handlers import actions, commands, events
from handlers.common import guarded


class Recorder:
    """An async callable that records its keyword arguments (ack, respond)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    async def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)


class FakeClient:
    """chat.postMessage recorded, or refused with `error` as Slack would."""

    def __init__(self, error: str | None = None) -> None:
        self.posts: list[dict[str, Any]] = []
        self.error = error

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        if self.error:
            response = SlackResponse(
                client=None,
                http_verb="POST",
                api_url="chat.postMessage",
                req_args={},
                data={"ok": False, "error": self.error},
                headers={},
                status_code=200,
            )
            raise SlackApiError(self.error, response)
        self.posts.append(kwargs)
        return {"ok": True, "ts": "1.2"}


def acked(ack: Recorder) -> dict[str, Any]:
    """The one ack's response: the answer is sent as the whole JSON body (`ack(text=json_text)`)."""
    (call,) = ack.calls
    assert list(call) == ["text"], call
    return json.loads(call["text"])


def _command(text: str) -> dict[str, Any]:
    return {"text": text, "channel_id": "C1", "user_id": "U1"}


async def test_osce_answers_in_the_ack_with_a_share_button(context) -> None:
    ack, respond = Recorder(), Recorder()
    await commands.on_osce(ack, _command("kfor"), respond, FakeClient(), context)
    assert respond.calls == []  # nothing later: the answer rode in the ack
    reply = acked(ack)
    assert reply["response_type"] == "ephemeral" and "KFOR" in reply["text"]
    buttons = [
        e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert SHARE_ACTION in buttons


@pytest.mark.parametrize("text", ["today", "1999", "list", "help", "zzqx <!channel>"])
async def test_every_answer_rides_in_the_ack(context, text: str) -> None:
    ack, respond = Recorder(), Recorder()
    await commands.on_osce(ack, _command(text), respond, FakeClient(), context)
    reply = acked(ack)
    assert respond.calls == [] and reply["response_type"] == "ephemeral" and reply["text"]
    assert "<!channel>" not in str(reply)


async def test_bad_time_is_a_clear_error_in_the_ack(context, store) -> None:
    ack, respond, client = Recorder(), Recorder(), FakeClient()
    await commands.on_osce(ack, _command("subscribe 25:99"), respond, client, context)
    assert ack.calls == [{"text": commands.BAD_TIME, "response_type": "ephemeral"}]
    assert respond.calls == [] and client.posts == [] and store.subscriptions() == []


async def test_subscribe_acks_first_and_answers_later(context) -> None:
    """The ack must not wait for the Web API: it is empty, the result comes by respond."""
    order: list[str] = []

    async def ack(**kwargs: Any) -> None:
        order.append(f"ack{kwargs}")

    class Client(FakeClient):
        async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
            order.append("post")
            return await super().chat_postMessage(**kwargs)

    respond = Recorder()
    await commands.on_osce(ack, _command("subscribe 08:30"), respond, Client(), context)
    assert order == ["ack{}", "post"]
    assert "08:30" in respond.calls[0]["text"]


async def test_a_failure_before_the_ack_still_acks_with_a_message(context) -> None:
    class Broken:
        def command(self, text: str) -> None:
            raise RuntimeError("matcher bug")

    services = context["services"]
    context["services"] = dataclasses.replace(services, answerer=Broken())
    ack, respond = Recorder(), Recorder()
    await commands.on_osce(ack, _command("kfor"), respond, FakeClient(), context)
    assert ack.calls == [{"text": commands.FAILED, "response_type": "ephemeral"}]
    assert respond.calls == []


async def test_subscribe_refused_by_slack_explains_and_stores_nothing(context, store) -> None:
    respond = Recorder()
    client = FakeClient(error="not_in_channel")
    await commands.on_osce(Recorder(), _command("subscribe 08:30"), respond, client, context)
    assert "/invite @osce" in respond.calls[0]["text"]
    assert store.subscriptions() == []


async def test_subscribe_then_unsubscribe(context, store) -> None:
    client, respond = FakeClient(), Recorder()
    await commands.on_osce(Recorder(), _command("subscribe 08:30"), respond, client, context)
    assert "08:30" in client.posts[0]["text"] and store.subscription("C1") is not None
    await commands.on_osce(Recorder(), _command("unsubscribe"), respond, client, context)
    assert respond.calls[-1]["text"].startswith("Unsubscribed") and store.subscriptions() == []


async def test_share_posts_visibly_and_removes_the_ephemeral(context) -> None:
    client, respond = FakeClient(), Recorder()
    action = {"value": "nato-osce-kfor"}
    await actions.on_share(Recorder(), action, respond, client, context)
    assert client.posts[0]["channel"] == "C1" and "<@U1>" in client.posts[0]["text"]
    assert respond.calls == [{"delete_original": True}]


async def test_open_of_an_unknown_card_says_so(context) -> None:
    respond = Recorder()
    await actions.on_open(Recorder(), {"value": "no-such-card"}, {}, respond, context)
    assert respond.calls[0]["text"] == actions.GONE


async def test_mention_answers_in_its_thread_once(context) -> None:
    client = FakeClient()
    event = {
        "type": "app_mention",
        "text": "<@UBOT> kfor",
        "user": "U2",
        "channel": "C1",
        "ts": "5.0",
    }
    body = {"event_id": "Ev1", "event": event}
    await events.on_mention(event, body, client, context)
    await events.on_mention(event, body, client, context)  # Slack's retry of the same event
    assert len(client.posts) == 1
    assert client.posts[0]["thread_ts"] == "5.0" and "KFOR" in client.posts[0]["text"]


async def test_a_bots_message_gets_no_answer(context) -> None:
    client = FakeClient()
    event = {"text": "kfor", "bot_id": "B1", "channel": "D1", "channel_type": "im", "ts": "1"}
    await events.on_message(event, {"event_id": "Ev2"}, client, context)
    assert client.posts == []


async def test_a_subcommand_typo_is_answered_with_did_you_mean(context, store) -> None:
    ack, respond = Recorder(), Recorder()
    await commands.on_osce(ack, _command("subscrbe 09:00"), respond, FakeClient(), context)
    assert ack.calls[0]["text"] == "Did you mean `/osce subscribe 09:00`?"
    assert store.subscriptions() == []


async def test_guarded_listener_failure_is_told_and_never_raised(context) -> None:
    """Issue 14 item 4: an exception after the ack must not reach Bolt (it would answer
    Slack 404) and the person hears about it, with the code."""
    respond = Recorder()
    context["respond"] = respond

    async def broken(ack: Any, context: AsyncBoltContext) -> None:
        await ack()
        raise RuntimeError("database went away")

    ack = Recorder()
    await guarded("command", broken)(ack=ack, context=context)
    assert ack.calls == [{}]
    (told,) = respond.calls
    assert told["response_type"] == "ephemeral" and "(RuntimeError)" in told["text"]


async def test_replayed_command_is_answered_once(context) -> None:
    acks = [Recorder(), Recorder(), Recorder()]
    command = {**_command("kfor"), "trigger_id": "1.2.3", "response_url": "https://r/1"}
    await commands.on_osce(acks[0], command, Recorder(), FakeClient(), context)
    await commands.on_osce(acks[1], command, Recorder(), FakeClient(), context)
    assert "KFOR" in acked(acks[0])["text"]
    assert acks[1].calls == [{}]  # the replay is acked, never answered
    other = {**command, "trigger_id": "4.5.6", "response_url": "https://r/2"}
    await commands.on_osce(acks[2], other, Recorder(), FakeClient(), context)
    assert "KFOR" in acked(acks[2])["text"]


async def test_share_refused_for_an_unlisted_reason_says_so(context) -> None:
    respond = Recorder()
    await actions.on_share(
        Recorder(), {"value": "nato-osce-kfor"}, respond, FakeClient("missing_scope"), context
    )
    assert "(missing_scope)" in respond.calls[0]["text"]


def _replica(context, store, *, logging_on: bool = True) -> AsyncBoltContext:
    """Another replica's context: its own Services (and writer) on the same database."""
    from bot.answers import Answerer
    from bot.config import Settings
    from bot.services import Services
    from bot.state import QueryLog

    services = context["services"]
    queries = QueryLog(store, days=30) if logging_on else None
    ctx = AsyncBoltContext(dict(context))
    ctx["services"] = Services(
        Settings(), services.corpus, Answerer(services.corpus), store, queries
    )
    return ctx


async def test_a_replay_on_another_replica_is_logged_once_and_causes_nothing(
    context, store
) -> None:
    from sqlalchemy import text as sql

    a, b = _replica(context, store), _replica(context, store)
    command = {**_command("kfor"), "trigger_id": "7.7.7", "response_url": "https://r/7"}
    for ctx in (a, b):
        ack = Recorder()
        await commands.on_osce(ack, command, Recorder(), FakeClient(), ctx)
        assert "KFOR" in acked(ack)["text"]  # an ack returns to the sender, never into Slack
    for ctx in (a, b):
        await ctx["services"].writer.close()
    with store.engine.begin() as conn:
        assert conn.execute(sql("SELECT count(*) FROM osce_queries")).scalar() == 1
    # a subscription replayed on the other replica posts and subscribes once
    sub = {**_command("subscribe 08:30"), "trigger_id": "8.8.8", "response_url": "https://r/8"}
    clients = [FakeClient(), FakeClient()]
    for ctx, client in zip((a, b), clients, strict=True):
        await commands.on_osce(Recorder(), sub, Recorder(), client, ctx)
    assert [len(c.posts) for c in clients] == [1, 0]


async def test_a_database_failing_after_the_answer_tells_the_person_nothing_more(
    context, store
) -> None:
    from sqlalchemy import text as sql

    ctx = _replica(context, store)
    with store.engine.begin() as conn:  # a real fault: the claims' table is gone
        conn.execute(sql("ALTER TABLE osce_seen_events RENAME TO gone"))
    ack, respond = Recorder(), Recorder()
    command = {**_command("kfor"), "trigger_id": "9.9.9", "response_url": "https://r/9"}
    await guarded("command", commands.on_osce)(
        ack=ack, command=command, respond=respond, client=FakeClient(), context=ctx
    )
    assert "KFOR" in acked(ack)["text"] and respond.calls == []
    # and a command whose effects need the claim is told it failed, in the ack
    ack = Recorder()
    sub = {**_command("unsubscribe"), "trigger_id": "9.9.10", "response_url": "https://r/10"}
    await commands.on_osce(ack, sub, Recorder(), FakeClient(), ctx)
    assert ack.calls == [{"text": commands.FAILED, "response_type": "ephemeral"}]
