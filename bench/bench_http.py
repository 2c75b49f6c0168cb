"""End-to-end HTTP benchmark: signed `/osce` slash commands against `python -m bot serve`,
side by side with a bare Bolt AsyncApp (ack + fixed reply) on the same server stack.

    python bench/bench_http.py [--requests 500] [--concurrency 20]

Loopback only: both servers bind 127.0.0.1, the fake Slack Web API (which also receives the
replies at the response URLs) runs in this process. "ack" is the HTTP round trip Slack waits
for (must stay < 3 s); "reply" is from sending the command until its ephemeral reply reached
the response URL, i.e. what the user sees.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slack_signing import (  # noqa: E402
    BOT_TOKEN,
    FORM,
    SECRET,
    bot_env,
    free_port,
    sign,
    slash_body,
)

QUERIES = (
    "cfe treaty",
    "osce un cooperation",
    "nato arms control",
    "when did the osce and the un sign their framework",
    "1999",
    "kosovo verification mission",
    "list",
    "help",
)
FIXED = "pong"


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    concurrency: int
    ack: list[float]
    reply: list[float]
    seconds: float

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---- the bare app, run in its own process by this same script ------------------------------


def serve_bare(port: int, api_url: str) -> None:
    """A Bolt AsyncApp that only acks and replies a fixed text, behind bot.server's stack."""
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp

    from bot.config import Settings
    from bot.slack.client import build_client
    from bot.slack.health import Health
    from bot.slack.metrics import Metrics
    from bot.slack.server import Running, build_web_app
    from bot.state import Store

    settings = Settings(bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=api_url)
    app = AsyncApp(
        name="bare",
        client=build_client(settings),
        signing_secret=SECRET,
        process_before_response=False,
    )

    @app.command("/osce")
    async def bare(ack, respond) -> None:  # type: ignore[no-untyped-def]
        await ack()
        await respond(text=FIXED, response_type="ephemeral")

    # the same gate, /healthz and /metrics as the real server; health never polls Slack here
    store = Store(f"sqlite:///{tempfile.mkdtemp()}/bare.sqlite3")
    health = Health(app.client, store, cards=0, slack="ok")
    web.run_app(
        build_web_app(Running(app, app.client, health, Metrics.create()), SECRET),
        host="127.0.0.1",
        port=port,
        print=None,
        access_log=None,
    )


# ---- driving ---------------------------------------------------------------------------------


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{cmd} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{cmd} did not start")


async def drive(name: str, port: int, fake: FakeSlack, requests: int, concurrency: int) -> Result:
    url = f"http://127.0.0.1:{port}/slack/events"
    sem = asyncio.Semaphore(concurrency)
    sent: dict[str, float] = {}
    acks: list[float] = []

    async def one(session: aiohttp.ClientSession, n: int) -> None:
        key = f"{name}-{n}"
        body = slash_body(QUERIES[n % len(QUERIES)], fake.response_url(key))
        headers = {"Content-Type": FORM, **sign(body)}
        async with sem:
            started = time.monotonic()
            sent[key] = started
            async with session.post(url, data=body.encode(), headers=headers) as resp:
                await resp.read()
                if resp.status != 200:
                    raise SystemExit(f"{name}: HTTP {resp.status}")
            acks.append(time.monotonic() - started)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(one(session, -n - 1) for n in range(20)))  # warm-up
        acks.clear()
        begin = time.monotonic()
        await asyncio.gather(*(one(session, n) for n in range(requests)))
        while True:  # all replies delivered?
            arrived = {
                c.method: c.at for c in list(fake.response_urls) if c.method.startswith(name)
            }
            if all(f"{name}-{n}" in arrived for n in range(requests)):
                break
            if time.monotonic() - begin > 60:
                raise SystemExit(f"{name}: replies missing")
            await asyncio.sleep(0.01)
        seconds = max(arrived[f"{name}-{n}"] for n in range(requests)) - begin
    replies = [arrived[f"{name}-{n}"] - sent[f"{name}-{n}"] for n in range(requests)]
    return Result(name, requests, concurrency, acks, replies, seconds)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"nproc {len(os.sched_getaffinity(0))}, {cpu}, Python {platform.python_version()}"


def table(results: list[Result]) -> str:
    ms = 1000
    head = f"| {'server':<22} | req | conc | ack p50 ms | ack p99 ms | reply p50 ms | reply p99 ms | req/s |"
    rule = "|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|"
    rows = [head, rule]
    for r in results:
        rows.append(
            f"| {r.name:<22} | {r.requests:>3} | {r.concurrency:>4} | {pct(r.ack, 50) * ms:>10.1f} | "
            f"{pct(r.ack, 99) * ms:>10.1f} | {pct(r.reply, 50) * ms:>12.1f} | "
            f"{pct(r.reply, 99) * ms:>12.1f} | {r.throughput:>5.0f} |"
        )
    bare, ours = results
    rows.append("")
    rows.append(
        f"osce-bot / bare: ack p50 ×{pct(ours.ack, 50) / pct(bare.ack, 50):.2f}, "
        f"reply p50 ×{statistics.median(ours.reply) / statistics.median(bare.reply):.2f}, "
        f"reply p99 ×{pct(ours.reply, 99) / pct(bare.reply, 99):.2f}, "
        f"throughput ×{ours.throughput / bare.throughput:.2f}"
    )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.port, args.api_url)
        return 0

    fake = FakeSlack().start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = bot_env(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=fake.url,
                DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            )
            bare_port, ours_port = free_port(), free_port()
            procs.append(
                start(
                    [
                        sys.executable,
                        __file__,
                        "--bare-server",
                        "--port",
                        str(bare_port),
                        "--api-url",
                        fake.url,
                    ],
                    env,
                    bare_port,
                )
            )
            procs.append(
                start(
                    [
                        sys.executable,
                        "-m",
                        "bot",
                        "serve",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        str(ours_port),
                    ],
                    env,
                    ours_port,
                )
            )
            results = [
                asyncio.run(
                    drive("bare Bolt app", bare_port, fake, args.requests, args.concurrency)
                ),
                asyncio.run(
                    drive("osce-bot serve", ours_port, fake, args.requests, args.concurrency)
                ),
            ]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        fake.stop()
    print(f"machine: {machine()}")
    print(
        f"command: python bench/bench_http.py --requests {args.requests} --concurrency {args.concurrency}"
    )
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
