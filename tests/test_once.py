"""Issue 14 items 3 and 4 over real signed HTTP: a replay is answered once, "Share" pressed
twice posts once, another team's event is not answered, a raw user_id cannot inject markup,
and a refusal Slack's hint list does not know is still told to the person (never Bolt's
404 after a fast failure)."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.slack.blocks import OPEN_ACTION, SHARE_ACTION
from tests.fakeslack import FakeSlack
from tests.slack_signing import FORM, JSON, Server, action_body, event_body, sign, slash_body

pytestmark = pytest.mark.slow

_ids = itertools.count(1)


def uid(prefix: str) -> str:
    return f"{prefix}{next(_ids):04d}"


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


async def post(url: str, body: str, ctype: str, headers: dict[str, str]) -> int:
    return (await post_read(url, body, ctype, headers))[0]


async def post_read(url: str, body: str, ctype: str, headers: dict[str, str]) -> tuple[int, str]:
    """Status and body: a slash command's answer rides in the ack's body."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url + "/slack/events",
            data=body.encode(),
            headers={"Content-Type": ctype, **headers},
        ) as resp,
    ):
        return resp.status, await resp.text()


async def settle() -> None:
    """Replies go out after the ack; give a second delivery time to (wrongly) happen."""
    await asyncio.sleep(1.0)


def responses(fake: FakeSlack, name: str) -> list:
    return [c for c in fake.response_urls if c.method == name]


def posts_in(fake: FakeSlack, channel: str) -> list:
    return [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == channel]


async def test_replayed_slash_command_answered_once(server: Server, fake: FakeSlack) -> None:
    name = uid("r")
    body = slash_body("cfe treaty", fake.response_url(name))
    headers = sign(body)
    first = await post_read(server.url, body, FORM, headers)
    again = await post_read(server.url, body, FORM, headers)  # the same signed bytes again
    assert first[0] == again[0] == 200
    assert "CFE" in json.loads(first[1])["text"] and again[1] == ""  # acked, not answered
    await settle()
    assert len(responses(fake, name)) == 0  # and nothing later either


async def test_same_text_twice_genuinely_is_answered_twice(server: Server, fake: FakeSlack) -> None:
    a, b = uid("r"), uid("r")
    for name in (a, b):  # Slack mints a response_url (and trigger_id) per invocation
        body = slash_body("cfe treaty", fake.response_url(name))
        status, answer = await post_read(server.url, body, FORM, sign(body))
        assert status == 200 and "CFE" in json.loads(answer)["text"]


async def test_replayed_button_press_answered_once(server: Server, fake: FakeSlack, corpus) -> None:
    name = uid("r")
    card = corpus.cards[0]
    body = action_body(f"{OPEN_ACTION}:s0", card.id, response_url=fake.response_url(name))
    headers = sign(body)
    assert await post(server.url, body, FORM, headers) == 200
    assert await post(server.url, body, FORM, headers) == 200
    await settle()
    assert len(responses(fake, name)) == 1


