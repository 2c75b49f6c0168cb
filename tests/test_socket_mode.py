"""Socket Mode end to end: `python -m bot socket` against a local WebSocket server that
speaks Slack's Socket Mode protocol (hello, envelopes, acks by envelope_id), with the fake
Web API handing out its URL from apps.connections.open."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from tests.fakeslack import FakeSlack
from tests.slack_signing import BOT_TOKEN, ROOT, bot_env

pytestmark = pytest.mark.slow


@dataclass
class SocketSlack:
    """The WebSocket side of Slack: one connection at a time, acks collected by envelope id."""

    connected: asyncio.Event = field(default_factory=asyncio.Event)
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)
    ws: web.WebSocketResponse | None = None
    url: str = ""

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.ws = ws
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "debug_info": {"host": "test", "approximate_connection_time": 3600},
                "connection_info": {"app_id": "A1"},
            }
        )
        self.connected.set()
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                data = json.loads(msg.data)
                if "envelope_id" in data:
                    self.acks[data["envelope_id"]] = data
        return ws

    async def send(self, envelope: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send_json(envelope)

    async def ack_for(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if envelope_id in self.acks:
                return self.acks[envelope_id]
            await asyncio.sleep(0.02)
        raise AssertionError(f"no ack for {envelope_id}; got {list(self.acks)}")


@pytest.fixture
async def socket_slack() -> AsyncIterator[SocketSlack]:
    slack = SocketSlack()
    app = web.Application()
    app.router.add_get("/link", slack.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    slack.url = f"ws://127.0.0.1:{port}/link?ticket=test"
    yield slack
    await runner.cleanup()


@pytest.fixture
async def bot_process(
    socket_slack: SocketSlack, fake_slack: FakeSlack, tmp_path: Path
) -> AsyncIterator[asyncio.subprocess.Process]:
    fake_slack.socket_url = socket_slack.url  # type: ignore[attr-defined]
    env = bot_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN="xapp-1-A1-test",
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'socket.sqlite3'}",
        PYTHONWARNINGS="always::ResourceWarning",  # an unclosed session would show
    )
    log = (tmp_path / "socket.log").open("wb")
    # no subcommand: with both tokens set the CLI picks Socket Mode
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        await asyncio.wait_for(socket_slack.connected.wait(), 20)
    except TimeoutError:
        proc.kill()
        raise AssertionError((tmp_path / "socket.log").read_text()) from None
    yield proc
    if proc.returncode is None:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 15) == 0  # graceful on SIGTERM
    log.close()
    logs = (tmp_path / "socket.log").read_text()
    assert "Unclosed" not in logs and "ResourceWarning" not in logs, logs


async def wait_until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


async def test_slash_command_over_socket_mode(
    bot_process, socket_slack: SocketSlack, fake_slack: FakeSlack
) -> None:
    assert fake_slack.calls_to("apps.connections.open")[0].headers["Authorization"] == (
        "Bearer xapp-1-A1-test"
    )
    payload = {
        "token": "legacy",
        "team_id": "T1",
        "team_domain": "osce-test",
        "channel_id": "C1",
        "channel_name": "general",
        "user_id": "U111",
        "user_name": "ann",
        "command": "/osce",
        "text": "cfe treaty",
        "api_app_id": "A1",
        "is_enterprise_install": "false",
        "response_url": fake_slack.response_url("sock1"),
        "trigger_id": "1.2.3",
    }
    await socket_slack.send(
        {
            "envelope_id": "env-cmd-1",
            "type": "slash_commands",
            "payload": payload,
            "accepts_response_payload": True,
        }
    )
    ack = await socket_slack.ack_for("env-cmd-1")
    assert ack["envelope_id"] == "env-cmd-1"
    reply = ack["payload"]  # the answer rides in the ack, as over HTTP
    assert reply["response_type"] == "ephemeral" and "CFE" in reply["text"]
    assert any(b["type"] == "actions" for b in reply["blocks"])  # the Share button
    await asyncio.sleep(0.3)
    assert not any(c.method == "sock1" for c in fake_slack.response_urls)  # nothing after it


async def test_mention_over_socket_mode_answered_once_in_thread(
    bot_process, socket_slack: SocketSlack, fake_slack: FakeSlack
) -> None:
    event = {
        "type": "app_mention",
        "user": "U222",
        "text": "<@UBOT> cfe treaty",
        "ts": "1700000000.000100",
        "channel": "CSOCK",
        "event_ts": "1700000000.000100",
    }
    body = {
        "token": "legacy",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": "EvSock1",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }
    envelope = {
        "envelope_id": "env-ev-1",
        "type": "events_api",
        "payload": body,
        "accepts_response_payload": False,
        "retry_attempt": 0,
        "retry_reason": "",
    }
    await socket_slack.send(envelope)
    assert (await socket_slack.ack_for("env-ev-1"))["envelope_id"] == "env-ev-1"
    # Slack re-sends an event it thinks was not acked: same event_id, new envelope
    retry = dict(envelope, envelope_id="env-ev-2", retry_attempt=1, retry_reason="timeout")
    await socket_slack.send(retry)
    assert (await socket_slack.ack_for("env-ev-2"))["envelope_id"] == "env-ev-2"

    def posts() -> list:
        return [
            c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == "CSOCK"
        ]

    await wait_until(lambda: len(posts()) >= 1)
    await asyncio.sleep(0.5)
    (reply,) = posts()
    assert reply.params["thread_ts"] == "1700000000.000100"
    assert reply.headers["Authorization"] == f"Bearer {BOT_TOKEN}"


def test_socket_without_app_token_exits_2() -> None:
    env = bot_env(SLACK_BOT_TOKEN=BOT_TOKEN)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "socket"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2 and "SLACK_APP_TOKEN" in proc.stderr


async def test_search_as_you_type_over_socket_mode(
    bot_process, socket_slack: SocketSlack, fake_slack: FakeSlack, corpus
) -> None:
    """block_suggestion's options travel back in the envelope's ack, not over HTTP."""
    card = next(c for c in corpus.cards if "Kosovo Verification" in c.title)
    payload = {
        "type": "block_suggestion",
        "user": {"id": "U111", "team_id": "T1"},
        "team": {"id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {"type": "view", "view_id": "V1"},
        "action_id": "osce_pick_card",
        "block_id": "osce_pick",
        "value": card.title[:9],
        "view": {"id": "V1", "type": "modal", "callback_id": "osce_search_view"},
    }
    await socket_slack.send(
        {
            "envelope_id": "env-sug-1",
            "type": "interactive",
            "payload": payload,
            "accepts_response_payload": True,
        }
    )
    ack = await socket_slack.ack_for("env-sug-1")
    assert card.id in [o["value"] for o in ack["payload"]["options"]]
