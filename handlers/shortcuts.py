"""The message shortcut "Ask osce about this message": the message's text through the same
answer as `/osce`, shown only to the person who used it, where the message is."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.slack import errors
from handlers.common import log_answer, log_request, renderer_of, services_of

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

ASK_MESSAGE = "osce_ask_message"  # the message shortcut's callback_id (manifest.yml)
NO_TEXT = (
    "That message has no text I can read (only files, images or mentions?). "
    "Try `/osce` with a few words instead."
)


async def on_ask_message(
    ack: AsyncAck,
    shortcut: dict[str, Any],
    client: AsyncWebClient,
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await ack()
    started = time.perf_counter()
    msg = shortcut.get("message") or {}
    channel = (shortcut.get("channel") or {}).get("id")
    user = (shortcut.get("user") or {}).get("id")
    if not channel or not user:
        log_request(context, "ask_message", "no_channel", started)
        return
    text = msg.get("text") if isinstance(msg.get("text"), str) else ""
    ans = services_of(context).answerer.answer(text)
    thread_ts = msg.get("thread_ts") if isinstance(msg.get("thread_ts"), str) else None
    if ans.kind == "empty":
        kwargs: dict[str, Any] = {"text": NO_TEXT}
    else:
        reply = renderer_of(context).ephemeral(ans)
        kwargs = {"text": reply.text, "blocks": list(reply.blocks)}
    try:
        await client.chat_postEphemeral(
            channel=channel, user=user, **kwargs, **({"thread_ts": thread_ts} if thread_ts else {})
        )
    except SlackApiError as exc:
        # not in the channel (or a DM the bot is not part of): the shortcut's response_url
        # still reaches the person, outside the thread
        hint = errors.user_hint(exc)
        if hint is None or respond is None:
            raise
        await respond(**kwargs, response_type="ephemeral")
        log_request(context, "ask_message", "via_response_url", started)
        return
    if ans.kind == "empty":
        log_request(context, "ask_message", "no_text", started)
    else:
        log_answer(context, "ask_message", ans, started)
