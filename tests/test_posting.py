"""Posting once per channel per day: against the fake Slack over HTTP and real databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cards.loading import DEFAULT_FACTS, load_corpus
from bot.config import Settings
from bot.daily.calendar import post_for
from bot.daily.schedule import is_due, next_wake
from bot.slack.client import build_client
from bot.slack.delivery import post_daily
from bot.slack.scheduler import run_daily
from bot.state import Store, Subscription
from tests.fakeslack import FakeSlack

ROOT = Path(__file__).resolve().parent.parent
DAY = dt.date(2026, 10, 1)

CARD = """\
id: vienna-liaison-office
title: "UN liaison office in Vienna"
summary: "The UN opened a liaison office in Vienna to work with the OSCE day to day."
source: un-dppa-osce
reviewed: 2026-11-23
anchor: "liaison office"
orgs:
  - un
  - osce
topics:
  - liaison office
aliases: []
dates:
  - date: "2016-10"
    event: "UN liaison office opens in Vienna"
related: []
"""


def write_facts(base: Path) -> Path:
    """A one-card facts folder, so these tests do not depend on the real cards' wording."""
    facts = base / "facts"
    (facts / "cards").mkdir(parents=True)
    shutil.copy(DEFAULT_FACTS / "sources.yaml", facts / "sources.yaml")
    (facts / "cards" / "vienna-liaison-office.yaml").write_text(CARD, encoding="utf-8")
    return facts


@pytest.fixture
def facts(tmp_path: Path) -> Path:
    return write_facts(tmp_path)


def post_today(fake: FakeSlack, facts: Path, db: str, *extra: str, **env: str) -> subprocess.Popen:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DAILY_"))},
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": db,
        "DAILY_CHANNEL": "C123",
        "FACTS_DIR": str(facts),
        **env,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "post-today", "--date", DAY.isoformat(), *extra],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=120)
    return proc.returncode, out, err


# ---- end to end: `python -m bot post-today` ------------------------------------------


@pytest.mark.slow
def test_post_today_posts_once_even_when_run_twice(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, out, err = run(post_today(fake_slack, facts, db))
    assert code == 0, err
    assert out.startswith("C123: posted this_month for 2026-10-01 (ts ")
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 1
    params = calls[0].params
    assert params["channel"] == "C123"
    assert "10 years ago (October 2016)" in params["text"]
    assert params["blocks"][0]["type"] == "header"
    assert calls[0].headers["Authorization"] == "Bearer xoxb-test"
    assert "xoxb-test" not in out + err  # logs carry no token

    code, out, _ = run(post_today(fake_slack, facts, db))
    assert code == 0
    assert out.strip() == "C123: already posted for 2026-10-01"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1


@pytest.mark.slow
def test_post_today_reuses_one_connection_pool_and_closes_it(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    """One session for the whole run: twelve channels do not open twelve connections (as a
    session per call would), and it is closed before exit (no ResourceWarning, shown here)."""
    db = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    channels = [f"CPOOL{n:02d}" for n in range(12)]
    store = Store(db)
    try:
        for channel in channels:
            store.subscribe(channel, dt.time(9, 0), "Europe/Vienna")
    finally:
        store.close()
    code, out, err = run(
        post_today(fake_slack, facts, db, PYTHONWARNINGS="always::ResourceWarning")
    )
    assert code == 0, err
    posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in channels]
    assert sorted(c.params["channel"] for c in posts) == channels
    assert len({c.port for c in posts}) < len(channels)
    assert "Unclosed" not in err and "ResourceWarning" not in err, err


@pytest.mark.slow
def test_post_today_retries_after_429(fake_slack: FakeSlack, facts: Path, tmp_path: Path) -> None:
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=1)
    db = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, out, err = run(post_today(fake_slack, facts, db))
    assert code == 0, err
    assert "C123: posted" in out
    calls = fake_slack.calls_to("chat.postMessage")
    assert len(calls) == 2  # the 429, then the post
    assert calls[1].at - calls[0].at >= 1.0  # Retry-After was honoured
    code, out, _ = run(post_today(fake_slack, facts, db))
    assert "already posted" in out and len(fake_slack.calls_to("chat.postMessage")) == 2


@pytest.mark.slow
def test_permanent_error_releases_the_day_for_a_later_run(
    fake_slack: FakeSlack, facts: Path, tmp_path: Path
) -> None:
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    db = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, out, err = run(post_today(fake_slack, facts, db))
    assert code == 1
    assert out.strip().startswith("C123: failed: not_in_channel (invite the bot")
    assert "C123" in err and "not_in_channel" in err  # the warning names channel and fix
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # not retried
    code, out, _ = run(post_today(fake_slack, facts, db))
    assert code == 0 and "C123: posted" in out
    assert len(fake_slack.calls_to("chat.postMessage")) == 2


