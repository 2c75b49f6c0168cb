"""How people write, not only keywords (issue 9): chatter, small talk, dates in sentences,
words run together or split, everyday words, card questions, and the out-of-scope guards.
Examples are written for these tests, not taken from any query set."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from rapidfuzz.distance import Indel

import bot.matching.matcher as matcher_module
from bot.answers import Answerer
from bot.cards import Card, Corpus, Source
from bot.cards.model import Thesaurus
from bot.matching import Matcher
from bot.matching.dates import say_dates
from bot.matching.matcher import asked_words
from bot.matching.names import say_names
from bot.matching.text import tokens
from bot.slack.blocks import Renderer


@pytest.fixture(scope="module")
def answerer(corpus) -> Answerer:
    return Answerer(corpus)


def card_of(answerer: Answerer, query: str) -> str | None:
    answer = answerer.answer(query)
    return answer.card.id if answer.card else None


def suggested_only(answerer: Answerer, query: str) -> bool:
    """Whether `query` gets "did you mean" suggestions and no card."""
    answer = answerer.answer(query)
    return answer.card is None and bool(answer.suggestions)


@pytest.mark.parametrize(
    "query",
    [
        "<@U0BOT> <@U07ABC> thx! and kfor?",
        "hey osce, quick q: kfor",
        ":wave: :coffee: kfor stuff pls",
        "<#C0123|random> ^ same but for kfor",
        "cc <@U05XYZ> can you pull the kfor thing",
        "<@U0BOT> quick q for a briefing note: kfor?",  # what the answer is for
        "for my slides tomorrow - kfor",
        "<@U0BOT> re the thread above ^ - what about kfor?",
        "sorry if this is a dumb q but what is kfor?",
        "<@U0BOT> kfor, need it for a call at 3",  # a time of day, not a number of the cards
        "kfor in 2 lines max pls",
        "<@U0BOT> see <https://www.nato.int/cps/en|www.nato.int> - kfor?",  # a link
        "sorry to ping again, what is kfor?",
        "so what's the story with the osce and kfor?",  # "the story": tell me about it
        "TIL the osce works with kfor - interesting! details?",  # Slack abbreviations
        "wat is kfor",
        "which org runs kfor, mainly?",
    ],
)
def test_chatter_around_a_question_is_not_read_as_unknown_words(answerer, query) -> None:
    assert card_of(answerer, query) == "nato-osce-kfor"


def test_since_when_asks_for_a_date_and_a_card_that_dates_it_answers(answerer) -> None:
    assert card_of(answerer, "TIL nato and osce do staff talks every year - since when??") == (
        "nato-osce-staff-talks"
    )
    # the KFOR card dates nothing: "did you mean" it, not it as the answer
    assert suggested_only(answerer, "since when has the osce worked with kfor?")


def test_now_moving_a_chat_on_is_not_a_question_about_the_present(answerer) -> None:
    query = "<@U0BOT> thx for the last one! now the climate bit - do nato and the osce work on it?"
    assert card_of(answerer, query) == "nato-osce-climate-security"
    assert card_of(answerer, query.replace("now the", "the")) == "nato-osce-climate-security"


@pytest.mark.parametrize(
    ("query", "thanks"),
    [("hi", False), ("hello there!", False), ("thanks!", True), ("thx :pray:", True),
     ("what can you do?", False), ("help me", False)],
)  # fmt: skip
def test_small_talk_gets_a_friendly_reply_with_examples(answerer, query, thanks) -> None:
    answer = answerer.answer(query)
    assert answer.kind in ("greeting", "help") and answer.card is None
    reply = Renderer(answerer.corpus).reply(answer)
    assert "/osce" in reply.text and "no card" not in reply.text
    if answer.kind == "greeting":
        assert answer.thanks == thanks


def test_a_date_in_a_sentence_lists_that_years_events(answerer) -> None:
    for query in ("anything going on in 1999?", "what did they do in 1999", "1999 events pls"):
        answer = answerer.answer(query)
        assert answer.kind == "year" and answer.year == 1999, query


def test_a_month_narrows_the_list_to_that_month(answerer, corpus) -> None:
    answer = answerer.answer("what happened in October 2016?")
    assert answer.kind == "year" and answer.month == 10
    events = [e for c in answer.suggestions for e in c.dates if e.year == 2016]
    assert events and all(e.month == 10 for e in events)
    assert "October 2016" in Renderer(corpus).reply(answer).text


def test_an_organisation_narrows_the_years_list(answerer) -> None:
    answer = answerer.answer("what did the UN do in 2019?")
    assert answer.kind == "year" and answer.suggestions
    assert all("un" in c.orgs for c in answer.suggestions)


def test_a_subject_and_a_decade_list_the_subjects_events_then(answerer, corpus) -> None:
    """No one Kosovo card stands out for the late 1990s: their events of 1996-1999 answer."""
    answer = answerer.answer("kosovo in the late 1990s")
    assert answer.kind == "year" and (answer.year, answer.until) == (1996, 1999)
    assert answer.suggestions and all("kosovo" in c.id for c in answer.suggestions)
    reply = Renderer(corpus).reply(answer)
    assert reply.text.startswith("In 1996–1999: ")
    shown = [e for c in answer.suggestions for e in c.dates if 1996 <= e.year <= 1999]
    assert all(e.event in reply.text for e in shown)
    years = [int(y) for y in re.findall(r"\b(199\d)\b", reply.text.split(":", 1)[1])]
    assert years == sorted(years)  # oldest first
    later = [e for c in answer.suggestions for e in c.dates if e.year > 1999]
    assert not any(e.event in reply.text for e in later)


def test_a_subject_and_a_year_list_the_subjects_events_that_year(answerer) -> None:
    answer = answerer.answer("what did nato agree about the osce in 2016?")
    assert answer.kind == "year" and answer.year == 2016
    assert [c.id for c in answer.suggestions] == ["nato-osce-warsaw-summit-liaison"]


def test_a_time_with_a_subject_no_card_has_lists_nothing(answerer) -> None:
    answer = answerer.answer("what did nato decide about ukraine in 2022")
    assert answer.kind != "year" and answer.card is None


def test_a_year_without_events_is_no_card_and_says_which_years_have_some(answerer) -> None:
    answer = answerer.answer("what happened in 2011?")
    assert answer.kind == "none" and answer.card is None
    assert "Years I have events for" in Renderer(answerer.corpus).reply(answer).text


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("kosovoforce", "nato-osce-kfor"),  # run together
        ("unmik1244", "nato-osce-mission-in-kosovo"),  # letters and digits run together
        ("k for", "nato-osce-kfor"),  # split
        ("K-FOR", "nato-osce-kfor"),
        # three or four words run together, a function word among them
        ("KOSOVOVERIFICATIONMISSION", "nato-osce-kosovo-verification-mission"),
        ("womenpeaceandsecurity nato", "nato-osce-wps-cooperation"),
        # two adjacent letters swapped
        ("kfro", "nato-osce-kfor"),
        ("osec kfor", "nato-osce-kfor"),
    ],
)
def test_words_run_together_or_split_are_read_against_the_cards(answerer, query, card) -> None:
    assert card_of(answerer, query) == card


def _tiny_corpus(thesaurus: tuple[tuple[str, ...], ...] = (), questions: tuple[str, ...] = ()):
    source = Source("s", "Doc", "Pub", "https://example.org/doc")

    def card(cid: str, title: str, summary: str, **kw) -> Card:
        return Card(cid, title, summary, "s", "x", ("osce",), (), (), **kw)

    cards = (
        card("thb", "Trafficking in human beings", "Work against trafficking in human beings."),
        card(
            "salw", "Small arms and light weapons", "Stockpiles of small arms.", questions=questions
        ),
        card("climate", "Climate and security", "Climate change as a security risk."),
    )
    return Corpus(cards, {"s": source}, thesaurus=Thesaurus(thesaurus))


def test_thesaurus_phrases_find_the_cards_term() -> None:
    plain = Matcher(_tiny_corpus())
    assert plain.match("people smuggling").card is None
    groups = (("trafficking in human beings", "people smuggling", "human smuggling"),)
    found = Matcher(_tiny_corpus(thesaurus=groups)).match("people smuggling")
    assert found.card is not None and found.card.id == "thb"


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("what does the un's political arm do with the osce", "un-dppa-osce-partnership"),
        ("nato's core document and the osce", "nato-osce-strategic-concept-2022"),
        ("the 1993 accord between the un and the osce", "un-framework-1993"),
        ("osce ceasefire monitors in kosovo", "nato-osce-kosovo-verification-mission"),
        # everyday verbs for the sources' terms: "getting rid of" mines is clearing them
        (
            "getting rid of landmines: do nato and the osce work on that?",
            "nato-osce-field-cooperation",
        ),
        ("nato and the osce: fitting together?", "nato-osce-partnership"),  # complementary
        ("is the osce a friend of nato?", "nato-osce-partnership"),  # an important partner
        ("what is the osce good at, according to nato?", "nato-osce-partnership"),  # valued for
        ("nato osce teamwork in the field", "nato-osce-field-cooperation"),
        ("do nato and the osce deal with new kinds of threats?", "nato-osce-climate-security"),
        ("do nato and the osce fill different gaps?", "nato-osce-partnership"),  # complementary
        # a phrase of filler words stands for its group: "show up" is attending
        (
            "does the osce show up to nato's anti-terror meetings?",
            "nato-osce-counter-terrorism-training-newsletter",
        ),
    ],
)
def test_descriptions_of_a_name_find_its_card(answerer, query, card) -> None:
    """Periphrases ("the UN's political arm" for the DPPA) are thesaurus members, and a
    possessive inside one is read through."""
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    ("query", "card"),
    [
        (
            "does europe's security club have an office of the world body in vienna?",
            "un-liaison-office-vienna",
        ),
        (
            "do the transatlantic alliance and the european security watchdog share a"
            " newsletter on terrorism?",
            "nato-osce-counter-terrorism-training-newsletter",
        ),
        (
            "what do the western military alliance and the european security people do about"
            " small arms?",
            "nato-osce-salw",
        ),
        (
            "does the western defence alliance send people to the european security forum's"
            " yearly review conference?",
            "nato-osce-political-dialogue",
        ),
        (
            "does anyone from the european security group ever brief the alliance's committee"
            " of diplomats?",
            "nato-osce-political-dialogue",
        ),
    ],
)
def test_the_organisations_described_in_everyday_words_find_the_card(answerer, query, card) -> None:
    """Said as descriptions ("the world body", "europe's security club"), the organisations
    are read as their names, and the rest of the question decides the card."""
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("what does the world body's office do", "what does UN's office do"),
        ("europe's biggest security forum and the western military alliance", "OSCE and NATO"),
        ("the pan-European security organization", "OSCE"),
        ("Europe-wide security people", "OSCE"),
        ("europes security watchdog", "OSCE"),  # the apostrophe left out
        ("a transatlantic defense pact", "a NATO"),
        ("the alliance's committee", "NATO's committee"),  # in these sources, only NATO is one
        ("the European Union", "EU"),  # a partner, by the short name the cards' rules know
        ("the world body's peacemaking department", "DPPA"),  # then the UN's department
        ("the UN political affairs people", "DPPA"),
        ("while the European monitors were in Kosovo", "while the OSCE monitors were in Kosovo"),
        # the full names, as the cards write them
        ("the United Nations Charter", "the UN Charter"),
        ("Organization for Security and Co-operation in Europe", "OSCE"),
        ("the North Atlantic Treaty Organisation", "the NATO"),
        # where the body sits, said after it, is more of the description
        ("the global body headquartered in New York", "UN"),
        ("NATO, which is based in Brussels, and", "NATO, and"),
        # not descriptions of the three: another body, a people, an order, a treaty
        ("european people", "european people"),
        ("the european security order", "the european security order"),
        ("the warsaw pact", "the warsaw pact"),
        ("an alliance of states", "an alliance of states"),  # not "the" alliance
        ("international organisations", "international organisations"),
        ("the UN peace envoy", "the UN peace envoy"),
        ("european monitors of the EU", "european monitors of the EU"),  # "the" says whose
        ("the UN office based in Vienna", "the UN office based in Vienna"),  # the office's seat
        ("NATO based in Vienna", "NATO based in Vienna"),  # not NATO's seat: a place asked about
    ],
)
def test_descriptions_of_the_organisations_are_said_by_their_names(text, said) -> None:
    assert say_names(text) == said


def test_a_possessive_s_is_not_joined_to_the_next_word(corpus) -> None:
    """'the UN's top official' read "s" + "top" as the card word "stop"; 's-for' and
    'k for' are still words split in two."""
    matcher = Matcher(corpus, meaning=False)
    assert [u.word for u in matcher.units("the UN's top official")[0]] == ["un", "top", "official"]
    assert [u.word for u in matcher.units("s for and k-for")[0]] == ["sfor", "kfor"]
    assert matcher.units("who's the un sg")[1][:2] == ["who", "s"]  # "who is": a question


def test_a_possessive_inside_a_thesaurus_phrase_is_read_through() -> None:
    """'the world's worst crime' says the group's 'world worst crime': the query's "s" is a
    token of its own, and a phrase written without it must still be found."""
    groups = (("trafficking in human beings", "world worst crime"),)
    matcher = Matcher(_tiny_corpus(thesaurus=groups), meaning=False)
    assert matcher.match("the world's worst crime").card.id == "thb"
    assert matcher.match("world worst crime").card.id == "thb"
    # only an "s" is read through: other words between break the phrase
    assert matcher.match("the world and worst crime").card is None


def test_thesaurus_words_find_the_cards_term() -> None:
    groups = (("small arms", "guns", "firearms"), ("climate change", "global warming"))
    matcher = Matcher(_tiny_corpus(thesaurus=groups))
    assert matcher.match("guns").card.id == "salw"
    assert matcher.match("global warming").card.id == "climate"


def test_a_cards_questions_are_matched_as_phrases() -> None:
    asked = "who keeps an eye on the stockpiles of rifles"
    assert Matcher(_tiny_corpus(), meaning=False).match(asked).card is None
    questions = (asked, "rifle depots", "ammunition stores")
    matcher = Matcher(_tiny_corpus(questions=questions), meaning=False)
    assert matcher.match("who keeps an eye on rifle stockpiles?").card.id == "salw"


def test_a_close_card_whose_question_the_query_repeats_is_the_answer(answerer, monkeypatch) -> None:
    """The office's full name is an alias of the card on its opening; "what does ... do"
    is how the role card's own question asks. Asked when it opened, the opening card stays."""
    query = "so what does the UN liaison office in Vienna really do for the osce?"
    assert card_of(answerer, query) == "un-liaison-office-role"
    opened = "when did the un liaison office in vienna open for the osce?"
    assert card_of(answerer, opened) == "un-liaison-office-vienna"
    monkeypatch.setattr(matcher_module.Matcher, "_rephrased", lambda _, found, *__: found)
    assert card_of(Answerer(answerer.corpus), query) == "un-liaison-office-vienna"


