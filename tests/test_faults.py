"""Losing the database: 503 problems with Retry-After (never a 500), /healthz stays up, the
service recovers by itself, and nothing acknowledged is lost.

Runs a real server (two workers) against PostgreSQL through a TCP forwarder that the test
stops and starts again.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import make_url

from tests.live import TcpForwarder, backpain, serving

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres_url(fresh_database_url: str) -> str:
    if make_url(fresh_database_url).get_backend_name() != "postgresql":
        pytest.skip("the forwarder sits in front of PostgreSQL (run with TEST_DATABASE_URL)")
    return fresh_database_url


@pytest.fixture
def forwarder(postgres_url: str) -> Iterator[TcpForwarder]:
    url = make_url(postgres_url)
    proxy = TcpForwarder(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


def assess(base: str, key: str, subject: str) -> httpx.Response:
    return httpx.post(
        f"{base}/assess",
        json={"subject_id": subject, "sitting": {"hours_per_day": 9}},
        headers={"X-API-Key": key},
        timeout=30,
    )


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["type"] == "/problems/service-unavailable"
    assert "Traceback" not in response.text
    assert "psycopg" not in response.text


def test_the_service_survives_losing_its_database(
    postgres_url: str, forwarder: TcpForwarder
) -> None:
    assert backpain("migrate", database_url=postgres_url).returncode == 0
    assert backpain("seed", database_url=postgres_url).returncode == 0
    created = backpain(
        "clients", "create", "--name", "fault-test", "--scope", "assess", database_url=postgres_url
    )
    key = created.stdout.strip()
    through_forwarder = (
        make_url(postgres_url).set(host="127.0.0.1", port=forwarder.port).render_as_string(False)
    )

    with serving(through_forwarder, "--workers", "2", DB_CONNECT_TIMEOUT_SECONDS="2") as base:
        acknowledged = []
        for n in range(4):
            response = assess(base, key, f"before-{n}")
            assert response.status_code == 201
            acknowledged.append(response.json()["id"])

        forwarder.stop()
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        # Every request that needs the database: a 503 problem, from each worker.
        for _ in range(4):
            assert_unavailable(httpx.get(f"{base}/readyz"))
            assert_unavailable(assess(base, key, "during"))
            assert_unavailable(httpx.get(f"{base}/exercises"))
            assert_unavailable(
                httpx.get(f"{base}/assessments/{acknowledged[0]}", headers={"X-API-Key": key})
            )
        assert httpx.get(f"{base}/healthz").status_code == 200

        forwarder.start()
        deadline = time.monotonic() + 30
        while httpx.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() < deadline, "did not recover within 30 seconds"
            time.sleep(0.5)
        for n in range(4):  # every worker, every pooled connection, is healthy again
            response = assess(base, key, f"after-{n}")
            assert response.status_code == 201, response.text
            acknowledged.append(response.json()["id"])
        for assessment_id in acknowledged:
            response = httpx.get(f"{base}/assessments/{assessment_id}", headers={"X-API-Key": key})
            assert response.status_code == 200, assessment_id
        during = httpx.get(
            f"{base}/assessments", params={"subject_id": "during"}, headers={"X-API-Key": key}
        )
        assert during.json()["items"] == []
