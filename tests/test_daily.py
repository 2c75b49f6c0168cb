"""The daily calendar: which cards a date shows, the rotation, and the Block Kit it renders."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cards import Card, Corpus, DateEvent, Source
from bot.cards.loading import DEFAULT_FACTS, load_corpus
from bot.daily.calendar import DailyPost, card_of_the_day, is_special, ordinal, rotation
from bot.daily.calendar import post_for as _post_for
from bot.slack.blocks import Reply
from bot.slack.daily_blocks import render

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Source("src", "Relations with the OSCE", "NATO", "https://example.org/osce")


def card(card_id: str, *dates: tuple[str, str], title: str | None = None) -> Card:
    return Card(
        id=card_id,
        title=title or card_id.replace("-", " ").title(),
        summary=f"What the source says about {card_id}.",
        source="src",
        anchor=f"{card_id} passage",
        orgs=("osce",),
        topics=("history",),
        aliases=(),
        dates=tuple(DateEvent(d, e) for d, e in dates),
    )


def corpus_of(*cards: Card) -> Corpus:
    return Corpus(cards=tuple(cards), sources={"src": SOURCE})


# The month dates the real cards carry, plus day and year dates to exercise every rule.
HISTORY = corpus_of(
    card(
        "kosovo-verification-mission",
        ("1998-01", "Kosovo Verification Mission begins"),
        ("1999-03", "Kosovo Verification Mission withdrawn"),
    ),
    card("unscr-1244", ("1999-06", "UN Security Council adopts resolution 1244")),
    card("ohrid-conference", ("2003-05", "Ohrid conference on border security")),
    card("unscr-1031", ("1995-12", "UN Security Council adopts resolution 1031")),
    card("un-joint-statement", ("2019-12", "UN and OSCE joint statement")),
    card("vienna-liaison-office", ("2016-10", "UN liaison office opens in Vienna")),
    card("helsinki-final-act", ("1975-08-01", "Helsinki Final Act signed")),
    card("nato-partnership", ("1991", "NATO and CSCE start meeting")),
    card("platform-for-co-operative-security", ("1999", "Platform for Co-operative Security")),
    card("no-dates"),
)


def only(post, kind):  # noqa: ANN001, ANN202
    return next(s for s in post.sections if s.kind == kind)


@pytest.mark.parametrize(
    ("day", "card_ids", "years"),
    [
        (dt.date(2026, 1, 1), ["kosovo-verification-mission"], [28]),
        (dt.date(2026, 3, 1), ["kosovo-verification-mission"], [27]),
        (dt.date(2026, 5, 1), ["ohrid-conference"], [23]),
        (dt.date(2026, 6, 1), ["unscr-1244"], [27]),
        (dt.date(2026, 10, 1), ["vienna-liaison-office"], [10]),
        (dt.date(2026, 12, 1), ["unscr-1031", "un-joint-statement"], [31, 7]),
    ],
)
def test_first_of_month_shows_events_known_to_the_month(day, card_ids, years) -> None:  # noqa: ANN001
    post = post_for(HISTORY, day)
    assert post.kind == "this_month"
    assert [i.card.id for i in post.items] == card_ids
    assert [i.years_ago for i in post.items] == years
    assert post.reply.blocks[0]["type"] == "header"
    assert post.reply.blocks[0]["text"]["text"].startswith("This month in OSCE partnership history")
    blocks = json.dumps(post.reply.blocks)
    for item, n in zip(post.items, years, strict=True):
        assert f"{n} years ago" in blocks and f"{n} years ago" in post.reply.text
        assert HISTORY.url_of(item.card) in blocks
        assert item.card.title in blocks


def test_first_of_october_2026_shows_vienna_liaison_office_ten_years_ago() -> None:
    post = post_for(HISTORY, dt.date(2026, 10, 1))
    assert "10 years ago (October 2016)" in post.reply.text
    assert "UN liaison office opens in Vienna" in post.reply.text


def test_ordinary_day_is_card_of_the_day_and_deterministic() -> None:
    day = dt.date(2026, 3, 12)
    post = post_for(HISTORY, day)
    assert post.kind == "card_of_the_day"
    assert len(post.cards) == 1
    assert post == post_for(HISTORY, day)
    header = post.reply.blocks[0]["text"]["text"]
    assert header == "OSCE partnership card of the day: 12 March 2026"
    assert HISTORY.url_of(post.cards[0]) in json.dumps(post.reply.blocks)
    assert post.cards[0].summary in post.reply.text


def test_on_this_day_uses_full_dates_only() -> None:
    post = post_for(HISTORY, dt.date(2026, 8, 1))
    assert post.kind == "on_this_day"
    assert [i.card.id for i in post.items] == ["helsinki-final-act"]
    assert "51 years ago (1 August 1975)" in post.reply.text
    assert (
        post.reply.blocks[0]["text"]["text"] == "On this day in OSCE partnership history: 1 August"
    )
    # the day before and after are ordinary
    assert post_for(HISTORY, dt.date(2026, 7, 31)).kind == "card_of_the_day"
    assert post_for(HISTORY, dt.date(2026, 8, 2)).kind == "card_of_the_day"


def test_events_of_this_year_or_later_are_not_anniversaries() -> None:
    corpus = corpus_of(card("future", ("2026-10", "Planned")), card("other"))
    assert post_for(corpus, dt.date(2026, 10, 1)).kind == "card_of_the_day"


def test_both_rules_on_one_day_combine() -> None:
    corpus = corpus_of(
        card("charter", ("2001-10-01", "Charter signed")),
        card("vienna-liaison-office", ("2016-10", "UN liaison office opens in Vienna")),
    )
    post = post_for(corpus, dt.date(2026, 10, 1))
    assert [s.kind for s in post.sections] == ["on_this_day", "this_month"]
    assert post.kind == "on_this_day"
    assert [c.id for c in post.cards] == ["charter", "vienna-liaison-office"]
    text = post.reply.text
    assert "25 years ago (1 October 2001)" in text and "10 years ago (October 2016)" in text
    assert "This month in OSCE partnership history" in json.dumps(post.reply.blocks)


def test_leap_day_event_only_in_leap_years() -> None:
    corpus = corpus_of(card("leap", ("2000-02-29", "Leap-day event")), card("other"))
    assert post_for(corpus, dt.date(2024, 2, 29)).kind == "on_this_day"
    assert not is_special(corpus, dt.date(2026, 2, 28))


# ---- rotation ------------------------------------------------------------------------


def thirty() -> Corpus:
    # a few special days in the mix, so the rotation must skip them without losing turns
    return corpus_of(
        *(card(f"card-{i:02d}") for i in range(27)),
        card("month-card", ("2010-04", "Something in April")),
        card("day-card", ("2012-04-10", "Something on 10 April")),
        card("year-card", ("2003", "Something in 2003")),
    )


def ordinary_days(corpus: Corpus, start: dt.date, count: int) -> list[dt.date]:
    days, day = [], start
    while len(days) < count:
        if not is_special(corpus, day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def test_sixty_days_never_repeat_a_card_early() -> None:
    corpus = thirty()
    n = len(corpus.cards)
    # start the 60-day run where a cycle begins, in spring (it spans 1 April and 10 April)
    start = next(
        d for d in ordinary_days(corpus, dt.date(2026, 3, 10), n) if ordinal(corpus, d) % n == 0
    )
    days = [start + dt.timedelta(days=i) for i in range(60)]
    shown = {d: card_of_the_day(corpus, d) for d in days if not is_special(corpus, d)}
    assert len(shown) == 58  # 1 and 10 April take no turn
    counts = Counter(c.id for c in shown.values())
    assert max(counts.values()) <= 2
    # every window of n ordinary days aligned to a cycle shows n different cards
    by_cycle: dict[int, list[str]] = {}
    for d, c in shown.items():
        by_cycle.setdefault(ordinal(corpus, d) // n, []).append(c.id)
    assert len(by_cycle[ordinal(corpus, start) // n]) == n
    for ids in by_cycle.values():
        assert len(set(ids)) == len(ids)
        if len(ids) == n:
            assert set(ids) == {c.id for c in corpus.cards}


def test_a_card_never_returns_before_all_others_had_their_day() -> None:
    corpus = thirty()
    n = len(corpus.cards)
    days = ordinary_days(corpus, dt.date(2026, 1, 1), 4 * n)
    seen: list[str] = []
    for d in days:
        cid = card_of_the_day(corpus, d).id
        if ordinal(corpus, d) % n == 0:
            seen = []  # a new cycle: every card has had its day
        assert cid not in seen
        seen.append(cid)


def test_special_days_do_not_consume_turns() -> None:
    corpus = thirty()
    days = ordinary_days(corpus, dt.date(2026, 3, 25), 40)
    turns = [ordinal(corpus, d) for d in days]
    assert turns == list(range(turns[0], turns[0] + 40))


def no_early_repeat(corpus: Corpus, start: dt.date, windows: int) -> None:
    """Every run of n consecutive ordinary days from `start` shows n different cards."""
    n = len(corpus.cards)
    days = ordinary_days(corpus, start, n + windows)
    shown = [card_of_the_day(corpus, d).id for d in days]
    for i in range(windows + 1):
        window = shown[i : i + n]
        assert len(set(window)) == n, (days[i], Counter(window).most_common(2))


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_no_card_repeats_within_n_ordinary_days_across_cycles_and_years(day: dt.date) -> None:
    # issue 14 item 9: back-to-back shuffles let a card end one cycle and open the next
    no_early_repeat(thirty(), day, 2 * len(thirty().cards))


def test_no_early_repeat_over_year_ends_with_the_real_cards(corpus: Corpus) -> None:
    n = len(corpus.cards)
    ordinary = [d for d in ordinary_days(corpus, dt.date(2028, 12, 20), 20)]
    assert dt.date(2028, 12, 29) in ordinary and dt.date(2028, 12, 30) in ordinary
    assert card_of_the_day(corpus, dt.date(2028, 12, 29)) != card_of_the_day(
        corpus, dt.date(2028, 12, 30)
    )
    # in 2026 the first repeat came after 22 of 34 cards; now only after all n
    shown = [card_of_the_day(corpus, d).id for d in ordinary_days(corpus, dt.date(2026, 1, 1), 400)]
    first_repeat = next(i for i, cid in enumerate(shown) if cid in shown[:i])
    assert first_repeat == n
    for year in range(2024, 2040):
        no_early_repeat(corpus, dt.date(year, 12, 1), 40)


def test_rotation_is_a_fixed_permutation_and_adding_a_card_keeps_the_others_order() -> None:
    corpus = thirty()
    order = rotation(corpus)
    assert sorted(c.id for c in order) == sorted(c.id for c in corpus.cards)
    bigger = corpus_of(*corpus.cards, card("new-card"))
    assert [c.id for c in rotation(bigger) if c.id != "new-card"] == [c.id for c in order]


def test_round_anniversary_of_year_only_event_shows_in_its_year() -> None:
    corpus = thirty()  # year-card: 2003, so 2028 is its 25th anniversary
    n = len(corpus.cards)
    days = ordinary_days(corpus, dt.date(2028, 1, 1), n)
    day = next(d for d in days if card_of_the_day(corpus, d).id == "year-card")
    post = post_for(corpus, day)
    assert "25 years ago (2003): Something in 2003" in post.reply.text
    later = next(
        d
        for d in ordinary_days(corpus, dt.date(2027, 1, 1), n)
        if card_of_the_day(corpus, d).id == "year-card"
    )
    assert "years ago" not in post_for(corpus, later).reply.text  # 24 years: not round


def test_empty_corpus_gives_a_post_anyway() -> None:
    post = post_for(corpus_of(), dt.date(2026, 3, 12))
    assert post.kind == "card_of_the_day" and post.cards == ()
    assert post.reply.text


# ---- Slack limits ----------------------------------------------------------------------


def test_block_kit_limits_hold_for_a_crowded_day() -> None:
    long_title = "A" * 150
    corpus = corpus_of(
        *(
            card(f"c-{i:03d}", ("2000-10", "E" * 200), title=long_title if i == 0 else None)
            for i in range(80)
        )
    )
    post = post_for(corpus, dt.date(2026, 10, 1))
    blocks = post.reply.blocks
    assert len(blocks) <= 50
    assert len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
    assert "more" in blocks[-1]["elements"][0]["text"]
    assert len(post.items) == 80


def test_mrkdwn_in_titles_is_escaped() -> None:
    corpus = corpus_of(card("x", ("2000-10", "A <b> & c"), title="NATO | OSCE <tags> & more"))
    section = post_for(corpus, dt.date(2026, 10, 1)).reply.blocks[1]["text"]["text"]
    assert "&lt;tags&gt; &amp; more" in section and "A &lt;b&gt; &amp; c" in section


# ---- the real cards and the CLI --------------------------------------------------------


def real_cards_written() -> bool:
    return any((DEFAULT_FACTS / "cards").glob("*.yaml"))


@pytest.mark.skipif(not real_cards_written(), reason="facts/cards/ has no cards yet")
def test_real_corpus_first_of_october_2026_shows_vienna_liaison_office() -> None:
    corpus = load_corpus(DEFAULT_FACTS)
    post = post_for(corpus, dt.date(2026, 10, 1))
    found = [i for i in post.items if i.event is not None and i.event.date == "2016-10"]
    assert found, f"no October 2016 event on 1 October 2026: {[c.id for c in post.cards]}"
    assert any("vienna" in (i.card.title + i.event.event).lower() for i in found)
    assert "10 years ago" in post.reply.text


@pytest.mark.skipif(not real_cards_written(), reason="facts/cards/ has no cards yet")
def test_real_corpus_every_day_of_2026_renders_within_limits() -> None:
    corpus = load_corpus(DEFAULT_FACTS)
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        post = post_for(corpus, day)
        assert 1 <= len(post.reply.blocks) <= 50
        day += dt.timedelta(days=1)


@pytest.mark.slow
def test_today_cli_prints_json(tmp_path: Path) -> None:
    from tests.test_posting import write_facts

    facts = write_facts(tmp_path)
    env = {**os.environ, "FACTS_DIR": str(facts)}
    out = subprocess.run(
        [sys.executable, "-m", "bot", "today", "--date", "2026-10-01", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    doc = json.loads(out)
    assert doc["date"] == "2026-10-01" and doc["kind"] == "this_month"
    assert doc["cards"] == ["vienna-liaison-office"]
    assert "10 years ago" in doc["text"] and doc["blocks"][0]["type"] == "header"
    text = subprocess.run(
        [sys.executable, "-m", "bot", "today", "--date", "2026-10-01"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "This month in OSCE partnership history: October 2026" in text
    assert "10 years ago (October 2016)" in text


class Shown:
    """A post with its Block Kit rendering: these tests read both the rules and the reply."""

    def __init__(self, post: DailyPost, reply: Reply):
        self.post, self.reply = post, reply

    def __getattr__(self, name: str):
        return getattr(self.post, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shown) and (self.post, self.reply) == (other.post, other.reply)


def post_for(corpus: Corpus, day: dt.date) -> Shown:
    post = _post_for(corpus, day)
    return Shown(post, render(corpus, post))
