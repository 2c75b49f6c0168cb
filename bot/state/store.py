"""The bot's state in SQL: subscriptions, daily posts made, and Slack event ids already seen.

Everything that must hold across processes (a restart, `post-today` from cron, a second
replica) is decided by the database with a unique key, never by memory: the first INSERT
wins and every other one loses atomically. SQLite by default, PostgreSQL when DATABASE_URL
points at one; the code is the same SQLAlchemy Core for both.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    MetaData,
    String,
    Table,
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
CLAIM_LEASE = dt.timedelta(minutes=15)  # a claim older than this was left by a crashed run
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
)
posts_table = Table(
    "osce_posts",
    metadata,
    Column("channel", String(64), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("status", String(16), nullable=False),  # claimed | posted
    Column("ts", String(32)),
    Column("claimed_at", DateTime, nullable=False),
)
seen_events_table = Table(
    "osce_seen_events",
    metadata,
    Column("event_id", String(128), primary_key=True),
    Column("seen_at", DateTime, nullable=False, index=True),
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


def _make_engine(database_url: str) -> Engine:
    url = sqlalchemy_url(database_url)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    # pysqlite starts transactions lazily and not for DDL; take the write lock at BEGIN so a
    # read-then-write (migrations, upserts) cannot interleave with another process.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        # WAL: readers never wait for the writer, and a commit is an append without an fsync
        # (synchronous=NORMAL): a claim per slash command costs ~1 ms instead of ~20 ms of
        # fsync under load. Durable across a crashed process; a power cut may lose the last
        # claims, which only means a replay in that instant could be answered again.
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=NORMAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class Store:
    """All state, through one engine. Synchronous: async callers use asyncio.to_thread."""

    def __init__(self, database_url: str) -> None:
        """Open and migrate; a bad DATABASE_URL is a ConfigError, a database that cannot be
        used is DatabaseUnavailable, each one line that never shows the URL (a password)."""
        try:
            self._engine = _make_engine(database_url)
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
        self._claims += 1
        if self._claims % PRUNE_EVERY == 0:
            self._prune()
        try:
            with self._engine.begin() as conn:
                conn.execute(insert(seen_events_table).values(event_id=event_id, seen_at=_utcnow()))
        except IntegrityError:
            return False
        return True

    def release_event(self, event_id: str) -> None:
        """Forget a claim whose work failed, so trying again (after inviting the bot) works."""
        with self._engine.begin() as conn:
            conn.execute(delete(seen_events_table).where(seen_events_table.c.event_id == event_id))

    def _prune(self) -> None:
        with self._engine.begin() as conn:
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
        values = {"at": at.strftime("%H:%M"), "tz": tz}
        with self._engine.begin() as conn:
            if self.dialect == "postgresql":
                from sqlalchemy.dialects.postgresql import insert as upsert
            else:
                from sqlalchemy.dialects.sqlite import insert as upsert
            stmt = upsert(subscriptions_table).values(channel=channel, **values)
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
                Subscription(row.channel, dt.time.fromisoformat(row.at), row.tz) for row in rows
            ]

    def subscription(self, channel: str) -> Subscription | None:
        return next((s for s in self.subscriptions() if s.channel == channel), None)

    def ensure_subscribed(self, channel: str, at: dt.time, tz: str) -> Subscription:
        """Subscribe `channel` (DAILY_CHANNEL) unless it already chose a time of its own."""
        return self.subscription(channel) or self.subscribe(channel, at, tz)

    # ---- daily posts ---------------------------------------------------------------------
    def claim_post(self, channel: str, day: dt.date) -> bool:
        """True if this caller may post to `channel` for `day`; exactly one caller gets True.

        A claim left by a run that crashed mid-post (still 'claimed' after CLAIM_LEASE) is
        taken over, so a crash cannot lose the day; the takeover is one conditional UPDATE,
        so two callers cannot both take it over.
        """
        now = _utcnow()
        try:
            with self._engine.begin() as conn:
                conn.execute(
                    insert(posts_table).values(
                        channel=channel, day=day, status="claimed", ts=None, claimed_at=now
                    )
                )
            return True
        except IntegrityError:
            pass
        with self._engine.begin() as conn:
            taken = conn.execute(
                update(posts_table)
                .where(
                    posts_table.c.channel == channel,
                    posts_table.c.day == day,
                    posts_table.c.status == "claimed",
                    posts_table.c.claimed_at < now - CLAIM_LEASE,
                )
                .values(claimed_at=now)
            )
            return taken.rowcount == 1

    def mark_posted(self, channel: str, day: dt.date, ts: str) -> None:
        with self._engine.begin() as conn:
            conn.execute(
                update(posts_table)
                .where(posts_table.c.channel == channel, posts_table.c.day == day)
                .values(status="posted", ts=ts)
            )

    def release_post(self, channel: str, day: dt.date) -> None:
        """Give the day back after a failed post, so a later run or wake-up can post it."""
        with self._engine.begin() as conn:
            conn.execute(
                delete(posts_table).where(
                    posts_table.c.channel == channel,
                    posts_table.c.day == day,
                    posts_table.c.status == "claimed",
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

    def close(self) -> None:
        self._engine.dispose()
