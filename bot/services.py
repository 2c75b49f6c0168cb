"""What every surface needs, built once per process: settings, cards, answerer, store.

No Slack here: the Slack layer puts a `Services` into Bolt's context and the listeners take
it from there, the console and CLI build their own. Keeping it in the core is what lets
`handlers` depend on the core and never on `bot.slack.app` (no import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answers import Answerer
from bot.cards import Corpus
from bot.config import Settings

if TYPE_CHECKING:
    from bot.state import QueryLog, Store
    from bot.state.writer import Writer


@dataclass(frozen=True)
class Services:
    settings: Settings
    corpus: Corpus
    answerer: Answerer
    store: Store
    queries: QueryLog | None = None  # None: query logging off (QUERY_LOG_DAYS=0, or a test)
    # claims and query-log rows of concurrent requests, one commit per batch; derived from
    # store and queries, so it cannot disagree with them
    writer: Writer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        from bot.state.writer import Writer  # the state layer loads only where it is used

        object.__setattr__(self, "writer", Writer(self.store, self.queries))