@pytest.mark.slow
def test_post_today_needs_the_bot_token(fake_slack: FakeSlack, facts: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    code, out, err = run(post_today(fake_slack, facts, db, SLACK_BOT_TOKEN=""))
    assert code == 2
    assert "SLACK_BOT_TOKEN" in err and len(err.strip().splitlines()) == 1
    assert fake_slack.calls == []


@pytest.mark.slow
def test_two_processes_racing_post_once(fake_slack: FakeSlack, facts: Path, db_url: str) -> None:
    procs = [post_today(fake_slack, facts, db_url) for _ in range(3)]
    results = [run(p) for p in procs]
    assert all(code == 0 for code, _, _ in results), results
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    outs = sorted(out.split(":")[1].strip().split(" ")[0] for _, out, _ in results)
    assert outs.count("posted") == 1


# ---- in process: post_daily and the scheduler ------------------------------------------


def settings_for(fake: FakeSlack, db_url: str, facts: Path, **kw: str) -> Settings:
    return Settings(
        bot_token="xoxb-test", api_url=fake.url, database_url=db_url, facts_dir=facts, **kw
    )


async def test_a_refused_post_frees_the_day_and_is_not_retried_blindly(
    fake_slack: FakeSlack, facts: Path, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Slack answering ok=false means it posted nothing: the day is free for a later try,
    # and the post is not re-sent inside the run (no retry layer over slack-sdk's handlers)
    settings = settings_for(fake_slack, db_url, facts)
    store = await asyncio.to_thread(Store, db_url)
    corpus = load_corpus(facts)
    client = build_client(settings)
    fake_slack.fail_next("chat.postMessage", error="internal_error")
    with caplog.at_level(logging.INFO, logger="bot.slack.delivery"):
        result = await post_daily(store, client, corpus, "C2", DAY, settings=settings)
    assert result.outcome == "failed" and result.error == "internal_error"
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert store.post_status("C2", DAY)[0] == "failed"  # free to claim again
    line = caplog.records[-1].getMessage()
    assert "channel=C2" in line and "outcome=failed" in line and "ms=" in line
    assert "xoxb" not in caplog.text
    result = await post_daily(store, client, corpus, "C2", DAY, settings=settings)
    assert result.outcome == "posted" and result.kind == "this_month"
    assert len(fake_slack.posts_in("C2")) == 1
    store.close()


async def test_scheduler_catches_up_then_waits_for_the_next_day(
    fake_slack: FakeSlack, facts: Path, db_url: str
) -> None:
    settings = settings_for(fake_slack, db_url, facts, daily_channel="C123")
    store = await asyncio.to_thread(Store, db_url)
    await asyncio.to_thread(store.subscribe, "C456", dt.time(23, 0), "Europe/Vienna")
    corpus = load_corpus(facts)
    # 10:30 in Vienna on 1 October 2026: C123 (09:00) is overdue, C456 (23:00) is not yet due
    now = dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        await asyncio.sleep(0.01)

    task = asyncio.create_task(
        run_daily(settings, store, corpus, build_client(settings), clock=lambda: now, sleep=sleep)
    )
    try:
        await asyncio.to_thread(fake_slack.wait_for, "chat.postMessage", 1)
        while len(sleeps) < 3:
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    calls = fake_slack.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in calls] == ["C123"]
    assert "10 years ago" in calls[0].params["text"]
    assert all(0 < s <= 60 for s in sleeps)
    assert store.post_status("C123", DAY)[0] == "posted"
    store.close()


def test_due_and_next_wake_follow_each_time_zone() -> None:
    vienna = Subscription("C1", dt.time(9), "Europe/Vienna")
    tokyo = Subscription("C2", dt.time(9), "Asia/Tokyo")
    now = dt.datetime(2026, 10, 1, 6, 59, tzinfo=dt.UTC)  # 08:59 Vienna, 15:59 Tokyo
    assert not is_due(vienna, now) and is_due(tokyo, now)
    assert next_wake([vienna, tokyo], now) == dt.datetime(2026, 10, 1, 7, 0, tzinfo=dt.UTC)
    later = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
    assert next_wake([vienna], later) == later + dt.timedelta(seconds=60)  # capped
    # the day after the clocks go back, 09:00 Vienna is 08:00 UTC
    assert not is_due(vienna, dt.datetime(2026, 10, 26, 7, 59, tzinfo=dt.UTC))
    assert is_due(vienna, dt.datetime(2026, 10, 26, 8, 0, tzinfo=dt.UTC))


def test_post_for_matches_what_is_posted(facts: Path) -> None:
    post = post_for(load_corpus(facts), DAY)
    assert post.kind == "this_month" and [c.id for c in post.cards] == ["vienna-liaison-office"]
