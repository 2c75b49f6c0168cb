#!/usr/bin/env python3
"""Can any cheap signal tell an out-of-scope leak from a real answer? An upper bound.

    python bench/leak_separability.py tests/data/blind_queries_5.yaml ... [--transformer DIR]

A leak is an out-of-scope query (`expect: none`) that still gets a confident card: nearly
always a question about a subject a card covers, asking for a fact the card does not hold
("where were the Dayton Agreements signed?"). Word rules catch each kind of such question
only once it has been seen, so the question here is whether some mix of the signals the
matcher has could catch them in general without turning away real answers.

Over every query of the given sets that gets a card, it takes a few signals (the score, its
lead over the next card, query words the card lacks, how close in meaning the nearest card
word is to each of them, the query's length and shape) and fits a logistic regression *on
these same queries*: an oracle, which no rule trained elsewhere can beat. It prints how many
real answers the best such mix would turn away to block 5, 10, 15 and 20 leaks. Counts only,
never a query, so held-out sets stay unseen.

`--transformer DIR` adds the closeness of query and card by the full all-MiniLM-L6-v2
sentence model in DIR (a sentence-transformers folder; needs torch and transformers, which
are not the bot's dependencies), and prints its cost per query on this machine.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.cards.loading import load_corpus  # noqa: E402
from bot.matching import Matcher  # noqa: E402
from bot.matching.matcher import ORG_TERMS, QUESTION_VERBS, WH_WORDS  # noqa: E402
from bot.matching.semantic import Vectors, card_texts  # noqa: E402
from bot.matching.text import FILLER, is_year  # noqa: E402

OPENERS = WH_WORDS | QUESTION_VERBS  # a question's first word
_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in FILLER and w not in ORG_TERMS]


def signals(matcher: Matcher, vectors: Vectors, query: str, card_id: str, score: float,
            lead: float) -> list[float]:  # fmt: skip
    """The query's cheap signals against the card it got."""
    card = next(c for c in matcher.index.cards if c.id == card_id)
    texts = [*card_texts(card), *card.aliases, *card.passages, *card.topics]
    on_card = {w for t in texts for w in words(t)}
    off = [w for w in words(query) if w not in on_card and not is_year(w)]
    near = []
    card_vectors = [v for v in (vectors.embed_one(w) for w in on_card) if v is not None]
    matrix = np.stack(card_vectors)
    for w in off:
        v = vectors.embed_one(w)
        near.append(float((matrix @ v).max()) if v is not None else -1.0)
    raw = _WORD.findall(query.lower())
    return [
        score,
        lead,
        float(len(off)),
        float(sum(1 for s in near if s < 0)),
        min(near, default=1.0),
        float(np.mean(near)) if near else 1.0,
        float(len(raw)),
        float(bool(raw) and raw[0] in OPENERS),
        float("?" in query),
    ]


def trade_off(x: np.ndarray, y: np.ndarray) -> str:
    """Answers lost to block k leaks, for the logistic regression fitted on (x, y) itself."""
    z = np.c_[(x - x.mean(0)) / (x.std(0) + 1e-9), np.ones(len(x))]
    w = np.zeros(z.shape[1])
    weight = np.where(y == 1, (1 - y.mean()) / y.mean(), 1.0)  # the few leaks count as many
    for _ in range(20_000):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * z.T @ ((p - y) * weight) / len(y)
    p = z @ w
    leaks = np.sort(p[y == 1])[::-1]
    out = []
    for k in (5, 10, 15, 20):
        if k <= len(leaks):
            lost = int(((p >= leaks[k - 1]) & (y == 0)).sum())
            out.append(f"block {k} -> lose {lost}")
    return ", ".join(out)


def transformer_signals(model_dir: str, rows: list[tuple[str, str]], matcher: Matcher):
    """Per answered query: its closeness to the card it got and that minus the closest other
    card, by the full sentence model; and the model's median cost of one query."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        for i in range(0, len(texts), 64):
            batch = tok(texts[i : i + 64], padding=True, truncation=True, return_tensors="pt")
            with torch.no_grad():
                h = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            v = (h * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(v, dim=1).numpy())
        return np.vstack(out)

    owners, texts = [], []
    for card in matcher.index.cards:
        for text in (*card_texts(card), *card.passages):
            owners.append(card.id)
            texts.append(text)
    owner = np.array(owners)
    sims = embed([q for q, _ in rows]) @ embed(texts).T
    feats = []
    for k, (_, card_id) in enumerate(rows):
        own = sims[k][owner == card_id].max()
        feats.append([own, own - sims[k][owner != card_id].max()])
    costs = []
    for q, _ in rows[:60]:
        start = time.perf_counter()
        embed([q])
        costs.append(time.perf_counter() - start)
    return np.array(feats), float(np.median(costs[10:]) * 1000)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("queries", nargs="+")
    ap.add_argument("--transformer", metavar="DIR")
    args = ap.parse_args()
    matcher = Matcher(load_corpus())
    vectors = Vectors()
    rows, xs, ys = [], [], []
    for path in args.queries:
        for case in yaml.safe_load(Path(path).read_text()):
            r = matcher.match(case["q"])
            if r.card is None:
                continue
            lead = r.score - (r.ranked[1].score if len(r.ranked) > 1 else 0.0)
            xs.append(signals(matcher, vectors, case["q"], r.card.id, r.score, lead))
            ys.append(1.0 if case["expect"] == "none" else 0.0)
            rows.append((case["q"], r.card.id))
    x, y = np.array(xs), np.array(ys)
    print(f"queries with a card: {len(y)}, of them leaks: {int(y.sum())}")
    print(f"cheap signals:       {trade_off(x, y)}")
    if args.transformer:
        t, cost = transformer_signals(args.transformer, rows, matcher)
        print(f"sentence model:      {trade_off(t, y)}")
        print(f"both:                {trade_off(np.c_[x, t], y)}")
        print(f"sentence model cost: {cost:.1f} ms a query (median, one thread)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
