"""The bot's state in SQL: subscriptions, daily posts made, and Slack event ids already seen.

Everything that must hold across processes (a restart, `post-today` from cron, a second
replica) is decided by the database with a unique key, never by memory: the first INSERT
wins and every other one loses atomically. SQLite by default, PostgreSQL when DATABASE_URL
points at one; the code is the same SQLAlchemy Core for both.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Update,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, NoSuchModuleError

from bot.daily.schedule import Subscription
from bot.failures import ConfigError, DatabaseUnavailable
from bot.state.migrations import LATEST, MIGRATIONS
from bot.state.migrations import version_table as version_table_of

log = logging.getLogger(__name__)

SEEN_EVENTS_KEEP = dt.timedelta(days=1)  # Slack retries an event within minutes
CLAIM_LEASE = dt.timedelta(minutes=2)  # a claim not renewed for this long was left by a dead run
IN_FLIGHT = ("claimed", "sending")
PRUNE_EVERY = 100
_MIGRATION_LOCK_KEY = 0x05CE_B07  # pg_advisory_xact_lock key, any constant

metadata = MetaData()

version_table = version_table_of(metadata)
subscriptions_table = Table(
    "osce_subscriptions",
    metadata,
    Column("channel", String(64), primary_key=True),
    Column("at", String(5), nullable=False),  # HH:MM, local to tz
    Column("tz", String(64), nullable=False),
    Column("fail_days", Integer, nullable=False, server_default="0"),  # v2
    Column("last_fail_day", Date),  # v2
    Column("paused", String(255)),  # v2: why posting stopped, None while active
)
posts_table = Table(
    "osce_posts",
    metadata,
    Column("channel", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("status", String(16), nullable=False),  # claimed | sending | posted | failed
    Column("ts", String(32)),
    Column("claimed_at", DateTime, nullable=False),  # the lease: renewed while in flight
    Column("owner", String(64)),  # the run holding the claim (v2)
    Column("since", DateTime),  # first claimed: bounds the history search (v2)
    Column("error", String(64)),  # why the last try failed (v2)
)
seen_events_table = Table(
    "osce_seen_events",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", DateTime, nullable=False, index=True),
)


@dataclass(frozen=True)
class Claim:
    """The right to post (channel, day), held by `owner` until its lease runs out.

    `previous` is the status the row had when taken over: `sending` means an earlier run may
    have posted already, so the channel's history must be checked before sending again.
    `since` is when (channel, day) was first claimed; no post for it can be older.
    """

    channel: str
    day: dt.date
    owner: str
    previous: str | None
    since: dt.datetime
    fresh_sending: bool = False  # a new row, already recorded as `sending`

    @property
    def uncertain(self) -> bool:
        return self.previous == "sending"


# The daily fan-out's hot statements, built once: building a SQLAlchemy statement per call
# cost more CPU than running it (a few thousand per run).
_INSERT_POST = insert(posts_table)
_RESET_FAILURES = (
    update(subscriptions_table)
    .where(
        subscriptions_table.c.channel == bindparam("b_channel"),
        subscriptions_table.c.fail_days > 0,
    )
    .values(fail_days=0, last_fail_day=None)
)


@functools.cache
def _move_statement(frm: tuple[str, ...], columns: tuple[str, ...]) -> Update:
    """UPDATE one post row this owner holds in one of the `frm` states, setting `columns`."""
    return (
        update(posts_table)
        .where(
            posts_table.c.channel == bindparam("b_channel"),
            posts_table.c.day == bindparam("b_day"),
            posts_table.c.owner == bindparam("b_owner"),
            posts_table.c.status.in_(frm),
        )
        .values({c: bindparam(f"v_{c}") for c in columns})
    )


def sqlalchemy_url(database_url: str) -> str:
    """Heroku and others give `postgres://`; SQLAlchemy needs a driver, and we ship psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def _unavailable(exc: DBAPIError, dialect: str) -> str:
    """One line: the driver's first line (host and port at most, never the password)."""
    reason = str(exc.orig).strip().splitlines()[0][:160] if exc.orig else type(exc).__name__
    if dialect == "sqlite":
        todo = "check that the SQLite file's directory exists and is writable"
    else:
        todo = "check that PostgreSQL is running and reachable with these credentials"
    return f"DATABASE_URL: cannot use the database ({reason}): {todo}"


