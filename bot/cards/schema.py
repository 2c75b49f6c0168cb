"""The card's shape, said once: facts/card.schema.json, checked with `jsonschema` at load.

Editors check cards against the same file as they are typed, so what the bot accepts and
what an editor accepts cannot drift apart. This module only turns jsonschema's errors into
`file:line: message` lines an author can act on; Python checks only what a schema cannot say
(see bot.cards.validation).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cards.yaml_lines import Lines, line_of

if TYPE_CHECKING:  # jsonschema is imported when a schema is loaded (~8 MB, ~0.1 s)
    from jsonschema import Draft202012Validator, ValidationError

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "facts" / "card.schema.json"

DATE_FIELDS = ("date", "reviewed")
DATE_HINT = {
    "date": "use YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source",
    "reviewed": "use YYYY-MM-DD, the day you checked the card against its source",
}
TYPE_WORDS = {
    "string": "a string",
    "array": "a list",
    "object": "a mapping",
    "integer": "a whole number",
}


def did_you_mean(key: object, known: tuple[str, ...]) -> str:
    """'Title' or 'sumary' is a slip, not a new field: name the one that was meant."""
    text = str(key)
    lowered = {k.lower(): k for k in known}
    close = lowered.get(text.lower()) or next(
        iter(difflib.get_close_matches(text.lower(), known, n=1, cutoff=0.75)), None
    )
    return f"; did you mean '{close}'?" if close else ""


@dataclass(frozen=True)
class SchemaProblem:
    """One schema violation: where it is in the document, and what to do about it."""

    path: tuple
    message: str


@dataclass(frozen=True)
class CardSchema:
    """A compiled card schema; `problems` lists every violation of one card document."""

    schema: Mapping[str, Any]
    validator: Draft202012Validator

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.schema["properties"])

    def problems(self, doc: Any) -> list[SchemaProblem]:
        out: list[SchemaProblem] = []
        errors = sorted(self.validator.iter_errors(doc), key=lambda e: list(map(str, e.path)))
        missing: dict[tuple, list[str]] = {}
        for error in errors:
            if error.validator == "required":
                missing.setdefault(tuple(error.absolute_path), []).append(
                    _required_name(error.message)
                )
                continue
            out.extend(self._explain(error))
        for path, names in missing.items():
            where = "" if not path else f"{_label(path)} "
            plural = "s" if len(names) > 1 else ""
            out.append(SchemaProblem(path, f"{where}missing field{plural}: {', '.join(names)}"))
        return out

    def _explain(self, error: ValidationError) -> Iterator[SchemaProblem]:
        path = tuple(error.absolute_path)
        value = error.instance
        kind = error.validator
        name = path[-1] if path else None
        label = _label(path)
        if kind == "type" and not path:
            yield SchemaProblem(
                path, "a card must be a YAML mapping of fields (id, title, summary, ...)"
            )
        elif kind == "type" and name in DATE_FIELDS:
            yield SchemaProblem(
                path, f"{value!r} is not a date string: quote it ({DATE_HINT[name]})"
            )
        elif kind == "type":
            yield SchemaProblem(path, f"{label} must be {_type_words(error.validator_value)}")
        elif kind == "additionalProperties":
            known = tuple(error.schema.get("properties", {}))
            for key in sorted(set(value) - set(known), key=str):
                where = "" if not path else f" in {label}"
                hint = did_you_mean(key, known)
                yield SchemaProblem(
                    (*path, key),
                    f"unknown field '{key}'{where}{hint} (allowed: {', '.join(known)})",
                )
        elif kind in ("minLength", "maxLength"):
            limit = "at least" if kind == "minLength" else "the limit is"
            yield SchemaProblem(
                path, f"{label} is {len(value)} characters; {limit} {error.validator_value}"
            )
        elif kind == "pattern" and name == "id":
            yield SchemaProblem(
                path, f"id {value!r} must be a lowercase slug like 'nato-arms-control'"
            )
        elif kind == "pattern" and name in DATE_FIELDS:
            yield SchemaProblem(path, f"{value!r} is not a real date ({DATE_HINT[name]})")
        elif kind == "enum" and path[:1] == ("orgs",):
            allowed = ", ".join(error.validator_value)
            yield SchemaProblem(path, f"unknown org {value!r} (allowed: {allowed})")
        elif kind == "enum":
            allowed = ", ".join(map(str, error.validator_value))
            yield SchemaProblem(path, f"{label} {value!r} must be one of: {allowed}")
        elif kind in ("minItems", "maxItems"):
            bound = error.schema.get("minItems", 0), error.schema.get("maxItems")
            wanted = f"{bound[0]} to {bound[1]}" if bound[1] else f"at least {bound[0]}"
            yield SchemaProblem(path, f"{label} has {len(value)} item(s); give {wanted}")
        elif kind == "uniqueItems":
            seen: dict[str, int] = {}
            for i, item in enumerate(value):
                key = json.dumps(item, sort_keys=True)
                if key in seen:
                    yield SchemaProblem(
                        (*path, i),
                        f"{label} item {i + 1} repeats item {seen[key] + 1}: {item!r}",
                    )
                else:
                    seen[key] = i
        else:
            yield SchemaProblem(path, f"{label}: {error.message}")


def _required_name(message: str) -> str:
    # jsonschema says "'anchor' is a required property"
    return message.split("'")[1] if message.count("'") >= 2 else message


def _type_words(expected: object) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(TYPE_WORDS.get(str(n), str(n)) for n in names)


def _label(path: tuple) -> str:
    """('dates', 0, 'event') -> "dates item 1 event": how an author finds the place."""
    if not path:
        return "the card"
    parts = []
    for step in path:
        parts.append(f"item {step + 1}" if isinstance(step, int) else f"{step}")
    return " ".join(parts)


def load_schema(path: Path = SCHEMA_PATH) -> CardSchema:
    """The project's card schema (always this one: it is part of the code's contract)."""
    from jsonschema import Draft202012Validator

    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return CardSchema(schema=schema, validator=Draft202012Validator(schema))


def line_for(lines: Lines, problem: SchemaProblem) -> int:
    return line_of(lines, problem.path)
