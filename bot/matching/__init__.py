"""Matching: from what a person typed to the card they meant (text folding, index, matcher)."""

from bot.matching.matcher import Matcher, MatchResult, Scored, decide

__all__ = ["MatchResult", "Matcher", "Scored", "decide"]