def _utcnow() -> dt.datetime:
    """Naive UTC, stored the same in SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _make_engine(database_url: str, sqlite_timeout: float) -> Engine:
    url = sqlalchemy_url(database_url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": sqlite_timeout})

    # pysqlite starts transactions lazily and not for DDL; take the write lock at BEGIN so a
    # read-then-write (migrations, upserts) cannot interleave with another process.
    # WAL lets readers run while a post is being recorded and, with synchronous=NORMAL,
    # makes a commit an append instead of two disk syncs (the daily fan-out commits a few
    # times per channel); a crash still loses no committed claim, only possibly the last
    # commits before a power cut.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
            _set_wal(dbapi_conn, sqlite_timeout)
            dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    # Threads of this process queue on a lock for the write lock instead of meeting in
    # SQLite's busy handler, which sleeps up to 100 ms per retry: with 20 posts in flight
    # that handler, not Slack, set the pace. (Other processes still meet in the handler.)
    writer = threading.RLock()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        writer.acquire()
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            writer.release()
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _end(_conn: Connection) -> None:
        with contextlib.suppress(RuntimeError):  # not held: a rollback after a failed BEGIN
            writer.release()

    return engine


def _set_wal(dbapi_conn: Any, timeout: float) -> None:
    """`PRAGMA journal_mode=WAL`, retried while another process holds the database.

    Switching a new file to WAL needs an exclusive lock; when several processes open it at
    once (replicas starting together), two holding a shared lock and both wanting it would
    deadlock, so SQLite fails one at once with "database is locked" instead of waiting in
    its busy handler. Once the file is in WAL mode the pragma takes no lock at all.
    """
    import sqlite3

    deadline = time.monotonic() + timeout
    while True:
        try:
            dbapi_conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class Store:
    """All state, through one engine. Synchronous: async callers use asyncio.to_thread."""

    def __init__(self, database_url: str, *, sqlite_timeout: float = 30.0) -> None:
        """Open and migrate; a bad DATABASE_URL is a ConfigError, a database that cannot be
        used is DatabaseUnavailable, each one line that never shows the URL (a password).
        `sqlite_timeout`: how long a write waits for SQLite's lock before failing."""
        try:
            self._engine = _make_engine(database_url, sqlite_timeout)
        except (ArgumentError, NoSuchModuleError, ValueError):
            raise ConfigError(
                "DATABASE_URL is malformed: use sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DB"
            ) from None
        self._claims = 0
        try:
            self.migrate()
            self._prune()
        except DBAPIError as exc:
            self._engine.dispose()
            raise DatabaseUnavailable(_unavailable(exc, self.dialect)) from None
        except DatabaseUnavailable:
            self._engine.dispose()
            raise

    @property
    def engine(self) -> Engine:
        """For the query log (bot.state.querylog), which keeps its tables in this database."""
        return self._engine

    @property
    def dialect(self) -> str:
        return self._engine.dialect.name

    # ---- schema ----------------------------------------------------------------------
    def migrate(self) -> int:
        """Bring the schema to the newest version; safe when replicas start at the same time."""
        with self._engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK_KEY})
            version_table.create(conn, checkfirst=True)
            current = conn.execute(select(version_table.c.version)).scalar()
            if current is None:
                conn.execute(insert(version_table).values(id=1, version=0))
                current = 0
            if current > LATEST:  # a newer release migrated it: its tables mean other things
                raise DatabaseUnavailable(
                    f"database schema version {current} is newer than this code's {LATEST}: "
                    "upgrade osce-bot"
                )
            for version, step in MIGRATIONS:
                if version > current:
                    step(conn)
                    conn.execute(update(version_table).values(version=version))
                    current = version
                    log.info("database schema migrated to version %d", version)
            return current

    def ping(self) -> None:
        """Raise if the database cannot answer `SELECT 1` (the health check's probe)."""
        with self._engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")

    def schema_version(self) -> int:
        with self._engine.connect() as conn:
            return int(conn.execute(select(version_table.c.version)).scalar() or 0)

    # ---- Slack event de-duplication -----------------------------------------------------
    def claim_event(self, event_id: str) -> bool:
        """True the first time any process sees `event_id`, False for Slack's retries."""
        return bool(self.claim_events((event_id,)))

    def claim_events(self, event_ids: Sequence[str], conn: Connection | None = None) -> set[str]:
        """Those of `event_ids` claimed now, for the first time by any process.

        One statement and one commit for many ids (`bot.state.writer` batches the claims of
        concurrent requests): `INSERT ... ON CONFLICT DO NOTHING RETURNING` says atomically,
        per id, who won, in SQLite (3.35+) and PostgreSQL alike. An id twice in the list is
        claimed once. `conn`: within the caller's transaction (the writer's batch).
        """
        ids = list(dict.fromkeys(event_ids))
        if not ids:
            return set()
        before, self._claims = self._claims, self._claims + len(ids)
        if before // PRUNE_EVERY != self._claims // PRUNE_EVERY:
            self._prune(conn)
        now = _utcnow()
        params = [{"event_id": i, "seen_at": now} for i in ids]
        if conn is not None:
            return set(conn.execute(self._claim_stmt, params).scalars())
        with self._engine.begin() as own:
            return set(own.execute(self._claim_stmt, params).scalars())

    @functools.cached_property
    def _claim_stmt(self) -> Any:
        """Built once: one statement for any number of ids (executemany, compiled once; a
        multi-row VALUES per batch size cost three times as much)."""
        return (
            self.upsert(seen_events_table)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(seen_events_table.c.event_id)
        )

    def upsert(self, table: Table) -> Any:
        """The dialect's INSERT, which has ON CONFLICT (Core's generic one has not); for the
        store's own upserts and the query log's."""
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        return dialect_insert(table)

    def release_event(self, event_id: str) -> None:
        """Forget a claim whose work failed, so trying again (after inviting the bot) works."""
        with self._engine.begin() as conn:
            conn.execute(delete(seen_events_table).where(seen_events_table.c.event_id == event_id))

    def _prune(self, conn: Connection | None = None) -> None:
        """In `conn`'s transaction when given: a second connection would wait for the write
        lock that transaction holds."""
        if conn is None:
            with self._engine.begin() as own:
                self._prune(own)
            return
        conn.execute(
            delete(seen_events_table).where(
                seen_events_table.c.seen_at < _utcnow() - SEEN_EVENTS_KEEP
            )
        )

    # ---- subscriptions -----------------------------------------------------------------
    def subscribe(self, channel: str, at: dt.time, tz: str) -> Subscription:
        """Subscribe, or change the time of an existing subscription."""
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone: {tz!r}") from None
        # subscribing again also resumes a paused subscription
        values = {
            "at": at.strftime("%H:%M"),
            "tz": tz,
            "fail_days": 0,
            "last_fail_day": None,
            "paused": None,
        }
        with self._engine.begin() as conn:
            stmt = self.upsert(subscriptions_table).values(channel=channel, **values)
            conn.execute(stmt.on_conflict_do_update(index_elements=["channel"], set_=values))
        return Subscription(channel, dt.time(at.hour, at.minute), tz)

    def unsubscribe(self, channel: str) -> bool:
        with self._engine.begin() as conn:
            result = conn.execute(
                delete(subscriptions_table).where(subscriptions_table.c.channel == channel)
            )
            return result.rowcount > 0

    def subscriptions(self) -> list[Subscription]:
        with self._engine.connect() as conn:
            rows = conn.execute(select(subscriptions_table).order_by(subscriptions_table.c.channel))
            return [
                Subscription(
                    row.channel,
                    dt.time.fromisoformat(row.at),
                    row.tz,
                    paused=row.paused,
                    fail_days=row.fail_days,
                )
                for row in rows
            ]

    def subscription(self, channel: str) -> Subscription | None:
        return next((s for s in self.subscriptions() if s.channel == channel), None)

    def ensure_subscribed(self, channel: str, at: dt.time, tz: str) -> Subscription:
        """Subscribe `channel` (DAILY_CHANNEL) unless it already chose a time of its own."""
        return self.subscription(channel) or self.subscribe(channel, at, tz)

    # ---- daily posts ---------------------------------------------------------------------
    # A row per (channel, day) moves claimed -> sending -> posted | failed. `claimed`: a run
    # holds it and has sent nothing; `sending`: chat.postMessage may have reached Slack, so
    # whoever takes it over must look in the channel's history before sending; `failed`:
    # Slack refused it, nothing was posted, anyone may claim it again. The holder renews its
    # lease (`claimed_at`) while in flight; a lease not renewed for `lease` is a dead run's.
    # Every move after the claim is conditional on `owner`, so a run that lost its lease
    # cannot overwrite the run that took over.
    def claim_post(
        self,
        channel: str,
        day: dt.date,
        *,
        owner: str = "",
        lease: dt.timedelta = CLAIM_LEASE,
        sending: bool = False,
    ) -> Claim | None:
        """A Claim if this caller may post to `channel` for `day` now; at most one caller
        gets one at a time. None: posted already, or another live run is on it.

        `sending=True`: the caller sends right after a fresh claim, so the new row starts as
        `sending` (claimed and sending in one commit: one write less per channel in the
        fan-out; a crash before the send costs the next run a history look, not a post).
        """
        now = _utcnow()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    _INSERT_POST,
                    {
                        "channel": channel,
                        "day": day,
                        "status": "sending" if sending else "claimed",
                        "ts": None,
                        "claimed_at": now,
                        "owner": owner,
                        "since": now,
                    },
                )
            return Claim(channel, day, owner, None, now, fresh_sending=sending)
        except IntegrityError:
            pass
        where = (posts_table.c.channel == channel, posts_table.c.day == day)
        with self._engine.begin() as conn:
            row = conn.execute(
                select(posts_table.c.status, posts_table.c.claimed_at, posts_table.c.since).where(
                    *where
                )
            ).first()
            if row is None or row.status == "posted":
                return None
            if row.status in IN_FLIGHT and row.claimed_at >= now - lease:
                return None
            # one conditional UPDATE: of two callers taking over, only one matches
            taken = conn.execute(
                update(posts_table)
                .where(
                    *where,
                    posts_table.c.status == row.status,
                    (posts_table.c.status == "failed") | (posts_table.c.claimed_at < now - lease),
                )
                .values(
                    # a `sending` row stays `sending` until the history has been checked
                    status="sending" if row.status == "sending" else "claimed",
                    claimed_at=now,
                    owner=owner,
                    since=row.since or row.claimed_at,
                )
            )
            if taken.rowcount != 1:
                return None
            return Claim(channel, day, owner, row.status, row.since or row.claimed_at)

    def _move(self, claim: Claim, frm: tuple[str, ...], **values: Any) -> bool:
        """Move a row this claim still owns; False if another run has taken it over."""
        with self._engine.begin() as conn:
            done = conn.execute(
                _move_statement(frm, tuple(sorted(values))),
                {"b_channel": claim.channel, "b_day": claim.day, "b_owner": claim.owner}
                | {f"v_{k}": v for k, v in values.items()},
            )
            if done.rowcount == 1 and values.get("status") == "posted":
                # a post went through: the channel works, its failure count starts again
                conn.execute(_RESET_FAILURES, {"b_channel": claim.channel})
            return done.rowcount == 1

    def mark_sending(self, claim: Claim) -> bool:
        """Recorded before chat.postMessage, so a restart knows the post may have gone out."""
        return self._move(claim, IN_FLIGHT, status="sending", claimed_at=_utcnow())

    def mark_posted_by(self, claim: Claim, ts: str) -> bool:
        return self._move(claim, IN_FLIGHT, status="posted", ts=ts, error=None)

    def mark_failed(self, claim: Claim, error: str) -> bool:
        """Slack certainly did not post it: anyone may claim the day again at once."""
        return self._move(claim, IN_FLIGHT, status="failed", error=error[:64])

    def let_go(self, claim: Claim) -> bool:
        """Shutting down mid-post: end the lease now so the next run takes over at once
        (and, the row being `sending`, looks in the history before posting again)."""
        return self._move(claim, IN_FLIGHT, claimed_at=dt.datetime(2000, 1, 1))

    def renew_claims(self, owners: list[str]) -> int:
        """Extend the lease of the posts these claim owners have in flight (the heartbeat)."""
        with self._engine.begin() as conn:
            return conn.execute(
                update(posts_table)
                .where(posts_table.c.owner.in_(owners), posts_table.c.status.in_(IN_FLIGHT))
                .values(claimed_at=_utcnow())
            ).rowcount

    def mark_posted(self, channel: str, day: dt.date, ts: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(posts_table)
                .where(posts_table.c.channel == channel, posts_table.c.day == day)
                .values(status="posted", ts=ts)
            )

    def release_post(self, channel: str, day: dt.date) -> None:
        """Give back a claim under which nothing was sent, so a later run can post the day."""
        with self._engine.begin() as conn:
            conn.execute(
                delete(posts_table).where(
                    posts_table.c.channel == channel,
                    posts_table.c.day == day,
                    posts_table.c.status.in_(("claimed", "failed")),
                )
            )

    def post_status(self, channel: str, day: dt.date) -> tuple[str, str | None] | None:
        """(status, ts) of the post for (channel, day), or None if nobody has claimed it."""
        with self._engine.connect() as conn:
            row = conn.execute(
                select(posts_table.c.status, posts_table.c.ts).where(
                    posts_table.c.channel == channel, posts_table.c.day == day
                )
            ).first()
            return (row.status, row.ts) if row else None

    # ---- pausing dead channels -------------------------------------------------------------
    def record_channel_error(
        self, channel: str, day: dt.date, error: str, *, pause_after: int
    ) -> Subscription | None:
        """Count `day` as one more day `channel` refused posts; pause it on the
        `pause_after`-th consecutive day. Returns the subscription as it now is."""
        sub = subscriptions_table.c
        with self._engine.begin() as conn:
            row = conn.execute(
                select(sub.fail_days, sub.last_fail_day).where(sub.channel == channel)
            ).first()
            if row is None:
                return None
            if row.last_fail_day != day:
                days = row.fail_days + 1
                paused = (
                    f"{error} on {days} days in a row (last {day.isoformat()})"
                    if days >= pause_after
                    else None
                )
                values: dict[str, Any] = {"fail_days": days, "last_fail_day": day}
                if paused:
                    values["paused"] = paused[:255]
                conn.execute(
                    update(subscriptions_table)
                    .where(sub.channel == channel, sub.paused.is_(None))
                    .values(**values)
                )
        return self.subscription(channel)

    def close(self) -> None:
        self._engine.dispose()
