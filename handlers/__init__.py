"""Slack listeners: parse what Slack sent, call the core, send the reply. Nothing else.

Every decision that could be wrong (which subcommand, whether an event is ours to answer,
which thread) is a pure function in the core, `bot.commands`, testable without Slack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.app import Services


def register(app: AsyncApp, services: Services) -> None:
    """Attach every listener to `app`; imported lazily so importing `handlers` needs no Slack."""
    from handlers import actions, commands, events

    commands.register(app, services)
    actions.register(app, services)
    events.register(app, services)