def test_a_cards_exact_name_inside_another_cards_question_gets_that_card(answerer) -> None:
    """ "un liaison office" is the opening card's exact name, which answers at once; with
    "what does ... do" around it, the query is the role card's own question."""
    assert card_of(answerer, "un liaison office") == "un-liaison-office-vienna"
    assert card_of(answerer, "what is the un liaison office?") == "un-liaison-office-vienna"
    assert card_of(answerer, "what does the un liaison office do?") == "un-liaison-office-role"


def test_a_question_is_compared_word_by_word_without_chatter() -> None:
    """Many letters in common ("... office in vienna for the osce") are not the same
    question; the words that ask are. Chatter ("so", "really") is not part of the question."""
    query = asked_words(tokens("So what does the UN office in Vienna really do for the OSCE?"))
    assert query == asked_words(tokens("what does the un office in vienna do for the osce"))
    assert len(query) == 11  # one character a word
    same = asked_words(tokens("What does the UN office in Vienna do?"))
    other = asked_words(tokens("When did the UN open its office in Vienna for the OSCE?"))
    assert Indel.normalized_similarity(query, same) >= matcher_module.REPHRASED_AT
    assert Indel.normalized_similarity(query, other) < matcher_module.REPHRASED_AT


@pytest.mark.parametrize(
    "query",
    [
        "UNSCR 2250 youth peace and security",  # a resolution no card has
        "who is the current OSCE secretary general?",  # the present, not the record
        "who is the nato secretary general",  # who holds an office (it changes)
        "who's the un secretary-general?",  # ... even when the office is a card's alias
        "when is the next NATO summit?",
        "what is the EU doing on this",  # a word a card mentions only in passing
        "when was NATO established?",  # the organisation's own history
        "how did Norway view the Vienna Document",  # a country no card names
        "is the Vienna Convention part of arms control?",  # a name no card has (Vienna Document)
        "what came in place of the Stability Pact, and who is its successor",
        "is the kfor mission still running",
        "did nato attend the osce summit in astana?",  # ends on a place no card has
        "what is kfor doing with the osce now?",  # "now" asking about the present
        "ok, and what do nato and the osce work on right now?",
    ],
)
def test_out_of_scope_questions_never_get_a_confident_card(answerer, query) -> None:
    assert answerer.answer(query).card is None


