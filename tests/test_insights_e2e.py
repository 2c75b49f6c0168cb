"""Issue 11 end to end: signed requests to a real `python -m bot serve` against the fake Slack,
then `python -m bot insights` over the same database, then its patch applied with `git apply`.

People: two users miss with the same words and both choose the same suggestion, a third
says a card was "Not what I asked" and picks another, a fourth finds a card helpful.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, inspect, select, text

from bot.slack.blocks import (
    HELPFUL_ACTION,
    NOT_ASKED_ACTION,
    OPEN_ACTION,
    PICK_ACTION,
    SHARE_ACTION,
    THANKS,
)
from bot.state.store import sqlalchemy_url
from tests.fakeslack import FakeSlack
from tests.slack_signing import (
    FORM,
    JSON,
    ROOT,
    Server,
    action_body,
    bot_env,
    event_body,
    slash_body,
)
from tests.test_app_http import ack_reply, button_ids, post, wait_posts, wait_response

pytestmark = pytest.mark.slow

# ids with letters that are not hex digits, so no HMAC (lower-case hex) can ever contain one
USERS = ("UQXANN1", "UQXBEN2", "UQXCAT3", "UQXDAN4", "UQXEVE5")
CHANNELS = ("CQXGEN1", "CQXMEN2")
MISS = "Kosovo deployment schedule?"
MISS_LOGGED = "kosovo deployment schedule"  # as the matcher reads it
CHOSEN = "nato-osce-kfor"


def run_bot(
    args: list[str], db: str, *, facts: Path | None = None, stdin: str | None = None, **env: str
) -> str:
    extra = {"DATABASE_URL": db, **env}
    if facts is not None:
        extra["FACTS_DIR"] = str(facts)
    proc = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=bot_env(**extra),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def reactions(db: str) -> tuple[int, int, int]:
    """(people's reactions, of them with a card chosen, with feedback) in the log."""
    engine = create_engine(sqlalchemy_url(db))
    try:
        with engine.connect() as conn:
            row = conn.execute(
                text("SELECT COUNT(*), COUNT(chosen), COUNT(feedback) FROM osce_feedback")
            ).one()
            return int(row[0]), int(row[1]), int(row[2])
    finally:
        engine.dispose()


def button(blocks: list[dict], prefix: str, value_end: str = "") -> tuple[str, str]:
    found = [
        (a, v) for a, v in button_ids(blocks) if a.startswith(prefix) and v.endswith(value_end)
    ]
    assert found, (prefix, value_end, button_ids(blocks))
    return found[0]


def _make_room_for_a_question(path: Path) -> None:
    """Drop a card's last question when it has the most a card may have (6), as a curator
    would before applying a proposal (`insights --patch` warns when a card would exceed it)."""
    lines = path.read_text().splitlines(keepends=True)
    end = lines.index("questions:\n") + 1
    first = end
    while end < len(lines) and lines[end].startswith("  - "):
        end += 1
    if end - first >= 6:
        del lines[end - 1]
        path.write_text("".join(lines))


@pytest.fixture
def served(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[Server, FakeSlack, str]]:
    db = f"sqlite:///{tmp_path / 'learn.sqlite3'}"
    srv = Server(fake_slack.url, db, tmp_path / "learn.log").start()
    yield srv, fake_slack, db
    assert srv.stop() == 0, srv.logs()


async def click(
    server: Server, fake: FakeSlack, name: str, action: tuple[str, str], user: str, **kw: object
) -> dict:
    body = action_body(
        action[0],
        action[1],
        response_url=fake.response_url(name),
        user_id=user,
        channel_id=CHANNELS[0],
        **kw,  # type: ignore[arg-type]
    )
    assert (await post(server.url, body, FORM))[0] == 200
    (reply,) = await asyncio.to_thread(wait_response, fake, name)
    return reply.params


async def ask(server: Server, fake: FakeSlack, name: str, query: str, user: str) -> dict:
    body = slash_body(query, fake.response_url(name), user_id=user, channel_id=CHANNELS[0])
    status, answer, _ = await post(server.url, body, FORM)
    return ack_reply(status, answer)  # a slash command's answer rides in the ack


async def test_feedback_and_choices_become_insights_and_a_patch(served, tmp_path: Path) -> None:
    server, fake, db = served
    ann, ben, cat, dan, eve = USERS

    # 1. two people miss with the same words and both choose the same suggestion
    for n, user in enumerate((ann, ben)):
        miss = await ask(server, fake, f"miss{n}", MISS, user)
        suggestion = button(miss["blocks"], OPEN_ACTION, "|" + CHOSEN)
        assert MISS not in suggestion[1] and MISS_LOGGED not in suggestion[1]  # id, not words
        opened = await click(server, fake, f"open{n}", suggestion, user)
        assert CHOSEN.split("-")[-1].upper() in opened["text"]
    await ask(server, fake, "miss2", "who pays for the blue helmets", ann)  # a miss, no choice

    # 2. "Not what I asked" on a card: only that person gets the alternatives, then picks one
    card = await ask(server, fake, "card0", "kfor", cat)
    assert (SHARE_ACTION, CHOSEN) in button_ids(card["blocks"])
    alternatives = await click(
        server, fake, "notasked", button(card["blocks"], NOT_ASKED_ACTION), cat
    )
    assert alternatives["response_type"] == "ephemeral"
    assert alternatives["replace_original"] is False  # the card stays; nothing else changes
    labels = [b for b in button_ids(alternatives["blocks"]) if b[0].startswith(PICK_ACTION)]
    assert labels[-1][0] == f"{PICK_ACTION}:none" and len(labels) >= 2
    picked = await click(server, fake, "pick", labels[0], cat)
    assert picked["replace_original"] is True  # the ephemeral list becomes the chosen card

    # 3. "Helpful" on a card answered in a thread (a visible reply): thanks only to the clicker
    mention = {
        "type": "app_mention",
        "user": dan,
        "text": "<@UBOT> cfe treaty",
        "ts": "1700000000.000100",
        "channel": CHANNELS[1],
        "event_ts": "1700000000.000100",
    }
    assert (await post(server.url, event_body(mention, event_id="EvQX1"), JSON))[0] == 200
    (threaded,) = await asyncio.to_thread(wait_posts, fake, CHANNELS[1])
    helpful = button(threaded.params["blocks"], HELPFUL_ACTION)
    thanks = await click(server, fake, "helpful", helpful, eve, ephemeral=False)
    assert thanks["text"] == THANKS and thanks["response_type"] == "ephemeral"
    assert thanks["replace_original"] is False
    assert len(fake.calls_to("chat.postMessage")) == 1  # nothing new visible to others

    # the log is written after each reply; wait for the last reaction to land. Four people
    # reacted: ann and ben chose, cat said "not what I asked" and chose, eve found it helpful
    expected = (4, 3, 2)
    deadline = time.monotonic() + 10
    while reactions(db) != expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert reactions(db) == expected

    # 4. what the curator reads
    report = json.loads(await asyncio.to_thread(run_bot, ["insights", "--json"], db))
    assert {"query": MISS_LOGGED, "count": 2} in report["misses"]
    assert {"query": "who pays for the blue helmets", "count": 1} in report["misses"]
    assert report["proposals"] == [{"query": MISS_LOGGED, "card": CHOSEN, "evidence": 2}]
    assert report["disliked"] == [{"card": CHOSEN, "count": 1}]
    assert report["missed"] == 3 and report["answered"] == 2
    assert CHOSEN not in report["unused"] and "nato-osce-arms-control" not in report["unused"]

    # 5. the patch applies to a copy of facts/ and the card then carries the question
    facts = tmp_path / "facts"
    shutil.copytree(ROOT / "facts", facts)
    _make_room_for_a_question(facts / "cards" / f"{CHOSEN}.yaml")
    diff = await asyncio.to_thread(run_bot, ["insights", "--patch"], db, facts=facts)
    added = [ln for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    removed = [ln for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    assert added == [f'+  - "{MISS_LOGGED}"'] and removed == []
    (tmp_path / "proposals.diff").write_text(diff)
    subprocess.run(["git", "apply", "proposals.diff"], cwd=tmp_path, check=True, timeout=30)
    patched = yaml.safe_load((facts / "cards" / f"{CHOSEN}.yaml").read_text())
    assert patched["questions"][-1] == MISS_LOGGED
    await asyncio.to_thread(run_bot, ["check"], db, facts=facts)  # still valid cards
    asked = json.loads(
        await asyncio.to_thread(run_bot, ["ask", "--json"], db, facts=facts, stdin=MISS + "\n")
    )
    assert asked["query"] == MISS
    # the matcher reads a card's `questions:` as phrases: the patched card now answers it
    assert asked["kind"] == "card" and asked["card"]["id"] == CHOSEN
    # applied, the proposal is not offered again
    again = await asyncio.to_thread(run_bot, ["insights", "--patch"], db, facts=facts)
    assert again == ""

    # 6. no user or channel id anywhere in the database
    engine = create_engine(sqlalchemy_url(db))
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            assert {"osce_queries", "osce_feedback"} <= set(tables)
            dump = json.dumps(
                [
                    [
                        list(map(str, row))
                        for row in conn.execute(select(text("*")).select_from(text(t)))
                    ]
                    for t in tables
                ]
            )
    finally:
        engine.dispose()
    assert MISS_LOGGED in dump  # the scan does read the rows
    for secret in (*USERS, *CHANNELS, "UBOT"):
        assert secret not in dump and secret.lower() not in dump.lower()


async def test_query_log_days_zero_logs_nothing_and_shows_no_feedback(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'off.sqlite3'}"
    srv = Server(
        fake_slack.url, db, tmp_path / "off.log", extra_env={"QUERY_LOG_DAYS": "0"}
    ).start()
    try:
        card = await ask(srv, fake_slack, "off0", "kfor", USERS[0])
        assert not [b for b in button_ids(card["blocks"]) if b[0].startswith("feedback")]
        miss = await ask(srv, fake_slack, "off1", MISS, USERS[0])
        suggestion = button(miss["blocks"], OPEN_ACTION, CHOSEN)
        assert suggestion[1] == CHOSEN  # no query id to carry
        await click(srv, fake_slack, "off2", suggestion, USERS[0])
    finally:
        assert srv.stop() == 0
    engine = create_engine(sqlalchemy_url(db))
    try:
        with engine.connect() as conn:
            for table in ("osce_queries", "osce_feedback"):
                assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0
    finally:
        engine.dispose()
