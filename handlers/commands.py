"""`/osce TEXT`: ack at once, then answer ephemerally through the command's response_url."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.daily.calendar import post_for
from bot.daily.schedule import today_in
from bot.services import Services
from bot.slack import errors
from bot.slack.daily_blocks import render as render_daily
from handlers.common import (
    log_answer,
    log_request,
    message,
    query_id_for,
    record_query,
    renderer_of,
    services_of,
)

if TYPE_CHECKING:
    import datetime as dt

    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

COMMAND = "/osce"
BAD_TIME = "Give the time as HH:MM on a 24-hour clock, for example `/osce subscribe 08:30`."


async def on_osce(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()  # first, always: Slack gives up after 3 seconds
    started = time.perf_counter()
    services = services_of(context)
    cmd = services.answerer.command(command.get("text") or "")
    if cmd.answer is not None:
        query_id = query_id_for(services, cmd.answer)
        reply = renderer_of(context).ephemeral(cmd.answer, query_id)
        await respond(**message(reply, response_type="ephemeral"))
        log_answer("command", cmd.answer, started)
        await record_query(services, query_id, "command", cmd.answer)
    elif cmd.action == "today":
        post = post_for(services.corpus, today_in(services.settings.daily_tz))
        await respond(**message(render_daily(services.corpus, post), response_type="ephemeral"))
        log_request("command", "today", started)
    elif cmd.action == "bad_time":
        await respond(text=BAD_TIME, response_type="ephemeral")
        log_request("command", "bad_time", started)
    elif cmd.action == "subscribe":
        assert cmd.at is not None
        await _subscribe(services, cmd.at, command, respond, client)
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


async def _subscribe(
    services: Services,
    at: dt.time,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> None:
    """Post a visible confirmation first: it proves the bot may post here, so a channel it
    cannot reach is reported now and not discovered silently at the first daily post."""
    channel, tz = command["channel_id"], services.settings.daily_tz
    when = f"every day at {at:%H:%M} ({tz})"
    try:
        await client.chat_postMessage(
            channel=channel,
            text=f"<@{command['user_id']}> subscribed this channel to the daily "
            f"“on this date” post, {when}. `/osce unsubscribe` stops it.",
        )
    except SlackApiError as exc:
        hint = errors.user_hint(exc)
        if hint is None:
            raise
        await respond(text=hint, response_type="ephemeral")
        return
    await asyncio.to_thread(services.store.subscribe, channel, at, tz)
    await respond(text=f"Subscribed: the daily post will come {when}.", response_type="ephemeral")
