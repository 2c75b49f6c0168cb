"""Turning what a person typed into comparable words.

Slack wraps mentions, channels and links in `<...>`; people mix case, dashes, curly quotes
and full-width characters, and write chatter around the question ("hey osce, quick q:",
"thx!", ":wave:"). Matching sees only the words that carry meaning.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import compress
from operator import and_, not_

import Stemmer

MAX_QUERY_CHARS = 500  # longer queries are cut: nobody asks a 50 KB question on purpose

# <@U123>, <@U123|name>, <!channel>, <!here>, <!subteam^S1|@team>, <#C123|general>
_SLACK_SPECIAL = re.compile(r"<[@!#][^>]*>")
_SLACK_LINK = re.compile(r"<(?:https?|mailto):[^|>]*\|([^>]*)>|<((?:https?|mailto):[^>]*)>")
_BOT_NAME = re.compile(r"(?<!\w)@?osce[- ]?bot\b|(?<!\w)@osce\b", re.IGNORECASE)
_EMOJI = re.compile(r":[a-z0-9_+\-']+:", re.IGNORECASE)  # :wave:, :thinking_face:, :+1:
# what the asker needs the answer for, which says nothing of what it is about: "quick q for
# a briefing note: ...", "for my slides tomorrow, ..."
_PURPOSE = re.compile(
    r"\bfor\s+(?:a|an|my|our|the|this|tomorrow'?s|today'?s)\s+(?:quick\s+)?"
    r"(?:briefing(?:\s+(?:note|paper|pack|doc))?|memo|report|presentation|slides?|deck|"
    r"write-?up|one-?pager|explainer)"
    r"(?:\s+(?:tomorrow|today|later|tonight|this\s+(?:morning|afternoon|week)))?\b",
    re.IGNORECASE,
)
# ... one of which it names (a substring test spares the pattern's search)
_PURPOSE_WORDS = (
    "brief",
    "memo",
    "report",
    "presentation",
    "slide",
    "deck",
    "write",
    "pager",
    "explainer",
)
# a time of day or a length the asker wants, which are no numbers of the cards': "need it
# for a call at 3", "2 lines max"
_TIME_OR_LENGTH = re.compile(
    r"\b(?:at|by|before|until|till)\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?(?=\s*(?:$|[,.;:!?)]))"
    r"|\b\d{1,2}\s+(?:lines?|words?|sentences?|bullets?|bullet\s+points?|paragraphs?|mins?|"
    r"minutes?)(?:\s+max)?\b",
    re.IGNORECASE,
)
# thanks for an earlier answer: "thx for the last one", "thanks so much for that"
_THANKS_FOR = re.compile(
    r"\b(?:thx|thanks|thank\s+you|ty|cheers)\s+(?:so\s+much\s+|a\s+lot\s+)?for\s+"
    r"(?:the|that|this|your|all\s+the)(?:\s+(?:last|previous|earlier|first|quick|great))?"
    r"(?:\s+(?:one|answer|reply|info|help|summary|card|link))?\b",
    re.IGNORECASE,
)
_THANKS_WORDS = ("thx", "thank", "ty ", "cheers")
# sentence adverbs that say how broadly to answer, not what about: "in general", "generally
# speaking" ("general" alone is a word of the cards: a Secretary General)
_BROADLY = re.compile(
    r"\b(?:in\s+general|generally\s+speaking|broadly\s+speaking)\b", re.IGNORECASE
)
# a link as typed or as Slack shows it ("https://www.nato.int/...", "www.osce.org", "un.org")
_LINK = re.compile(
    r"\b(?:https?://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:int|org|com|net|gov|eu|io)\b\S*",
    re.IGNORECASE,
)
_LINK_ENDS = (".int", ".org", ".com", ".net", ".gov", ".eu", ".io")
# Each aside, in order, with the strings (lower case) one of which it cannot match without: a
# substring test spares most queries each pattern's search (as `names._SAID` does)
_ASIDES = (
    (_PURPOSE, _PURPOSE_WORDS),
    (_TIME_OR_LENGTH, tuple("0123456789")),
    (_LINK, ("http", "www", *_LINK_ENDS)),
    (_THANKS_FOR, _THANKS_WORDS),
    (_BROADLY, ("general", "broadly")),
)
_ASCII_CONTROLS = {c: " " for c in (*range(32), 127)}  # ASCII's categories C and Z, as spaces
_NON_WORD = re.compile(r"[^\w]+")
_LETTERS_DIGITS = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")

# Function words, and the common verbs and adjectives of any sentence ("use", "whole") that
# no card has: never a query's subject. Left as words they were unknown subjects that sink a
# query, or typos of a card's word ("told" for "old", "making" for "marking"). Not a subject
# no card has ("budget"), which must keep a query from a confident card; and a word listed
# here is dropped from the cards too (`FILLER`). The function words of spaCy's English list
# that no card has are here too ("across", "before", "well", "often", "only"): "where has
# the teamwork ... worked well?" is not a question about wells. Not those the guards read:
# "became" (membership), "last" and "next" (the present), "else" (what lies beyond), "name"
# (a person), the number words (a count), "no" and "never", and "own" ("NATO's own policy"
# says whose it is).
STOP_WORDS = frozenset(
    """
    a an the and or of in on at to for from by with about into over under between as is are was
    were be been being do does did done doing have has had having what when where which who whom
    whose why how tell me us you your i we our it its it's their them they this that these those
    there here please pls can could would should will shall may might must any some all info
    information know show give find explain details detail anything something much many more most
    whats what's osce's nato's un's s
    happened happen happens happening going get got make made want wanted need say says said
    think mean means go goes role roles play plays played bot osce-bot question ask
    year years date dates
    use uses used using makes making gets getting saying thinks thought knows knew wants given
    seem seems seemed meant told formal laying lay actual whole consider considers considered
    considering regarded mainly mostly particularly primarily org orgs
    across afterwards almost alone along already although always am among amongst anyhow
    anywhere around before beforehand below beyond cannot either elsewhere ever everything
    everywhere except hence however indeed itself latter meanwhile moreover my myself namely
    nevertheless often only onto otherwise ours ourselves per rather regarding seeming
    somehow sometime sometimes somewhere than themselves thence thereafter thereby therefore
    therein thus toward towards throughout unless upon various very via well whatever whenever
    whereas whether whoever without yet yours yourself yourselves he she him his her hers
    himself herself
    """.split()
)

# Words that frame a message in chat without saying what it is about. They are dropped like
# stop words, so "<@U7> thx! and the kfor thing?" is a question about KFOR, not a query two
# thirds made of words no card has. So are what contractions leave ("I'm" is "i m", "don't"
# is "don t") and the same typed without an apostrophe ("dont", "im"): they were read as
# words no card has, which sank "I'm writing a note: how does ... describe the OSCE?"
CHATTER_WORDS = frozenset(
    """
    hi hello hey hiya yo morning evening afternoon thanks thank thx ty cheers ok okay cool great
    quick q qq also too same but again pull stuff thing things bit anyone anybody someone
    folks guys all team everyone cc fyi btw lol pls plz please just actually really basically
    kind kinds sort sorts type types way ways like quite maybe perhaps wondering wonder curious looking look remind reminder
    help me up whats stuff again then now so um uh hmm even w wrt abt u ur r idk tbh imo
    iirc afaik fwiw asap nvm exactly precisely roughly approximately literally honestly
    re thread above earlier sorry dumb silly stupid random gist tldr tl dr asking if max
    ping pinging bug bugging
    following follow followup
    til imho tia np omg ngl tbf eod eow tmrw ah oh wow nice yeah yep hm hmmm ooh interesting
    anyway anyways story lowdown scoop deets wat wut wot
    m ve ll d t don doesn didn isn wasn weren aren hasn haven hadn shouldn couldn wouldn
    dont doesnt didnt isnt wasnt werent arent hasnt havent hadnt shouldnt couldnt wouldnt
    cant wont im ive youre theyre thats theres
    """.split()
) - {"now"}  # "now" asks for the present, which the out-of-scope guard needs to see

# Words that never stand for a card's subject: looked up as one set, at C speed, when indexing.
FILLER = STOP_WORDS | CHATTER_WORDS

# Greeting and meta words: a message made only of these (and stop words) is small talk.
GREETING_WORDS = frozenset("hi hello hey hiya yo morning evening afternoon".split())
THANKS_WORDS = frozenset("thanks thank thx ty cheers".split())

_stemmer = Stemmer.Stemmer("english")


def clean(text: str) -> str:
    """Slack markup, emoji codes and control characters removed, Unicode folded; readable."""
    text = text[: MAX_QUERY_CHARS * 4]
    text = _SLACK_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = unicodedata.normalize("NFKC", text)
    text = _EMOJI.sub(" ", text)
    text = _visible(text)
    text = _BOT_NAME.sub(" ", text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def without_asides(text: str) -> str:
    """A query (`clean`ed) without what frames it and says nothing of its subject: a link
    ("see https://www.nato.int - ..."), what the answer is for ("for a briefing note"), a
    time of day or a length ("for a call at 3", "2 lines max"), how broadly to answer ("in
    general"), thanks for an earlier answer ("thx for the last one"). Queries only: a card's
    own text keeps every word."""
    lower = text.lower()
    for pattern, needs in _ASIDES:
        if any(map(lower.__contains__, needs)):
            text = pattern.sub(" ", text)
    return " ".join(text.split())


def _visible(text: str) -> str:
    """Control and separator characters (Unicode categories C and Z) as spaces; ASCII text
    (most queries) by one table look-up a character in C, not a Python call each."""
    if text.isascii():
        return text.translate(_ASCII_CONTROLS)
    return "".join(ch if unicodedata.category(ch)[0] not in "CZ" else " " for ch in text)


def readable(text: str) -> str:
    """What the person typed, for echoing back: Slack markup removed and Slack's `&amp;`
    escaping decoded once, but no Unicode folding, so a full-width `＠here` stays the
    harmless character it was instead of becoming `@here`. The renderer escapes it."""
    text = text[: MAX_QUERY_CHARS * 4]
    text = _SLACK_LINK.sub(lambda m: m.group(1) or m.group(2), text)
    text = _SLACK_SPECIAL.sub(" ", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _visible(text)
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def fold(text: str) -> str:
    """Lower-case, accents off, every dash and punctuation mark a space: 'Arms-Control' -> 'arms control'."""
    text = text.casefold()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(_NON_WORD.sub(" ", text).replace("_", " ").split())


def tokens(text: str) -> list[str]:
    """Folded tokens, stop words kept, letters and digits apart: 'UNSCR1325' -> unscr 1325."""
    return _LETTERS_DIGITS.sub(" ", fold(text)).split()


# Separators for folding many fields in one call (`fold_fields`): never word characters, and
# not whitespace either, so splitting on whitespace keeps them as tokens of their own.
FIELD_SEP = "\x00"
GROUP_SEP = "\x01"
CARD_SEP = "\x02"
SEPARATORS = FIELD_SEP + GROUP_SEP + CARD_SEP
_NON_WORD_KEEP_SEPS = re.compile(r"[^\w\x00-\x02]+")
_ASCII_FOLD = bytes(
    c + 32 if 65 <= c <= 90 else c if chr(c).isalnum() or c < 3 else 32 for c in range(256)
)  # ASCII: letters lower-cased, letters, digits and the separators kept, the rest a space
# ASCII letters as "a", digits as "0": a letter next to a digit shows as "a0" or "0a"
_SHAPE = bytes(97 if chr(c).isalpha() else 48 if chr(c).isdigit() else 32 for c in range(256))


def fold_fields(text: str) -> tuple[str, str]:
    """Fields joined by FIELD_SEP, GROUP_SEP and CARD_SEP, folded in one pass: (their folded text, their
    token text), separators kept. Split at the separators and on whitespace, each field gives
    exactly `fold(field).split()` and `tokens(field)`. Indexing a large corpus folds a card
    with a few C-level calls instead of a few per field; ASCII text (most of it) goes through
    byte tables, as regular expressions cost ~50x more per character."""
    if text.isascii():
        raw = text.encode("ascii").translate(_ASCII_FOLD)
        folded = raw.decode("ascii")
        shape = raw.translate(_SHAPE)
        if b"a0" not in shape and b"0a" not in shape:
            return folded, folded
    else:
        text = text.casefold()
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        folded = _NON_WORD_KEEP_SEPS.sub(" ", text).replace("_", " ")
    return folded, _LETTERS_DIGITS.sub(" ", folded)


def is_filler(word: str) -> bool:
    return word in FILLER


def words(text: str) -> list[str]:
    """Folded words, stop and chatter words dropped; the query side of matching."""
    return [w for w in tokens(text) if not is_filler(w)]


def is_year(word: str) -> bool:
    return bool(_YEAR.match(word))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English (PyStemmer): 'decided'/'decide', 'participation'/'participates' meet,
    while 'former'/'form' and 'station'/'state' stay apart. Numbers are left alone."""
    if word.isdigit() or len(word) < 4:
        return word
    return _stemmer.stemWord(word)


def stem_all(words: list[str]) -> list[str]:
    """`stem` of every word, in one call into the stemmer: indexing stems each distinct word
    of a corpus once, and 100,000 Python-level calls would cost more than the stemming. The
    words to stem are picked and put back by C-level `map`s, not a Python loop per word."""
    stemmable = list(
        map(and_, map((3).__lt__, map(len, words)), map(not_, map(str.isdigit, words)))
    )
    todo = list(compress(words, stemmable))
    stemmed = dict(zip(todo, _stemmer.stemWords(todo), strict=True))
    return list(map(stemmed.get, words, words))
