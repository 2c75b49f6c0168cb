"""Slack Web API error codes the bot acts on: one table, read by every surface.

Each code says what to tell the person who asked (when it is about the channel, not a bug),
what to tell the operator, and whether retrying can help. Handlers, the daily delivery and
start-up all read this table, so a code is described once.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

INVITE_HINT = "I can't post in this channel yet. Invite me with `/invite @osce`, then try again."


@dataclass(frozen=True)
class SlackError:
    code: str
    user_hint: str | None  # for the person in the channel; None: not theirs to fix
    operator_hint: str  # for the log / the CLI's one line
    token: bool = False  # the token itself is refused: stop, nothing else will work


ERRORS: dict[str, SlackError] = {
    e.code: e
    for e in (
        SlackError("not_in_channel", INVITE_HINT, "invite the bot to the channel (/invite @osce)"),
        SlackError(
            "channel_not_found",
            INVITE_HINT,
            "check the channel id, or invite the bot if the channel is private",
        ),
        SlackError(
            "is_archived",
            "This channel is archived, so I can't post in it.",
            "the channel is archived: unarchive it or /osce unsubscribe there",
        ),
        SlackError(
            "restricted_action",
            "Posting in this channel is restricted (by a workspace admin), so I can't post here.",
            "a workspace admin restricts posting in this channel",
        ),
        SlackError("missing_scope", None, "add the chat:write scope and reinstall the app"),
        SlackError("invalid_auth", None, "check SLACK_BOT_TOKEN", token=True),
        SlackError("not_authed", None, "set SLACK_BOT_TOKEN", token=True),
        SlackError(
            "account_inactive",
            None,
            "the app was uninstalled or its token revoked: reinstall it",
            token=True,
        ),
        SlackError(
            "token_revoked",
            None,
            "the token was revoked: reinstall the app and update SLACK_BOT_TOKEN",
            token=True,
        ),
    )
}


def error_code(exc: SlackApiError) -> str:
    """Slack's error code of a refused call (`not_in_channel`), or `HTTP 500` when none."""
    response = exc.response
    if response is None:
        return "unknown"
    return str(response.get("error") or f"HTTP {response.status_code}")


def known(exc: SlackApiError) -> SlackError | None:
    return ERRORS.get(error_code(exc))


def user_hint(exc: SlackApiError) -> str | None:
    """What to tell the person when Slack refuses a post because of the channel, else None."""
    found = known(exc)
    return found.user_hint if found else None


def is_permanent(code: str | None) -> bool:
    """Retrying will not help: the channel or the token must be fixed first."""
    return code in ERRORS


def is_bad_token(code: str | None) -> bool:
    return code is not None and code in ERRORS and ERRORS[code].token
