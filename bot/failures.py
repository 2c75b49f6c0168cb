"""Why the program stops, as exit codes an operator (or a supervisor) can tell apart.

Every start-up and CLI failure is one of these, raised with a one-line message that names
the setting and what to do; `bot.cli.main` prints it and exits with its code. No traceback:
the person reading it is running the bot, not debugging it.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_CARDS = 1  # a card is invalid (`check`), or a command's own work failed
EXIT_CONFIG = 2  # a setting or argument is missing or malformed
EXIT_DATABASE = 3  # the database cannot be reached, opened or is from a newer version
EXIT_NETWORK = 4  # the port is in use or cannot be bound
EXIT_TOKEN = 5  # Slack refused a token


class Failure(Exception):
    """A reason to stop; `str(exc)` is the one line to print."""

    exit_code = EXIT_CARDS


class ConfigError(Failure):
    """A setting that is missing or malformed; the message names the variable."""

    exit_code = EXIT_CONFIG


class DatabaseUnavailable(Failure):
    """DATABASE_URL is well-formed but the database cannot be used."""

    exit_code = EXIT_DATABASE


class NetworkUnavailable(Failure):
    """The port cannot be bound."""

    exit_code = EXIT_NETWORK


class TokenRefused(Failure):
    """Slack answered that a token is invalid, revoked or of the wrong kind."""

    exit_code = EXIT_TOKEN
