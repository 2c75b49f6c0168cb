"""Source drift end to end: fetch real-looking pages over HTTP, then `check --sources`.

The site on 127.0.0.1 serves the two sources as HTML with navigation, a cookie banner and
a footer; `python -m bot sources fetch` runs as a real process against it, and `check`
runs on what it wrote, with the real cards and the registry's recorded paragraph hashes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.cards.loading import DEFAULT_FACTS, load_corpus
from bot.cards.paragraphs import paragraph_hash, paragraphs, text_hash
from tests.slack_signing import ROOT, bot_env
from tests.sourcesite import BOILERPLATE_WORDS, SEEDS, SourceSite, page

pytestmark = pytest.mark.slow

NATO = "003_f717bebf0a692fc7.txt"
UN = "000_0ab84b92dd00b4a9.txt"
REMOVED = "Since the adoption of UNSCR 1244 in June 1999"  # starts the paragraph taken out
REWORDED = "Since 1998, NATO and OSCE secretariats hold regular staff talks annually."
NEW_WORDING = (
    "Every year since 1998 the staffs of both secretariats have met to build contacts and "
    "to compare notes on shared questions of security."
)
ADDED = (
    "In 2026 NATO and the OSCE agreed to exchange information on protecting undersea "
    "cables and pipelines in the Baltic Sea region."
)


@pytest.fixture
def site() -> Iterator[SourceSite]:
    s = SourceSite().start()
    yield s
    s.stop()


def serve_seeds(site: SourceSite, *, changed: bool = False) -> None:
    un = (SEEDS / UN).read_text(encoding="utf-8")
    nato = (SEEDS / NATO).read_text(encoding="utf-8")
    if changed:
        nato = changed_nato(nato)
    site.pages.update(un=page(un), nato=page(nato))


def changed_nato(text: str) -> str:
    """One paragraph removed, one reworded, one added."""
    out = []
    for line in text.splitlines():
        if line.startswith(REMOVED):
            continue
        if line.startswith(REWORDED):
            line = NEW_WORDING
        out.append(line)
        if line.startswith("Political dialogue"):
            out += ["", ADDED]
    return "\n".join(out) + "\n"


def local_facts(tmp_path: Path, site: SourceSite) -> Path:
    """The real facts with the registry's URLs pointing at the local site."""
    facts = tmp_path / "facts"
    shutil.copytree(DEFAULT_FACTS, facts)
    registry = facts / "sources.yaml"
    text = registry.read_text(encoding="utf-8")
    text = re.sub(r"https://dppa\.un\.org/\S+", site.url("/pages/un"), text)
    text = re.sub(r"https://www\.nato\.int/\S+", site.url("/pages/nato"), text)
    registry.write_text(text, encoding="utf-8")
    return facts


def bot(*args: str, facts: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=ROOT,
        env=bot_env(FACTS_DIR=str(facts)),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_fetch_writes_a_seeds_like_folder_that_check_passes(
    tmp_path: Path, site: SourceSite
) -> None:
    serve_seeds(site)
    facts = local_facts(tmp_path, site)
    out = tmp_path / "fetched"
    fetch = bot("sources", "fetch", "--out", str(out), facts=facts)
    assert fetch.returncode == 0, fetch.stderr
    assert fetch.stderr == ""
    written = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))
    assert [e["file"] for e in written] == [UN, NATO]
    registry = {s.id: s for s in load_corpus(facts).sources.values()}
    for entry in written:
        text = (out / entry["file"]).read_text(encoding="utf-8")
        assert entry["sha256"] == text_hash(text)
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", entry["retrieved"])
        # the main text only, and cut into the same paragraphs as the seed it came from
        assert not any(word in text for word in BOILERPLATE_WORDS), text[:300]
        assert entry["paragraphs"] == list(registry[entry["id"]].paragraphs)
        seed = (SEEDS / entry["file"]).read_text(encoding="utf-8")
        assert [p.text for p in paragraphs(text)] == [p.text for p in paragraphs(seed)]
    check = bot("check", "--sources", str(out), facts=facts)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "26/26 paragraphs covered; 0 new or changed, 0 gone or changed" in check.stdout


