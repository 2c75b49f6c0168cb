"""Block Kit views: the app's Home tab and the search modal (search, card, posted).

Views are built with slack-sdk's models, which check Slack's field limits; the block counts
(100 per view) are kept here by paging. Card bodies are the answer renderer's own blocks
(`bot.slack.blocks`), so a card looks the same in a modal as in a reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    ConversationSelectElement,
    DividerBlock,
    ExternalDataSelectElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
)
from slack_sdk.models.views import View

from bot.cards import Card, Corpus, DateEvent
from bot.daily.schedule import Subscription
from bot.slack.blocks import (
    OPEN_ACTION,
    Blocks,
    _button,
    _chunks,
    _primary_org,
    _section,
    card_option,
)
from bot.slack.text import (
    BUTTON_TEXT_MAX,
    MAX_OPTIONS,
    OPTION_TEXT_MAX,
    SECTION_MAX,
    cut,
    escape,
)

# ids Slack sends back to the listeners
SEARCH_VIEW = "osce_search_view"  # the modal's callback_id (its submission posts the card)
PICK_BLOCK = "osce_pick"
PICK_ACTION = "osce_pick_card"  # the external_select: block_suggestion and its choice
VIEW_CARD_ACTION = "osce_view_card"  # a related-card button inside the modal
CHANNEL_BLOCK = "osce_channel"
CHANNEL_ACTION = "osce_channel_pick"
HOME_SEARCH_ACTION = "osce_home_search"
HOME_PAGE_ACTION = "osce_home_page"

MAX_VIEW_BLOCKS = 100  # Slack's limit for a modal or a Home tab
CARDS_PER_PAGE = 50  # on the Home tab; more cards are paged with "Show more"
EVENTS_PER_PAGE = 50
SUBSCRIPTIONS_SHOWN = 50
MODAL_TITLE = "OSCE fact cards"  # ≤ 24 characters
ORG_HEADINGS = (("un", "OSCE and the United Nations"), ("nato", "OSCE and NATO"))

_CHANNEL_ID = re.compile(r"^[CDG][A-Z0-9]{2,20}$")


@dataclass(frozen=True)
class Meta:
    """What a modal remembers between requests (its private_metadata, ≤ 3000 characters)."""

    channel: str | None = None  # where it was opened from, the picker's default
    card: str | None = None  # the card shown

    def dump(self) -> str:
        return json.dumps({"channel": self.channel, "card": self.card})

    @staticmethod
    def load(raw: object) -> Meta:
        """Tolerant: a private_metadata that is not ours reads as empty, never as an error."""
        try:
            data = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
        channel, card = data.get("channel"), data.get("card")
        return Meta(
            channel if isinstance(channel, str) and _CHANNEL_ID.match(channel) else None,
            card if isinstance(card, str) and len(card) <= 200 else None,
        )


# ---- type-ahead options ------------------------------------------------------------------
def options(cards: Iterable[Card]) -> list[dict[str, Any]]:
    """block_suggestion's answer: one option per card, at most Slack's 100 (uncached;
    the listener uses `Renderer.options`, which validates each card's option once)."""
    return [card_option(c) for c in list(cards)[:MAX_OPTIONS]]


# ---- the search modal --------------------------------------------------------------------
def _picker(initial: Card | None = None) -> ActionsBlock:
    initial_option = (
        Option(value=initial.id, text=cut(initial.title, OPTION_TEXT_MAX)) if initial else None
    )
    return ActionsBlock(
        block_id=PICK_BLOCK,
        elements=[
            ExternalDataSelectElement(
                action_id=PICK_ACTION,
                placeholder="Type a few letters: kosovo, cfe, 1999…",
                min_query_length=2,
                initial_option=initial_option,
                focus_on_load=initial is None,
            )
        ],
    )


def _modal(blocks: Sequence[Block | dict[str, Any]], meta: Meta, **extra: Any) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=SEARCH_VIEW,
        title=MODAL_TITLE,
        close="Close",
        blocks=list(blocks)[:MAX_VIEW_BLOCKS],
        private_metadata=meta.dump(),
        **extra,
    )
    return view.to_dict()


