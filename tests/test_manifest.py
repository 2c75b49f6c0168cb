"""The app manifest agrees with the code: one paste installs an app the bot can serve."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.config import Settings
from bot.slack.app import build_app
from bot.slack.server import EVENTS_PATH
from bot.state import Store
from handlers.commands import COMMAND
from handlers.search import SEARCH_SHORTCUT
from handlers.shortcuts import ASK_MESSAGE
from tests.fakeslack import FakeSlack

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())
SLACK_EVENT = {"message.im": "message"}  # subscription name -> the event type Bolt sees


def test_slash_command_matches_the_listener() -> None:
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["usage_hint"] and command["description"]
    assert command["url"].endswith(EVENTS_PATH)


def test_events_and_interactivity_reach_the_one_request_url() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "app_mention",
        "message.im",
    }
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    # block_suggestion (search as you type) is sent to the options load URL
    assert settings["interactivity"]["message_menu_options_url"].endswith(EVENTS_PATH)
    assert isinstance(settings["socket_mode_enabled"], bool)


def test_home_tab_and_shortcuts_are_declared() -> None:
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True
    shortcuts = {s["callback_id"]: s for s in MANIFEST["features"]["shortcuts"]}
    assert set(shortcuts) == {SEARCH_SHORTCUT, ASK_MESSAGE}
    assert shortcuts[SEARCH_SHORTCUT]["type"] == "global"
    assert shortcuts[ASK_MESSAGE]["type"] == "message"
    assert all(s["name"] and s["description"] for s in shortcuts.values())


def test_scopes_cover_what_the_code_calls() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # /osce and the shortcuts, reading mentions and DMs, replying in channels, threads and
    # DMs (chat.postEphemeral too); views.open/update/publish need no scope of their own
    assert {"commands", "app_mentions:read", "im:history", "chat:write"} <= scopes
    # the daily post looks for its own tagged post before re-sending (public, private)
    assert {"channels:history", "groups:history"} <= scopes


def _shortcut_body(shortcut: dict) -> dict:
    body = {
        "type": "shortcut" if shortcut["type"] == "global" else "message_action",
        "callback_id": shortcut["callback_id"],
        "trigger_id": "1.2.3",
        "team": {"id": "T1"},
        "user": {"id": "U1"},
        "api_app_id": "A1",
        "token": "legacy",
    }
    if shortcut["type"] == "message":
        body |= {
            "channel": {"id": "C1"},
            "message": {"type": "message", "ts": "1.1", "text": "kfor"},
            "message_ts": "1.1",
            "response_url": "http://127.0.0.1:9/none",
        }
    return body


def _event_body(event_type: str) -> dict:
    event = {"type": event_type, "user": "U1", "channel": "D1", "tab": "home", "ts": "1.1"}
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": f"EvManifest{event_type}",
        "event": event,
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }


@pytest.mark.parametrize(
    "body",
    [
        *(_shortcut_body(s) for s in MANIFEST["features"]["shortcuts"]),
        *(
            _event_body(SLACK_EVENT.get(e, e))
            for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
        ),
    ],
    ids=lambda b: b.get("callback_id") or b["event"]["type"],
)
async def test_every_declared_shortcut_and_event_has_a_listener(
    body: dict, corpus, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    """The real Bolt app answers 404 to what no listener takes: nothing declared may get it."""
    store = Store(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    try:
        settings = Settings(bot_token="xoxb-1-test", api_url=fake_slack.url)
        app = build_app(settings, corpus, store)
        if body["type"] == "event_callback":
            raw, ctype = json.dumps(body), "application/json"
        else:
            raw, ctype = (
                urlencode({"payload": json.dumps(body)}),
                "application/x-www-form-urlencoded",
            )
        response = await app.async_dispatch(
            AsyncBoltRequest(body=raw, headers={"content-type": [ctype]})
        )
        assert response.status == 200, response.body
    finally:
        store.close()
