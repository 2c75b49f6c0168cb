"""What every listener shares: the services from Bolt's context, claiming events, the log line."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from bot.answers import Answer
from bot.services import Services
from bot.slack.blocks import Renderer, Reply
from bot.state.querylog import LOGGED_KINDS, Logged, logged_text, new_query_id, utc_today

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncBoltContext

log = logging.getLogger("osce.request")
T = TypeVar("T")


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


def query_id_for(services: Services, ans: Answer) -> str | None:
    """An id for the query log when this answer is to be logged (a question, logging on)."""
    queries = services.queries
    if queries is None or not queries.enabled or ans.kind not in LOGGED_KINDS:
        return None
    return new_query_id()


async def record_query(services: Services, query_id: str | None, surface: str, ans: Answer) -> None:
    """Log an answer's outcome; called after the reply is sent, so it never delays it."""
    if query_id is None or services.queries is None:
        return
    entry = Logged(
        query_id,
        utc_today(),
        surface,
        ans.kind,
        ans.card.id if ans.card else None,
        ans.score,
        logged_text(ans.query),
    )
    await _quietly(services.queries.record, entry)


async def record_reaction(
    services: Services,
    query_id: str,
    user_id: str | None,
    *,
    feedback: str | None = None,
    chosen: str | None = None,
) -> None:
    """Log a person's feedback or choice (keyed-hashed by the query log, never stored raw)."""
    if services.queries is None or not query_id or not user_id:
        return
    await _quietly(services.queries.react, query_id, user_id, feedback=feedback, chosen=chosen)


async def logged_query(services: Services, query_id: str) -> Logged | None:
    """The logged outcome behind a button, or None (logging off, pruned, or the DB failing)."""
    if services.queries is None or not query_id:
        return None
    return await _quietly(services.queries.query_of, query_id)


async def _quietly(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
    """The query log off the event loop; a failure is logged, never raised into a reply."""
    try:
        return await asyncio.to_thread(fn, *args, **kwargs)
    except Exception as exc:  # the log must never cost a person their answer
        log.warning("query log unavailable: %s", type(exc).__name__)
        return None


def message(reply: Reply, **extra: Any) -> dict[str, Any]:
    """Keyword arguments for chat.postMessage / respond. Card links are not unfurled: the
    card already shows the passage, and a preview of a UN page would bury it."""
    return {
        "text": reply.text,
        "blocks": list(reply.blocks),
        "unfurl_links": False,
        "unfurl_media": False,
        **extra,
    }


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