def test_a_subject_mentioned_only_in_passing_is_not_the_answer() -> None:
    source = Source("s", "Doc", "Pub", "https://example.org/doc")
    card = Card(
        "a", "Border platform", "Endorsed with the EU and others.", "s", "x", ("osce",), (), ()
    )
    assert Matcher(Corpus((card,), {"s": source})).match("the EU").card is None


@pytest.mark.parametrize(
    ("text", "meant"),
    [("subscrbe 9:00", "subscribe 9:00"), ("unsubcribe", "unsubscribe"),
     ("subscibe", "subscribe"), ("tody", None), ("subsidiarity", None)],
)  # fmt: skip
def test_a_subcommand_typo_asks_did_you_mean(answerer, text, meant) -> None:
    cmd = answerer.command(text)
    if meant is None:
        assert cmd.action == "answer"
    else:
        assert cmd.action == "did_you_mean" and cmd.meant == meant


def test_a_decade_is_a_time_not_a_code_no_card_has(answerer) -> None:
    """'the late 90s' must not mark the query as naming a number the cards lack."""
    units, _ = answerer.matcher.units("kosovo verification in the 90s")
    assert [u.word for u in units] == ["kosovo", "verification"]
    assert not any(u.identifier for u in units)
    assert card_of(answerer, "kosovo verification in the 1990s") == (
        "nato-osce-kosovo-verification-mission"
    )


def test_a_decade_in_words_is_a_time_too(answerer) -> None:
    units, _ = answerer.matcher.units("kosovo verification in the nineties")
    assert [u.word for u in units] == ["kosovo", "verification"]


def test_a_season_or_late_before_a_year_is_part_of_the_time(answerer) -> None:
    """'in spring 1999', 'the summer of 1998', 'late 1998' place a year: no card has the
    word, and left as one it weighed as a subject no card knows."""
    units, _ = answerer.matcher.units("kosovo monitors pulled out in spring 1999")
    assert [u.word for u in units][-1] == "1999"
    units, _ = answerer.matcher.units("kosovo in the summer of 1998, late 1998")
    assert [u.word for u in units] == ["kosovo", "1998", "1998"]
    query = (
        "why were the international ceasefire checkers pulled out of the Balkans in spring 1999?"
    )
    assert card_of(answerer, query) == "nato-osce-kosovo-verification-mission"
    # not a season before a year: a word like any other
    units, _ = answerer.matcher.units("the fall of the wall")
    assert "fall" in [u.word for u in units]


def test_a_past_year_lifts_the_guard_on_words_about_the_present(answerer) -> None:
    """'tomorrow' frames the request; the question is about a year the cards cover."""
    assert card_of(answerer, "need it for tomorrow: which joint statement came out in 2019") == (
        "un-joint-statement-2019"
    )
    assert card_of(answerer, "what is the next joint statement") is None


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("what does the Vienna Document cover", "nato-osce-vienna-document"),
        ("When Did The Kosovo Verification Mission Start", "nato-osce-kosovo-verification-mission"),
        ("facts about the Vienna Documnet please", "nato-osce-vienna-document"),  # a typo in a name
        # the organisations' full names are theirs, whichever form the card writes
        (
            "did the United Nations and Europe's security body agree a plan for peace talks?",
            "un-mediation-support-workplan-2014",
        ),
        # a capitalised first word and a month are no name ("Since June" is on no card)
        (
            "Since June 1999 what has the OSCE mission in Kosovo been tasked with?",
            "nato-osce-mission-in-kosovo",
        ),
    ],
)
def test_names_the_card_has_keep_their_answer(answerer, query, card) -> None:
    assert card_of(answerer, query) == card


