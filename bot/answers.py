"""From a query to an Answer: the one entry point every surface (Slack, console, CLI) uses.

Keeping this in one place is what makes `/osce`, a mention, a DM, the console and
`bot ask` give the same reply to the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from bot import render
from bot.cards import Card, Corpus
from bot.matching import Matcher
from bot.render import Reply
from bot.text import clean, fold

Kind = Literal["card", "suggestions", "none", "year", "help", "list", "empty"]

__all__ = ["Answer", "Answerer", "Kind", "Reply"]


@dataclass(frozen=True)
class Answer:
    query: str
    kind: Kind
    card: Card | None
    score: float
    suggestions: tuple[Card, ...]
    reply: Reply

    def to_json(self, corpus: Corpus) -> dict[str, Any]:
        """The `bot ask --json` line: what other tools (the eval, scripts) read."""
        return {
            "query": self.query,
            "kind": self.kind,
            "card": None
            if self.card is None
            else {"id": self.card.id, "title": self.card.title, "url": corpus.url_of(self.card)},
            "score": round(self.score, 3),
            "suggestions": [{"id": c.id, "title": c.title} for c in self.suggestions],
            "text": self.reply.text,
            "blocks": list(self.reply.blocks),
        }


HELP_WORDS = frozenset({"help", "usage", "commands", "?"})
LIST_WORDS = frozenset({"list", "topics", "all", "index", "cards", "list topics", "all topics"})


class Answerer:
    """The matcher plus the replies of their own (help, list, empty); built once per corpus."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.matcher = Matcher(corpus)
        # A card's reply depends on the card alone; rendering it (Block Kit models validate
        # every field) costs more than matching, so each is rendered once, on first use.
        self._replies: dict[str, Reply] = {}

    def answer(self, query: str) -> Answer:
        text = clean(query)
        key = fold(text)
        if not key:
            return self._fixed(query, "empty" if not text else "help", self._help())
        if key in HELP_WORDS or text.strip() == "?":
            return self._fixed(query, "help", self._help())
        if key in LIST_WORDS:
            return self._fixed(
                query, "list", self._rendered(":list", lambda: render.list_reply(self.corpus))
            )
        result = self.matcher.match(text)
        if result.kind == "card" and result.card is not None:
            return self._card(query, result.card, result.score)
        if result.kind == "year" and result.year is not None:
            cards = result.year_cards
            return Answer(
                query,
                "year",
                None,
                result.score,
                cards,
                Reply(*render.year_reply(self.corpus, result.year, cards)),
            )
        cards = tuple(s.card for s in result.ranked)
        reply = render.suggestions_reply(text, cards, confident_none=result.kind == "none")
        return Answer(query, result.kind, None, result.score, cards, Reply(*reply))

    def open(self, card_id: str) -> Answer | None:
        """The reply for a card chosen by id (a suggestion or related-card button)."""
        card = self.corpus.get(card_id)
        return None if card is None else self._card(card_id, card, 1.0)

    def _card(self, query: str, card: Card, score: float) -> Answer:
        reply = self._rendered(card.id, lambda: render.card_reply(self.corpus, card))
        return Answer(query, "card", card, score, (), reply)

    def _rendered(self, key: str, make: Callable[[], tuple[str, render.Blocks]]) -> Reply:
        reply = self._replies.get(key)
        if reply is None:
            reply = self._replies.setdefault(key, Reply(*make()))
        return reply

    @staticmethod
    def _fixed(query: str, kind: Kind, reply: Reply) -> Answer:
        return Answer(query, kind, None, 1.0, (), reply)

    def _help(self) -> Reply:
        return self._rendered(":help", render.help_reply)
