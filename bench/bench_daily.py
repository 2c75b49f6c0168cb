"""Daily fan-out benchmark: `python -m bot post-today` to N subscribed channels, against the
fake Slack Web API answering every call after a fixed latency.

    python bench/bench_daily.py [--channels 1000] [--latency 0.05] [--runs 3]
                                [--concurrency 20] [--rate 200]

Each run gets a fresh SQLite database with N subscriptions, then times the whole process
(start-up, loading the cards, claims, posts, records) and checks every channel got exactly
one post. `--rate` is DAILY_POSTS_PER_SECOND: the default (5/s) keeps a real workspace well
inside Slack's posting limits and would make 1,000 channels take 200 s by design, so the
benchmark raises it to measure the fan-out itself.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.state import Store  # noqa: E402
from tests.fakeslack import FakeSlack  # noqa: E402
from tests.slack_signing import bot_env  # noqa: E402


def one_run(channels: int, latency: float, concurrency: int, rate: float) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the post-today process)."""
    fake = FakeSlack().start()
    fake.latency = latency
    try:
        with tempfile.TemporaryDirectory() as tmp:
            db = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
            store = Store(db)
            for n in range(channels):
                store.subscribe(f"C{n:05d}", dt.time(9), "Europe/Vienna")
            store.close()
            env = bot_env(
                SLACK_BOT_TOKEN="xoxb-bench",
                SLACK_API_URL=fake.url,
                DATABASE_URL=db,
                DAILY_CONCURRENCY=str(concurrency),
                DAILY_POSTS_PER_SECOND=str(rate),
                LOG_LEVEL="WARNING",
            )
            cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            proc = subprocess.run(
                [
                    *os.environ.get("BENCH_WRAP", "").split(),
                    sys.executable,
                    "-m",
                    "bot",
                    "post-today",
                    "--date",
                    "2026-03-12",
                ],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
            )
            elapsed = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            used = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
            if proc.returncode != 0:
                raise SystemExit(f"post-today exited {proc.returncode}: {proc.stderr[-2000:]}")
            posted = {c.params["channel"] for c in fake.calls_to("chat.postMessage")}
            calls = len(fake.calls_to("chat.postMessage"))
            if len(posted) != channels or calls != channels:
                raise SystemExit(f"expected {channels} posts, got {calls} to {len(posted)}")
            return elapsed, used
    finally:
        fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    print(
        f"{args.channels} channels, {args.latency * 1000:.0f} ms API latency, "
        f"DAILY_CONCURRENCY={args.concurrency} DAILY_POSTS_PER_SECOND={args.rate:g}; "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    for run in range(1, args.runs + 1):
        elapsed, cpu = one_run(args.channels, args.latency, args.concurrency, args.rate)
        print(
            f"run {run}: {elapsed:.2f} s wall ({args.channels / elapsed:.0f} channels/s), "
            f"post-today CPU {cpu:.2f} s"
        )


if __name__ == "__main__":
    main()
