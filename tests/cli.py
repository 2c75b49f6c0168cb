"""`python -m bot ask` run as other tools run it: a real process, from the project's root."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def ask(*args: str, stdin: str | None = None) -> str:
    """What `python -m bot ask ARGS` prints, given `stdin`; a failure raises."""
    run = subprocess.run(
        [sys.executable, "-m", "bot", "ask", *args],
        input=stdin, capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    return run.stdout
