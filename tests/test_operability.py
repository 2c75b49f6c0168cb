"""Operability (issue 14): JSON logs, the health check's database probe, Socket Mode's
health endpoint on PORT."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from bot.config import Settings
from bot.slack.client import build_client
from bot.slack.health import Health
from bot.state import Store
from tests.fakeslack import FakeSlack
from tests.slack_signing import BOT_TOKEN, FORM, ROOT, Server, bot_env, free_port, sign, slash_body
from tests.test_socket_mode import SocketSlack, socket_slack  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def json_server(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Server]:
    srv = Server(
        fake_slack.url,
        f"sqlite:///{tmp_path / 'j.db'}",
        tmp_path / "server.log",
        extra_env={"LOG_FORMAT": "json"},
    ).start()
    yield srv
    assert srv.stop() == 0


async def test_log_format_json_gives_one_json_object_per_line(
    json_server: Server, fake_slack: FakeSlack
) -> None:
    body = slash_body("cfe treaty", fake_slack.response_url("json1"))
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            json_server.url + "/slack/events",
            data=body.encode(),
            headers={"Content-Type": FORM, **sign(body)},
        ) as resp,
    ):
        assert resp.status == 200
    await asyncio.to_thread(fake_slack.wait_for, "auth.test")
    for _ in range(100):
        if "kind=card" in json_server.logs():
            break
        await asyncio.sleep(0.05)
    records = [json.loads(line) for line in json_server.logs().splitlines() if line.strip()]
    assert records and all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"] == "osce.request" and "kind=card" in r["message"] for r in records)
    assert "cfe treaty" not in json_server.logs()


async def test_health_reports_a_database_that_went_away(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    folder = tmp_path / "db"
    folder.mkdir()
    store = Store(f"sqlite:///{folder / 'h.db'}")
    async with aiohttp.ClientSession() as session:
        client = build_client(
            Settings(bot_token=BOT_TOKEN, api_url=fake_slack.url), session=session
        )
        health = Health(client, store, cards=1, interval=0.05)
        health.start()
        try:
            for _ in range(100):
                if health.slack == "ok":
                    break
                await asyncio.sleep(0.05)
            assert await health.report() == (
                200,
                {"ok": True, "cards": 1, "slack": "ok", "database": "ok"},
            )
            store.close()  # drop pooled connections: the next probe opens the file again
            shutil.rmtree(folder)
            status, body = await health.report()
            assert status == 503 and body["database"].startswith("unavailable")
            fake_slack.fail_next("auth.test", error="token_revoked", times=1000)
            for _ in range(100):
                if health.slack != "ok":
                    break
                await asyncio.sleep(0.05)
            assert (await health.report())[1]["slack"] == "token_revoked"
            calls = len(fake_slack.calls_to("auth.test"))
            for _ in range(20):
                await health.report()
            assert len(fake_slack.calls_to("auth.test")) - calls < 20  # probes do not call Slack
        finally:
            await health.stop()


class HeldAuthTest:
    """A client whose auth.test answers only when the test says so. The race below needs
    the answer and the cancel in the same loop turn, which no real socket can schedule."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.answer: asyncio.Future[dict[str, bool]] = asyncio.get_running_loop().create_future()

    async def auth_test(self) -> dict[str, bool]:
        self.asked.set()
        return await self.answer


async def test_health_stops_when_cancelled_as_its_check_returns(tmp_path: Path) -> None:
    """CI hung on a refused app token: the health check's auth.test returned in the very
    turn `stop()` cancelled it, `asyncio.wait_for` (3.11) dropped the cancel, and the task
    slept its 30 s interval, again and again, while shutdown waited for it."""
    client = HeldAuthTest()
    store = Store(f"sqlite:///{tmp_path / 'h.db'}")
    health = Health(client, store, cards=1, interval=3600)  # type: ignore[arg-type]
    health.start()
    try:
        async with asyncio.timeout(5):
            await client.asked.wait()
        client.answer.set_result({"ok": True})
        async with asyncio.timeout(5):
            await health.stop()  # cancels in the same turn as the answer
        assert health._task is not None and health._task.cancelled()
    finally:
        store.close()


