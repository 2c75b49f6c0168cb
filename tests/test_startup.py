"""Issue 14 items 5, 11 and 12: every start-up and CLI failure is one line naming the
setting and what to do, with its own exit code (README, Operations). Real processes."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.failures import (
    EXIT_CONFIG,
    EXIT_DATABASE,
    EXIT_NETWORK,
    EXIT_TOKEN,
    DatabaseUnavailable,
)
from bot.state import Store
from tests.fakeslack import FakeSlack
from tests.slack_signing import BOT_TOKEN, ROOT, SECRET, bot_env, free_port

pytestmark = pytest.mark.slow


def run_bot(*args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=bot_env(**env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def one_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The process said exactly one line on stderr, and no traceback."""
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def serve_env(fake: FakeSlack, database_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "LOG_LEVEL": "ERROR",  # only what goes wrong; start-up chatter is not the point here
    }


def test_postgres_down_exits_3_naming_database_url(fake_slack: FakeSlack) -> None:
    url = f"postgresql://osce:hunter2@127.0.0.1:{free_port()}/osce"
    proc = run_bot("serve", "--port", str(free_port()), **serve_env(fake_slack, url))
    assert proc.returncode == EXIT_DATABASE
    line = one_line(proc)
    assert "DATABASE_URL" in line and "PostgreSQL" in line and "hunter2" not in line


@pytest.mark.parametrize("url", ["not a url", "mysql+nodriver://x/y", "postgresql://h:port/db"])
def test_malformed_database_url_exits_2(fake_slack: FakeSlack, url: str) -> None:
    proc = run_bot("serve", "--port", str(free_port()), **serve_env(fake_slack, url))
    assert proc.returncode == EXIT_CONFIG, proc.stderr
    assert "DATABASE_URL is malformed" in one_line(proc)


def test_missing_or_unwritable_sqlite_directory_exits_3(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("")
    # read-only: tests run as root, for whom chmod does not bite, so SQLite's own ro mode
    read_only = tmp_path / "ro.db"
    sqlite3.connect(read_only).close()
    for url in (
        f"sqlite:///{tmp_path / 'missing' / 'x.db'}",
        f"sqlite:///{a_file / 'x.db'}",
        f"sqlite:///file:{read_only}?mode=ro&uri=true",
    ):
        proc = run_bot("serve", "--port", str(free_port()), **serve_env(fake_slack, url))
        assert proc.returncode == EXIT_DATABASE, proc.stderr
        assert "directory exists and is writable" in one_line(proc)


def test_port_in_use_exits_4(fake_slack: FakeSlack, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_bot(
            "serve",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
            **serve_env(fake_slack, f"sqlite:///{tmp_path / 'p.db'}"),
        )
    assert proc.returncode == EXIT_NETWORK, proc.stderr
    line = one_line(proc)
    assert f"port {port}" in line and "in use" in line and "--port or PORT" in line


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (("serve", "--port", "70000"), {}, "--port"),
        (("today", "--date", "9999-12-31"), {}, "--date"),
        (("today", "--date", "31/12/2026"), {}, "--date"),
        (("today",), {"PORT": "70000"}, "PORT"),
        (("today",), {"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
    ],
)
def test_bad_arguments_and_settings_exit_2_in_one_line(
    args: tuple[str, ...], env: dict[str, str], needle: str
) -> None:
    proc = run_bot(*args, **env)
    assert proc.returncode == EXIT_CONFIG
    assert needle in one_line(proc)


def test_only_a_bot_token_names_both_ways_to_run() -> None:
    proc = run_bot(SLACK_BOT_TOKEN=BOT_TOKEN)
    assert proc.returncode == EXIT_CONFIG
    line = one_line(proc)
    assert "SLACK_APP_TOKEN" in line and "SLACK_SIGNING_SECRET" in line


def test_today_json_into_a_closed_pipe_ends_quietly() -> None:
    """`today --json | head -0`: the reader is gone before the first write."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "today", "--json"],
        cwd=ROOT,
        env=bot_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `head` exiting
    err = proc.stderr.read().decode()
    assert proc.wait(30) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err, err


def test_refused_bot_token_exits_5(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.fail_next("auth.test", error="invalid_auth")
    proc = run_bot(
        "serve", "--port", str(free_port()), **serve_env(fake_slack, f"sqlite:///{tmp_path / 'db'}")
    )
    assert proc.returncode == EXIT_TOKEN
    assert "SLACK_BOT_TOKEN was refused by Slack (invalid_auth)" in one_line(proc)


def test_refused_app_token_exits_5_instead_of_retrying(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.fail_next("apps.connections.open", error="invalid_auth", times=50)
    proc = run_bot(
        "socket",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN="xapp-1-A1-refused",
        SLACK_API_URL=fake_slack.url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db'}",
        LOG_LEVEL="ERROR",
    )
    assert proc.returncode == EXIT_TOKEN
    assert "SLACK_APP_TOKEN was refused by Slack (invalid_auth)" in one_line(proc)
    assert len(fake_slack.calls_to("apps.connections.open")) == 1  # asked once, not forever


def test_schema_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.db'}"
    store = Store(url)
    with store._engine.begin() as conn:
        conn.exec_driver_sql("UPDATE osce_schema_version SET version = 99")
    store.close()
    with pytest.raises(DatabaseUnavailable, match=r"schema version 99 is newer than this code's"):
        Store(url)
    proc = run_bot("post-today", SLACK_BOT_TOKEN=BOT_TOKEN, DATABASE_URL=url)
    assert proc.returncode == EXIT_DATABASE
    assert "upgrade osce-bot" in one_line(proc)


def test_healthz_is_503_while_the_web_api_is_unreachable(tmp_path: Path) -> None:
    """Slack down from the start: the bot still starts (it may come back), but says so."""
    port = free_port()
    dead = f"http://127.0.0.1:{free_port()}/api/"
    log = (tmp_path / "log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--port", str(port), "--host", "127.0.0.1"],
        cwd=ROOT,
        env=bot_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=dead,
            DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}",
        ),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline, status, body = time.monotonic() + 60, None, None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status, body = r.status, json.load(r)
            except urllib.error.HTTPError as exc:
                status, body = exc.code, json.load(exc)
            except OSError:
                time.sleep(0.2)
        assert status == 503, (tmp_path / "log").read_text()
        assert body is not None and body["ok"] is False and body["database"] == "ok"
        assert body["slack"].startswith("unreachable")
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()
