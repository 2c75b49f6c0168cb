"""Dates as people write them (issue 9, item 3): every form comes down to a month of a year, a
year, or a span of years, which is what the cards' events are dated to. Examples are written
for these tests, not taken from any query set."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.answers import Answerer, asks_for_today
from bot.daily.calendar import post_for
from bot.matching.dates import say_dates, span_of
from bot.matching.text import clean, tokens
from bot.slack.blocks import Renderer
from bot.slack.daily_blocks import render as render_daily
from tests.cli import ask

TODAY = dt.date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("what happened on 10 June 1999?", "what happened on June 1999?"),
        ("the 10th of june, 1999", "the june, 1999"),
        ("June 10th, 1999", "June, 1999"),
        ("1999-06-10", "june 1999"),
        ("25/12/1995", "december 1995"),
        ("12/25/1995", "december 1995"),
        ("10/06/1999", "1999"),  # June or October: only the year is certain
        ("events of '99", "events of 1999"),
        ("back in ’03", "back in 2003"),
        ("the first half of 2016", "2016"),
        ("Q3 2016", "2016"),
        ("what happened last year", "what happened 2025"),
        ("anything this year?", "anything 2026?"),
        ("what happened 20 years ago", "what happened 2006"),
        ("anything from a decade ago?", "anything from 2016?"),
        ("twenty-five years ago", "2001"),
    ],
)
def test_finer_and_relative_dates_are_said_as_a_month_or_a_year(text, said) -> None:
    assert say_dates(text, TODAY) == said


@pytest.mark.parametrize(
    "text",
    [
        "chapter 8 may apply",  # a number before "may" without a year is no date
        "the '90s",  # a decade: read by span_of
        "resolution 1325 in 2000",
        "last year's statement",  # without today: left as written
        "20 years ago",  # likewise
    ],
)
def test_what_is_not_a_finer_date_is_left_as_written(text) -> None:
    today = None if "last year" in text or "ago" in text else TODAY
    assert say_dates(text, today) == text


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("the late 90s", (1996, 1999)),
        ("the '90s", (1990, 1999)),
        ("the nineties", (1990, 1999)),
        ("early 2000s", (2000, 2003)),
        ("mid-2000s", (2003, 2006)),
        ("the 2010s", (2010, 2019)),
        ("between 1998 and 2000", (1998, 2000)),
        ("from 1998 to 2000", (1998, 2000)),
        ("1998-2000", (1998, 2000)),
        ("2000 through 1998", (1998, 2000)),
        ("1993 and 2019", None),  # two years, not a span
        ("between 1903 and 2019", None),  # too far apart to be a span
        ("1999", None),
    ],
)
def test_decades_and_ranges_are_spans(text, span) -> None:
    assert span_of(tokens(clean(text))) == span


@pytest.fixture(scope="module")
def answerer(corpus) -> Answerer:
    return Answerer(corpus, today=lambda: TODAY)


@pytest.mark.parametrize(
    ("query", "year", "until"),
    [
        ("what happened in the nineties?", 1990, 1999),
        ("events in the late 90s", 1996, 1999),
        ("what went on in the early 2000s", 2000, 2003),
        ("what happened between 1999 and 2001", 1999, 2001),
        ("give me a timeline of the 2010s", 2010, 2019),
    ],
)
def test_a_span_alone_lists_the_events_of_those_years(answerer, query, year, until) -> None:
    answer = answerer.answer(query)
    assert (answer.kind, answer.year, answer.until) == ("year", year, until), query
    assert answer.suggestions  # the cards with events then
    for card in answer.suggestions:
        assert any(year <= e.year <= until for e in card.dates), card.id
    dated = {c.id for c in answerer.corpus.cards if any(year <= e.year <= until for e in c.dates)}
    assert {c.id for c in answer.suggestions} == dated
    text = Renderer(answerer.corpus).reply(answer).text
    assert text.startswith(f"In {year}–{until}:")


def test_an_organisation_narrows_a_span(answerer) -> None:
    answer = answerer.answer("what did the un and the osce do in the 2010s?")
    assert answer.kind == "year" and answer.suggestions
    assert all("un" in c.orgs for c in answer.suggestions)


@pytest.mark.parametrize(
    ("query", "year", "month"),
    [
        ("what happened on 10 June 1999?", 1999, 6),
        ("1999-06-10", 1999, 6),
        ("events of '99", 1999, None),
        ("the second half of 1999", 1999, None),
        ("what took place in 1999", 1999, None),
    ],
)
def test_a_full_date_or_short_year_lists_that_month_or_year(answerer, query, year, month) -> None:
    answer = answerer.answer(query)
    assert (answer.kind, answer.year, answer.month) == ("year", year, month), query


def test_this_year_and_last_year_are_read_against_today(answerer) -> None:
    for query, year in (("what happened this year?", 2026), ("anything last year", 2025)):
        answer = answerer.answer(query)
        assert answer.kind == "none" and answer.year == year and answer.card is None, query
        text = Renderer(answerer.corpus).reply(answer).text
        assert text.startswith(f"None of my cards has an event in {year}."), text


def test_a_span_with_no_events_says_so_and_names_the_years_there_are(answerer) -> None:
    answer = answerer.answer("anything in the seventies?")
    assert (answer.kind, answer.year, answer.until) == ("none", 1970, 1979)
    text = Renderer(answerer.corpus).reply(answer).text
    assert text.startswith("None of my cards has an event in 1970–1979. Years I have events")


def test_the_answer_follows_the_date_it_is(corpus) -> None:
    """A cached answer to "this year" is not served once the year has turned."""
    days = iter([dt.date(2026, 12, 31), dt.date(2027, 1, 1)])
    answerer = Answerer(corpus, today=lambda: next(days))
    assert answerer.answer("what happened this year").year == 2026
    assert answerer.answer("what happened this year").year == 2027


@pytest.mark.parametrize(
    ("text", "today"),
    [
        ("what happened on this day?", True),
        ("today in history", True),
        ("any anniversaries today?", True),
        ("on this date", True),
        ("what happened today in osce history", True),
        ("who is the osce chair today?", False),  # an office, not the calendar
        ("kfor today", False),
        ("what happened in 1999", False),
        ("this day", True),
    ],
)
def test_a_question_for_today_is_told_from_one_that_mentions_it(text, today) -> None:
    assert asks_for_today(text) is today


def test_on_this_day_answers_with_the_daily_post_for_today(answerer) -> None:
    answer = answerer.answer("what happened on this day?")
    assert (answer.kind, answer.post.day, answer.card) == ("today", TODAY, None)
    post = post_for(answerer.corpus, TODAY)
    assert answer.suggestions == post.cards
    reply = Renderer(answerer.corpus).reply(answer)
    assert reply == render_daily(answerer.corpus, post)


@pytest.mark.slow
def test_ask_json_lists_a_decade_as_a_year_kind() -> None:
    line = json.loads(ask("--json", stdin="what happened in the late nineties?\n"))
    assert line["kind"] == "year" and line["card"] is None
    assert line["text"].startswith("In 1996–1999:") and line["suggestions"]
