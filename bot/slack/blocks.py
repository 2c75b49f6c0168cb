"""Rendering answers as Slack messages (Block Kit), and Block Kit as terminal text.

Blocks are built with slack-sdk's models so Slack's limits (header 150, section 3000,
50 blocks, button values) are checked here and not discovered in production. Anything
that came from a user is escaped, so `<!channel>` in a query can never become a ping.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    Option,
    SectionBlock,
)

from bot.answers import Answer
from bot.cards import ORG_NAMES, Card, Corpus, DateEvent
from bot.matching.text import readable
from bot.slack.daily_blocks import render as render_daily
from bot.slack.reply import Blocks, Reply, source_line
from bot.slack.text import (
    BUTTON_TEXT_MAX,
    ECHO_MAX,
    HEADER_MAX,
    MAX_BLOCKS,
    OPTION_TEXT_MAX,
    SECTION_MAX,
    cut,
    echo,
    escape,
    unescape,
    user_mention,
)

SHARE_ACTION = "share_card"
OPEN_ACTION = "open_card"
# feedback on a card answer: `feedback:helpful` / `feedback:not_asked`, value "QUERY_ID|CARD"
FEEDBACK_ACTION = "feedback"
HELPFUL_ACTION = f"{FEEDBACK_ACTION}:helpful"
NOT_ASKED_ACTION = f"{FEEDBACK_ACTION}:not_asked"
# after "Not what I asked": `pick_card:0..n` (value "QUERY_ID|CARD") and `pick_card:none`
PICK_ACTION = "pick_card"
NONE_FIT_ACTION = f"{PICK_ACTION}:none"


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


def _open_buttons(cards: Iterable[Card], prefix: str, query_id: str | None = None) -> ActionsBlock:
    # action_ids must be unique within a block; the value carries the card id, and for a
    # suggestion the query log id too, so the choice can be recorded (never the query text)
    return ActionsBlock(
        elements=[
            _button(c.title, f"{OPEN_ACTION}:{prefix}{n}", choice_value(query_id, c.id))
            for n, c in enumerate(cards)
        ][:25]
    )


def choice_value(query_id: str | None, card_id: str) -> str:
    """A button's value: "QUERY_ID|CARD" when the query was logged, else the card id alone."""
    return f"{query_id}|{card_id}" if query_id else card_id


def parse_choice(value: str) -> tuple[str, str]:
    """(query id or "", card id) from a button's value; card ids are slugs, never with '|'."""
    query_id, sep, card_id = value.rpartition("|")
    return (query_id, card_id) if sep else ("", value)


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
    query: str, cards: Sequence[Card], *, confident_none: bool, query_id: str | None = None
) -> tuple[str, Blocks]:
    """The query is echoed back inert (see `bot.slack.text.echo`) in a `verbatim` text
    object, so Slack neither auto-links a URL in it nor parses a mention."""
    said = echo(cut(readable(query), ECHO_MAX))
    if cards and not confident_none:
        lead = f"I'm not sure which card you mean by “{said}”. Did you mean:"
    elif cards:
        lead = f"I have no card that answers “{said}”. The closest I have:"
    else:
        lead = f"I have no card that answers “{said}”. Try `/osce list` for every topic, or `/osce help`."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=cut(lead, SECTION_MAX), verbatim=True))
    ]
    if cards:
        blocks.append(_open_buttons(cards, "s", query_id))
    text = lead + ("" if not cards else " " + "; ".join(c.title for c in cards))
    return text, _dicts(blocks)


def year_reply(
    corpus: Corpus,
    year: int,
    cards: Sequence[Card],
    month: int | None = None,
    until: int | None = None,
) -> tuple[str, Blocks]:
    """A year's (or month's) events; with `until`, those of the years `year`..`until` on
    `cards`, oldest first ("what did the OSCE do in Kosovo in the late nineties?")."""
    if until is not None and until != year and cards:
        return _period_reply(corpus, year, until, cards)
    if not cards:
        years = sorted({e.year for c in corpus.cards for e in c.dates})
        when = f"{year}–{until}" if until is not None and until != year else str(year)
        text = f"None of my cards has an event in {when}."
        if years:
            text += " Years I have events for: " + ", ".join(map(str, years)) + "."
        return text, _dicts([_section(text)])
    when = f"{dt.date(year, month, 1):%B} {year}" if month else str(year)
    events = [
        (event, card)
        for card in cards
        for event in card.dates
        if event.year == year and (month is None or event.month == month)
    ]
    return _events_reply(corpus, when, events, cards)


