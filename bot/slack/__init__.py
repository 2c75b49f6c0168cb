"""Everything that knows Slack: Bolt assembly, servers, the Web API client, Block Kit,
Slack's error codes and limits, and delivering the daily post.

The core (`bot.cards`, `bot.matching`, `bot.daily`, `bot.state`, `bot.answers`) never
imports this package, so it can be tested and reused without Slack.
"""
