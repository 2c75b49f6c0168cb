"""The bot's state in SQL (subscriptions, daily posts, events seen) and its migrations."""

from bot.state.querylog import QueryLog
from bot.state.store import Claim, Store, Subscription

__all__ = ["Claim", "QueryLog", "Store", "Subscription"]
