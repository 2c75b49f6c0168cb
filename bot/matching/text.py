"""Turning what a person typed into comparable words.

Slack wraps mentions, channels and links in `<...>`; people mix case, dashes, curly quotes
and full-width characters. Matching sees only the words that carry meaning.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 500  # longer queries are cut: nobody asks a 50 KB question on purpose

# <@U123>, <@U123|name>, <!channel>, <!here>, <!subteam^S1|@team>, <#C123|general>
_SLACK_SPECIAL = re.compile(r"<[@!#][^>]*>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<((?:https?|mailto):[^>]*)>")
_BOT_NAME = re.compile(r"(?<!\w)@?osce[- ]?bot\b|(?<!\w)@osce\b", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")

STOP_WORDS = frozenset(
    """
    a an the and or of in on at to for from by with about into over under between as is are was
    were be been being do does did done doing have has had having what when where which who whom
    whose why how tell me us you your i we our it its it's their them they this that these those
    there here please pls can could would should will shall may might must any some all info
    information know show give find explain details detail anything something much many more most
    whats what's hi hello hey thanks thank osce's nato's un's s
    happened happen happens happening going get got make made want wanted need say says said
    think mean means go goes role roles play plays played bot osce-bot question ask
    """.split()
)


def clean(text: str) -> str:
    """Slack markup and control characters removed, Unicode folded; still human-readable."""
    text = text[: MAX_QUERY_CHARS * 4]
    text = _SLACK_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)
    text = _BOT_NAME.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def readable(text: str) -> str:
    """What the person typed, for echoing back: Slack markup removed and Slack's `&amp;`
    escaping decoded once, but no Unicode folding, so a full-width `＠here` stays the
    harmless character it was instead of becoming `@here`. The renderer escapes it."""
    text = text[: MAX_QUERY_CHARS * 4]
    text = _SLACK_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def fold(text: str) -> str:
    """Lower-case, accents off, every dash and punctuation mark a space: 'Arms-Control' -> 'arms control'."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def words(text: str) -> list[str]:
    """Folded words, stop words dropped; the query side of matching."""
    return [w for w in fold(text).split() if w not in STOP_WORDS]


def is_year(word: str) -> bool:
    return bool(_YEAR.match(word))


_SUFFIXES = (
    "ations", "ation", "itions", "ition", "ments", "ment", "ships", "ship", "ings", "ing",
    "ates", "ated", "ate", "ions", "ion", "isms", "ism", "ists", "ist", "ies", "ied", "ers", "er",
    "ed", "es", "s", "al",
)  # fmt: skip
_MIN_STEM = 4


def stem(word: str) -> str:
    """A crude stem, so 'decide'/'decided', 'programs'/'programmes', 'partners'/'partnership'
    and 'participation'/'participates' meet. Not linguistics: only the same on both sides."""
    if word.isdigit() or len(word) < 5:
        return word
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    if word.endswith("e") and len(word) > _MIN_STEM:
        word = word[:-1]
    if len(word) > _MIN_STEM and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]  # programm -> program
    return word


# Words people use for the same idea as the cards' own words. Each group is one idea; a
# query word finds cards that use any word of its group. General English, not card wording.
SYNONYM_GROUPS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "boost strengthen enhance deepen improve reinforce further",
        "start begin began begun launch establish set founded created open opened",
        "end ended finish withdraw withdrawal left leave closed",
        "together cooperate cooperation collaborate collaboration collaborating partnership",
        "sign signed agree agreed",
        "join joins joined participate participation attend attendance",
        "sg secretary",
        "ct terrorism",
        "jan january", "feb february", "mar march", "apr april", "jun june", "jul july",
        "aug august", "sep sept september", "oct october", "nov november", "dec december",
    )
)  # fmt: skip
