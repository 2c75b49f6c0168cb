"""The app manifest agrees with the code: one paste installs an app the bot can serve."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.server import EVENTS_PATH
from handlers.commands import COMMAND

MANIFEST = yaml.safe_load((Path(__file__).resolve().parent.parent / "manifest.yml").read_text())


def test_slash_command_matches_the_listener() -> None:
    (command,) = MANIFEST["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["usage_hint"] and command["description"]
    assert command["url"].endswith(EVENTS_PATH)


def test_events_and_interactivity_reach_the_one_request_url() -> None:
    settings = MANIFEST["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {"app_mention", "message.im"}
    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert isinstance(settings["socket_mode_enabled"], bool)


def test_scopes_cover_what_the_code_calls() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    # /osce, reading mentions and DMs, replying in channels, threads and DMs
    assert {"commands", "app_mentions:read", "im:history", "chat:write"} <= scopes
    # the daily post looks for its own tagged post before re-sending (public, private)
    assert {"channels:history", "groups:history"} <= scopes
