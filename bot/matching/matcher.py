"""The matcher: from the words a person typed to the card they meant, or an honest "not sure".

Scoring is word-based with rare words weighing more (idf), so "nato" — on most cards —
says little while "kfor" says everything. rapidfuzz forgives typos word by word; PyStemmer
meets word endings; the thesaurus (facts/thesaurus.yaml) turns everyday words and phrases
("people smuggling") into the concepts the cards use; words run together or split
("vienadocument", "frame work") are split or joined against the cards' vocabulary. Cards are
reached through an inverted index of words, so cost follows the query's rare words, not the
size of the corpus. Everything that does not depend on the query is computed at index time.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from bot.cards import Card, Corpus
from bot.matching.build import build_index
from bot.matching.dates import (
    DECADE_WORDS,
    MONTHS,
    RANGE_WORDS,
    is_decade,
    one_year,
    say_dates,
    span_of,
)
from bot.matching.index import (
    ALIAS,
    CODE_WEIGHT,
    CODES,
    FIELD_WEIGHT,
    PASSING_CODES,
    TOPIC,
    Index,
)
from bot.matching.names import say_names
from bot.matching.semantic import MAX_CARDS as MEANING_MAX_CARDS
from bot.matching.semantic import Meaning, Near
from bot.matching.text import (
    CHATTER_WORDS,
    STOP_WORDS,
    clean,
    fold,
    is_filler,
    is_year,
    stem,
    tokens,
    without_asides,
)

if TYPE_CHECKING:
    import numpy as np

__all__ = ["FIELD_WEIGHT", "Index", "MatchResult", "Matcher", "Scored", "build_index", "decide"]

ORG_WORDS = {
    "un": "un", "united nations": "un", "nations": "un", "dppa": "un",
    "nato": "nato", "alliance": "nato", "north atlantic": "nato",
}  # fmt: skip
ORG_TERMS = frozenset({"un", "united", "nations", "dppa", "nato", "alliance", "osce"})
# Words every card could say, its subject being the organisations' work together: like their
# names, they do not make a card's passing mention of another word ("the EU", in a list of
# partners) its subject.
FRAME_WORDS = frozenset(
    """cooperate cooperates cooperated cooperating cooperation collaborate collaboration
    partner partners partnership partnerships together jointly joint work works working
    relations relationship ties""".split()
)
# "work with", "work on": how the organisations relate, as every card has it. Left as a word,
# "work" weighs what its rarest form on the cards does ("working") and pulls towards the cards
# that say "OSCE work"; read so, it is dropped. The noun ("OSCE work in Bosnia") stays.
WORK_WORDS = frozenset("work works worked working".split())
WORKING_HOW = frozenset("with on together alongside closely jointly".split())
# Words that, around a year, still ask "what happened then?"
DATE_WORDS = frozenset(
    """happened happen happening events event year years anniversary anniversaries history
    timeline date dates spring summer autumn fall winter early late mid beginning end start
    came come out on going anything news during back then time period related relating
    regarding concerning involving relations relationship ties went go goes gone occur occurred
    occurring took place key main major notable important highlights highlight developments
    development everything list show give overview summary""".split()
)
# ... of which these only place the year they come before ("in spring 1999", "the summer
# of 2016", "late 1998"): a time, which the year says, not a word a card should have
YEAR_PARTS = frozenset("spring summer autumn fall winter late mid".split())
# Words asking about the present or the future: the cards are a record of the sources, so
# such a question never gets a confident card, only suggestions.
RECENCY_WORDS = frozenset(
    "current currently now nowadays today todays next upcoming tomorrow still anymore moment".split()
)
# ... of which these ask about the present whatever year the query names ("is the 1993
# framework still in force?" names the year of the text, not the time asked about)
PRESENT_WORDS = frozenset("still anymore currently nowadays".split())
# Who heads an organisation changes too, so an office said this way ("the osce chief",
# "nato's leaders") is a question about the present, like the words above, unless the
# question asks when something happened ("when did the head of the un and the osce chair
# put out a statement?"): that asks for an event of the sources, which the office-holders
# took part in, not for who holds the office now. Asking when someone took office or was
# appointed (`TENURE_WORDS`) is still a question about the holder.
WH_WORDS = frozenset("who whom whose what which when where why how".split())
COPULAS = frozenset("is are was were can could should must may".split())
QUESTION_VERBS = frozenset("do does did is are was were has have had can could will would".split())
HEAD_WORDS = frozenset("head heads headed leads leader leaders boss chief".split())
TENURE_WORDS = frozenset(
    """appoint appointed appointment elect elected chosen choose chose named picked become
    became becomes change changed changes resign resigned step stepped retire retired term
    terms""".split()
)
TENURE_PAIRS = frozenset((verb, "office") for verb in ("take", "takes", "took", "taken", "left"))
RECENCY_PAIRS = frozenset({("these", "days")})
PLACE_PAIRS = frozenset({("next", "to")})  # "the office set up next to the osce": a place
# What became of an agreement after the sources ("has the 2014 workplan been renewed
# since?"): a question past their end even when it names the year it began, which the
# words above are not
LATER_WORDS = frozenset("renew renewed renewal extend extended extension expire expired".split())
# Other organisations by their acronyms: a question about the OSCE's work with one of them
# ("How does the OSCE cooperate with the EU on crisis management?") is not answered by a
# card that does not name it, whatever else they share (`_answers`)
PARTNERS = frozenset({"eu", "au", "coe", "asean", "csto", "cis", "oas", "icrc", "unhcr", "undp"})
# A person asking how to do something ("how do I subscribe to the newsletter?", "where can
# I apply?"): the cards hold what the sources say, not procedures, so never a card
HOW_TO_ASKS = frozenset(
    (lead, verb, "i") for lead in ("how", "where") for verb in ("do", "can", "should", "would")
)
# A question for what lies beyond a subject ("apart from the osce, what else did nato
# decide at warsaw?", "what else do they do?"): the card on the subject is what it sets
# aside, so its answer is the other cards, offered as suggestions
BEYOND_PAIRS = frozenset(
    {(lead, "else") for lead in ("what", "who", "where", "when", "which")}
    | {("apart", "from"), ("aside", "from"), ("other", "than"), ("besides", "the")}
)
# Offices whose holder changes: "who is the nato secretary general?" asks who holds one now
OFFICE_WORDS = frozenset(
    """secretary general generals secretarygeneral chairperson chairman chairwoman chair
    president director representative ambassador spokesperson commander sg cio head chief leader
    boss in office""".split()
)
WHO_IS = (("who", "is"), ("who", "s"), ("whos",), ("who", "are"), ("who", "holds"))
# A question for the person who held an office ("who was the un secretary-general in 2019?",
# "the name of the director of ..."): the cards name offices and rarely their holders
# (`_asks_for` "person"). Not "in" or "office": "who is in charge of ..." may ask for a body
# An officer or envoy is asked for as a holder too, but is not an `OFFICE_WORDS` word, which
# would also read "who is ..." as a question about the present (`_who_holds`)
HOLDER_WORDS = (OFFICE_WORDS - {"in", "office"}) | {
    "officer",
    "officers",
    "envoy",
    "envoys",
    "liaison",  # "who is nato's liaison to the osce?" (`_office_named`)
}
OFFICE_WITHIN = 3  # words of the office a "who is ..." names ("nato's liaison officer")
ARTICLES = frozenset({"the", "a", "an", "s"})
WHO_WAS = (*WHO_IS, ("who", "was"), ("who", "were"))
NAME_OF = frozenset({("name", "of"), ("names", "of")})
WHICH = (("which",),)  # "which nato secretary general met ...": an office's holder
# ... or for a person as such, or by what only a person does to a text: "which person was
# the chairperson ...", "who drafted the policy?", "who edits the newsletter?" (not "who
# signed": organisations and countries sign too, `SIGNER_ASKS`)
PERSON_ASKS = frozenset(
    {("which", "person"), ("what", "person")}
    | {("who", verb) for verb in "drafted wrote authored edits edited writes".split()}
)
# Questions for the officials who did something ("which officials signed the joint
# statement?", "name the officials who signed the workplan"): a card answers by naming them
# or their offices ("the UN Secretary-General and the OSCE Chairperson-in-Office"), not by
# the bodies it names ("the Policy and Mediation Division")
OFFICIALS_ASKS = frozenset(
    (ask, who) for ask in ("which", "what", "name") for who in ("officials", "individuals")
)
OFFICIALS = frozenset({"officials", "individuals", "people", "persons"})  # "name the ..."
OFFICIAL_TITLES = frozenset(
    """secretary secretaries secretarygeneral chairperson chairman chairwoman president
    director representative ambassador spokesperson commander officer officers envoy
    envoys""".split()
)
# "who runs the un liaison office?": an office, a department or a unit is run by a person,
# whom the cards rarely name (a force may be run by an organisation: "who runs the
# peacekeeping troops in kosovo?" is NATO)
RUN_VERBS = frozenset("run runs ran manage manages managed oversee oversees oversaw".split())
RUNS = tuple(("who", verb) for verb in sorted(RUN_VERBS))
RUN_WITHIN = 7  # words after "who runs" in which a body is named
BODY_WORDS = frozenset(
    """office offices department departments unit units secretariat centre center presence
    division section branch""".split()
)
NAMED_WITHIN = 8  # words after "name of" in which an office says a person is asked for
# ... or for who led something ("who led the kosovo verification mission?", "... and who
# chairs them?"): a body may run or organise a thing, but leading, chairing, commanding or
# directing one is what a person does, as head of it. Not after a word for a person: "do
# nato's leaders meet the person who chairs the osce?" names an office, and does not ask
LEAD_VERBS = frozenset("led leads chaired chairs commanded commands directed directs".split())
PERSON_NOUNS = frozenset(
    "person people one ones official officials someone those man woman".split()
)
# A question for who signed a text ("who signed the 1993 framework?", "the signatories of
# the Vienna Document"): a person, a body or a country, which a card states only where it
# says the text was signed ("DPPA ... signed a joint workplan", "All NATO Allies signed")
SIGN_WORDS = frozenset("sign signs signed signing signatory signatories".split())
SIGNER_ASKS = frozenset({("who", verb) for verb in ("signed", "signs", "sign", "ratified")})
SIGNERS = frozenset({"signatory", "signatories"})
# Questions for a count, and the words that state one on a card (`_asks_for`, `states`)
COUNT_ASKS = frozenset({("how", "many"), ("how", "much"), ("number", "of")})
# how big something is ("how big is the conflict prevention centre?"): a number states it,
# or a card's own comparison ("the OSCE's largest field operation")
SIZE_ASKS = frozenset({("how", "big"), ("how", "large"), ("what", "size"), ("size", "of")})
SIZE_WORDS = frozenset({"largest", "biggest", "smallest"})
# a number asked ("troop numbers", "the turnout")
COUNT_WORDS = frozenset("turnout percentage percent proportion numbers headcount".split())
# ... then what is counted, which a card's number counts when one of the next three words
# says it ("five Western Balkans countries")
COUNTS_OF = frozenset({("how", "many"), ("number", "of")})
COUNTED_WITHIN = 3
# A question for a date's month ("in which month of 2016 ..."): a year alone does not say
# it; and for its day: "on what date ...", "which day", "the exact date"
MONTH_ASKS = frozenset({("which", "month"), ("what", "month")})
DAY_ASKS = frozenset(
    {("which", "day"), ("what", "day")}
    | {(exact, unit) for exact in ("exact", "precise") for unit in ("date", "day")}
)
ON_DATE = (("on", "what", "date"), ("on", "which", "date"))
# Questions for a date: "what year", "when was/did ...", "since when". Not "when does" or
# "when" alone: "when does the osce brief nato?" may ask for an occasion ("when invited"),
# which an undated card can state (`UNDATED` weighs it down)
DATE_ASKS = frozenset(
    {(which, year) for which in ("what", "which") for year in ("year", "years")}
    | {("what", "date"), ("since", "when")}
    | {("when", verb) for verb in ("was", "were", "did")}
)
# Questions for a place: "where was/did ...", "which city", "at which summit" (a summit is
# known by its place: "the Warsaw summit"), "the venue"; for a country:
# "which country", "what countries"
PLACE_ASKS = frozenset(
    {("where", verb) for verb in "is s was were are did does do has have had".split()}
    | {(which, noun) for which in ("which", "what") for noun in ("city", "town", "summit")}
)
# A question for what a text says or authorises ("what did UNSCR 1244 say about ...",
# "what exactly did UNSCR 1031 authorise?": `_speaker`): the text is named between
# "do/does/did" and the verb, within `SPEAKER_WITHIN` words; the organisations and these
# words name no text ("what do nato and the osce both say ...")
SAY_WORDS = frozenset(
    """say says said state states stated mention mentions mentioned authorise authorises
    authorised authorize authorizes authorized require requires allow allows permit
    permits""".split()
)
AUX_WORDS = frozenset({"do", "does", "did"})
SPEAKER_WITHIN = 8
QUANTIFIERS = frozenset({"both", "each", "all", "either"})
# a judgement of how well something went ("has it been a success?", "where has it worked
# well?"): a card states one only in words like these ("cited as successful examples")
ASSESS_WORDS = frozenset(
    """success successes successful successfully unsuccessful succeed succeeded effective
    effectively effectiveness ineffective fail fails failed failure failures assess assessment
    worthwhile vital""".split()
)
ASSESS_PAIRS = frozenset((verb, "well") for verb in ("work", "worked", "went", "gone")) | {
    ("better", "than"),  # "is the vienna document better than the cfe treaty?": a judgement
    ("worse", "than"),
}
# how often something happens ("how often does the un chief meet the osce chair?"): stated
# only in words like these ("annual staff talks", "meet regularly")
FREQUENCY_ASKS = frozenset({("how", "often"), ("how", "frequently")})
FREQUENCY_WORDS = frozenset(
    """annual annually yearly every regular regularly frequent frequently periodic
    periodically monthly weekly once twice""".split()
)
# Questions for what happened to a text or a force beyond what the sources tell ("what did
# the 1993 framework replace?", "was the vienna document ever violated?", "which states
# opposed modernising it?", "what did the workshop conclude?"): each is stated on a card
# only in its own words ("its successor SFOR", "compliance with the cease-fire"). Verbs
# and the nouns that say nothing else: "compliance checks" (verification) and "human
# rights violations" are subjects, not questions of compliance, and are left out.
SUCCESSION_WORDS = frozenset(
    """replace replaced replaces replacing replacement successor successors predecessor
    predecessors supersede superseded supersedes""".split()
)
COMPLIANCE_WORDS = frozenset(
    """violate violated violates violating breach breached breaches breaching comply complied
    complies complying cheat cheated cheating compliance""".split()
)
COMPLIANCE_ASKS = COMPLIANCE_WORDS - {"compliance"}
OPPOSITION_WORDS = frozenset(
    "oppose opposed opposes opposing opposition objected objection objections veto vetoed".split()
)
CONCLUSION_WORDS = frozenset("conclude conclusion conclusions finding findings".split())
REACTION_WORDS = frozenset("reaction reactions react reacted reception".split())
REACTED_WORDS = REACTION_WORDS | frozenset("welcomed praised criticised criticized".split())
CRITICISM_WORDS = frozenset(
    """criticism criticisms criticise criticised criticises criticize criticized criticizes
    critics controversy controversial""".split()
)
SUSPENSION_WORDS = frozenset("suspend suspended suspends suspension halted paused frozen".split())
PROPOSAL_WORDS = frozenset("propose proposed proposes proposal proposals suggested".split())
BINDING_WORDS = frozenset("binding legally enforceable nonbinding".split())
MERGER_WORDS = frozenset("merge merged merger mergers merging".split())
# What something led to ("what were the consequences of the kvm's withdrawal?"): a card
# that tells the withdrawal and its cause does not tell what followed from it.
CONSEQUENCE_WORDS = frozenset("consequence consequences aftermath repercussions fallout".split())
CONSEQUENCE_STATED = CONSEQUENCE_WORDS | frozenset("resulted outcome outcomes impact".split())
# Who left a treaty or a mission ("who pulled out of the cfe treaty?"): stated only by a
# card that tells of a withdrawal ("the mission was forced to withdraw").
WITHDRAWAL_WORDS = frozenset(
    "withdraw withdraws withdrew withdrawn withdrawing withdrawal withdrawals quit exited".split()
)
WITHDRAWAL_PAIRS = frozenset((verb, "out") for verb in ("pull", "pulls", "pulled", "pulling"))
# How a resolution was voted ("was unscr 1244 adopted unanimously?"); no source says.
# Not the noun "vote", which people say for an election ("during the bosnian vote").
VOTE_ASKS = frozenset("voted abstain abstained abstention unanimous unanimously".split())
VOTE_WORDS = VOTE_ASKS | frozenset("vote votes voting".split())
# Who took part in an event ("the conference's participants", "list the speakers"): a card
# answers only if it says who attended, joined or spoke.
PARTICIPANT_WORDS = frozenset("participants attendees delegates delegations speakers".split())
PARTICIPANT_PAIRS = frozenset((verb, "part") for verb in ("take", "takes", "took", "taking"))
# What a person said ("what did the nato secretary general say at the ministerial
# council?", "his speech", "any quotes from ..."): a card that says the two meet does not
# say what was said, as one that quotes a statement or a declaration does. A text that
# says something ("what does unscr 1244 say?") is `_speaker`'s and `_titled`'s.
REMARK_ASKS = frozenset("speech speeches remarks quote quotes quoted quotation".split())
REMARK_WORDS = REMARK_ASKS | frozenset(
    """said stated statement statements declared declaration declarations called urged
    stressed underlined welcomed affirmed reaffirmed pledged""".split()
)
SPEAKING_PEOPLE = (
    HOLDER_WORDS
    | OFFICIAL_TITLES
    | (PERSON_NOUNS - {"one", "ones"})
    | frozenset("he she minister ministers diplomat diplomats".split())
)  # not "one": "nato's strategy paper, the latest one, say ..." is a text
# Why something came late ("why did it take nato until 2023 to update ...?", "why the
# delay?"): no source gives a reason for a date, and a card with the date does not say why.
DELAY_WORDS = frozenset("delay delays delayed postponed postpone late".split())
DELAY_PAIRS = frozenset({("so", "long"), ("so", "late")})
TAKE_WORDS = frozenset({"take", "took", "taken", "taking", "takes"})  # "take ... until"
# The language something is done in ("what language are the staff talks held in?", "in which
# languages is the newsletter?"): no source says. Not "language" alone: "in plain language"
# says how to answer, and "the language of the strategic concept" its wording.
LANGUAGE_WORDS = frozenset({"language", "languages"})
LANGUAGE_ASKS = frozenset(
    (lead, word) for lead in ("what", "which", "working", "official") for word in LANGUAGE_WORDS
)
LANGUAGES_STATED = LANGUAGE_WORDS | frozenset(
    "english french russian german spanish arabic chinese interpreted translated".split()
)
PARTICIPATION_WORDS = PARTICIPANT_WORDS | frozenset(
    """attended attend attends joined participated participation participate spoke addressed
    briefed invited""".split()
)
# Who made a body or a text ("who founded the atu?"): a card answers only if it tells how
# the thing came about.
FOUNDER_VERBS = frozenset(
    "founded created established formed started launched set initiated".split()
)
FOUNDING_WORDS = FOUNDER_VERBS | frozenset(
    "founding establish establishment creation opened developed adopted drew drawn mounted".split()
)
# How long one event lasted ("how long do the staff talks last?"): a card with a start and
# an end, or a length in days, weeks or months.
HOW_LONG = ("how", "long")
LAST_WORDS = frozenset("last lasts lasted lasting take takes took".split())
LENGTH_WORDS = frozenset("day days week weeks month months hour hours".split())
# A keyword query that ends on an office ("atu director", "kfor commander") asks who holds it.
KEYWORD_HOLDERS = frozenset("director commander head chief boss".split())
# "which resolution created kfor?": a card answers with a resolution it names ("UNSCR
# 1244"), not with "a United Nations mandate"; the words between "which" and it
RESOLUTION_WORDS = frozenset({"resolution", "resolutions", "unscr", "res"})
RESOLUTION_LEAD = frozenset({"un", "unsc", "security", "council", "number", "s"})
AFTER_END_WITHIN = 3  # "after it was closed": the end's word this close after "it"
ENDED_PRONOUNS = frozenset({"it", "they", "its"})
# Questions for an office's contact details ("the liaison office's street address", "its
# website", "a phone number for ..."): no card states any, as no source does. "address"
# only as a noun: "how does nato address trafficking?" asks what it does
CONTACT_WORDS = frozenset("website websites email emails phone telephone fax".split())
CONTACT_SPLIT = frozenset({("e", "mail"), ("web", "site")})  # "e-mail": "email"
CONTACT_DETAILS = frozenset("address addresses number numbers details contact contacts".split())
CONTACT_PAIRS = frozenset(
    {(lead, "address") for lead in ("street", "postal", "mailing", "email", "the", "its", "their")}
    | {("address", "of"), ("contact", "details")}
)
# not "nations": "what united nations ..."; members and allies of an organisation are countries
COUNTRY_WORDS = frozenset({"country", "countries", "members", "allies"})
PLACE_WORDS = frozenset({"venue", "venues", "located", "location"})
# "tell me where the conference was held": "where" anywhere, with a verb of place
PLACE_VERBS = frozenset("held hosted located based signed headquartered situated".split())
# Questions about a country's membership of an organisation ("when did sweden join nato?",
# "the year north macedonia became a nato member"), and the words that state one on a card
JOIN_WORDS = frozenset({"join", "joins", "joined", "joining"})
BECOME_WORDS = frozenset({"become", "becomes", "became", "becoming"})
MEMBER_WORDS = frozenset({"member", "members", "ally", "allies"})
MEMBERSHIP_WORDS = frozenset({"membership", "accession", "accede", "acceded", "accedes"})
# after "join nato": a word that ends what is joined ("... join nato in 2023?"); any other
# ("joined NATO's workshop", "joins NATO programmes") makes the organisation a modifier
JOINED_ENDS = frozenset({"in", "when", "after", "before", "as", "too"})
NUMBER_WORDS = frozenset(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty hundred hundreds thousand thousands million millions billion billions dozen dozens
    percent""".split()
)
# stems of the words that ask about (or state) money
MONEY_STEMS = frozenset(
    stem(w)
    for w in """budget budgets cost costs spend spending spent euro euros dollar dollars salary
    salaries price fee fees fund funded funding funds financed financing finance money pay
    paid pays afford""".split()
)
# stems of the words for an end ("when did SFOR end?", "...the mission withdrew")
END_STEMS = frozenset(
    stem(w)
    for w in """end ended ends finish finished close closed dissolve dissolved disband disbanded
    withdraw withdrew withdrawn withdrawal terminate terminated expire expired""".split()
)
# ... and, after "after it" or "after they", the ways people say a mission left ("what
# happened to the monitors after they left?")
AFTER_END_STEMS = END_STEMS | frozenset(stem(w) for w in "left leave shut quit".split())
# the stems of words that say a date, which are not what a dated event is about
DATE_STEMS = frozenset(stem(t) for t in (*DATE_WORDS, *MONTHS))
# Words for an organisation's own start or end ("when was NATO founded?")
LIFECYCLE_WORDS = frozenset("founded founding established created formed dissolved".split())
WHEN_WORDS = frozenset({"when", "year", "date"})  # asking for a date
UNDATED = 0.9  # a card without a date, for a question asking when
ERA_WEIGHT = 1.0  # a decade counts as much as one word of the query

