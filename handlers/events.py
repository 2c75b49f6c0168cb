"""Mentions in channels (answered in their thread) and direct messages (answered in the DM)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from bot.commands import dm_thread, is_channel_mention, is_dm_question, mention_thread
from handlers.common import answer, claim, log_answer, log_request, message

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp, AsyncBoltContext
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.app import Services


def register(app: AsyncApp, services: Services) -> None:
    # Bolt acks events itself before calling these (process_before_response=False).

    @app.event("app_mention")
    async def on_mention(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        if is_channel_mention(event, context.bot_user_id):
            await _reply(services, "mention", event, body, client, mention_thread(event))

    @app.event("message")
    async def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        # registered for every message event so none is left "unhandled" (Bolt would answer
        # 404 and Slack would retry it); only a person's DM gets a reply
        if is_dm_question(event, context.bot_user_id):
            await _reply(services, "dm", event, body, client, dm_thread(event))


async def _reply(
    services: Services,
    surface: str,
    event: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    thread_ts: str | None,
) -> None:
    """Answer once per event (retries and other replicas lose the claim), where it was asked."""
    started = time.perf_counter()
    if not await claim(services, body):
        log_request(surface, "duplicate", started)
        return
    ans = answer(services, event.get("text") or "")
    await client.chat_postMessage(
        **message(ans.reply, channel=event["channel"], thread_ts=thread_ts)
    )
    log_answer(surface, ans, started)
