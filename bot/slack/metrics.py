"""Prometheus metrics, one registry per running app (never the process-global default).

A `Metrics` is built by the server and handed to the Bolt app (listeners reach it through
Bolt's context) and to `/metrics`; tests and replicas in one process never share counters.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import generate_latest

# answering is milliseconds; the tail is Slack or the database being slow
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    matches: Counter
    latency: Histogram
    daily_posts: Counter
    refused: Counter

    @classmethod
    def create(cls) -> Metrics:
        registry = CollectorRegistry(auto_describe=True)
        return cls(
            registry=registry,
            requests=Counter(
                "osce_requests",
                "Requests handled, by surface (command, mention, dm, share, open) and outcome",
                ["surface", "outcome"],
                registry=registry,
            ),
            matches=Counter(
                "osce_match_kinds",
                "Answers by kind (card, suggestions, none, year, help, list, empty)",
                ["kind"],
                registry=registry,
            ),
            latency=Histogram(
                "osce_request_seconds",
                "Time from a listener starting to its reply being sent",
                ["surface"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            daily_posts=Counter(
                "osce_daily_posts",
                "Daily posts by outcome (posted, already_posted, in_progress, failed, ...)",
                ["outcome"],
                registry=registry,
            ),
            refused=Counter(
                "osce_refused_requests",
                "Requests refused before Bolt saw them (unsigned, stale, too large, ...)",
                ["reason"],
                registry=registry,
            ),
        )

    def request(self, surface: str, outcome: str, seconds: float) -> None:
        self.requests.labels(surface, outcome).inc()
        self.latency.labels(surface).observe(seconds)

    def match(self, kind: str) -> None:
        self.matches.labels(kind).inc()

    def daily_post(self, outcome: str) -> None:
        """For the daily delivery: count one channel's result (`PostResult.outcome`)."""
        self.daily_posts.labels(outcome).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The body and content type of `GET /metrics`."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
