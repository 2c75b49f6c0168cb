"""Rendering a daily post as Slack Block Kit plus a plain-text fallback.

Kept apart from the calendar rules (bot.daily.calendar) so the rules stay testable without
Slack's limits in the way; the limits themselves come from `bot.slack.text`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_sdk.models.blocks import (
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.cards import Card, Corpus
from bot.cards.model import long_date
from bot.daily.calendar import DailyItem, DailyPost
from bot.slack.reply import Reply, source_line
from bot.slack.text import HEADER_MAX, MAX_BLOCKS, SECTION_MAX
from bot.slack.text import cut as _clip
from bot.slack.text import escape as _esc

TITLES = {
    "on_this_day": "On this day in OSCE partnership history",
    "this_month": "This month in OSCE partnership history",
    "card_of_the_day": "OSCE partnership card of the day",
}


def _link(url: str, label: str) -> str:
    return f"<{url}|{_esc(label).replace('|', '-')}>"


def years_ago(years: int) -> str:
    return "1 year ago" if years == 1 else f"{years} years ago"


def heading(kind: str, day: dt.date) -> str:
    when = {
        "on_this_day": f"{day.day} {day:%B}",
        "this_month": f"{day:%B %Y}",
        "card_of_the_day": long_date(day),
    }[kind]
    return _clip(f"{TITLES[kind]}: {when}", HEADER_MAX)


def _when(item: DailyItem) -> str:
    """'10 years ago (October 2016)': how long ago, then the date at its known precision."""
    assert item.event is not None and item.years_ago is not None
    return f"{years_ago(item.years_ago)} ({item.event.display()})"


def _item_mrkdwn(corpus: Corpus, item: DailyItem, kind: str) -> str:
    card = item.card
    lines = [f"*{_link(corpus.url_of(card), card.title)}*"]
    if kind == "card_of_the_day":
        lines.append(_esc(card.summary))
        if item.event is not None:
            lines.append(f"_{_when(item)}_: {_esc(item.event.event)}")
    elif item.event is not None:
        lines.append(f"_{_when(item)}_: {_esc(item.event.event)}")
    return _clip("\n".join(lines), SECTION_MAX)


def _item_text(corpus: Corpus, item: DailyItem, kind: str) -> str:
    card = item.card
    lines = [f"• {card.title}"]
    if kind == "card_of_the_day":
        lines.append(f"  {card.summary}")
    if item.event is not None:
        lines.append(f"  {_when(item)}: {item.event.event}")
    lines.append(f"  {corpus.url_of(card)}")
    return "\n".join(lines)


def _source_line(corpus: Corpus, card: Card) -> str:
    return _clip(_esc(source_line(corpus, card)), SECTION_MAX)


def render(corpus: Corpus, post: DailyPost) -> Reply:
    """Block Kit for the post; items beyond the 50-block budget are counted, not dropped silently."""
    day, sections = post.day, post.sections
    blocks: list[Any] = []
    text: list[str] = []
    # Budget: each item takes 2 blocks; keep 2 spare for an "and N more" note.
    total_items = sum(len(s.items) for s in sections)
    shown = 0
    for index, section in enumerate(sections):
        if len(blocks) + 4 > MAX_BLOCKS - 1:
            break
        title = heading(section.kind, day)
        text.append(title)
        if index == 0:
            blocks.append(HeaderBlock(text=PlainTextObject(text=title, emoji=False)))
        else:
            blocks.append(DividerBlock())
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{_esc(title)}*")))
        if not section.items:
            blocks.append(SectionBlock(text=MarkdownTextObject(text="No cards yet.")))
            text.append("No cards yet.")
        for item in section.items:
            if len(blocks) + 2 > MAX_BLOCKS - 1:
                break
            blocks.append(
                SectionBlock(text=MarkdownTextObject(text=_item_mrkdwn(corpus, item, section.kind)))
            )
            blocks.append(
                ContextBlock(elements=[MarkdownTextObject(text=_source_line(corpus, item.card))])
            )
            text.append(_item_text(corpus, item, section.kind))
            shown += 1
    if shown < total_items:
        more = f"… and {total_items - shown} more (try `/osce <year>`)."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
        text.append(more)
    return Reply(text="\n".join(text), blocks=tuple(b.to_dict() for b in blocks))
