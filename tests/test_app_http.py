"""End to end over HTTP: `python -m bot serve` in a subprocess, requests signed as Slack signs
them, replies checked where they land (the fake Web API and the fake response URLs)."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.answers import Answerer
from bot.config import Settings
from bot.daily.calendar import post_for
from bot.daily.schedule import today_in
from bot.slack.blocks import OPEN_ACTION, SHARE_ACTION
from bot.slack.daily_blocks import render as render_daily
from bot.state import Store
from tests.fakeslack import FakeSlack
from tests.slack_signing import (
    FORM,
    JSON,
    ROOT,
    SECRET,
    Server,
    action_body,
    bot_env,
    event_body,
    sign,
    slash_body,
)

pytestmark = pytest.mark.slow

_ids = itertools.count(1)


def uid(prefix: str) -> str:
    """Unique names per test so tests sharing one server never read each other's calls."""
    return f"{prefix}{next(_ids):04d}"


@pytest.fixture(scope="module")
def shared_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'osce.sqlite3'}"


@pytest.fixture(scope="module")
def server(
    fake: FakeSlack, shared_db: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    srv = Server(fake.url, shared_db, tmp_path_factory.mktemp("logs") / "server.log").start()
    yield srv
    assert srv.stop() == 0, srv.logs()  # graceful shutdown on SIGTERM


async def post(
    url: str, body: str, ctype: str, *, headers: dict[str, str] | None = None
) -> tuple[int, str, float]:
    """POST a body signed now (unless headers are given); returns status, text, seconds."""
    hdrs = {"Content-Type": ctype, **(headers if headers is not None else sign(body))}
    started = time.perf_counter()
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/slack/events", data=body.encode(), headers=hdrs) as resp,
    ):
        return resp.status, await resp.text(), time.perf_counter() - started


def ack_reply(status: int, body: str) -> dict:
    """The slash command's answer, from the HTTP ack itself (Slack shows it at once)."""
    assert status == 200, body
    reply = json.loads(body)
    assert reply["response_type"] == "ephemeral", reply
    return reply


def wait_response(fake: FakeSlack, name: str, count: int = 1, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = [c for c in fake.response_urls if c.method == name]
        if len(got) >= count:
            return got
        time.sleep(0.02)
    raise AssertionError(f"no POST to response URL {name}")


def posts_in(fake: FakeSlack, channel: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel]


def wait_posts(fake: FakeSlack, channel: str, count: int = 1, timeout: float = 10.0) -> list:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = posts_in(fake, channel)
        if len(got) >= count:
            return got
        time.sleep(0.02)
    raise AssertionError(
        f"expected {count} chat.postMessage to {channel}, got {posts_in(fake, channel)}"
    )


def button_ids(blocks: list[dict]) -> list[tuple[str, str]]:
    return [
        (e["action_id"], e.get("value", ""))
        for b in blocks
        if b.get("type") == "actions"
        for e in b["elements"]
    ]


@pytest.fixture(scope="module")
def card_query(corpus):
    """A query the core answers with a card, and that card."""
    answer = Answerer(corpus).answer("cfe treaty")
    assert answer.kind == "card"
    return "cfe treaty", answer.card


def mention(channel: str, ts: str, text: str, **extra: str) -> dict:
    return {
        "type": "app_mention",
        "user": "U222",
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        **extra,
    }


# ---- basics -------------------------------------------------------------------------------


async def test_healthz(server: Server, corpus) -> None:
    async with aiohttp.ClientSession() as session, session.get(server.url + "/healthz") as resp:
        assert resp.status == 200
        assert await resp.json() == {
            "ok": True,
            "cards": len(corpus.cards),
            "slack": "ok",
            "database": "ok",
        }


async def test_slash_command_replies_ephemeral_with_source_and_share_button(
    server: Server, fake: FakeSlack, corpus, card_query
) -> None:
    query, card = card_query
    name = uid("r")
    status, body, seconds = await post(server.url, slash_body(query, fake.response_url(name)), FORM)
    assert seconds < 3
    reply = ack_reply(status, body)  # the answer rides in the ack
    assert corpus.url_of(card) in json.dumps(reply["blocks"])  # the passage's link
    assert (SHARE_ACTION, card.id) in button_ids(reply["blocks"])
    assert reply["unfurl_links"] is False and card.title in reply["text"]
    again = slash_body(query, fake.response_url(uid("r")))  # a new invocation, not a replay
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            server.url + "/slack/events",
            data=again.encode(),
            headers={"Content-Type": FORM, **sign(again)},
        ) as resp,
    ):  # Slack (and Socket Mode's adapter) read the ack as a message only if it is JSON
        assert resp.content_type == "application/json"
        assert (await resp.json())["text"] == reply["text"]
    await asyncio.sleep(0.3)
    assert [c for c in fake.response_urls if c.method == name] == []  # and nothing after it


