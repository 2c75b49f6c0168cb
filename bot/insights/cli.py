"""`python -m bot insights [--days N] [--json|--patch]`: the query log, for the curator."""

from __future__ import annotations

import json
import sys

from bot.answers import Answerer
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.insights.patch import patch
from bot.insights.report import as_text, build
from bot.state import QueryLog, Store

DEFAULT_DAYS = 7  # a week: what the curator reads each Monday


def run_insights(settings: Settings, days: int, *, as_json: bool, as_patch: bool) -> int:
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    store = Store(settings.database_url)
    try:
        queries = QueryLog(store, settings.query_log_days, settings.query_log_key)
        queries.prune()
        rows, reactions = queries.window(days)
    finally:
        store.close()
    answerer = Answerer(corpus)
    insights = build(answerer, rows, reactions)
    if as_json:
        print(json.dumps(insights.to_json(), ensure_ascii=False, indent=2))
    elif as_patch:
        diff, warnings = patch(corpus, settings.facts_dir, insights.proposals)
        for warning in warnings:
            print(f"osce-bot insights: {warning}", file=sys.stderr)
        sys.stdout.write(diff)
    else:
        print(as_text(insights, days))
    if not queries.enabled:
        print("osce-bot insights: QUERY_LOG_DAYS=0, nothing is being logged", file=sys.stderr)
    return 0
