"""Slack's text rules in one place: Block Kit's limits, mrkdwn escaping, cutting to fit.

Every renderer (answers, daily posts) takes its limits from here, so a limit is stated once.
"""

from __future__ import annotations

import re

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


# mrkdwn has no escape for its formatting characters, so echoed text gets look-alikes:
# `*bold*` shows as ∗bold∗ and is never bold, `code` never becomes code.
_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
WORD_JOINER = "\u2060"  # invisible; breaks `@here` and `https://` so nothing parses them
_AT_SIGNS = re.compile("([@\uff20\ufe6b])")  # @, full-width ＠, small ﹫ (NFKC: all "@")


def echo(text: str) -> str:
    """User text made inert for an mrkdwn object that is also `verbatim`: it cannot ping,
    link or format. Escaped once (the caller decodes Slack's own `&amp;` first), broadcast
    words broken with an invisible joiner, formatting characters swapped for look-alikes."""
    text = escape(text).translate(_LOOKALIKES)
    text = _AT_SIGNS.sub(rf"\1{WORD_JOINER}", text)
    return text.replace("://", f":{WORD_JOINER}//")


def user_mention(user_id: str) -> str:
    """`<@U123>` from a Slack user id, keeping only what an id can hold, so a forged
    `user_id` can never inject markup (`<!channel>`, a link) into a message."""
    return "<@" + re.sub(r"[^A-Z0-9]", "", user_id.upper())[:20] + ">"


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
