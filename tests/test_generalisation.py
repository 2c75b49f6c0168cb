"""The matcher on blindly written query sets, scored by the shared eval script.

The development set is small; these were written from the sources alone, without seeing
the cards or the code. They are not targets to reach 100% on (that would only teach the
matcher their strings), but floors that a change to matching must not push the score below.
`blind_queries_2.yaml` to `_17` also carry each query's kind; `python bench/eval_by_kind.py
FILE` gives the score per kind.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
FLOORS = {
    "blind_queries.yaml": 0.97,  # 92/93 now (88/93 when written)
    "blind_queries_2.yaml": 0.96,  # 149/150 now; 109/150 before the matcher read people
    # Three more sets by three more blind writers (session 3). 3 and 4 were then used to find
    # kinds of miss (rules were written for the kinds, tested with examples of their own);
    # 5 was only ever scored, never read: its misses are still unseen.
    # Session 4 added the meaning tier and an everyday question per card, written blind.
    "blind_queries_3.yaml": 0.96,  # 147/150 (146 after session 12); 141 after session 4; 126/150 when written
    "blind_queries_4.yaml": 0.95,  # 146/150; 131 after session 3; 119/150 when written
    "blind_queries_5.yaml": 0.98,  # 148/150 after session 18; 145/150; 138 after session 4; 126/150 when written
    # Session 5: 6 leans on everyday words and near-miss out-of-scope questions (50 each)
    # and was read to find kinds of miss; 7 is a standard set, only scored.
    "blind_queries_6.yaml": 0.86,  # 130/150 (128 after session 16, 127 after session 12); 107/150 when written (at 47fff5b)
    "blind_queries_8.yaml": 0.97,  # 117/120 after session 18; 115/120 (114 after session 12); 85 at 47fff5b (out of scope 52/80, now 75); 80
    # ask a covered subject for what the sources do not say, 40 ask what they do
    "blind_queries_7.yaml": 0.96,  # 145/150 after session 18; 142/150 (141 after session 12); 129/150 when written (at 47fff5b)
    # Session 9: a standard set (30 everyday, 30 out of scope), only scored, never read.
    "blind_queries_9.yaml": 0.93,  # 140/150 after session 18; 139/150 (136 after session 15, 135 after session 12); 131/150 when written (at 2882a9a)
    # Session 10: two more standard sets (35 everyday, 30 out of scope). 10 was read after
    # its first score to find kinds of miss; 11 is only scored, never read.
    "blind_queries_10.yaml": 0.89,  # 134/150 (135 after session 12, 132 after session 11, 129 after 10); 123/150 when written (at 0871b85)
    "blind_queries_11.yaml": 0.89,  # 134/150 after session 18; 133/150 (131 after session 14, 129 after session 12, 127 after session 11, 125 after 10); 122/150 when written (at 0871b85)
    # Session 12: two sets of 100 by one more blind writer (40 everyday, 25 out of scope, 10
    # chatter). 12 was read after its first score; 13 is only scored, never read.
    "blind_queries_12.yaml": 0.85,  # 86/100 (84 after session 12); 79/100 when written (at 1e14097)
    "blind_queries_13.yaml": 0.76,  # 77/100 (75 after session 12); 72/100 when written (at 1e14097)
    # Session 13: two more sets of 100 by a fresh blind writer, the same mix. Both were read
    # (15 by mistake, after its opening words were printed at 68/100).
    "blind_queries_14.yaml": 0.86,  # 86/100 after session 18; 84/100; 73/100 when written (at 5c3afbe)
    "blind_queries_15.yaml": 0.82,  # 82/100 after session 18; 81/100 (78 after session 16); 63/100 when written (at 5c3afbe)
    # Session 14: 16 by a fresh blind writer (40 everyday, 25 out of scope, 15 chatter), only
    # scored, never read; 17 (60 near-miss out of scope, 60 everyday) by another, read.
    "blind_queries_16.yaml": 0.88,  # 88/100 after session 18; 87/100 (85 after session 14); 84/100 when written (at 0eb690e)
    "blind_queries_17.yaml": 0.84,  # 101/120 (98 after session 16, 95 after session 15, 92 after session 14); 87/120 when written (at a62441b)
    # Session 15: two more sets by fresh blind writers, only scored, never read: 18 (40
    # everyday, 30 out of scope) and 19 (50 everyday, 30 out of scope), written to confirm
    # what was adopted on 18.
    "blind_queries_18.yaml": 0.84,  # 84/100 after session 18; 83/100; 78/100 when written (at cf3c7c2)
    "blind_queries_19.yaml": 0.91,  # 91/100 after session 18; 87/100 (85 after session 15); 83/100 when written (at cf3c7c2)
    # Session 16: 20 by a fresh blind writer (45 out of scope, 36 of them near misses; 35
    # everyday), only scored, never read (but for its first two everyday queries, printed
    # by mistake).
    "blind_queries_20.yaml": 0.93,  # 93/100; 90/100 when written (at 5d096ed)
    # Session 17: 21 by a fresh blind writer (50 out of scope, 40 of them near misses; 30
    # everyday), only scored, never read (but for its first everyday query, printed by
    # mistake).
    "blind_queries_21.yaml": 0.92,  # 92/100 after session 18; 91/100; 91/100 when written (at 3b53221)
    # Session 18: 22 by a fresh blind writer (50 out of scope, 40 of them near misses; 30
    # everyday), scored first (84/100, out of scope 45/50), then read to find kinds of miss.
    "blind_queries_22.yaml": 0.91,  # 91/100; 84/100 when written (at 8139c09)
    # ... and 23 by another fresh blind writer, the same mix, only scored, never read.
    "blind_queries_23.yaml": 0.88,  # 88/100; 87/100 when written (at 8139c09)
    # Session 19: three fresh blind writers, each 30 out of scope (20 near misses), 40
    # everyday (25's without the organisations' names), 10 each of questions, dates and
    # chatter. 24 was scored first (84/100), then read to find kinds of miss; 25 and 26 are
    # only scored, never read. (By mistake a script printed seven held-out queries that a
    # guard kept from their card, one each of sets 7, 9, 11, 13, 16, 18 and 19: "apart
    # from", words about the present, a two-digit year. No rule was written for those.)
    "blind_queries_24.yaml": 0.89,  # 89/100; 84/100 when written (at 6c7cf3e)
    "blind_queries_25.yaml": 0.82,  # 82/100; 80/100 when written (at 6c7cf3e)
    "blind_queries_26.yaml": 0.84,  # 84/100; 82/100 when written (at 6c7cf3e)
}


@pytest.mark.slow
@pytest.mark.skipif(not SCORE.exists(), reason="../shared/eval/score.py is not beside the project")
@pytest.mark.parametrize("name", sorted(FLOORS))
def test_blind_query_set_stays_above_its_floor(name: str) -> None:
    run = subprocess.run(
        [sys.executable, str(SCORE), "--queries", str(ROOT / "tests" / "data" / name), "-v"],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    last = run.stdout.strip().splitlines()[-1]
    m = re.match(r"top-1: (\d+)/(\d+)", last)
    assert m, run.stdout + run.stderr
    passed, total = int(m.group(1)), int(m.group(2))
    assert passed / total >= FLOORS[name], run.stdout
