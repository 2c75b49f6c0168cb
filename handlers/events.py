"""Mentions in channels (answered in their thread) and direct messages (answered in the DM).

Bolt acks events itself before calling these (process_before_response=False).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.slack.events import dm_thread, is_channel_mention, is_dm_question, mention_thread
from handlers.common import (
    claim,
    log_answer,
    log_request,
    message,
    query_id_for,
    record_query,
    renderer_of,
    services_of,
)

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncBoltContext
    from slack_sdk.web.async_client import AsyncWebClient


async def on_mention(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    if is_channel_mention(event, context.bot_user_id):
        await _reply(context, "mention", event, body, client, mention_thread(event))


async def on_message(
    event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    # registered for every message event so none is left "unhandled" (Bolt would answer
    # 404 and Slack would retry it); only a person's DM gets a reply
    if is_dm_question(event, context.bot_user_id):
        await _reply(context, "dm", event, body, client, dm_thread(event))


async def _reply(
    context: AsyncBoltContext,
    surface: str,
    event: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    thread_ts: str | None,
) -> None:
    """Answer once per event (retries and other replicas lose the claim), where it was asked."""
    started = time.perf_counter()
    services = services_of(context)
    if not await claim(services, body):
        log_request(context, surface, "duplicate", started)
        return
    ans = services.answerer.answer(event.get("text") or "")
    query_id = query_id_for(services, ans)
    reply = renderer_of(context).reply(ans, query_id)
    await client.chat_postMessage(**message(reply, channel=event["channel"], thread_ts=thread_ts))
    log_answer(context, surface, ans, started)
    await record_query(services, query_id, surface, ans)
