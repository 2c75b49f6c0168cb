"""A reply as Slack gets it, and the source line every card shows: shared by the answers'
blocks (`bot.slack.blocks`) and the daily post's (`bot.slack.daily_blocks`), which the answers
render too ("what happened on this day?"), so neither imports the other's module."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.cards import Card, Corpus

Blocks = tuple[dict[str, Any], ...]
# Card links are not unfurled: the card already shows the passage, and a preview of a UN
# page would bury it.
NO_UNFURL: Mapping[str, bool] = MappingProxyType({"unfurl_links": False, "unfurl_media": False})


@dataclass(frozen=True)
class Reply:
    """What is sent to Slack: a plain-text fallback (notifications) and Block Kit blocks."""

    text: str
    blocks: Blocks
    # the ack's JSON when already known (a cached template with the query id filled in)
    json_body: str | None = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def ephemeral_json(self) -> str:
        """This reply as the JSON body of an ephemeral slash-command ack, serialised once.

        The Renderer caches Replies, so a card's JSON is built on its first request only;
        serialising a few KB of blocks per request cost more CPU than the rest of the ack.
        """
        if self.json_body is not None:
            return self.json_body
        return json.dumps(
            {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks, **NO_UNFURL}
        )


def source_line(corpus: Corpus, card: Card) -> str:
    source = corpus.source_of(card)
    parts = [source.publisher, f"“{source.title}”"]
    if source.display_date():
        parts.append(f"updated {source.display_date()}")
    return " · ".join(parts)
