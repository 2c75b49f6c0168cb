"""bench/leak_separability.py's trade-off, on data whose answer is known: its figures back the
case for or against more word rules, so the fit and the counting must be right."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

PATH = Path(__file__).resolve().parent.parent / "bench" / "leak_separability.py"
spec = importlib.util.spec_from_file_location("leak_separability", PATH)
assert spec and spec.loader
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


def test_separable_leaks_cost_no_answers() -> None:
    rng = np.random.default_rng(0)
    answers = rng.normal(0.0, 1.0, size=(200, 3))
    leaks = rng.normal(10.0, 1.0, size=(20, 3))
    x = np.vstack([answers, leaks])
    y = np.r_[np.zeros(200), np.ones(20)]
    assert tool.trade_off(x, y) == (
        "block 5 -> lose 0, block 10 -> lose 0, block 15 -> lose 0, block 20 -> lose 0"
    )


def test_indistinguishable_leaks_cost_every_answer() -> None:
    x = np.ones((220, 3))  # every query looks the same: a leak blocked is every answer blocked
    y = np.r_[np.zeros(200), np.ones(20)]
    assert tool.trade_off(x, y).startswith("block 5 -> lose 200,")


def test_real_sets_are_read() -> None:
    """The real cards and a real set: every query that got a card has its signals."""
    from bot.cards.loading import load_corpus
    from bot.matching import Matcher
    from bot.matching.semantic import Vectors

    matcher = Matcher(load_corpus())
    r = matcher.match("when did the un open its liaison office in vienna?")
    assert r.card is not None
    row = tool.signals(matcher, Vectors(), "when did the un open its office?", r.card.id, 1.0, 0.5)
    assert len(row) == 9 and row[0] == 1.0 and row[1] == 0.5
