"""The local console: type what you would type in Slack and see what Slack would get.

No Slack, no token, no network: the same Answerer and renderer, so a card can be tried
before it is deployed. Reads stdin line by line, so it also works piped (tests do that).
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot import render
from bot.answers import Answerer, Reply
from bot.commands import parse_command
from bot.config import Settings
from bot.loading import load_checked

PROMPT = "osce> "
QUIT = frozenset({"exit", "quit", ":q"})
COMMAND = "/osce"
MENTION = "@osce"
INTRO = (
    "osce-bot console. Type `/osce nato arms control`, `@osce when did ...` or a question; "
    "`exit` or Ctrl-D quits."
)
SLACK_ONLY = "Subscribing a channel only works in Slack: there is no channel here."


def reply_for(answerer: Answerer, settings: Settings, line: str) -> Reply:
    """The reply Slack would get for this line: `/osce ...` as the slash command (with the
    share button), `@osce ...` as a mention, anything else as a DM."""
    words = line.split(maxsplit=1)
    first = words[0].lower() if words else ""
    if first == COMMAND:
        cmd = parse_command(words[1] if len(words) > 1 else "")
        if cmd.action == "today":
            from bot.daily import post_for
            from bot.daily_cli import today_in

            return post_for(answerer.corpus, today_in(settings.daily_tz)).reply
        if cmd.action == "answer":
            return render.ephemeral(answerer.answer(cmd.query))
        return Reply(SLACK_ONLY, ())
    if first == MENTION:
        return answerer.answer(words[1] if len(words) > 1 else "").reply
    return answerer.answer(line).reply


def run_console(
    settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """`python -m bot console` (and `python -m bot` with no Slack credentials)."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    answerer = Answerer(corpus)
    interactive = stdin.isatty()
    if interactive:
        print(INTRO, file=stdout)
    while True:
        if interactive:
            print(PROMPT, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:  # EOF
            break
        line = line.strip()
        if line.lower() in QUIT:
            break
        if not line:
            continue
        reply = reply_for(answerer, settings, line)
        print(render.console_text(reply), file=stdout)
        print(file=stdout, flush=True)
    return 0