def search_modal(channel: str | None = None) -> dict[str, Any]:
    """The empty search: a type-ahead select and a line on what it searches."""
    blocks: list[Block] = [
        _section("Search the fact cards by title or topic, then post the one you want."),
        _picker(),
        ContextBlock(
            elements=[
                MarkdownTextObject(text="Every card links the passage of its UN or NATO source.")
            ]
        ),
    ]
    return _modal(blocks, Meta(channel=channel))


def card_modal(
    corpus: Corpus,
    card: Card,
    card_blocks: Blocks,
    channel: str | None,
    *,
    error: str | None = None,
) -> dict[str, Any]:
    """The card as the bot answers it, a conversation picker and "Post to channel".

    `card_blocks` are the renderer's (cached) blocks; their related-card buttons become
    buttons that show that card here, since a modal has no message to answer under.
    """
    blocks: list[Block | dict[str, Any]] = [_picker(card), DividerBlock()]
    blocks.extend(_in_modal(card_blocks))
    blocks.append(DividerBlock())
    picker = ConversationSelectElement(
        action_id=CHANNEL_ACTION,
        placeholder="Choose a channel or conversation",
        initial_conversation=channel,
        default_to_current_conversation=None if channel else True,
    )
    blocks.append(InputBlock(block_id=CHANNEL_BLOCK, label="Post it to", element=picker))
    if error:
        blocks.append(_section(f":warning: {escape(error)}"))
    return _modal(blocks, Meta(channel=channel, card=card.id), submit="Post to channel")


def gone_modal(channel: str | None = None) -> dict[str, Any]:
    """A card id that no card has (renamed since, or a hand-made payload)."""
    blocks: list[Block] = [
        _section("That card is no longer available. Search again:"),
        _picker(),
    ]
    return _modal(blocks, Meta(channel=channel))


def status_modal(text: str, meta: Meta) -> dict[str, Any]:
    """ "Posting…" and "Posted in #channel": no submit button, so nothing is posted twice."""
    return _modal([_section(text)], meta)


def _in_modal(card_blocks: Blocks) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for block in card_blocks:
        if block.get("type") == "actions":
            elements = [
                {**e, "action_id": e["action_id"].replace(OPEN_ACTION, VIEW_CARD_ACTION, 1)}
                for e in block["elements"]
            ]
            block = {**block, "elements": elements}
        out.append(block)
    return out


# ---- the Home tab ------------------------------------------------------------------------
def home_view(corpus: Corpus, subscriptions: Sequence[Subscription], page: int = 0) -> dict:
    """The Home tab: cards by organisation and topic, the timeline, the daily channels.

    Cards and events come a page at a time (`CARDS_PER_PAGE`, `EVENTS_PER_PAGE`) so the view
    stays within Slack's 100 blocks for any corpus; "Show more" republishes the next page.
    """
    catalogue = _catalogue_order(corpus)
    events = timeline(corpus)
    pages = max(_pages(len(catalogue), CARDS_PER_PAGE), _pages(len(events), EVENTS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    blocks: list[Block] = [
        HeaderBlock(text="OSCE partnerships with the UN and NATO"),
        _section(
            f"{len(corpus.cards)} fact cards, each written from a public UN or NATO source and "
            "linking the passage it comes from. Ask with `/osce` and a few words, or search:"
        ),
        ActionsBlock(
            elements=[_button("Search cards", HOME_SEARCH_ACTION, "search", primary=True)]
        ),
    ]
    shown = catalogue[page * CARDS_PER_PAGE : (page + 1) * CARDS_PER_PAGE]
    blocks += [DividerBlock(), HeaderBlock(text="Cards by organisation and topic")]
    blocks += _catalogue_blocks(corpus, shown) or [_section("_No more cards._")]
    dated = events[page * EVENTS_PER_PAGE : (page + 1) * EVENTS_PER_PAGE]
    blocks += [DividerBlock(), HeaderBlock(text="Timeline, newest first")]
    blocks += _chunks([_event_line(corpus, c, e) for c, e in dated]) or [
        _section("_No more dated events._")
    ]
    blocks += [DividerBlock(), HeaderBlock(text="Daily “on this date” post")]
    blocks += _subscription_blocks(subscriptions)
    if pages > 1:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"Page {page + 1} of {pages}")])
        )
        buttons = []
        if page + 1 < pages:
            buttons.append(_button("Show more ›", HOME_PAGE_ACTION, str(page + 1)))
        if page > 0:
            buttons.append(_button("« First page", f"{HOME_PAGE_ACTION}:first", "0"))
        blocks.append(ActionsBlock(elements=buttons))
    if len(blocks) > MAX_VIEW_BLOCKS:  # cannot happen with these page sizes; never send it
        raise ValueError(f"home view has {len(blocks)} blocks, over Slack's {MAX_VIEW_BLOCKS}")
    return View(type="home", blocks=blocks).to_dict()


