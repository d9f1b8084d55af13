"""Prometheus metrics: requests by route and status, latency, assessments by triage level.

With several workers, `backpain serve` points PROMETHEUS_MULTIPROC_DIR at a fresh folder
before the workers start; each worker then writes its samples there and /metrics adds them
up, so the figures are right whichever worker answers the scrape.
"""

from __future__ import annotations

import os
from functools import lru_cache

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

REQUESTS = Counter(
    "backpain_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "backpain_http_request_duration_seconds",
    "Time to answer HTTP requests, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
ASSESSMENTS = Counter(
    "backpain_assessments_total",
    "Assessments made, stored or not, by triage level.",
    ["triage_level"],
)

ASSESSMENT_GROUPS = Histogram(
    "backpain_assessment_group_size",
    "Requests assessed and committed together by /assess (see AssessmentQueue).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 500),
)


# Any other method a client sends is counted as OTHER: a label's values must stay few.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


# A metric's child for a set of labels, looked up once: `labels()` checks and joins its
# arguments on every call, which costs more than counting. The label values are few (routes
# are templates, methods are known), so the caches stay small.
@lru_cache(maxsize=4096)
def _request_counter(method: str, route: str, status: int) -> Counter:
    return REQUESTS.labels(method=method, route=route, status=str(status))


@lru_cache(maxsize=4096)
def _latency(method: str, route: str) -> Histogram:
    return LATENCY.labels(method=method, route=route)


@lru_cache(maxsize=64)
def _assessments(triage_level: str) -> Counter:
    return ASSESSMENTS.labels(triage_level=triage_level)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    method = method if method in KNOWN_METHODS else "OTHER"
    _request_counter(method, route, status).inc()
    _latency(method, route).observe(seconds)


def observe_group(size: int) -> None:
    ASSESSMENT_GROUPS.observe(size)


def count_assessment(triage_level: str, count: int = 1) -> None:
    _assessments(triage_level).inc(count)


def exposition() -> tuple[bytes, str]:
    """The metrics in the Prometheus text format, summed over workers when there are several."""
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
