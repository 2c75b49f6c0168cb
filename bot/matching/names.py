"""Descriptions of the three organisations said by their names: "Europe's security club" is
the OSCE, "the world body" the UN, "the western military alliance" NATO (and "the European
Union" the EU, the short name the matcher's rules for a partner named in passing know).

People who do not know the acronyms describe the organisations, and each description is
put together from a few parts (a word for Europe, a size, "security", a word for a body),
so the thesaurus cannot list them all. Said by its name, the organisation is what the rest
of the matcher knows best: the names are the cards' common ground (`ORG_TERMS`), and the
other words of the query decide the card. Left as words, "european", "security" and
"group" are three more subjects, and they pull towards whichever card says them.
"""

from __future__ import annotations

import re

_EUROPE = r"(?:pan[- ]?european|europe[- ]wide|european|europes|europe(?:'s|’s| s)?)"
_SIZE = r"(?:(?:biggest|largest|main|big|top|regional|own|whole|wider|57[- ]nation)\s+)?"
# a body of any kind: with "security" before it, people too ("the european security folks")
_BODY = r"(?:body|organi[sz]ation|club|forum|outfit|watchdog|grouping)"
_PEOPLE = r"(?:group|folks|people|institution|bloc|crowd|lot|guys)"
_OSCE = re.compile(
    rf"\b(?:the\s+)?{_EUROPE}\s+{_SIZE}(?:security\s+(?:{_BODY}|{_PEOPLE})|{_BODY})\b",
    re.IGNORECASE,
)
# the OSCE's people on the ground: "the European monitors" (the OSCE monitors, verifiers)
_OSCE_OF = re.compile(
    r"\bthe\s+european(?=\s+(?:monitors|observers|verifiers|mission|missions)\b)",
    re.IGNORECASE,
)
_UN = re.compile(r"\b(?:the\s+)?(?:world|global)\s+(?:body|organi[sz]ation)\b", re.IGNORECASE)
# "the alliance" alone too: the only alliance these sources (and so the cards) know is NATO
_NATO = re.compile(
    r"\b(?:the\s+)?(?:(?:western|trans[- ]?atlantic|atlantic|north\s+atlantic|military"
    r"|defen[cs]e|security)\s+)+(?:alliance|pact|bloc)\b|\bthe\s+alliance\b",
    re.IGNORECASE,
)
# the EU by its short name, which the cards' rules for a partner named in passing know
_EU = re.compile(r"\b(?:the\s+)?european\s+union\b", re.IGNORECASE)
# after the UN is said, its department for the OSCE: "the UN's peacemaking department"
_DPPA = re.compile(
    r"\b(?:the\s+)?UN(?:'s|’s|\s+s)?\s+(?:own\s+)?(?:peace(?:making|building)?"
    r"(?:\s+and\s+(?:politics|political))?|political(?:\s+affairs)?|politics)\s+"
    r"(?:department|office|arm|team|unit|wing|division|people|section)\b",
    re.IGNORECASE,
)
# where an organisation sits, said after its name ("the UN, headquartered in New York"):
# more of the description, not a place the question asks about
_SEATS = {"UN": r"new\s+york", "NATO": r"brussels", "OSCE": r"vienna"}
_SEATED = tuple(
    (
        re.compile(
            rf"\b{name}\b,?\s+(?:(?:that|which)\s+is\s+)?(?:headquartered|based|seated|sitting)"
            rf"\s+in\s+{seat}\b",
            re.IGNORECASE,
        ),
        name,
    )
    for name, seat in _SEATS.items()
)
# the organisations' full names, which the cards write as their acronyms: "United Nations"
# said so is two capitalised words that a card saying "UN" lacks (`Matcher._names_on`)
_FULL = (
    (re.compile(r"\bUnited\s+Nations\b", re.IGNORECASE), "UN"),
    (re.compile(r"\bNorth\s+Atlantic\s+Treaty\s+Organi[sz]ation\b", re.IGNORECASE), "NATO"),
    (
        re.compile(
            r"\bOrgani[sz]ation\s+for\s+Security\s+and\s+Co-?operation\s+in\s+Europe\b",
            re.IGNORECASE,
        ),
        "OSCE",
    ),
)
# Each pattern, in order, with the words (lower case) one of which it cannot match without:
# most queries describe no organisation, and a substring test (~50 ns) spares a pattern's
# search (~2 us; one case-insensitive pattern for all of them costs more than all of these).
_SAID = (
    *((pattern, name, ("united", "atlantic", "organi")) for pattern, name in _FULL),
    (_OSCE, "OSCE", ("europ",)),
    (_OSCE_OF, "the OSCE", ("european",)),
    (_UN, "UN", ("world", "global")),
    (_NATO, "NATO", ("alliance", "pact", "bloc")),
    (_EU, "EU", ("union",)),
    (_DPPA, "DPPA", ("peace", "politic")),
    *(
        (pattern, name, ("headquartered", "based", "seated", "sitting"))
        for pattern, name in _SEATED
    ),
)


def say_names(text: str) -> str:
    """`text` with each description of the OSCE, the UN, NATO, the EU or the DPPA replaced
    by its name."""
    lower = text.lower()
    for pattern, name, needs in _SAID:
        for word in needs:
            if word in lower:
                text = pattern.sub(name, text)
                lower = text.lower()
                break
    return text
