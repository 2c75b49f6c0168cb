"""From a query to an Answer: the one entry point every surface (Slack, console, CLI) uses.

Keeping this in one place is what makes `/osce`, a mention, a DM, the console and
`bot ask` give the same reply to the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.cards import Card, Corpus

Kind = Literal["card", "suggestions", "none", "year", "help", "list", "empty"]


@dataclass(frozen=True)
class Reply:
    """What is sent to Slack: a plain-text fallback (notifications) and Block Kit blocks."""

    text: str
    blocks: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Answer:
    query: str
    kind: Kind
    card: Card | None
    score: float
    suggestions: tuple[Card, ...]
    reply: Reply
