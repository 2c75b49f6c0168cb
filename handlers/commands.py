"""`/osce TEXT`: the answer travels in the ack itself; response_url only for what comes later.

Slack shows an ack's body (`response_type`, `text`, `blocks`) at once, on the HTTP response
it was waiting for anyway, so a question costs no second request. Everything the ack can
carry is computed on the event loop in well under a millisecond (matching, cached
rendering). Subscribe and unsubscribe need the database and, for subscribe, a Web API call
whose time is not ours to promise: they ack empty and answer through `respond` (the
command's response_url).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.daily.calendar import post_for
from bot.daily.schedule import today_in
from bot.services import Services
from bot.slack import errors
from bot.slack.blocks import Reply
from bot.slack.daily_blocks import render as render_daily
from handlers.common import log_answer, log_request, renderer_of, services_of

if TYPE_CHECKING:
    import datetime as dt

    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

COMMAND = "/osce"
BAD_TIME = "Give the time as HH:MM on a 24-hour clock, for example `/osce subscribe 08:30`."
FAILED = "Sorry, something went wrong answering that. Please try again in a moment."

log = logging.getLogger("osce.request")


async def on_osce(
    ack: AsyncAck,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    started = time.perf_counter()
    services = services_of(context)
    try:
        cmd = services.answerer.command(command.get("text") or "")
        if cmd.answer is not None:
            reply: Reply | None = renderer_of(context).ephemeral(cmd.answer)
        elif cmd.action == "today":
            reply = render_daily(
                services.corpus, post_for(services.corpus, today_in(services.settings.daily_tz))
            )
        else:
            reply = None
    except Exception:
        # the ack is still owed within 3 s: say so plainly rather than let Slack show an error
        log.exception("command failed before its ack")
        await ack(text=FAILED, response_type="ephemeral")
        return
    if reply is not None:
        # the whole response as JSON text, serialised once per cached reply: Bolt sends a
        # body that starts with "{" as application/json, in HTTP and in Socket Mode alike
        await ack(text=reply.ephemeral_json)
        if cmd.answer is not None:
            log_answer("command", cmd.answer, started)
        else:
            log_request("command", cmd.action, started)
    elif cmd.action == "bad_time":
        await ack(text=BAD_TIME, response_type="ephemeral")
        log_request("command", "bad_time", started)
    elif cmd.action == "subscribe":
        await ack()  # the result needs a Web API call and the database: it comes by respond
        assert cmd.at is not None
        await _subscribe(services, cmd.at, command, respond, client)
        log_request("command", "subscribe", started)
    else:
        await ack()  # a database write, whose time (a lock, a remote server) we cannot promise
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
