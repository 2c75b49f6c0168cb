"""Pure decisions about Slack events: whether one is ours to answer, and in which thread.

No I/O, so tests reach every branch without a server; the listeners in `handlers.events`
only apply them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


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