def _pages(n: int, per_page: int) -> int:
    return max(1, -(-n // per_page))


def _topic(card: Card) -> str:
    return card.topics[0] if card.topics else "other"


def _catalogue_order(corpus: Corpus) -> list[Card]:
    order = {org: n for n, (org, _) in enumerate(ORG_HEADINGS)}
    return sorted(
        corpus.cards,
        key=lambda c: (order[_primary_org(c)], _topic(c).casefold(), c.title.casefold()),
    )


def _catalogue_blocks(corpus: Corpus, cards: Sequence[Card]) -> list[Block]:
    lines: list[str] = []
    org = topic = None
    for card in cards:
        if _primary_org(card) != org:
            org, topic = _primary_org(card), None
            lines.append(f"*{dict(ORG_HEADINGS)[org]}*")
        if _topic(card) != topic:
            topic = _topic(card)
            lines.append(f"_{escape(topic.capitalize())}_")
        lines.append(f"• <{corpus.url_of(card)}|{_link_text(card.title)}>")
    return _chunks(lines)


def timeline(corpus: Corpus) -> list[tuple[Card, DateEvent]]:
    """Every dated event of every card, newest first (ties: the card's title)."""
    events = [(c, e) for c in corpus.cards for e in c.dates]
    events.sort(key=lambda ce: ce[0].title.casefold())
    events.sort(key=lambda ce: _date_key(ce[1]), reverse=True)
    return events


def _date_key(event: DateEvent) -> tuple[int, int, int]:
    return (event.year, event.month or 0, event.day or 0)


def _event_line(corpus: Corpus, card: Card, event: DateEvent) -> str:
    what = cut(escape(event.event), SECTION_MAX // 4)
    return f"• *{event.display()}*: {what} (<{corpus.url_of(card)}|{_link_text(card.title)}>)"


def _link_text(text: str) -> str:
    """A link's label: escaped, and without the `|` and `>` that would end the link early."""
    return escape(cut(text.replace("|", "/"), BUTTON_TEXT_MAX * 2))


def _subscription_blocks(subscriptions: Sequence[Subscription]) -> list[Block]:
    if not subscriptions:
        return [_section("No channel gets it yet. `/osce subscribe 09:00` in a channel starts it.")]
    lines = [
        f"• {_channel(s.channel)} at {s.at:%H:%M} ({escape(s.tz)})"
        + (
            f" — *paused*: {escape(s.paused)}; `/osce subscribe` there resumes it"
            if s.paused
            else ""
        )
        for s in subscriptions[:SUBSCRIPTIONS_SHOWN]
    ]
    if len(subscriptions) > SUBSCRIPTIONS_SHOWN:
        lines.append(f"… and {len(subscriptions) - SUBSCRIPTIONS_SHOWN} more channels")
    return _chunks(lines)


def _channel(channel: str) -> str:
    """A channel id as a link Slack names for the reader; anything else as plain text."""
    return f"<#{channel}>" if _CHANNEL_ID.match(channel) else escape(channel)
