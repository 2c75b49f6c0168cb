"""A local web site on 127.0.0.1 that serves the two sources as real pages do.

Each seed document becomes an HTML page wrapped in the furniture real sites have (cookie
banner, navigation, footer), so `bot sources fetch` must find the main text itself. Pages
can be replaced mid-test (a changed source), and a few routes misbehave on purpose.
"""

from __future__ import annotations

import asyncio
import html
import threading
from pathlib import Path

from aiohttp import web

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
BOILERPLATE_WORDS = ("cookies", "All rights reserved", "News and press releases")


def page(text: str) -> str:
    """A seed document as a page: title, headings, paragraphs, bullet lists, and furniture."""
    lines = [line for line in text.splitlines() if line.strip()]
    body: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            body.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for n, line in enumerate(lines):
        if line.lstrip().startswith("•"):
            items.append(line.strip().lstrip("•").strip())
            continue
        flush()
        tag = "h1" if n == 0 else "h2" if len(line.split()) < 8 else "p"
        body.append(f"<{tag}>{html.escape(line.strip())}</{tag}>")
    flush()
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head>
<body>
<div id="cookie-banner" class="cookie-consent"><p>We use cookies to improve your experience on
our website. By continuing to browse you agree to our use of cookies.</p>
<button>Accept all cookies</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News and press releases
from the organisation</a></li><li><a href="/about">About us and what we do</a></li></ul></nav>
</header>
<main><article>{"".join(body)}</article></main>
<footer><p>Copyright 2026 The Organisation. All rights reserved. Terms of use, privacy
notice and accessibility statement.</p><ul><li><a href="/contact">Contact</a></li></ul></footer>
</body></html>"""


class SourceSite:
    """Runs in its own thread and loop, so tests can run `python -m bot` against it."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stop: asyncio.Event | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _page(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self.pages:
            return web.Response(status=404, text="not here")
        return web.Response(text=self.pages[name], content_type="text/html")

    async def _slow(self, request: web.Request) -> web.Response:
        assert self._stop is not None
        await self._stop.wait()  # answers only when the site shuts down
        return web.Response(text="too late")

    async def _loop_redirect(self, request: web.Request) -> web.Response:
        n = int(request.query.get("n", "0"))
        raise web.HTTPFound(f"/loop?n={n + 1}")

    async def _big(self, request: web.Request) -> web.Response:
        return web.Response(text="<p>" + "word " * 400_000 + "</p>", content_type="text/html")

    async def _big_chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(200):
            await response.write(b"<p>" + b"word " * 2000 + b"</p>")
        await response.write_eof()
        return response

    def start(self) -> SourceSite:
        ready = threading.Event()

        def run() -> None:
            loop = self._loop = asyncio.new_event_loop()
            self._stop = asyncio.Event()
            app = web.Application()
            app.router.add_get("/pages/{name}", self._page)
            app.router.add_get("/slow", self._slow)
            app.router.add_get("/loop", self._loop_redirect)
            app.router.add_get("/big", self._big)
            app.router.add_get("/big-chunked", self._big_chunked)
            runner = web.AppRunner(app)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
