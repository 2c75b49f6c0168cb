"""Rendering answers as Slack messages (Block Kit), and Block Kit as terminal text.

Blocks are built with slack-sdk's models so Slack's limits (header 150, section 3000,
50 blocks, button values) are checked here and not discovered in production. Anything
that came from a user is escaped, so `<!channel>` in a query can never become a ping.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.answers import Answer
from bot.cards import ORG_NAMES, Card, Corpus
from bot.slack.text import (
    BUTTON_TEXT_MAX,
    ECHO_MAX,
    HEADER_MAX,
    MAX_BLOCKS,
    SECTION_MAX,
    cut,
    escape,
    unescape,
)

SHARE_ACTION = "share_card"
OPEN_ACTION = "open_card"

Blocks = tuple[dict[str, Any], ...]
# Card links are not unfurled: the card already shows the passage, and a preview of a UN
# page would bury it.
NO_UNFURL: Mapping[str, bool] = MappingProxyType({"unfurl_links": False, "unfurl_media": False})


@dataclass(frozen=True)
class Reply:
    """What is sent to Slack: a plain-text fallback (notifications) and Block Kit blocks."""

    text: str
    blocks: Blocks

    @functools.cached_property
    def ephemeral_json(self) -> str:
        """This reply as the JSON body of an ephemeral slash-command ack, serialised once.

        The Renderer caches Replies, so a card's JSON is built on its first request only;
        serialising a few KB of blocks per request cost more CPU than the rest of the ack.
        """
        return json.dumps(
            {"response_type": "ephemeral", "text": self.text, "blocks": self.blocks, **NO_UNFURL}
        )


def _dicts(blocks: Sequence[Block]) -> Blocks:
    return tuple(b.to_dict() for b in blocks[:MAX_BLOCKS])  # to_dict() validates Slack's limits


def _section(mrkdwn: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=cut(mrkdwn, SECTION_MAX)))


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> ButtonElement:
    return ButtonElement(
        text=cut(text, BUTTON_TEXT_MAX),
        action_id=action_id,
        value=value,
        style="primary" if primary else None,
    )


def _open_buttons(cards: Iterable[Card], prefix: str) -> ActionsBlock:
    # action_ids must be unique within a block; the value carries the card id
    return ActionsBlock(
        elements=[
            _button(c.title, f"{OPEN_ACTION}:{prefix}{n}", c.id) for n, c in enumerate(cards)
        ][:25]
    )


def source_line(corpus: Corpus, card: Card) -> str:
    source = corpus.source_of(card)
    parts = [source.publisher, f"“{source.title}”"]
    if source.display_date():
        parts.append(f"updated {source.display_date()}")
    return " · ".join(parts)


def card_blocks(corpus: Corpus, card: Card) -> list[Block]:
    url = corpus.url_of(card)
    blocks: list[Block] = [
        HeaderBlock(text=cut(card.title, HEADER_MAX)),
        _section(escape(card.summary)),
        _section(f"<{url}|Read the passage in the source ›>"),
        ContextBlock(elements=[MarkdownTextObject(text=escape(source_line(corpus, card)))]),
    ]
    if card.dates:
        when = "; ".join(f"{d.display()}: {d.event}" for d in card.dates[:6])
        blocks.insert(
            2, ContextBlock(elements=[MarkdownTextObject(text=cut(escape(when), SECTION_MAX))])
        )
    related = [r for r in (corpus.get(rid) for rid in card.related) if r is not None][:4]
    if related:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text="Related cards:")]))
        blocks.append(_open_buttons(related, "rel"))
    return blocks


def card_text(corpus: Corpus, card: Card) -> str:
    """The notification fallback: readable alone, with the source link."""
    return f"{card.title}: {card.summary} Source: {corpus.source_of(card).publisher}, {corpus.url_of(card)}"


def card_reply(corpus: Corpus, card: Card) -> tuple[str, Blocks]:
    return card_text(corpus, card), _dicts(card_blocks(corpus, card))


def suggestions_reply(
    query: str, cards: Sequence[Card], *, confident_none: bool
) -> tuple[str, Blocks]:
    echo = escape(cut(query, ECHO_MAX))
    if cards and not confident_none:
        lead = f"I'm not sure which card you mean by “{echo}”. Did you mean:"
    elif cards:
        lead = f"I have no card that answers “{echo}”. The closest I have:"
    else:
        lead = f"I have no card that answers “{echo}”. Try `/osce list` for every topic, or `/osce help`."
    blocks: list[Block] = [_section(lead)]
    if cards:
        blocks.append(_open_buttons(cards, "s"))
    text = lead + ("" if not cards else " " + "; ".join(c.title for c in cards))
    return text, _dicts(blocks)


def year_reply(corpus: Corpus, year: int, cards: Sequence[Card]) -> tuple[str, Blocks]:
    if not cards:
        text = f"None of my cards has an event in {year}. Try `/osce list`."
        return text, _dicts([_section(text)])
    lines = []
    for card in cards:
        for event in card.dates:
            if event.year == year:
                lines.append(
                    f"• *{event.display()}*: {escape(event.event)} (<{corpus.url_of(card)}|source>)"
                )
    blocks: list[Block] = [HeaderBlock(text=f"In {year}"), *_chunks(lines)]
    blocks.append(_open_buttons(cards[:25], "y"))
    text = f"In {year}: " + " ".join(
        unescape(re.sub(r"\(<[^>]*>\)", "", ln)).strip() for ln in lines
    )
    return text, _dicts(blocks)


def _chunks(lines: Sequence[str]) -> list[Block]:
    """Lines packed into sections under Slack's 3000-character limit."""
    blocks: list[Block] = []
    current = ""
    for line in lines:
        line = cut(line, SECTION_MAX)
        if current and len(current) + 1 + len(line) > SECTION_MAX:
            blocks.append(_section(current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        blocks.append(_section(current))
    return blocks


def list_reply(corpus: Corpus) -> tuple[str, Blocks]:
    blocks: list[Block] = [HeaderBlock(text="What I can tell you about")]
    text_parts = []
    for org, heading in (("un", "OSCE and the United Nations"), ("nato", "OSCE and NATO")):
        cards = [c for c in corpus.cards if _primary_org(c) == org]
        if not cards:
            continue
        lines = [f"• {escape(c.title)}" for c in sorted(cards, key=lambda c: c.title)]
        blocks.append(_section(f"*{heading}*"))
        blocks.extend(_chunks(lines))
        text_parts.append(f"{heading}: " + "; ".join(c.title for c in cards))
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Ask with `/osce` and a few words, e.g. `/osce kosovo verification mission`."
                )
            ]
        )
    )
    return " | ".join(text_parts), _dicts(blocks)


