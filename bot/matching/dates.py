"""The time a query names: a year, a month of a year, or a span of years.

People write dates every way: "10 June 1999", "1999-06-10", "June 10th, 1999", "'99", "the
late 90s", "between 1998 and 2000", "the first half of 2016", "last year". The cards' events
are dated to the month at most, so every one of these comes down to a month of a year, a year
or a span of years. `say_dates` rewrites the finer or relative forms into "june 1999" or
"2025" before the query is read, so the matcher meets one form; `span_of` reads the spans
(decades and ranges) from the query's tokens. Pure functions: "this year" is read against
the date the caller gives.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from bot.matching.text import is_year

# each month's spellings, its full name first: the one list the names, the look-up and the
# pattern of dates in text are made from
_MONTH_SPELLINGS = (
    "january jan", "february feb", "march mar", "april apr", "may", "june jun", "july jul",
    "august aug", "september sep sept", "october oct", "november nov", "december dec",
)  # fmt: skip
MONTHS = {name: n for n, names in enumerate(_MONTH_SPELLINGS, start=1) for name in names.split()}
MONTH_NAMES = tuple(names.split()[0] for names in _MONTH_SPELLINGS)
# Decades written as words: a time, like "the 90s", never a subject no card has. (Not
# "twenties": 1920s or 2020s? Nor "tens".)
DECADE_WORDS = {"seventies": 1970, "eighties": 1980, "nineties": 1990, "noughties": 2000}
ERA_PART = {"early": (0, 3), "mid": (3, 6), "late": (6, 9)}  # of a decade, in years
# Words that join two years into a span ("from 1998 to 2000", "1998-2000" reads "1998 2000")
RANGE_WORDS = frozenset({"to", "until", "till", "til", "through", "thru", "and"})
MAX_RANGE = 30  # years; "1993 ... 2019" farther apart than this are two years, not a span

_DECADE = re.compile(r"^(?:1[89]|20)?\d0$")
_YEAR = r"(?:1[89]|20)\d\d"
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"  # longest first
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
# 1999-06-10: ISO, year first
_ISO = re.compile(rf"\b({_YEAR})-(0?[1-9]|1[0-2])-(?:[12]\d|3[01]|0?[1-9])\b")
# 10/06/1999, 6.10.1999: day and month in either order, told apart only when one is > 12
_NUMERIC = re.compile(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.]({_YEAR})\b")
# "10 June 1999", "10th of June, 1999", "June 10 1999", "June 10th, 1999": the day goes,
# the month and year stay (only before a year: "chapter 8 may apply" has no date)
_BEFORE_YEAR = rf"(?=\s*,?\s*{_YEAR}\b)"
_DAY_MONTH = re.compile(rf"\b{_DAY}\s+(?:of\s+)?({_MONTH}){_BEFORE_YEAR}", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"\b({_MONTH})\s+{_DAY}\b{_BEFORE_YEAR}", re.IGNORECASE)
# a part of a year: "the first half of", "Q1", "H2", "the second quarter of": the year stays
_PART_OF_YEAR = re.compile(
    rf"\b(?:(?:the\s+)?(?:first|second|last|1st|2nd|other)\s+half|(?:the\s+)?(?:first|second|third|fourth|last|final|1st|2nd|3rd|4th)\s+quarter|[hq][1-4])\s*(?:of\s+)?(?=(?:{_YEAR})\b)",
    re.IGNORECASE,
)
# '99, ’03 (not '90s, a decade, read by `span_of`)
_SHORT_YEAR = re.compile(r"(?<![\w'’])['’](\d\d)\b(?!['’]?s\b)")
# "1998-99", "98-99", "'98-'99": a span of years with the second (or both) in two digits.
# Bare two-digit pairs only from '70 ("10-12 people" is no span), each year after the first.
_YEAR_SPAN = re.compile(rf"\b({_YEAR})\s*[-\u2013/]\s*['’]?(\d\d)\b(?![-/.]\d)")
_SHORT_SPAN = re.compile(r"(?<![\w'’/.-])['’]?([7-9]\d)\s*[-\u2013/]\s*['’]?(\d\d)\b(?![-/.]\d)")
MAX_SHORT_SPAN = 10  # years: "92-95" is a span, "98-12" is not
_RELATIVE = re.compile(r"\b(this|last|past|previous|next|coming)\s+year\b", re.IGNORECASE)
_RELATIVE_OFFSET = {"this": 0, "last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}
# "20 years ago", "a decade ago", "thirty years ago": the year that many before today's
_COUNTS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20,
    "twenty-five": 25, "thirty": 30,
}  # fmt: skip
_AGO = re.compile(
    r"\b(\d{1,2}|" + "|".join(sorted(_COUNTS, key=len, reverse=True)) + r")\s+"
    r"(years?|decades?)\s+ago\b",
    re.IGNORECASE,
)


def say_dates(text: str, today: dt.date | None = None) -> str:
    """`text` with its dates in the forms the matcher reads: "1999-06-10" and "10 June 1999"
    say "june 1999", "'99" says "1999", "1998-99" and "98-99" say "1998-1999", "the first
    half of 2016" says "2016", and with `today`, "last year" says the year before it and "20
    years ago" the year 20 before it. Everything else is left as it was."""
    lower = text.lower()
    if not any(c.isdigit() for c in text) and "year" not in lower and " ago" not in lower:
        return text  # the common case: no date to rewrite
    text = _ISO.sub(lambda m: f"{MONTH_NAMES[int(m[2]) - 1]} {m[1]}", text)
    text = _NUMERIC.sub(_numeric, text)
    text = _DAY_MONTH.sub(lambda m: m[1], text)
    text = _MONTH_DAY.sub(lambda m: m[1], text)
    text = _PART_OF_YEAR.sub("", text)
    text = _YEAR_SPAN.sub(_year_span, text)
    text = _SHORT_SPAN.sub(_short_span, text)
    text = _SHORT_YEAR.sub(lambda m: str(_century(int(m[1]))), text)
    if today is not None:
        text = _RELATIVE.sub(lambda m: str(today.year + _RELATIVE_OFFSET[m[1].lower()]), text)
        text = _AGO.sub(lambda m: str(today.year - _years_ago(m[1], m[2])), text)
    return text