def test_a_changed_source_gives_the_curator_a_to_do_list(tmp_path: Path, site: SourceSite) -> None:
    serve_seeds(site, changed=True)
    facts = local_facts(tmp_path, site)
    out = tmp_path / "fetched"
    assert bot("sources", "fetch", "--out", str(out), facts=facts).returncode == 0
    check = bot("check", "--sources", str(out), facts=facts)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    # 26 paragraphs: one removed, one added; the reworded and the added one are not covered
    assert "24/26 paragraphs covered; 2 new or changed, 2 gone or changed since recorded" in (
        check.stdout
    ), check.stdout

    # every card whose anchor stood in the removed or reworded paragraph says so, at its line
    seed = (SEEDS / NATO).read_text(encoding="utf-8")
    gone = [p.text for p in paragraphs(seed) if p.text.startswith((REMOVED, REWORDED))]
    affected = [
        c
        for c in load_corpus(facts).cards
        if any(c.anchor.casefold() in g.casefold() for g in gone)
    ]
    assert {c.id for c in affected} >= {"nato-osce-kfor", "nato-osce-staff-talks"}
    for card in affected:
        assert any(
            f"cards/{card.id}.yaml:" in line and f"{card.anchor!r} does not occur in {NATO}" in line
            for line in lines
        ), (card.id, check.stdout)

    # the to-do list: the reworded and the added paragraph, nothing else
    todo = [line for line in lines if "to do: new or changed since recorded" in line]
    assert len(todo) == 2, check.stdout
    assert any(NEW_WORDING[:60] in line for line in todo)
    assert any(ADDED[:60] in line for line in todo)
    assert all(line.startswith(f"{out / NATO}:") for line in todo)
    # untouched paragraphs are neither to do nor uncovered
    assert not any("no card covers this paragraph" in line for line in lines), check.stdout


def test_record_writes_the_hashes_check_compares_with(tmp_path: Path, site: SourceSite) -> None:
    serve_seeds(site, changed=True)
    facts = local_facts(tmp_path, site)
    out = tmp_path / "fetched"
    assert bot("sources", "fetch", "--out", str(out), facts=facts).returncode == 0
    before = (facts / "sources.yaml").read_text(encoding="utf-8")
    record = bot("sources", "record", str(out), facts=facts)
    assert record.returncode == 0, record.stderr
    after = (facts / "sources.yaml").read_text(encoding="utf-8")
    assert "# The source documents the fact cards are written from" in after  # comments kept
    assert "last_updated: null        # the page shows no date" in after
    assert paragraph_hash(ADDED) in after and paragraph_hash(ADDED) not in before
    nato = next(s for s in load_corpus(facts).sources.values() if s.id == "nato-osce")
    assert len(nato.paragraphs) == 26
    check = bot("check", "--sources", str(out), facts=facts)
    assert "0 new or changed, 0 gone or changed" in check.stdout, check.stdout


def test_each_misbehaving_source_is_one_clear_line(tmp_path: Path, site: SourceSite) -> None:
    serve_seeds(site)
    entries = {
        "good": "/pages/un",
        "big": "/big",
        "big-chunked": "/big-chunked",
        "slow": "/slow",
        "loop": "/loop",
        "missing": "/pages/nowhere",
    }
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        yaml.safe_dump(
            [
                {"id": name, "title": name, "publisher": "test", "url": site.url(path)}
                for name, path in entries.items()
            ]
        )
    )
    out = tmp_path / "fetched"
    fetch = bot(
        *("sources", "fetch", "--registry", str(registry), "--out", str(out)),
        *("--timeout", "2", "--max-bytes", "100000", "--max-redirects", "3"),
        facts=DEFAULT_FACTS,
    )
    assert fetch.returncode == 1
    errors = fetch.stderr.splitlines()
    assert errors[-1] == "5 of 6 source(s) failed", fetch.stderr
    by_id = {line.split(":", 1)[0]: line for line in errors[:-1]}
    assert sorted(by_id) == ["big", "big-chunked", "loop", "missing", "slow"], fetch.stderr
    assert "over the 100000-byte cap" in by_id["big"]
    assert "over the 100000-byte cap" in by_id["big-chunked"]
    assert "no complete answer within 2 s" in by_id["slow"]
    assert "more than 3 redirects" in by_id["loop"]
    assert "HTTP 404" in by_id["missing"]
    assert all(site.url("") in line for line in by_id.values())
    assert "Traceback" not in fetch.stderr
    # the good source is still written; the failed ones are not
    written = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))
    assert [e["id"] for e in written] == ["good"]
    assert (out / "good.txt").is_file()
