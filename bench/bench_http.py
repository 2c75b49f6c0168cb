"""End-to-end HTTP benchmark: signed `/osce` slash commands against `python -m bot serve`,
side by side in the same run with a bare Bolt AsyncApp that only acks a fixed text.

    python bench/bench_http.py [--requests 1000] [--concurrency 20] [--runs 3]

Both answer in the HTTP ack and post nothing afterwards, so "ack" (the round trip Slack waits
for, at most 3 s) is what the user waits for: osce-bot's ack carries the full answer (blocks
and all). Loopback only: both servers bind 127.0.0.1; the load generator and the fake Slack
Web API (auth.test at start; any stray reply to a response URL would be counted there) run
in this process. Each run drives both servers, alternating which goes first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
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


BARE = "bare Bolt app"
OURS = "osce-bot serve"
WARM_UP = 50


@dataclass(frozen=True)
class Result:
    name: str
    run: int
    requests: int
    concurrency: int
    ack: list[float]
    seconds: float
    cpu: float  # the server process's CPU seconds (user + system) over the timed requests

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    @property
    def cpu_ms(self) -> float:
        """Server CPU per request: steadier than latency on a machine shared with others."""
        return self.cpu / self.requests * 1000

    @property
    def p50(self) -> float:
        return pct(self.ack, 50)

    @property
    def p99(self) -> float:
        return pct(self.ack, 99)


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---- the bare app, run in its own process by this same script ------------------------------


def serve_bare(port: int, api_url: str) -> None:
    """A Bolt AsyncApp (Bolt's defaults) that acks a fixed text, behind bot.server's stack.

    Its client points at the fake Web API: Bolt authorizes the token with auth.test (once,
    cached) before the first listener runs, exactly as it does for osce-bot.
    """
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.slack.health import Health
    from bot.slack.metrics import Metrics
    from bot.slack.server import Running, build_web_app
    from bot.state import Store

    client = AsyncWebClient(token=BOT_TOKEN, base_url=api_url)
    app = AsyncApp(name="bare", client=client, signing_secret=SECRET)

    @app.command("/osce")
    async def bare(ack) -> None:  # type: ignore[no-untyped-def]
        await ack(text=FIXED)

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


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process, from /proc (Linux); 0 where there is no /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def check_ack(name: str, body: str) -> None:
    """The ack must carry the answer: a fixed text for the bare app, blocks for ours."""
    if name == BARE:
        ok = body == FIXED
    else:
        ok = body.startswith("{") and bool(json.loads(body).get("blocks"))
    if not ok:
        raise SystemExit(f"{name}: the ack carries no answer: {body[:200]!r}")


async def drive(
    name: str,
    run: int,
    port: int,
    pid: int,
    fake: FakeSlack,
    requests: int,
    concurrency: int,
    queries: tuple[str, ...] = QUERIES,
    fresh: bool = False,
) -> Result:
    url = f"http://127.0.0.1:{port}/slack/events"
    sem = asyncio.Semaphore(concurrency)
    acks: list[float] = []

    # signed before timing starts: HMAC is the load generator's cost, not the server's
    # each its own invocation (its own response_url): a replayed one is acked and dropped
    def text(n: int) -> str:
        # --fresh: a mention of a different person before each query (chatter the matcher
        # drops), so no two requests are the same text and none is answered from the cache
        query = queries[n % len(queries)]
        return f"<@U{run}{n:07d}> {query}" if fresh else query

    warm = [
        slash_body(text(n + 10**6), fake.response_url(f"{name}-{run}-warm{n}"))
        for n in range(WARM_UP)
    ]
    bodies = [slash_body(text(n), fake.response_url(f"{name}-{run}-{n}")) for n in range(requests)]

    async def one(session: aiohttp.ClientSession, body: str) -> None:
        headers = {"Content-Type": FORM, **sign(body)}
        async with sem:
            started = time.perf_counter()
            async with session.post(url, data=body.encode(), headers=headers) as resp:
                text = await resp.text()
            acks.append(time.perf_counter() - started)
        if resp.status != 200:
            raise SystemExit(f"{name}: HTTP {resp.status}")
        check_ack(name, text)

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        await asyncio.gather(*(one(session, body) for body in warm))
        acks.clear()
        cpu, begin = cpu_seconds(pid), time.perf_counter()
        await asyncio.gather(*(one(session, body) for body in bodies))
        seconds, cpu = time.perf_counter() - begin, cpu_seconds(pid) - cpu
    return Result(name, run, requests, concurrency, acks, seconds, cpu)


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
    rows = [
        "| run | server | ack p50 ms | ack p99 ms | req/s | server CPU ms/req |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        rows.append(
            f"| {r.run} | {r.name} | {r.p50 * ms:.1f} | {r.p99 * ms:.1f} | {r.throughput:.0f} "
            f"| {r.cpu_ms:.2f} |"
        )
    rows.append("")
    targets = {"p50": 1.25, "p99": 1.5}
    for run in sorted({r.run for r in results}):
        bare = next(r for r in results if r.run == run and r.name == BARE)
        ours = next(r for r in results if r.run == run and r.name == OURS)
        p50, p99 = ours.p50 / bare.p50, ours.p99 / bare.p99
        tput = ours.throughput / bare.throughput
        met = p50 <= targets["p50"] and p99 <= targets["p99"] and tput >= 0.8
        rows.append(
            f"run {run}: osce-bot / bare: ack p50 ×{p50:.2f}, ack p99 ×{p99:.2f}, "
            f"throughput ×{tput:.2f}, CPU/req ×{ours.cpu_ms / bare.cpu_ms:.2f} ({'targets met' if met else 'targets NOT met'}: "
            "p50 ≤ 1.25, p99 ≤ 1.5, throughput ≥ 0.8)"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--query",
        action="append",
        help="send only these queries (repeatable; default: cards, suggestions, a year, list, help)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="make every request's text different (a mention before the query): no answer "
        "comes from osce-bot's cache of recent answers",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for osce-bot's server (repeatable), e.g. QUERY_LOG_DAYS=0",
    )
    parser.add_argument("--bare-server", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--api-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_server:
        serve_bare(args.port, args.api_url)
        return 0

    fake = FakeSlack().start()
    procs: list[subprocess.Popen[bytes]] = []
    results: list[Result] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = bot_env(
                SLACK_BOT_TOKEN=BOT_TOKEN,
                SLACK_SIGNING_SECRET=SECRET,
                SLACK_API_URL=fake.url,
                DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
            )
            ours_env = {**env, **dict(kv.split("=", 1) for kv in args.env)}
            ports = {BARE: free_port(), OURS: free_port()}
            bare_cmd = [sys.executable, __file__, "--bare-server", "--api-url", fake.url]
            bare_cmd += ["--port", str(ports[BARE])]
            procs.append(start(bare_cmd, env, ports[BARE]))
            ours_cmd = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"]
            procs.append(start([*ours_cmd, "--port", str(ports[OURS])], ours_env, ports[OURS]))
            pids = {BARE: procs[0].pid, OURS: procs[1].pid}
            for run in range(1, args.runs + 1):
                order = (BARE, OURS) if run % 2 else (OURS, BARE)
                for name in order:
                    results.append(
                        asyncio.run(
                            drive(
                                name,
                                run,
                                ports[name],
                                pids[name],
                                fake,
                                args.requests,
                                args.concurrency,
                                tuple(args.query or QUERIES),
                                args.fresh,
                            )
                        )
                    )
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        fake.stop()
    if fake.response_urls:
        raise SystemExit(f"{len(fake.response_urls)} replies went to response URLs: expected none")
    print(f"machine: {machine()}")
    print(
        f"command: python bench/bench_http.py --requests {args.requests} "
        f"--concurrency {args.concurrency} --runs {args.runs}"
        + (" --fresh" if args.fresh else "")
        + "".join(f" --env {kv}" for kv in args.env)
    )
    print()
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