async def test_help_command_gives_help(server: Server, fake: FakeSlack) -> None:
    # a bare `/osce` opens the search modal now (tests/test_surfaces_http.py)
    status, body, _ = await post(server.url, slash_body("help", fake.response_url(uid("r"))), FORM)
    assert "/osce" in ack_reply(status, body)["text"]


async def test_today_is_ephemeral(server: Server, fake: FakeSlack) -> None:
    status, body, _ = await post(server.url, slash_body("today", fake.response_url(uid("r"))), FORM)
    reply = ack_reply(status, body)
    assert reply["text"] and reply["blocks"]


async def test_share_posts_visibly_and_removes_the_ephemeral(
    server: Server, fake: FakeSlack, card_query
) -> None:
    _, card = card_query
    name, channel = uid("r"), uid("CSHARE")
    body = action_body(
        SHARE_ACTION,
        card.id,
        response_url=fake.response_url(name),
        user_id="U333",
        channel_id=channel,
    )
    status, _, _ = await post(server.url, body, FORM)
    assert status == 200
    (posted,) = await asyncio.to_thread(wait_posts, fake, channel)
    assert "thread_ts" not in posted.params
    assert "<@U333>" in posted.params["text"] and card.title in json.dumps(posted.params["blocks"])
    (gone,) = await asyncio.to_thread(wait_response, fake, name)
    assert gone.params.get("delete_original") is True


async def test_share_where_the_bot_cannot_post_says_invite(
    server: Server, fake: FakeSlack, card_query
) -> None:
    _, card = card_query
    name, channel = uid("r"), uid("CPRIV")
    fake.fail_next("chat.postMessage", error="not_in_channel")
    body = action_body(
        SHARE_ACTION, card.id, response_url=fake.response_url(name), channel_id=channel
    )
    assert (await post(server.url, body, FORM))[0] == 200
    (hint,) = await asyncio.to_thread(wait_response, fake, name)
    assert "/invite @osce" in hint.params["text"]


async def test_suggestion_button_opens_the_card(server: Server, fake: FakeSlack, corpus) -> None:
    card = corpus.cards[0]
    name = uid("r")
    body = action_body(f"{OPEN_ACTION}:s0", card.id, response_url=fake.response_url(name))
    assert (await post(server.url, body, FORM))[0] == 200
    (reply,) = await asyncio.to_thread(wait_response, fake, name)
    assert reply.params["response_type"] == "ephemeral" and reply.params["replace_original"] is True
    assert card.title in json.dumps(reply.params["blocks"])
    assert (SHARE_ACTION, card.id) in button_ids(reply.params["blocks"])


async def test_suggestions_are_buttons_that_open_cards(server: Server, fake: FakeSlack) -> None:
    status, body, _ = await post(
        server.url, slash_body("nato arms control", fake.response_url(uid("r"))), FORM
    )
    reply = ack_reply(status, body)
    opens = [b for b in button_ids(reply["blocks"]) if b[0].startswith(OPEN_ACTION)]
    assert opens, reply


# ---- events -------------------------------------------------------------------------------


