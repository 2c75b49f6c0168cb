"""The local console: type what you would type in Slack and see what Slack would get.

No Slack connection, no token, no network: the same Answerer and the same Block Kit
renderer, shown as terminal text, so a card can be tried before it is deployed. Reads stdin
line by line, so it also works piped (tests do that).
"""

from __future__ import annotations

import sys
from typing import TextIO

from bot.answers import Answerer, local_today
from bot.cards.loading import load_checked
from bot.config import Settings
from bot.daily.calendar import post_for
from bot.daily.schedule import today_in
from bot.slack.blocks import Renderer, Reply, console_text, did_you_mean
from bot.slack.daily_blocks import render as render_daily

PROMPT = "osce> "
QUIT = frozenset({"exit", "quit", ":q"})
COMMAND = "/osce"
MENTION = "@osce"
INTRO = (
    "osce-bot console. Type `/osce nato arms control`, `@osce when did ...` or a question; "
    "`exit` or Ctrl-D quits."
)
SLACK_ONLY = "Subscribing a channel only works in Slack: there is no channel here."


def reply_for(answerer: Answerer, renderer: Renderer, settings: Settings, line: str) -> Reply:
    """The reply Slack would get for this line: `/osce ...` as the slash command (with the
    share button), `@osce ...` as a mention, anything else as a DM."""
    words = line.split(maxsplit=1)
    first = words[0].lower() if words else ""
    rest = words[1] if len(words) > 1 else ""
    if first == COMMAND:
        cmd = answerer.command(rest)
        if cmd.answer is not None:
            return renderer.ephemeral(cmd.answer)
        if cmd.action == "did_you_mean":
            return Reply(did_you_mean(cmd.meant), ())
        if cmd.action == "today":
            return render_daily(
                answerer.corpus, post_for(answerer.corpus, today_in(settings.daily_tz))
            )
        return Reply(SLACK_ONLY, ())
    return renderer.reply(answerer.answer(rest if first == MENTION else line))


def run_console(
    settings: Settings, *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> int:
    """`python -m bot console` (and `python -m bot` with no Slack credentials)."""
    stdin, stdout = stdin or sys.stdin, stdout or sys.stdout
    corpus = load_checked(settings.facts_dir)
    if corpus is None:
        return 1
    answerer, renderer = Answerer(corpus, today=local_today(settings)), Renderer(corpus)
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
        print(console_text(reply_for(answerer, renderer, settings, line)), file=stdout)
        print(file=stdout, flush=True)
    return 0
