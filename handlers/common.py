"""What every listener shares: the services from Bolt's context, claiming events and
requests, telling the person when something failed, the log line and the metrics."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from slack_sdk.errors import SlackApiError

from bot.answers import Answer
from bot.services import Services
from bot.slack import errors
from bot.slack.blocks import Renderer
from bot.slack.reply import NO_UNFURL, Reply
from bot.state.querylog import LOGGED_KINDS, Logged, logged_text, new_query_id, utc_today

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncBoltContext

    from bot.slack.metrics import Metrics

log = logging.getLogger("osce.request")
T = TypeVar("T")

SOMETHING_WRONG = (
    "Something went wrong posting to this channel ({code}); an admin can check the logs."
)
FAILED = "Something went wrong answering that ({code}); an admin can check the logs."


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
    return await services.writer.claim(str(event_id))


def request_key(kind: str, *parts: object) -> str:
    """A de-duplication key for the Store's seen-ids table: a hash, because the parts include
    what the person typed, which must not be stored, and may be longer than the column."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"{kind}:{digest}"


async def first_time(services: Services, key: str) -> bool:
    """True the first time `key` is claimed by any replica (the same table as event ids)."""
    return await services.writer.claim(key)


def metrics_of(context: AsyncBoltContext) -> Metrics | None:
    return context.get("metrics")


def failure_code(exc: BaseException) -> str:
    """Slack's error code (from the one table's reader), else the exception's type name."""
    if isinstance(exc, SlackApiError):
        return errors.error_code(exc)
    return type(exc).__name__


def guarded(
    surface: str, listener: Callable[..., Awaitable[None]]
) -> Callable[..., Awaitable[None]]:
    """Run a listener so that an exception after its ack never reaches Bolt.

    Bolt (process_before_response=False) overwrites the ack's response with None when a
    listener raises within ~10 ms of acking, then answers Slack 404 after 3 s ("didn't
    call ack()") and Slack shows the person an error; and the person is told nothing. Here
    the failure is logged (one line plus the traceback: it is a bug or an outage) and the
    person gets an ephemeral line with the error code when there is a response_url.
    `functools.wraps` keeps the signature, which Bolt reads to pass arguments by name.
    """

    @functools.wraps(listener)
    async def run(**kwargs: Any) -> None:
        started = time.perf_counter()
        try:
            await listener(**kwargs)
        except Exception as exc:
            code = failure_code(exc)
            context = kwargs.get("context")
            if isinstance(exc, SlackApiError):  # Slack said no: the code is the whole story
                log.error("%s kind=error error=%s", surface, code)
            else:  # a bug or an outage: the traceback is what the operator needs
                log.exception("%s kind=error error=%s", surface, code)
            if context is not None:
                _count(context, surface, "error", started)
                respond = context.get("respond")
                if respond is not None:
                    with contextlib.suppress(Exception):
                        await respond(
                            text=FAILED.format(code=code),
                            response_type="ephemeral",
                            replace_original=False,
                        )

    return run


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
    services.writer.record(entry)  # written with the next batch; never awaited by a reply


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
    """Keyword arguments for chat.postMessage / respond (links not unfurled)."""
    return {"text": reply.text, "blocks": list(reply.blocks), **NO_UNFURL, **extra}


def _count(context: AsyncBoltContext, surface: str, kind: str, started: float) -> None:
    metrics = metrics_of(context)
    if metrics is not None:
        metrics.request(surface, kind, time.perf_counter() - started)


def log_request(
    context: AsyncBoltContext,
    surface: str,
    kind: str,
    started: float,
    *,
    card: str | None = None,
    score: float | None = None,
) -> None:
    """One line per request, and its metrics; never the message text or a token."""
    _count(context, surface, kind, started)
    log.info(
        "%s kind=%s card=%s score=%s ms=%.1f",
        surface,
        kind,
        card or "-",
        "-" if score is None else f"{score:.3f}",
        (time.perf_counter() - started) * 1000,
    )


def log_answer(context: AsyncBoltContext, surface: str, ans: Answer, started: float) -> None:
    metrics = metrics_of(context)
    if metrics is not None:
        metrics.match(ans.kind)
    log_request(
        context, surface, ans.kind, started, card=ans.card.id if ans.card else None, score=ans.score
    )
