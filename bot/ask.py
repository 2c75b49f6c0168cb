"""`bot ask` and `bot today`: the answers and the daily post from the command line, as text
or as JSON lines for other tools (the eval script reads `ask --json`)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any, TextIO

from bot.answers import Answer, Answerer, local_today
from bot.cards import Corpus
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.daily.calendar import post_for
from bot.daily.schedule import today_in
from bot.slack.blocks import Renderer, Reply, console_text
from bot.slack.daily_blocks import render as render_daily


def answer_json(answer: Answer, reply: Reply, corpus: Corpus) -> dict[str, Any]:
    """The `bot ask --json` line: what other tools (the eval, scripts) read."""
    card = answer.card
    return {
        "query": answer.query,
        "kind": answer.kind,
        "card": None
        if card is None
        else {"id": card.id, "title": card.title, "url": corpus.url_of(card)},
        "score": round(answer.score, 3),
        "suggestions": [{"id": c.id, "title": c.title} for c in answer.suggestions],
        "text": reply.text,
        "blocks": list(reply.blocks),
    }


def run_ask(
    settings: Settings,
    query: str | None,
    *,
    as_json: bool,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if query is None and not as_json:
        print(
            "osce-bot ask: give a QUERY, or use --json to read queries from stdin", file=sys.stderr
        )
        return 2
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    answerer, renderer = Answerer(corpus, today=local_today(settings)), Renderer(corpus)
    queries = [query] if query is not None else (line.rstrip("\r\n") for line in stdin)
    for q in queries:
        answer = answerer.answer(q)
        reply = renderer.reply(answer)
        if as_json:
            stdout.write(json.dumps(answer_json(answer, reply, corpus), ensure_ascii=False) + "\n")
            stdout.flush()
        else:
            stdout.write(console_text(reply) + "\n")
    return 0


def run_today(settings: Settings, date: dt.date | None, *, as_json: bool = False) -> int:
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    day = date or today_in(settings.daily_tz)
    post = post_for(corpus, day)
    reply = render_daily(corpus, post)
    if as_json:
        doc = {
            "date": day.isoformat(),
            "kind": post.kind,
            "text": reply.text,
            "blocks": list(reply.blocks),
            "cards": [card.id for card in post.cards],
        }
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print(reply.text)
    return 0
