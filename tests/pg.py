"""A real PostgreSQL server for tests: initdb + pg_ctl in a temp dir, on 127.0.0.1.

Use with `pytest_plugins = ["tests.pg"]` (or import the fixtures). `pg_server` is one server
per session; `pg_url` is a fresh, empty database per test. Without PostgreSQL binaries the
tests skip locally but fail under CI (CI is set), because CI must run them.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

_databases = itertools.count(1)


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runner() -> tuple[list[str], str | None]:
    """initdb refuses root: run the server as `postgres` (or `nobody`) when we are root."""
    if os.geteuid() != 0:
        return [], None
    for user in ("postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"], user
    raise RuntimeError("running as root and there is no postgres or nobody user for PostgreSQL")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Start PostgreSQL once for the session; yields a URL of its `postgres` database."""
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    if not initdb or not pg_ctl:
        message = "PostgreSQL server binaries (initdb, pg_ctl) not found on PATH or /usr/lib/postgresql/*/bin"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run the PostgreSQL tests (apt-get install postgresql)")
        pytest.skip(message)
    prefix, user = _runner()
    base = Path(tempfile.mkdtemp(prefix="osce-bot-pg-"))
    data, sockets, logfile = base / "data", base / "sock", base / "server.log"
    sockets.mkdir()
    if user is not None:
        entry = pwd.getpwnam(user)
        for path in (base, sockets):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = _free_port()
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*prefix, pg_ctl, "-D", str(data), "-o", options, "-l", str(logfile), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
        )
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A new empty database on the session's server, so tests never see each other's rows."""
    import psycopg

    name = f"osce_test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return pg_server.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.slow]),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every state test runs twice: on a SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'state.sqlite3'}"
    return request.getfixturevalue("pg_url")
