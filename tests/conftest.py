"""Shared fixtures: the real cards, and a fake Slack Web API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_bolt.context.async_context import AsyncBoltContext

from bot.answers import Answerer
from bot.cards.loading import DEFAULT_FACTS, load_corpus
from bot.config import Settings
from bot.services import Services
from bot.slack.blocks import Renderer
from bot.state import Store
from tests.fakeslack import FakeSlack
from tests.slack_signing import Server

pytest_plugins = ["tests.pg"]  # pg_server, pg_url, db_url

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(DEFAULT_FACTS)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSlack]:
    """One fake Slack Web API shared by a module's tests (they use unique names, `uid`)."""
    fake = FakeSlack().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture(scope="module")
def module_server(fake: FakeSlack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real `python -m bot serve` for a module's tests, on its own SQLite database; it must
    stop cleanly, and no traceback may reach its log."""
    tmp = tmp_path_factory.mktemp("serve")
    srv = Server(fake.url, f"sqlite:///{tmp / 'osce.sqlite3'}", tmp / "server.log").start()
    yield srv
    assert srv.stop() == 0, srv.logs()
    assert "Traceback" not in srv.logs(), srv.logs()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A real SQLite store of the test's own (modules with a `db_url` store define theirs)."""
    s = Store(f"sqlite:///{tmp_path / 'state.sqlite3'}")
    yield s
    s.close()


@pytest.fixture
def context(corpus, store: Store) -> AsyncBoltContext:
    """Bolt's context as the app's middleware fills it, for calling listeners directly."""
    ctx = AsyncBoltContext()
    ctx["services"] = Services(Settings(), corpus, Answerer(corpus), store)
    ctx["renderer"] = Renderer(corpus)
    ctx["channel_id"], ctx["user_id"], ctx["bot_user_id"] = "C1", "U1", "UBOT"
    return ctx
