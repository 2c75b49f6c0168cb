"""Fact cards: the model, loading with line numbers, validation and `check`.

The package re-exports the model so `from bot.cards import Card, Corpus` reads as what it is.
"""

from bot.cards.model import (
    ORG_NAMES,
    ORGS,
    Card,
    Corpus,
    DateEvent,
    Source,
    Thesaurus,
    text_fragment,
)

__all__ = [
    "ORGS",
    "ORG_NAMES",
    "Card",
    "Corpus",
    "DateEvent",
    "Source",
    "Thesaurus",
    "text_fragment",
]