def share_press(card_id: str, response_url: str, channel: str, action_ts: str) -> str:
    """A press of "Share" on one ephemeral message; each press has its own action_ts and
    response_url, as Slack sends them."""
    payload = {
        "type": "block_actions",
        "user": {"id": "U111", "username": "ann", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1700000099.000100",
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": f"{action_ts}.trigger",
        "team": {"id": "T1", "domain": "osce-test"},
        "channel": {"id": channel, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": SHARE_ACTION,
                "block_id": "b1",
                "value": card_id,
                "type": "button",
                "action_ts": action_ts,
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


async def test_share_pressed_twice_posts_once(server: Server, fake: FakeSlack, corpus) -> None:
    channel, card = uid("CTWICE"), corpus.cards[1]
    first = share_press(card.id, fake.response_url(uid("r")), channel, "1700000100.000001")
    second = share_press(card.id, fake.response_url(uid("r")), channel, "1700000100.000002")
    statuses = await asyncio.gather(
        post(server.url, first, FORM, sign(first)), post(server.url, second, FORM, sign(second))
    )
    assert statuses == [200, 200]
    await settle()
    assert len(posts_in(fake, channel)) == 1


async def test_share_refused_then_invited_then_pressed_again_posts(
    server: Server, fake: FakeSlack, corpus
) -> None:
    """A failed share is not remembered as done: after /invite the same button works."""
    channel, card = uid("CLATER"), corpus.cards[2]
    fake.fail_next("chat.postMessage", error="not_in_channel")
    name = uid("r")
    first = share_press(card.id, fake.response_url(name), channel, "1700000200.000001")
    assert await post(server.url, first, FORM, sign(first)) == 200
    await settle()
    assert "/invite" in responses(fake, name)[0].params["text"]
    second = share_press(card.id, fake.response_url(uid("r")), channel, "1700000200.000002")
    assert await post(server.url, second, FORM, sign(second)) == 200
    fake.wait_for("chat.postMessage")
    await settle()
    assert len(posts_in(fake, channel)) == 2  # the refused call and the one that worked


async def test_event_from_another_team_is_not_answered(server: Server, fake: FakeSlack) -> None:
    channel = uid("COTHER")
    event = {
        "type": "app_mention",
        "user": "U222",
        "text": "<@UBOT> cfe treaty",
        "ts": "1700000000.0100",
        "channel": channel,
        "event_ts": "1700000000.0100",
    }
    doc = json.loads(event_body(event, event_id=uid("Ev")))
    doc["team_id"] = "T999OTHER"
    body = json.dumps(doc)
    assert await post(server.url, body, JSON, sign(body)) == 200
    own = event_body(dict(event, channel=channel + "OWN"), event_id=uid("Ev"))
    assert await post(server.url, own, JSON, sign(own)) == 200
    await settle()
    assert posts_in(fake, channel) == []
    assert len(posts_in(fake, channel + "OWN")) == 1  # the workspace's own event still is


async def test_subscribe_confirmation_cannot_carry_markup_in_user_id(
    server: Server, fake: FakeSlack
) -> None:
    channel = uid("CSUBX")
    body = urlencode(
        {
            "team_id": "T1",
            "channel_id": channel,
            "user_id": "U1> <!channel> <https://evil.example|x",
            "command": "/osce",
            "text": "subscribe 08:30",
            "response_url": fake.response_url(uid("r")),
            "trigger_id": "9.9.9",
        }
    )
    assert await post(server.url, body, FORM, sign(body)) == 200
    await settle()
    (confirmation,) = posts_in(fake, channel)
    text = confirmation.params["text"]
    assert "<!channel>" not in text and "evil" not in text
    assert text.startswith("<@U1CHANNELHTTPSEVILE")  # letters kept, markup gone


@pytest.mark.parametrize(
    ("failure", "code"),
    [
        ({"error": "missing_scope"}, "missing_scope"),
        ({"error": "invalid_blocks"}, "invalid_blocks"),
        ({"status": 500, "times": 4}, "fatal_error"),
    ],
)
async def test_share_refused_for_an_unlisted_reason_tells_the_person(
    server: Server, fake: FakeSlack, corpus, failure: dict, code: str
) -> None:
    channel, name, card = uid("CERR"), uid("r"), corpus.cards[3]
    fake.fail_next("chat.postMessage", **failure)
    body = share_press(card.id, fake.response_url(name), channel, f"17000003{next(_ids)}.0001")
    started = time.monotonic()
    assert await post(server.url, body, FORM, sign(body)) == 200  # acked, never Bolt's 404
    deadline = started + 15
    while not responses(fake, name) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    (told,) = responses(fake, name)
    assert told.params["response_type"] == "ephemeral"
    assert f"Something went wrong posting to this channel ({code})" in told.params["text"]


async def test_subscribe_refused_for_an_unlisted_reason_tells_the_person(
    server: Server, fake: FakeSlack
) -> None:
    channel, name = uid("CSUBERR"), uid("r")
    fake.fail_next("chat.postMessage", error="missing_scope")
    body = slash_body("subscribe 07:00", fake.response_url(name), channel_id=channel)
    assert await post(server.url, body, FORM, sign(body)) == 200
    deadline = time.monotonic() + 10
    while not responses(fake, name) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    (told,) = responses(fake, name)
    assert "(missing_scope)" in told.params["text"]


def test_no_traceback_reached_bolt(server: Server) -> None:
    """Handled refusals are one request line each; Bolt never logged "didn't call ack()"."""
    logs = server.logs()
    assert "ack()" not in logs and "Traceback" not in logs, logs[-3000:]


async def test_metrics_count_requests_match_kinds_and_latency(server: Server) -> None:
    """After the commands above: Prometheus text from this app's own registry."""
    async with aiohttp.ClientSession() as session, session.get(server.url + "/metrics") as resp:
        assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    assert 'osce_requests_total{outcome="card",surface="command"}' in text
    assert 'osce_requests_total{outcome="duplicate",surface="command"}' in text
    assert 'osce_requests_total{outcome="cannot_post",surface="share"}' in text
    assert 'osce_match_kinds_total{kind="card"}' in text
    assert 'osce_request_seconds_bucket{le="0.1",surface="command"}' in text
    assert "# TYPE osce_daily_posts_total counter" in text
    assert "python_gc_objects_collected_total" not in text  # not the global default registry


async def test_a_url_in_a_mention_comes_back_verbatim_and_inert(
    server: Server, fake: FakeSlack
) -> None:
    """Issue 14 item 1 as Slack sends it: the bare URL arrives wrapped in <...>."""
    channel = uid("CURL")
    event = {
        "type": "app_mention",
        "user": "U222",
        "text": "<@UBOT> <https://evil.example/login> ＠here *banana* R&amp;D",
        "ts": "1700000000.0200",
        "channel": channel,
        "event_ts": "1700000000.0200",
    }
    body = event_body(event, event_id=uid("Ev"))
    assert await post(server.url, body, JSON, sign(body)) == 200
    deadline = time.monotonic() + 10
    while not posts_in(fake, channel) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    (reply,) = posts_in(fake, channel)
    lead = reply.params["blocks"][0]["text"]
    assert lead["type"] == "mrkdwn" and lead["verbatim"] is True
    for live in ("https://evil", "<https", "@here", "*banana*", "&amp;amp;"):
        assert live not in lead["text"] and live not in reply.params["text"]
    assert "R&amp;D" in lead["text"]  # Slack shows R&D
