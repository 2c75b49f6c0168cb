"""`bot ask`: the matcher from the command line, for people and for the eval script."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from bot.answers import Answerer
from bot.config import Settings
from bot.loading import load_checked
from bot.render import console_text


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
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    answerer = Answerer(corpus)
    if query is None and not as_json:
        print(
            "osce-bot ask: give a QUERY, or use --json to read queries from stdin", file=sys.stderr
        )
        return 2
    queries = [query] if query is not None else (line.rstrip("\r\n") for line in stdin)
    for q in queries:
        answer = answerer.answer(q)
        if as_json:
            stdout.write(json.dumps(answer.to_json(corpus), ensure_ascii=False) + "\n")
            stdout.flush()
        else:
            stdout.write(console_text(answer.reply) + "\n")
    return 0
