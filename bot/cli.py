"""`python -m bot` / `osce-bot`: the command line, one subcommand per way of running the bot.

Each subcommand imports its module lazily so that `ask` and `check` stay fast and do not
pull in Slack or the database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

from bot.config import ConfigError, Settings


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
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

    serve = sub.add_parser("serve", help="HTTP mode: POST /slack/events, GET /healthz")
    serve.add_argument("--port", type=int, help="port to listen on (default: $PORT or 3000)")
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
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of days (1 or more): {text!r}")
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except ConfigError as exc:
        print(f"osce-bot: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command is None:
        if settings.app_token and settings.bot_token:
            command = "socket"
        elif settings.bot_token or settings.signing_secret:
            command = "serve"
        else:
            command = "console"
    if command == "ask":
        from bot.ask import run_ask

        return run_ask(settings, args.query, as_json=args.json)
    if command == "check":
        from bot.cards.checking import run_check

        return run_check(settings.facts_dir, args.sources)
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
        return run_socket(settings)
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


if __name__ == "__main__":
    sys.exit(main())
