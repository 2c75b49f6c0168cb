"""Schema migrations: each version's DDL frozen as it was written.

A migration never reads the live `Table` objects in `bot.state.store`: the day a column is
added there, a fresh database would otherwise get it from v1 already and the ALTER of the
later version would fail. So v1 declares its own copy of the tables as they were at v1.
Append new versions; never edit an old one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    Integer,
    MetaData,
    String,
    Table,
)

# The version table itself is created before any migration runs (it records which ran).
VERSION_TABLE = "osce_schema_version"


def version_table(metadata: MetaData) -> Table:
    return Table(
        VERSION_TABLE,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("version", Integer, nullable=False),
    )


def _v1(conn: Connection) -> None:
    """Subscriptions, daily posts made, and Slack event ids seen (as of version 1)."""
    v1 = MetaData()
    Table(
        "osce_subscriptions",
        v1,
        Column("channel", String(64), primary_key=True),
        Column("at", String(5), nullable=False),
        Column("tz", String(64), nullable=False),
    )
    Table(
        "osce_posts",
        v1,
        Column("channel", String(64), primary_key=True),
        Column("day", Date, primary_key=True),
        Column("status", String(16), nullable=False),
        Column("ts", String(32)),
        Column("claimed_at", DateTime, nullable=False),
    )
    Table(
        "osce_seen_events",
        v1,
        Column("event_id", String(128), primary_key=True),
        Column("seen_at", DateTime, nullable=False, index=True),
    )
    v1.create_all(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    """The daily post's state machine and the pausing of dead channels (as of version 2).

    osce_posts gains `owner` (which run holds the claim: only it may move the row on),
    `since` (when (channel, day) was first claimed: any post for it is younger, which bounds
    the conversations.history search) and `error` (why the last try failed). Statuses are
    now claimed -> sending -> posted | failed. osce_subscriptions gains the count of
    consecutive days a permanent channel error was met and, once paused, why.
    """
    stamp = "TIMESTAMP WITHOUT TIME ZONE" if conn.dialect.name == "postgresql" else "DATETIME"
    for ddl in (
        "ALTER TABLE osce_posts ADD COLUMN owner VARCHAR(64)",
        f"ALTER TABLE osce_posts ADD COLUMN since {stamp}",
        "ALTER TABLE osce_posts ADD COLUMN error VARCHAR(64)",
        "ALTER TABLE osce_subscriptions ADD COLUMN fail_days INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE osce_subscriptions ADD COLUMN last_fail_day DATE",
        "ALTER TABLE osce_subscriptions ADD COLUMN paused VARCHAR(255)",
    ):
        conn.exec_driver_sql(ddl)


def _v3(conn: Connection) -> None:
    """The query log (as of version 3): what was asked and how it went, feedback and choices,
    and the per-database key of the hash that counts people. No user or channel ids."""
    v3 = MetaData()
    Table(
        "osce_queries",
        v3,
        Column("id", String(16), primary_key=True),  # random, made before the reply is sent
        Column("day", Date, nullable=False, index=True),
        Column("surface", String(16), nullable=False),
        Column("kind", String(16), nullable=False),
        Column("card", String(64)),
        Column("score", Float, nullable=False),
        Column("query", String(120), nullable=False),
    )
    Table(
        "osce_feedback",
        v3,
        Column("query_id", String(16), primary_key=True),
        Column("person", String(32), primary_key=True),  # HMAC of the user id, never the id
        Column("day", Date, nullable=False, index=True),
        Column("feedback", String(16)),
        Column("chosen", String(64)),
    )
    Table(
        "osce_secrets",
        v3,
        Column("name", String(32), primary_key=True),
        Column("value", String(128), nullable=False),
    )
    v3.create_all(conn, checkfirst=True)


# Applied in order, each in the same locked transaction; append, never edit.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _v1), (2, _v2), (3, _v3))
LATEST = MIGRATIONS[-1][0]
