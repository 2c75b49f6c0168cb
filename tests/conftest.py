"""Shared fixtures: the real cards, and a fake Slack Web API on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cards.loading import DEFAULT_FACTS, load_corpus
from tests.fakeslack import FakeSlack

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