async def test_mention_top_level_answered_in_a_new_thread(server: Server, fake: FakeSlack) -> None:
    channel = uid("CMEN")
    event = mention(channel, "1700000000.000100", "<@UBOT> cfe treaty")
    assert (await post(server.url, event_body(event, event_id=uid("Ev")), JSON))[0] == 200
    (reply,) = await asyncio.to_thread(wait_posts, fake, channel)
    assert reply.params["thread_ts"] == "1700000000.000100"
    assert "CFE" in reply.params["text"]


async def test_mention_in_a_thread_answered_in_that_thread(server: Server, fake: FakeSlack) -> None:
    channel = uid("CMEN")
    event = mention(
        channel, "1700000000.000300", "<@UBOT> cfe treaty", thread_ts="1700000000.000001"
    )
    assert (await post(server.url, event_body(event, event_id=uid("Ev")), JSON))[0] == 200
    (reply,) = await asyncio.to_thread(wait_posts, fake, channel)
    assert reply.params["thread_ts"] == "1700000000.000001"


async def test_on_this_day_in_a_thread_gets_todays_daily_post_there(
    server: Server, fake: FakeSlack, corpus
) -> None:
    """The daily post's "on this date" rules answer a question for today, in its thread,
    for the date it is where the post goes (DAILY_TZ, Europe/Vienna by default)."""
    channel = uid("CMEN")
    event = mention(
        channel, "1700000000.000310", "<@UBOT> what happened on this day?", thread_ts="1.000002"
    )
    before = today_in(Settings().daily_tz)
    assert (await post(server.url, event_body(event, event_id=uid("Ev")), JSON))[0] == 200
    (reply,) = await asyncio.to_thread(wait_posts, fake, channel)
    assert reply.params["thread_ts"] == "1.000002"
    days = {before, today_in(Settings().daily_tz)}  # either, should midnight pass between
    assert reply.params["text"] in {render_daily(corpus, post_for(corpus, d)).text for d in days}


async def test_dm_answered_in_the_dm(server: Server, fake: FakeSlack) -> None:
    channel = uid("DIM")
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": "U222",
        "text": "cfe treaty",
        "ts": "1700000000.000500",
        "event_ts": "1700000000.000500",
    }
    assert (await post(server.url, event_body(event, event_id=uid("Ev")), JSON))[0] == 200
    (reply,) = await asyncio.to_thread(wait_posts, fake, channel)
    assert "thread_ts" not in reply.params and "CFE" in reply.params["text"]
    threaded = dict(event, channel=uid("DIM"), thread_ts="1700000000.000004")
    assert (await post(server.url, event_body(threaded, event_id=uid("Ev")), JSON))[0] == 200
    (reply,) = await asyncio.to_thread(wait_posts, fake, threaded["channel"])
    assert reply.params["thread_ts"] == "1700000000.000004"


async def test_never_answers_channel_messages_bots_or_itself(
    server: Server, fake: FakeSlack
) -> None:
    channel, dm = uid("CMSG"), uid("DBOT")
    base = {"type": "message", "text": "cfe treaty", "ts": "1700000000.000600"}
    events = [
        dict(base, channel=channel, channel_type="channel", user="U222"),  # a mention's twin
        dict(base, channel=dm, channel_type="im", user="UBOT"),  # ourselves
        dict(base, channel=dm, channel_type="im", bot_id="B9", user="U9"),  # another bot
        dict(base, channel=dm, channel_type="im", subtype="bot_message", bot_id="B9"),
        dict(base, channel=dm, channel_type="im", user="U222", subtype="message_changed"),
        mention(channel, "1700000000.000700", "<@UBOT> cfe", bot_id="B9"),
    ]
    for event in events:
        assert (await post(server.url, event_body(event, event_id=uid("Ev")), JSON))[0] == 200
    # a control message afterwards proves the quiet ones were processed, not just slow
    control = uid("DCTL")
    ok = dict(base, channel=control, channel_type="im", user="U222")
    await post(server.url, event_body(ok, event_id=uid("Ev")), JSON)
    await asyncio.to_thread(wait_posts, fake, control)
    await asyncio.sleep(0.3)
    assert posts_in(fake, channel) == [] and posts_in(fake, dm) == []


