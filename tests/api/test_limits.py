"""Rate limits per key and per IP, with RateLimit headers; shared through Redis.

The limiters read a clock that stands still unless a test moves it, so that no run can cross
a window's end between two requests and see its counts start again.
"""

from __future__ import annotations

import functools
import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from app import main
from app.models.clients import Scope
from app.ratelimit import make_limiter
from tests.api.conftest import MakeCaller
from tests.conftest import AppFactory

REDIS_URL = "redis://127.0.0.1:6379/0"
BODY = {"sitting": {"hours_per_day": 9}, "store": False}


class Clock:
    """Five seconds into a window (1_800_000_000 is a whole minute), until moved."""

    def __init__(self) -> None:
        self.now = 1_800_000_005.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Every app these tests make counts on this clock."""
    frozen = Clock()
    monkeypatch.setattr(main, "make_limiter", functools.partial(make_limiter, clock=frozen))
    return frozen


def test_anonymous_reads_are_limited_per_ip(make_app: AppFactory) -> None:
    with TestClient(make_app(anon_rate_limit_per_minute=3)) as client:
        answers = [client.get("/exercises", params={"limit": 1}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert answers[0].headers["ratelimit-policy"] == '3;w=60;comment="per-ip"'
    assert {a.headers["ratelimit-reset"] for a in answers} == {"55"}
    limited = answers[3]
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["type"] == "/problems/rate-limited"
    assert limited.json()["detail"] == (
        "Rate limit of 3 requests a minute reached; retry after 55 seconds."
    )
    assert limited.headers["retry-after"] == "55"
    assert limited.headers["ratelimit-remaining"] == "0"


def test_the_next_window_brings_a_new_allowance(make_app: AppFactory, clock: Clock) -> None:
    with TestClient(make_app(anon_rate_limit_per_minute=1)) as client:
        spent = [client.get("/exercises", params={"limit": 1}) for _ in range(2)]
        clock.now += 54.5  # half a second before the window ends: still spent
        still = client.get("/exercises", params={"limit": 1})
        clock.now += 0.5  # the window has ended
        renewed = client.get("/exercises", params={"limit": 1})
    assert [a.status_code for a in spent] == [200, 429]
    assert still.status_code == 429
    assert still.headers["retry-after"] == "1"
    assert renewed.status_code == 200
    assert renewed.headers["ratelimit-remaining"] == "0"
    assert renewed.headers["ratelimit-reset"] == "60"


def test_each_key_has_its_own_limit(make_app: AppFactory, make_caller: MakeCaller) -> None:
    first = make_caller("limited-one", Scope.assess)
    second = make_caller("limited-two", Scope.assess)
    with TestClient(make_app(rate_limit_per_minute=2, anon_rate_limit_per_minute=1)) as client:
        mine = [client.post("/assess", json=BODY, headers=first.headers) for _ in range(3)]
        theirs = client.post("/assess", json=BODY, headers=second.headers)
    assert [r.status_code for r in mine] == [200, 200, 429]
    assert theirs.status_code == 200
    assert theirs.headers["ratelimit-limit"] == "2"


def test_guessing_keys_spends_the_ip_allowance(make_app: AppFactory) -> None:
    with TestClient(make_app(anon_rate_limit_per_minute=2)) as client:
        guesses = [
            client.post("/assess", json=BODY, headers={"X-API-Key": f"bp_guess-{i:030d}"})
            for i in range(3)
        ]
    assert [g.status_code for g in guesses] == [401, 401, 429]


def test_health_and_metrics_are_never_limited(make_app: AppFactory) -> None:
    with TestClient(make_app(anon_rate_limit_per_minute=1)) as client:
        codes = {client.get(path).status_code for path in ["/healthz", "/metrics"] * 5}
    assert codes == {200}


@pytest.fixture
def redis_url() -> str:
    connection = redis.Redis.from_url(REDIS_URL)
    connection.ping()  # the machine's Redis must be up: this test is about it
    connection.close()
    return REDIS_URL


def test_redis_shares_the_limit_between_instances(
    make_app: AppFactory, make_caller: MakeCaller, redis_url: str
) -> None:
    caller = make_caller(f"shared-{uuid.uuid4().hex[:8]}", Scope.assess)
    one = make_app(redis_url=redis_url, rate_limit_per_minute=4)
    two = make_app(redis_url=redis_url, rate_limit_per_minute=4)
    with TestClient(one) as a, TestClient(two) as b:
        answers = [
            (a if i % 2 == 0 else b).post("/assess", json=BODY, headers=caller.headers)
            for i in range(5)
        ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
    assert answers[-1].headers["retry-after"] == "55"


def test_an_unreachable_redis_lets_requests_through(
    make_app: AppFactory, make_caller: MakeCaller
) -> None:
    caller = make_caller("no-redis", Scope.assess)
    with TestClient(make_app(redis_url="redis://127.0.0.1:1/0")) as client:
        response = client.post("/assess", json=BODY, headers=caller.headers)
    assert response.status_code == 200
