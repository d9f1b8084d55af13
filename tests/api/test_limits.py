"""Rate limits per key and per IP, with RateLimit headers; shared through Redis."""

from __future__ import annotations

import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from app.models.clients import Scope
from tests.api.conftest import MakeCaller
from tests.conftest import AppFactory

REDIS_URL = "redis://127.0.0.1:6379/0"
BODY = {"sitting": {"hours_per_day": 9}, "store": False}


def test_anonymous_reads_are_limited_per_ip(make_app: AppFactory) -> None:
    with TestClient(make_app(anon_rate_limit_per_minute=3)) as client:
        answers = [client.get("/exercises", params={"limit": 1}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["ratelimit-remaining"] for a in answers[:3]] == ["2", "1", "0"]
    assert answers[0].headers["ratelimit-limit"] == "3"
    assert answers[0].headers["ratelimit-policy"].startswith("3;w=60")
    limited = answers[3]
    assert limited.headers["content-type"] == "application/problem+json"
    assert limited.json()["type"] == "/problems/rate-limited"
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.headers["ratelimit-remaining"] == "0"


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
        codes = [
            (a if i % 2 == 0 else b).post("/assess", json=BODY, headers=caller.headers).status_code
            for i in range(5)
        ]
    assert codes == [200, 200, 200, 200, 429]


def test_an_unreachable_redis_lets_requests_through(
    make_app: AppFactory, make_caller: MakeCaller
) -> None:
    caller = make_caller("no-redis", Scope.assess)
    with TestClient(make_app(redis_url="redis://127.0.0.1:1/0")) as client:
        response = client.post("/assess", json=BODY, headers=caller.headers)
    assert response.status_code == 200