def _period_reply(
    corpus: Corpus, start: int, end: int, cards: Sequence[Card]
) -> tuple[str, Blocks]:
    events = sorted(
        ((event, card) for card in cards for event in card.dates if start <= event.year <= end),
        key=lambda pair: (pair[0].year, pair[0].month or 0, pair[0].day or 0),
    )
    return _events_reply(corpus, f"{start}–{end}", events, cards)


def _events_reply(
    corpus: Corpus, when: str, events: Sequence[tuple[DateEvent, Card]], cards: Sequence[Card]
) -> tuple[str, Blocks]:
    """'In 1999: • June 1999: … (source)', one line an event, and a button a card."""
    lines = [
        f"• *{event.display()}*: {escape(event.event)} (<{corpus.url_of(card)}|source>)"
        for event, card in events
    ]
    blocks: list[Block] = [HeaderBlock(text=f"In {when}"), *_chunks(lines)]
    blocks.append(_open_buttons(list(cards)[:25], "y"))
    text = f"In {when}: " + " ".join(
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


EXAMPLES = (
    "`/osce kosovo verification mission`",
    "`/osce when did the UN open its office in Vienna?`",
    "`/osce what happened in 1999?`",
)


def greeting_reply(*, thanks: bool) -> tuple[str, Blocks]:
    """Small talk gets a short, friendly answer and a few questions to try, not "no card"."""
    lead = (
        "You're welcome!"
        if thanks
        else "Hi! I answer questions about the OSCE's partnerships with the United Nations and NATO, each from a fact card that links its source."
    )
    tries = "Try " + ", ".join(EXAMPLES) + ", or `/osce list` for every topic."
    return f"{lead} {tries}", _dicts([_section(f"{lead}\n{tries}")])


def did_you_mean(meant: str) -> str:
    """A subcommand typed with a typo: the command as it should be, never echoed raw."""
    return f"Did you mean `/osce {escape(meant).replace('`', '')}`?"


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


def with_feedback(reply: Reply, query_id: str, card: Card) -> Reply:
    """A card answer with "Helpful" / "Not what I asked" (its query was logged)."""
    return Reply(reply.text, reply.blocks[: MAX_BLOCKS - 1] + (feedback_block(query_id, card),))


def feedback_block(query_id: str, card: Card) -> dict[str, Any]:
    """The feedback buttons as the plain dict slack-sdk's `ActionsBlock.to_dict()` gives (a
    test holds them equal): built per answer, where validating model objects each time cost
    a sixth of a slash command's CPU. The labels are constants within Slack's limits."""
    value = choice_value(query_id, card.id)
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": label, "emoji": True},
                "action_id": action,
                "value": value,
            }
            for label, action in FEEDBACK_BUTTONS
        ],
    }


FEEDBACK_BUTTONS = (("Helpful", HELPFUL_ACTION), ("Not what I asked", NOT_ASKED_ACTION))
# Stands for the query id in a cached reply's JSON (ASCII, so json.dumps keeps it verbatim).
QUERY_ID_SLOT = "@@query-id@@"


def alternatives_reply(query_id: str, cards: Sequence[Card]) -> Reply:
    """After "Not what I asked", to that person only: the next best cards, or none of them."""
    lead = (
        "Sorry about that. Was it one of these?"
        if cards
        else "Sorry about that. I have no other card close to it."
    )
    buttons = [
        _button(c.title, f"{PICK_ACTION}:{n}", choice_value(query_id, c.id))
        for n, c in enumerate(cards[:24])
    ]
    buttons.append(_button("None of these", NONE_FIT_ACTION, choice_value(query_id, "")))
    text = lead + ("" if not cards else " " + "; ".join(c.title for c in cards))
    return Reply(text, _dicts([_section(lead), ActionsBlock(elements=buttons)]))


THANKS = "Thanks, noted: it helps the cards' curator see what to add."


