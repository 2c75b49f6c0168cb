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
from bot.slack.blocks import Reply, did_you_mean
from bot.slack.daily_blocks import render as render_daily
from bot.slack.text import user_mention
from handlers.common import (
    SOMETHING_WRONG,
    log_answer,
    log_request,
    message,
    query_id_for,
    record_query,
    renderer_of,
    request_key,
    services_of,
)
from handlers.search import open_search

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
        key = invocation_key(command)
        # A replay seen by this process is acked empty at once. Otherwise the claim goes to
        # the database with the next batch and the answer does not wait for it: an ack
        # returns to whoever sent the request, never into Slack, so a replay that reached
        # another replica can at most read a card. Everything else the command causes (a
        # log row, a subscription, a modal, a later reply) waits for the claim.
        claim = services.writer.claim_soon(key) if key is not None else None
        if key is not None and claim is None:
            await ack()  # a replay: acked, never answered twice
            log_request(context, "command", "duplicate", started)
            return
        cmd = services.answerer.command(command.get("text") or "")
        # a bare `/osce` opens the search modal (`/osce help` still answers with help; so
        # does a bare `/osce` when Slack refuses the modal)
        bare = cmd.answer is not None and cmd.answer.kind == "empty"
        query_id = None
        reply: Reply | None = None
        if cmd.answer is not None and not bare:
            query_id = query_id_for(services, cmd.answer)
            reply = renderer_of(context).ephemeral(cmd.answer, query_id)
        elif cmd.action == "today":
            reply = render_daily(
                services.corpus, post_for(services.corpus, today_in(services.settings.daily_tz))
            )
    except Exception:
        # the ack is still owed within 3 s: say so plainly rather than let Slack show an error
        log.exception("command failed before its ack")
        await ack(text=FAILED, response_type="ephemeral")
        return
    if reply is None and claim is not None:
        try:
            first = await claim
        except Exception:
            log.exception("command failed before its ack")
            await ack(text=FAILED, response_type="ephemeral")
            return
        if not first:
            await ack()  # another replica has this invocation: its effects happen there
            log_request(context, "command", "duplicate", started)
            return
    if bare:
        await ack()  # the modal needs the trigger, not an answer
        if await open_search(client, command.get("trigger_id"), command.get("channel_id")):
            log_request(context, "command", "search", started)
            return
        assert cmd.answer is not None
        help_reply = renderer_of(context).ephemeral(cmd.answer)
        await respond(**message(help_reply, response_type="ephemeral"))
        log_answer(context, "command", cmd.answer, started)
    elif reply is not None:
        # the whole response as JSON text, serialised once per cached reply: Bolt sends a
        # body that starts with "{" as application/json, in HTTP and in Socket Mode alike
        await ack(text=reply.ephemeral_json)
        if cmd.answer is not None:
            log_answer(context, "command", cmd.answer, started)
            if claim is None or await _quietly_won(claim):  # a replay is not counted twice
                await record_query(services, query_id, "command", cmd.answer)
        else:
            log_request(context, "command", cmd.action, started)
    elif cmd.action == "did_you_mean":
        await ack(text=did_you_mean(cmd.meant), response_type="ephemeral")
        log_request(context, "command", "did_you_mean", started)
    elif cmd.action == "bad_time":
        await ack(text=BAD_TIME, response_type="ephemeral")
        log_request(context, "command", "bad_time", started)
    elif cmd.action == "subscribe":
        await ack()  # the result needs a Web API call and the database: it comes by respond
        assert cmd.at is not None
        ok = await _subscribe(services, cmd.at, command, respond, client)
        log_request(context, "command", "subscribe" if ok else "cannot_post", started)
    else:
        await ack()  # a database write, whose time (a lock, a remote server) we cannot promise
        removed = await asyncio.to_thread(services.store.unsubscribe, command["channel_id"])
        text = (
            "Unsubscribed: no more daily posts in this channel."
            if removed
            else "This channel was not subscribed to the daily post."
        )
        await respond(text=text, response_type="ephemeral")
        log_request(context, "command", "unsubscribe", started)


async def _quietly_won(claim: asyncio.Future[bool]) -> bool:
    """The claim's outcome after the answer went out; a database failure only means the
    question is not logged (the person has their answer; the writer logged the failure)."""
    try:
        return await claim
    except Exception:
        return False


def invocation_key(command: dict[str, Any]) -> str | None:
    """One invocation of `/osce`. Slack never retries a slash command, so the same signed
    request twice is a replay (anyone who saw it can resend it for 5 minutes). trigger_id
    and response_url are minted by Slack per invocation, so two genuine invocations with
    the same text differ; team, user, command and text are part of the key so that a
    replay cannot be confused with someone else's request. None when Slack sent neither
    (not from Slack: nothing to key on)."""
    trigger, url = command.get("trigger_id"), command.get("response_url")
    if not trigger and not url:
        return None
    return request_key(
        "command",
        command.get("team_id"),
        command.get("user_id"),
        command.get("command"),
        command.get("text"),
        trigger,
        url,
    )


async def _subscribe(
    services: Services,
    at: dt.time,
    command: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
) -> bool:
    """Post a visible confirmation first: it proves the bot may post here, so a channel it
    cannot reach is reported now and not discovered silently at the first daily post.
    Any refusal is told to the person: the hint when it is theirs to fix, else the code."""
    channel, tz = command["channel_id"], services.settings.daily_tz
    when = f"every day at {at:%H:%M} ({tz})"
    try:
        await client.chat_postMessage(
            channel=channel,
            text=f"{user_mention(str(command.get('user_id', '')))} subscribed this channel to "
            f"the daily “on this date” post, {when}. `/osce unsubscribe` stops it.",
        )
    except SlackApiError as exc:
        code = errors.error_code(exc)
        hint = errors.user_hint(exc) or SOMETHING_WRONG.format(code=code)
        await respond(text=hint, response_type="ephemeral")
        return False
    await asyncio.to_thread(services.store.subscribe, channel, at, tz)
    await respond(text=f"Subscribed: the daily post will come {when}.", response_type="ephemeral")
    return True
