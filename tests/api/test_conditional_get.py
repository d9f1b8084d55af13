"""Strong ETags on every GET, 304 on If-None-Match, and the cache headers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.models import Exercise
from app.services import catalogue

PATHS = [
    "/exercises",
    "/exercises/bird-dog",
    "/advice",
    "/advice/what-to-do-first",
    "/programmes",
    "/programmes/runner-strength",
]


@pytest.mark.parametrize("path", PATHS)
def test_every_content_get_has_a_strong_etag_and_public_caching(
    client: TestClient, path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 200
    etag = response.headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')  # strong: no W/ prefix
    assert response.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert client.get(path).headers["etag"] == etag  # stable for the same content


@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_gives_304_without_a_body(client: TestClient, path: str) -> None:
    etag = client.get(path).headers["etag"]
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response.headers["etag"] == etag
    assert response.headers["cache-control"].startswith("public")
    assert "content-type" not in response.headers


def test_weak_and_listed_validators_match_too(client: TestClient) -> None:
    etag = client.get("/exercises/bird-dog").headers["etag"]
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get("/exercises/bird-dog", headers={"If-None-Match": header})
        assert response.status_code == 304, header


def test_a_stale_etag_gets_the_new_body(client: TestClient, session: Session) -> None:
    etag = client.get("/exercises/bird-dog").headers["etag"]
    other = client.get("/exercises/bird-dog", headers={"If-None-Match": '"stale"'})
    assert other.status_code == 200
    assert other.json()["slug"] == "bird-dog"

    row = catalogue.get_live(session, Exercise, "bird-dog")
    row.name = "Bird dog, changed"
    row.updated_at = datetime.now(UTC)
    session.add(row)
    session.commit()
    changed = client.get("/exercises/bird-dog", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["name"] == "Bird dog, changed"
    assert changed.headers["etag"] != etag


def test_pages_differ_in_etag(client: TestClient) -> None:
    first = client.get("/exercises", params={"limit": 5})
    second = client.get("/exercises", params={"limit": 5, "cursor": first.json()["next_cursor"]})
    assert first.headers["etag"] != second.headers["etag"]


def test_errors_carry_no_etag(client: TestClient) -> None:
    response = client.get("/exercises/no-such-thing")
    assert response.status_code == 404
    assert "etag" not in response.headers
