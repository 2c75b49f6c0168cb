"""The query log: what people asked, how the bot answered, and what they said about it.

The curator learns from it what to add to the cards (`bot insights`). It keeps only what that
needs: the query as the matcher read it (folded, cut to a card question's length), the
outcome (surface, kind, card, score, day), feedback, and the card a person chose after a
miss or a "Not what I asked". No user id, channel id or name is stored: a reaction carries an
HMAC of the user id, enough to count distinct people and nothing more, and a query row has
no person at all, so nobody's questions can be listed. Rows older than QUERY_LOG_DAYS go.

Synchronous like the Store; listeners call it through asyncio.to_thread after replying.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    Float,
    MetaData,
    Row,
    String,
    Table,
    delete,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from bot.matching.text import clean, fold

if TYPE_CHECKING:
    from bot.state.store import Store

log = logging.getLogger(__name__)

QUERY_MAX = 120  # a card question's maxLength (card.schema.json): a logged query can become one
PERSON_CHARS = 32  # hex digits of the HMAC kept: plenty to tell people apart
MISS_KINDS = frozenset({"suggestions", "none"})
LOGGED_KINDS = frozenset({"card", "year", *MISS_KINDS})  # questions, not help/list/subcommands
HELPFUL, NOT_ASKED, NONE_FIT = "helpful", "not_asked", "none_fit"
FEEDBACK = frozenset({HELPFUL, NOT_ASKED, NONE_FIT})
PRUNE_EVERY = 100
_KEY_NAME = "query_log_key"

metadata = MetaData()
queries_table = Table(
    "osce_queries",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("day", Date, nullable=False, index=True),
    Column("surface", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("card", String(64)),
    Column("score", Float, nullable=False),
    Column("query", String(120), nullable=False),
)
feedback_table = Table(
    "osce_feedback",
    metadata,
    Column("query_id", String(16), primary_key=True),
    Column("person", String(32), primary_key=True),
    Column("day", Date, nullable=False, index=True),
    Column("feedback", String(16)),
    Column("chosen", String(64)),
)
secrets_table = Table(
    "osce_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)


def utc_today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def logged_text(query: str) -> str:
    """The query as the matcher reads it (Slack markup gone, folded), cut to QUERY_MAX."""
    return fold(clean(query))[:QUERY_MAX].strip()


def new_query_id() -> str:
    """Made before the reply is sent, so the buttons can carry it without waiting for the DB."""
    return secrets.token_hex(8)


@dataclass(frozen=True)
class Logged:
    """One question's outcome, as stored."""

    id: str
    day: dt.date
    surface: str
    kind: str
    card: str | None
    score: float
    query: str


@dataclass(frozen=True)
class Reaction:
    """One person's feedback on one answer, and the card they chose; `person` is the HMAC."""

    query_id: str
    person: str
    feedback: str | None
    chosen: str | None


