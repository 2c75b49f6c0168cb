"""`python -m bot` / `osce-bot`: the command line, one subcommand per way of running the bot.

Each subcommand imports its module lazily so that `ask` and `check` stay fast and do not
pull in Slack or the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from bot.config import Settings
from bot.failures import EXIT_CONFIG, ConfigError, Failure

# the daily calendar looks a year ahead and behind: keep one year of room at both ends
FIRST_DATE, LAST_DATE = dt.date(2, 1, 1), dt.date(9998, 12, 31)

STALE_DAYS = 180  # `check --stale` without a number: every card looked at twice a year


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text[:40]!r}") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"{text} is out of range (years 2 to 9998)")
    return day


def _port(text: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"must be a port number (1-65535), got {text[:20]!r}")
    return int(text)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2, like every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_CONFIG, f"{self.prog}: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="osce-bot",
        description="Answers questions about the OSCE's partnerships with the UN and NATO. "
        "With no subcommand: Socket Mode, HTTP or the local console, by the credentials set.",
    )
    sub = parser.add_subparsers(dest="command")

    ask = sub.add_parser(
        "ask", help="answer one query, or (with --json and no QUERY) stdin line by line"
    )
    ask.add_argument("query", nargs="?", help="what a person would type after /osce")
    ask.add_argument("--json", action="store_true", help="one JSON object per query")

    check = sub.add_parser("check", help="validate every card; exit 1 listing each problem")
    check.add_argument(
        "--sources",
        metavar="DIR",
        help="folder of source documents (like shared/seeds): check anchors and coverage",
    )
    check.add_argument(
        "--stale",
        metavar="DAYS",
        nargs="?",
        const=STALE_DAYS,
        type=_days,
        help="list cards not reviewed in DAYS days (default 180); exit 1 if any",
    )
    check.add_argument(
        "--today",
        type=_date,
        help="YYYY-MM-DD to measure --stale from (default: today)",
    )

    sources = sub.add_parser("sources", help="source drift: fetch the sources, record them")
    sources_sub = sources.add_subparsers(dest="sources_command", required=True)
    fetch = sources_sub.add_parser(
        "fetch", help="download each source's main text into DIR (like shared/seeds)"
    )
    fetch.add_argument("--out", metavar="DIR", required=True, help="folder to write")
    fetch.add_argument("--registry", metavar="FILE", help="default: facts/sources.yaml")
    fetch.add_argument("--timeout", type=float, default=30.0, help="seconds per source (30)")
    fetch.add_argument(
        "--max-bytes", type=int, default=5_000_000, help="size cap per page (5000000)"
    )
    fetch.add_argument("--max-redirects", type=int, default=5, help="redirects followed (5)")
    record = sources_sub.add_parser(
        "record", help="write DIR's paragraph hashes into the registry (after checking cards)"
    )
    record.add_argument("dir", metavar="DIR", help="folder of documents, e.g. a fetch's --out")
    record.add_argument("--registry", metavar="FILE", help="default: facts/sources.yaml")

    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--port", type=_port, help="port to listen on (default: $PORT or 3000)")
    serve.add_argument("--host", default="0.0.0.0", help="address to bind (default 0.0.0.0)")

    sub.add_parser("socket", help="Socket Mode (needs SLACK_APP_TOKEN)")
    sub.add_parser("console", help="the local console: type what you would type in Slack")

    today = sub.add_parser("today", help="print the daily 'on this date' post")
    today.add_argument("--date", type=_date, help="YYYY-MM-DD (default: today in DAILY_TZ)")
    today.add_argument("--json", action="store_true", help="the post as JSON (text and blocks)")

    post = sub.add_parser(
        "post-today", help="post the daily post to every subscribed channel, once"
    )
    post.add_argument("--date", type=_date, help="YYYY-MM-DD (default: today in DAILY_TZ)")

    insights = sub.add_parser(
        "insights", help="what people asked: misses, proposed questions, disliked cards"
    )
    insights.add_argument(
        "--days", type=_days, default=7, help="how many days back, today included (default 7)"
    )
    shape = insights.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="one JSON object")
    shape.add_argument(
        "--patch", action="store_true", help="a unified diff adding the proposals to the cards"
    )
    return parser


def _days(text: str) -> int:
    """`check --stale DAYS` and `insights --days N`: a whole number of days, 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days (1 or more): {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Exit codes (README, Operations): 0 ok, 1 cards/command failed, 2 configuration,
    3 database, 4 port/network, 5 Slack refused a token; each failure is one line."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except Failure as exc:
        print(f"osce-bot: {exc}", file=sys.stderr)
        return exc.exit_code
    except BrokenPipeError:
        # `today --json | head`: the reader has what it wanted. Point stdout at /dev/null so
        # the interpreter's final flush does not raise again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command is None:
        if settings.app_token:
            command = "socket"
        elif settings.signing_secret:
            command = "serve"
        elif settings.bot_token:
            raise ConfigError(
                "set SLACK_APP_TOKEN (xapp-, Socket Mode) or SLACK_SIGNING_SECRET (HTTP mode) "
                "next to SLACK_BOT_TOKEN"
            )
        else:
            command = "console"
    if command == "ask":
        from bot.ask import run_ask

        return run_ask(settings, args.query, as_json=args.json)
    if command == "check":
        from bot.cards.checking import run_check

        return run_check(settings.facts_dir, args.sources, stale=args.stale, today=args.today)
    if command == "sources":
        return _run_sources(args, settings)
    if command == "serve":
        from bot.slack.server import run_http

        settings.require_http()
        return run_http(
            settings,
            port=args.port if getattr(args, "port", None) else settings.port,
            host=getattr(args, "host", "0.0.0.0"),
        )
    if command == "socket":
        from bot.slack.server import run_socket

        settings.require_socket()
        return run_socket(settings, port=settings.socket_port)
    if command == "console":
        from bot.console import run_console

        return run_console(settings)
    if command == "today":
        from bot.ask import run_today

        return run_today(settings, args.date, as_json=args.json)
    if command == "post-today":
        from bot.slack.scheduler import run_post_today

        return run_post_today(settings, args.date)
    if command == "insights":
        from bot.insights.cli import run_insights

        return run_insights(settings, args.days, as_json=args.json, as_patch=args.patch)
    raise AssertionError(command)


def _run_sources(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    registry = Path(args.registry) if args.registry else settings.facts_dir / "sources.yaml"
    if args.sources_command == "fetch":
        from bot.sources.fetch import Limits, run_fetch

        limits = Limits(args.timeout, args.max_bytes, args.max_redirects)
        return run_fetch(registry, Path(args.out), limits=limits)
    from bot.sources.record import run_record

    return run_record(registry, Path(args.dir))


if __name__ == "__main__":
    sys.exit(main())
