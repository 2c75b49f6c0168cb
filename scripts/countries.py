"""Write bot/matching/data/countries.txt: the one-word English names of countries and
territories, from CLDR through Babel (a development tool here, not a dependency of the bot:
the list changes once in years, and a data file costs nothing to load).

    pip install babel && python scripts/countries.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel import Locale, __version__

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.matching.text import tokens  # noqa: E402  (the matcher's own folding)

OUT = ROOT / "bot" / "matching" / "data" / "countries.txt"
LEFT_OUT = {"eurozone"}  # a currency area, not a place a question is about


def main() -> None:
    regions = Locale("en").territories
    # folded as a query is ("Türkiye" is "turkiye"), and one word as a query's tokens are
    # ("Guinea-Bissau" is two)
    said = (tokens(name) for code, name in regions.items() if len(code) == 2 and code.isalpha())
    names = sorted({words[0] for words in said if len(words) == 1} - LEFT_OUT)
    header = (
        f"# One-word English names of countries and territories (CLDR via Babel {__version__}:\n"
        "# Locale('en').territories, two-letter regions only, lower case, accents folded; the\n"
        "# euro area left out). A query naming one that no card has asks about another place\n"
        "# (bot/matching/matcher.py, `units`). Regenerate with scripts/countries.py.\n"
    )
    OUT.write_text(header + "\n".join(names) + "\n", encoding="utf-8")
    print(f"{len(names)} names -> {OUT}")


if __name__ == "__main__":
    main()