class QueryLog:
    """The query log in the Store's database; off (records nothing) when `days` is 0."""

    def __init__(self, store: Store, days: int, key: str | None = None) -> None:
        self._store = store
        self.days = days
        self._key: bytes | None = key.encode() if key else None
        self._writes = 0

    @property
    def enabled(self) -> bool:
        return self.days > 0

    # ---- writing ----------------------------------------------------------------------
    def record(self, entry: Logged) -> None:
        """Store one outcome. Nothing is stored when logging is off."""
        self.record_many((entry,))

    def record_many(self, entries: Sequence[Logged], conn: Connection | None = None) -> None:
        """Store outcomes in one commit (`bot.state.writer` batches concurrent requests');
        `conn`: within the caller's transaction."""
        if not self.enabled or not entries:
            return
        self._maybe_prune(len(entries), conn)
        rows = [
            {
                "id": e.id,
                "day": e.day,
                "surface": e.surface[:16],
                "kind": e.kind[:16],
                "card": e.card,
                "score": float(e.score),
                "query": e.query[:QUERY_MAX],
            }
            for e in entries
        ]
        if conn is not None:
            conn.execute(insert(queries_table), rows)
            return
        with self._store.engine.begin() as own:
            own.execute(insert(queries_table), rows)

    def react(
        self,
        query_id: str,
        user_id: str,
        *,
        feedback: str | None = None,
        chosen: str | None = None,
        day: dt.date | None = None,
    ) -> None:
        """Record `user_id`'s feedback or choice on one answer; a later click updates it.

        Only the fields given are set, so "Not what I asked" then a chosen card keeps both.
        """
        if not self.enabled or not query_id:
            return
        if feedback is not None and feedback not in FEEDBACK:
            raise ValueError(f"unknown feedback {feedback!r}")
        values = {k: v for k, v in (("feedback", feedback), ("chosen", chosen)) if v is not None}
        if not values:
            return
        self._maybe_prune()
        row = {"query_id": query_id[:16], "person": self.person(user_id), "day": day or utc_today()}
        with self._store.engine.begin() as conn:
            stmt = self._store.upsert(feedback_table).values(**row, **values)
            conn.execute(
                stmt.on_conflict_do_update(index_elements=["query_id", "person"], set_=values)
            )

    def prune(self, today: dt.date | None = None, conn: Connection | None = None) -> int:
        """Drop rows older than `days` (all of them when logging is off); returns how many.
        In `conn`'s transaction when given (it may hold the write lock)."""
        if conn is None:
            with self._store.engine.begin() as own:
                return self.prune(today, own)
        first_kept = (today or utc_today()) - dt.timedelta(days=max(self.days, 0) - 1)
        if not self.enabled:
            first_kept = dt.date.max
        gone = conn.execute(delete(queries_table).where(queries_table.c.day < first_kept))
        conn.execute(delete(feedback_table).where(feedback_table.c.day < first_kept))
        return gone.rowcount

    def _maybe_prune(self, writes: int = 1, conn: Connection | None = None) -> None:
        """Prune once every PRUNE_EVERY writes (first on the first one)."""
        before, self._writes = self._writes, self._writes + writes
        if before % PRUNE_EVERY == 0 or before // PRUNE_EVERY != (self._writes - 1) // PRUNE_EVERY:
            self.prune(conn=conn)

    # ---- reading ----------------------------------------------------------------------
    def query_of(self, query_id: str) -> Logged | None:
        """The logged outcome of one answer (for "Not what I asked": the next best cards)."""
        with self._store.engine.connect() as conn:
            row = conn.execute(select(queries_table).where(queries_table.c.id == query_id)).first()
        return None if row is None else _logged(row)

    def window(
        self, days: int, today: dt.date | None = None
    ) -> tuple[list[Logged], list[Reaction]]:
        """Every outcome and reaction of the last `days` days (today included)."""
        since = (today or utc_today()) - dt.timedelta(days=max(days, 1) - 1)
        with self._store.engine.connect() as conn:
            rows = conn.execute(
                select(queries_table)
                .where(queries_table.c.day >= since)
                .order_by(queries_table.c.day, queries_table.c.id)
            ).all()
            reactions = conn.execute(
                select(feedback_table)
                .where(feedback_table.c.day >= since)
                .order_by(feedback_table.c.query_id, feedback_table.c.person)
            ).all()
        return [_logged(r) for r in rows], [
            Reaction(r.query_id, r.person, r.feedback, r.chosen) for r in reactions
        ]

    # ---- people -----------------------------------------------------------------------
    def person(self, user_id: str) -> str:
        """A keyed hash of the user id: the same person gives the same value, and without the
        key nobody can tell whose it is by hashing a list of user ids."""
        digest = hmac.new(self._secret(), user_id.encode(), hashlib.sha256).hexdigest()
        return digest[:PERSON_CHARS]

    def _secret(self) -> bytes:
        if self._key is None:
            self._key = self._database_key()
        return self._key

    def _database_key(self) -> bytes:
        """The key made once per database (the first replica to need it wins the insert)."""
        fresh = secrets.token_hex(32)
        try:
            with self._store.engine.begin() as conn:
                conn.execute(insert(secrets_table).values(name=_KEY_NAME, value=fresh))
        except IntegrityError:
            pass
        with self._store.engine.connect() as conn:
            value = conn.execute(
                select(secrets_table.c.value).where(secrets_table.c.name == _KEY_NAME)
            ).scalar_one()
        return bytes.fromhex(value)


def _logged(row: Row[Any]) -> Logged:
    return Logged(row.id, row.day, row.surface, row.kind, row.card, float(row.score), row.query)
