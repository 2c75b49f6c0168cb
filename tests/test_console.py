"""The local console: `python -m bot` with no Slack credentials, fed through stdin."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from bot.answers import Answerer
from bot.config import Settings
from bot.console import reply_for, run_console
from bot.slack.blocks import Renderer, console_text
from tests.slack_signing import ROOT, bot_env


def run(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=bot_env(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.slow
def test_console_answers_like_slack(corpus) -> None:
    proc = run("/osce cfe treaty\n@osce cfe treaty\ncfe treaty\nexit\nnever read\n")
    assert proc.returncode == 0, proc.stderr
    card = Answerer(corpus).answer("cfe treaty").card
    assert card is not None
    expected = console_text(Renderer(corpus).ephemeral(Answerer(corpus).answer("cfe treaty")))
    assert proc.stdout.startswith(expected)
    assert proc.stdout.count(card.title) >= 3  # slash command, mention and plain question
    assert "never read" not in proc.stdout and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_console_ends_at_eof_and_escapes_pings() -> None:
    proc = run("/osce\n<!channel> nonsensewordzz\n")
    assert proc.returncode == 0, proc.stderr
    assert "/osce" in proc.stdout  # empty command: help
    assert "<!channel>" not in proc.stdout


def test_console_in_process(corpus) -> None:
    out = io.StringIO()
    code = run_console(
        Settings(), stdin=io.StringIO("/osce list\n\n/osce today\nquit\n"), stdout=out
    )
    assert code == 0
    answerer = Answerer(corpus)
    assert console_text(Renderer(corpus).reply(answerer.answer("list"))) in out.getvalue()


def test_subscribe_is_slack_only(corpus) -> None:
    reply = reply_for(Answerer(corpus), Renderer(corpus), Settings(), "/osce subscribe 08:00")
    assert "only works in Slack" in reply.text
