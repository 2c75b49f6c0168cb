"""The code's shape, enforced: a Slack-free core, one Slack layer, no import cycles.

The rules (README, Layout):
- only `bot.slack.*` and `handlers.*` import `slack_bolt` or `slack_sdk`;
- the core (`bot.cards`, `bot.matching`, `bot.daily`, `bot.state`, `bot.insights`, `bot.answers`,
  `bot.services`, `bot.config`) imports neither `bot.slack` nor `handlers` nor an entry point;
- `handlers` never imports `bot.slack.app` or `bot.slack.server` (they import it);
- no import cycle anywhere, counting imports inside functions and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.slack_signing import ROOT, bot_env

SLACK_LIBS = ("slack_bolt", "slack_sdk")
SLACK_LAYER = ("bot.slack", "handlers")
CORE = (
    "bot.cards",
    "bot.matching",
    "bot.daily",
    "bot.state",
    "bot.insights",
    "bot.answers",
    "bot.services",
    "bot.config",
)
ENTRY_POINTS = ("bot.cli", "bot.console", "bot.ask", "bot.__main__")
HANDLERS_MUST_NOT = ("bot.slack.app", "bot.slack.server")


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def modules(root: Path) -> dict[str, Path]:
    found = {}
    for package in ("bot", "handlers"):
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module `name` imports, wherever the import statement stands."""
    out: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            for alias in node.names:  # `from bot.slack import errors` imports a module
                if f"{base}.{alias.name}" in known:
                    out.add(f"{base}.{alias.name}")
    return {m for m in out if m}


def violations(root: Path) -> list[str]:
    mods = modules(root)
    known = set(mods)
    graph = {name: imports_of(name, path, known) for name, path in mods.items()}
    problems: list[str] = []
    for name, deps in sorted(graph.items()):
        for dep in sorted(deps):
            if _under(dep, SLACK_LIBS) and not _under(name, SLACK_LAYER):
                problems.append(f"{name} imports {dep} (only bot.slack and handlers may)")
            if _under(name, CORE) and _under(dep, (*SLACK_LAYER, *ENTRY_POINTS)):
                problems.append(f"{name} is core and imports {dep}")
            if _under(name, ("handlers",)) and _under(dep, HANDLERS_MUST_NOT):
                problems.append(f"{name} imports {dep} (the app imports handlers, not back)")
    internal = {n: {d for d in deps if d in known and d != n} for n, deps in graph.items()}
    problems.extend(f"import cycle: {' -> '.join(c)}" for c in _cycles(internal))
    return problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_tree_keeps_the_import_rules() -> None:
    assert violations(ROOT) == []


def test_the_rules_catch_each_kind_of_violation(tmp_path: Path) -> None:
    def write(rel: str, text: str = "") -> None:
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("bot/__init__.py")
    write("bot/matching/__init__.py")
    write("bot/matching/matcher.py", "from slack_sdk.models.blocks import SectionBlock\n")
    write("bot/answers.py", "def f():\n    from bot.slack import blocks\n")
    write("bot/slack/__init__.py")
    write("bot/slack/blocks.py", "from bot.answers import f\n")
    write("bot/slack/app.py", "import handlers\n")
    write("handlers/__init__.py", "from bot.slack.app import x\n")
    assert violations(tmp_path) == [
        "bot.answers is core and imports bot.slack",
        "bot.answers is core and imports bot.slack.blocks",
        "bot.matching.matcher imports slack_sdk.models.blocks (only bot.slack and handlers may)",
        "handlers imports bot.slack.app (the app imports handlers, not back)",
        "import cycle: bot.answers -> bot.slack.blocks",
        "import cycle: bot.slack.app -> handlers",
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [["ask", "kfor"], ["today", "--date", "2026-10-01"], ["check"]], ids=" ".join
)
def test_cli_commands_load_no_database_or_http_library(argv: list[str]) -> None:
    """`ask`, `today` and `check` start fast: no SQLAlchemy, aiohttp or Bolt imported, nor
    numpy and tokenizers (a corpus of thousands of cards is indexed with numpy, and the
    meaning tier loads both for a query that words cannot answer; "kfor" is not one)."""
    script = (
        "import sys\nfrom bot.cli import main\ncode = main(sys.argv[1:])\n"
        "heavy = sorted(m for m in ('sqlalchemy', 'aiohttp', 'slack_bolt', 'numpy',"
        " 'tokenizers')"
        " if m in sys.modules)\n"
        "print('HEAVY', heavy)\nsys.exit(code)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, *argv],
        cwd=ROOT,
        env=bot_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout
