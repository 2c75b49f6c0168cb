"""The meaning tier: which card a query means when it shares no words with any card.

People describe things in their own words ("cutting off terrorists' money", "global
warming", "the rulebook for army drills"), and the word matcher and the thesaurus cannot list
every way of saying a thing. Here each text is a point in a space where words of like meaning
lie close: the mean of its word pieces' vectors, which all-MiniLM-L6-v2 gave us once, offline
(`scripts/distil_embeddings.py`; provenance in `data/SOURCE.json`). A query is compared with
every text of every card (title, summary, alternate questions, dated events), and a card is
as close as its closest text.

Static vectors rather than the transformer itself: a query costs tens of microseconds, not
10-20 ms, and the bot needs only numpy and `tokenizers` (the Hugging Face tokenizer, which
splits words into the pieces the vectors are for) rather than PyTorch. The price is a coarser
sense of meaning, so the matcher asks this tier only when words alone found no card, and
answers from it only with a clear lead (`bot.matching.matcher`).

numpy and the vectors are loaded on the first query that needs them, so a process that only
answers keywords never pays for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cards import Card

if TYPE_CHECKING:
    import numpy as np

DATA = Path(__file__).resolve().parent / "data"
MAX_CARDS = 5_000  # above this the tier is off: it scores every card, and a card is ~10 texts
MAX_PIECES = 128  # of a query: enough for any question (a query is at most 500 characters)


@dataclass(frozen=True)
class Near:
    """A card and how close it is in meaning to a query (cosine similarity, -1..1)."""

    card: Card
    score: float


def card_texts(card: Card) -> tuple[str, ...]:
    """The texts a card is known by in meaning: what it says and how people ask for it."""
    return (card.title, card.summary, *card.questions, *(e.event for e in card.dates))


class Vectors:
    """The word-piece vectors and their tokenizer, loaded from `data/`."""

    def __init__(self, data: Path = DATA):
        import numpy as np
        from tokenizers import Tokenizer

        with np.load(data / "pieces.npz") as stored:
            # kept as stored, int8 and a scale per piece (7.5 MB, not 30 MB as float32): a
            # text has a few dozen pieces, and only those are scaled
            self._codes = stored["codes"]
            self._scale = stored["scale"]
        self._tokenizer = Tokenizer.from_file(str(data / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_PIECES)
        self._unknown = self._tokenizer.token_to_id("[UNK]")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (zeros for a text with no known piece)."""
        import numpy as np

        out = np.zeros((len(texts), self._codes.shape[1]), dtype=np.float32)
        encoded = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        for row, enc in enumerate(encoded):
            ids = [i for i in enc.ids if i != self._unknown]
            if ids:
                v = self._scale[ids] @ self._codes[ids]  # the sum; its direction is the mean's
                norm = float(np.linalg.norm(v))
                if norm > 0:
                    out[row] = v / norm
        return out


class Meaning:
    """The cards' texts as vectors; `nearest` is a pure function of the query."""

    def __init__(self, cards: Sequence[Card], vectors: Vectors | None = None):
        import numpy as np

        self.cards = cards
        self.vectors = vectors or Vectors()
        texts: list[str] = []
        starts: list[int] = []  # each card's first row: a card's texts are adjacent
        for card in self.cards:
            starts.append(len(texts))
            texts.extend(card_texts(card))
        self._matrix = self.vectors.embed(texts)
        self._starts = np.asarray(starts, dtype=np.intp)

    def nearest(self, query: str, limit: int = 3) -> tuple[Near, ...]:
        """The `limit` cards closest in meaning, closest first; none for a query with no
        word piece the vectors know."""
        import numpy as np

        if not self.cards:
            return ()
        q = self.vectors.embed([query])[0]
        if not q.any():
            return ()
        per_card = np.maximum.reduceat(self._matrix @ q, self._starts)
        limit = min(limit, len(per_card))
        top = np.argpartition(per_card, -limit)[-limit:]
        top = top[np.argsort(-per_card[top], kind="stable")]
        return tuple(Near(self.cards[int(i)], float(per_card[i])) for i in top)