def test_a_repeated_question_is_answered_without_matching_again(corpus) -> None:
    answerer = Answerer(corpus, cache_size=2)
    calls: list[str] = []
    match = answerer.matcher.match

    def counting(text: str, today=None):  # the real matcher, counted
        calls.append(text)
        return match(text, today)

    answerer.matcher.match = counting  # type: ignore[method-assign]
    first = answerer.answer("kfor")
    assert answerer.answer("kfor") is first and len(calls) == 1
    answerer.answer("bosnia"), answerer.answer("ohrid")  # the oldest falls out
    assert answerer.answer("kfor") == first and len(calls) == 4


@pytest.mark.parametrize(
    "query",
    [
        "lol ok <@U0BOT> does nato even do kfor stuff w/ osce",
        "idk tbh, kfor? asap pls",
    ],
)
def test_chat_abbreviations_are_chatter(answerer, query) -> None:
    assert card_of(answerer, query) == "nato-osce-kfor"


@pytest.mark.parametrize(
    "query",
    [
        "what do nato and osce work on together",
        "what kinds of things do nato and the osce work on together?",
        "in what ways do nato and the osce work together",
        "which types of things do nato and osce work on together",
    ],
)
def test_kinds_types_and_ways_of_things_are_chatter_like_kind_of(answerer, query) -> None:
    """The plural of a filler word is filler too: "kinds" left as a rare word made a card's
    own question ("what kinds of things do nato and osce work on together?") a weak match
    for the same question without it, and the overview card tied with the topic cards."""
    assert card_of(answerer, query) == "nato-osce-cooperation-areas"


def test_a_name_joined_by_of_is_one_name(answerer) -> None:
    """The Council of Europe is a name no card has, whatever else the question names."""
    assert answerer.answer("what did the Council of Europe say on the Vienna Document").card is None


def test_a_year_asked_about_the_organisations_relations_lists_that_year(answerer) -> None:
    answer = answerer.answer("how were un-osce relations in 1993")
    assert answer.kind == "year" and answer.year == 1993


def test_the_only_card_with_every_word_must_be_about_what_the_first_card_is_about(
    answerer,
) -> None:
    """The staff talks have every word of the query, counter-terrorism only in their
    summary's list of topics; the counter-terrorism card, which words put first, is about
    it. Alone with every word, the staff talks are no longer the answer."""
    query = "who does nato talk to in the osce on counter-terrorism?"
    assert card_of(answerer, query) == "nato-osce-counter-terrorism"
    # with every word and about all of them, the only complete card still answers
    assert card_of(answerer, "do nato and osce staff talk every year?") == "nato-osce-staff-talks"


def test_one_card_far_ahead_of_every_other_is_the_answer_at_a_lower_score(corpus) -> None:
    """A long plain-words question scores lower than keywords; when one card is far ahead of
    all others it is still the answer, but never when another comes close, when the query
    is guarded, or when the card is not about what was asked."""
    from bot.matching.matcher import LONE_AT, LONE_MARGIN, Scored, decide

    a, b = corpus.cards[0], corpus.cards[1]
    lone = LONE_AT + 0.01
    assert decide((Scored(a, lone), Scored(b, lone - LONE_MARGIN - 0.01))).card is a
    assert decide((Scored(a, lone), Scored(b, lone - LONE_MARGIN + 0.05))).card is None
    assert decide((Scored(a, lone),), guarded=True).card is None
    assert decide((Scored(a, lone, subject=False),)).card is None
    assert decide((Scored(a, LONE_AT - 0.01),)).card is None


@pytest.mark.parametrize(
    ("era", "years"),
    [("in the early nineties", range(1990, 1994)), ("in the late 2010s", range(2016, 2020))],
)
def test_a_decade_favours_the_cards_dated_in_it(answerer, era, years) -> None:
    found = answerer.matcher.match(f"what did the un and the osce agree {era}")
    # one card ranked first, or (no card clear) the cards with events then, listed
    first = found.year_cards[0] if found.kind == "year" else found.ranked[0].card
    assert any(e.year in years for e in first.dates)


@pytest.mark.parametrize(
    "query", ["the nato policy on trafficking, what year", "nato trafficking policy date, exactly?"]
)
def test_asking_for_a_year_or_date_is_not_a_word_to_match(answerer, query) -> None:
    """'year' and 'date' ask for the card's date; matched as words they found any card
    saying 'in recent years'."""
    assert card_of(answerer, query) == "nato-thb-policy"


def test_a_when_question_prefers_the_card_that_has_a_date(answerer) -> None:
    """Two cards about the Vienna office; only the one with a date can say when."""
    query = "when was the un's vienna liaison office set up to work with the osce"
    assert card_of(answerer, query) == "un-liaison-office-vienna"


def test_an_office_named_alone_is_still_the_cards_name(answerer) -> None:
    """Only "who is ..." asks who holds it; the office alone names the card that has it."""
    assert card_of(answerer, "un secretary-general") == "un-joint-statement-2019"


