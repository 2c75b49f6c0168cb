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

import functools
import heapq
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cards import Card

if TYPE_CHECKING:
    import numpy as np

DATA = Path(__file__).resolve().parent / "data"
MAX_CARDS = 5_000  # above this the tier is off: it scores every card, and a card is ~10 texts
MAX_WORD_CHARS = 100  # WordPiece's limit: a longer word is [UNK]
WORD_CACHE = 8_192  # words whose vectors are kept (1 KB each)
_WORD = re.compile(r"\w+|[^\w\s]")


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
        self._unknown = self._tokenizer.token_to_id("[UNK]")
        # An ASCII word's pieces are found here, as WordPiece finds them (the longest piece
        # of the vocabulary that starts the word, then the longest that goes on from there,
        # "##"-marked): the tokenizer costs ~10 us a call, most of a first-seen word's cost,
        # and most words are one piece. Other words go through the tokenizer, which
        # normalises them first (tests/test_meaning.py checks both give the same pieces).
        self._pieces = self._tokenizer.get_vocab()
        # A word's vector (the sum of its pieces'), kept for the words last seen: the
        # tokenizer costs ~15 us a call and people use the same few thousand words, so a
        # query costs one look-up and one addition a word.
        self._word = functools.lru_cache(maxsize=WORD_CACHE)(self._word_vector)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit vector per text (zeros for a text with no known piece)."""
        import numpy as np

        out = np.zeros((len(texts), self._codes.shape[1]), dtype=np.float32)
        for row, text in enumerate(texts):
            v = self.embed_one(text)
            if v is not None:
                out[row] = v
        return out

    def _word_vector(self, word: str) -> np.ndarray | None:
        """The sum of a word's pieces' vectors; None when the vectors know none of them."""
        if word.isascii() and word.isalnum():
            ids = self.piece_ids(word)
        else:
            enc = self._tokenizer.encode(word, add_special_tokens=False)
            ids = [i for i in enc.ids if i != self._unknown]
        if not ids:
            return None
        codes, scale = self._codes, self._scale
        v = codes[ids[0]] * scale[ids[0]]  # row by row: 1-3 pieces, cheaper than a product
        for i in ids[1:]:
            v += codes[i] * scale[i]
        return v

    def piece_ids(self, word: str) -> list[int]:
        """The vocabulary pieces of a lower-case ASCII word, longest first from the left, as
        BERT's WordPiece splits it; none when some part of it is no piece (the tokenizer
        would say [UNK] for the whole word)."""
        pieces = self._pieces
        whole = pieces.get(word)
        if whole is not None:
            return [whole]
        if len(word) > MAX_WORD_CHARS:
            return []
        ids: list[int] = []
        start = 0
        while start < len(word):
            end = len(word)
            while end > start:
                found = pieces.get(word[start:end] if start == 0 else "##" + word[start:end])
                if found is not None:
                    ids.append(found)
                    break
                end -= 1
            else:
                return []
            start = end
        return ids

    def embed_one(self, text: str) -> np.ndarray | None:
        """A text's unit vector; None when it has no piece the vectors know.

        Split into words and punctuation as the tokenizer's own pre-tokenizer splits (it
        lower-cases, then cuts at spaces and at each punctuation mark), so the pieces are
        those of the whole text; their sum has the direction of their mean."""
        v = None
        for word in _WORD.findall(text.lower()):
            w = self._word(word)
            if w is not None:
                v = w if v is None else v + w
        if v is None:
            return None
        norm = math.sqrt(float(v @ v))
        return v / norm if norm > 0 else None


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
        self.position = {card.id: i for i, card in enumerate(self.cards)}

    def closeness(self, query: str) -> np.ndarray | None:
        """Each card's closeness in meaning to the query (its closest text's cosine), in the
        cards' order; None for a query with no word piece the vectors know."""
        import numpy as np

        q = self.vectors.embed_one(query) if self.cards else None
        if q is None:
            return None
        return np.maximum.reduceat(self._matrix @ q, self._starts)

    def nearest(self, query: str, limit: int = 3) -> tuple[Near, ...]:
        """The `limit` cards closest in meaning, closest first; none for a query with no
        word piece the vectors know."""
        per_card = self.closeness(query)
        return () if per_card is None else self.top(per_card, limit)

    def top(self, per_card: np.ndarray, limit: int) -> tuple[Near, ...]:
        """The `limit` cards of the highest scores, highest first; ties keep the cards'
        order, as a stable sort does (a few thousand cards at most)."""
        scores = per_card.tolist()
        best = heapq.nsmallest(limit, range(len(scores)), key=lambda i: -scores[i])
        return tuple(Near(self.cards[i], scores[i]) for i in best)
