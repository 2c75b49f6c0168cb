"""Buttons: "Share in channel" on an ephemeral card, and the card buttons on suggestions."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.slack import errors
from bot.slack.blocks import OPEN_ACTION, SHARE_ACTION, parse_choice, shared
from handlers.common import (
    SOMETHING_WRONG,
    first_time,
    log_answer,
    log_request,
    message,
    record_reaction,
    renderer_of,
    request_key,
    services_of,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.services import Services

__all__ = ["OPEN_PATTERN", "SHARE_ACTION", "on_open", "on_share"]

GONE = "That card is no longer available. Try `/osce list`."
# the renderer suffixes open buttons (`open_card:s0`) to keep action_ids unique in a block
OPEN_PATTERN = re.compile(rf"^{re.escape(OPEN_ACTION)}(:.*)?$")


def press_key(action: dict[str, Any], body: dict[str, Any] | None) -> str | None:
    """One press of one button: a signed request replayed within Slack's 5 minutes carries
    the same action_ts, message and response_url; a second genuine press does not."""
    if not body:
        return None
    container = body.get("container") or {}
    user = (body.get("user") or {}).get("id")
    return request_key(
        "press",
        (body.get("team") or {}).get("id"),
        user,
        action.get("action_id"),
        action.get("action_ts"),
        container.get("message_ts"),
        body.get("response_url"),
    )


async def _first_press(services: Services, action: dict[str, Any], body: Any) -> bool:
    key = press_key(action, body)
    return key is None or await first_time(services, key)


async def on_share(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
    body: dict[str, Any] | None = None,
) -> None:
    await ack()
    started = time.perf_counter()
    services = services_of(context)
    if not await _first_press(services, action, body):
        log_request(context, "share", "duplicate", started)
        return
    card = services.corpus.get(str(action.get("value", "")))
    if card is None or not context.channel_id or not context.user_id:
        await respond(text=GONE, response_type="ephemeral", replace_original=False)
        log_request(context, "share", "gone", started)
        return
    # "Share" pressed twice on the same ephemeral message is two presses (two action_ts)
    # but one intent: the card is shared once per message, person and card
    message_ts = ((body or {}).get("container") or {}).get("message_ts")
    share_key = (
        request_key("share", context.channel_id, message_ts, card.id, context.user_id)
        if message_ts
        else None
    )
    if share_key and not await first_time(services, share_key):
        log_request(context, "share", "duplicate", started, card=card.id)
        return
    reply = shared(services.corpus, card, context.user_id)
    try:
        await client.chat_postMessage(**message(reply, channel=context.channel_id))
    except SlackApiError as exc:
        if share_key:  # not shared: pressing again (after /invite) must work
            await asyncio.to_thread(services.store.release_event, share_key)
        code = errors.error_code(exc)
        hint = errors.user_hint(exc) or SOMETHING_WRONG.format(code=code)
        await respond(text=hint, response_type="ephemeral", replace_original=False)
        log_request(context, "share", "cannot_post", started, card=card.id)
        return
    await respond(delete_original=True)  # the ephemeral copy is now redundant
    log_request(context, "share", "card", started, card=card.id)


async def on_open(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await ack()
    started = time.perf_counter()
    services = services_of(context)
    if not await _first_press(services, action, body):
        log_request(context, "open", "duplicate", started)
        return
    # a suggestion after a miss carries its query's log id: the choice teaches the curator
    query_id, card_id = parse_choice(str(action.get("value", "")))
    await show_chosen(context, respond, body, "open", query_id, card_id, started)


async def show_chosen(
    context: AsyncBoltContext,
    respond: AsyncRespond,
    body: dict[str, Any],
    surface: str,
    query_id: str,
    card_id: str,
    started: float,
) -> None:
    """A card chosen from buttons (a suggestion, an alternative): show it to the person who
    clicked, record the choice. An ephemeral list of buttons is replaced by the card; under
    a visible message (a mention's reply) the card goes to the person who clicked only."""
    services = services_of(context)
    ans = services.answerer.open(card_id)
    if ans is None:
        await respond(text=GONE, response_type="ephemeral", replace_original=False)
        log_request(context, surface, "gone", started)
        return
    in_place = bool(body.get("container", {}).get("is_ephemeral"))
    reply = renderer_of(context).ephemeral(ans)
    await respond(**message(reply, response_type="ephemeral", replace_original=in_place))
    log_answer(context, surface, ans, started)
    await record_reaction(services, query_id, context.user_id, chosen=card_id)