@pytest.mark.parametrize(
    "query",
    [
        "how many people work at the un liaison office in vienna?",
        "how much does the liaison office in vienna cost?",
        "Who was Slobodan Milosevic?",
        "who was richard holbrooke",  # in lower case, a first name no card has
        "how many soldiers were in IFOR",  # the card's number is a resolution's (1031)
        "number of troops in sfor",
        "what does the osce mission in kosovo cost per year?",  # money
        "who pays for the nato liaison presence in vienna?",
        "who chairs the political committee at the moment?",  # the present
        # what is counted is the staff, not the OSCE (the card's number is UNSCR 1244)
        "how many staff does the osce mission in kosovo have?",
        "what is the name of the un liaison office's director?",  # the office before it
        "which nato members signed the trafficking policy?",  # members are countries
    ],
)
def test_a_count_or_a_person_no_card_states_gets_suggestions_not_a_card(answerer, query) -> None:
    """The office's card says when it opened, not its head count or cost; the Bosnia card
    has a number, but not of soldiers; the KVM card names Holbrooke and Milosevic in an
    agreement's name, it is not about them."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    "query",
    [
        "where was the osce climate change conference held in 2023?",
        "which city hosted nato's green defence workshop",
        "osce climate conference 2023 venue",
        "in which country was the 2023 osce climate conference?",
        "which five countries endorsed the common platform at ohrid?",  # a place, no country
        "which country had the OSCE chairmanship in december 2019?",
        "at which summit did nato leaders approve the 2023 trafficking policy?",  # a summit's place
    ],
)
def test_a_place_no_card_states_gets_suggestions_not_a_card(answerer, query) -> None:
    """The climate card says who attended the 2021 workshop and the 2023 conference, not
    where they were held: it states no place of the thesaurus's `places`. The Ohrid card
    names a town and a region, but no country of `countries`."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    "query",
    [
        "when did north macedonia join nato?",
        "what year did north macedonia become a member of nato",
        "north macedonia nato membership",
    ],
)
def test_a_countrys_membership_no_card_states_gets_suggestions(answerer, query) -> None:
    """The North Macedonia card is about NATO protecting OSCE monitors there, not about
    the country joining NATO."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    "query",
    [
        "when did osce staff join nato's green defence workshop?",  # an event, not NATO
        "did nato staff join the osce climate conference in 2023",
    ],
)
def test_joining_an_organisations_event_is_not_membership(answerer, query) -> None:
    assert card_of(answerer, query) == "nato-osce-climate-security"
    # nor is joining it on a subject: the EU is named on the Ohrid card
    joined = "did the eu join nato and the osce on balkan border security?"
    assert card_of(answerer, joined) == "nato-osce-border-security"


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("Where was the 2003 conference on Western Balkans border security held?",
         "nato-osce-border-security"),  # Ohrid
        ("which city hosted the 2016 nato summit that stepped up work with the osce",
         "nato-osce-warsaw-summit-liaison"),
        ("where is the un liaison office for the osce?", "un-liaison-office-vienna"),
        ("where has nato-osce cooperation in the field worked well?",
         "nato-osce-field-cooperation"),
        ("in which country did a nato task force protect osce monitors?",
         "nato-osce-north-macedonia"),
        ("what did five western balkan countries endorse at ohrid?",  # not "which countries"
         "nato-osce-border-security"),
        ("at which summit did nato decide to step up cooperation with the osce?",
         "nato-osce-warsaw-summit-liaison"),  # Warsaw
    ],
)  # fmt: skip
def test_a_place_the_card_states_still_gets_the_card(answerer, query, card) -> None:
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    "query",
    [
        "eu osce cooperation",
        "EU and NATO cooperation",
        "the eu's relationship with the osce",
        "the european union and nato",  # its name in full is the same partner
        "How does the EU's partnership with the OSCE work?",  # close in meaning to the UN's
        # a subject of a card ("crisis management") asked of a partner the card never names
        "How does the OSCE cooperate with the European Union on crisis management?",
    ],
)
def test_the_eu_named_only_in_a_cards_list_of_partners_is_not_its_subject(answerer, query) -> None:
    """The border-security card names the EU among the Common Platform's authors. Neither
    the organisations' names (nor their thesaurus concepts) nor words of their working
    together ('cooperation', 'relationship') make that mention the card's subject."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("osce in nato", "nato-osce-partnership"),
        ("nato and osc", "nato-osce-partnership"),  # a typo of a name is still the name
        ("the un and its partnership with the osce", "un-dppa-osce-partnership"),
    ],
)
def test_the_organisations_alone_still_ask_for_their_partnership(answerer, query, card) -> None:
    """Names and words of working together are background only beside a subject of the
    query's own: said alone, they ask for the partnership itself."""
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    "query",
    [
        "ohrid common platform eu",
        "did the eu join nato and the osce on balkan border security?",
        "stability pact for south-east europe",
    ],
)
def test_the_eu_with_the_cards_own_subject_still_gets_it(answerer, query) -> None:
    assert card_of(answerer, query) == "nato-osce-border-security"


@pytest.mark.parametrize(
    "query",
    [
        "which year did the cfe treaty come into force?",  # the card has no date
        "on what date was the vienna document agreed?",
        "how can I join the osce counter-terrorism network?",  # a procedure
        "where can I sign up for the osce counter terrorism newsletter?",
        "what is the osce mission in kosovo doing these days?",  # the present
        "what else did nato decide at the 2016 warsaw summit, apart from the osce?",  # beyond
        "when was the helsinki final act signed?",  # the principles' card has no date
        "what is the un charter's chapter vii?",  # the liaison card has Chapter VIII
        "how is the osce funded?",  # the organisation's own money
        "when did SFOR end?",  # the Bosnia card dates SFOR's work, not its end
        "when did the osce mission in kosovo close?",
    ],
)
def test_a_date_a_procedure_or_the_present_no_card_holds_gets_suggestions(answerer, query) -> None:
    """The arms-control card says what was agreed through the OSCE, not when; no card says
    how to join or subscribe to anything; the cards end where their sources do; "what
    else" sets aside the card on its subject; a Roman numeral no card has is a number no
    card has; the financing of terrorism is not the OSCE's own money; the Bosnia card
    dates what SFOR did, not when it ended."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    ("query", "card"),
    [
        (
            "what year did nato decide to step up cooperation with the osce",
            "nato-osce-warsaw-summit-liaison",
        ),
        ("in what year did the un open its liaison office in vienna", "un-liaison-office-vienna"),
        # "when" may ask for an occasion, which an undated card states ("when invited")
        ("when does the osce brief nato's political committee?", "nato-osce-political-dialogue"),
        # "how do" asked of the organisations, not "how do I"
        ("how do nato and the osce work together on small arms?", "nato-osce-salw"),
        (
            "what did nato decide at the 2016 warsaw summit on the osce?",
            "nato-osce-warsaw-summit-liaison",
        ),
        ("un charter chapter viii", "un-liaison-office-vienna"),
        ("terrorist financing", "nato-osce-action-against-terrorism-unit"),
        # a dated end: the mission's withdrawal
        ("when did the kosovo verification mission end?", "nato-osce-kosovo-verification-mission"),
    ],
)
def test_a_date_a_card_has_or_a_how_question_about_the_work_still_gets_the_card(
    answerer, query, card
) -> None:
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    "query",
    [
        "who was the un secretary-general in 2019?",  # a year the cards cover: not the present
        "what was the name of the UN Secretary-General who issued the 2019 joint statement",
        "Who is the director of the OSCE Conflict Prevention Centre?",
        "who was head of the osce kosovo verification mission in 1999?",  # "head" is an office
        "who was the chief of ifor",
    ],
)
def test_a_question_for_an_office_holder_no_card_names_gets_suggestions(answerer, query) -> None:
    """The joint-statement card names the Secretary-General's office, not who held it: a
    question for the person gets suggestions, whichever year it names."""
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    "query",
    [
        "when did the un boss and the osce chair put out their joint statement?",
        "When did the head of the global body and the chair of the European security group"
        " issue a shared statement?",
    ],
)
def test_office_holders_in_a_question_for_an_events_date_get_the_events_card(
    answerer, query
) -> None:
    """Asking when the office-holders did something asks for an event of the sources,
    not for who holds the office now."""
    assert card_of(answerer, query) == "un-joint-statement-2019"


@pytest.mark.parametrize(
    "query",
    [
        "what does the osce chief do?",  # no date asked: the office itself
        "can the osce chief be removed?",
        "when was the osce chief appointed?",  # a date, but of the holder's tenure
        "what year did the osce leader change?",
        "when did the nato boss take office?",
    ],
)
def test_an_office_outside_a_question_for_an_events_date_gets_suggestions(answerer, query) -> None:
    assert suggested_only(answerer, query)


def test_a_card_that_names_the_office_holder_answers_who_held_it() -> None:
    """The rule asks whether the card names a person by office, not whether a question
    says "who"; here the card names him, so it is the answer."""
    source = Source("s", "Doc", "Pub", "https://example.org/doc")
    cards = (
        Card("a", "Joint statement", "Secretary-General Ban Ki-moon and the chair signed it.",
             "s", "x", ("osce",), (), ()),
        Card("b", "Small arms", "Stockpiles of small arms.", "s", "x", ("osce",), (), ()),
    )  # fmt: skip
    matcher = Matcher(Corpus(cards, {"s": source}))
    assert matcher.match("who was the secretary-general of the joint statement").card.id == "a"
    cards = (replace(cards[0], summary="The Secretary-General and the chair signed it."), cards[1])
    matcher = Matcher(Corpus(cards, {"s": source}))
    assert matcher.match("who was the secretary-general of the joint statement").card is None
    assert matcher.match("the secretary-general's joint statement").card.id == "a"


@pytest.mark.parametrize(
    ("query", "card"),
    [
        # the card gives the count ("five")
        (
            "how many balkan countries signed up to the ohrid common platform?",
            "nato-osce-border-security",
        ),
        ("number of countries in the ohrid border platform", "nato-osce-border-security"),
        # a person named, but the question is what was done
        ("Who was monitoring the ceasefire in Kosovo?", "nato-osce-kosovo-verification-mission"),
        # a name and the people of the card's subject: not a question about a person
        ("who were the kosovo verifiers", "nato-osce-kosovo-verification-mission"),
        # money the card is about (the financing of terrorism)
        (
            "how do nato and the osce cut off money for terrorists?",
            "nato-osce-action-against-terrorism-unit",
        ),
    ],
)
def test_a_count_a_card_states_or_a_deed_still_gets_the_card(answerer, query, card) -> None:
    assert card_of(answerer, query) == card


@pytest.mark.parametrize(
    ("typed", "card_word", "read"),
    [
        ("engagments", "engagements", True),  # a letter left out
        ("engagemants", "engagements", True),  # a letter wrong
        ("enlargement", "engagements", False),  # another word: four letters apart
        ("cooperaton", "cooperation", True),
    ],
)
def test_a_typo_is_one_letter_or_so_off_not_another_word(corpus, typed, card_word, read) -> None:
    """A word is read as a card's word it resembles only as closely as a typo does: one
    letter wrong in six (rapidfuzz ratio 83), not two in ten (80)."""
    assert (card_word in Matcher(corpus, meaning=False).expand(typed)) is read


def test_a_word_like_a_card_word_gives_no_confident_card(answerer) -> None:
    assert answerer.answer("nato enlargement to the east").card is None


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("how does nato work with the osce on arms control?", "nato-osce-arms-control"),
        ("do nato and the osce cooperate on arms control?", "nato-osce-arms-control"),
        ("does nato work with the osce on border security?", "nato-osce-border-security"),
    ],
)
def test_working_with_is_how_the_organisations_relate_not_a_subject(answerer, query, card) -> None:
    """ "work with/on" says the two cooperate, as every card does; left as a word, "work"
    weighs what its rarest form does ("working") and pulls to the cards that say "OSCE
    work" (the small arms card, for arms control)."""
    assert card_of(answerer, query) == card