def shared(corpus: Corpus, card: Card, user_id: str, *, via: str = "with `/osce`") -> Reply:
    """The card posted visibly, saying who shared it (user ids are Slack's, never free text)."""
    who_text = user_mention(user_id)
    text, blocks = card_reply(corpus, card)
    who = ContextBlock(elements=[MarkdownTextObject(text=f"Shared by {who_text} {via}")]).to_dict()
    return Reply(f"{text} (shared by {who_text})", (*blocks[: MAX_BLOCKS - 1], who))


def card_option(card: Card) -> dict[str, Any]:
    """A card as a select menu's option: its title (cut to Slack's 75), its id as value."""
    return Option(value=card.id, text=cut(card.title, OPTION_TEXT_MAX)).to_dict("block")


class Renderer:
    """Answers as Block Kit, each reply that depends on the corpus alone rendered once.

    Rendering (slack-sdk's models validate every field) costs more than matching, so card,
    year, list and help replies are cached by key on first use; suggestions echo the query
    and are rendered each time.
    """

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self._cache: dict[str, Reply] = {}
        self._options: dict[str, dict[str, Any]] = {}

    def options(self, cards: Iterable[Card]) -> list[dict[str, Any]]:
        """Type-ahead options, each card's validated once (validation cost more than the
        search itself); the caller decides how many (Slack takes at most 100)."""
        out = []
        for card in cards:
            option = self._options.get(card.id)
            if option is None:
                option = self._options.setdefault(card.id, card_option(card))
            out.append(option)
        return out

    def reply(self, answer: Answer, query_id: str | None = None) -> Reply:
        """`query_id`: the answer's query was logged, so a card gets the feedback buttons and
        suggestions carry the id (the cached part stays the same for everyone)."""
        corpus = self.corpus
        if answer.kind == "card" and answer.card is not None:
            card = answer.card
            reply = self._once(f"card:{card.id}", lambda: card_reply(corpus, card))
            return self._with_feedback(f"card:{card.id}", reply, query_id, card)
        if answer.year is not None and answer.kind in ("year", "none"):
            year, cards, month = answer.year, answer.suggestions, answer.month
            until = answer.until
            key = f"year:{year}:{month}:{until}:{','.join(c.id for c in cards)}"
            return self._once(key, lambda: year_reply(corpus, year, cards, month, until))
        if answer.kind == "today" and answer.post is not None:
            post = answer.post
            return self._cached(f":today:{post.day}", lambda: render_daily(corpus, post))
        if answer.kind == "greeting":
            thanks = answer.thanks
            return self._once(f":hi:{thanks}", lambda: greeting_reply(thanks=thanks))
        if answer.kind == "list":
            return self._once(":list", lambda: list_reply(corpus))
        if answer.kind in ("help", "empty"):
            return self._once(":help", help_reply)
        return Reply(
            *suggestions_reply(
                answer.query,
                answer.suggestions,
                confident_none=answer.kind == "none",
                query_id=query_id,
            )
        )

    def ephemeral(self, answer: Answer, query_id: str | None = None) -> Reply:
        """The slash-command variant: a card gets the Share button (also rendered once)."""
        card = answer.card
        if card is None:
            return self.reply(answer, query_id)
        reply = self._cached(f"share:{card.id}", lambda: with_share(self.reply(answer), card))
        return self._with_feedback(f"share:{card.id}", reply, query_id, card)

    def _with_feedback(self, key: str, reply: Reply, query_id: str | None, card: Card) -> Reply:
        """`reply` with the feedback buttons for `query_id`: its JSON is the cached
        template's with the id put in its slot, so an answer costs no serialisation."""
        if not query_id:
            return reply
        template = self._cached(
            f"feedback:{key}", lambda: with_feedback(reply, QUERY_ID_SLOT, card)
        )
        blocks = template.blocks[:-1] + (feedback_block(query_id, card),)
        body = template.ephemeral_json
        if body.count(QUERY_ID_SLOT) != len(FEEDBACK_BUTTONS):  # a card's own text has it
            return Reply(template.text, blocks)
        return Reply(template.text, blocks, body.replace(QUERY_ID_SLOT, query_id))

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