def _years_ago(count: str, unit: str) -> int:
    n = int(count) if count.isdigit() else _COUNTS[count.lower()]
    return n * (10 if unit.lower().startswith("decade") else 1)


def _numeric(m: re.Match[str]) -> str:
    first, second, year = int(m[1]), int(m[2]), m[3]
    if 1 <= second <= 12 < first <= 31:  # 25/12/1999: day first
        return f"{MONTH_NAMES[second - 1]} {year}"
    if 1 <= first <= 12 < second <= 31:  # 12/25/1999: month first
        return f"{MONTH_NAMES[first - 1]} {year}"
    return year  # 10/06/1999: June or October; the year is certain


def _year_span(m: re.Match[str]) -> str:
    """ "1998-99" says "1998-1999" (the second year in the first's century, after it)."""
    first = int(m[1])
    return _span(m[0], first, first - first % 100 + int(m[2]))


def _short_span(m: re.Match[str]) -> str:
    """ "98-99" says "1998-1999"; "98-01" says "1998-2001"."""
    return _span(m[0], _century(int(m[1])), _century(int(m[2])))


def _span(said: str, first: int, second: int) -> str:
    """ "first-second" when the second year follows the first within `MAX_SHORT_SPAN`
    years; otherwise what was `said`, as it was."""
    return f"{first}-{second}" if 0 < second - first <= MAX_SHORT_SPAN else said


def _century(two: int) -> int:
    return two + (1900 if two >= 30 else 2000)


def is_decade(tok: str) -> bool:
    """'90' or '1990' as in 'the 90s' (the "s" is a token of its own)."""
    return bool(_DECADE.match(tok))


def span_of(toks: Sequence[str]) -> tuple[int, int] | None:
    """The years a query's span covers: a decade ('the late 90s' 1996-1999, 'the 2000s'
    2000-2009, 'early nineties' 1990-1993) or a range of two years ('between 1998 and
    2000', 'from 1998 to 2000', '1998-2000'); None without one."""
    return era_of(toks) or range_of(toks)


def era_of(toks: Sequence[str]) -> tuple[int, int] | None:
    """The years a decade in the query spans; None without one."""
    for n, tok in enumerate(toks):
        if tok in DECADE_WORDS:
            start = DECADE_WORDS[tok]
        elif _DECADE.match(tok) and toks[n + 1 : n + 2] == ["s"]:
            start = int(tok) if len(tok) == 4 else _century(int(tok))
        else:
            continue
        low, high = ERA_PART.get(toks[n - 1] if n else "", (0, 9))
        return start + low, start + high
    return None


def range_of(toks: Sequence[str]) -> tuple[int, int] | None:
    """Two years joined as a span: next to each other ("1998-2000") or by a word of
    `RANGE_WORDS`; "1993 and 2019" only after "between" (otherwise it is two years)."""
    at = [n for n, t in enumerate(toks) if is_year(t)]
    if len(at) != 2:
        return None
    a, b = at
    low, high = sorted((int(toks[a]), int(toks[b])))
    if low == high or high - low > MAX_RANGE:
        return None
    between = toks[a + 1 : b]
    if not between:
        return low, high
    joined = len(between) == 1 and between[0] in RANGE_WORDS
    if joined and (between[0] != "and" or (a and toks[a - 1] == "between")):
        return low, high
    return None


def one_year(toks: Sequence[str]) -> tuple[int, int] | None:
    """The query's year as a span, when it names exactly one."""
    years = {int(t) for t in toks if is_year(t)}
    if len(years) != 1:
        return None
    (year,) = years
    return year, year