def test_a_cooperation_word_a_card_lacks_leaves_it_complete(answerer) -> None:
    """Cooperation is the cards' common ground: a card that has every word of the query
    but "cooperation" has all the query asks."""
    query = "border unit cooperation osce nato"
    assert card_of(answerer, query) == "nato-osce-action-against-terrorism-unit"


def test_in_general_says_how_broadly_to_answer_not_what_about(answerer) -> None:
    """ "in general" is not the "General" of a Secretary General's card."""
    answer = answerer.answer("in general what sort of stuff do nato and the osce cooperate on?")
    assert (answer.card or answer.suggestions[0]).id == "nato-osce-cooperation-areas"


def test_everyday_verbs_for_countering(answerer) -> None:
    query = "does nato help the osce in cutting off money to terrorists?"
    assert card_of(answerer, query) == "nato-osce-action-against-terrorism-unit"


def test_a_month_asked_needs_a_card_that_dates_one(answerer) -> None:
    """The Warsaw summit card dates it to 2016 only: asked for the month, it is offered,
    not asserted; the liaison office's opening is dated to October 2016."""
    assert suggested_only(answerer, "In which month of 2016 did NATO hold its Warsaw summit?")
    query = "in which month of 2016 did the un open its liaison office in vienna?"
    assert card_of(answerer, query) == "un-liaison-office-vienna"


def test_a_turnout_or_a_percentage_asks_for_a_number(answerer) -> None:
    """The Bosnia card says NATO secured the elections, not how many voted."""
    assert suggested_only(
        answerer, "what was the turnout in the bosnia elections nato helped secure?"
    )
    assert card_of(answerer, "nato support for bosnia elections") == "nato-osce-bosnia-support"


def test_a_day_asked_needs_a_card_that_dates_one(answerer) -> None:
    """The cards date events to a month at most: asked for the day, the card is offered
    with its month, not asserted; asked when, it answers."""
    assert suggested_only(answerer, "on what date did the ohrid border conference take place?")
    assert suggested_only(answerer, "what was the exact date of the un-osce joint statement?")
    query = "when did the ohrid border conference take place?"
    assert card_of(answerer, query) == "nato-osce-border-security"


def test_a_year_the_card_does_not_state_keeps_it_from_being_the_answer(answerer) -> None:
    """The political dialogue card names the OSCE Ministerial Council but no year of it:
    a question about one year's meeting is more than the card says."""
    assert suggested_only(answerer, "what did nato say at the 2022 osce ministerial council?")
    query = "what did nato say about the osce in its 2022 strategic concept?"
    assert card_of(answerer, query) == "nato-osce-strategic-concept-2022"
    # a decade is not a year to state ("the 1990s" is "1990", "s")
    query = "have nato and osce staff held talks since the 1990s?"
    assert card_of(answerer, query) == "nato-osce-staff-talks"