def _primary_org(card: Card) -> str:
    """A card from the NATO page is a NATO card even when the UN is part of its story."""
    return "nato" if "nato" in card.orgs else "un"


HELP_TEXT = (
    "*Ask me about the OSCE's partnerships with the United Nations and NATO.*\n"
    "• `/osce nato arms control`, `/osce kosovo verification mission`, `/osce when did the UN open its office in Vienna?`\n"
    "• `/osce 1999`: events of a year\n"
    "• `/osce list`: every topic I have a card for\n"
    "• `/osce today`: the “on this date” post\n"
    "• `/osce subscribe [HH:MM]` / `/osce unsubscribe`: the daily post in this channel\n"
    "Mention me (`@osce ...`) in a thread and I answer in the thread; a direct message works too. "
    "Every answer links the exact passage of its source."
)


def help_reply() -> tuple[str, Blocks]:
    orgs = ", ".join(ORG_NAMES.values())
    return (
        f"Ask me about the partnerships between {orgs}: /osce QUERY, /osce list, /osce today, /osce help.",
        _dicts([_section(HELP_TEXT)]),
    )


# --- variants for the Slack surfaces ------------------------------------------------------
def with_share(reply: Reply, card: Card) -> Reply:
    """The slash-command reply: only the asker sees it, with a button to share it."""
    share = ActionsBlock(
        elements=[_button("Share in channel", SHARE_ACTION, card.id, primary=True)]
    ).to_dict()
    return Reply(reply.text, reply.blocks[: MAX_BLOCKS - 1] + (share,))


def shared(corpus: Corpus, card: Card, user_id: str) -> Reply:
    """The card posted visibly, saying who shared it (user ids are Slack's, never free text)."""
    safe_user = re.sub(r"[^A-Z0-9]", "", user_id.upper())[:20]
    text, blocks = card_reply(corpus, card)
    who = ContextBlock(
        elements=[MarkdownTextObject(text=f"Shared by <@{safe_user}> with `/osce`")]
    ).to_dict()
    return Reply(f"{text} (shared by <@{safe_user}>)", (*blocks[: MAX_BLOCKS - 1], who))


class Renderer:
    """Answers as Block Kit, each reply that depends on the corpus alone rendered once.

    Rendering (slack-sdk's models validate every field) costs more than matching, so card,
    year, list and help replies are cached by key on first use; suggestions echo the query
    and are rendered each time.
    """

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._cache: dict[str, Reply] = {}

    def reply(self, answer: Answer) -> Reply:
        corpus = self.corpus
        if answer.kind == "card" and answer.card is not None:
            card = answer.card
            return self._once(f"card:{card.id}", lambda: card_reply(corpus, card))
        if answer.kind == "year" and answer.year is not None:
            year, cards = answer.year, answer.suggestions
            return self._once(f"year:{year}", lambda: year_reply(corpus, year, cards))
        if answer.kind == "list":
            return self._once(":list", lambda: list_reply(corpus))
        if answer.kind in ("help", "empty"):
            return self._once(":help", help_reply)
        return Reply(
            *suggestions_reply(
                answer.cleaned or answer.query,
                answer.suggestions,
                confident_none=answer.kind == "none",
            )
        )

    def ephemeral(self, answer: Answer) -> Reply:
        """The slash-command variant: a card gets the Share button (also rendered once)."""
        card = answer.card
        if card is None:
            return self.reply(answer)
        return self._cached(f"share:{card.id}", lambda: with_share(self.reply(answer), card))

    def _once(self, key: str, make: Callable[[], tuple[str, Blocks]]) -> Reply:
        return self._cached(key, lambda: Reply(*make()))

    def _cached(self, key: str, make: Callable[[], Reply]) -> Reply:
        reply = self._cache.get(key)
        if reply is None:
            reply = self._cache.setdefault(key, make())
        return reply


def console_text(reply: Reply) -> str:
    """A reply as a terminal shows it: the same blocks, Slack markup made plain."""
    lines: list[str] = []
    for block in reply.blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * min(len(title), 78)]
        elif kind == "section":
            lines.append(_plain(block["text"]["text"]))
        elif kind == "context":
            lines.append(
                "  " + " ".join(_plain(e.get("text", "")) for e in block.get("elements", []))
            )
        elif kind == "actions":
            labels = [
                e["text"]["text"] for e in block.get("elements", []) if e.get("type") == "button"
            ]
            lines.append("  [" + "] [".join(labels) + "]")
        elif kind == "divider":
            lines.append("-" * 40)
    return "\n".join(lines) if lines else reply.text


def _plain(mrkdwn: str) -> str:
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 \1", mrkdwn)
    text = re.sub(r"<@([A-Z0-9]+)>", r"@\1", text)
    return unescape(text)
