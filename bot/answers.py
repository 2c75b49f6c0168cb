"""From what a person typed to what the bot should say: the one entry point of every surface.

`/osce`, a mention, a DM, the console and `bot ask` all come through here, so the same words
give the same answer everywhere. This module decides *what* to answer (a card, suggestions,
a year's events, help, a subcommand); how it looks is each surface's business
(`bot.slack.blocks` for Slack and the console), so nothing here knows Slack.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Levenshtein

from bot.cards import Card, Corpus
from bot.config import Settings
from bot.daily.calendar import DailyPost, post_for
from bot.daily.schedule import today_in
from bot.matching import Matcher
from bot.matching.suggest import Suggester
from bot.matching.text import THANKS_WORDS, clean, fold, is_filler, tokens

Kind = Literal["card", "suggestions", "none", "year", "help", "list", "empty", "greeting", "today"]
Action = Literal["answer", "today", "subscribe", "unsubscribe", "bad_time", "did_you_mean"]

# the words that may come with "today" in a question for the daily post
TODAY_WORDS = frozenset(
    """today todays this day date happened happen happening history historical anniversary
    anniversaries events event on what s going post osce nato un""".split()
)
_THIS_DAY = re.compile(r"\b(?:on )?this (?:day|date)\b")
HELP_WORDS = frozenset({"help", "usage", "commands", "?"})
LIST_WORDS = frozenset({"list", "topics", "all", "index", "cards", "list topics", "all topics"})
ANSWER_CACHE = 4096  # recent queries' answers kept (a query is at most 500 characters)
DEFAULT_AT = dt.time(9, 0)  # the daily post's time when `/osce subscribe` names none


utc_today = functools.partial(today_in, "UTC")  # the default "today" (tests, `bot ask`)


def local_today(settings: Settings) -> Callable[[], dt.date]:
    """The date it is where the daily post is (DAILY_TZ): "today" for every answer."""
    return functools.partial(today_in, settings.daily_tz)


@dataclass(frozen=True)
class Answer:
    """What the bot answers to one query; rendered by the surface that asked."""

    query: str
    kind: Kind
    card: Card | None = None
    score: float = 1.0
    suggestions: tuple[Card, ...] = ()
    year: int | None = None
    month: int | None = None  # with `year`: the events of that month only
    until: int | None = None  # with `year`: the events of the years `year`..`until`
    # the query as the matcher read it (NFKC-folded, so never echoed: a full-width ＠here
    # would come back as @here; the renderer echoes `query` through `readable`)
    cleaned: str = ""
    thanks: bool = False  # a greeting that thanks
    post: DailyPost | None = None  # for "today": today's "on this date" post


@dataclass(frozen=True)
class Command:
    """What `/osce TEXT` asks for. `answer` is set for questions, `at` for subscribe."""

    action: Action
    answer: Answer | None = None
    at: dt.time | None = None
    meant: str = ""  # for did_you_mean: the subcommand as it should have been typed


class Answerer:
    """The matcher plus the answers of their own (help, list, empty); built once per corpus."""

    def __init__(
        self,
        corpus: Corpus,
        *,
        cache_size: int = ANSWER_CACHE,
        today: Callable[[], dt.date] = utc_today,
    ):
        self.corpus = corpus
        self.matcher = Matcher(corpus)
        self.suggester = Suggester(corpus)
        self._today = today  # what "this year" and "last year" are read against
        # Answers are a pure function of the query text, the corpus and the date, and a
        # workspace asks the same few questions again and again ("kfor", "list"): the most
        # recent ones are kept, so a repeated question costs a dictionary look-up, not a match.
        self._answers = functools.lru_cache(maxsize=cache_size)(self._answer)

    def answer(self, query: str) -> Answer:
        return self._answers(query, self._today())

    def _answer(self, query: str, today: dt.date) -> Answer:
        text = clean(query)
        key = fold(text)
        if not key:
            return Answer(query, "empty" if not text else "help", cleaned=text)
        if key in HELP_WORDS or text.strip() == "?":
            return Answer(query, "help", cleaned=text)
        if key in LIST_WORDS:
            return Answer(query, "list", cleaned=text)
        if asks_for_today(text):
            post = post_for(self.corpus, today)
            return Answer(query, "today", suggestions=post.cards, cleaned=text, post=post)
        result = self.matcher.match(text, today)
        if result.smalltalk:
            thanks = any(t in THANKS_WORDS for t in tokens(text))
            return Answer(query, "greeting", cleaned=text, thanks=thanks)
        if result.kind == "card" and result.card is not None:
            return Answer(query, "card", result.card, result.score, cleaned=text)
        if result.year is not None:  # a date question: that year's events, or none
            return Answer(
                query,
                result.kind,
                None,
                result.score,
                result.year_cards,
                result.year,
                result.month,
                cleaned=text,
                until=result.until,
            )
        cards = tuple(s.card for s in result.ranked)
        return Answer(query, result.kind, None, result.score, cards, cleaned=text)

    def suggest(self, prefix: object, limit: int = 10) -> tuple[Card, ...]:
        """Type-ahead: cards whose title or alias a half-typed prefix may be heading for."""
        return self.suggester.suggest(prefix, limit)

    def alternatives(self, query: str, exclude: str, limit: int = 4) -> tuple[Card, ...]:
        """The next best cards when `exclude` was "not what I asked": the matcher's other
        candidates for the query, then the excluded card's related cards."""
        ranked = [s.card for s in self.matcher.match(query).ranked] if query else []
        excluded = self.corpus.get(exclude)
        related = [self.corpus.get(r) for r in excluded.related] if excluded else []
        seen = {exclude}
        out: list[Card] = []
        for card in (*ranked, *related):
            if card is not None and card.id not in seen:
                seen.add(card.id)
                out.append(card)
        return tuple(out[:limit])

    def open(self, card_id: str) -> Answer | None:
        """The answer for a card chosen by id (a suggestion or related-card button)."""
        card = self.corpus.get(card_id)
        return None if card is None else Answer(card_id, "card", card, 1.0)

    def command(self, text: str) -> Command:
        """The one `/osce` dispatch: a subcommand the surface carries out, or an answer.

        A subcommand typed with a typo (`subscrbe 9:00`, `unsubcribe`) is not a question
        about the cards: the person gets "did you mean `/osce subscribe 9:00`?".
        """
        words = text.split()
        first = words[0].lower() if words else ""
        meant = _subcommand_typo(first, words[1:])
        if meant:
            return Command("did_you_mean", meant=" ".join([meant, *words[1:]]))
        if first == "today" and len(words) == 1:
            return Command("today")
        if first == "unsubscribe" and len(words) == 1:
            return Command("unsubscribe")
        if first == "subscribe":
            if len(words) > 2:
                return Command("bad_time")
            try:
                return Command("subscribe", at=parse_at(words[1] if len(words) == 2 else None))
            except ValueError:
                return Command("bad_time")
        return Command("answer", answer=self.answer(text))


