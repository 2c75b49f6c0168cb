"""The weekly curator digest: when it is due (pure), and posted once per week across replicas
against the fake Slack Web API, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Answerer
from bot.config import Settings
from bot.insights.digest import digest_week, next_digest_wake
from bot.insights.report import Insights, Proposal
from bot.slack.client import build_client
from bot.slack.digest import claim_key, post_digest, render, run_digest
from bot.state import QueryLog, Store
from bot.state.querylog import Logged
from tests.fakeslack import FakeSlack
from tests.slack_signing import BOT_TOKEN

VIENNA = ZoneInfo("Europe/Vienna")
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=VIENNA).astimezone(dt.UTC)


def test_due_from_monday_nine_local_until_posted_that_week() -> None:
    assert digest_week(at(MONDAY, 8, 59), "Europe/Vienna") is None
    assert digest_week(at(MONDAY, 9), "Europe/Vienna") == MONDAY
    sunday = MONDAY + dt.timedelta(days=6)
    assert digest_week(at(sunday, 23, 59), "Europe/Vienna") == MONDAY  # catch-up all week
    assert digest_week(
        at(sunday + dt.timedelta(days=1), 9), "Europe/Vienna"
    ) == MONDAY + dt.timedelta(days=7)
    # 08:30 UTC is 09:30 in Vienna but 03:30 in New York
    assert digest_week(dt.datetime(2026, 11, 23, 8, 30, tzinfo=dt.UTC), "America/New_York") is None


def test_wakes_at_monday_nine_or_within_ten_minutes() -> None:
    now = at(MONDAY, 8, 55)
    assert next_digest_wake(now, "Europe/Vienna") == at(MONDAY, 9)
    assert next_digest_wake(at(MONDAY, 9), "Europe/Vienna") == at(MONDAY, 9, 10)


def test_render_never_lets_text_ping_or_format() -> None:
    insights = Insights(
        misses=(("<!channel> <https://x.example|click>", 3),),
        proposals=(Proposal("<@U1> hello there", "nato-osce-kfor", 2),),
        disliked=(("nato-osce-kfor", 1),),
        unused=(),
        answered=4,
        missed=3,
    )
    reply = render(insights, MONDAY)
    out = json.dumps(reply.blocks) + reply.text
    assert "<!channel>" not in out and "<https" not in out and "<@U1>" not in out
    assert "&lt;!channel&gt;" in out and "4 answered, 3 missed" in out


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


def _seed(store: Store) -> QueryLog:
    log = QueryLog(store, days=90)
    for n in range(2):
        qid = f"q{n}"
        log.record(
            Logged(qid, MONDAY - dt.timedelta(days=1), "command", "none", None, 0, "serbian roads")
        )
        log.react(qid, f"UQX{n}", chosen="nato-osce-kfor", day=MONDAY - dt.timedelta(days=1))
    return log


async def test_two_replicas_post_one_digest_a_week(db_url: str, fake: FakeSlack, corpus) -> None:
    stores = [Store(db_url), Store(db_url)]
    try:
        logs = [_seed(stores[0]), QueryLog(stores[1], days=90)]
        client = build_client(Settings(bot_token=BOT_TOKEN, api_url=fake.url))
        answerer = Answerer(corpus)
        outcomes = await asyncio.gather(
            *(
                post_digest(s, q, answerer, client, "CQXCUR", MONDAY)
                for s, q in zip(stores, logs, strict=True)
            )
        )
        assert outcomes.count("posted") == 1  # the other saw the claim (or the post)
        assert set(outcomes) - {"posted"} <= {"in_progress", "already_posted"}
        again = await post_digest(stores[1], logs[1], answerer, client, "CQXCUR", MONDAY)
        assert again == "already_posted"
        (post,) = fake.calls_to("chat.postMessage")
        assert post.params["channel"] == "CQXCUR"
        assert "serbian roads" in json.dumps(post.params["blocks"])
        assert "nato-osce-kfor" in json.dumps(post.params["blocks"])
        # its own claim: a daily subscription of the same channel still posts that Monday
        assert stores[0].post_status(claim_key("CQXCUR"), MONDAY)[0] == "posted"
        assert stores[0].claim_post("CQXCUR", MONDAY) is not None
    finally:
        for s in stores:
            s.close()


async def test_a_refused_digest_is_released_and_posted_later(
    tmp_path, fake: FakeSlack, corpus
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    try:
        queries = _seed(store)
        client = build_client(Settings(bot_token=BOT_TOKEN, api_url=fake.url))
        fake.fail_next("chat.postMessage", error="channel_not_found")
        clock_times = iter(
            [at(MONDAY, 9, 1), at(MONDAY, 9, 1), at(MONDAY, 9, 11), at(MONDAY, 9, 11)]
        )
        ticks = 0

        async def sleep(_seconds: float) -> None:
            nonlocal ticks
            ticks += 1
            if ticks == 2:
                raise asyncio.CancelledError

        with pytest.raises(asyncio.CancelledError):
            await run_digest(
                store,
                queries,
                Answerer(corpus),
                client,
                "CQXCUR",
                "Europe/Vienna",
                clock=lambda: next(clock_times),
                sleep=sleep,
            )
        calls = fake.calls_to("chat.postMessage")
        assert len(calls) == 2  # refused, then posted at the next wake-up
        assert store.post_status(claim_key("CQXCUR"), MONDAY)[0] == "posted"
    finally:
        store.close()
