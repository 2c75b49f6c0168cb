"""The Store against real SQLite files and a real PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, select, text

from bot.config import Settings
from bot.slack.scheduler import apply_daily_channel
from bot.state import Store, Subscription
from bot.state.migrations import MIGRATIONS
from bot.state.store import sqlalchemy_url, version_table

DAY = dt.date(2026, 10, 1)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()


def test_urls_map_to_psycopg3() -> None:
    assert sqlalchemy_url("postgres://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert sqlalchemy_url("postgresql://u@h/d") == "postgresql+psycopg://u@h/d"
    assert sqlalchemy_url("postgresql+psycopg://u@h/d") == "postgresql+psycopg://u@h/d"
    assert sqlalchemy_url("sqlite:///x.db") == "sqlite:///x.db"


def test_schema_is_versioned_and_migrating_again_is_a_no_op(store: Store, db_url: str) -> None:
    newest = MIGRATIONS[-1][0]
    assert store.schema_version() == newest
    assert store.migrate() == newest
    again = Store(db_url)
    assert again.schema_version() == newest
    again.close()
    engine = create_engine(sqlalchemy_url(db_url))
    with engine.connect() as conn:
        assert conn.execute(select(version_table.c.version)).scalars().all() == [newest]
    engine.dispose()


def test_claim_event_once(store: Store) -> None:
    assert store.claim_event("Ev1") is True
    assert store.claim_event("Ev1") is False
    assert store.claim_event("Ev2") is True


def test_old_seen_events_are_pruned(store: Store, db_url: str) -> None:
    store.claim_event("old")
    engine = create_engine(sqlalchemy_url(db_url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE osce_seen_events SET seen_at = :t"), {"t": dt.datetime(2000, 1, 1)}
        )
    engine.dispose()
    store.close()
    fresh = Store(db_url)  # prunes on start
    assert fresh.claim_event("old") is True
    fresh.close()


def test_subscribe_update_unsubscribe(store: Store) -> None:
    assert store.subscriptions() == []
    sub = store.subscribe("C1", dt.time(9), "Europe/Vienna")
    assert sub == Subscription("C1", dt.time(9), "Europe/Vienna")
    store.subscribe("C2", dt.time(7, 30), "UTC")
    store.subscribe("C1", dt.time(8, 15), "Europe/Vienna")  # change of time, same channel
    assert store.subscriptions() == [
        Subscription("C1", dt.time(8, 15), "Europe/Vienna"),
        Subscription("C2", dt.time(7, 30), "UTC"),
    ]
    assert store.unsubscribe("C1") is True
    assert store.unsubscribe("C1") is False
    assert [s.channel for s in store.subscriptions()] == ["C2"]


def test_subscribe_rejects_unknown_time_zone(store: Store) -> None:
    with pytest.raises(ValueError, match="time zone"):
        store.subscribe("C1", dt.time(9), "Mars/Olympus")


def test_daily_channel_subscribes_at_nine_without_overriding_a_chosen_time(store: Store) -> None:
    settings = Settings(daily_channel="C9", daily_tz="Europe/Vienna")
    assert apply_daily_channel(store, settings) == Subscription("C9", dt.time(9), "Europe/Vienna")
    store.subscribe("C9", dt.time(6), "Europe/Vienna")
    assert apply_daily_channel(store, settings) == Subscription("C9", dt.time(6), "Europe/Vienna")
    assert apply_daily_channel(store, Settings()) is None


def test_claim_post_lifecycle(store: Store) -> None:
    assert store.post_status("C1", DAY) is None
    assert store.claim_post("C1", DAY) is not None
    assert store.claim_post("C1", DAY) is None
    assert store.claim_post("C2", DAY) is not None  # other channel
    assert store.claim_post("C1", DAY + dt.timedelta(days=1)) is not None  # other day
    store.release_post("C1", DAY)
    assert store.claim_post("C1", DAY) is not None
    store.mark_posted("C1", DAY, "123.456")
    assert store.post_status("C1", DAY) == ("posted", "123.456")
    store.release_post("C1", DAY)  # a posted day is never given back
    assert store.claim_post("C1", DAY) is None


def test_stale_claim_of_a_crashed_run_is_taken_over_once(store: Store, db_url: str) -> None:
    assert store.claim_post("C1", DAY) is not None
    engine = create_engine(sqlalchemy_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE osce_posts SET claimed_at = :t"), {"t": dt.datetime(2000, 1, 1)})
    engine.dispose()
    assert store.claim_post("C1", DAY) is not None
    assert store.claim_post("C1", DAY) is None


def _race(args: tuple[str, str]) -> tuple[bool, bool]:
    url, key = args
    s = Store(url)  # every process also migrates at the same time
    try:
        return s.claim_post("C1", DAY) is not None, s.claim_event(key)
    finally:
        s.close()


@pytest.mark.slow
def test_processes_racing_get_one_claim(db_url: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(6) as pool:
        results = pool.map(_race, [(db_url, "Ev-race")] * 12)
    assert sum(post for post, _ in results) == 1
    assert sum(ev for _, ev in results) == 1


def test_a_run_that_lost_its_claim_cannot_overwrite_the_run_that_took_it_over(
    store: Store, db_url: str
) -> None:
    first = store.claim_post("C1", DAY, owner="run-a", sending=True)
    assert first is not None and first.fresh_sending
    assert store.claim_post("C1", DAY, owner="run-b") is None  # a live lease
    store.let_go(first)  # as on SIGTERM: the next run may take it over at once
    second = store.claim_post("C1", DAY, owner="run-b")
    assert second is not None and second.uncertain  # it must look in the history first
    assert second.since == first.since  # the history search starts at the first claim
    assert store.mark_posted_by(first, "1.1") is False  # run-a is fenced off
    assert store.mark_posted_by(second, "2.2") is True
    assert store.post_status("C1", DAY) == ("posted", "2.2")
    assert store.claim_post("C1", DAY, owner="run-c", lease=dt.timedelta(0)) is None


def test_a_refused_post_is_free_to_claim_at_once(store: Store) -> None:
    claim = store.claim_post("C1", DAY, owner="a")
    assert store.mark_failed(claim, "not_in_channel")
    again = store.claim_post("C1", DAY, owner="b")
    assert again is not None and not again.uncertain


def test_heartbeat_keeps_a_claim_alive(store: Store, db_url: str) -> None:
    claim = store.claim_post("C1", DAY, owner="a")
    engine = create_engine(sqlalchemy_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE osce_posts SET claimed_at = :t"), {"t": dt.datetime(2000, 1, 1)})
    engine.dispose()
    assert store.renew_claims(["a"]) == 1
    assert store.claim_post("C1", DAY, owner="b") is None
    assert store.mark_sending(claim) and store.post_status("C1", DAY)[0] == "sending"


def test_sqlite_is_in_wal_mode(tmp_path) -> None:  # noqa: ANN001
    s = Store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with s._engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()


# ---- group commit (bot.state.writer) ---------------------------------------------------


def test_claim_events_says_per_id_who_won(store: Store) -> None:
    assert store.claim_events(["a", "b", "a"]) == {"a", "b"}
    assert store.claim_events(["b", "c"]) == {"c"}
    assert store.claim_events([]) == set()


async def test_concurrent_claims_share_commits_and_each_key_wins_once(
    store: Store, db_url: str
) -> None:
    import asyncio

    from sqlalchemy import event

    from bot.state.writer import Writer

    commits = []
    event.listen(store.engine, "commit", lambda _conn: commits.append(1))
    other = Store(db_url)  # a second replica on the same database, with its own writer
    try:
        mine, theirs = Writer(store), Writer(other)
        keys = [f"k{n % 50}" for n in range(200)]  # each key asked 4 times, 2 per replica
        results = await asyncio.gather(
            *(mine.claim(k) for k in keys[::2]), *(theirs.claim(k) for k in keys[1::2])
        )
        won: dict[str, int] = {}
        for key, ok in zip(keys[::2] + keys[1::2], results, strict=True):
            won[key] = won.get(key, 0) + ok
        assert won == {f"k{n}": 1 for n in range(50)}
        assert len(commits) < 20  # 100 claims on this replica, in a handful of batches
    finally:
        other.close()


async def test_log_rows_are_written_with_the_next_batch_and_on_close(store: Store) -> None:
    from bot.state import QueryLog
    from bot.state.querylog import Logged
    from bot.state.writer import Writer

    queries = QueryLog(store, days=30)
    writer = Writer(store, queries)
    rows = [Logged(f"q{n}", DAY, "command", "card", "c1", 0.9, "kfor") for n in range(30)]
    for row in rows:
        writer.record(row)
    assert await writer.claim("after-rows") is True
    await writer.close()
    assert {queries.query_of(r.id).id for r in rows} == {r.id for r in rows}  # type: ignore[union-attr]
    off = Writer(store, QueryLog(store, days=0))
    off.record(Logged("q-off", DAY, "command", "card", "c1", 0.9, "kfor"))
    await off.close()
    assert queries.query_of("q-off") is None


async def test_a_failing_claim_is_raised_to_its_awaiters_and_the_writer_recovers(
    store: Store,
) -> None:
    import asyncio

    from bot.state.writer import Writer

    writer = Writer(store)
    with store.engine.begin() as conn:  # a real fault: the table is gone
        conn.execute(text("ALTER TABLE osce_seen_events RENAME TO gone"))
    results = await asyncio.gather(writer.claim("x"), writer.claim("y"), return_exceptions=True)
    assert all(isinstance(r, Exception) for r in results)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE gone RENAME TO osce_seen_events"))
    assert await writer.claim("x") is True


async def test_claims_and_log_rows_share_one_commit_even_when_pruning(db_url: str) -> None:
    """The first write of each kind prunes old rows: within the batch's own transaction, or
    a second connection would wait for the write lock the batch holds (and time out)."""
    from sqlalchemy import event

    from bot.state import QueryLog
    from bot.state.querylog import Logged
    from bot.state.writer import Writer

    store = Store(db_url, sqlite_timeout=1)
    try:
        commits = []
        event.listen(store.engine, "commit", lambda _conn: commits.append(1))
        store._claims = 99  # the next claim crosses a pruning point too
        writer = Writer(store, QueryLog(store, days=30))
        writer.record(Logged("q-prune", DAY, "command", "card", "c1", 0.9, "kfor"))
        assert await writer.claim("k-prune") is True
        await writer.close()
        assert len(commits) == 1
    finally:
        store.close()


async def test_recent_keys_are_replays_without_the_database_and_memory_stays_bounded(
    store: Store, monkeypatch
) -> None:
    from bot.state import writer as writer_module

    monkeypatch.setattr(writer_module, "RECENT_MAX", 10)
    writer = writer_module.Writer(store, gather=0)
    first = writer.claim_soon("k0")
    assert first is not None and writer.claim_soon("k0") is None  # told at once
    assert await first is True
    for n in range(1, 30):
        writer.claim_soon(f"k{n}")
    assert len(writer._recent) <= 10
    late = writer.claim_soon("k0")  # forgotten here: the database still knows it
    assert late is not None and await late is False
    await writer.close()


async def test_an_unawaited_claim_that_fails_is_logged_once(store: Store, caplog) -> None:
    import gc

    from bot.state.writer import Writer

    writer = Writer(store, gather=0)
    with store.engine.begin() as conn:
        conn.execute(text("ALTER TABLE osce_seen_events RENAME TO gone"))
    try:
        assert writer.claim_soon("never-awaited") is not None
        await writer.close()
        gc.collect()
    finally:
        with store.engine.begin() as conn:
            conn.execute(text("ALTER TABLE gone RENAME TO osce_seen_events"))
    assert "state write failed" in caplog.text
    assert "never retrieved" not in caplog.text


def _open(url: str) -> str:
    try:
        Store(url).close()
        return "ok"
    except Exception as exc:  # reported, so the assertion shows what went wrong
        return repr(exc)


@pytest.mark.slow
def test_replicas_creating_one_sqlite_file_at_once_all_start(tmp_path) -> None:
    """The first open switches the new file to WAL; processes doing it together used to fail
    one in fifteen rounds with "database is locked" (SQLite refuses rather than deadlock)."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(12) as pool:
        for n in range(6):
            url = f"sqlite:///{tmp_path / f'new{n}.sqlite3'}"
            assert pool.map(_open, [url] * 12) == ["ok"] * 12