# ---- security -----------------------------------------------------------------------------


async def test_forged_signature_refused(server: Server, fake: FakeSlack) -> None:
    name = uid("r")
    body = slash_body("cfe treaty", fake.response_url(name))
    forged = sign(body, secret="not-the-secret")
    assert (await post(server.url, body, FORM, headers=forged))[0] == 401
    assert (await post(server.url, body, FORM, headers={}))[0] == 401
    tampered = sign(body)
    assert (await post(server.url, body.replace("cfe", "cfa"), FORM, headers=tampered))[0] == 401
    await asyncio.sleep(0.3)
    assert [c for c in fake.response_urls if c.method == name] == []


async def test_ten_minute_old_timestamp_refused(server: Server, fake: FakeSlack) -> None:
    name = uid("r")
    body = slash_body("cfe treaty", fake.response_url(name))
    stale = sign(body, timestamp=int(time.time()) - 600)  # correctly signed, but replayed
    assert (await post(server.url, body, FORM, headers=stale))[0] == 401


async def test_channel_ping_never_echoed(server: Server, fake: FakeSlack) -> None:
    text = "<!channel> <!here> <!everyone> what about <!subteam^S1|@team> nonsensewordzz"
    name, channel, dm = uid("r"), uid("CPING"), uid("DPING")
    status, acked, _ = await post(server.url, slash_body(text, fake.response_url(name)), FORM)
    ack_reply(status, acked)
    await post(
        server.url,
        event_body(mention(channel, "1700000000.0008", "<@UBOT> " + text), event_id=uid("Ev")),
        JSON,
    )
    dm_event = {
        "type": "message",
        "channel_type": "im",
        "channel": dm,
        "user": "U222",
        "text": text,
        "ts": "1700000000.0009",
    }
    await post(server.url, event_body(dm_event, event_id=uid("Ev")), JSON)
    await asyncio.to_thread(wait_posts, fake, channel)
    await asyncio.to_thread(wait_posts, fake, dm)
    outgoing = acked + json.dumps([c.params for c in fake.calls + fake.response_urls])
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<!subteam"):
        assert ping not in outgoing


# ---- delivery -----------------------------------------------------------------------------