def asks_for_today(text: str) -> bool:
    """'what happened on this day?', 'today in history', 'any anniversaries today?': the
    daily "on this date" post, for today. Only words about time may come with it: "who is
    the osce chair today?" asks about an office."""
    toks = [t for t in tokens(text) if not is_filler(t)]
    named = "today" in toks or "todays" in toks or _THIS_DAY.search(fold(text)) is not None
    return named and all(t in TODAY_WORDS for t in toks)


def parse_at(text: str | None) -> dt.time:
    """`/osce subscribe [HH:MM]`: the time, 09:00 when omitted; ValueError says what is wrong."""
    if text is None or not text.strip():
        return DEFAULT_AT
    raw = text.strip()
    hours, sep, minutes = raw.partition(":")
    if sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2:
        h, m = int(hours), int(minutes)
        if h < 24 and m < 60:
            return dt.time(h, m)
    raise ValueError(f"not a time of day (HH:MM, 24-hour, e.g. 09:00): {raw!r}")


SUBCOMMANDS = ("subscribe", "unsubscribe", "today")


def _subcommand_typo(first: str, rest: list[str]) -> str | None:
    """The subcommand `first` was probably meant to be, when it is a near miss of one and
    what follows fits it (a time or nothing); None otherwise."""
    if first in SUBCOMMANDS or len(first) < 5 or len(rest) > 1:
        return None
    if rest:
        try:
            parse_at(rest[0])
        except ValueError:
            return None
    best = max(SUBCOMMANDS, key=lambda s: _similarity(first, s))
    if best == "today" and rest:
        return None
    return best if _similarity(first, best) >= 0.8 else None


def _similarity(a: str, b: str) -> float:
    return Levenshtein.normalized_similarity(a, b)
