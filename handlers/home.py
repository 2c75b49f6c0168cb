"""The app's Home tab: published when someone opens it, republished a page on for "Show more"."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING, Any

from bot.slack.views import HOME_PAGE_ACTION, HOME_SEARCH_ACTION, home_view
from handlers.common import log_request, services_of

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncAck, AsyncBoltContext
    from slack_sdk.web.async_client import AsyncWebClient

__all__ = ["HOME_PAGE_PATTERN", "HOME_SEARCH_ACTION", "on_home_opened", "on_home_page"]

# "Show more" and "First page" (action_ids unique within their block)
HOME_PAGE_PATTERN = re.compile(rf"^{re.escape(HOME_PAGE_ACTION)}(:.*)?$")

MAX_PAGE_DIGITS = 6  # a page number from a button; anything longer was not ours


async def on_home_opened(
    event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
) -> None:
    """Bolt acks the event; publishing the same view twice (Slack's retry) is harmless."""
    if event.get("tab") != "home" or not event.get("user"):
        return  # the Messages tab is the DM, answered by the message listener
    started = time.perf_counter()
    await _publish(client, context, str(event["user"]), 0)
    log_request(context, "home", "published", started)


async def on_home_page(
    ack: AsyncAck,
    action: dict[str, Any],
    body: dict[str, Any],
    client: AsyncWebClient,
    context: AsyncBoltContext,
) -> None:
    await ack()
    started = time.perf_counter()
    value = str(action.get("value", ""))
    page = int(value) if value.isdigit() and len(value) <= MAX_PAGE_DIGITS else 0
    user = body.get("user", {}).get("id")
    if user:
        await _publish(client, context, str(user), page)
    log_request(context, "home", f"page_{page}", started)


async def _publish(client: AsyncWebClient, context: AsyncBoltContext, user: str, page: int) -> None:
    services = services_of(context)
    subscriptions = await asyncio.to_thread(services.store.subscriptions)
    await client.views_publish(user_id=user, view=home_view(services.corpus, subscriptions, page))
