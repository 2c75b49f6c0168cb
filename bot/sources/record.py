"""`bot sources record DIR`: write each document's paragraph hashes into the registry.

Run after the cards have been checked against the documents in DIR (the seeds, or a fresh
`sources fetch`): from then on `check --sources` lists only paragraphs that are new or
changed. The registry is edited in place with ruamel.yaml, so its comments and layout stay
as the curator wrote them.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from bot.cards.loading import load_registry
from bot.cards.paragraphs import paragraph_hash, paragraphs


def run_record(registry: Path, docs: Path) -> int:
    sources, problems = load_registry(registry)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    yaml = YAML()  # round trip: comments, quotes and order kept
    yaml.preserve_quotes = True
    yaml.width = 1000
    yaml.indent(mapping=2, sequence=2, offset=0)
    yaml.representer.add_representer(
        type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    doc = yaml.load(registry.read_text(encoding="utf-8"))
    missing = 0
    for entry in doc:
        source = sources[entry["id"]]
        path = docs / (source.file or f"{source.id}.txt")
        if not path.is_file():
            print(f"{source.id}: {path} not found; its hashes left as they were", file=sys.stderr)
            missing += 1
            continue
        text = path.read_text(encoding="utf-8")
        # quoted, so no hash of digits and an "e" ever reads as a number
        hashes = CommentedSeq(
            DoubleQuotedScalarString(paragraph_hash(p.text)) for p in paragraphs(text)
        )
        entry["paragraphs"] = hashes
        print(f"{source.id}: {len(hashes)} paragraph hashes recorded from {path}")
    with registry.open("w", encoding="utf-8") as out:
        yaml.dump(doc, out)
    return 1 if missing else 0
