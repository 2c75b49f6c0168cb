"""Search-as-you-type under load: signed `block_suggestion` requests against `python -m bot
serve`, beside the floor, a bare Bolt AsyncApp that answers the same options request with a
fixed list of options through the same server stack. Same run, both servers up at once.

    python bench/bench_suggest.py [--requests 1000] [--concurrency 20] [--runs 3]

The options are the HTTP response itself (Slack waits for them, up to 3 s), so the latency
measured is the round trip. Prefixes are what a person types: the first 2 to 12 letters of
a real card's title, a typo, a word no card has. Reuses bench_http's process start-up,
percentiles and machine line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import aiohttp  # noqa: E402
from bench_http import machine, pct, start  # noqa: E402

from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slack_signing import (  # noqa: E402
    BOT_TOKEN,
    FORM,
    SECRET,
    bot_env,
    free_port,
    sign,
    suggestion_body,
)

ACTION = "osce_pick_card"  # bot.slack.views.PICK_ACTION (not imported: keeps this light)


@dataclass(frozen=True)
class Result:
    name: str
    latencies: list[float]
    seconds: float
    with_options: int

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds


def prefixes() -> list[str]:
    from bot.cards.loading import DEFAULT_FACTS, load_corpus

    out: list[str] = []
    for card in load_corpus(DEFAULT_FACTS).cards:
        out += [card.title[:n] for n in (2, 4, 7, 12)]
    return out + ["kosvo", "cfe treat", "zzqx", "vienna doc", "terror", "1999"]


def serve_bare(port: int, api_url: str) -> None:
    """A Bolt AsyncApp that answers every options request with the same 10 options."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp

    from bot.cards import Corpus
    from bot.config import Settings
    from bot.slack.client import build_client
    from bot.slack.server import build_web_app

    settings = Settings(bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=api_url)
    app = AsyncApp(
        name="bare",
        client=build_client(settings),
        signing_secret=SECRET,
        process_before_response=False,
    )
    fixed = [
        {"text": {"type": "plain_text", "text": f"Card {n}"}, "value": f"card-{n}"}
        for n in range(10)
    ]

    @app.options(ACTION)
    async def bare(ack) -> None:  # type: ignore[no-untyped-def]
        await ack(options=fixed)

    web.run_app(
        build_web_app(app, Corpus(cards=(), sources={})),
        host="127.0.0.1",
        port=port,
        print=None,
        access_log=None,
    )


async def drive(name: str, port: int, words: list[str], requests: int, conc: int) -> Result:
    url = f"http://127.0.0.1:{port}/slack/events"
    sem = asyncio.Semaphore(conc)
    latencies: list[float] = []
    hits = 0

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        nonlocal hits
        body = suggestion_body(words[n % len(words)])
        headers = {"Content-Type": FORM, **sign(body)}
        async with sem:
            started = time.monotonic()
            async with session.post(url, data=body.encode(), headers=headers) as resp:
                text = await resp.text()
                if resp.status != 200:
                    raise SystemExit(f"{name}: HTTP {resp.status}")
            latencies.append(time.monotonic() - started)
        if n >= 0 and json.loads(text).get("options"):
            hits += 1

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=conc)) as session:
        await asyncio.gather(*(one(session, -n - 1) for n in range(50)))  # warm-up
        latencies.clear()
        begin = time.monotonic()
        await asyncio.gather(*(one(session, n) for n in range(requests)))
        seconds = time.monotonic() - begin
    return Result(name, latencies, seconds, hits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.port, args.api_url)
        return 0

    words = prefixes()
    fake = FakeSlack().start()
    procs: list[subprocess.Popen[bytes]] = []
    rows: list[tuple[int, Result]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = bot_env(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=fake.url,
                DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            )
            bare_port, ours_port = free_port(), free_port()
            bare_cmd = [sys.executable, __file__, "--bare-server", "--port", str(bare_port)]
            procs.append(start([*bare_cmd, "--api-url", fake.url], env, bare_port))
            ours_cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"]
            procs.append(start([*ours_cmd, "--port", str(ours_port)], env, ours_port))
            for run in range(1, args.runs + 1):
                for name, port in (("bare Bolt options", bare_port), ("osce-bot", ours_port)):
                    result = asyncio.run(drive(name, port, words, args.requests, args.concurrency))
                    rows.append((run, result))
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        fake.stop()
    print(f"machine: {machine()}")
    print(
        f"command: python bench/bench_suggest.py --requests {args.requests} "
        f"--concurrency {args.concurrency} --runs {args.runs}"
    )
    print(f"prefixes: {len(words)} (4 per real card's title, plus typos and junk)\n")
    print("| run | server | p50 ms | p99 ms | max ms | req/s | answered with options |")
    print("|---|---|---|---|---|---|---|")
    for run, r in rows:
        ms = [x * 1000 for x in r.latencies]
        print(
            f"| {run} | {r.name} | {pct(ms, 50):.1f} | {pct(ms, 99):.1f} | {max(ms):.1f} | "
            f"{r.throughput:.0f} | {r.with_options}/{len(ms)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
