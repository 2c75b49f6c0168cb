"""The query log against real SQLite and PostgreSQL: pruning, off, reactions, the keyed hash;
the insights built from it, and the patch of the cards' YAML."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.answers import Answerer
from bot.config import ConfigError, Settings
from bot.insights.patch import add_questions, patch, round_trip
from bot.insights.report import Proposal, build
from bot.services import Services
from bot.slack.blocks import HELPFUL_ACTION, NOT_ASKED_ACTION, Renderer
from bot.slack.reply import NO_UNFURL
from bot.state import QueryLog, Store
from bot.state.querylog import HELPFUL, NOT_ASKED, Logged, Reaction, logged_text
from handlers import commands
from tests.test_handlers import FakeClient, Recorder

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    try:
        yield s
    finally:
        s.close()


def entry(qid: str, day: dt.date = TODAY, kind: str = "card", card: str | None = "c") -> Logged:
    return Logged(qid, day, "command", kind, card, 0.9, f"query {qid}")


def counts(store: Store) -> tuple[int, int]:
    with store.engine.connect() as conn:
        return (
            conn.execute(text("SELECT COUNT(*) FROM osce_queries")).scalar_one(),
            conn.execute(text("SELECT COUNT(*) FROM osce_feedback")).scalar_one(),
        )


def test_rows_older_than_query_log_days_are_pruned(store: Store) -> None:
    log = QueryLog(store, days=90)
    old, kept = TODAY - dt.timedelta(days=90), TODAY - dt.timedelta(days=89)
    log.record(entry("old", old))
    log.record(entry("kept", kept))
    log.react("old", "U1", feedback=HELPFUL, day=old)
    log.react("kept", "U1", feedback=HELPFUL, day=kept)
    assert counts(store) == (2, 2)
    assert log.prune(TODAY) == 1
    assert counts(store) == (1, 1)
    assert log.query_of("kept") is not None and log.query_of("old") is None


def test_query_log_days_zero_records_nothing_and_drops_what_was_kept(store: Store) -> None:
    QueryLog(store, days=90).record(entry("before"))
    off = QueryLog(store, days=0)
    assert not off.enabled
    off.record(entry("q1"))
    off.react("before", "U1", feedback=HELPFUL)
    assert counts(store) == (1, 0)
    off.prune(TODAY)
    assert counts(store) == (0, 0)


def test_settings_read_query_log_days_and_refuse_nonsense() -> None:
    assert Settings.from_env({}).query_log_days == 90
    assert Settings.from_env({"QUERY_LOG_DAYS": "0"}).query_log_days == 0
    for bad in ("-1", "ninety", "1.5"):
        with pytest.raises(ConfigError, match="QUERY_LOG_DAYS"):
            Settings.from_env({"QUERY_LOG_DAYS": bad})
    settings = Settings.from_env({"QUERY_LOG_KEY": "k3y-s3cr3t"})
    assert settings.query_log_key == "k3y-s3cr3t" and "k3y" not in repr(settings)


def test_a_reaction_keeps_feedback_and_choice_and_a_later_click_updates_it(store: Store) -> None:
    log = QueryLog(store, days=90)
    log.record(entry("q1"))
    log.react("q1", "U1", feedback=NOT_ASKED)
    log.react("q1", "U1", chosen="other")
    log.react("q1", "U2", feedback=HELPFUL)
    log.react("q1", "U2", feedback=NOT_ASKED)  # changed their mind
    _, reactions = log.window(7, TODAY + dt.timedelta(days=1))
    assert sorted(((r.feedback, r.chosen) for r in reactions), key=str) == [
        (NOT_ASKED, "other"),
        (NOT_ASKED, None),
    ]
    with pytest.raises(ValueError, match="feedback"):
        log.react("q1", "U1", feedback="love it")


def test_people_are_a_keyed_hash_never_the_id(store: Store, db_url: str) -> None:
    log = QueryLog(store, days=90)
    person = log.person("UQXANN1")
    assert person == log.person("UQXANN1") != log.person("UQXBEN2")
    assert "UQXANN1".lower() not in person and len(person) == 32
    # the random key is made once per database: another replica hashes the same way
    other = Store(db_url)
    try:
        assert QueryLog(other, days=90).person("UQXANN1") == person
    finally:
        other.close()
    # QUERY_LOG_KEY, kept outside the database, gives other values
    assert QueryLog(store, days=90, key="elsewhere").person("UQXANN1") != person


def test_queries_are_logged_as_the_matcher_reads_them() -> None:
    assert logged_text("<@U123> What about <!channel> Kosovo–Serbia?") == "what about kosovo serbia"
    assert len(logged_text("word " * 100)) <= 120


# ---- insights (pure) ---------------------------------------------------------------------


def _row(qid: str, query: str, kind: str = "none", card: str | None = None) -> Logged:
    return Logged(qid, TODAY, "command", kind, card, 0.0, query)


def test_a_proposal_needs_two_distinct_people_choosing_the_same_card(corpus) -> None:
    answerer = Answerer(corpus)
    rows = [_row("a", "serbian roads"), _row("b", "serbian roads"), _row("c", "serbian roads")]
    one_person = [
        Reaction("a", "p1", None, "nato-osce-kfor"),
        Reaction("b", "p1", None, "nato-osce-kfor"),
    ]
    assert build(answerer, rows, one_person).proposals == ()
    two = [*one_person, Reaction("c", "p2", None, "nato-osce-kfor")]
    insights = build(answerer, rows, two)
    assert insights.proposals == (Proposal("serbian roads", "nato-osce-kfor", 2),)
    assert insights.misses == (("serbian roads", 3),) and insights.missed == 3


def test_only_misses_and_not_what_i_asked_make_proposals(corpus) -> None:
    answerer = Answerer(corpus)
    rows = [
        _row("a", "cfe treaty", "card", "nato-osce-arms-control"),
        _row("b", "cfe treaty", "card", "nato-osce-arms-control"),
    ]
    opened = [  # related-card clicks after a good answer are not evidence
        Reaction("a", "p1", HELPFUL, "nato-osce-vienna-document"),
        Reaction("b", "p2", None, "nato-osce-vienna-document"),
    ]
    insights = build(answerer, rows, opened)
    assert insights.proposals == () and insights.disliked == ()
    disliked = [
        Reaction("a", "p1", NOT_ASKED, "nato-osce-vienna-document"),
        Reaction("b", "p2", NOT_ASKED, "nato-osce-vienna-document"),
    ]
    insights = build(answerer, rows, disliked)
    assert insights.proposals == (Proposal("cfe treaty", "nato-osce-vienna-document", 2),)
    assert insights.disliked == (("nato-osce-arms-control", 2),)
    assert "nato-osce-arms-control" not in insights.unused


def test_a_proposal_the_card_already_has_is_not_offered(corpus) -> None:
    card = next(c for c in corpus.cards if c.questions)
    question = card.questions[0]
    rows = [_row("a", question.upper()), _row("b", question)]
    reactions = [Reaction("a", "p1", None, card.id), Reaction("b", "p2", None, card.id)]
    assert build(Answerer(corpus), rows, reactions).proposals == ()


# ---- the patch ---------------------------------------------------------------------------


def test_round_trip_leaves_every_card_byte_for_byte(corpus) -> None:
    """So a patch holds only the added questions: comments, quotes and folds all survive."""
    import io

    yaml = round_trip()
    for card in corpus.cards:
        original = Path(card.path).read_text(encoding="utf-8")
        out = io.StringIO()
        yaml.dump(yaml.load(original), out)
        assert out.getvalue() == original, card.path


def test_questions_key_is_created_where_absent_keeping_comments() -> None:
    source = (
        "# a comment kept\nid: x\naliases: [\"a\", 'b']  # trailing\nsummary: >-\n"
        "  two folded\n  lines\ndates: []\n"
    )
    patched = add_questions(source, ["how does x work here"])
    assert patched == (
        "# a comment kept\nid: x\naliases: [\"a\", 'b']  # trailing\n"
        'questions:\n  - "how does x work here"\n'
        "summary: >-\n  two folded\n  lines\ndates: []\n"
    )


def test_patch_warns_when_a_card_would_break_the_schema(corpus, tmp_path: Path) -> None:
    full = next(c for c in corpus.cards if len(c.questions) == 6)
    proposals = [Proposal("a question long enough", full.id, 2), Proposal("kfor?", full.id, 3)]
    diff, warnings = patch(corpus, Path(full.path).parent.parent, proposals)
    assert diff.count('+  - "a question long enough"') == 1 and "kfor?" not in diff
    assert any("7 questions" in w for w in warnings)
    assert any("kfor?" in w and "alias" in w for w in warnings)
    assert f"a/facts/cards/{Path(full.path).name}" in diff


# ---- the listener never loses an answer to the log ----------------------------------------


async def test_a_failing_log_write_never_breaks_the_answer(corpus, tmp_path: Path, caplog) -> None:
    store = Store(f"sqlite:///{tmp_path / 'broken.sqlite3'}")
    try:
        with store.engine.begin() as conn:  # a real fault: the log's table is gone
            conn.execute(text("DROP TABLE osce_queries"))
        services = Services(Settings(), corpus, Answerer(corpus), store, QueryLog(store, days=90))
        from slack_bolt.context.async_context import AsyncBoltContext

        ctx = AsyncBoltContext()
        ctx["services"], ctx["renderer"] = services, Renderer(corpus)
        ack = Recorder()
        command = {"text": "kfor", "channel_id": "C1", "user_id": "U1"}
        await commands.on_osce(ack, command, Recorder(), FakeClient(), ctx)
        (call,) = ack.calls  # the answer rides in the ack, as the whole JSON body
        reply = json.loads(call["text"])
        assert "KFOR" in reply["text"]
        actions = [
            e["action_id"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
        ]
        assert HELPFUL_ACTION in actions and NOT_ASKED_ACTION in actions
        await services.writer.close()  # the row is written after the reply, with its batch
        assert "query log unavailable" in caplog.text
    finally:
        store.close()


# ---- the feedback buttons: a cached template, the query id filled in --------------------


def test_feedback_buttons_are_what_slack_sdk_builds_and_the_filled_json_is_exact(corpus) -> None:
    from slack_sdk.models.blocks import ActionsBlock, ButtonElement

    from bot.answers import Answer
    from bot.slack.blocks import feedback_block

    card = corpus.cards[0]
    expected = ActionsBlock(
        elements=[
            ButtonElement(text="Helpful", action_id=HELPFUL_ACTION, value=f"abc|{card.id}"),
            ButtonElement(
                text="Not what I asked", action_id=NOT_ASKED_ACTION, value=f"abc|{card.id}"
            ),
        ]
    ).to_dict()
    assert feedback_block("abc", card) == expected
    renderer = Renderer(corpus)
    for n, c in enumerate(corpus.cards):
        answer = Answer(c.id, "card", c)
        for reply in (
            renderer.ephemeral(answer, f"q{n:015d}"),
            renderer.reply(answer, f"q{n:015d}"),
        ):
            fresh = json.dumps(
                {
                    "response_type": "ephemeral",
                    "text": reply.text,
                    "blocks": reply.blocks,
                    **NO_UNFURL,
                }
            )
            assert json.loads(reply.ephemeral_json) == json.loads(fresh)
            assert f"q{n:015d}|{c.id}" in reply.ephemeral_json and "@@" not in reply.ephemeral_json
