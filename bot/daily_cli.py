"""`bot today` (print a date's post) and `bot post-today` (one-shot posting for cron).

`post-today` goes through the same database claim as the in-process scheduler, so running
it from cron or Heroku Scheduler next to a running bot still posts once per channel per day.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sys
from zoneinfo import ZoneInfo

from bot.cards import Corpus
from bot.config import Settings
from bot.daily import post_for
from bot.loading import load_checked
from bot.posting import PostResult, post_daily
from bot.scheduler import apply_daily_channel
from bot.slack_client import build_client
from bot.state import Store


def today_in(tz: str) -> dt.date:
    return dt.datetime.now(ZoneInfo(tz)).date()


def run_today(settings: Settings, date: dt.date | None, *, as_json: bool = False) -> int:
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    day = date or today_in(settings.daily_tz)
    post = post_for(corpus, day)
    if as_json:
        doc = {
            "date": day.isoformat(),
            "kind": post.kind,
            "text": post.reply.text,
            "blocks": list(post.reply.blocks),
            "cards": [card.id for card in post.cards],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(post.reply.text)
    return 0


def run_post_today(settings: Settings, date: dt.date | None) -> int:
    """Post `date` (default today in DAILY_TZ) to every subscribed channel, whatever its HH:MM."""
    if not settings.bot_token:
        print("osce-bot: SLACK_BOT_TOKEN is not set (it starts with xoxb-)", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    day = date or today_in(settings.daily_tz)
    store = Store(settings.database_url)
    try:
        apply_daily_channel(store, settings)
        channels = [sub.channel for sub in store.subscriptions()]
        if not channels:
            print("no subscribed channels (set DAILY_CHANNEL or use /osce subscribe)")
            return 0
        results = asyncio.run(_post_all(settings, store, corpus, channels, day))
    finally:
        store.close()
    for result in results:
        print(result.line())
    return 1 if any(r.outcome == "failed" for r in results) else 0


async def _post_all(
    settings: Settings, store: Store, corpus: Corpus, channels: list[str], day: dt.date
) -> list[PostResult]:
    """One channel after another: a cron run is small, and Slack rate-limits per workspace."""
    client = build_client(settings)
    return [await post_daily(store, client, corpus, channel, day) for channel in channels]
