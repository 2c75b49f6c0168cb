"""The pure request decisions: subcommands, subscription times, which events get answered."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answers import Answerer, parse_at
from bot.slack.events import dm_thread, is_channel_mention, is_dm_question, mention_thread


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("", ("answer", "", None)),
        ("help", ("answer", "help", None)),
        ("today", ("today", None, None)),
        ("Today", ("today", None, None)),
        ("today in history", ("answer", "today in history", None)),
        ("subscribe", ("subscribe", None, dt.time(9, 0))),
        ("subscribe 7:05", ("subscribe", None, dt.time(7, 5))),
        ("subscribe 23:59", ("subscribe", None, dt.time(23, 59))),
        ("subscribe 24:00", ("bad_time", None, None)),
        ("subscribe 9", ("bad_time", None, None)),
        ("subscribe 09:00 please", ("bad_time", None, None)),
        ("unsubscribe", ("unsubscribe", None, None)),
    ],
)
def test_parse_command(corpus, text: str, command: tuple) -> None:
    cmd = Answerer(corpus).command(text)
    assert (cmd.action, cmd.answer.query if cmd.answer else None, cmd.at) == command


def test_which_events_are_answered_and_where() -> None:
    dm = {"channel": "D1", "channel_type": "im", "user": "U1", "ts": "1.1"}
    assert is_dm_question(dm, "UBOT") and dm_thread(dm) is None
    assert dm_thread(dict(dm, thread_ts="0.9")) == "0.9"
    assert not is_dm_question(dict(dm, channel_type="channel"), "UBOT")
    assert not is_dm_question(dict(dm, user="UBOT"), "UBOT")
    assert not is_dm_question(dict(dm, bot_id="B1"), "UBOT")
    assert not is_dm_question(dict(dm, subtype="message_changed"), "UBOT")
    at = {"channel": "C1", "user": "U1", "ts": "2.2"}
    assert is_channel_mention(at, "UBOT") and mention_thread(at) == "2.2"
    assert mention_thread(dict(at, thread_ts="1.0")) == "1.0"
    assert not is_channel_mention(dict(at, channel="D1"), "UBOT")
    assert not is_channel_mention(dict(at, bot_id="B2"), "UBOT")


@pytest.mark.parametrize(
    ("raw", "at"),
    [(None, dt.time(9)), ("", dt.time(9)), ("7:05", dt.time(7, 5)), (" 23:59 ", dt.time(23, 59))],
)
def test_parse_at(raw: str | None, at: dt.time) -> None:
    assert parse_at(raw) == at


@pytest.mark.parametrize("raw", ["24:00", "9", "09:5", "noon", "12:60", "-1:00", "09:00:00"])
def test_parse_at_rejects(raw: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_at(raw)
