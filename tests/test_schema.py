"""The JSON Schema editors use agrees with the loader: real cards pass it, bad ones fail it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.cards.loading import DEFAULT_FACTS, load_corpus
from bot.cards.validation import InvalidCards
from bot.cards.yaml_lines import line_of, parse

SCHEMA = json.loads((DEFAULT_FACTS / "card.schema.json").read_text())
CARDS = sorted((DEFAULT_FACTS / "cards").glob("*.yaml"))


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", CARDS, ids=lambda p: p.stem)
def test_every_card_validates_against_the_schema(path: Path) -> None:
    doc, _ = parse(path.read_text())
    jsonschema.validate(doc, SCHEMA)


@pytest.mark.parametrize(
    ("change", "value"),
    [
        ("summary", "x" * 301),
        ("orgs", ["eu"]),
        ("id", "Not A Slug"),
        ("colour", "blue"),
        ("dates", [{"date": "1999-13", "event": "bad month"}]),
    ],
)
def test_schema_rejects_what_the_loader_rejects(change: str, value: object) -> None:
    doc, _ = parse(CARDS[0].read_text())
    doc[change] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)


# ---- the loader and the schema agree, in both directions -------------------------------

BASE = {
    "id": "probe",
    "title": "A probe card about the partnership",
    "summary": "A summary written in our own words, long enough to say something.",
    "source": "nato-osce",
    "reviewed": "2026-11-23",
    "anchor": "an important partner for NATO",
    "orgs": ["osce", "nato"],
    "topics": ["partnership"],
    "aliases": ["probe alias"],
    "questions": ["what is the probe about?", "tell me about the probe", "probe partnership"],
    "dates": [{"date": "1999-06", "event": "Something happened"}],
    "related": [],
}


def _with(path: tuple, value: object) -> dict:
    """BASE with the value at `path` replaced (or removed, for value=DROP)."""
    doc = json.loads(json.dumps(BASE))
    *parents, last = path
    target = doc
    for step in parents:
        target = target[step]
    if value is DROP:
        del target[last]
    else:
        target[last] = value
    return doc


DROP = object()

# name: (path changed, new value, path the loader must point at)
SCHEMA_BAD = {
    "two_char_title": (("title",), "ab", ("title",)),
    "five_char_summary": (("summary",), "short", ("summary",)),
    "summary_301": (("summary",), "x" * 301, ("summary",)),
    "duplicate_orgs": (("orgs",), ["osce", "osce"], ("orgs", 1)),
    "unknown_org": (("orgs",), ["osce", "eu"], ("orgs", 1)),
    "no_orgs": (("orgs",), [], ("orgs",)),
    "integer_date": (("dates", 0, "date"), 1999, ("dates", 0, "date")),
    "month_13": (("dates", 0, "date"), "1999-13", ("dates", 0, "date")),
    "date_without_event": (("dates", 0, "event"), DROP, ("dates", 0)),
    "date_extra_field": (("dates", 0, "where"), "Vienna", ("dates", 0, "where")),
    "missing_reviewed": (("reviewed",), DROP, ()),
    "reviewed_month_only": (("reviewed",), "2026-11", ("reviewed",)),
    "reviewed_integer": (("reviewed",), 2026, ("reviewed",)),
    "status_unknown": (("status",), "archived", ("status",)),
    "owner_empty": (("owner",), "", ("owner",)),
    "two_questions": (("questions",), ["what is the probe?", "the probe please"], ("questions",)),
    "seven_questions": (("questions",), [f"question number {i}" for i in range(7)], ("questions",)),
    "short_question": (("questions", 0), "probe?", ("questions", 0)),
    "repeated_question": (("questions", 2), "what is the probe about?", ("questions", 2)),
    "unknown_field": (("colour",), "blue", ("colour",)),
    "id_not_slug": (("id",), "Not A Slug", ("id",)),
    "alias_not_string": (("aliases", 0), 1325, ("aliases", 0)),
    "topics_empty": (("topics",), [], ("topics",)),
    "long_anchor": (("anchor",), "word " * 30, ("anchor",)),
}

SCHEMA_GOOD = {
    "three_char_title": (("title",), "KVM"),
    "twenty_char_summary": (("summary",), "x" * 20),
    "year_only_date": (("dates", 0, "date"), "1999"),
    "draft": (("status",), "draft"),
    "published": (("status",), "published"),
    "owner": (("owner",), "curators"),
    "no_questions": (("questions",), DROP),
    "six_questions": (("questions",), [f"question number {i}" for i in range(6)]),
}

# what only Python can say: the schema accepts these, the loader must not
PYTHON_ONLY_BAD = {
    "february_30": (("dates", 0, "date"), "1999-02-30", ("dates", 0, "date")),
    "reviewed_february_30": (("reviewed",), "2026-02-30", ("reviewed",)),
    "unknown_source": (("source",), "nowhere", ("source",)),
    "related_missing": (("related",), ["ghost"], ("related", 0)),
    "related_to_itself": (("related",), ["probe"], ("related", 0)),
}


def _load_problems(tmp_path: Path, doc: dict) -> tuple[list[str], dict]:
    """Write `doc` as the only card of a facts folder; the loader's problems and line map."""
    facts = tmp_path / "facts"
    (facts / "cards").mkdir(parents=True)
    (facts / "sources.yaml").write_text((DEFAULT_FACTS / "sources.yaml").read_text())
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    (facts / "cards" / "probe.yaml").write_text(text)
    _, lines = parse(text)
    try:
        load_corpus(facts)
    except InvalidCards as exc:
        return [str(p) for p in exc.problems], lines
    return [], lines


@pytest.mark.parametrize("name", sorted(SCHEMA_BAD))
def test_schema_and_loader_both_reject(tmp_path: Path, name: str) -> None:
    path, value, where = SCHEMA_BAD[name]
    doc = _with(path, value)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, SCHEMA)
    problems, lines = _load_problems(tmp_path, doc)
    line = line_of(lines, where)
    assert any(f"probe.yaml:{line}: " in p for p in problems), (line, problems)
    assert all("probe.yaml:" in p for p in problems), problems
    # one mistake, one message (a bad slug also no longer matches the file name)
    assert len(problems) == (2 if name == "id_not_slug" else 1), problems


@pytest.mark.parametrize("name", sorted(SCHEMA_GOOD))
def test_schema_and_loader_both_accept(tmp_path: Path, name: str) -> None:
    path, value = SCHEMA_GOOD[name]
    doc = _with(path, value)
    jsonschema.validate(doc, SCHEMA)
    assert _load_problems(tmp_path, doc)[0] == []


@pytest.mark.parametrize("name", sorted(PYTHON_ONLY_BAD))
def test_what_the_schema_cannot_say_the_loader_still_rejects(tmp_path: Path, name: str) -> None:
    path, value, where = PYTHON_ONLY_BAD[name]
    doc = _with(path, value)
    jsonschema.validate(doc, SCHEMA)  # the schema has no calendar and no other files
    problems, lines = _load_problems(tmp_path, doc)
    assert len(problems) == 1, problems
    assert f"probe.yaml:{line_of(lines, where)}: " in problems[0], problems


def test_unquoted_reviewed_date_is_a_string_for_loader_and_schema(tmp_path: Path) -> None:
    text = yaml.safe_dump(BASE, sort_keys=False).replace("'2026-11-23'", "2026-11-23")
    assert "reviewed: 2026-11-23\n" in text
    doc, _ = parse(text)
    jsonschema.validate(doc, SCHEMA)
    assert _load_problems(tmp_path, doc)[0] == []
