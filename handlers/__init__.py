"""Slack listeners: parse what Slack sent, call the core, send the reply. Nothing else.

Listeners are module-level functions (as in Bolt's starter template), so tests call them
with fakes for `ack`, `respond`, `say` and `client`; they find the core's `Services` and the
renderer in Bolt's context, put there by `bot.slack.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handlers import actions, commands, events, feedback

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """Attach every listener to `app`."""
    app.command(commands.COMMAND)(commands.on_osce)
    app.action(actions.SHARE_ACTION)(actions.on_share)
    app.action(actions.OPEN_PATTERN)(actions.on_open)
    app.action(feedback.FEEDBACK_PATTERN)(feedback.on_feedback)
    app.action(feedback.PICK_PATTERN)(feedback.on_pick)
    app.event("app_mention")(events.on_mention)
    app.event("message")(events.on_message)
