"""Configuration, read from the environment in this one place.

Everything else receives a `Settings` object, so tests can build one without touching
os.environ and no module reads the environment behind the caller's back.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.cards.loading import DEFAULT_FACTS
from bot.failures import ConfigError

__all__ = ["ConfigError", "Settings"]

DEFAULT_DB = "sqlite:///osce-bot.sqlite3"
LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DEFAULT_QUERY_LOG_DAYS = 90


@dataclass(frozen=True)
class Settings:
    bot_token: str | None = None
    signing_secret: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    api_url: str | None = None
    port: int = 3000
    socket_port: int | None = None  # PORT when set: Socket Mode serves /healthz and /metrics
    database_url: str = DEFAULT_DB
    daily_tz: str = "Europe/Vienna"
    daily_channel: str | None = None
    facts_dir: Path = DEFAULT_FACTS
    log_level: str = "INFO"
    log_format: str = "text"  # "json": one JSON object per line (python-json-logger)
    health_interval: float = 30.0  # seconds between the health check's auth.test calls
    # how long the query log keeps rows (0: no query logging, and old rows are dropped)
    query_log_days: int = DEFAULT_QUERY_LOG_DAYS
    # key of the HMAC that counts distinct people; None: a random key kept in the database
    query_log_key: str | None = field(default=None, repr=False)
    curator_channel: str | None = None  # the weekly digest of misses and proposals goes here
    # the daily fan-out (bot.slack.delivery): posts in flight at once, posts started per
    # second workspace-wide, how long a dead run's claim blocks others, chat.postMessage timeout
    daily_concurrency: int = 20
    daily_rate: float = 5.0
    daily_lease: float = 120.0
    daily_timeout: float = 30.0

    def __repr__(self) -> str:  # never show tokens, even in a traceback
        return f"Settings(port={self.port}, api_url={self.api_url!r}, facts_dir={str(self.facts_dir)!r})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        port_text = get("PORT") or "3000"
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise ConfigError(f"PORT must be a port number (1-65535), got {port_text[:20]!r}")
        days_text = get("QUERY_LOG_DAYS") or str(DEFAULT_QUERY_LOG_DAYS)
        if not days_text.isdigit() or int(days_text) > 36500:
            raise ConfigError(
                f"QUERY_LOG_DAYS must be a number of days (0 turns query logging off), got {days_text[:20]!r}"
            )
        log_format = (get("LOG_FORMAT") or "text").lower()
        if log_format not in LOG_FORMATS:
            raise ConfigError(f"LOG_FORMAT must be text or json, got {log_format[:20]!r}")
        log_level = (get("LOG_LEVEL") or "INFO").upper()
        if log_level not in LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}")
            raise ConfigError(f"PORT must be a port number, got {port_text!r}")
        days_text = get("QUERY_LOG_DAYS") or str(DEFAULT_QUERY_LOG_DAYS)
        if not days_text.isdigit() or int(days_text) > 36500:
            raise ConfigError(
                f"QUERY_LOG_DAYS must be a number of days (0 turns query logging off), got {days_text!r}"
            )
        return cls(
            bot_token=get("SLACK_BOT_TOKEN"),
            signing_secret=get("SLACK_SIGNING_SECRET"),
            app_token=get("SLACK_APP_TOKEN"),
            api_url=get("SLACK_API_URL"),
            port=int(port_text),
            socket_port=int(port_text) if get("PORT") else None,
            database_url=get("DATABASE_URL") or DEFAULT_DB,
            daily_tz=get("DAILY_TZ") or "Europe/Vienna",
            daily_channel=get("DAILY_CHANNEL"),
            facts_dir=Path(get("FACTS_DIR") or DEFAULT_FACTS),
            log_level=log_level,
            log_format=log_format,
            query_log_days=int(days_text),
            query_log_key=get("QUERY_LOG_KEY"),
            curator_channel=get("CURATOR_CHANNEL"),
            daily_concurrency=int(_number(get, "DAILY_CONCURRENCY", 20, integer=True)),
            daily_rate=_number(get, "DAILY_POSTS_PER_SECOND", 5.0),
            daily_lease=_number(get, "DAILY_LEASE_SECONDS", 120.0),
            daily_timeout=_number(get, "DAILY_POST_TIMEOUT", 30.0),
        )

    def require_http(self) -> None:
        """HTTP mode needs a bot token and the signing secret; say which is wrong."""
        _require_token("SLACK_BOT_TOKEN", self.bot_token, "xoxb-")
        if not self.signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set (Basic Information > App Credentials)"
            )

    def require_socket(self) -> None:
        """Socket Mode needs the bot token and an app-level token."""
        _require_token("SLACK_BOT_TOKEN", self.bot_token, "xoxb-")
        _require_token("SLACK_APP_TOKEN", self.app_token, "xapp-")


def _number(
    get: Callable[[str], str | None], name: str, default: float, *, integer: bool = False
) -> float:
    """A positive number from the environment, or a ConfigError naming the variable."""
    raw = get(name)
    if raw is None:
        return default
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        value = 0
    if not value > 0 or value == float("inf"):
        kind = "a whole number" if integer else "a number"
        raise ConfigError(f"{name} must be {kind} greater than 0, got {raw!r}")
    return value


def _require_token(name: str, value: str | None, prefix: str) -> None:
    if not value:
        raise ConfigError(f"{name} is not set (it starts with {prefix})")
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise ConfigError(f"{name} is malformed: it must start with {prefix} and contain no spaces")
