"""What every listener shares: the services from Bolt's context, claiming events, the log line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bot.answers import Answer
from bot.services import Services
from bot.slack.blocks import NO_UNFURL, Renderer, Reply

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncBoltContext

log = logging.getLogger("osce.request")


def services_of(context: AsyncBoltContext) -> Services:
    return context["services"]


def renderer_of(context: AsyncBoltContext) -> Renderer:
    return context["renderer"]


async def claim(services: Services, body: Mapping[str, Any]) -> bool:
    """True if this delivery is the first of its event anywhere (all replicas share the DB).

    Slack retries an event it thinks was not acked (X-Slack-Retry-Num) with the same
    event_id; whichever replica claims it first answers, every other delivery is dropped.
    """
    event_id = body.get("event_id")
    if not event_id:
        return True
    return await asyncio.to_thread(services.store.claim_event, str(event_id))


def message(reply: Reply, **extra: Any) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / respond (links not unfurled)."""
    return {"text": reply.text, "blocks": list(reply.blocks), **NO_UNFURL, **extra}


def log_request(
    surface: str,
    kind: str,
    started: float,
    *,
    card: str | None = None,
    score: float | None = None,
) -> None:
    """One line per request; never the message text or a token."""
    log.info(
        "%s kind=%s card=%s score=%s ms=%.1f",
        surface,
        kind,
        card or "-",
        "-" if score is None else f"{score:.3f}",
        (time.perf_counter() - started) * 1000,
    )


def log_answer(surface: str, ans: Answer, started: float) -> None:
    log_request(surface, ans.kind, started, card=ans.card.id if ans.card else None, score=ans.score)