CARD_AT = 0.5  # a score from which one card may be answered
MARGIN = 0.06  # ... if it leads the runner-up by this much
LONE_AT = 0.35  # one card far ahead of every other: answered from this score
LONE_MARGIN = 0.3  # ... or from LONE_AT, when no other card comes within this of it
COMPLETE_AT = 0.25  # ... or from this, when it is the only card with every word of the query
SUGGEST_AT = 0.3  # candidates worth offering as "did you mean"
MAX_UNKNOWN_SHARE = 0.4  # of the query's weight, in words no card has
NEAR = 0.15  # below this nothing is offered at all
MAX_SUGGESTIONS = 5
PAIRS_CACHE = 1024  # cards whose word pairs are kept (`_names_on`)
PAIRS_WARM = 256  # ... read for every card at start-up up to this many (~10 kB, ~0.16 ms each)
RARE_MIN_POSTINGS = 50  # below this corpus size every word is "rare": all cards are scored
MAX_POSTINGS = 20_000
PRE_SHARE = 0.5
MAX_SCORED = 40  # pre-ranked by the query's words; the full score only for these
FUZZY_LIMIT = 4
FUZZY_CUTOFF_SHORT = 85  # rapidfuzz ratio a typo of a word of up to 5 letters needs
FUZZY_CUTOFF = 82  # ... and of a longer word: one letter wrong in 6 (83), not two in 10 (80)
SWAPPED_SIMILARITY = 0.8  # a word with two adjacent letters swapped ("kfro" for "kfor")
CONCEPT_SIMILARITY = 0.9  # a thesaurus word stands for its group's words nearly as well
MIN_SPLIT = 3  # parts of a word run together are at least this long
MAX_PARTS = 4  # ... and there are at most this many
MULTI_SPLIT_FROM = 14  # ... but more than two only in a word this long or longer
PERIOD_SPREAD = 0.1  # a time named, no card clear: the cards this close to the best, dated then
# The meaning tier (bot.matching.semantic), asked when words found no card or a weak one.
MEANING_AT = 0.65  # its closest card is answered from this cosine ...
MEANING_MARGIN = 0.05  # ... when no other card comes within this of it,
MEANING_CONTENT = 0.45  # and the query without the organisations' names is this close
MEANING_CONTENT_MARGIN = 0.08  # ... to the same card and this far ahead of any other.
MEANING_OVER_WORDS = 0.6  # a card words found with less than this gives way ...
MEANING_SURE = 0.85  # ... to one this close in meaning
MEANING_SURE_MARGIN = 0.1  # ... and this far ahead of any other (and `_meant`).
OVERRULE_SPREAD = 0.15  # ... or, to a card words found nearly as well (this close), by `_clear`
MEANING_SUGGEST = 0.5  # when words found nothing: "did you mean" from this cosine
MEANING_SPREAD = 0.1  # ... for the cards within this of the closest
TOGETHER_WORDS = 0.5  # words and meaning together: a card's words score counts this much ...
TOGETHER_AT = 0.65  # ... in a weighted mean with its closeness in meaning that reaches this
TOGETHER_MARGIN = 0.04  # ... and leads every other card's by this much
REPHRASED_SPREAD = 0.25  # a runner-up this close to the first card words found ...
REPHRASED_AT = 0.7  # ... is answered when the query's words are this like one of its questions
REPHRASED_LEAD = 0.15  # ... and this much more like them than like the first card's

