"""Pure decisions about incoming requests: which subcommand, whether an event is ours to
answer, which thread. No Slack, no I/O, so core tests reach every branch; the Slack listeners
and the local console both use them, so `/osce today` means the same in both places.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Action = Literal["answer", "today", "subscribe", "unsubscribe", "bad_time"]

DEFAULT_AT = dt.time(9, 0)  # the daily post's time when `/osce subscribe` names none
INVITE_HINT = "I can't post in this channel yet. Invite me with `/invite @osce`, then try again."
# chat.postMessage errors that mean "the bot may not post here" rather than a bug, and what
# to tell the person who asked
CANNOT_POST = {
    "not_in_channel": INVITE_HINT,
    "channel_not_found": INVITE_HINT,
    "is_archived": "This channel is archived, so I can't post in it.",
    "restricted_action": "Posting in this channel is restricted (by a workspace admin), so I can't post here.",
}


@dataclass(frozen=True)
class Command:
    """What `/osce TEXT` asks for. `query` is passed to the core untouched (it escapes)."""

    action: Action
    query: str = ""
    at: dt.time | None = None


def parse_at(text: str | None) -> dt.time:
    """`/osce subscribe [HH:MM]`: the time, 09:00 when omitted; ValueError says what is wrong."""
    if text is None or not text.strip():
        return DEFAULT_AT
    raw = text.strip()
    hours, sep, minutes = raw.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2:
        h, m = int(hours), int(minutes)
        if h < 24 and m < 60:
            return dt.time(h, m)
    raise ValueError(f"not a time of day (HH:MM, 24-hour, e.g. 09:00): {raw!r}")


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
        if len(words) > 2:
            return Command("bad_time")
        try:
            return Command("subscribe", at=parse_at(words[1] if len(words) == 2 else None))
        except ValueError:
            return Command("bad_time")
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
