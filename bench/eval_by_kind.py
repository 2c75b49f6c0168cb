#!/usr/bin/env python3
"""The matcher's score on a query set, by `kind` (the eval's own judge, ../shared/eval/score.py).

    python bench/eval_by_kind.py tests/data/blind_queries_2.yaml [-v]

Prints one line per kind and the total; -v prints every failure with its kind.
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "eval" / "score.py"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queries")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("score", SCORE)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    cases = yaml.safe_load(Path(args.queries).read_text())
    stdin = "".join(c["q"].replace("\n", " ") + "\n" for c in cases)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        input=stdin, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    urls = score.source_urls()
    totals: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for case, line in zip(cases, proc.stdout.splitlines(), strict=True):
        why = score.check(case, json.loads(line), urls)
        kind = case.get("kind", "-")
        totals[kind][1] += 1
        totals[kind][0] += why is None
        if why and args.verbose:
            print(f"FAIL [{kind}] {case['q']!r}: {why}")
    for kind, (ok, n) in sorted(totals.items()):
        print(f"{kind:14} {ok:3}/{n:<3} ({100 * ok / n:.0f}%)")
    ok = sum(t[0] for t in totals.values())
    n = sum(t[1] for t in totals.values())
    print(f"total          {ok:3}/{n:<3} ({100 * ok / n:.0f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
