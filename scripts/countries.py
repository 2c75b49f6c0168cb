"""Write bot/matching/data/countries.txt: the one-word English names of countries and
territories, from CLDR through Babel (a development tool here, not a dependency of the bot:
the list changes once in years, and a data file costs nothing to load).

    pip install babel && python scripts/countries.py
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from babel import Locale, __version__

OUT = Path(__file__).resolve().parent.parent / "bot" / "matching" / "data" / "countries.txt"
LEFT_OUT = {"eurozone"}  # a currency area, not a place a question is about


def fold(name: str) -> str:
    """Lower case without accents ("türkiye" -> "turkiye"), as queries are folded."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def main() -> None:
    regions = Locale("en").territories
    names = sorted(
        {
            fold(name)
            for code, name in regions.items()
            if len(code) == 2
            and code.isalpha()
            and name.replace("-", " ").count(" ") == 0
            and "." not in name
        }
        - LEFT_OUT
    )
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
