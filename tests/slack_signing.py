"""Test helpers: requests signed exactly as Slack signs them, and a real `python -m bot serve`.

Slack signs `v0:{timestamp}:{body}` with HMAC-SHA256 under the app's signing secret;
slack-sdk's SignatureVerifier computes the same value, so the tests do not hand-roll it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

ROOT = Path(__file__).resolve().parent.parent
SECRET = "3f1e0c0ffee5ec7e7a11ab1e0ddba11"
BOT_TOKEN = "xoxb-1-test-token"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def sign(body: str, *, secret: str = SECRET, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def slash_body(
    text: str,
    response_url: str,
    *,
    user_id: str = "U111",
    channel_id: str = "C111",
    command: str = "/osce",
) -> str:
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "team_domain": "osce-test",
            "channel_id": channel_id,
            "channel_name": "general",
            "user_id": user_id,
            "user_name": "ann",
            "command": command,
            "text": text,
            "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )


def event_body(event: dict[str, Any], *, event_id: str) -> str:
    return json.dumps(
        {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
        }
    )


def action_body(
    action_id: str,
    value: str,
    *,
    response_url: str,
    user_id: str = "U111",
    channel_id: str = "C111",
    ephemeral: bool = True,
) -> str:
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "ann", "team_id": "T1"},
        "api_app_id": "A1",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1700000000.000100",
            "channel_id": channel_id,
            "is_ephemeral": ephemeral,
        },
        "trigger_id": "1.2.3",
        "team": {"id": "T1", "domain": "osce-test"},
        "channel": {"id": channel_id, "name": "general"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b1",
                "value": value,
                "type": "button",
                "action_ts": "1700000001.000200",
            }
        ],
    }
    return urlencode({"payload": json.dumps(payload)})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bot_env(**extra: str) -> dict[str, str]:
    """The environment minus anything Slack-related from the developer's shell."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "PORT", "FACTS_DIR", "DAILY_", "QUERY_LOG_"))
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


@dataclass
class Server:
    """`python -m bot serve` in a subprocess on 127.0.0.1; logs go to a file."""

    api_url: str
    database_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. QUERY_LOG_DAYS
    env: dict[str, str] = field(default_factory=dict)  # extra environment, e.g. PYTHONWARNINGS

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 20.0) -> Server:
        env = bot_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=self.api_url,
            DATABASE_URL=self.database_url,
            LOG_LEVEL="INFO",
            **self.extra_env,
            **self.env,
        )
        self._log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(self.port), "--host", "127.0.0.1"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited {self.proc.returncode}: {self.logs()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server did not start: {self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self._log.close()
        return self.proc.returncode


def interactive_body(payload: dict[str, Any]) -> str:
    """Any interactive payload (shortcut, block_suggestion, view_submission) as Slack posts it."""
    base = {"api_app_id": "A1", "token": "legacy", "team": {"id": "T1", "domain": "osce-test"}}
    return urlencode({"payload": json.dumps({**base, **payload})})


def suggestion_body(value: str, *, user_id: str = "U111", view_id: str = "V1") -> str:
    """block_suggestion: what the search modal's type-ahead sends as the person types."""
    return interactive_body(
        {
            "type": "block_suggestion",
            "user": {"id": user_id, "team_id": "T1"},
            "container": {"type": "view", "view_id": view_id},
            "action_id": "osce_pick_card",
            "block_id": "osce_pick",
            "value": value,
            "view": {"id": view_id, "type": "modal", "callback_id": "osce_search_view"},
        }
    )
