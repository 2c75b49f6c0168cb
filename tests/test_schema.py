"""The JSON Schema editors use agrees with the loader: real cards pass it, bad ones fail it."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from bot.cards.loading import DEFAULT_FACTS
from bot.cards.yaml_lines import parse

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
