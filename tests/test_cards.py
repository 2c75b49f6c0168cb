"""Card validation: every kind of bad card gives `file:line: message`, all at once."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cards import text_fragment
from bot.cards.checking import run_check
from bot.cards.loading import load_corpus
from bot.cards.thesaurus import folded, load_thesaurus
from bot.cards.validation import InvalidCards

SOURCES = """\
- file: doc.txt
  id: src
  title: "A document"
  publisher: "Someone"
  url: https://example.org/doc
  last_updated: 2023-07-31
"""

GOOD = """\
id: {id}
title: A good card about {id}
summary: >-
  A summary written in our own words about the thing, long enough to say something.
source: src
anchor: "the passage"
orgs: [osce, nato]
topics: [things]
aliases: [{id} alias]
dates:
  - {{date: "1999-06", event: "Something happened"}}
related: []
reviewed: 2026-11-23
"""


ROOT = Path(__file__).resolve().parent.parent


def _env(facts: Path) -> dict[str, str]:
    """Only what the command needs; PYTHONPATH so this checkout's code runs, wherever pip points."""
    return {"FACTS_DIR": str(facts), "PATH": "", "PYTHONPATH": str(ROOT)}


def write_facts(tmp_path: Path, cards: dict[str, str], sources: str = SOURCES) -> Path:
    facts = tmp_path / "facts"
    (facts / "cards").mkdir(parents=True)
    (facts / "sources.yaml").write_text(sources)
    for name, text in cards.items():
        (facts / "cards" / name).write_text(text)
    return facts


def problems_of(facts: Path) -> list[str]:
    with pytest.raises(InvalidCards) as exc:
        load_corpus(facts)
    return [str(p) for p in exc.value.problems]


def test_good_cards_load(tmp_path: Path) -> None:
    facts = write_facts(
        tmp_path, {"one.yaml": GOOD.format(id="one"), "two.yaml": GOOD.format(id="two")}
    )
    corpus = load_corpus(facts)
    assert [c.id for c in corpus.cards] == ["one", "two"]
    card = corpus.get("one")
    assert card is not None and card.dates[0].precision == "month"
    assert corpus.url_of(card) == "https://example.org/doc#:~:text=the%20passage"


BAD = {
    # name: (file text, expected line, words in the message)
    "malformed_yaml": ("id: x\ntitle: [unclosed\nsummary: s\n", 3, "malformed YAML"),
    "duplicate_key": (GOOD.format(id="dupkey") + "title: again\n", 14, "duplicate key 'title'"),
    "not_a_mapping": ("- just\n- a list\n", 1, "must be a YAML mapping"),
    "unknown_field": (
        GOOD.format(id="unknown-field") + "colour: blue\n",
        14,
        "unknown field 'colour'",
    ),
    "misspelt_field": (
        GOOD.format(id="misspelt-field").replace("summary:", "Sumary:"),
        3,
        "unknown field 'Sumary'; did you mean 'summary'?",
    ),
    "missing_field": (
        "\n".join(
            ln for ln in GOOD.format(id="missing-field").splitlines() if not ln.startswith("anchor")
        ),
        1,
        "missing field: anchor",
    ),
    "unknown_source": (
        GOOD.format(id="unknown-source").replace("source: src", "source: nowhere"),
        5,
        "unknown source 'nowhere'",
    ),
    "bad_date": (
        GOOD.format(id="bad-date").replace('"1999-06"', '"1999-02-30"'),
        11,
        "is not a real date",
    ),
    "bad_month": (
        GOOD.format(id="bad-month").replace('"1999-06"', '"1999-13"'),
        11,
        "is not a real date",
    ),
    "summary_too_long": (
        GOOD.format(id="long-summary").replace("A summary written", "word " * 70),
        3,
        "summary is",
    ),
    "related_nowhere": (
        GOOD.format(id="related-nowhere").replace("related: []", "related: [ghost]"),
        12,
        "related card 'ghost' does not exist",
    ),
    "bad_org": (
        GOOD.format(id="bad-org").replace("[osce, nato]", "[osce, eu]"),
        7,
        "unknown org 'eu'",
    ),
    "bad_slug": (GOOD.format(id="Bad_Slug"), 1, "lowercase slug"),
    "id_not_file_name": (GOOD.format(id="other-name"), 1, "differs from the file name"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
def test_each_bad_card_names_file_and_line(tmp_path: Path, kind: str) -> None:
    text, line, words = BAD[kind]
    name = {"id_not_file_name": "bad.yaml", "bad_slug": "Bad_Slug.yaml"}.get(kind, f"{kind}.yaml")
    if kind not in ("id_not_file_name", "bad_slug", "malformed_yaml", "not_a_mapping"):
        name = (
            text.split("\n", 1)[0].removeprefix("id: ") + ".yaml"
            if text.startswith("id: ")
            else name
        )
    facts = write_facts(tmp_path, {"good.yaml": GOOD.format(id="good"), name: text})
    problems = problems_of(facts)
    expected = f"cards/{name}:{line}: "
    assert any(expected in p and words in p for p in problems), problems


def test_duplicate_ids_and_shared_aliases(tmp_path: Path) -> None:
    twin = GOOD.format(id="one")
    other = GOOD.format(id="two").replace("[two alias]", "[One  Alias]")
    facts = write_facts(tmp_path, {"one.yaml": twin, "one.yml": twin, "two.yaml": other})
    problems = problems_of(facts)
    assert any("one.yml:1: duplicate id 'one' (also in" in p for p in problems), problems
    assert any("two.yaml:9: alias 'One  Alias' is also on card 'one'" in p for p in problems), (
        problems
    )


def test_bad_source_url(tmp_path: Path) -> None:
    facts = write_facts(
        tmp_path,
        {"one.yaml": GOOD.format(id="one")},
        SOURCES.replace("https://example.org/doc", "example dot org"),
    )
    problems = problems_of(facts)
    assert any("sources.yaml:5: bad URL" in p for p in problems), problems


def test_every_problem_reported_at_once(tmp_path: Path) -> None:
    facts = write_facts(
        tmp_path,
        {
            "a.yaml": BAD["bad_date"][0].replace("bad-date", "a"),
            "b.yaml": BAD["unknown_source"][0].replace("unknown-source", "b"),
            "c.yaml": "id: c\ntitle: [\n",
        },
    )
    problems = problems_of(facts)
    assert len(problems) >= 3
    assert {p.split(":", 1)[0].rsplit("/", 1)[-1] for p in problems} >= {
        "a.yaml",
        "b.yaml",
        "c.yaml",
    }


def test_check_command_exits_1_with_file_line(tmp_path: Path) -> None:
    facts = write_facts(
        tmp_path, {"one.yaml": GOOD.format(id="one").replace('"1999-06"', '"1999-00"')}
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env=_env(facts),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert "facts/cards/one.yaml:11: '1999-00' is not a real date" in run.stdout


def test_check_sources_reports_anchor_and_uncovered_paragraph(tmp_path: Path) -> None:
    facts = write_facts(
        tmp_path, {"one.yaml": GOOD.format(id="one").replace("the passage", "words not in it")}
    )
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "doc.txt").write_text(
        "Title\n\nThis first paragraph has the passage and more than eight words.\n\nA second paragraph that no card covers at all, sadly.\n"
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", "check", "--sources", str(seeds)],
        env=_env(facts),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    assert "facts/cards/one.yaml:6: 'words not in it' does not occur in doc.txt" in run.stdout
    assert "doc.txt:5: no card covers this paragraph" in run.stdout
    assert "0/2 paragraphs covered" in run.stdout


def test_text_fragment_encodes_fragment_syntax() -> None:
    assert (
        text_fragment("confidence- and security-building, A&B")
        == "confidence%2D%20and%20security%2Dbuilding%2C%20A%26B"
    )


def test_unparsable_card_does_not_make_its_relatives_report_it_missing(tmp_path: Path) -> None:
    friend = GOOD.format(id="friend").replace("related: []", "related: [broken]")
    facts = write_facts(tmp_path, {"friend.yaml": friend, "broken.yaml": "id: broken\ntitle: [\n"})
    problems = problems_of(facts)
    assert len(problems) == 1 and "broken.yaml:3: malformed YAML" in problems[0], problems


@pytest.mark.parametrize(
    "command", [["ask", "kfor"], ["today", "--date", "2026-10-01"], ["console"]]
)
def test_entry_points_refuse_invalid_cards_listing_every_problem(
    tmp_path: Path, command: list[str]
) -> None:
    facts = write_facts(
        tmp_path,
        {
            "one.yaml": BAD["bad_date"][0].replace("bad-date", "one"),
            "two.yaml": BAD["bad_org"][0].replace("bad-org", "two"),
        },
    )
    run = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        env=_env(facts),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        input="",
    )
    assert run.returncode == 1, run.stderr
    assert "cards/one.yaml:11:" in run.stderr and "cards/two.yaml:7:" in run.stderr
    assert "Traceback" not in run.stderr


def test_aliases_and_questions_collide_under_the_matchers_folding(tmp_path: Path) -> None:
    one = GOOD.format(id="one").replace("[one alias]", '["Priština"]')
    two = GOOD.format(id="two").replace("[two alias]", '["Pristina"]')
    three = GOOD.format(id="three") + (
        'questions: ["what about the one-alias?", "three three three", "a third question"]\n'
    )
    four = GOOD.format(id="four").replace("[four alias]", '["What about the one alias"]')
    facts = write_facts(
        tmp_path,
        {"one.yaml": one, "two.yaml": two, "three.yaml": three, "four.yaml": four},
    )
    problems = problems_of(facts)
    assert any(
        "two.yaml:9: alias 'Pristina' is also on card 'one' as alias 'Priština'" in p
        for p in problems
    ), problems
    assert any(
        "three.yaml:14: question 'what about the one-alias?' is also on card 'four'" in p
        for p in problems
    ), problems
    assert len(problems) == 2, problems


def test_drafts_are_validated_but_never_served(tmp_path: Path) -> None:
    draft = GOOD.format(id="draft").replace("[draft alias]", "[kestrel]") + "status: draft\n"
    friend = GOOD.format(id="friend").replace("related: []", "related: [draft]")
    facts = write_facts(tmp_path, {"draft.yaml": draft, "friend.yaml": friend})
    corpus = load_corpus(facts)
    assert [c.id for c in corpus.cards] == ["friend"]
    assert [c.id for c in corpus.drafts] == ["draft"]
    assert corpus.get("draft") is None
    friend_card = corpus.get("friend")
    assert friend_card is not None and friend_card.related == ()  # no link to an unserved card
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "kestrel"],
        env=_env(facts),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "A good card about draft" not in run.stdout
    # a draft's problems still stop `check` (and start-up): it will be published one day
    (facts / "cards" / "draft.yaml").write_text(draft.replace('"1999-06"', '"1999-02-30"'))
    assert any("draft.yaml:11: '1999-02-30' is not a real date" in p for p in problems_of(facts))


THESAURUS_BAD = """\
# a comment line
groups:
  - [things, stuff]
  - [lonely]
  - [alias, alias]
  - [co-operation, co operation]
  - [Vienna, wien]
  - [zebra, okapi]
  - not a list
places:
  - summary
  - Atlantis
  - summary
  - [a, list]
countries:
  - narnia
"""


def test_thesaurus_problems_name_their_line(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, {"one.yaml": GOOD.format(id="one")})
    (facts / "thesaurus.yaml").write_text(THESAURUS_BAD)
    run = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        env=_env(facts),
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    expected = [
        "facts/thesaurus.yaml:4: group 2 needs at least two different members",
        "facts/thesaurus.yaml:5: 'alias' repeats 'alias' (line 5) once folded; keep one",
        "facts/thesaurus.yaml:5: group 3 needs at least two different members",
        "facts/thesaurus.yaml:6: 'co operation' repeats 'co-operation' (line 6) once folded; keep one",
        "facts/thesaurus.yaml:6: group 4 needs at least two different members",
        "facts/thesaurus.yaml:7: 'Vienna' must be lower case",
        "facts/thesaurus.yaml:9: group 7 must be a list like [word, other word]",
        "facts/thesaurus.yaml:12: 'Atlantis' must be lower case",
        "facts/thesaurus.yaml:13: 'summary' is listed twice once folded; keep one",
        "facts/thesaurus.yaml:14: ['a', 'list'] must be a place name (quote it if need be)",
        "facts/thesaurus.yaml:7: no card uses any of Vienna, wien: the group can never match; drop it or add the word to a card",
        "facts/thesaurus.yaml:8: no card uses any of zebra, okapi: the group can never match; drop it or add the word to a card",
        "facts/thesaurus.yaml:12: no card names the place 'Atlantis': drop it or add it to a card",
        "facts/thesaurus.yaml:16: no card names the place 'narnia': drop it or add it to a card",
    ]
    assert lines == expected, run.stdout


def test_the_thesaurus_rides_on_the_corpus(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, {"one.yaml": GOOD.format(id="one")})
    (facts / "thesaurus.yaml").write_text("groups:\n  - [things, stuff, Ding-Dong]\n")
    with pytest.raises(InvalidCards, match="must be lower case"):
        load_corpus(facts)
    (facts / "thesaurus.yaml").write_text("groups:\n  - [things, stuff, ding-dong]\n")
    corpus = load_corpus(facts)
    assert corpus.thesaurus.groups == (("things", "stuff", "ding-dong"),)
    assert folded(corpus.thesaurus) == (("things", "stuff", "ding dong"),)
    assert load_thesaurus(facts) == corpus.thesaurus


def test_the_real_thesaurus_is_valid_and_used() -> None:
    corpus = load_corpus()
    assert len(corpus.thesaurus.groups) > 50
    assert all(len(g) >= 2 for g in corpus.thesaurus.groups)
    assert {"vienna", "ohrid", "western balkans"} <= set(corpus.thesaurus.places)
    assert {"north macedonia", "bosnia and herzegovina"} <= set(corpus.thesaurus.countries)


def test_places_must_be_a_list(tmp_path: Path) -> None:
    facts = write_facts(tmp_path, {"one.yaml": GOOD.format(id="one")})
    (facts / "thesaurus.yaml").write_text("groups:\n  - [things, stuff]\nplaces: vienna\n")
    with pytest.raises(InvalidCards, match=r"thesaurus.yaml:3: 'places' must be a list"):
        load_corpus(facts)


def test_stale_lists_cards_not_reviewed_in_days_at_their_reviewed_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = GOOD.format(id="old").replace("reviewed: 2026-11-23", "reviewed: 2026-01-10")
    fresh = GOOD.format(id="fresh")
    draft = old.replace("id: old", "id: draft").replace("[old alias]", "[draft alias]")
    facts = write_facts(
        tmp_path,
        {"old.yaml": old, "fresh.yaml": fresh, "draft.yaml": draft + "status: draft\n"},
    )
    today = dt.date(2026, 11, 30)
    assert run_check(facts, None, stale=180, today=today) == 1
    out = capsys.readouterr().out.splitlines()
    stale = [line for line in out if "last reviewed" in line]
    assert len(stale) == 1, out  # the fresh card is not stale, the draft is not served
    assert stale[0].endswith(
        "cards/old.yaml:13: last reviewed 2026-01-10, 324 days ago (limit 180): check the card against its source, then set reviewed to that day"
    )
    assert run_check(facts, None, stale=400, today=today) == 0
    assert "every card reviewed in the last 400 days" in capsys.readouterr().out
    assert run_check(facts, None, stale=180, today=dt.date(2026, 11, 1)) == 1
    assert "fresh.yaml:13: reviewed 2026-11-23 is after today (2026-11-01)" in (
        capsys.readouterr().out
    )


def test_check_stale_command_defaults_to_180_days(tmp_path: Path) -> None:
    old = GOOD.format(id="old").replace("reviewed: 2026-11-23", "reviewed: 2026-05-01")
    facts = write_facts(tmp_path, {"old.yaml": old})

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", "check", *args],
            env=_env(facts),
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )

    assert check("--stale", "--today", "2026-10-28").returncode == 0  # 180 days exactly
    late = check("--stale", "--today", "2026-10-29")
    assert late.returncode == 1
    assert "facts/cards/old.yaml:13: last reviewed 2026-05-01, 181 days ago (limit 180)" in (
        late.stdout
    )
    assert "1 card(s) not reviewed in 180 days" in late.stderr
    assert check("--today", "2026-10-29").returncode == 0  # without --stale, age is no error
    bad = check("--stale", "soon")
    assert bad.returncode == 2 and "not a number of days" in bad.stderr and "'soon'" in bad.stderr


def test_registry_paragraph_hashes_must_be_hashes(tmp_path: Path) -> None:
    sources = SOURCES + '  paragraphs: ["0123456789abcdef", 42]\n'
    facts = write_facts(tmp_path, {"one.yaml": GOOD.format(id="one")}, sources)
    problems = problems_of(facts)
    assert len(problems) == 1, problems
    assert "sources.yaml:7: paragraphs must be a list of 16-hex-digit hashes" in problems[0]
