"""Slack listeners: parse what Slack sent, call the core, send the reply. Nothing else.

Listeners are module-level functions (as in Bolt's starter template), so tests call them
with fakes for `ack`, `respond`, `say` and `client`; they find the core's `Services` and the
renderer in Bolt's context, put there by `bot.slack.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands, events, feedback, home, search, shortcuts
from handlers.common import guarded

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """Attach every listener to `app`, each guarded: a failure after the ack is told to
    the person and logged, never left to Bolt (see `handlers.common.guarded`)."""
    app.command(commands.COMMAND)(guarded("command", commands.on_osce))
    app.action(actions.SHARE_ACTION)(guarded("share", actions.on_share))
    app.action(actions.OPEN_PATTERN)(guarded("open", actions.on_open))
    app.action(feedback.FEEDBACK_PATTERN)(guarded("feedback", feedback.on_feedback))
    app.action(feedback.PICK_PATTERN)(guarded("pick", feedback.on_pick))
    app.event("app_mention")(guarded("mention", events.on_mention))
    app.event("message")(guarded("dm", events.on_message))
    # Home tab, search modal, message shortcut
    app.event("app_home_opened")(guarded("home", home.on_home_opened))
    app.action(home.HOME_PAGE_PATTERN)(guarded("home", home.on_home_page))
    app.action(home.HOME_SEARCH_ACTION)(guarded("search", search.on_home_search))
    app.shortcut(search.SEARCH_SHORTCUT)(guarded("search", search.on_search_shortcut))
    app.options(search.PICK_ACTION)(guarded("suggest", search.on_suggest))
    app.action(search.PICK_ACTION)(guarded("search", search.on_pick))
    app.action(search.VIEW_CARD_PATTERN)(guarded("search", search.on_pick))
    app.view(search.SEARCH_VIEW)(guarded("search", search.on_submit))
    app.shortcut(shortcuts.ASK_MESSAGE)(guarded("shortcut", shortcuts.on_ask_message))
