"""Strong ETags on every GET, 304 on If-None-Match, and the cache headers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.routing import Route

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


@pytest.mark.parametrize("method", ["GET", "HEAD"])
@pytest.mark.parametrize("path", PATHS)
def test_if_none_match_gives_304_without_a_body(client: TestClient, path: str, method: str) -> None:
    etag = client.get(path).headers["etag"]
    response = client.request(method, path, headers={"If-None-Match": etag})
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


# Headers that differ between any two requests, whatever the method.
_PER_REQUEST = {"x-request-id", "date", "ratelimit-remaining", "ratelimit-reset"}


def _lasting(headers: Any) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower() not in _PER_REQUEST}


def _concrete(path: str, samples: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: samples[m.group(1)], path)


def _get_routes(app: FastAPI) -> list[str]:
    """Every GET path the app serves, in the documentation or not (included routers too)."""
    paths = set()
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if isinstance(route, Route) and "GET" in (route.methods or ()) and context.path:
            paths.add(context.path)
    return sorted(paths)


# The metrics count every request, this one included: their body differs each time.
_CHANGES_EACH_TIME = {"/metrics"}
SAMPLES = {
    "slug": "bird-dog",
    "code": "saddle_anaesthesia",
    "name": "content-team",
    "subject_id": "runner-1",
    "assessment_id": "0b7d6a55-2f54-4c29-9a0f-3f8e1c2d4b6a",
    "path": "redoc.standalone.js",
}


def test_head_answers_every_get_route_like_get_without_the_body(
    app: FastAPI, client: TestClient
) -> None:
    paths = _get_routes(app)
    assert {"/exercises", "/advice/{slug}", "/red-flags", "/healthz"} <= set(paths)
    for template in paths:
        path = _concrete(template, SAMPLES)
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == got.status_code, path
        assert head.status_code != 405, path
        assert head.content == b"", path
        if template in _CHANGES_EACH_TIME:
            assert head.headers["etag"] != got.headers["etag"], "counted the GET in between"
            assert head.headers["content-type"] == got.headers["content-type"]
        else:
            assert _lasting(head.headers) == _lasting(got.headers), path


@pytest.mark.parametrize("path", PATHS)
def test_head_on_content_has_the_gets_etag_and_length(client: TestClient, path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["etag"] == got.headers["etag"]
    assert head.headers["content-length"] == str(len(got.content))
    assert head.headers["content-type"] == "application/json"
    assert head.headers["cache-control"] == "public, max-age=60, must-revalidate"


def test_head_of_an_unknown_item_is_a_404_without_a_body(client: TestClient) -> None:
    got = client.get("/exercises/no-such-thing")
    head = client.head("/exercises/no-such-thing")
    assert head.status_code == 404
    assert head.content == b""
    assert head.headers["content-type"] == "application/problem+json"
    assert head.headers["content-length"] == str(len(got.content))


def test_head_is_not_an_operation_in_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "get" in paths["/exercises"]
    assert [path for path, item in paths.items() if "head" in item] == []
