"""A fake Slack Web API for tests: a real aiohttp server on 127.0.0.1 that records every call.

Point the bot at it with SLACK_API_URL=<fake.url>/api/ (what slack-sdk calls base_url).
Each call records the client's TCP port (`Call.port`), so a test can tell whether replies
reuse pooled connections. Script failures with `fake.fail_next(method, status=429, retry_after=1)` or
`fake.fail_next(method, error="channel_not_found")`; anything unscripted succeeds the way
Slack would answer. Latency: `fake.latency = 0.05` delays every answer; `fake.delay_next(
method, seconds)` delays one answer after recording the call (a post is then already in the
channel, as when Slack answers after the client's timeout). Posted messages are kept per
channel and served by conversations.history, with their metadata when asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    port: int | None = None  # the sender's TCP port: one per connection it opened


def _port(request: web.Request) -> int | None:
    peer = request.transport.get_extra_info("peername") if request.transport else None
    return int(peer[1]) if peer else None


@dataclass
class _Failure:
    status: int = 200
    error: str | None = None
    retry_after: int | None = None
    drop: bool = False  # close the connection without answering


class FakeSlack:
    """Runs in its own thread with its own loop, so sync and async tests can both use it."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.response_urls: list[Call] = []
        self.response_failures: list[Call] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._delays: dict[str, deque[float]] = {}
        self.latency = 0.0
        self.in_flight = 0  # calls being answered now, and the most at any moment
        self.max_in_flight = 0
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> posts, oldest first
        self._ts = itertools.count(1)
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ---- scripting -------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        drop: bool = False,
        times: int = 1,
    ) -> None:
        with self._lock:
            q = self._failures.setdefault(method, deque())
            for _ in range(times):
                q.append(_Failure(status, error, retry_after, drop))

    def delay_next(self, method: str, seconds: float, *, times: int = 1) -> None:
        with self._lock:
            self._delays.setdefault(method, deque()).extend([seconds] * times)

    def posts_in(self, channel: str) -> list[dict[str, Any]]:
        """Messages that reached the channel (whatever the client saw of the answer)."""
        with self._lock:
            return list(self.messages.get(channel, []))

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 10.0) -> list[Call]:
        """Block until `count` calls to `method` arrived (replies are sent after the ack)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            calls = self.calls_to(method)
            if len(calls) >= count:
                return calls
            time.sleep(0.02)
        raise AssertionError(
            f"expected {count} call(s) to {method}, got {len(self.calls_to(method))}: {[c.method for c in self.calls]}"
        )

    @property
    def url(self) -> str:
        """The base URL to give as SLACK_API_URL."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/response/{name}"

    # ---- server ----------------------------------------------------------------------
    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        body = await request.read()
        if not body:
            return params
        ctype = request.headers.get("Content-Type", "")
        if "json" in ctype:
            params.update(json.loads(body))
        else:
            params.update(dict(parse_qsl(body.decode())))
        for key in ("blocks", "attachments", "view", "metadata"):
            if isinstance(params.get(key), str):
                with contextlib.suppress(ValueError):
                    params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await self._params(request)
        headers = {k: v for k, v in request.headers.items()}
        with self._lock:
            self.calls.append(Call(method, params, headers, port=_port(request)))
            queue = self._failures.get(method)
            failure = queue.popleft() if queue else None
            delays = self._delays.get(method)
            delay = (delays.popleft() if delays else 0.0) + self.latency
            answer = None if failure is not None else self._ok(method, params)
        if delay:
            with self._lock:
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
            try:
                await asyncio.sleep(delay)
            finally:
                with self._lock:
                    self.in_flight -= 1
        if failure is not None:
            if failure.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            if failure.status == 429:
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(failure.retry_after or 1)},
                )
            if failure.status != 200:
                return web.json_response(
                    {"ok": False, "error": "fatal_error"}, status=failure.status
                )
            return web.json_response({"ok": False, "error": failure.error or "unknown_error"})
        return web.json_response(answer)

    def _history(self, params: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first, after `oldest`, metadata only on request."""
        oldest = float(params.get("oldest") or 0)
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        with_meta = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m
            for m in reversed(self.messages.get(str(params.get("channel")), []))
            if float(m["ts"]) > oldest
        ]
        page = found[start : start + limit]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": [
                {k: v for k, v in m.items() if with_meta or k != "metadata"} for m in page
            ],
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _ok(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Slack's answer to a call that succeeds (called under the lock)."""
        ts = f"{int(time.time())}.{next(self._ts):06d}"
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "osce",
            }
        if method == "chat.postMessage":
            message = {"type": "message", "ts": ts, "bot_id": "BBOT", "text": params.get("text")}
            if params.get("metadata"):
                message["metadata"] = params["metadata"]
            self.messages.setdefault(str(params.get("channel")), []).append(message)
        if method == "conversations.history":
            return self._history(params)
        if method in ("chat.postMessage", "chat.postEphemeral"):
            return {"ok": True, "channel": params.get("channel"), "ts": ts, "message_ts": ts}
        if method in ("views.open", "views.update", "views.publish"):
            # a new hash on every change, as Slack does; the id stays with an updated view
            view = params.get("view") if isinstance(params.get("view"), dict) else {}
            view_id = params.get("view_id") or f"V{next(self._ts):08d}"
            return {"ok": True, "view": {**view, "id": view_id, "hash": f"h{ts}"}}
        if method == "apps.connections.open":
            return {"ok": True, "url": getattr(self, "socket_url", "ws://127.0.0.1:9/")}
        return {"ok": True}

    async def _response_url(self, request: web.Request) -> web.Response:
        """Records delivered replies; `fail_next("response/NAME", status=429)` refuses one."""
        name = request.match_info["name"]
        params = await self._params(request)
        with self._lock:
            queue = self._failures.get(f"response/{name}")
            failure = queue.popleft() if queue else None
            call = Call(name, params, dict(request.headers), port=_port(request))
            if failure is not None:
                self.response_failures.append(call)
            else:
                self.response_urls.append(call)
        if failure is not None:
            if failure.drop:
                assert request.transport is not None
                request.transport.close()
                return web.Response(status=500)
            headers = (
                {"Retry-After": str(failure.retry_after or 1)} if failure.status == 429 else {}
            )
            return web.Response(status=failure.status, text="rate_limited", headers=headers)
        return web.Response(text="ok")

    def start(self) -> FakeSlack:
        ready = threading.Event()

        def run() -> None:
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_post("/api/{method}", self._api)
            app.router.add_get("/api/{method}", self._api)
            app.router.add_post("/response/{name}", self._response_url)
            self._runner = web.AppRunner(app)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            self._loop.run_forever()
            self._loop.run_until_complete(self._runner.cleanup())
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-slack", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("fake Slack did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
