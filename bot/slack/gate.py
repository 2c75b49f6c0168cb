"""The door of `POST /slack/events`: Slack's signature checked before anything is parsed.

Bolt verifies signatures too, but only after it has decoded and parsed the body, so broken
JSON, `payload=` garbage or non-UTF-8 from anyone on the internet raised a traceback and a
500, and Bolt logged the whole body of every refused request (a 1 MB body, a forged log
line, a user's query in a replayed request). Here a request is refused on its headers
first, then on its size, then on its signature, each with a status code and at most one
short line in the log, rate-limited so a flood cannot grow the log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger("osce.gate")

MAX_BODY = 512 * 1024  # Slack's largest payloads (a block_actions with a long message) fit
STALE_SECONDS = 5 * 60  # Slack's own rule: refuse requests signed more than 5 minutes ago
LOG_EVERY = 60.0  # at most one line per minute about refused requests

Handler = Callable[[web.Request, str], Awaitable[web.StreamResponse]]


@dataclass
class RefusalLog:
    """One line for the first refusal, then a count at most once a minute. Never the body,
    never a header value: only the reason, which is one of a few fixed words."""

    count: Callable[[str], None] = lambda _reason: None  # the metrics' refusal counter
    every: float = LOG_EVERY
    _unlogged: int = 0
    _last: float = field(default=float("-inf"))

    def refused(self, reason: str) -> None:
        self.count(reason)
        now = time.monotonic()
        self._unlogged += 1
        if now - self._last >= self.every:
            log.warning("refused %d request(s) to /slack/events (last: %s)", self._unlogged, reason)
            self._unlogged, self._last = 0, now


def _refuse(status: int, reason: str, refusals: RefusalLog) -> web.Response:
    refusals.refused(reason)
    return web.Response(status=status, text=reason)


def verified(
    signing_secret: str, handle: Handler, refusals: RefusalLog
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """Wrap `handle(request, body_text)` so it only ever sees a fresh, signed, UTF-8 body."""
    verifier = SignatureVerifier(signing_secret)

    async def gate(request: web.Request) -> web.StreamResponse:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp.isdigit() or not signature.startswith("v0="):
            return _refuse(401, "unsigned", refusals)
        if abs(time.time() - int(timestamp)) > STALE_SECONDS:
            return _refuse(401, "stale", refusals)
        if (request.content_length or 0) > MAX_BODY:
            return _refuse(413, "too large", refusals)
        try:
            raw = await request.read()  # bounded by the application's client_max_size
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413, "too large", refusals)
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            return _refuse(400, "not utf-8", refusals)
        if not verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return _refuse(401, "bad signature", refusals)
        return await handle(request, body)

    return gate
