"""Matcher benchmark: the real cards and generated corpora of 1k, 10k and 100k cards.

For each corpus: index build time (wall and CPU: the machine may be shared), queries per
second, p50/p99 latency, and peak memory (RSS of a fresh process) after loading the corpus
and after indexing it, side by side with a plain `rapidfuzz.process.extractOne` over the
same titles, the floor any fuzzy matcher pays. Each size runs in its own process so memory
figures do not mix.

    python bench/bench_matcher.py            # all sizes, about 30-60 s
    python bench/bench_matcher.py --sizes 0 1000
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from bot.cards import Card, Corpus, DateEvent, Source  # noqa: E402
from bot.cards.loading import load_corpus  # noqa: E402
from bot.matching import Matcher  # noqa: E402

QUERIES_PER_SIZE = 400


def synthetic_corpus(n: int, seed: int = 7) -> Corpus:
    """Cards shaped like ours (title, aliases, topics, summary, dates) from a made-up vocabulary."""
    rng = random.Random(seed)
    syllables = [
        "ka",
        "lo",
        "mir",
        "sta",
        "ven",
        "ol",
        "tra",
        "cor",
        "del",
        "nu",
        "rex",
        "ib",
        "sor",
        "ple",
        "gan",
        "ut",
    ]
    vocab = sorted(
        {
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
            for _ in range(max(2000, n // 2))
        }
    )
    common = vocab[:200]
    source = Source("src", "Generated", "Bench", "https://example.org/doc")
    cards = []
    for i in range(n):
        title_words = rng.sample(vocab, 4)
        cards.append(
            Card(
                id=f"card-{i}",
                title=" ".join(title_words).capitalize(),
                summary=" ".join(
                    rng.choice(common if rng.random() < 0.5 else vocab) for _ in range(35)
                ),
                source="src",
                anchor="x",
                orgs=("osce", rng.choice(("nato", "un"))),
                topics=tuple(" ".join(rng.sample(vocab, 2)) for _ in range(3)),
                aliases=(f"{title_words[0]} {title_words[1]} {i}",),
                dates=(DateEvent(str(rng.randint(1990, 2024)), "event " + rng.choice(vocab)),),
            )
        )
    return Corpus(tuple(cards), {"src": source})


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1 :]


def queries_for(corpus: Corpus, seed: int = 11) -> list[str]:
    """Title words (some with a typo), alias phrases, questions, and words no card has."""
    rng = random.Random(seed)
    out = []
    for n in range(QUERIES_PER_SIZE):
        card = rng.choice(corpus.cards)
        words = card.title.split()
        kind = n % 4
        if kind == 0:
            out.append(" ".join(rng.sample(words, min(2, len(words)))))
        elif kind == 1:
            out.append(" ".join(typo(w.lower(), rng) for w in words[:3]))
        elif kind == 2:
            out.append(f"what is the {card.topics[0] if card.topics else words[0]}?")
        else:
            out.append(
                rng.choice(["pizza recipe", "deploy the cluster", "zzqx wvv", "who won the cup"])
            )
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run_one(size: int) -> dict:
    """Measure one corpus size in this process (called in a child process)."""
    t0 = time.perf_counter()
    corpus = load_corpus() if size == 0 else synthetic_corpus(size)
    corpus_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t1, c1 = time.perf_counter(), time.process_time()
    matcher = Matcher(corpus)
    matcher.warm()  # the meaning tier is start-up work too (a server does it before serving)
    t2, c2 = time.perf_counter(), time.process_time()
    queries = queries_for(corpus)
    titles = [c.title for c in corpus.cards]

    lat = []
    for q in queries:
        s = time.perf_counter()
        matcher.match(q)
        lat.append(time.perf_counter() - s)
    floor = []
    for q in queries[: max(40, min(len(queries), 4_000_000 // max(len(titles), 1)))]:
        s = time.perf_counter()
        process.extractOne(q, titles, scorer=fuzz.WRatio)
        floor.append(time.perf_counter() - s)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "cards": len(corpus.cards),
        "load_s": t1 - t0,
        "index_s": t2 - t1,
        "index_cpu_s": c2 - c1,
        "corpus_rss_mb": corpus_mb,
        "qps": len(lat) / sum(lat),
        "p50_ms": percentile(lat, 50) * 1000,
        "p99_ms": percentile(lat, 99) * 1000,
        "floor_qps": len(floor) / sum(floor),
        "floor_p50_ms": percentile(floor, 50) * 1000,
        "floor_p99_ms": percentile(floor, 99) * 1000,
        "peak_rss_mb": rss_mb,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[0, 1000, 10_000, 100_000],
        help="0 = the real cards",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(run_one(args.one)))
        return 0
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"machine: {cpu}, {len(Path('/proc/cpuinfo').read_text().split('processor')) - 1} cores, Python {platform.python_version()}"
    )
    print(
        f"{QUERIES_PER_SIZE} queries per corpus; floor = rapidfuzz.process.extractOne(query, titles, scorer=WRatio)\n"
    )
    head = f"{'corpus':>14} {'load s':>7} {'index s':>8} {'cpu s':>6} {'q/s':>8} {'p50 ms':>7} {'p99 ms':>7} | {'floor q/s':>9} {'p50 ms':>7} {'p99 ms':>7} | {'RSS MB: corpus':>14} {'peak':>5}"
    print(head)
    print("-" * len(head))
    for size in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(size)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(out.stdout)
        name = f"real ({r['cards']})" if size == 0 else f"{r['cards']:,}"
        print(
            f"{name:>14} {r['load_s']:7.2f} {r['index_s']:8.2f} {r['index_cpu_s']:6.2f} {r['qps']:8.0f} {r['p50_ms']:7.2f} {r['p99_ms']:7.2f} | "
            f"{r['floor_qps']:9.0f} {r['floor_p50_ms']:7.2f} {r['floor_p99_ms']:7.2f} | {r['corpus_rss_mb']:14.0f} {r['peak_rss_mb']:5.0f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
