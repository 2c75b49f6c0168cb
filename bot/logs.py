"""Logging set-up, once per process: plain lines by default, JSON lines with LOG_FORMAT=json.

JSON goes through python-json-logger so a log shipper gets `time`, `level`, `logger` and
`message` as fields instead of parsing text. What is logged is decided elsewhere (one line
per request, never a token or a query); this only decides how a line looks.
"""

from __future__ import annotations

import logging
import sys

from bot.config import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    # The formats above use none of where, which thread or which process a line came from;
    # not collecting them is the logging HOWTO's "Optimization" advice, and a tenth of a
    # slash command's CPU was its one log line.
    logging._srcfile = None  # type: ignore[attr-defined]  # documented there: skips findCaller
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