@pytest.mark.parametrize(
    "query",
    [
        # what became of an agreement later (renewed, extended, expired) is past the
        # sources, even asked with the year the agreement began
        "Has the 2014 UN-OSCE mediation support workplan been renewed?",
        "was the 1993 UN-OSCE framework ever extended?",
        # an author or a person as such: no card names one
        "who wrote nato's 2022 strategic concept?",
        "which person led the un liaison office when it opened?",
        # who signed: no card says the framework or the Vienna Document was signed
        "Who signed the 1993 Framework for Cooperation and Coordination on the UN side?",
        "who were the signatories of the vienna document?",
        # the holder of an office asked as "which <office>": no card names one
        "Which NATO Secretary General most recently met the OSCE Secretary General, and when?",
        "Who is NATO's liaison officer to the OSCE in Vienna?",  # the office, a few words on
        "who is nato's liaison to the osce in vienna?",  # the liaison: a person
        # a number asked as "numbers": no card gives troop or weapon numbers
        "KFOR troop numbers",
        "CFE Treaty limits on tanks and artillery numbers",
        # the day asked as "exact day": the card dates the opening to October 2016
        "On what exact day in October 2016 did the Vienna liaison office open its doors?",
        # who led or chaired something: a person, whom no card names
        "who commanded the kosovo verification mission in 1999?",
        "the inter-agency forums: who chairs them?",
        # contact details: no card states an address, a website or an e-mail
        "what's the website of the un liaison office in vienna",
        "e-mail of the osce action against terrorism unit",
        # what a text says, of a card that only names it: its alias, not its title
        "what does chapter viii of the un charter actually say?",
        # who runs an office or a unit: a person, whom no card names
        "who runs the un liaison office in vienna?",
        "who manages the osce action against terrorism unit",
        # how often: the statement's card says it was issued once
        "how often does the un secretary-general meet the osce chair?",
        # the present, whatever year names the text
        "is the 1993 framework still in force?",
        # what the text says about a topic the card never mentions
        "what did the 2019 joint statement say about climate change?",
        "what did the 2019 joint statement say about mediation?",
        # how a text was received, criticised or suspended: no card says
        "what was the reaction to the 2019 joint statement?",
        "did the osce criticise nato's bombing of yugoslavia?",
        "was the dppa-osce partnership ever suspended?",
        "who proposed the nato-osce staff talks?",
        "was the joint statement legally binding?",
        "what was the un department of political affairs merged with?",
        # what a text allows, of a card that names it only in passing
        "what does chapter viii allow regional organisations to do?",
        # which resolution: the KFOR card says "a United Nations mandate", names none
        "which resolution created kfor?",
        # the officials who signed: the workplan's card names the bodies that signed it
        "name the people who signed the 2014 workplan",
        # what followed a thing's end: the Ohrid card names the former Stability Pact only
        "what happened to the stability pact for south eastern europe after it was dissolved?",
        # in which years: the card on NATO's help with the Bosnian elections dates none
        "which bosnian elections did nato help secure, and in which years?",
        # what a resolution authorised, of a card that only dates its adoption
        "what did unscr 1031 authorise?",
        # ... or a topic no card has at all
        "what does unscr 1244 say about kosovo's independence?",
        # which countries: the one country the card names is the query's own
        "which countries sent monitors to the kosovo verification mission?",
        # a judgement of how well it went, which the card does not give
        "was the kosovo verification mission a failure?",
        "how effective has the staff talks format been?",
        # a country no card names, in lower case as much as capitalised
        "did russia pull out of the cfe treaty?",
        "what has nato done with the osce in ukraine on arms control?",
        # what came before or after a text, whether it was kept, who opposed it and what
        # a meeting concluded: no card on these says, even asked with their years
        "what did the 1993 framework replace?",
        "was the vienna document ever violated?",
        "which osce participating states opposed modernising the vienna document?",
        "what did the green defence workshop conclude?",
        "what were the findings of the kosovo verification mission?",
        # how big: the workplan's card names the Conflict Prevention Centre, not its size
        "how big is the osce conflict prevention centre?",
        "what size is the un liaison office?",
        # what followed from a thing, how a resolution was voted, who took part, who
        # founded a body, how long one meeting lasts, who holds an office asked in keywords,
        # which text is better, who left a treaty: no card on these says
        "what were the consequences of the kosovo verification mission withdrawal?",
        "was unscr 1244 adopted unanimously?",
        "which experts took part in the un-osce staff exchanges under the 2014 workplan?",
        "who founded the osce action against terrorism unit?",
        "how long do the nato-osce staff talks last?",
        "atu director",
        "is the vienna document better than the cfe treaty?",
        "who pulled out of the cfe treaty?",
        # "where" with a verb of place, anywhere in the sentence: the card names no venue
        "tell me where the osce climate change conference was held in 2023",
        # the month of another event than the one the card dates to the month
        "in what month did ifor hand over to sfor?",
        # the language of a meeting, and what a person said: no card says either
        "which language is the vienna document written in?",
        "what languages does the osce counter-terrorism newsletter come in?",
        "what did the osce chairperson say when meeting nato's secretary general?",
        "any quotes from nato's secretary general on the osce ministerial council?",
        # what became of a mission after it left, and why something came when it did
        "what became of the kvm monitors after they left kosovo?",
        "why did it take the un until 2016 to open its vienna office?",
        "why was the 2023 trafficking policy update so late?",
    ],
)
def test_what_no_card_states_is_offered_not_asserted(answerer, query) -> None:
    """The card on the subject is a "did you mean", not the answer."""
    assert suggested_only(answerer, query)


def test_what_asked_of_an_office_holders_deed_is_still_answered(answerer) -> None:
    """'which' before an office asks for its holder; 'what did the SG ...' asks what
    the holders did, which the card states."""
    query = "what did the SG and the OSCE CiO sign in dec 2019?"
    assert card_of(answerer, query) == "un-joint-statement-2019"


def test_who_after_a_word_for_a_person_names_an_office_and_does_not_ask(answerer) -> None:
    """'the one who chairs the osce' is the Chairperson-in-Office, whom the card names."""
    query = "does nato's secretary general meet the one who chairs the osce each year?"
    assert card_of(answerer, query) == "nato-osce-political-dialogue"


def test_an_update_the_card_states_is_still_answered(answerer) -> None:
    query = "When did NATO first adopt a policy on trafficking, and has it been updated since?"
    assert card_of(answerer, query) == "nato-thb-policy"


def test_who_signed_is_answered_by_a_card_that_says_who_signed(answerer) -> None:
    """Countries and bodies sign too: a card stating a signing answers "who signed"."""
    query = "who signed the un protocol on trafficking in persons?"  # all NATO Allies did
    assert card_of(answerer, query) == "nato-thb-policy"
    query = "who signed the 2014 joint workplan?"  # DPPA's division and the OSCE's centre
    assert card_of(answerer, query) == "un-mediation-support-workplan-2014"
    query = "when was the 1993 framework signed?"  # a date, which the card states
    assert card_of(answerer, query) == "un-framework-1993"


def test_common_verbs_and_adjectives_no_card_has_are_not_unknown_subjects(answerer) -> None:
    """ "use", "whole", "told", "formal": words of any sentence, not names of something no
    card has (`STOP_WORDS`); "told" is not a typo of "old"."""
    assert card_of(answerer, "which resolution is the whole wps agenda built on?") == (
        "nato-osce-wps-cooperation"
    )


def test_a_verb_in_a_cards_question_is_not_the_noun_asked_about(answerer) -> None:
    """'the original deal' (the 1993 framework) once got the DPPA card, whose alternate
    question said the department 'deals with' politics."""
    assert card_of(answerer, "how old is the original deal between the un and the osce?") is None


def test_words_and_meaning_both_first_answer_a_query_of_known_words(answerer) -> None:
    """Each tier finds the Vienna Document card first, neither clearly: together they
    answer (`_agreed`, asking no lead of either in a query of known words)."""
    query = "does nato back more openness about armies and weapons through europe's security club?"
    assert card_of(answerer, query) == "nato-osce-vienna-document"


