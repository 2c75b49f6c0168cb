"""Issue 14 item 2: nothing unauthenticated reaches a parser, a traceback, a 500 or the log
beyond one bounded line. A real `python -m bot serve`, real HTTP, its log file measured."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path

import aiohttp
import pytest

from tests.fakeslack import FakeSlack
from tests.slack_signing import FORM, JSON, SECRET, Server, sign, slash_body

pytestmark = pytest.mark.slow

PER_REQUEST = 200  # bytes of log a refused request may add, at most (one short line)


@pytest.fixture(scope="module")
def server(module_server: Server) -> Server:
    return module_server


def sign_bytes(body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """Slack's signature over raw bytes (slack-sdk's helper only signs text)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    mac = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac.hexdigest()}


async def send(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/slack/events", data=body, headers=headers) as resp,
    ):
        await resp.read()
        return resp.status


def log_size(server: Server) -> int:
    return Path(server.log_path).stat().st_size


FAKE_SIG = {"X-Slack-Signature": "v0=" + "0" * 64}
NOW = {"X-Slack-Request-Timestamp": str(int(time.time()))}


@pytest.mark.parametrize(
    ("name", "body", "headers", "status"),
    [
        ("broken json, unsigned", b'{"type": "event_callback", ', {"Content-Type": JSON}, 401),
        ("payload garbage, unsigned", b"payload=%7Bnot-json", {"Content-Type": FORM}, 401),
        ("non-utf-8, unsigned", b"\xff\xfe\xfa zebra", {"Content-Type": FORM}, 401),
        (
            "non-numeric timestamp",
            b"text=zebra",
            {"Content-Type": FORM, "X-Slack-Request-Timestamp": "soon", **FAKE_SIG},
            401,
        ),
        ("forged signature", b"text=zebra", {"Content-Type": FORM, **NOW, **FAKE_SIG}, 401),
        (
            "1 MB with a plausible signature",
            b"text=" + b"zebra" * 200_000,
            {"Content-Type": FORM, **NOW, **FAKE_SIG},
            413,
        ),
        ("1 MB unsigned", b"zebra" * 200_000, {"Content-Type": FORM}, 401),
        (
            "a newline forging a log line",
            b"text=x\n2026-01-01 INFO osce.request command kind=card zebra",
            {"Content-Type": FORM, **NOW, **FAKE_SIG},
            401,
        ),
    ],
)
async def test_refused_without_parsing_traceback_or_body_in_log(
    server: Server, name: str, body: bytes, headers: dict[str, str], status: int
) -> None:
    before = log_size(server)
    if headers.get("X-Slack-Request-Timestamp", "").isdigit():  # fresh at send time
        headers = {**headers, "X-Slack-Request-Timestamp": str(int(time.time()))}
    assert await send(server.url, body, headers) == status, name
    grown = Path(server.log_path).read_bytes()[before:]
    assert len(grown) <= PER_REQUEST, grown
    assert b"Traceback" not in grown and b"zebra" not in grown


async def test_signed_but_unparsable_bodies_get_400_not_500(server: Server) -> None:
    for body, ctype in (
        (b'{"type": "event_callback", ', JSON),
        (b"payload=%7Bnot-json", FORM),
        (b"\xff\xfe\xfa", FORM),
    ):
        before = log_size(server)
        assert await send(server.url, body, {"Content-Type": ctype, **sign_bytes(body)}) == 400
        grown = Path(server.log_path).read_bytes()[before:]
        assert len(grown) <= PER_REQUEST and b"Traceback" not in grown


async def test_stale_genuine_request_never_logs_the_query(server: Server, fake: FakeSlack) -> None:
    body = slash_body("my private question about zebras", fake.response_url("stale"))
    before = log_size(server)
    status = await send(
        server.url,
        body.encode(),
        {"Content-Type": FORM, **sign(body, timestamp=int(time.time()) - 600)},
    )
    assert status == 401
    assert b"zebra" not in Path(server.log_path).read_bytes()[before:]
    assert not [c for c in fake.response_urls if c.method == "stale"]


async def test_a_flood_of_garbage_grows_the_log_by_a_line_or_two(server: Server) -> None:
    before = log_size(server)
    async with aiohttp.ClientSession() as session:
        for n in range(300):
            async with session.post(
                server.url + "/slack/events",
                data=b"payload=" + str(n).encode() + b"\nzebra",
                headers={"Content-Type": FORM},
            ) as resp:
                assert resp.status == 401
    grown = Path(server.log_path).read_bytes()[before:]
    assert len(grown) <= 2 * PER_REQUEST, len(grown)
    assert b"zebra" not in grown and b"Traceback" not in grown


async def test_refusals_are_counted_in_metrics(server: Server) -> None:
    await send(server.url, b"x", {"Content-Type": FORM})
    async with aiohttp.ClientSession() as session, session.get(server.url + "/metrics") as resp:
        text = await resp.text()
    assert resp.status == 200
    assert 'osce_refused_requests_total{reason="unsigned"}' in text


def test_server_log_has_no_traceback_at_all(server: Server) -> None:
    logs = server.logs()
    assert "Traceback" not in logs and "zebra" not in logs, logs[-2000:]
    assert json.dumps(SECRET)[1:-1] not in logs
