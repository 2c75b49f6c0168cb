"""The search modal: opened by the `osce_search` shortcut, the Home tab's button or a bare
`/osce`; filled as the person types (block_suggestion); a pick shows the card; the
submission posts it visibly, once."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from typing import TYPE_CHECKING, Any

from slack_sdk.errors import SlackApiError

from bot.answers import Answer
from bot.cards import Card
from bot.slack import errors
from bot.slack.blocks import Blocks, shared
from bot.slack.text import escape
from bot.slack.views import (
    CHANNEL_ACTION,
    CHANNEL_BLOCK,
    MAX_OPTIONS,
    PICK_ACTION,
    SEARCH_VIEW,
    VIEW_CARD_ACTION,
    Meta,
    card_modal,
    gone_modal,
    search_modal,
    status_modal,
)
from handlers.common import log_request, message, renderer_of, services_of

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext
    from slack_sdk.web.async_client import AsyncWebClient

__all__ = [
    "PICK_ACTION",
    "SEARCH_SHORTCUT",
    "SEARCH_VIEW",
    "VIEW_CARD_PATTERN",
    "on_home_search",
    "on_pick",
    "on_search_shortcut",
    "on_submit",
    "on_suggest",
    "open_search",
]

SEARCH_SHORTCUT = "osce_search"  # the global shortcut's callback_id (manifest.yml)
VIEW_CARD_PATTERN = re.compile(rf"^{re.escape(VIEW_CARD_ACTION)}(:.*)?$")
PICK_A_CHANNEL = "Choose where to post the card."
NOT_POSTED = "Slack did not take the post. Try again in a moment."
VIA = "from the osce search"
CONVERSATION_ID = re.compile(r"^[A-Z0-9]{2,32}$")  # what conversations_select hands back

log = logging.getLogger("osce.search")


async def open_search(client: AsyncWebClient, trigger_id: object, channel: str | None) -> bool:
    """Open the empty search modal; False when Slack refuses (an expired trigger_id)."""
    if not isinstance(trigger_id, str) or not trigger_id:
        return False
    try:
        await client.views_open(trigger_id=trigger_id, view=search_modal(channel))
    except SlackApiError as exc:
        log.warning("views.open refused: %s", errors.error_code(exc))
        return False
    return True


async def on_search_shortcut(
    ack: AsyncAck, shortcut: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    started = time.perf_counter()
    opened = await open_search(client, shortcut.get("trigger_id"), None)
    log_request(context, "search_shortcut", "open" if opened else "refused", started)


async def on_home_search(
    ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    await ack()
    started = time.perf_counter()
    opened = await open_search(client, body.get("trigger_id"), None)
    log_request(context, "home_search", "open" if opened else "refused", started)


async def on_suggest(ack: AsyncAck, payload: dict[str, Any], context: AsyncBoltContext) -> None:
    """block_suggestion: the best cards' titles for what is typed so far (no options for junk)."""
    started = time.perf_counter()
    cards = services_of(context).answerer.suggest(payload.get("value"), MAX_OPTIONS)
    await ack(options=renderer_of(context).options(cards[:MAX_OPTIONS]))
    log_request(context, "suggest", "options" if cards else "no_options", started)


async def on_pick(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """A card chosen in the select (or a related card's button): show it in the modal."""
    await ack()
    started = time.perf_counter()
    view = body.get("view") or {}
    chosen = _dig(action, "selected_option", "value") or action.get("value")
    meta = Meta.load(view.get("private_metadata"))
    corpus = services_of(context).corpus
    card = corpus.get(chosen) if isinstance(chosen, str) else None
    if card is None:
        new_view = gone_modal(meta.channel)
    else:
        new_view = card_modal(corpus, card, _blocks(context, card), meta.channel)
    try:
        # the hash makes Slack refuse an update based on a view that changed meanwhile
        # (a quicker second pick): the newer pick wins, this one is dropped
        await client.views_update(view_id=view.get("id"), hash=view.get("hash"), view=new_view)
    except SlackApiError as exc:
        if errors.error_code(exc) != "hash_conflict":
            raise
        log_request(context, "pick", "superseded", started)
        return
    log_request(
        context, "pick", "card" if card else "gone", started, card=card.id if card else None
    )


async def on_submit(
    ack: AsyncAck,
    body: dict[str, Any],
    view: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    """The "Post to channel" button: post the card visibly, once per submitted view.

    A double click sends the same view (same id and hash) twice; the store's claim lets one
    through. The ack replaces the modal at once ("Posting…"), which gives the view a new
    hash, so after a refusal (the bot not in that channel) a new submission is a new claim.
    """
    started = time.perf_counter()
    services = services_of(context)
    meta = Meta.load(view.get("private_metadata"))
    card = services.corpus.get(meta.card) if meta.card else None
    if card is None:
        await ack(response_action="update", view=gone_modal(meta.channel))
        log_request(context, "post", "gone", started)
        return
    channel = _dig(view, "state", "values", CHANNEL_BLOCK, CHANNEL_ACTION, "selected_conversation")
    if not isinstance(channel, str) or not CONVERSATION_ID.match(channel):
        await ack(response_action="errors", errors={CHANNEL_BLOCK: PICK_A_CHANNEL})
        log_request(context, "post", "no_channel", started)
        return
    key = f"view:{view.get('id')}:{view.get('hash')}"[:128]
    if not await asyncio.to_thread(services.store.claim_event, key):
        await ack()
        log_request(context, "post", "duplicate", started, card=card.id)
        return
    await ack(response_action="update", view=status_modal("Posting…", meta))
    user = str(body.get("user", {}).get("id", ""))
    try:
        await client.chat_postMessage(
            **message(shared(services.corpus, card, user, via=VIA), channel=channel)
        )
    except SlackApiError as exc:
        hint = errors.user_hint(exc)
        if hint is None:
            log.warning("chat.postMessage refused: %s", errors.error_code(exc))
        retry = card_modal(
            services.corpus, card, _blocks(context, card), channel, error=hint or NOT_POSTED
        )
        await client.views_update(view_id=view.get("id"), view=retry)
        log_request(context, "post", "cannot_post", started, card=card.id)
        return
    done = status_modal(f"Posted “{escape(card.title)}” in <#{channel}>.", meta)
    await client.views_update(view_id=view.get("id"), view=done)
    log_request(context, "post", "card", started, card=card.id)


def _dig(data: object, *keys: str) -> object:
    """`data[k1][k2]...`, or None where a level is missing or not a mapping (a hand-made
    payload gets the clear reply for a missing value, never a traceback)."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _blocks(context: AsyncBoltContext, card: Card) -> Blocks:
    """The card's blocks exactly as the bot answers it (rendered once, cached)."""
    return renderer_of(context).reply(Answer(card.id, "card", card)).blocks
