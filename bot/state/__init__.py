"""The bot's state in SQL (subscriptions, daily posts, events seen) and its migrations."""

from bot.state.querylog import QueryLog
from bot.state.store import Store, Subscription

__all__ = ["QueryLog", "Store", "Subscription"]
