"""`/osce TEXT`: ack at once, then answer ephemerally through the command's response_url."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot import render
from bot.answers import Reply
from bot.commands import Command, parse_command
from handlers.common import answer, cannot_post_hint, log_answer, log_request, message

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.app import Services

COMMAND = "/osce"
BAD_TIME = "Give the time as HH:MM on a 24-hour clock, for example `/osce subscribe 08:30`."


def register(app: AsyncApp, services: Services) -> None:
    @app.command(COMMAND)
    async def on_osce(
        ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()  # first, always: Slack gives up after 3 seconds
        started = time.perf_counter()
        cmd = parse_command(command.get("text") or "")
        if cmd.action == "answer":
            ans = answer(services, cmd.query)
            await respond(**message(render.ephemeral(ans), response_type="ephemeral"))
            log_answer("command", ans, started)
        elif cmd.action == "today":
            await respond(**message(await _today(services), response_type="ephemeral"))
            log_request("command", "today", started)
        elif cmd.action == "bad_time":
            await respond(text=BAD_TIME, response_type="ephemeral")
            log_request("command", "bad_time", started)
        elif cmd.action == "subscribe":
            await _subscribe(services, cmd, command, respond, client)
            log_request("command", "subscribe", started)
        else:
            removed = await asyncio.to_thread(services.store.unsubscribe, command["channel_id"])
            text = (
                "Unsubscribed: no more daily posts in this channel."
                if removed
                else "This channel was not subscribed to the daily post."
            )
            await respond(text=text, response_type="ephemeral")
            log_request("command", "unsubscribe", started)


async def _today(services: Services) -> Reply:
    from bot.daily import post_for
    from bot.daily_cli import today_in

    today = today_in(services.settings.daily_tz)
    return (await asyncio.to_thread(post_for, services.corpus, today)).reply


async def _subscribe(
    services: Services,
    cmd: Command,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    """Post a visible confirmation first: it proves the bot may post here, so a channel it
    cannot reach is reported now and not discovered silently at the first daily post."""
    assert cmd.at is not None
    channel, tz = command["channel_id"], services.settings.daily_tz
    when = f"every day at {cmd.at:%H:%M} ({tz})"
    try:
        await client.chat_postMessage(
            channel=channel,
            text=f"<@{command['user_id']}> subscribed this channel to the daily "
            f"“on this date” post, {when}. `/osce unsubscribe` stops it.",
        )
    except SlackApiError as exc:
        hint = cannot_post_hint(exc)
        if hint is None:
            raise
        await respond(text=hint, response_type="ephemeral")
        return
    await asyncio.to_thread(services.store.subscribe, channel, cmd.at, tz)
    await respond(text=f"Subscribed: the daily post will come {when}.", response_type="ephemeral")
