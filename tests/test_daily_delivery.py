"""The daily post's guarantees under faults (issue 14 items 6-10, issue 13 item 5).

At most once per channel and day, never lost when Slack did not get it: real
`python -m bot post-today` and `serve` processes against the fake Slack, killed with
SIGKILL and SIGTERM mid-post, real SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import signal
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.cards.loading import load_corpus
from bot.config import Settings
from bot.slack import delivery as delivery_module
from bot.slack.client import build_client
from bot.slack.delivery import EVENT_TYPE, Delivery, Pacer, post_daily
from bot.slack.scheduler import run_post_today
from bot.state import Store
from bot.state.store import sqlalchemy_url
from tests.fakeslack import FakeSlack
from tests.slack_signing import Server
from tests.test_posting import DAY, post_today, run, write_facts


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    return write_facts(tmp_path)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'state.sqlite3'}"


def wait_call(fake: FakeSlack, method: str = "chat.postMessage", count: int = 1) -> None:
    fake.wait_for(method, count, timeout=30)


def expire_leases(db_url: str) -> None:
    """What 15 minutes (or any lease) later looks like to the next run."""
    engine = create_engine(sqlalchemy_url(db_url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE osce_posts SET claimed_at = :t"), {"t": dt.datetime(2000, 1, 1)})
    engine.dispose()


def status(db_url: str, channel: str = "C123", day: dt.date = DAY) -> tuple | None:
    store = Store(db_url)
    try:
        return store.post_status(channel, day)
    finally:
        store.close()


# ---- item 6: at most once ---------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_after_slack_received_the_post_is_not_posted_again(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    fake_slack.delay_next("chat.postMessage", 60)  # Slack has it; the answer never comes
    first = post_today(fake_slack, facts, db_url)
    wait_call(fake_slack)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert len(fake_slack.posts_in("C123")) == 1
    expire_leases(db_url)  # the next run takes the dead run's claim over
    code, out, err = run(post_today(fake_slack, facts, db_url))
    assert code == 0, err
    assert out.strip() == "C123: already posted for 2026-10-01"
    assert len(fake_slack.posts_in("C123")) == 1
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert status(db_url)[0] == "posted"


@pytest.mark.slow
def test_answer_after_the_client_timeout_is_confirmed_from_history_not_resent(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    fake_slack.delay_next("chat.postMessage", 4)  # received at once, answered too late
    code, out, err = run(post_today(fake_slack, facts, db_url, DAILY_POST_TIMEOUT="1"))
    assert code == 0, err
    assert out.startswith("C123: posted this_month for 2026-10-01 (ts ")
    assert "confirmed from history" in out
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # 4 before: re-sent on timeout
    assert len(fake_slack.posts_in("C123")) == 1
    (history,) = fake_slack.calls_to("conversations.history")
    assert history.params["channel"] == "C123"
    assert str(history.params["include_all_metadata"]).lower() in ("1", "true")
    code, out, _ = run(post_today(fake_slack, facts, db_url))
    assert out.strip() == "C123: already posted for 2026-10-01"


@pytest.mark.slow
def test_sigterm_of_post_today_mid_post_lets_the_restart_check_instead_of_reposting(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    db = sqlite_url(tmp_path)
    fake_slack.delay_next("chat.postMessage", 60)
    first = post_today(fake_slack, facts, db)
    wait_call(fake_slack)
    first.send_signal(signal.SIGTERM)
    code, out, err = run(first)
    assert code == 1 and "interrupted" in out, (out, err)
    assert status(db)[0] == "sending"  # may have gone out: kept, not given back
    code, out, err = run(post_today(fake_slack, facts, db))  # at once: the lease was let go
    assert code == 0, err
    assert out.strip() == "C123: already posted for 2026-10-01"
    assert len(fake_slack.posts_in("C123")) == 1


@pytest.mark.slow
def test_sigterm_of_serve_mid_post_then_restart_posts_once(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    db = sqlite_url(tmp_path)
    store = Store(db)
    store.subscribe("CSERVE", dt.time(0, 0), "UTC")  # due all day, every day
    store.close()
    fake_slack.delay_next("chat.postMessage", 60)
    srv = Server(fake_slack.url, db, tmp_path / "serve.log").start()
    wait_call(fake_slack)
    assert srv.stop() == 0, srv.logs()
    assert len(fake_slack.posts_in("CSERVE")) == 1
    again = Server(fake_slack.url, db, tmp_path / "serve2.log").start()
    try:
        wait_call(fake_slack, "conversations.history")
        deadline = threading.Event()
        for _ in range(100):  # until the restart has recorded what it found
            today = dt.datetime.now(dt.UTC).date()
            if (status(db, "CSERVE", today) or ("",))[0] == "posted":
                break
            deadline.wait(0.1)
    finally:
        assert again.stop() == 0, again.logs()
    assert len(fake_slack.posts_in("CSERVE")) == 1  # 2 before: the day was released
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert "outcome=already_posted" in again.logs()


async def test_database_locked_while_a_post_is_in_flight_neither_crashes_nor_reposts(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    db = sqlite_url(tmp_path)
    settings = Settings(
        bot_token="xoxb-test", api_url=fake_slack.url, database_url=db, daily_lease=1.0
    )
    store = await asyncio.to_thread(Store, db, sqlite_timeout=0.3)
    for channel in ("C1", "C2"):
        await asyncio.to_thread(store.subscribe, channel, dt.time(9), "UTC")
    corpus = load_corpus(facts)
    client = build_client(settings)
    fake_slack.delay_next("chat.postMessage", 2)  # C1's answer comes while the DB is locked
    locker = sqlite3.connect(str(tmp_path / "state.sqlite3"), isolation_level=None, timeout=30)
    async with Delivery(settings, store, client, corpus) as delivery:
        task = asyncio.create_task(delivery.post_all([("C1", DAY), ("C2", DAY)]))
        await asyncio.to_thread(wait_call, fake_slack, "chat.postMessage", 2)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            c1, c2 = await task  # the run finishes: no crash, no channel skipped
        finally:
            locker.execute("ROLLBACK")
            locker.close()
    assert c1.outcome == "posted" and "not recorded" in (c1.error or "")
    assert c2.outcome in ("posted", "failed")
    assert len(fake_slack.posts_in("C1")) == 1
    await asyncio.sleep(1.2)  # C1's row is still `sending`; its lease runs out
    again = await post_daily(store, client, corpus, "C1", DAY, settings=settings)
    assert again.outcome == "already_posted"  # found in the history, not posted twice
    assert len(fake_slack.posts_in("C1")) == 1
    assert store.post_status("C1", DAY)[0] == "posted"
    store.close()


# ---- item 7: never lost --------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_during_back_off_does_not_make_the_next_cron_run_skip_the_day(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=60)
    first = post_today(fake_slack, facts, db_url)
    wait_call(fake_slack)
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert fake_slack.posts_in("C123") == []  # Slack refused it: nothing was posted
    code, out, err = run(post_today(fake_slack, facts, db_url, DAILY_LEASE_SECONDS="2"))
    assert code == 0, err
    assert out.startswith("C123: posted this_month for 2026-10-01")  # before: exit 0, no post
    assert len(fake_slack.posts_in("C123")) == 1


def test_post_today_exits_1_when_slack_cannot_confirm(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    # the answer is lost and the history cannot be read: nothing is re-sent, the run says so
    db = sqlite_url(tmp_path)
    fake_slack.fail_next("chat.postMessage", drop=True)
    fake_slack.fail_next("conversations.history", error="missing_scope")
    code, out, err = run(post_today(fake_slack, facts, db))
    assert code == 1, err
    assert out.startswith("C123: not confirmed:") and "missing_scope" in out
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert status(db)[0] == "sending"


# ---- item 8: dead channels and dead tokens -----------------------------------------------


def in_process_post_today(
    fake: FakeSlack, facts: Path, db: str, day: dt.date | None, **kw: object
) -> int:
    settings = Settings(
        bot_token="xoxb-test",
        api_url=fake.url,
        database_url=db,
        facts_dir=facts,
        daily_channel="C123",
        **kw,  # type: ignore[arg-type]
    )
    return run_post_today(settings, day)


def test_dead_channel_is_paused_on_the_third_day_and_resumes_on_subscribe(
    fake_slack: FakeSlack, facts: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for offset in range(3):
        fake_slack.fail_next("chat.postMessage", error="not_in_channel")
        code = in_process_post_today(fake_slack, facts, db_url, DAY + dt.timedelta(days=offset))
        assert code == 1
    out = capsys.readouterr().out
    assert out.count("failed: not_in_channel") == 3
    assert "paused after 3 days" in out.splitlines()[-1]
    # the fourth day: not tried, and the output says why and how to resume
    code = in_process_post_today(fake_slack, facts, db_url, DAY + dt.timedelta(days=3))
    assert code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("C123: paused (not_in_channel on 3 days in a row")
    assert "/osce subscribe" in out
    assert len(fake_slack.calls_to("chat.postMessage")) == 3
    store = Store(db_url)
    store.subscribe("C123", dt.time(9), "Europe/Vienna")  # what `/osce subscribe` does
    store.close()
    assert in_process_post_today(fake_slack, facts, db_url, DAY + dt.timedelta(days=3)) == 0
    assert len(fake_slack.posts_in("C123")) == 1


def test_a_good_day_resets_the_count(fake_slack: FakeSlack, facts: Path, tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    for offset, fails in enumerate([True, True, False, True, True]):
        if fails:
            fake_slack.fail_next("chat.postMessage", error="channel_not_found")
        in_process_post_today(fake_slack, facts, db, DAY + dt.timedelta(days=offset))
    store = Store(db)
    (sub,) = store.subscriptions()
    store.close()
    assert sub.paused is None and sub.fail_days == 2


@pytest.mark.slow
def test_invalid_auth_stops_the_run_at_once_with_one_line(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    db = sqlite_url(tmp_path)
    store = Store(db)
    for n in range(30):
        store.subscribe(f"C{n:03d}", dt.time(9), "Europe/Vienna")
    store.close()
    fake_slack.fail_next("chat.postMessage", error="invalid_auth", times=31)
    code, out, err = run(post_today(fake_slack, facts, db, DAILY_CONCURRENCY="1"))
    assert code == 2
    assert out == ""
    (line,) = err.strip().splitlines()
    assert (
        "invalid_auth" in line and "SLACK_BOT_TOKEN" in line and "30 channel(s) not tried" in line
    )
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # before: all 31


# ---- item 10: each subscription's own day --------------------------------------------------


def test_post_today_uses_each_subscriptions_time_zone(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    db = sqlite_url(tmp_path)
    store = Store(db)
    store.subscribe("CNY", dt.time(9), "America/New_York")
    store.subscribe("CVIE", dt.time(9), "Europe/Vienna")
    store.close()
    # 02:30 UTC on 2 October: 22:30 on 1 October in New York, 04:30 on 2 October in Vienna
    now = dt.datetime(2026, 10, 2, 2, 30, tzinfo=dt.UTC)
    settings = Settings(
        bot_token="xoxb-test", api_url=fake_slack.url, database_url=db, facts_dir=facts
    )
    assert run_post_today(settings, None, clock=lambda: now) == 0
    days = {
        c.params["channel"]: c.params["metadata"]["event_payload"]["day"]
        for c in fake_slack.calls_to("chat.postMessage")
    }
    assert days == {"CNY": "2026-10-01", "CVIE": "2026-10-02"}


# ---- issue 13 item 5: the fan-out ------------------------------------------------------------


async def test_fan_out_builds_the_post_once_and_keeps_to_its_bounds(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = sqlite_url(tmp_path)
    settings = Settings(
        bot_token="xoxb-test",
        api_url=fake_slack.url,
        database_url=db,
        daily_concurrency=4,
        daily_rate=1000.0,
    )
    store = await asyncio.to_thread(Store, db)
    built: list[dt.date] = []
    real_post_for = delivery_module.post_for

    def counting_post_for(corpus, day):  # noqa: ANN001, ANN202
        built.append(day)
        return real_post_for(corpus, day)

    monkeypatch.setattr(delivery_module, "post_for", counting_post_for)
    fake_slack.latency = 0.05
    channels = [f"C{n:02d}" for n in range(30)]
    fake_slack.fail_next("chat.postMessage", error="channel_not_found")  # one bad channel
    async with Delivery(settings, store, build_client(settings), load_corpus(facts)) as d:
        results = await d.post_all([(c, DAY) for c in channels])
    assert built == [DAY]  # once for 30 channels
    assert [r.channel for r in results] == channels
    assert sum(r.outcome == "posted" for r in results) == 29
    assert fake_slack.max_in_flight <= 4
    posted = [c.params["metadata"] for c in fake_slack.calls_to("chat.postMessage")]
    assert all(m["event_type"] == EVENT_TYPE for m in posted)
    store.close()


async def test_pacer_spaces_starts_in_request_order() -> None:
    now = [0.0]
    starts: list[tuple[int, float]] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds
        await asyncio.sleep(0)

    pacer = Pacer(4.0, clock=lambda: now[0], sleep=sleep)

    async def one(n: int) -> None:
        await pacer.wait()
        starts.append((n, now[0]))

    await asyncio.gather(*(one(n) for n in range(10)))
    assert [n for n, _ in starts] == list(range(10))  # first come, first served
    times = [t for _, t in starts]
    assert all(b - a >= 0.25 - 1e-9 for a, b in zip(times, times[1:], strict=False))
    assert times[0] == 0.0  # the first call does not wait


def test_settings_read_the_fan_out_bounds() -> None:
    settings = Settings.from_env(
        {"DAILY_CONCURRENCY": "7", "DAILY_POSTS_PER_SECOND": "2.5", "DAILY_LEASE_SECONDS": "30"}
    )
    assert (settings.daily_concurrency, settings.daily_rate, settings.daily_lease) == (7, 2.5, 30)
    from bot.config import ConfigError

    with pytest.raises(ConfigError, match="DAILY_POSTS_PER_SECOND"):
        Settings.from_env({"DAILY_POSTS_PER_SECOND": "0"})


async def test_heartbeat_keeps_a_slow_post_from_being_taken_over(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    settings = Settings(
        bot_token="xoxb-test", api_url=fake_slack.url, database_url=db_url, daily_lease=0.6
    )
    store = await asyncio.to_thread(Store, db_url)
    corpus = load_corpus(facts)
    client = build_client(settings)
    fake_slack.delay_next("chat.postMessage", 3)  # five leases long
    async with Delivery(settings, store, client, corpus) as slow:
        task = asyncio.create_task(slow.post("C1", DAY))
        await asyncio.to_thread(wait_call, fake_slack)
        await asyncio.sleep(1.5)  # past the lease: only the heartbeat keeps the claim
        other = await post_daily(store, client, corpus, "C1", DAY, settings=settings)
        assert other.outcome == "in_progress"
        assert (await task).outcome == "posted"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert fake_slack.calls_to("conversations.history") == []
    store.close()


async def test_the_loop_skips_a_paused_channel(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    from bot.slack.scheduler import run_daily

    db = sqlite_url(tmp_path)
    store = await asyncio.to_thread(Store, db)
    for channel in ("CDEAD", "CLIVE"):
        await asyncio.to_thread(store.subscribe, channel, dt.time(0), "UTC")
    for offset in range(3):
        await asyncio.to_thread(
            store.record_channel_error,
            "CDEAD",
            DAY - dt.timedelta(days=offset),
            "is_archived",
            pause_after=3,
        )
    settings = Settings(bot_token="xoxb-test", api_url=fake_slack.url, database_url=db)
    now = dt.datetime(2026, 10, 1, 12, tzinfo=dt.UTC)
    ticks: list[float] = []

    async def sleep(seconds: float) -> None:
        ticks.append(seconds)
        await asyncio.sleep(0.01)

    task = asyncio.create_task(
        run_daily(
            settings,
            store,
            load_corpus(facts),
            build_client(settings),
            clock=lambda: now,
            sleep=sleep,
        )
    )
    try:
        await asyncio.to_thread(wait_call, fake_slack)
        while len(ticks) < 2:
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert [c.params["channel"] for c in fake_slack.calls_to("chat.postMessage")] == ["CLIVE"]
    (dead,) = [s for s in store.subscriptions() if s.channel == "CDEAD"]
    assert dead.paused and dead.paused.startswith("is_archived on 3 days in a row")
    store.close()


async def test_a_run_that_cannot_read_the_history_neither_sends_nor_frees_the_day(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    settings = Settings(bot_token="xoxb-test", api_url=fake_slack.url, database_url=db_url)
    store = await asyncio.to_thread(Store, db_url)
    corpus = load_corpus(facts)
    client = build_client(settings)
    claim = await asyncio.to_thread(store.claim_post, "C1", DAY, owner="dead", sending=True)
    await asyncio.to_thread(store.let_go, claim)  # a run that died after maybe sending
    fake_slack.fail_next("conversations.history", error="missing_scope")
    result = await post_daily(store, client, corpus, "C1", DAY, settings=settings)
    assert result.outcome == "uncertain" and "missing_scope" in (result.error or "")
    assert fake_slack.calls_to("chat.postMessage") == []
    assert store.post_status("C1", DAY)[0] == "sending"  # the next run looks again
    result = await post_daily(store, client, corpus, "C1", DAY, settings=settings)
    assert result.outcome == "posted"  # the history is readable now, and the post is not there
    assert len(fake_slack.posts_in("C1")) == 1
    store.close()
