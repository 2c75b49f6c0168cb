"""A source document as paragraphs, and the hash that tells whether one has changed.

`check --sources` (coverage, drift) and `bot sources fetch/record` (writing the hashes)
must cut a document the same way, or every paragraph would look changed; so both use this.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MIN_PARAGRAPH_WORDS = 8  # shorter lines are headings and page furniture, not facts
HASH_DIGITS = 16  # of sha256: plenty to tell paragraphs apart, short enough to read in YAML
# list markers as the seeds ("  • ") and trafilatura ("- ") write them: layout, not text
_BULLET = re.compile(r"^(?:[•*-]\s+)+")


@dataclass(frozen=True)
class Paragraph:
    line: int
    text: str

    @property
    def hash(self) -> str:
        return paragraph_hash(self.text)


def paragraphs(text: str) -> list[Paragraph]:
    """Each line of prose (a paragraph or a bullet) long enough to state a fact."""
    out = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = _BULLET.sub("", " ".join(raw.replace("•", " ").split()))
        if len(line.split()) >= MIN_PARAGRAPH_WORDS:
            out.append(Paragraph(n, line))
    return out


def paragraph_hash(text: str) -> str:
    """sha256 of the paragraph's words (spacing and list markers are not content)."""
    words = _BULLET.sub("", " ".join(text.replace("•", " ").split()))
    return hashlib.sha256(words.encode("utf-8")).hexdigest()[:HASH_DIGITS]


def text_hash(text: str) -> str:
    """sha256 of a whole fetched document, as written to DIR/sources.yaml."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
