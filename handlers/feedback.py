"""Feedback on a card answer: "Helpful", "Not what I asked", and the card chosen after it.

Everything here answers only the person who clicked (ephemeral, through the response URL),
so feedback on a thread or DM reply changes nothing others see.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from bot.slack.blocks import (
    FEEDBACK_ACTION,
    HELPFUL_ACTION,
    NONE_FIT_ACTION,
    PICK_ACTION,
    THANKS,
    alternatives_reply,
    parse_choice,
)
from bot.state.querylog import HELPFUL, NONE_FIT, NOT_ASKED
from handlers.actions import show_chosen
from handlers.common import (
    log_request,
    logged_query,
    message,
    record_reaction,
    services_of,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext, AsyncRespond

__all__ = ["FEEDBACK_PATTERN", "PICK_PATTERN", "on_feedback", "on_pick"]

FEEDBACK_PATTERN = re.compile(rf"^{re.escape(FEEDBACK_ACTION)}:(helpful|not_asked)$")
PICK_PATTERN = re.compile(rf"^{re.escape(PICK_ACTION)}:(\d+|none)$")


async def on_feedback(
    ack: AsyncAck,
    action: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    await ack()
    started = time.perf_counter()
    services = services_of(context)
    query_id, card_id = parse_choice(str(action.get("value", "")))
    if action.get("action_id") == HELPFUL_ACTION:
        await respond(text=THANKS, response_type="ephemeral", replace_original=False)
        log_request(context, "feedback", HELPFUL, started, card=card_id or None)
        await record_reaction(services, query_id, context.user_id, feedback=HELPFUL)
        return
    # the next best cards for what was asked: the query is read back from the log by id, so
    # the button never had to carry the person's words
    logged = await logged_query(services, query_id)
    cards = services.answerer.alternatives(logged.query if logged else "", card_id)
    reply = alternatives_reply(query_id, cards)
    await respond(**message(reply, response_type="ephemeral", replace_original=False))
    log_request(context, "feedback", NOT_ASKED, started, card=card_id or None)
    await record_reaction(services, query_id, context.user_id, feedback=NOT_ASKED)


async def on_pick(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    respond: AsyncRespond,
    context: AsyncBoltContext,
) -> None:
    """A card (or "None of these") chosen from the alternatives: show it, record the choice."""
    await ack()
    started = time.perf_counter()
    services = services_of(context)
    query_id, card_id = parse_choice(str(action.get("value", "")))
    if action.get("action_id") == NONE_FIT_ACTION or not card_id:
        in_place = bool(body.get("container", {}).get("is_ephemeral"))
        text = f"{THANKS} `/osce list` shows every topic I have a card for."
        await respond(text=text, response_type="ephemeral", replace_original=in_place)
        log_request(context, "pick", NONE_FIT, started)
        await record_reaction(services, query_id, context.user_id, feedback=NONE_FIT)
        return
    await show_chosen(context, respond, body, "pick", query_id, card_id, started)
