"""Assembling the Bolt app: the only module in `bot/` that knows about Slack's framework.

`build_app` is a function (not a module-level `app = AsyncApp(...)`) so that every test,
every replica and the benchmark get their own app with no shared mutable state, and so
nothing reads the environment behind `Settings`' back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.answers import Answerer
from bot.cards import Corpus
from bot.config import Settings
from bot.slack_client import build_client

if TYPE_CHECKING:
    from bot.state import Store

log = logging.getLogger("osce.app")


@dataclass(frozen=True)
class Services:
    """What the listeners need, built once per app and handed to them explicitly."""

    settings: Settings
    corpus: Corpus
    answerer: Answerer
    store: Store


def build_app(
    settings: Settings,
    corpus: Corpus,
    store: Store,
    *,
    client: AsyncWebClient | None = None,
) -> AsyncApp:
    """A Bolt AsyncApp with every listener registered.

    `process_before_response=False`: Bolt returns the ack (HTTP 200) as soon as the
    listener calls `ack()`, and the matching and the reply run after it, so Slack's 3-second
    limit never depends on how long an answer takes. Request signatures are checked by Bolt
    whenever a signing secret is configured (HTTP mode); Socket Mode has none to check.
    """
    from handlers import register  # the listeners live outside the core

    bolt_log = logging.getLogger("osce.bolt")
    bolt_log.addFilter(_token_skipped_filter)  # idempotent: the same function object
    app = AsyncApp(
        name="osce",
        client=client or build_client(settings),
        # pass "" rather than None: with None Bolt would read SLACK_SIGNING_SECRET itself
        signing_secret=settings.signing_secret or "",
        request_verification_enabled=bool(settings.signing_secret),
        process_before_response=False,
        logger=bolt_log,
    )
    register(app, Services(settings, corpus, Answerer(corpus), store))
    return app


def _token_skipped_filter(record: logging.LogRecord) -> bool:
    """Drop Bolt's start-up warning that `token` is ignored because `client` was given.

    Bolt reads SLACK_BOT_TOKEN from the environment itself and then warns that it is
    unused; it is the same token our client carries, so the warning is a false alarm that
    would otherwise greet every operator at every start.
    """
    return "`token` will be unused" not in record.getMessage()