def test_both_first_with_a_word_no_card_has_stays_a_suggestion(answerer) -> None:
    """Both tiers put the Kosovo Verification Mission card first; "ukraine", on no card,
    says the question is about another mission."""
    query = "why did the osce special monitoring mission in ukraine close?"
    assert suggested_only(answerer, query)


def test_a_function_word_no_card_has_is_not_an_unknown_subject(answerer) -> None:
    """ "well" in "worked well" is a word of any sentence (`STOP_WORDS`), not a subject no
    card has."""
    query = "where has the teamwork between nato and the osce on the ground worked well?"
    assert card_of(answerer, query) == "nato-osce-field-cooperation"


@pytest.mark.parametrize(
    ("query", "card"),
    [
        # the text named is the card's title, in everyday words too
        (
            "what does nato's newest strategy document say about the osce",
            "nato-osce-strategic-concept-2022",
        ),
        ("what did the 2019 joint statement say about human rights?", "un-joint-statement-2019"),
        # a typo of the topic is still the card's word
        (
            "what does the strategic concept say about the osec?",
            "nato-osce-strategic-concept-2022",
        ),
        # a judgement the card gives ("cited as successful examples")
        (
            "where has nato-osce field cooperation been most successful?",
            "nato-osce-field-cooperation",
        ),
        # how often: the staff talks are annual
        ("how often are nato/osce staff talks", "nato-osce-staff-talks"),
        # which resolution, of a card that names it ("UNSCR 1244")
        ("which UNSC res set up the osce kosovo mission", "nato-osce-mission-in-kosovo"),
        # the officials by their offices: "the UN Secretary-General and the OSCE CiO"
        ("which officials signed the 2019 joint statement?", "un-joint-statement-2019"),
        # after the war ended: a time, not what followed the end of what is asked about
        (
            "what did nato and the osce set up in bosnia after the war ended?",
            "nato-osce-bosnia-joint-action-programme",
        ),
        # the liaison office is a body, not a person asked for
        ("who is the liaison office in vienna for?", "un-liaison-office-vienna"),
        # how big, by a card's own comparison: "the OSCE's largest field operation"
        ("how big is the osce mission in kosovo?", "nato-osce-mission-in-kosovo"),
        # what replaced a force: "IFOR ... and its successor SFOR"
        ("what was ifor's successor?", "nato-osce-bosnia-joint-action-programme"),
        ("which force replaced ifor?", "nato-osce-bosnia-joint-action-programme"),
        # a force is run by an organisation, which the card names
        (
            "who runs the peacekeeping troops in kosovo and do they talk to the osce?",
            "nato-osce-kfor",
        ),
        # the organisations, or both of them, say it: no text is asked for
        ("what does nato say about the osce's role in arms control?", "nato-osce-arms-control"),
        # a start and an end on the card say how long; "opened" says how it came about;
        # "forced to withdraw" says who pulled out; the month of the event asked
        (
            "how long did the kosovo verification mission last?",
            "nato-osce-kosovo-verification-mission",
        ),
        ("who set up the un liaison office in vienna?", "un-liaison-office-vienna"),
        (
            "why did the kosovo verification mission have to pull out?",
            "nato-osce-kosovo-verification-mission",
        ),
        ("what month was unscr 1031 adopted?", "nato-osce-bosnia-joint-action-programme"),
        (
            "what do nato and the osce both say is needed for crisis management?",
            "nato-osce-crisis-management",
        ),
        # what office-holders said in a statement the card is about; a text called "one"
        (
            "what did the un secretary-general and the osce chair say in their joint statement?",
            "un-joint-statement-2019",
        ),
        (
            "what does nato's newest strategy paper, the 2022 one, say about the osce?",
            "nato-osce-strategic-concept-2022",
        ),
        # a contact word saying what kind of thing another is, not asking for a contact
        (
            "is there an osce e-mail bulletin on counter-terrorism training that nato writes for?",
            "nato-osce-counter-terrorism-training-newsletter",
        ),
        # what contractions leave ("i'm": "i m") is not a word no card has
        ("I'm writing a note: when did the staff talks start?", "nato-osce-staff-talks"),
    ],
)
def test_what_a_card_states_of_a_text_or_a_judgement_is_answered(answerer, query, card) -> None:
    assert card_of(answerer, query) == card


def test_the_country_list_is_one_word_names_without_the_cards_own(corpus) -> None:
    """The list is data (CLDR); a country a card names is a word the cards know and is
    never read as another place."""
    assert {"russia", "ukraine", "moldova", "turkiye"} <= matcher_module.COUNTRY_NAMES
    assert not any(" " in name for name in matcher_module.COUNTRY_NAMES)
    assert card_of(Answerer(corpus), "kosovo verification mission") == (
        "nato-osce-kosovo-verification-mission"
    )


def test_address_as_a_verb_asks_what_is_done_not_for_contact_details(answerer) -> None:
    query = "how does nato address trafficking in human beings?"
    assert card_of(answerer, query) == "nato-osce-thb-cooperation"


def test_next_that_moves_a_chat_on_does_not_ask_about_the_future(answerer) -> None:
    """'thanks! next: ...' opens the next question; 'the next council' asks past the
    sources."""
    query = "thanks! next: does the osce contribute to nato counter-terrorism training?"
    assert card_of(answerer, query) == "nato-osce-counter-terrorism-training-newsletter"
    assert suggested_only(answerer, "when is the next osce ministerial council?")


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("in kosovo in 98-99", "in kosovo in 1998-1999"),
        ("the 1998-99 mission", "the 1998-1999 mission"),
        ("'98-'99", "1998-1999"),
        ("10-12 people", "10-12 people"),  # not years
        ("2019-12", "2019-12"),  # the second is not after the first
    ],
)
def test_a_span_of_years_in_two_digits_is_read_as_years(text, said) -> None:
    assert say_dates(text) == said


def test_a_two_digit_span_of_years_finds_the_card_of_those_years(answerer) -> None:
    query = "while the osce had checkers on the ground in kosovo in 98-99 what was nato doing"
    assert card_of(answerer, query) == "nato-osce-kosovo-verification-mission"


@pytest.mark.parametrize(
    "query", ["who is the osce chief?", "osce chief", "is the un chief a woman?"]
)
def test_a_head_asked_for_as_such_is_past_the_cards(answerer, query) -> None:
    assert suggested_only(answerer, query)


@pytest.mark.parametrize(
    ("query", "card"),
    [
        # a head who does something in a question is not asked for ("who is the UN chief?")
        (
            "what chapter of the un charter is the un chief relying on to push regional partnerships?",
            "un-liaison-office-vienna",
        ),
        (
            "did the heads of the un and the osce put out a statement together?",
            "un-joint-statement-2019",
        ),
        # "next to" is a place, not the future
        (
            "what is the job of the liaison office the un set up next to the osce in vienna?",
            "un-liaison-office-vienna",
        ),
        ("does nato do demining on the ground next to the osce?", "nato-osce-field-cooperation"),
    ],
)
def test_words_that_only_look_past_the_sources_do_not_keep_the_card(answerer, query, card) -> None:
    assert card_of(answerer, query) == card
