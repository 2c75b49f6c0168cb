"""The weekly curator digest: last week's misses, proposals and disliked cards, posted to
CURATOR_CHANNEL on Monday 09:00 (DAILY_TZ), once per week across replicas.

Once-ness uses the daily post's claim (`Store.claim_post`, then `mark_posted`, or
`release_post` after a failure) under its own key, `digest:CHANNEL` and the week's Monday,
so a daily subscription of the same channel never shares its claim.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answerer
from bot.insights.digest import DIGEST_DAYS, digest_week, next_digest_wake
from bot.insights.report import Insights, build
from bot.slack.blocks import Reply
from bot.slack.text import MAX_BLOCKS, SECTION_MAX, cut, escape

if TYPE_CHECKING:
    from bot.state import QueryLog, Store

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
SHOWN = 5  # of each list: a digest is read in a minute; `bot insights` has the rest


def claim_key(channel: str) -> str:
    return f"digest:{channel}"[:64]


def render(insights: Insights, monday: dt.date) -> Reply:
    """The digest as Block Kit. Logged queries are folded (letters, digits, spaces) and
    escaped as well, so nothing anyone typed can ping, link or format here."""
    head = f"Questions of the week to {monday:%d %B %Y}"
    summary = (
        f"{insights.answered} answered, {insights.missed} missed in the last {DIGEST_DAYS} days."
    )
    parts = [
        (
            "*Most asked without an answer*",
            [f"• “{escape(q)}” ×{n}" for q, n in insights.misses[:SHOWN]],
        ),
        (
            "*Proposed questions* (`python -m bot insights --patch` adds them)",
            [
                f"• `{p.card}`: “{escape(p.query)}” ({p.evidence} people chose it)"
                for p in insights.proposals[:SHOWN]
            ],
        ),
        (
            "*Not what people asked*",
            [f"• `{c}` ×{n}" for c, n in insights.disliked[:SHOWN]],
        ),
    ]
    blocks: list[Block] = [
        HeaderBlock(text=head),
        SectionBlock(text=MarkdownTextObject(text=summary)),
    ]
    lines = [summary]
    for title, items in parts:
        if items:
            body = cut("\n".join([title, *items]), SECTION_MAX)
            blocks.append(SectionBlock(text=MarkdownTextObject(text=body)))
            lines.append(f"{title.strip('*')}: {len(items)}")
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text="`python -m bot insights` shows everything.")]
        )
    )
    return Reply(f"{head}: " + " ".join(lines), tuple(b.to_dict() for b in blocks[:MAX_BLOCKS]))


async def post_digest(
    store: Store,
    queries: QueryLog,
    answerer: Answerer,
    client: AsyncWebClient,
    channel: str,
    monday: dt.date,
) -> str:
    """Post the week's digest unless some replica has; returns the outcome for the log line."""
    key = claim_key(channel)
    if not await asyncio.to_thread(store.claim_post, key, monday):
        status = await asyncio.to_thread(store.post_status, key, monday)
        return "already_posted" if status and status[0] == "posted" else "in_progress"
    try:
        rows, reactions = await asyncio.to_thread(queries.window, DIGEST_DAYS, monday)
        reply = render(build(answerer, rows, reactions), monday)
        response = await client.chat_postMessage(
            channel=channel, text=reply.text, blocks=list(reply.blocks)
        )
    except asyncio.CancelledError:
        store.release_post(key, monday)
        raise
    except Exception as exc:  # released, so the next wake-up (or replica) tries again
        await asyncio.to_thread(store.release_post, key, monday)
        log.warning("weekly digest failed: %s", type(exc).__name__)
        return "failed"
    await asyncio.to_thread(store.mark_posted, key, monday, str(response["ts"]))
    return "posted"


async def run_digest(
    store: Store,
    queries: QueryLog,
    answerer: Answerer,
    client: AsyncWebClient,
    channel: str,
    tz: str,
    *,
    clock: Clock = lambda: dt.datetime.now(dt.UTC),
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> None:
    """Run forever: post each week's digest once it is due (catching up after downtime)."""
    done: dt.date | None = None  # the last Monday this task saw posted; the DB is the truth
    while True:
        try:
            monday = digest_week(clock(), tz)
            if monday is not None and monday != done:
                outcome = await post_digest(store, queries, answerer, client, channel, monday)
                log.info("weekly digest week=%s outcome=%s", monday, outcome)
                if outcome in ("posted", "already_posted"):
                    done = monday
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("weekly digest: tick failed; trying again later")
        now = clock()
        await sleep(max(0.0, (next_digest_wake(now, tz) - now).total_seconds()))
