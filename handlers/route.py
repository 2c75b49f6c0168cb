"""Pure decisions about incoming requests: no Slack, no I/O, so tests reach every branch.

Used by the Slack listeners and by the local console, so `/osce today` means the same in
both places.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["answer", "today", "subscribe", "unsubscribe", "bad_time"]

DEFAULT_DAILY_AT = dt.time(9, 0)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
# chat.postMessage errors that mean "the bot may not post here" rather than a bug
CANNOT_POST = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


@dataclass(frozen=True)
class Command:
    """What `/osce TEXT` asks for. `query` is passed to the core untouched (it escapes)."""

    action: Action
    query: str = ""
    at: dt.time | None = None


def parse_time(text: str) -> dt.time | None:
    """`HH:MM` on a 24-hour clock, or None."""
    m = _HHMM.match(text.strip())
    return dt.time(int(m.group(1)), int(m.group(2))) if m else None


def parse_command(text: str) -> Command:
    """Split the subcommands the core does not know (`today`, `subscribe`, `unsubscribe`)
    from questions; `help`, `list` and "" are questions the core answers itself."""
    words = text.split()
    first = words[0].lower() if words else ""
    if first == "today" and len(words) == 1:
        return Command("today")
    if first == "unsubscribe" and len(words) == 1:
        return Command("unsubscribe")
    if first == "subscribe":
        if len(words) == 1:
            return Command("subscribe", at=DEFAULT_DAILY_AT)
        at = parse_time(words[1]) if len(words) == 2 else None
        return Command("subscribe", at=at) if at else Command("bad_time")
    return Command("answer", query=text)


def is_from_bot(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """Our own posts and other bots' never get an answer (no loops between bots)."""
    return bool(
        event.get("bot_id")
        or event.get("subtype") == "bot_message"
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def is_dm_question(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """A person's new message in a DM with the bot. In channels only `app_mention` answers
    (a mention also arrives as a `message` event there), and edits/joins have a subtype."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and bool(event.get("user"))
        and not is_from_bot(event, bot_user_id)
    )


def is_channel_mention(event: Mapping[str, Any], bot_user_id: str | None) -> bool:
    """An `app_mention` we answer: not from a bot, and not in a DM (the DM's own `message`
    event answers there, so answering both would reply twice)."""
    return not is_from_bot(event, bot_user_id) and not str(event.get("channel", "")).startswith("D")


def mention_thread(event: Mapping[str, Any]) -> str | None:
    """Mentions are answered in their thread: the thread it is in, or a new one under it."""
    return event.get("thread_ts") or event.get("ts")


def dm_thread(event: Mapping[str, Any]) -> str | None:
    """DMs are answered in the DM itself, in-thread only if the question was in a thread."""
    return event.get("thread_ts")
