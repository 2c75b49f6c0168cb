"""YAML parsing that keeps line numbers, so every problem in a card can name its line.

PyYAML's C loader builds the node tree fast; we construct values from it ourselves only to
remember where each key and list item stood.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - a PyYAML built without libyaml
    _Base = yaml.SafeLoader  # type: ignore[misc]


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """YAML as JSON Schema and the editors' YAML 1.2 see it: `2026-11-23` stays a string.

    PyYAML (YAML 1.1) would turn an unquoted date into a `datetime.date`, which the schema
    (JSON has no date type) would reject while the author's editor shows it as valid.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlError(Exception):
    """A file that is not valid YAML, with the line the parser stopped at."""

    line: int
    message: str


Lines = dict[tuple, int]


def parse(text: str) -> tuple[Any, Lines]:
    """Parse one YAML document; return its value and the 1-based line of each path in it.

    A path is a tuple of keys and list indexes, e.g. ("dates", 2, "date"); () is the document.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {(): 1}
        lines: Lines = {}
        _walk(node, (), lines)
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlError(line, f"malformed YAML: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, f"malformed YAML: {exc}") from None
    finally:
        loader.dispose()
    return value, lines


def _walk(node: yaml.Node, path: tuple, lines: Lines) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            if key in seen:
                # PyYAML would silently keep the last value; an author meant one of them.
                raise YamlError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines)


def line_of(lines: Lines, path: tuple) -> int:
    """The line of a path, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
