"""Group commit: the claims and query-log rows of concurrent requests, in one transaction.

Every `/osce`, button press and event claims a key in the database (a replay or a Slack retry
must not be answered twice, across replicas too), and every question adds a query-log row.
Written one by one, each was a worker-thread hop, a transaction and a commit, serialised on
SQLite's write lock: at 20 requests in flight that was most of a request's CPU and queueing.
Here requests hand their writes to one `Writer`; whatever arrives while a batch is being
written goes into the next one, so under load one thread hop and one commit serve many
requests, and a lone request waits for nothing but its own write.

A claim is awaited (the answer depends on it); a query-log row is not: a person's reply never
waits for the log, and a log that fails is reported in one line, never raised into a reply.
`close()` writes what is still queued (the server calls it at shutdown).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.state.querylog import Logged, QueryLog
    from bot.state.store import Store

log = logging.getLogger(__name__)

MAX_BATCH = 500  # claims per statement: two bound values each, far inside SQLite's limit
# How long a batch stays open for more requests to join: a reply never waits for it (a
# slash command's answer goes out first), effects wait a few milliseconds, and under load
# one commit serves every request of those milliseconds instead of a few.
GATHER_SECONDS = 0.01
# Slack's signatures are refused after 5 minutes (bot.slack.gate), so a replay can only come
# within them; a key is remembered in memory a little longer, up to this many keys (then the
# database alone answers, after the reply).
RECENT_SECONDS = 6 * 60
RECENT_MAX = 200_000


@dataclass(frozen=True)
class _Batch:
    """What one flush writes; `claims` pairs each key with the future awaiting it."""

    claims: list[tuple[str, asyncio.Future[bool]]] = field(default_factory=list)
    rows: list[Logged] = field(default_factory=list)


class Writer:
    """Batches claims and query-log rows of one process; one flush in flight at a time.

    Not thread-safe: used from the event loop only (the database work runs in a worker
    thread). Holds no event loop between flushes, so one Writer serves successive loops
    (tests run each in its own).
    """

    def __init__(
        self, store: Store, queries: QueryLog | None = None, *, gather: float = GATHER_SECONDS
    ) -> None:
        self._store = store
        self._gather = gather
        self._queries = queries if queries is not None and queries.enabled else None
        self._next = _Batch()
        self._flushing: asyncio.Task[None] | None = None
        self._recent: dict[str, float] = {}  # key -> until when it counts as a replay

    async def claim(self, key: str) -> bool:
        """True the first time `key` is claimed by any process sharing the database."""
        return await self._claim(key)

    def claim_soon(self, key: str) -> asyncio.Future[bool] | None:
        """None when this process has seen `key` in the last few minutes (a replay, told
        without waiting for the database); else the claim's future, resolved with the next
        batch: whether no other process had it. For a reply that may go out before the
        answer is known (a slash command's ack returns to whoever sent the request, never
        into Slack), while whatever else the request causes waits for the future."""
        now = time.monotonic()
        recent = self._recent
        if recent.get(key, 0.0) > now:
            return None
        recent[key] = now + RECENT_SECONDS
        if len(recent) > RECENT_MAX:  # forget the oldest half (dicts keep insertion order)
            for old in list(itertools.islice(recent, len(recent) - RECENT_MAX // 2)):
                del recent[old]
        future = self._claim(key)
        # a caller with nothing left to gate may never await it; a failure is already
        # logged here once, not again as "exception never retrieved"
        future.add_done_callback(_retrieved)
        return future

    def _claim(self, key: str) -> asyncio.Future[bool]:
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._next.claims.append((key, future))
        self._kick()
        return future

    def record(self, entry: Logged) -> None:
        """Queue one query-log row (nothing when logging is off); written with the next batch."""
        if self._queries is None:
            return
        self._next.rows.append(entry)
        self._kick()

    async def close(self) -> None:
        """Write everything queued; afterwards the Writer still works (it only drains)."""
        while self._flushing is not None or self._pending():
            if self._flushing is None:
                self._kick()
            if self._flushing is not None:
                await asyncio.shield(self._flushing)

    def _pending(self) -> bool:
        return bool(self._next.claims or self._next.rows)

    def _kick(self) -> None:
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(
                self._flush(), name="state-writer"
            )

    async def _flush(self) -> None:
        try:
            while self._pending():
                await asyncio.sleep(self._gather)  # let concurrent requests join the batch
                batch, self._next = self._next, _Batch()
                await self._write(batch)
        finally:
            self._flushing = None

    async def _write(self, batch: _Batch) -> None:
        for start in range(0, max(len(batch.claims), 1), MAX_BATCH):
            chunk = batch.claims[start : start + MAX_BATCH]
            rows = batch.rows if start == 0 else []
            try:
                won, logged = await asyncio.to_thread(self._write_in_thread, chunk, rows)
            except Exception as exc:  # the claims' awaiters decide what a failure means
                log.warning(
                    "state write failed (%s): %d claim(s), %d log row(s)",
                    type(exc).__name__,
                    len(chunk),
                    len(rows),
                )
                for _key, future in chunk:
                    if not future.done():
                        future.set_exception(exc)
                continue
            if not logged:
                log.warning("query log unavailable: %d row(s) not stored", len(rows))
            seen: set[str] = set()
            for key, future in chunk:
                if not future.done():  # its awaiter may have been cancelled
                    future.set_result(key in won and key not in seen)
                seen.add(key)

    def _write_in_thread(
        self, claims: list[tuple[str, asyncio.Future[bool]]], rows: list[Logged]
    ) -> tuple[set[str], bool]:
        """Claims and log rows in one commit; should that fail, the claims alone and then the
        rows alone, so a failing log never costs a claim. Returns the keys won and whether
        the rows were kept."""
        keys = [key for key, _future in claims]
        queries = self._queries if rows else None
        if queries is None:
            return (self._store.claim_events(keys) if keys else set()), True
        try:
            with self._store.engine.begin() as conn:
                won = self._store.claim_events(keys, conn) if keys else set()
                queries.record_many(rows, conn)
            return won, True
        except Exception as exc:  # noqa: BLE001 - retried apart below; the claims decide
            log.debug(
                "batched write failed (%s); writing claims and rows apart", type(exc).__name__
            )
        won = self._store.claim_events(keys) if keys else set()
        try:
            queries.record_many(rows)
        except Exception as exc:  # the log must never cost a person their answer
            log.debug("query log write failed: %s", type(exc).__name__)
            return won, False
        return won, True


def _retrieved(future: asyncio.Future[bool]) -> None:
    if not future.cancelled():
        future.exception()
