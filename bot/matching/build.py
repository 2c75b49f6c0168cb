"""Building a corpus's index: by the pure-Python builder, or on numpy arrays when large.

The choice lives here, apart from both builders: bot.matching.arrays builds on
bot.matching.index, and numpy is imported only for a corpus of `ARRAYS_FROM` cards or more.
"""

from __future__ import annotations

import gc

from bot.cards import Corpus
from bot.matching.index import ARRAYS_FROM, SMALL_CORPUS, Index, _Builder

__all__ = ["build_index"]


def build_index(
    corpus: Corpus,
    chunk: int | None = None,
    small: int = SMALL_CORPUS,
    arrays: int = ARRAYS_FROM,
) -> Index:
    """The corpus's index, built `chunk` cards at a time (by default the builder's own
    `CHUNK`). The cyclic garbage collector is paused meanwhile: indexing makes
    millions of short-lived lists and dicts, none of them cyclic, and each collection would
    walk every card of the corpus again (a third of the time at 100,000 cards).

    From `arrays` cards on, the same index is built on numpy arrays (bot.matching.arrays),
    imported only then: numpy takes ~0.1 s to import, more than the real cards take to index.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        cards = corpus.cards
        if len(cards) >= arrays:
            from bot.matching.arrays import ArrayBuilder

            builder: _Builder = ArrayBuilder(corpus, small)
        else:
            builder = _Builder(corpus, small)
        size = chunk or builder.CHUNK
        for start in range(0, len(cards), size):
            builder.add(start, cards[start : start + size])
        return builder.finish()
    finally:
        if collecting:
            gc.enable()
