"""Slack's text rules in one place: Block Kit's limits, mrkdwn escaping, cutting to fit.

Every renderer (answers, daily posts) takes its limits from here, so a limit is stated once.
"""

from __future__ import annotations

MAX_BLOCKS = 50  # in a message
SECTION_MAX = 3000  # characters of a section's text
HEADER_MAX = 150  # characters of a header
BUTTON_TEXT_MAX = 75
ECHO_MAX = 100  # how much of a user's query is echoed back
OPTION_TEXT_MAX = 75  # an option's text in a select menu
MAX_OPTIONS = 100  # options in one select menu


def escape(text: str) -> str:
    """Slack's three control characters; after this no user text can mention or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
