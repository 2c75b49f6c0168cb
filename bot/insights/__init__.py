"""What the curator reads: misses, proposals, disliked and unused cards (`bot insights`)."""

from bot.insights.report import Insights, Proposal, build

__all__ = ["Insights", "Proposal", "build"]