async def test_socket_mode_serves_health_and_metrics_on_port(
    socket_slack: SocketSlack,  # noqa: F811
    fake_slack: FakeSlack,
    tmp_path: Path,
) -> None:
    fake_slack.socket_url = socket_slack.url  # type: ignore[attr-defined]
    port = free_port()
    log = (tmp_path / "socket.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "socket",
        cwd=ROOT,
        env=bot_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN="xapp-1-A1-test",
            SLACK_API_URL=fake_slack.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 's.db'}",
            PORT=str(port),
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        await asyncio.wait_for(socket_slack.connected.wait(), 20)
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200 and (await resp.json())["ok"] is True
            async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
                assert resp.status == 200 and "osce_requests_total" in await resp.text()
            async with session.post(f"http://127.0.0.1:{port}/slack/events", data=b"x") as resp:
                assert resp.status in (404, 405)  # no Slack endpoint in Socket Mode
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 15) == 0
        log.close()


async def test_daily_posts_are_counted_by_outcome(fake_slack: FakeSlack, tmp_path: Path) -> None:
    import datetime as dt

    from bot.cards.loading import load_checked
    from bot.slack.metrics import Metrics
    from bot.slack.scheduler import run_daily

    settings = Settings(bot_token=BOT_TOKEN, api_url=fake_slack.url, daily_channel="CDAILY")
    corpus = load_checked(settings.facts_dir)
    assert corpus is not None
    store = await asyncio.to_thread(Store, f"sqlite:///{tmp_path / 'd.db'}")
    metrics = Metrics.create()
    now = dt.datetime(2026, 10, 1, 8, 30, tzinfo=dt.UTC)  # 10:30 Vienna: 09:00 is overdue

    async def sleep(_seconds: float) -> None:
        await asyncio.sleep(0.01)

    async with aiohttp.ClientSession() as session:
        task = asyncio.create_task(
            run_daily(
                settings,
                store,
                corpus,
                build_client(settings, session=session),
                clock=lambda: now,
                sleep=sleep,
                on_result=metrics.daily_post,
            )
        )
        try:
            await asyncio.to_thread(fake_slack.wait_for, "chat.postMessage", 1)
            for _ in range(100):
                if metrics.registry.get_sample_value(
                    "osce_daily_posts_total", {"outcome": "posted"}
                ):
                    break
                await asyncio.sleep(0.02)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
    assert metrics.registry.get_sample_value("osce_daily_posts_total", {"outcome": "posted"}) == 1
    store.close()


async def test_bolt_never_logs_the_body_of_a_request_it_refuses(
    tmp_path: Path, corpus, caplog: pytest.LogCaptureFixture
) -> None:
    """Behind the gate Bolt should never see a bad signature; if it does (a request that
    turns stale between the two checks), its line with the whole body is dropped."""
    from slack_bolt.request.async_request import AsyncBoltRequest

    from bot.slack.app import build_app
    from tests.slack_signing import SECRET

    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    settings = Settings(bot_token=BOT_TOKEN, signing_secret=SECRET, api_url="http://127.0.0.1:9/")
    app = build_app(settings, corpus, store)
    body = "text=my+private+zebra+question&command=%2Fosce"
    headers = {**sign(body, timestamp=1), "Content-Type": FORM}
    with caplog.at_level("DEBUG"):
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers=headers))
    assert response.status == 401
    assert "zebra" not in caplog.text
    store.close()


@pytest.mark.slow
def test_post_today_logs_json_too(fake_slack: FakeSlack, tmp_path: Path) -> None:
    """A cron run of `post-today` follows LOG_FORMAT like the servers do."""
    env = bot_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'cron.sqlite3'}",
        DAILY_CHANNEL="CJSON",
        LOG_FORMAT="json",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "post-today", "--date", "2026-10-01"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert lines and all(json.loads(ln)["level"] for ln in lines), proc.stderr


def test_start_up_objects_are_kept_out_of_the_collectors_reach() -> None:
    import gc

    from bot.slack.server import settle_heap

    kept = [object() for _ in range(1000)]  # built at start-up and kept for the process
    before = gc.get_freeze_count()
    try:
        settle_heap()
        assert gc.get_freeze_count() >= before + len(kept)
    finally:
        gc.unfreeze()