ASIDE_CODES = PASSING_CODES | {-1}  # where a card has a word in passing, or not at all
# a country no card names ("did russia leave the cfe treaty?", in lower case too) is
# another place than the cards': a near miss, as a capitalised name no card has
COUNTRY_NAMES = frozenset(
    line
    for line in (Path(__file__).parent / "data" / "countries.txt").read_text("utf-8").splitlines()
    if line and not line.startswith("#")
)
_ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
# "now" opening a clause, then more of it: "ok now the kfor thing", "thanks! now, ..."
# where a chat turns to its next question: the start, a punctuation mark or a word of thanks
_TURN = r"(?:^|[.!?;:,\-\u2013\u2014]\s*|\b(?:ok|okay|and|so|thx|thanks|cool|great)\s+)"
_MOVING_ON = re.compile(_TURN + r"now\b(?!\s*(?:[?.!]|$))", re.IGNORECASE)
# "thx! next: does the osce ...", "next question, ...": "next" that moves a chat on
_NEXT_ON = re.compile(
    _TURN + r"next(?:\s*[:\-\u2013\u2014,]|\s+(?:q|question|one|up)\b)", re.IGNORECASE
)
# "the UN's top official": the possessive's "s" is not a part of a word split in two
# ("s" + "top" is "stop"; "k-for" and "s-for" are). Not "who's", "what's": they are "who is"
_POSSESSIVE = re.compile(
    r"\b(?!(?:who|what|where|when|why|how|it|that|there|here|he|she|let)['’])(\w+)['’]s\b",
    re.IGNORECASE,
)
# a Roman numeral of two or more letters ("chapter vii", "protocol ii"): a number, and like
# a number no card has it names another thing than the card with a neighbouring one
_ROMAN = re.compile(r"(?=[ivxlc]{2,}$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})")
# A capitalised word inside a sentence ("Russia", "Pact"): a name, when no card knows it
_NAME_RUN = re.compile(r"\b[A-Z][a-z]+(?:(?:[ -]|\s(?:of|for|on|and|the|de)\s)[A-Z][a-z]+)+\b")
_NAME = re.compile(r"(?<=[\w,;:)] )[A-Z][a-z]+(?:-[A-Z]?[a-z]+)*\b")

MatchKind = Literal["card", "suggestions", "none", "year"]


@dataclass(frozen=True)
class Scored:
    card: Card
    score: float
    complete: bool = False  # every word of the query is found on this card
    subject: bool = True  # some query word is what the card is about, not a passing mention


@dataclass(frozen=True)
class MatchResult:
    kind: MatchKind
    card: Card | None
    score: float
    ranked: tuple[Scored, ...] = ()
    year: int | None = None
    month: int | None = None
    year_cards: tuple[Card, ...] = ()
    smalltalk: bool = False  # only greetings, thanks and filler: nothing to look up
    until: int | None = None  # with `year`: the events of the years `year`..`until`


@dataclass(frozen=True)
class _Unit:
    """One thing the query says: a word (with what it may stand for) or a thesaurus phrase."""

    word: str
    expansion: dict[str, float]
    # a number, a code or a place the query ends on ("... the osce summit in astana?"):
    # unknown, it means "not what the cards hold"
    identifier: bool = False


