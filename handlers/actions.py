"""Buttons: "Share in channel" on an ephemeral card, and the card buttons on suggestions."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.slack import errors
from bot.slack.blocks import OPEN_ACTION, SHARE_ACTION, parse_choice, shared
from handlers.common import (
    log_answer,
    log_request,
    message,
    record_reaction,
    renderer_of,
    services_of,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond
    from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["OPEN_PATTERN", "SHARE_ACTION", "on_open", "on_share"]

GONE = "That card is no longer available. Try `/osce list`."
# the renderer suffixes open buttons (`open_card:s0`) to keep action_ids unique in a block
OPEN_PATTERN = re.compile(rf"^{re.escape(OPEN_ACTION)}(:.*)?$")


async def on_share(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    started = time.perf_counter()
    services = services_of(context)
    card = services.corpus.get(str(action.get("value", "")))
    if card is None or not context.channel_id or not context.user_id:
        await respond(text=GONE, response_type="ephemeral", replace_original=False)
        log_request("share", "gone", started)
        return
    reply = shared(services.corpus, card, context.user_id)
    try:
        await client.chat_postMessage(**message(reply, channel=context.channel_id))
    except SlackApiError as exc:
        hint = errors.user_hint(exc)
        if hint is None:
            raise
        await respond(text=hint, response_type="ephemeral", replace_original=False)
        log_request("share", "cannot_post", started, card=card.id)
        return
    await respond(delete_original=True)  # the ephemeral copy is now redundant
    log_request("share", "card", started, card=card.id)


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
    # a suggestion after a miss carries its query's log id: the choice teaches the curator
    query_id, card_id = parse_choice(str(action.get("value", "")))
    ans = services.answerer.open(card_id)
    if ans is None:
        await respond(text=GONE, response_type="ephemeral", replace_original=False)
        log_request("open", "gone", started)
        return
    # an ephemeral list of suggestions is replaced by the card; under a visible message
    # (a mention's reply) the card goes to the person who clicked only
    in_place = bool(body.get("container", {}).get("is_ephemeral"))
    reply = renderer_of(context).ephemeral(ans)
    await respond(**message(reply, response_type="ephemeral", replace_original=in_place))
    log_answer("open", ans, started)
    await record_reaction(services, query_id, context.user_id, chosen=card_id)