async def test_retried_event_answered_once(server: Server, fake: FakeSlack) -> None:
    channel, event_id = uid("CRETRY"), uid("Ev")
    body = event_body(mention(channel, "1700000000.0010", "<@UBOT> cfe treaty"), event_id=event_id)
    assert (await post(server.url, body, JSON))[0] == 200
    retry = {**sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
    status, _, _ = await post(server.url, body, JSON, headers=retry)
    assert status == 200  # acked, so Slack stops retrying
    await asyncio.to_thread(wait_posts, fake, channel)
    await asyncio.sleep(0.5)
    assert len(posts_in(fake, channel)) == 1


async def test_rate_limited_post_is_retried_and_delivered_once(
    server: Server, fake: FakeSlack
) -> None:
    channel = uid("C429")
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    body = event_body(mention(channel, "1700000000.0011", "<@UBOT> cfe treaty"), event_id=uid("Ev"))
    assert (await post(server.url, body, JSON))[0] == 200
    first, second = await asyncio.to_thread(wait_posts, fake, channel, 2)
    assert second.at - first.at >= 0.9  # Retry-After honoured
    await asyncio.sleep(0.5)
    assert len(posts_in(fake, channel)) == 2  # one refused, one delivered; no third


@pytest.mark.parametrize("failure", [{"status": 429, "retry_after": 1}, {"drop": True}])
async def test_refused_response_url_is_retried_and_delivered_once(
    server: Server, fake: FakeSlack, failure: dict
) -> None:
    """Bolt's own respond() gives up on a 429 (only a dropped connection is retried by
    slack-sdk's default); ours honours Retry-After and delivers the reply once. (A button's
    answer goes to the response URL; a command's rides in the ack.)"""
    name = uid("r")
    fake.fail_next(f"response/{name}", **failure)
    body = action_body(f"{OPEN_ACTION}:s0", "nato-osce-kfor", response_url=fake.response_url(name))
    assert (await post(server.url, body, FORM))[0] == 200
    (reply,) = await asyncio.to_thread(wait_response, fake, name)
    assert "KFOR" in reply.params["text"]
    await asyncio.sleep(0.5)
    assert [c.method for c in fake.response_failures].count(name) == 1
    assert len([c for c in fake.response_urls if c.method == name]) == 1  # delivered once


async def test_200_concurrent_commands_each_acked_within_3_seconds(
    server: Server, fake: FakeSlack
) -> None:
    prefix = uid("burst")
    queries = ["cfe treaty", "osce un cooperation", "nato arms control", "1999", "help", "list"]

    async def one(session: aiohttp.ClientSession, n: int) -> tuple[int, str, float]:
        body = slash_body(queries[n % len(queries)], fake.response_url(f"{prefix}-{n}"))
        hdrs = {"Content-Type": FORM, **sign(body)}
        started = time.perf_counter()
        async with session.post(
            server.url + "/slack/events", data=body.encode(), headers=hdrs
        ) as r:
            return r.status, await r.text(), time.perf_counter() - started

    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        results = await asyncio.gather(*(one(session, n) for n in range(200)))
    slowest = max(t for _, _, t in results)
    assert slowest < 3.0, f"slowest ack {slowest:.2f}s"
    for status, body, _ in results:  # every ack carries its answer
        assert ack_reply(status, body)["blocks"]


async def test_replies_share_one_connection_pool(server: Server, fake: FakeSlack) -> None:
    """Replies to response URLs and Web API calls go through the process's one session: one
    after another, they reuse a pooled connection (a fresh session per reply, as Bolt's own
    respond() does, would show one new client port per reply)."""
    replies, channels = [], []
    for n in range(6):
        name, channel = uid("pool"), uid("DPOOL")
        body = action_body(
            f"{OPEN_ACTION}:s0", "nato-osce-kfor", response_url=fake.response_url(name)
        )
        assert (await post(server.url, body, FORM))[0] == 200
        replies += await asyncio.to_thread(wait_response, fake, name)
        await asyncio.sleep(0.05)  # the bot has read the answer: its connection is idle again
        dm = {"type": "message", "channel_type": "im", "channel": channel, "user": "U2"}
        dm |= {"text": "kfor", "ts": f"1700000001.{n:06d}"}
        assert (await post(server.url, event_body(dm, event_id=uid("Ev")), JSON))[0] == 200
        channels += await asyncio.to_thread(wait_posts, fake, channel)
        await asyncio.sleep(0.05)
    reply_ports = {c.port for c in replies}
    api_ports = {c.port for c in channels}
    assert None not in reply_ports | api_ports
    # 12 calls; a session per reply would show at least 7 ports (room for a busy machine)
    assert len(reply_ports | api_ports) <= 3, (reply_ports, api_ports)
    assert reply_ports & api_ports  # the very same pool for both kinds of call


async def test_retry_across_two_replicas_sharing_the_database(
    fake: FakeSlack, tmp_path: Path, db_url: str
) -> None:
    """Two `serve` processes on one DATABASE_URL (SQLite file, then real PostgreSQL)."""
    db = db_url
    a = Server(fake.url, db, tmp_path / "a.log").start()
    b = Server(fake.url, db, tmp_path / "b.log").start()
    try:
        channel, event_id = uid("CREPL"), uid("Ev")
        body = event_body(
            mention(channel, "1700000000.0012", "<@UBOT> cfe treaty"), event_id=event_id
        )
        retry = {**sign(body), "X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
        assert (await post(a.url, body, JSON))[0] == 200
        assert (await post(b.url, body, JSON, headers=retry))[0] == 200
        # and both at once, as when a load balancer splits a retry storm
        channel2, event2 = uid("CREPL"), uid("Ev")
        body2 = event_body(mention(channel2, "1700000000.0013", "<@UBOT> cfe"), event_id=event2)
        results = await asyncio.gather(*(post(srv.url, body2, JSON) for srv in (a, b, a, b)))
        assert [r[0] for r in results] == [200] * 4
        await asyncio.to_thread(wait_posts, fake, channel)
        await asyncio.to_thread(wait_posts, fake, channel2)
        await asyncio.sleep(0.7)
        assert len(posts_in(fake, channel)) == 1
        assert len(posts_in(fake, channel2)) == 1
    finally:
        a.stop()
        b.stop()


# ---- subscriptions (own server: a due subscription makes the scheduler post) -------------


@pytest.fixture
def sub_server(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[Server, FakeSlack, str]]:
    db = f"sqlite:///{tmp_path / 'sub.sqlite3'}"
    srv = Server(fake_slack.url, db, tmp_path / "sub.log").start()
    yield srv, fake_slack, db
    srv.stop()


async def test_subscribe_confirms_visibly_and_stores(sub_server) -> None:
    server, fake, db = sub_server
    name = uid("r")
    body = slash_body("subscribe 07:45", fake.response_url(name), channel_id="CSUB", user_id="U5")
    assert (await post(server.url, body, FORM))[0] == 200
    (ok,) = await asyncio.to_thread(wait_response, fake, name)
    assert ok.params["response_type"] == "ephemeral" and "07:45" in ok.params["text"]
    confirm = posts_in(fake, "CSUB")[0]
    assert "<@U5>" in confirm.params["text"] and "07:45" in confirm.params["text"]
    store = Store(db)
    try:
        sub = store.subscription("CSUB")
        assert sub is not None and sub.at.strftime("%H:%M") == "07:45"
    finally:
        store.close()
    name = uid("r")
    assert (
        await post(
            server.url, slash_body("unsubscribe", fake.response_url(name), channel_id="CSUB"), FORM
        )
    )[0] == 200
    (off,) = await asyncio.to_thread(wait_response, fake, name)
    assert "Unsubscribed" in off.params["text"]


@pytest.mark.parametrize(
    ("error", "says"),
    [
        ("not_in_channel", "/invite @osce"),
        ("channel_not_found", "/invite @osce"),
        ("restricted_action", "restricted"),
    ],
)
async def test_subscribe_where_the_bot_cannot_post_says_so(
    sub_server, error: str, says: str
) -> None:
    server, fake, db = sub_server
    name = uid("r")
    fake.fail_next("chat.postMessage", error=error)
    body = slash_body("subscribe", fake.response_url(name), channel_id="CNOPE")
    assert (await post(server.url, body, FORM))[0] == 200
    (hint,) = await asyncio.to_thread(wait_response, fake, name)
    assert says in hint.params["text"] and hint.params["response_type"] == "ephemeral"
    store = Store(db)
    try:
        assert store.subscription("CNOPE") is None
    finally:
        store.close()


async def test_subscribe_bad_time_is_a_clear_error(sub_server) -> None:
    server, fake, _ = sub_server
    name = uid("r")
    body = slash_body("subscribe 25:99 <!channel>", fake.response_url(name), channel_id="CBAD")
    err = ack_reply(*(await post(server.url, body, FORM))[:2])
    assert "HH:MM" in err["text"] and "<!channel>" not in err["text"]
    assert posts_in(fake, "CBAD") == []


# ---- start-up -------------------------------------------------------------------------------


def test_logs_one_line_per_request_without_text_or_tokens(server: Server) -> None:
    logs = server.logs()
    assert "command kind=card card=nato-osce-arms-control" in logs
    assert "cfe treaty" not in logs and "nonsensewordzz" not in logs
    assert "xoxb-" not in logs and SECRET not in logs


def test_malformed_token_exits_2_naming_the_variable() -> None:
    env = bot_env(SLACK_BOT_TOKEN="xoxp-user token", SLACK_SIGNING_SECRET=SECRET)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "SLACK_BOT_TOKEN" in lines[0]


def test_invalid_cards_refuse_to_start(tmp_path: Path) -> None:
    (tmp_path / "cards").mkdir()
    (tmp_path / "sources.yaml").write_text("sources: []\n")
    (tmp_path / "cards" / "bad.yaml").write_text("id: x\ntitle: [unclosed\n")
    env = bot_env(
        SLACK_BOT_TOKEN="xoxb-1-x",
        SLACK_SIGNING_SECRET=SECRET,
        FACTS_DIR=str(tmp_path),
        SLACK_API_URL="http://127.0.0.1:9/api/",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--port", "9"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 1
    assert "bad.yaml" in proc.stderr and "not starting" in proc.stderr


async def test_sigterm_lets_an_acked_reply_finish(fake_slack: FakeSlack, tmp_path: Path) -> None:
    srv = Server(fake_slack.url, f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "x.log").start()
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)  # reply in back-off
    body = event_body(mention("CSTOP", "1700000000.0099", "<@UBOT> cfe"), event_id=uid("Ev"))
    assert (await post(srv.url, body, JSON))[0] == 200
    await asyncio.to_thread(wait_posts, fake_slack, "CSTOP", 1)
    started = time.monotonic()
    assert await asyncio.to_thread(srv.stop) == 0, srv.logs()
    assert len(posts_in(fake_slack, "CSTOP")) == 2  # delivered after the signal
    assert time.monotonic() - started < 8


async def test_sigterm_mid_traffic_delivers_replies_then_closes_the_session(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """SIGTERM while replies wait out a 429 and commands keep arriving: every acked reply is
    still delivered, then the shared session is closed (no "Unclosed" warning; ResourceWarning
    is shown so an unclosed session or connector could not pass silently), exit 0."""
    srv = Server(
        fake_slack.url,
        f"sqlite:///{tmp_path / 'term.sqlite3'}",
        tmp_path / "term.log",
        env={"PYTHONWARNINGS": "always::ResourceWarning", "PYTHONDEVMODE": "1"},
    ).start()
    names = [uid("term") for _ in range(8)]
    for name in names:  # every reply is refused once: it is in back-off at the signal
        fake_slack.fail_next(f"response/{name}", status=429, retry_after=1)
        body = action_body(
            f"{OPEN_ACTION}:s0", "nato-osce-kfor", response_url=fake_slack.response_url(name)
        )
        assert (await post(srv.url, body, FORM))[0] == 200
    channel = uid("DTERM")
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    dm = {"type": "message", "channel_type": "im", "channel": channel, "user": "U2"}
    dm |= {"text": "kfor", "ts": "1700000002.000001"}
    assert (await post(srv.url, event_body(dm, event_id=uid("Ev")), JSON))[0] == 200
    await asyncio.to_thread(wait_posts, fake_slack, channel)  # the refused first attempt

    async def commands() -> list[str]:
        """Traffic that goes on while the server stops; it may be refused once it closes."""
        bodies = []
        for n in range(50):
            try:  # each its own invocation (a replay of one would be acked and dropped)
                status, body, _ = await post(srv.url, slash_body("cfe", f"http://x/{n}"), FORM)
            except aiohttp.ClientError:
                break
            bodies.append(body if status == 200 else f"HTTP {status}")
            await asyncio.sleep(0.01)
        return bodies

    traffic = asyncio.create_task(commands())
    await asyncio.sleep(0.1)
    assert await asyncio.to_thread(srv.stop) == 0, srv.logs()
    for body in await traffic:  # whatever was acked carried its answer
        assert "CFE" in ack_reply(200, body)["text"]
    for name in names:
        assert len([c for c in fake_slack.response_urls if c.method == name]) == 1, name
    assert len(posts_in(fake_slack, channel)) == 2  # refused once, then delivered
    logs = srv.logs()
    assert "shutting down" in logs
    assert "Unclosed" not in logs and "ResourceWarning" not in logs, logs
