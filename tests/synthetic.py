"""A synthetic corpus of any size, shaped like the real cards (long titles, aliases, dates),
for the tests that must hold at 1,000 cards and not only for the 34 we ship."""

from __future__ import annotations

import random

from bot.cards import Card, Corpus, DateEvent, Source

WORDS = (
    "border security mission kosovo verification arms control treaty vienna document "
    "counter terrorism training staff talks liaison office framework cooperation human "
    "trafficking gender peace women conflict prevention early warning mediation elections"
).split()
SOURCE = Source("src", "Relations with the OSCE", "NATO", "https://example.org/osce")


def synthetic_corpus(n: int, seed: int = 12) -> Corpus:
    rnd = random.Random(seed)
    cards = []
    for i in range(n):
        title = " ".join(rnd.choice(WORDS).capitalize() for _ in range(rnd.randint(3, 12)))
        cards.append(
            Card(
                id=f"card-{i:05d}",
                title=f"{title} {i}",
                summary=" ".join(rnd.choice(WORDS) for _ in range(35)) + ".",
                source="src",
                anchor=" ".join(rnd.choice(WORDS) for _ in range(8)),
                orgs=("osce", rnd.choice(("un", "nato"))),
                topics=tuple(rnd.choice(WORDS) for _ in range(3)),
                aliases=(f"alias {i}",),
                dates=(
                    DateEvent(
                        f"{rnd.randint(1975, 2025)}-{rnd.randint(1, 12):02d}",
                        "An event <with> & markup "
                        + " ".join(rnd.choice(WORDS) for _ in range(20)),
                    ),
                ),
            )
        )
    return Corpus(cards=tuple(cards), sources={"src": SOURCE})