class Matcher:
    """Holds the index of one corpus; `match` is a pure function of the query."""

    def __init__(self, corpus: Corpus, *, meaning: bool = True):
        self.index: Index = build_index(corpus)
        self._use_meaning = meaning  # off: words alone (tests of the word tiers)
        # word pairs of the cards last checked for a capitalised name (`_names_on`)
        self._pairs = functools.lru_cache(maxsize=PAIRS_CACHE)(card_word_pairs)
        thesaurus = corpus.thesaurus
        countries = frozenset(fold(place) for place in thesaurus.countries)
        places = countries | {fold(place) for place in thesaurus.places}
        # of the cards last asked
        self._states = functools.lru_cache(maxsize=1024)(
            functools.partial(states, places=places, countries=countries)
        )
        # the thesaurus's countries each of the cards last asked names (`_names_country`)
        self._countries_on = functools.lru_cache(maxsize=1024)(
            functools.partial(named_in, names=countries)
        )
        # what the queries last seen ask for: up to three candidates are checked a query
        self._asked = functools.lru_cache(maxsize=1024)(_asks_for)
        self._names = functools.lru_cache(maxsize=PAIRS_CACHE)(card_names)
        self._years = functools.lru_cache(maxsize=PAIRS_CACHE)(card_years)
        # the alternate questions of the cards last compared, as `asked_words` (`_rephrased`)
        self._questions = functools.lru_cache(maxsize=PAIRS_CACHE)(asked_questions)
        # the cards whose questions say a card's exact name, for the names last asked
        self._saying = functools.lru_cache(maxsize=PAIRS_CACHE)(self._questions_saying)
        # the terms of the titles of the cards last asked what a text says (`_titled`)
        self._title_terms = functools.lru_cache(maxsize=PAIRS_CACHE)(self._title_terms_of)
        # the organisations' names and their thesaurus concepts ("the alliance" is NATO):
        # a card that has one is not thereby about what the query asks
        concepts = self.index.concept_of_stem
        self._org_terms = ORG_TERMS.union(*(concepts.get(stem(w), ()) for w in ORG_TERMS))

    # ---- what a query word may stand for ------------------------------------------------
    def known(self, word: str) -> bool:
        return word in self.index.ids or bool(self.index.same_stem(stem(word)))

    def expand(self, word: str) -> dict[str, float]:
        """Corpus terms this query word may stand for, with a similarity in (0, 1]."""
        idx = self.index
        found: dict[str, float] = {}
        if word in idx.ids:
            found[word] = 1.0
        if word.isdigit():
            return found
        st = stem(word)
        for same in idx.same_stem(st):
            found.setdefault(same, 0.95)
        for concept in idx.concept_of_stem.get(st, ()):
            found.setdefault(concept, CONCEPT_SIMILARITY)
        if found:
            return found
        if len(word) >= 4:
            cutoff = FUZZY_CUTOFF_SHORT if len(word) <= 5 else FUZZY_CUTOFF
            for cand, score, _ in process.extract(
                word,
                self._fuzzy_pool(word),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=FUZZY_LIMIT,
            ):
                found[cand] = max(found.get(cand, 0.0), 0.9 * score / 100)
            # two adjacent letters swapped ("kfro"): one slip of the fingers, two edits to
            # ratio, which a longer word's cut-off allows
            for i in range(len(word) - 1 if not found and len(word) <= 5 else 0):
                swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                if swapped != word and swapped in idx.ids:
                    found.setdefault(swapped, SWAPPED_SIMILARITY)
        if len(word) >= 6:
            # a stem typed short ("traffick") or long ("terroristic"): share a long prefix
            vocab = idx.vocab
            at = bisect.bisect_left(vocab, word)
            while at < len(vocab) and vocab[at].startswith(word) and len(found) < 3 * FUZZY_LIMIT:
                found.setdefault(vocab[at], 0.85)
                at += 1
            for end in range(len(word) - 1, 5, -1):
                if word[:end] in idx.ids:
                    found.setdefault(word[:end], 0.85)
                    break
        return found

    def _fuzzy_pool(self, word: str) -> Sequence[str]:
        """Words a typo of `word` may be. Only lengths that can reach the similarity cut-off
        are looked at (ratio >= 80% needs lengths within half of each other); for a large
        vocabulary only those with the same first or the same last letter (blocking, as
        record linkage does), so a typo at either end of a word is still found."""
        idx = self.index
        reach = max(2, len(word) // 2)
        lengths = range(max(1, len(word) - reach), len(word) + reach + 1)
        pool: list[str] = []
        if not idx.blocks:
            for length in lengths:
                pool.extend(idx.by_length.get(length, ()))
            return pool
        for length in lengths:
            pool.extend(idx.blocks.get((word[0], length), ()))
            pool.extend(idx.blocks.get((f"${word[-1]}", length), ()))
        return pool

    # ---- reading a query ------------------------------------------------------------------
    def _joined(self, toks: list[str]) -> list[str]:
        """Words split that the cards write as one ("frame work", "k-for", "co operation")."""
        ids = self.index.ids
        out: list[str] = []
        i = 0
        while i < len(toks):
            if i + 1 < len(toks) and toks[i] + toks[i + 1] in ids:
                out.append(toks[i] + toks[i + 1])
                i += 2
            else:
                out.append(toks[i])
                i += 1
        return out

    def _split(self, word: str) -> list[str] | None:
        """A word run together from the cards' words ("humanbeings", "kosovoforce",
        "kosovoverificationmission"), up to `MAX_PARTS` of them, a function word between
        two ("womenpeaceandsecurity"); the fewest parts that explain it, and of those the
        split with the shortest first part; None when no split does."""
        n = len(word)
        if n < 2 * MIN_SPLIT + 1 or word.isdigit():
            return None
        # two parts: most splits. Direct calls, not `fits` below, which costs every unknown
        # word ~0.5 us more
        for k in range(MIN_SPLIT, n - MIN_SPLIT + 1):
            left, right = word[:k], word[k:]
            if self.known(left) and self.known(right) and not is_filler(left):
                return [left, right]
        if n < MULTI_SPLIT_FROM:
            return None  # a typo of one word, far more often than three words run together
        known: dict[str, bool] = {}  # each part is looked up (and stemmed) once

        def fits(part: str, first: bool, last: bool) -> bool:
            if not first and not last and len(part) >= 2 and is_filler(part):
                return True
            if len(part) < MIN_SPLIT or (first and is_filler(part)):
                return False
            if part not in known:
                known[part] = self.known(part)
            return known[part]

        # breadth first: splits into three parts, then four (two were tried above); `ways`
        # holds the first `count - 1` parts of each split still open
        ways: list[tuple[int, list[str]]] = [(0, [])]
        for count in range(1, MAX_PARTS + 1):
            following: list[tuple[int, list[str]]] = []
            for at, parts in ways:
                if count >= 3 and fits(word[at:], False, True):
                    return [*parts, word[at:]]
                if count < MAX_PARTS:
                    following += [
                        (end, [*parts, word[at:end]])
                        for end in range(at + 2, n - 1)
                        if fits(word[at:end], at == 0, False)
                    ]
            ways = following
        return None

    def _split_misspelt(self, word: str) -> list[str] | None:
        """Run together with one part misspelt ("vienadocument"); tried only when no word
        of the cards is close to the whole."""
        ids = self.index.ids
        for k in range(MIN_SPLIT + 2, len(word) - MIN_SPLIT - 1):
            left, right = word[:k], word[k:]
            if (left in ids) != (right in ids) and len(left) >= 5 and len(right) >= 5:
                other = right if left in ids else left
                if process.extractOne(
                    other, self._fuzzy_pool(other), scorer=fuzz.ratio, score_cutoff=85
                ):
                    return [left, right]
        return None

    def _phrase_at(self, toks: list[str], i: int) -> tuple[tuple[str, ...], str, int] | None:
        """The longest thesaurus phrase said from token `i` on: its words, its concept and
        the token after it. A possessive inside it is read through, so "europe's security
        body" says "europe security body" (the query's "s" is a token of its own). Words
        meet exactly: meeting by stem too let "election observation" say "election
        observers" and answer "osce election observation in kazakhstan" with a card."""
        j = i + 1
        while j < len(toks) and toks[j] == "s":
            j += 1
        for words, concept in self._phrases_by_pair.get(
            (toks[i], toks[j] if j < len(toks) else ""), ()
        ):
            at, k = i, 0
            while k < len(words) and at < len(toks):
                if toks[at] == words[k]:
                    k += 1
                elif toks[at] != "s":
                    break
                at += 1
            if k == len(words):
                return words, concept, at
        return None

    @functools.cached_property
    def _phrases_by_pair(self) -> dict[tuple[str, str], tuple[tuple[tuple[str, ...], str], ...]]:
        """The thesaurus phrases of concepts the cards have, by their first two words (a
        possessive "s" skipped), longest first: "nato" starts some fifty phrases, and a
        query says "nato" more often than not, so `_phrase_at` tries only those that go on
        as the query does."""
        idx = self.index
        pairs: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        for first, phrases in idx.concept_phrases.items():
            for words, concept in phrases:
                if concept in idx.ids:
                    second = next((w for w in words[1:] if w != "s"), "")
                    pairs[first, second].append((words, concept))
        return {key: tuple(found) for key, found in pairs.items()}

    def units(self, text: str) -> tuple[list[_Unit], list[str]]:
        """The query's units (words and thesaurus phrases, filler dropped) and its raw tokens."""
        if "'" in text or "’" in text:  # ~10 µs a query for the regular expression
            text = _POSSESSIVE.sub(r"\1", text)
        toks = self._joined(tokens(text))
        # words written in capitals ("EU", "WTO") or capitalised inside a sentence ("Russia")
        # are names: unknown to every card, they mean another subject
        acronyms = {w.casefold() for w in _ACRONYM.findall(text)}
        acronyms.update(t for name in _NAME.findall(text) for t in tokens(name))
        units: list[_Unit] = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            phrase = self._phrase_at(toks, i)
            if phrase is not None:
                # each word of the phrase keeps its own matches (aliases, titles say them
                # literally) and also stands for the phrase's concept ("people smuggling")
                words, concept, i = phrase
                said = [word for word in words if not is_filler(word)]
                for word in said:
                    expansion = dict(self.expand(word))
                    expansion[concept] = max(expansion.get(concept, 0.0), CONCEPT_SIMILARITY)
                    units.append(_Unit(word, expansion))
                if not said:  # a phrase of filler words ("show up", "know-how") is its concept
                    units.append(_Unit(" ".join(words), {concept: CONCEPT_SIMILARITY}))
                continue
            i += 1
            if is_filler(tok) or (tok in WORK_WORDS and toks[i : i + 1] and toks[i] in WORKING_HOW):
                continue
            if is_decade(tok) and toks[i : i + 1] == ["s"]:
                i += 1  # "the late 90s", "1990s": a time, not a code no card has
                continue
            if tok in DECADE_WORDS or (tok in YEAR_PARTS and _before_a_year(toks, i)):
                continue
            parts = (
                None if self.known(tok) or is_year(tok) or tok in DATE_WORDS else self._split(tok)
            )
            expansion = {} if parts else self.expand(tok)
            if not parts and not expansion and not is_year(tok):
                parts = self._split_misspelt(tok)
            if parts:
                units.extend(_Unit(p, self.expand(p)) for p in parts if not is_filler(p))
                continue
            identifier = not expansion and (
                any(c.isdigit() for c in tok)
                or tok in acronyms
                or _ROMAN.fullmatch(tok) is not None
                or tok in COUNTRY_NAMES
                or (
                    i == len(toks)
                    and toks[i - 2 : i - 1] in (["in"], ["at"])
                    and tok not in DATE_WORDS
                )
            )
            units.append(_Unit(tok, expansion, identifier))
        return units, toks

    # ---- matching -------------------------------------------------------------------------
    def match(self, query: str, today: dt.date | None = None) -> MatchResult:
        """The card (or cards, or none) `query` asks for; `today` reads "last year"."""
        idx = self.index
        text = say_names(say_dates(without_asides(clean(query)), today))
        units, toks = self.units(text)
        era = span_of(toks)  # a decade or a range of years
        if not units:
            # nothing but a time ("what happened in the nineties?") or nothing at all
            dated = self._dated(units, toks, set(), era)
            return dated or MatchResult("none", None, 0.0, smalltalk=bool(toks))
        # a card's exact name answers at once, unless the question is who holds the office
        # it names ("who is the un secretary-general?"), or the name is said inside another
        # card's question (`_asked_as`)
        full = fold(text)
        for key in () if _who_holds(toks) else (full, " ".join(u.word for u in units)):
            hit = idx.exact(key)
            if hit is not None:
                card = idx.cards[hit]
                found = (Scored(card, 1.0, True),)
                other = None if key == full else self._asked_as(card, key, text, toks)
                if other is not None:
                    return MatchResult("card", other, 1.0, (Scored(other, 1.0, True), *found))
                return MatchResult("card", card, 1.0, found)
        folded = " ".join(toks)
        wanted_orgs = {org for phrase, org in ORG_WORDS.items() if f" {phrase} " in f" {folded} "}
        dated = self._dated(units, toks, wanted_orgs, era)
        if dated is not None:
            return dated

        ids, idf = idx.ids, idx.idf
        # A query that asks something of its own ("eu osce cooperation") is not what a card
        # is about because the card has the organisations' names, their thesaurus concepts
        # or words of their working together: those say only the cards' common ground. A
        # query of nothing else ("osce in nato") asks for that ground itself.
        own = any(
            u.word not in FRAME_WORDS and self._org_terms.isdisjoint(u.expansion) for u in units
        )
        background = self._org_terms if own else ORG_TERMS
        frames = tuple(own and u.word in FRAME_WORDS for u in units)
        # each unit's expansion by term id, with whether the term is such background
        terms = [
            tuple((ids[t], sim, t in background) for t, sim in u.expansion.items()) for u in units
        ]
        qweights = [max((idf[t] for t, _, _ in ts), default=idx.unknown_idf) for ts in terms]
        total = sum(qweights)
        said = [frozenset(t for t, _, _ in ts) for ts in terms]
        anywhere = frozenset().union(*said)
        best_sim: dict[int, float] = {}
        for ts in terms:
            for t, sim, _ in ts:
                if sim > best_sim.get(t, 0.0):
                    best_sim[t] = sim
        phrase_terms = {t: idf[t] * sim for t, sim in best_sim.items()}
        candidates = self._candidates(units, wanted_orgs)
        scored: list[Scored] = []
        for i in candidates:
            s = self._score(i, units, terms, frames, qweights, total, said, anywhere, phrase_terms)
            if s is not None:
                scored.append(s)
        if era is not None:
            scored = self._in_era(scored, era, ERA_WEIGHT / len(units))
        if WHEN_WORDS.intersection(toks):  # "when did ...": a card with no date cannot say
            scored = [s if s.card.dates else replace(s, score=s.score * UNDATED) for s in scored]
        scored.sort(key=lambda s: (-s.score, s.card.id))
        ranked = tuple(scored[: MAX_SUGGESTIONS + 1])
        unknown = sum(qw for u, qw in zip(units, qweights, strict=True) if not u.expansion)
        complete = [s for s in scored if s.complete]
        # one word besides the organisations' names ("when was the OSCE founded?") is too
        # little to tell a card by being the only one that has it
        subjects = [u for u in units if u.word not in ORG_TERMS]
        guarded = (
            any(u.identifier for u in units)
            or self._asks_after_sources(_without_moving_on(text, toks))
            or _asks_how_to(toks)
            or not BEYOND_PAIRS.isdisjoint(itertools.pairwise(toks))
            or _who_is_named(text, toks)
            or (len(subjects) == 1 and self._about_founding(subjects[0]))
            or _only_money(subjects)
        )
        result = decide(
            ranked,
            unknown_share=unknown / total if total else 1.0,
            only_complete=(
                complete[0] if self._only_complete(complete, ranked, units, subjects) else None
            ),
            guarded=guarded,
        )
        if result.card is not None and not self._answers(result.card, text, toks):
            return decide(ranked, guarded=True)
        if result.card is None and not guarded:
            # every word is the cards' or says when ("late", "back"): a time and a subject
            if all(u.expansion or u.word in DATE_WORDS or is_year(u.word) for u in units):
                period = self._period(scored, era or one_year(toks), wanted_orgs)
                if period is not None:
                    return period
            return self._by_meaning(text, toks, result, known=unknown == 0)
        if result.card is not None and not guarded:
            result = self._rephrased(result, text, toks)
        if result.card is not None and not guarded and result.score < MEANING_OVER_WORDS:
            return self._overruled(text, toks, result)
        return result

    def _rephrased(self, result: MatchResult, text: str, toks: list[str]) -> MatchResult:
        """A close runner-up whose alternate question the query nearly repeats, function
        words and all, instead of the card words put first. Content words cannot tell two
        cards about one thing apart: "what does the UN liaison office in Vienna actually
        do for the OSCE?" has the office's full name, an alias of the card on its opening, and only
        "what does ... do" says it asks for the other card, on what the office does, whose
        alternate questions say it that way. The way QnA Maker matches alternate phrasings:
        mostly the same words in the same order (`REPHRASED_AT`, of the words of both, the
        share they have in order), and clearly more like that card's questions than like
        the first card's (`REPHRASED_LEAD`). Word by word, not letter by letter: "...office
        in Vienna for the OSCE" shares many letters with "when did the UN open its office in
        Vienna for the OSCE?" and few of the words that ask."""
        best = result.ranked[0] if result.ranked else None
        if best is None or best.card is not result.card:
            return result
        close = [
            other
            for other in itertools.takewhile(
                lambda other: other.score >= best.score - REPHRASED_SPREAD, result.ranked[1:]
            )
            if other.subject
        ]
        if not close or STOP_WORDS.isdisjoint(toks):
            return result  # no close runner-up, or no function word to tell a question by
        other = self._repeated(best.card, [s.card for s in close], text, toks)
        if other is None:
            return result
        return MatchResult(
            "card", other, next(s.score for s in close if s.card is other), result.ranked
        )

    def _only_complete(
        self,
        complete: list[Scored],
        ranked: tuple[Scored, ...],
        units: list[_Unit],
        subjects: list[_Unit],
    ) -> bool:
        """Whether the one card with every word of the query may answer it (`decide`): a
        query of two subjects or more, and the card is about every word that the first
        card is about. "who does nato talk to in the osce on counter-terrorism?": the staff
        talks have every word, counter-terrorism only in passing, and the counter-terrorism
        card, first, is about it."""
        if len(complete) != 1 or len(subjects) < 2:
            return False
        first = ranked[0].card
        card = complete[0].card
        return card is first or self._about(first, units) <= self._about(card, units)

    def _about(self, card: Card, units: Sequence[_Unit]) -> set[str]:
        """The query's words (organisations' names aside) that `card` has where it says
        what it is about: not only in its summary or organisations."""
        idx = self.index
        at = self._at[card.id]
        return {
            u.word
            for u in units
            if u.word not in ORG_TERMS
            and any(
                idx.code(at, idx.ids[t]) not in ASIDE_CODES for t in u.expansion if t in idx.ids
            )
        }

    def _repeated(
        self, first: Card, others: Sequence[Card], text: str, toks: list[str]
    ) -> Card | None:
        """The first of `others` one of whose alternate questions the query nearly repeats
        (`REPHRASED_AT`), clearly more (`REPHRASED_LEAD`) than any question of `first`,
        and which can answer it (`_answers`); None when none does."""
        query = asked_words(toks)
        own = None  # `first`'s likeness, computed only once a runner-up is like the query
        for other in others:
            like = self._resemblance(other, query, REPHRASED_AT)
            if not like:
                continue
            if own is None:
                own = self._resemblance(first, query)
            if like - own >= REPHRASED_LEAD and self._answers(other, text, toks):
                return other
        return None

    def _asked_as(self, card: Card, name: str, text: str, toks: list[str]) -> Card | None:
        """The card whose alternate question the query repeats (as `_rephrased` tells)
        when that question says `card`'s exact `name`: "what does the un liaison office
        do?" has the name of the card on the office's opening, in words the role card's
        own question asks with. None when no question says the name (for most queries
        a look-up), or the query has no function word to tell a question by."""
        if STOP_WORDS.isdisjoint(toks):
            return None
        others = [other for other in self._saying(name) if other is not card]
        return self._repeated(card, others, text, toks) if others else None

    def _questions_saying(self, name: str) -> tuple[Card, ...]:
        """The cards one of whose alternate questions says `name` word for word; none for
        a corpus above `PAIRS_WARM` cards, where reading every question costs too much."""
        said = f" {name} "
        return tuple(card for card, asked in self._asked_texts if said in asked)

    @functools.cached_property
    def _asked_texts(self) -> tuple[tuple[Card, str], ...]:
        """Each alternate question of a small corpus, folded, spaced for `_saying`."""
        cards = self.index.cards
        if len(cards) > PAIRS_WARM:
            return ()
        return tuple(
            (card, f" {' '.join(tokens(question))} ")
            for card in cards
            for question in card.questions
        )

    def _resemblance(self, card: Card, query: str, at_least: float = 0.0) -> float:
        """How nearly (0-1) the query's words repeat one of the card's alternate questions
        (the share of the words of both that they have in order: an Indel similarity);
        0 below `at_least`, which lets most comparisons stop early."""
        found = process.extractOne(
            query, self._questions(card), scorer=Indel.normalized_similarity, score_cutoff=at_least
        )
        return found[1] if found else 0.0

    def warm(self) -> None:
        """Do now (a server, at start-up) what the first queries would otherwise pay for:
        load the meaning tier (~0.2 s) and ask it once (numpy's first product starts its
        BLAS, ~0.4 ms); key the thesaurus phrases (~3 ms); and, for a small corpus
        (`PAIRS_WARM`), read every card's word pairs for `_names_on` (~0.16 ms a card, which
        the first query naming a "Capitalised Name" paid per candidate) and its alternate
        questions for `_rephrased` (~30 us a card)."""
        meaning = self._meaning
        if meaning is not None:
            meaning.nearest("osce")
        _ = self._phrases_by_pair, self._asked_texts
        cards = self.index.cards
        if len(cards) <= PAIRS_WARM:
            for card in cards:
                self._pairs(card)
                self._questions(card)

    @functools.cached_property
    def _at(self) -> dict[str, int]:
        """Each card's position in the index, by id."""
        return {card.id: i for i, card in enumerate(self.index.cards)}

    @functools.cached_property
    def _meaning(self) -> Meaning | None:
        """The meaning tier, built on the first query that needs it; none for a corpus so
        large that scoring every card by meaning would cost more than the index saves."""
        cards = self.index.cards
        if not self._use_meaning or not 0 < len(cards) <= MEANING_MAX_CARDS:
            return None
        return Meaning(cards)

    def _overruled(self, text: str, toks: list[str], words: MatchResult) -> MatchResult:
        """A card found by a word or two in passing ("...something nato and the osce *talk*
        about?" is not about the staff talks) gives way to a card the whole query plainly
        means: far closer in meaning than any other and than the card words found. When
        words found that card too, nearly as well ("global warming: do nato and the osce
        ever talk about it?" finds the climate card by "global warming", just behind the
        staff talks by "talk"), meaning's usual clear lead (`_clear`) decides between them."""
        meaning = self._meaning
        near = meaning.nearest(text) if meaning is not None else ()
        if not near or near[0].card is words.card:
            return words
        runner_up = any(
            s.card is near[0].card and s.subject and s.score >= words.score - OVERRULE_SPREAD
            for s in words.ranked[1:]
        )
        if runner_up:
            best = self._clear(near, MEANING_AT, MEANING_MARGIN, text, toks)
        else:
            best = self._clear(near, MEANING_SURE, MEANING_SURE_MARGIN, text, toks)
        return words if best is None else MatchResult("card", best.card, best.score, words.ranked)

    def _by_meaning(
        self, text: str, toks: list[str], words: MatchResult, *, known: bool = False
    ) -> MatchResult:
        """A card no word of the query names but the query plainly means ("is the warming
        planet a topic for nato and the osce?"): answered when its meaning is close and
        clearly closer than any other card's (`_clear`), or when words and meaning together
        point at it (`_together`), or when words rank it first and meaning clearly agrees
        (`_agreed`), or, in a query of words the cards know (`known`), when words and
        meaning both put it first, however narrowly (`_agreed` too). Close but not clear,
        it is offered as "did you mean" when words found nothing. Otherwise what the words
        found (`words`) stands."""
        meaning = self._meaning
        per_card = meaning.closeness(text) if meaning is not None else None
        if meaning is None or per_card is None:
            return words
        near = meaning.top(per_card, 3)
        best = self._clear(near, MEANING_AT, MEANING_MARGIN, text, toks)
        if best is None:
            best = self._together(meaning, per_card, near, words, text, toks)
        if best is None:
            best = self._agreed(near, words, text, toks)
        if best is None and known:  # every word one the cards know: no lead asked
            best = self._agreed(
                near, words, text, toks, at=MEANING_SUGGEST, margin=0.0, words_at=SUGGEST_AT
            )
        if best is not None and not self._acronyms_on(self._at[best.card.id], text):
            best = None
        if best is not None:
            return MatchResult("card", best.card, best.score, words.ranked)
        top = near[0].score
        if words.kind == "none" and top >= MEANING_SUGGEST:
            # words found nothing worth offering, meaning did: "did you mean" these
            close = tuple(
                Scored(n.card, n.score)
                for n in near
                if n.score >= MEANING_SUGGEST and n.score >= top - MEANING_SPREAD
            )
            return MatchResult("suggestions", None, top, close)
        return words

    def _together(
        self,
        meaning: Meaning,
        per_card: np.ndarray,
        near: tuple[Near, ...],
        words: MatchResult,
        text: str,
        toks: list[str],
    ) -> Near | None:
        """The card that words and meaning agree on, when neither is clear alone: "do nato
        and the osce do anything about women in war?" gives words several close cards and
        meaning several close cards, and one card is high on both. Each card's closeness in
        meaning plus a share of its words' score (`TOGETHER_WORDS`), as a weighted mean,
        must reach `TOGETHER_AT` and lead every other card by `TOGETHER_MARGIN`; no name in
        the query may be missing from it. A card words did not find needs a cosine of
        0.975, so in practice the words must find it too."""
        if not words.ranked:
            return None
        # The two best sums are among the cards words found and the closest in meaning
        # (`near`): any other card has no words score and a cosine below near's last.
        position = meaning.position
        sums = {n.card.id: (n.score, position[n.card.id], n.card) for n in near}
        for s in words.ranked:
            at = position[s.card.id]
            sums[s.card.id] = (per_card.item(at) + TOGETHER_WORDS * s.score, at, s.card)
        first, *rest = sorted(sums.values(), key=lambda v: (-v[0], v[1]))[:2]
        score = first[0] / (1 + TOGETHER_WORDS)
        lead = (first[0] - rest[0][0]) / (1 + TOGETHER_WORDS) if rest else 1.0
        if score >= TOGETHER_AT and lead >= TOGETHER_MARGIN and self._answers(first[2], text, toks):
            return Near(first[2], score)
        return None

    def _agreed(
        self,
        near: tuple[Near, ...],
        words: MatchResult,
        text: str,
        toks: list[str],
        *,
        at: float = MEANING_AT,
        margin: float = MEANING_MARGIN,
        words_at: float = 0.0,
    ) -> Near | None:
        """The card words rank first, as their subject (from `words_at`), when meaning too
        puts it first, at least `at` close and `margin` ahead: "what's the alliance's
        position on people being bought and sold across borders?" finds the trafficking
        card by a word or two, too weakly to answer, and comes closest to it in meaning,
        but not so far ahead without the organisations' names as `_meant` asks of meaning
        alone. Two tiers that read the query differently agreeing is the evidence that
        lead would give. What the card must state still applies (`_answers`): "does the
        OSCE cooperate with the Council of Europe?" puts the UN partnership card first on
        both, and that card does not name the Council.

        In a query of words the cards know, `_by_meaning` asks no lead of either tier,
        only that each offers the card (`SUGGEST_AT`, `MEANING_SUGGEST`): "does the
        alliance back more openness about armies and weapons through Europe's security
        organisation?" finds the Vienna Document card first by words and by meaning, each
        weakly and by different clues (the thesaurus's "openness", the vectors). A word
        no card has is the mark of a near miss ("why did the OSCE's monitoring mission in
        Ukraine close?" finds the Kosovo Verification Mission card on both), and such a
        query keeps its "did you mean"."""
        best = _leading(near, at, margin)
        if best is None or not words.ranked:
            return None
        first = words.ranked[0]
        if (
            first.card is best.card
            and first.subject
            and first.score >= words_at
            and self._answers(best.card, text, toks)
        ):
            return best
        return None

    def _clear(
        self, near: tuple[Near, ...], at: float, margin: float, text: str, toks: list[str]
    ) -> Near | None:
        """The closest card when it is at least `at` close, `margin` ahead of the next, and
        what was asked (`_meant`); None otherwise."""
        best = _leading(near, at, margin)
        return best if best is not None and self._meant(best, text, toks) else None

    def _meant(self, near: Near, text: str, toks: list[str]) -> bool:
        """Whether a card close in meaning is what was asked: no name in the query is
        missing from it, and the query without the organisations' names, which every card
        shares, still comes closest to it. Left in, they carry a short query ("what is the
        osce budget?") to whichever card says "OSCE" most, though its subject ("budget")
        is on no card."""
        if not self._answers(near.card, text, toks):
            return False
        meaning = self._meaning
        rest = " ".join(t for t in toks if t not in ORG_TERMS)
        content = meaning.nearest(rest, 2) if meaning is not None else ()
        if not content or content[0].card is not near.card:
            return False
        lead = content[0].score - (content[1].score if len(content) > 1 else -1.0)
        return content[0].score >= MEANING_CONTENT and lead >= MEANING_CONTENT_MARGIN

    def _period(
        self, scored: list[Scored], span: tuple[int, int] | None, orgs: set[str]
    ) -> MatchResult | None:
        """'what did the OSCE do in Kosovo in the late nineties?', 'what did NATO decide
        about the OSCE back in 2016?': no one card stands out, but the query names a time.
        The cards close to the best that have events then answer it together, as a list of
        those events (as `/osce 1999` lists a year's); None when no such card is close."""
        if span is None or not scored:
            return None
        lo, hi = span
        best = scored[0].score
        cards = tuple(
            s.card
            for s in scored[:MAX_SUGGESTIONS]
            if s.score >= max(SUGGEST_AT, best - PERIOD_SPREAD)
            and s.subject
            and any(lo <= e.year <= hi for e in s.card.dates)
            and orgs.issubset(s.card.orgs)
        )
        if not cards:
            return None
        return MatchResult("year", None, best, year=lo, until=hi, year_cards=cards)

    def _about_founding(self, unit: _Unit) -> bool:
        """'when was the OSCE founded?', 'when did NATO begin?': with nothing but the
        organisation and a word for starting or ending, the question is about the
        organisation's own history, which no card covers (a card about a founding
        agreement is not the answer)."""
        lifecycle = self._lifecycle
        return unit.word in LIFECYCLE_WORDS or any(t in lifecycle for t in unit.expansion)

    @functools.cached_property
    def _lifecycle(self) -> frozenset[str]:
        """The thesaurus concepts of LIFECYCLE_WORDS (none without a thesaurus)."""
        return frozenset(t for w in LIFECYCLE_WORDS for t in self.expand(w) if t.startswith("§"))

    @staticmethod
    def _in_era(scored: list[Scored], era: tuple[int, int], share: float) -> list[Scored]:
        """'the old agreement from the early 90s': the decade is one more thing the query
        says, worth `share` of the query, which a card with a date in it has (as a date on
        the card weighs) and the others lack."""
        lo, hi = era
        on_date = CODE_WEIGHT[CODES.index("date")]
        return [
            replace(
                s,
                score=(s.score + share * on_date * any(lo <= e.year <= hi for e in s.card.dates))
                / (1 + share),
            )
            for s in scored
        ]

    def _asks_after_sources(self, toks: list[str]) -> bool:
        """A word about the present, what came later or who holds an office (an office word
        outside a question for the date of an event: `HEAD_WORDS`), unless the
        question names a year the cards cover ("for a briefing tomorrow: what did they
        agree in 2019?" asks about 2019). What became of an agreement later (`LATER_WORDS`)
        is past the sources whatever year it names, and so is the present asked as such
        (`PRESENT_WORDS`: "is the 1993 framework still in force?")."""
        if not LATER_WORDS.isdisjoint(toks) or not PRESENT_WORDS.isdisjoint(toks):
            return True
        heads = (
            not HEAD_WORDS.isdisjoint(toks)
            and _asks_for_a_head(toks)
            and (
                "date" not in self._asked(tuple(toks))
                or not TENURE_WORDS.isdisjoint(toks)
                or not TENURE_PAIRS.isdisjoint(itertools.pairwise(toks))
            )
        )
        if (
            not heads
            and not any(
                t in RECENCY_WORDS and (t, nxt) not in PLACE_PAIRS
                for t, nxt in itertools.pairwise([*toks, ""])
            )
            and not RECENCY_PAIRS.intersection(itertools.pairwise(toks))
            and not _who_holds(toks)
        ):
            return False
        last = max(self.index.by_year, default=0)
        return not any(is_year(t) and int(t) <= last for t in toks)

    def _answers(self, card: Card, text: str, toks: list[str]) -> bool:
        """Whether `card` can be the answer: every name of the query is on it
        (`_names_on`), and a question for a number, for money or for a date ("how many staff
        work in the liaison office?", "the office's annual budget", "what year was the CFE
        treaty signed?") gets a card only if the card states one: the cards are a record of
        their sources, and a card about the office without its head count would be a
        confident answer to what it does not say. So must every year the query names ("the
        2022 OSCE Ministerial Council": `card_years`). Another organisation named by its
        acronym (`PARTNERS`: "the EU") must be on the card. A question for what a text
        says is answered only by the card on that text (`_titled`)."""
        asked = self._asked(tuple(toks))
        if asked and not asked <= self._states(card):
            return False
        if "count" in asked and not self._counts(card, toks):
            return False
        if not asked.isdisjoint(("month", "day")) and not self._dates_what(card, toks):
            return False
        if "country" in asked and not self._names_country(card, toks):
            return False
        if self._asks_who_named(card, toks):
            return False
        speaker, topic = _speaker(toks)
        if speaker and not (self._titled(card, speaker) and self._has_topic(card, topic)):
            return False
        said = _years_said(toks)
        if said and not self._years(card).issuperset(said):
            return False
        if not PARTNERS.isdisjoint(toks) and not self._acronyms_on(
            self._at[card.id], text, PARTNERS
        ):
            return False
        return self._names_on(card, text)

    def _titled(self, card: Card, words: Sequence[str]) -> bool:
        """Whether `card` is the text that `words` name (`_speaker`: "what does Chapter VIII
        of the UN Charter say?"), not a card that only mentions it. The Vienna office's
        card has "Chapter VIII" among its aliases and says the office furthers partnerships
        under it, not what the chapter says: the text asked about must be in the card's
        title, by its terms or thesaurus concepts ("NATO's newest strategy document" is
        the Strategic Concept). Words the card lacks altogether are left to the other
        checks, and the organisations, pronouns, numbers and quantifiers ("what do nato
        and the osce both say ...") name no text."""
        named = [
            t
            for t in words
            if not is_filler(t)
            and t not in NUMBER_WORDS
            and t not in QUANTIFIERS
            and self._org_terms.isdisjoint(self.expand(t))
        ]
        at = self._at[card.id]
        if not any(self._card_has(at, t) for t in named):
            return True
        units, _ = self.units(" ".join(named))
        said = {t for u in units for t, sim in u.expansion.items() if sim >= CONCEPT_SIMILARITY}
        return not said.isdisjoint(self._title_terms(card))

    def _has_topic(self, card: Card, topic: Sequence[str]) -> bool:
        """Whether `card` has the topic of "what did X say about ..." (`_speaker`): every
        word of it (organisations' names and filler aside), by itself, a typo of it or a
        thesaurus word. "What did the 2019 joint statement say about climate change?" is
        not answered by the statement's card, which never mentions the climate, nor "what
        did UNSCR 1244 say about Kosovo's final status?" by the Kosovo mission's, which
        says nothing of a status: a word no card has is on none."""
        at = self._at[card.id]
        return all(self._card_has(at, t) for t in topic if not is_filler(t) and t not in ORG_TERMS)

    def _card_has(self, at: int | None, word: str) -> bool:
        """Whether the card at `at` has `word` or a term it stands for (`expand`) in any
        field; with None, whether some card does."""
        idx = self.index
        terms = [idx.ids[t] for t in self.expand(word) if t in idx.ids]
        if at is None:
            return bool(terms)
        return any(idx.code(at, t) >= 0 for t in terms)

    def _title_terms_of(self, card: Card) -> frozenset[str]:
        """The terms and thesaurus concepts of `card`'s title."""
        units, _ = self.units(say_names(card.title))
        return frozenset(
            t for u in units for t, sim in u.expansion.items() if sim >= CONCEPT_SIMILARITY
        )

    def _acronyms_on(self, at: int, text: str, only: frozenset[str] | None = None) -> bool:
        """Whether every acronym of the query ("EU", "KFOR") that some card knows is on
        the card at `at`, as itself or a thesaurus equal ("the European Union"); the organisations'
        own names aside, which every card of theirs carries. "How does the EU's partnership
        with the OSCE work?" is not answered by the UN's partnership card, however close
        the two are in meaning. With `only`, just those acronyms are checked."""
        idx = self.index
        for acronym in {w.casefold() for w in _ACRONYM.findall(text)} - self._org_terms:
            if acronym not in idx.ids or (only is not None and acronym not in only):
                continue  # no card knows it: `identifier` guards the query
            if not any(
                sim >= CONCEPT_SIMILARITY and idx.code(at, idx.ids[t]) >= 0
                for t, sim in self.expand(acronym).items()
            ):
                return False
        return True

    def _counts(self, card: Card, toks: list[str]) -> bool:
        """Whether `card` counts what 'how many' asks for: a number on it, then within
        `COUNTED_WITHIN` words one of the two words after 'how many' (by stem or thesaurus
        concept). "five Western Balkans countries" answers "how many balkan countries ...";
        "UNSCR 1031" does not answer "how many soldiers were in IFOR"."""
        at = next(
            (i + 2 for i, pair in enumerate(itertools.pairwise(toks)) if pair in COUNTS_OF),
            None,
        )
        if at is None:
            return True  # "how much": an amount, of nothing named
        asked = [t for t in toks[at:] if not is_filler(t) and t not in ORG_TERMS][:2]
        wanted = self._stems_and_concepts(asked)
        for text in stated_texts(card):
            words = [w for w in tokens(text) if not is_filler(w)]
            for i, word in enumerate(words):
                if _is_count(word):
                    after = words[i + 1 : i + 1 + COUNTED_WITHIN]
                    if any(self._meets(w, wanted) for w in after):
                        return True
        return False

    def _stems_and_concepts(self, words: Iterable[str]) -> frozenset[str]:
        """The stems of `words` and the thesaurus concepts they stand for (`_meets`)."""
        concepts = self.index.concept_of_stem
        stems = {stem(w) for w in words}
        return frozenset(stems.union(*(concepts.get(s, ()) for s in stems)))

    def _meets(self, word: str, wanted: frozenset[str]) -> bool:
        """Whether `word` has a stem or a thesaurus concept of `wanted`."""
        said = stem(word)
        return said in wanted or not wanted.isdisjoint(self.index.concept_of_stem.get(said, ()))

    def _dates_what(self, card: Card, toks: list[str]) -> bool:
        """Whether an event `card` dates to the month shares a subject with the query: "in
        what month did IFOR hand over to SFOR?" is not answered by the month UNSCR 1031 was
        adopted, the one month the Bosnia card gives."""
        wanted = self._stems_and_concepts(
            t for t in toks if not is_filler(t) and t not in ORG_TERMS and stem(t) not in DATE_STEMS
        )
        return any(
            self._meets(word, wanted)
            for event in card.dates
            if len(event.date) > len("yyyy")
            for word in tokens(event.event)
        )

    def _names_country(self, card: Card, toks: list[str]) -> bool:
        """Whether `card` names a country the query does not: the answer to "which countries
        sent monitors to the kosovo verification mission?" is not Kosovo, the one country
        the mission's card names."""
        said = f" {' '.join(toks)} "
        return any(f" {country} " not in said for country in self._countries_on(card))

    def _asks_who_named(self, card: Card, toks: list[str]) -> bool:
        """'who was richard holbrooke?' in lower case: a question about a person whom
        `card` names in passing ("the Holbrooke-Milosevic agreement") is not about. The
        words after 'who is' are each a name on the card (written capitalised there, never
        in lower case, and not an acronym) or a word no card has, and one is a name."""
        rest = [t for t in _after_who(toks, WHO_WAS) if t not in ORG_TERMS]
        if not rest:
            return False
        names = self._names(card)
        return any(t in names for t in rest) and all(t in names or not self.expand(t) for t in rest)

    def _names_on(self, card: Card, text: str) -> bool:
        """Whether every name of two or more capitalised words in the query ("Warsaw Pact",
        "Vienna Document") has two adjacent words of it on `card`. A card that has only
        "Warsaw" (of "Warsaw Summit") is not about the Warsaw Pact. Queries typed In Title
        Case say nothing by their capitals and are not checked."""
        runs = _NAME_RUN.findall(text)
        if not runs:
            return True
        capitalised = sum(1 for w in text.split() if w[:1].isupper())
        if capitalised * 5 >= len(text.split()) * 3:
            return True
        pairs: set[tuple[str, str]] | None = None
        for run in runs:
            # a month is a date, not part of a name ("Since June 1999 ...")
            words = [self._literal(w) for w in tokens(run) if not is_filler(w) and w not in MONTHS]
            if len(words) < 2:
                continue
            if pairs is None:
                pairs = self._pairs(card)
            if not any(pair in pairs for pair in itertools.pairwise(words)):
                return False
        return True

    def _literal(self, word: str) -> str:
        """The card word a query word stands for literally (its typo corrected)."""
        if word in self.index.ids:
            return word
        literal = [(sim, t) for t, sim in self.expand(word).items() if not t.startswith("§")]
        return max(literal)[1] if literal else word

    def _dated(
        self,
        units: list[_Unit],
        toks: list[str],
        orgs: set[str],
        span: tuple[int, int] | None,
    ) -> MatchResult | None:
        """'anything going on in 1997?', 'what did nato do in March 2016', 'what happened in
        the late 90s', 'between 1998 and 2000?': that year's (or month's, or those years')
        events, as `/osce 1999` lists them; None when the query asks something else. `span`
        is the query's decade or range of years (`span_of`)."""
        years = [u for u in units if is_year(u.word)]
        if span is None and len(years) != 1:
            return None
        rest = [
            u
            for u in units
            if not is_year(u.word)
            and u.word not in DATE_WORDS
            and u.word not in MONTHS
            and u.word not in ORG_TERMS
            and (span is None or u.word not in RANGE_WORDS)
        ]
        if rest:
            return None
        idx = self.index
        mask = idx.org_mask(orgs)
        month = None
        if span is not None:
            year, until = span
        else:
            year = until = int(years[0].word)
            month = next(
                (
                    MONTHS[t]
                    for n, t in enumerate(toks)
                    if t in MONTHS and (t != "may" or toks[n + 1 : n + 2] == [years[0].word])
                ),
                None,
            )
        ids = sorted({i for y in range(year, until + 1) for i in idx.by_year.get(y, ())})
        cards = [idx.cards[i] for i in ids if idx.has_orgs(i, mask)]
        if month is not None:
            in_month = [
                c for c in cards if any(e.year == year and e.month == month for e in c.dates)
            ]
            if in_month:
                cards = in_month
            else:
                month = None
        return MatchResult(
            "year" if cards else "none",
            None,
            1.0 if cards else 0.0,
            year=year,
            month=month,
            year_cards=tuple(cards),
            until=None if span is None else until,
        )

    def _candidates(self, units: list[_Unit], orgs: set[str]) -> list[int]:
        """The few cards worth scoring in full, found through the query's rarer words.

        Words on a large share of the cards ("nato") are left out of the search (they still
        count when candidates are scored), so the cost follows the rare words' postings and
        not the corpus size.
        """
        idx = self.index
        cap = max(RARE_MIN_POSTINGS, len(idx.cards) // 20)
        pre: dict[int, float] = defaultdict(float)
        common: list[tuple[int, str, float]] = []
        for u in units:
            # each query word counts once per card: its best term there, not every variant
            best: dict[int, float] = {}
            for term, sim in u.expansion.items():
                t = idx.ids[term]
                postings = idx.postings[t]
                if len(postings) > cap:
                    common.append((len(postings), term, sim))
                    continue
                w = sim * idx.idf[t]
                for v in postings:
                    i = v >> 3
                    if best.get(i, 0.0) < w:
                        best[i] = w
            for i, w in best.items():
                pre[i] += w
        if not pre and common:  # only common words: search through the least common one
            _, term, sim = min(common)
            t = idx.ids[term]
            for v in idx.postings[t][:MAX_POSTINGS]:
                pre[v >> 3] += sim * idx.idf[t]
        ids = list(pre)
        if orgs:
            mask = idx.org_mask(orgs)
            ids = [i for i in ids if idx.has_orgs(i, mask)] or ids
        if ids:  # a card far behind on the query's own words cannot win on field weights
            floor = PRE_SHARE * max(pre[i] for i in ids)
            ids = [i for i in ids if pre[i] >= floor]
        if len(ids) > MAX_SCORED:
            ids = heapq.nlargest(MAX_SCORED, ids, key=pre.__getitem__)
        return ids

    def _score(
        self,
        i: int,
        units: list[_Unit],
        terms: list[tuple[tuple[int, float, bool], ...]],
        frames: tuple[bool, ...],
        qweights: list[float],
        total: float,
        said: list[frozenset[int]],
        anywhere: frozenset[int],
        phrase_terms: dict[int, float],
    ) -> Scored | None:
        """Share of the query the card explains, blended with how fully a card phrase is said;
        whether the card has every word of the query; whether it is about one of them."""
        idx = self.index
        code_of = idx.codes_by_card[i].get if idx.codes_by_card else partial(idx.code, i)
        matched = False
        covered = 0.0
        complete = True
        subject = False
        passing: set[str] = set()  # query words found where the card mentions things in passing
        for u, unit_terms, frame, qw in zip(units, terms, frames, qweights, strict=True):
            best = 0.0
            for t, sim, org_term in unit_terms:
                code = code_of(t, -1)
                if code >= 0:
                    fw = CODE_WEIGHT[code]
                    if sim * fw > best:
                        best = sim * fw
                    matched = True
                    if not subject and code not in PASSING_CODES and not org_term and not frame:
                        subject = True
            if best:
                covered += qw * best
                if u.word not in ORG_TERMS and not frame:
                    passing.add(u.word)
            elif not frame:  # cooperation words are the common ground: one a card lacks
                complete = False  # leaves it with everything the query asks
        if not matched:
            return None
        # two or more of the query's own words agreeing in a summary is no passing mention
        subject = subject or len(passing) >= 2
        coverage = covered / total if total else 0.0
        phrase = self._phrase_share(i, phrase_terms)
        said_alias = self._alias_share(i, said, anywhere, qweights, total)
        score = 0.6 * coverage + 0.25 * phrase * min(1.0, coverage * 2) + 0.15 * said_alias
        return Scored(idx.cards[i], score, complete, subject)

    def _phrase_share(self, i: int, phrase_terms: dict[int, float]) -> float:
        """How fully the query says one of the card's phrases (idf-weighted, topics a little
        less): the phrase's matched words' idf, over all its words' idf. `phrase_terms` is
        each term of the query with its idf times its best similarity, in the query's order
        (the order the sums are taken in, so that scores do not move by a rounding)."""
        idx = self.index
        said: dict[int, float] = {}
        if idx.phrases_by_term:
            by_term = idx.phrases_by_term[i]
            for t, f in phrase_terms.items():
                for n in by_term.get(t, ()):
                    said[n] = said.get(n, 0.0) + f
            return self._best_phrase(said)
        first, end = idx.card_phrases[i], idx.card_phrases[i + 1]
        if first == end:
            return 0.0
        starts = idx.phrase_start
        base = starts[first]
        words = idx.phrase_words[base : idx.phrase_start[end]]
        present = phrase_terms.keys() & words
        if not present:
            return 0.0
        for t, f in phrase_terms.items():
            if t in present:
                found = words.count(t)
                at = 0
                for _ in range(found):
                    at = words.index(t, at)
                    n = bisect.bisect_right(starts, base + at, first, end) - 1
                    said[n] = said.get(n, 0.0) + f
                    at += 1
        return self._best_phrase(said)

    def _best_phrase(self, said: dict[int, float]) -> float:
        idx = self.index
        phrase = 0.0
        weight, kind = idx.phrase_weight, idx.phrase_kind
        for n, amount in said.items():
            value = amount / weight[n] * (0.9 if kind[n] == TOPIC else 1.0)
            if value > phrase:
                phrase = value
        return phrase

    def _alias_share(
        self,
        i: int,
        said: list[frozenset[int]],
        anywhere: frozenset[int],
        qweights: list[float],
        total: float,
    ) -> float:
        """How much of the query one of the card's own aliases says, word for word in order.

        Aliases are unique to a card, so a query that contains one ("nato arms control")
        points at that card more than at every card that merely mentions the words.
        `said` is each query unit's terms.
        """
        if not total:
            return 0.0
        idx = self.index
        starts, kinds, words_of = idx.phrase_start, idx.phrase_kind, idx.phrase_words
        best = 0.0
        n = len(said)
        if idx.aliases_of:
            for words in idx.aliases_of[i]:
                size, first = len(words), words[0]
                if size > n or first not in anywhere:
                    continue
                for start in range(n - size + 1):
                    if first in said[start] and all(
                        words[k] in said[start + k] for k in range(1, size)
                    ):
                        best = max(best, sum(qweights[start : start + size]) / total)
            return best
        p, end = idx.card_phrases[i], idx.card_phrases[i + 1]
        while p < end and kinds[p] <= ALIAS:  # a title, then the aliases
            if kinds[p] == ALIAS and words_of[starts[p]] in anywhere:
                words = words_of[starts[p] : starts[p + 1]]
                size, first = len(words), words[0]
                for start in range(n - size + 1):
                    if first in said[start] and all(
                        words[k] in said[start + k] for k in range(1, size)
                    ):
                        best = max(best, sum(qweights[start : start + size]) / total)
            p += 1
        return best


def _leading(near: tuple[Near, ...], at: float, margin: float) -> Near | None:
    """The closest card in meaning when it is at least `at` close and `margin` ahead of
    the next (`Matcher._clear`, `Matcher._agreed`); None otherwise."""
    if not near:
        return None
    best = near[0]
    runner_up = near[1].score if len(near) > 1 else -1.0
    return best if best.score >= at and best.score - runner_up >= margin else None


def decide(
    ranked: tuple[Scored, ...],
    *,
    unknown_share: float = 0.0,
    only_complete: Scored | None = None,
    guarded: bool = False,
) -> MatchResult:
    """One card only when it is good, clearly ahead, about what was asked, and the query is
    mostly about our words.

    A query half made of words no card knows ("kosovo pizza") is not answered with
    confidence, however well its other half matches: it gets suggestions instead. A long
    question whose words all stand on one card and on no other ("when did nato decide to
    boost its cooperation with the osce?") is answered by that card, even when the words
    are only in its summary and so score lower than a title would. A card that only
    mentions the query's words in passing (its summary) is never the confident answer, and
    a query naming a number or code no card has, or asking about the present ("current",
    "next"), gets suggestions only (`guarded`): the cards are a record of their sources.
    """
    if not ranked:
        return MatchResult("none", None, 0.0)
    best = ranked[0]
    if not guarded:
        if (
            only_complete is not None
            and unknown_share == 0
            and only_complete.score >= COMPLETE_AT
            and only_complete.subject
        ):
            return MatchResult("card", only_complete.card, only_complete.score, ranked)
        runner_up = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            (
                (best.score >= CARD_AT and best.score - runner_up >= MARGIN)
                or (best.score >= LONE_AT and best.score - runner_up >= LONE_MARGIN)
            )
            and unknown_share < MAX_UNKNOWN_SHARE
            and best.subject
        ):
            return MatchResult("card", best.card, best.score, ranked)
    close = tuple(s for s in ranked if s.score >= SUGGEST_AT and s.score >= best.score - 0.25)[
        :MAX_SUGGESTIONS
    ]
    if close:
        return MatchResult("suggestions", None, best.score, close)
    near = tuple(s for s in ranked if s.score >= NEAR)[:3]
    return MatchResult("none", None, best.score, near)


def _asks_for(toks: Sequence[str]) -> frozenset[str]:
    """What kind of fact the query asks for, of those a card may not state: a "count"
    ('how many ...', 'the number of ...'), "money" ('budget', 'how much does it cost',
    'who funds ...'), a "date" ('in what year ...', 'when was ...'), a date's "month" ('in
    which month of 2016 ...') or "day" ('on what date ...') and the date of an
    "end" ('when did SFOR end?': a card that dates what a force did may not date its end),
    a "person" who held an office ('who was the un secretary-general ...', `_asks_holder`),
    a "signer" ('who signed ...', 'the signatories of ...'), the "officials" who did
    something ('which officials ...', 'name the people who ...'), an "assessment" of how
    well something went ('has it been a success?', 'how effective ...', 'where has it
    worked well?'), a "frequency" ('how often ...'), a "size" ('how big is ...'), a
    "succession" ('what replaced ...', `_asks_after_its_end`), "compliance" ('was it ever
    violated?'), "opposition" ('which states opposed ...'), a "conclusion" ('what did the
    workshop conclude?'), a "reaction", "criticism", a "suspension" ('was it ever
    suspended?'), a "proposal" ('who proposed the staff talks?'), "binding" force, a
    "merger", a "resolution" ('which resolution created kfor?', `_asks_resolution`), a
    "consequence" ('what were the consequences of ...'), a "withdrawal" ('who pulled out of
    the cfe treaty?'), a "vote" ('was it adopted unanimously?'), the "participants" ('which
    experts took part ...'), a "founder" ('who founded the atu?'), a "duration" ('how long
    do the staff talks last?'), a "language" ('what language are the talks held in?') (the
    kinds asked by a word: `_OWN_WORDS`), a "place"
    ('where was it held?', 'tell me where it was held', 'which city', 'the venue'), an
    office's "contact" details ('the street address', 'its website', which no card
    states), a "country"
    (`_asks_country`) or a country's "membership" of an organisation (`_asks_membership`)."""
    pairs = set(itertools.pairwise(toks))
    kinds = {kind for kind, asks in _ASKED_BY_PAIRS if not asks.isdisjoint(pairs)}
    if pairs & CONTACT_PAIRS or _asks_contact(toks):
        kinds.add("contact")
    for kind, words in _ASKED_IN_OWN_WORDS:
        if not words.isdisjoint(toks):
            kinds.add(kind)
    if _asks_after_its_end(toks):
        kinds.add("succession")
    if "why" in toks and (
        pairs & DELAY_PAIRS
        or not DELAY_WORDS.isdisjoint(toks)
        or ("until" in toks and not TAKE_WORDS.isdisjoint(toks))
    ):
        kinds.add("delay")
    if not SPEAKING_PEOPLE.isdisjoint(_speaker(toks)[0]):
        kinds.add("remark")
    if pairs & PARTICIPANT_PAIRS and not {"who", "which"}.isdisjoint(toks):
        kinds.add("participants")  # "which experts took part in ...?"
    if any(t == "who" and nxt in FOUNDER_VERBS for t, nxt in pairs):
        kinds.add("founder")
    if HOW_LONG in pairs and not LAST_WORDS.isdisjoint(toks):
        kinds.add("duration")
    if _asks_resolution(toks):
        kinds.add("resolution")
    if (
        pairs & PLACE_ASKS
        or not PLACE_WORDS.isdisjoint(toks)
        or ("where" in toks and not PLACE_VERBS.isdisjoint(toks))
    ):
        kinds.add("place")
    if _asks_country(toks):
        kinds.add("country")
    if _asks_membership(toks):
        kinds.add("membership")
    if pairs & COUNT_ASKS or not COUNT_WORDS.isdisjoint(toks):
        kinds.add("count")
    if pairs & DAY_ASKS or any(
        tuple(toks[i : i + 3]) in ON_DATE for i, t in enumerate(toks) if t == "on"
    ):
        kinds.add("day")
    if pairs & DATE_ASKS:
        kinds.add("date")
        if any(stem(t) in END_STEMS for t in toks):
            kinds.add("end")
    if any(stem(t) in MONEY_STEMS for t in toks):
        kinds.add("money")
    if _asks_holder(toks, pairs):
        kinds.add("person")
    if pairs & OFFICIALS_ASKS or any(
        pair == ("name", "the") and toks[i + 2 : i + 3] and toks[i + 2] in OFFICIALS
        for i, pair in enumerate(itertools.pairwise(toks))
    ):
        kinds.add("officials")
    return frozenset(kinds)


# The kinds of fact a card states by a word of its own, and the words that ask for them:
# (kind, words that ask, words that state). A kind asked by a phrase rather than a word
# ("how often", "after it closed", "which resolution") has its asking in `_asks_for`.
_OWN_WORDS = (
    ("assessment", ASSESS_WORDS, ASSESS_WORDS),
    ("signer", SIGNERS, SIGN_WORDS),
    ("officials", frozenset(), OFFICIAL_TITLES),
    ("frequency", frozenset(), FREQUENCY_WORDS),
    ("size", frozenset(), SIZE_WORDS),
    ("membership", frozenset(), MEMBERSHIP_WORDS),
    ("succession", SUCCESSION_WORDS, SUCCESSION_WORDS),
    ("compliance", COMPLIANCE_ASKS, COMPLIANCE_WORDS),
    ("opposition", OPPOSITION_WORDS, OPPOSITION_WORDS),
    ("conclusion", CONCLUSION_WORDS, CONCLUSION_WORDS),
    ("reaction", REACTION_WORDS, REACTED_WORDS),
    ("criticism", CRITICISM_WORDS, CRITICISM_WORDS),
    ("suspension", SUSPENSION_WORDS, SUSPENSION_WORDS),
    ("proposal", PROPOSAL_WORDS, PROPOSAL_WORDS | {"initiative"}),
    ("binding", BINDING_WORDS, BINDING_WORDS),
    ("merger", MERGER_WORDS, MERGER_WORDS),
    ("resolution", frozenset(), RESOLUTION_WORDS),
    ("consequence", CONSEQUENCE_WORDS, CONSEQUENCE_STATED),
    ("withdrawal", WITHDRAWAL_WORDS, WITHDRAWAL_WORDS),
    ("vote", VOTE_ASKS, VOTE_WORDS),
    ("participants", PARTICIPANT_WORDS, PARTICIPATION_WORDS),
    ("founder", frozenset(), FOUNDING_WORDS),
    ("duration", frozenset(), LENGTH_WORDS),
    ("language", frozenset(), LANGUAGES_STATED),
    ("remark", REMARK_ASKS, REMARK_WORDS),
    ("delay", frozenset(), DELAY_WORDS),
)
# The kinds asked by two words in a row and by nothing else ("how often", "what language")
_ASKED_BY_PAIRS = (
    ("frequency", FREQUENCY_ASKS),
    ("assessment", ASSESS_PAIRS),
    ("withdrawal", WITHDRAWAL_PAIRS),
    ("language", LANGUAGE_ASKS),
    ("size", SIZE_ASKS),
    ("month", MONTH_ASKS),
    ("signer", SIGNER_ASKS),
)
_ASKED_IN_OWN_WORDS = tuple((kind, asks) for kind, asks, _ in _OWN_WORDS if asks)
# each stating word with the kinds it states, for one look-up a word of a card (`states`)
_KINDS_STATED_BY: dict[str, frozenset[str]] = {
    word: frozenset(kind for kind, _, stated in _OWN_WORDS if word in stated)
    for word in frozenset().union(*(stated for _, _, stated in _OWN_WORDS))
}


def _asks_for_a_head(toks: Sequence[str]) -> bool:
    """Whether a query with a word for a head ('chief', 'boss', `HEAD_WORDS`) may ask who
    the head is: a 'who' or 'name' question ("who is the osce chief?") or keywords ("osce
    chief"), of the office ("what year did the osce leader change?", "can the osce chief be
    removed?") or of what the head is ("is the un chief a woman?"), not a question in which
    the head does something ("do the top bosses of the two ever meet?", "which chapter was
    the un chief leaning on?")."""
    if "who" in toks or "name" in toks:
        return True
    if any(head in HEAD_WORDS and nxt in TENURE_WORDS for head, nxt in itertools.pairwise(toks)):
        return True  # "what year did the osce leader change?"
    if toks and toks[0] in COPULAS:  # "is the un chief a woman?": the head as such
        for word in toks[1 : 2 + OFFICE_WITHIN]:
            if word in HEAD_WORDS:
                return True
            if word not in ARTICLES and word not in ORG_TERMS:
                break
    return WH_WORDS.isdisjoint(toks) and QUESTION_VERBS.isdisjoint(toks)


def _asks_resolution(toks: Sequence[str]) -> bool:
    """'which resolution created kfor?', 'which un security council resolution ...': which
    or what, then a resolution after words that say whose (`RESOLUTION_LEAD`)."""
    for i, t in enumerate(toks):
        if t in ("which", "what"):
            for word in toks[i + 1 :]:
                if word in RESOLUTION_WORDS:
                    return True
                if word not in RESOLUTION_LEAD:
                    break
    return False


def _asks_after_its_end(toks: Sequence[str]) -> bool:
    """'what happened to the stability pact after it closed?': what followed the end of the
    thing asked about, named by a pronoun ('after the war ended' is a time, of another
    thing), a question of what succeeded it."""
    return any(
        t == "after"
        and nxt in ENDED_PRONOUNS
        and any(stem(w) in AFTER_END_STEMS for w in toks[i + 2 : i + 2 + AFTER_END_WITHIN])
        for i, (t, nxt) in enumerate(itertools.pairwise(toks))
    )


def _asks_holder(toks: Sequence[str], pairs: set[tuple[str, str]]) -> bool:
    """'who was the un secretary-general in 2019?', 'the name of the un liaison office's
    director', 'which nato secretary general met ...': an office named after 'who is/was'
    or 'which' (`_office_named`), or within `NAMED_WITHIN` words after 'name of'; a
    person as such or an author (`PERSON_ASKS`); who led, chaired, commanded or directed
    something (`LEAD_VERBS`), unless 'who' follows a word for a person; who runs or
    manages an office, a department or a unit (`RUN_VERBS`, `BODY_WORDS`)."""
    if pairs & NAME_OF and any(
        not HOLDER_WORDS.isdisjoint(toks[i + 2 : i + 2 + NAMED_WITHIN])
        for i, pair in enumerate(itertools.pairwise(toks))
        if pair in NAME_OF
    ):
        return True  # "the name of the un liaison office's director"
    if pairs & PERSON_ASKS:
        return True
    if toks and toks[-1] in KEYWORD_HOLDERS and WH_WORDS.isdisjoint(toks):
        return True  # "atu director"
    if any(
        t == "who" and nxt in LEAD_VERBS and (i == 0 or toks[i - 1] not in PERSON_NOUNS)
        for i, (t, nxt) in enumerate(itertools.pairwise(toks))
    ):
        return True
    if not BODY_WORDS.isdisjoint(_after_opening(toks, RUNS)[:RUN_WITHIN]):
        return True  # "who runs the osce action against terrorism unit?"
    return any(_office_named(toks, leads) for leads in (WHO_WAS, WHICH))


def _office_named(toks: Sequence[str], leads: Sequence[tuple[str, ...]]) -> bool:
    """Whether the words after a question's opening (one of `leads`) name an office: up to
    `OFFICE_WITHIN` words, organisations' names and articles aside, before the first other
    function word ("who is nato's liaison officer to the osce?": "liaison officer"), and
    not as the body it heads ("who is the un liaison office for?")."""
    said: list[str] = []
    for tok in _after_opening(toks, leads):
        if tok in ORG_TERMS or tok in ARTICLES:
            continue
        if is_filler(tok) or len(said) == OFFICE_WITHIN:
            break
        said.append(tok)
    # a holder word before a body's names the body: "the un liaison office", "the
    # director's office"
    return any(
        word in HOLDER_WORDS and nxt not in BODY_WORDS
        for word, nxt in itertools.pairwise([*said, ""])
    )


def _asks_membership(toks: Sequence[str]) -> bool:
    """'when did north macedonia join nato?', 'became a nato member', 'nato membership':
    joining an organisation itself, not one of its events ("OSCE staff joined NATO's
    workshop") or programmes ("joins NATO programmes")."""
    if not MEMBERSHIP_WORDS.isdisjoint(toks):
        return True
    for i, t in enumerate(toks):
        if t in JOIN_WORDS:
            rest = list(toks[i + 1 : i + 4])
            if rest[:1] == ["the"]:
                rest = rest[1:]
            if rest and rest[0] in ORG_TERMS | {"eu"}:
                after = rest[1] if len(rest) > 1 else None
                if after is None or after in JOINED_ENDS or is_year(after):
                    return True
        if t in BECOME_WORDS and not MEMBER_WORDS.isdisjoint(toks[i + 1 : i + 5]):
            return True
    return False


def _asks_country(toks: Sequence[str]) -> bool:
    """'which country chaired ...', 'which five western balkan countries ...': 'which' or
    'what', then a country word after at most three words that describe it (not filler:
    'what role do countries play' asks for a role)."""
    for i, t in enumerate(toks):
        if t in ("which", "what"):
            for word in toks[i + 1 : i + 5]:
                if word in COUNTRY_WORDS:
                    return True
                if is_filler(word):
                    break
    return False


def states(
    card: Card, places: frozenset[str] = frozenset(), countries: frozenset[str] = frozenset()
) -> frozenset[str]:
    """The kinds of fact of `_asks_for` the card states: a count (a number that is not a
    year, or a number word: "five Western Balkans countries"), money (its financing), a
    date (a dated event, or a year in its texts), a month or a day (an event dated to one),
    an end (a dated event that says one: "the mission was forced to withdraw"), a person
    (named after an office word, `_names_holder`), a place or a country (one of `places`
    or `countries`, the thesaurus's, folded; a country is a place too, `named_in`), a size
    (a count, or "the largest"), and the kinds a word of their own states (`_OWN_WORDS`):
    a signer (a text it says was signed), officials (an official's title: "the UN
    Secretary-General"), a membership ("accession"), a frequency ("annual", "regularly"),
    an assessment ("cited as successful examples", "vital": the sources judge little, and a
    card that does not cannot say whether a mission failed), a succession ("its successor
    SFOR"), compliance, opposition, a conclusion, a reaction, criticism, a suspension, a
    proposal, binding force, a merger, a resolution, a consequence, a withdrawal, a vote,
    participants, how a thing was founded ("opened", "drew up") or a duration (two dated
    events, or days, weeks or months). Never contact details: no source gives any."""
    kinds = {"date"} if card_years(card) else set()
    if any(len(e.date) > len("yyyy") for e in card.dates):
        kinds.add("month")
    if any(len(e.date) > len("yyyy-mm") for e in card.dates):
        kinds.add("day")
    if any(stem(w) in END_STEMS for e in card.dates for w in tokens(e.event)):
        kinds.add("end")
    if len(card.dates) > 1:
        kinds.add("duration")  # from its first date to its last
    texts = stated_texts(card)
    if named_in(card, places):
        kinds.add("place")
    if named_in(card, countries):
        kinds.add("country")
    if any(_names_holder(text) for text in (*texts, *card.aliases)):
        kinds.add("person")
    for word in tokens(" ".join(texts)):
        if _is_count(word):
            kinds.update(("count", "size"))
        if stem(word) in MONEY_STEMS:
            kinds.add("money")
        kinds.update(_KINDS_STATED_BY.get(word, ()))
    return frozenset(kinds)


def _before_a_year(toks: Sequence[str], at: int) -> bool:
    """Whether a year starts at `at`, or after "of" there ("summer of 2016"). Not a decade:
    "kosovo in the late 1990s" asks for the events of those years, which a word no card
    has keeps from one card and sends to the period's list."""
    if toks[at : at + 1] == ["of"]:
        at += 1
    return at < len(toks) and _year_at(toks, at)


def _years_said(toks: Sequence[str]) -> tuple[str, ...]:
    """The years a query names, not its decades."""
    return tuple(t for i, t in enumerate(toks) if _year_at(toks, i))


def _year_at(toks: Sequence[str], at: int) -> bool:
    """Whether the word at `at` is a year, not a decade ("the 1990s" is "1990", "s")."""
    return is_year(toks[at]) and toks[at + 1 : at + 2] != ["s"]


def card_years(card: Card) -> frozenset[str]:
    """The years a card states: its dates' and those its texts say."""
    said = {e.date[:4] for e in card.dates}
    said.update(w for w in tokens(" ".join(stated_texts(card))) if is_year(w))
    return frozenset(said)


def named_in(card: Card, names: frozenset[str]) -> frozenset[str]:
    """Those of `names` (folded) that the texts stating `card`'s facts say."""
    said = " ".join(f" {fold(text)} " for text in stated_texts(card))
    return frozenset(name for name in names if f" {name} " in said)


def stated_texts(card: Card) -> tuple[str, ...]:
    """The texts in which a card states its facts (`states`, `Matcher._counts`): not its
    aliases or alternate questions, which say how people ask for it."""
    return (card.title, card.summary, *card.topics, *(e.event for e in card.dates))


def _is_count(word: str) -> bool:
    """A word that states a count: a number that is not a year, or a number word."""
    return word in NUMBER_WORDS or (word.isdigit() and not is_year(word))


def _names_holder(text: str) -> bool:
    """Whether a text names a person by office: an office word, then a capitalised word
    that is neither an office word nor filler ("Secretary-General Antonio Guterres", not
    "the Secretary-General and the Chairperson-in-Office")."""
    words = text.split()
    for word, after in itertools.pairwise(words):
        folded = tokens(word)
        if folded and folded[-1] in HOLDER_WORDS and after[:1].isupper():
            name = tokens(after)
            if name and name[0] not in OFFICE_WORDS and not is_filler(name[0]):
                return True
    return False


def _only_money(subjects: Sequence[_Unit]) -> bool:
    """'how is the osce funded?', 'who pays for nato and the osce's work?': the
    organisations' own money, when money is all the query says besides their names and
    their working together. A card about money in its subject ("the financing of
    terrorism") is not about theirs."""
    own = [u.word for u in subjects if u.word not in FRAME_WORDS]
    return bool(own) and all(stem(w) in MONEY_STEMS for w in own)


def _speaker(toks: Sequence[str]) -> tuple[Sequence[str], Sequence[str]]:
    """The words between 'do/does/did' and a verb of what a text says (`SAY_WORDS`: 'what
    did UNSCR 1244 say about Kosovo?', 'what did UNSCR 1031 authorise?'): a text whose
    content the query asks for, and what it is asked to say it about, the words after
    'about' right after the verb; both empty when none."""
    for i, t in enumerate(toks):
        if t in SAY_WORDS:
            for j in range(i - 1, max(-1, i - SPEAKER_WITHIN - 1), -1):
                if toks[j] in AUX_WORDS:
                    about = toks[i + 1 : i + 2] == ["about"]
                    return toks[j + 1 : i], toks[i + 2 :] if about else ()
    return (), ()


def _asks_contact(toks: Sequence[str]) -> bool:
    """'the liaison office's website', 'a phone number for ...': a contact word (`CONTACT_WORDS`)
    as what is asked for, not as a word that says what kind of thing another is ('the
    e-mail bulletin', 'a phone call'): followed by a word other than filler, it is that."""
    if CONTACT_WORDS.isdisjoint(toks) and "mail" not in toks and "site" not in toks:
        return False  # most queries: nothing to join
    words: list[str] = []
    for tok in toks:  # "e mail" is "email", "web site" "website"
        if words and (words[-1], tok) in CONTACT_SPLIT:
            words[-1] += tok
        else:
            words.append(tok)
    return any(
        t in CONTACT_WORDS
        and (i + 1 == len(words) or is_filler(words[i + 1]) or words[i + 1] in CONTACT_DETAILS)
        for i, t in enumerate(words)
    )


def _asks_how_to(toks: Sequence[str]) -> bool:
    """'how do I subscribe ...', 'where can I apply ...': a procedure (`HOW_TO_ASKS`)."""
    return any(tuple(toks[i : i + 3]) in HOW_TO_ASKS for i in range(len(toks) - 2))


def _who_is_named(text: str, toks: Sequence[str]) -> bool:
    """'Who was Richard Holbrooke?': a question about a person, whom a card may name in
    passing ("the Holbrooke-Milosevic agreement") but is not about."""
    rest = _after_who(toks, (*WHO_IS, ("who", "was")))
    names = {t for name in _NAME.findall(text) for t in tokens(name)}
    return bool(rest) and all(t in names for t in rest)


def _without_moving_on(text: str, toks: list[str]) -> list[str]:
    """`toks` without "now" when every "now" of the text moves a chat on to its next
    question ("thx! now the climate bit - ..."), opening a clause, and so does not ask
    about the present as "who heads nato now?" does; likewise "next" ("thx! next: ...",
    not "when is the next summit?")."""
    drop = {
        word
        for word, marker in (("now", _MOVING_ON), ("next", _NEXT_ON))
        if word in toks and toks.count(word) == len(marker.findall(text))
    }
    return [t for t in toks if t not in drop] if drop else toks


def _after_opening(toks: Sequence[str], leads: Sequence[tuple[str, ...]]) -> Sequence[str]:
    """The words after a question's opening (one of `leads`: "who is", "which"); none when
    it does not open so."""
    lead = next((w for w in leads if tuple(toks[: len(w)]) == w), None)
    return () if lead is None else toks[len(lead) :]


def _after_who(toks: Sequence[str], leads: Sequence[tuple[str, ...]]) -> list[str]:
    """The words after a question's opening 'who is' (one of `leads`), filler dropped."""
    return [t for t in _after_opening(toks, leads) if not is_filler(t)]


def _who_holds(toks: Sequence[str]) -> bool:
    """'who is the nato secretary general?', 'who's the osce chair': who holds an office,
    which changes (a year the cards cover lifts it, as for the other words of the present)."""
    rest = [t for t in _after_who(toks, WHO_IS) if t not in ORG_TERMS]
    return bool(rest) and all(t in OFFICE_WORDS or t == "of" for t in rest)


def card_names(card: Card) -> frozenset[str]:
    """The names of people and places on a card ("Holbrooke", "Skopje": words it writes
    only capitalised, not as an acronym, a number or a month), folded as queries are. Its
    alternate questions are left out: they are typed in lower case."""
    capitalised: set[str] = set()
    lower: set[str] = set()
    for text in (*stated_texts(card), *card.aliases):
        for word in text.split():
            named = word[:1].isupper() and not word.isupper()
            for part in tokens(word):
                (capitalised if named else lower).add(part)
    return frozenset(
        w for w in capitalised - lower if w.isalpha() and w not in MONTHS and not is_filler(w)
    )


def asked_words(words: Sequence[str]) -> str:
    """The words of a question as `_rephrased` compares them, one character a word (the
    comparison is word by word, and on a string it is one C loop, not a hash a word):
    function words kept ("what does ... do" is what tells the question), chatter ("so",
    "really", "actually") dropped, as it tells nothing and would make two askings of one
    question look apart. A word's character is its hash in a 6,400-character private-use
    block: two different words rarely share one, and then count as one word in two
    questions of a dozen."""
    return "".join([chr(0xE000 + hash(w) % 6400) for w in words if w not in CHATTER_WORDS])


def asked_questions(card: Card) -> tuple[str, ...]:
    """A card's alternate questions as `asked_words`, for `Matcher._rephrased`."""
    return tuple(asked_words(tokens(q)) for q in card.questions)


def card_word_pairs(card: Card) -> set[tuple[str, str]]:
    """Adjacent words of each of a card's texts (filler dropped), folded as queries are."""
    texts = (
        card.title,
        card.summary,
        *card.aliases,
        *card.topics,
        *card.questions,
        *(e.event for e in card.dates),
    )
    pairs: set[tuple[str, str]] = set()
    for text in texts:
        words = [w for w in tokens(text) if not is_filler(w)]
        pairs.update(itertools.pairwise(words))
    return pairs
