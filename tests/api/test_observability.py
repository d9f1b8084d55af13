"""Request ids, one structured log line a request (no bodies), metrics, security headers,
CORS, and problem+json for every error."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from tests.api.conftest import Caller
from tests.conftest import AppFactory

SECRET_SYMPTOM = "pins-and-needles-secret-marker"


def test_a_uuid_request_id_is_echoed(client: TestClient) -> None:
    rid = str(uuid.uuid4())
    response = client.get("/healthz", headers={"X-Request-ID": rid.upper()})
    assert response.headers["x-request-id"] == rid


def test_a_fresh_request_id_is_the_uuid4_of_its_random_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os

    from app import observability

    for _ in range(2000):
        raw = os.urandom(16)
        monkeypatch.setattr(observability.os, "urandom", lambda n, raw=raw: raw[:n])
        # What uuid.uuid4() makes of the same 16 bytes: every random bit is kept, where it
        # belongs, and only the version and variant bits are set.
        assert observability.new_request_id() == str(uuid.UUID(bytes=raw, version=4))


def test_fresh_request_ids_are_random_version_4_uuids() -> None:
    from app.observability import new_request_id

    ids = [new_request_id() for _ in range(4000)]
    assert len(set(ids)) == len(ids)
    for rid in ids:
        parsed = uuid.UUID(rid)
        assert str(parsed) == rid  # canonical: lower case, hyphens where a UUID has them
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
    # Every random digit takes every value (a digit written wrongly would not), and the
    # variant digit each of its four.
    for position, digit in enumerate(ids[0]):
        seen = {rid[position] for rid in ids}
        if digit == "-" or position == 14:
            assert len(seen) == 1, position
        elif position == 19:
            assert seen == set("89ab")
        else:
            assert seen == set("0123456789abcdef"), position


@pytest.mark.parametrize("given", [None, "not-a-uuid", "abc\r\nInjected: yes", "1" * 500])
def test_anything_else_gets_a_fresh_request_id(client: TestClient, given: str | None) -> None:
    headers = {"X-Request-ID": given} if given is not None else {}
    response = client.get("/exercises/no-such-thing", headers=headers)
    rid = response.headers["x-request-id"]
    assert str(uuid.UUID(rid)) == rid
    assert rid != given
    assert response.json()["request_id"] == rid


def test_one_json_log_line_a_request_without_bodies_or_queries(
    client: TestClient, runner_app: Caller, caplog: pytest.LogCaptureFixture
) -> None:
    rid = str(uuid.uuid4())
    body = {"subject_id": SECRET_SYMPTOM, "sitting": {"hours_per_day": 9}}
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.post(
            "/assess",
            params={"explain": "true"},
            json=body,
            headers={**runner_app.headers, "X-Request-ID": rid},
        )
    records = [r for r in caplog.records if r.name == "app.access"]
    assert len(records) == 1
    from app.observability import JsonFormatter

    line = JsonFormatter().format(records[0])
    entry = json.loads(line)
    assert entry["method"] == "POST"
    assert entry["route"] == "/assess"
    assert entry["status"] == 201
    assert entry["client"] == "runner-app"
    assert entry["request_id"] == rid
    assert entry["duration_ms"] >= 0
    assert SECRET_SYMPTOM not in line
    assert "explain" not in line
    assert "hours_per_day" not in line


def test_logs_name_the_route_template_not_the_path(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        client.get("/exercises/bird-dog")
    (record,) = [r for r in caplog.records if r.name == "app.access"]
    assert record.route == "/exercises/{slug}"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "route"),
    [
        ("/assess", {"Content-Type": "text/plain"}, b"{}", 415, "/assess"),
        ("/exercises", {"Content-Type": "application/json"}, b"x" * 70_000, 413, "/exercises"),
        ("/no-such-thing", {"Content-Type": "application/json"}, b"{}", 404, "<unmatched>"),
    ],
)
def test_a_request_refused_before_routing_is_logged_under_its_route(
    client: TestClient,
    caplog: pytest.LogCaptureFixture,
    path: str,
    headers: dict[str, str],
    body: bytes,
    status: int,
    route: str,
) -> None:
    with caplog.at_level(logging.INFO, logger="app.access"):
        response = client.post(path, content=body, headers=headers)
    assert response.status_code == status
    (record,) = [r for r in caplog.records if r.name == "app.access"]
    assert record.route == route  # type: ignore[attr-defined]


def test_metrics_count_requests_and_assessments(client: TestClient, runner_app: Caller) -> None:
    def value(text: str, prefix: str) -> float:
        for line in text.splitlines():
            if line.startswith(prefix):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    before = client.get("/metrics").text
    client.get("/exercises/bird-dog")
    client.post(
        "/assess",
        json={"symptoms": {"pain_now": 0, "red_flags": ["saddle_anaesthesia"]}, "store": False},
        headers=runner_app.headers,
    )
    after = client.get("/metrics")
    assert after.headers["content-type"].startswith("text/plain")
    request_line = (
        'backpain_http_requests_total{method="GET",route="/exercises/{slug}",status="200"}'
    )
    assert value(after.text, request_line) == value(before, request_line) + 1
    emergency = 'backpain_assessments_total{triage_level="emergency"}'
    assert value(after.text, emergency) == value(before, emergency) + 1
    assert "backpain_http_request_duration_seconds_bucket" in after.text


def test_security_headers_are_on_every_response(client: TestClient) -> None:
    for path in ("/exercises", "/exercises/nope", "/healthz"):
        headers = client.get(path).headers
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "default-src 'none'" in headers["content-security-policy"]


def test_cors_is_off_by_default(client: TestClient) -> None:
    response = client.get("/exercises", headers={"Origin": "https://app.example"})
    assert "access-control-allow-origin" not in response.headers


APP_ORIGIN = "https://app.example"


@pytest.fixture
def cors_client(make_app: AppFactory) -> Iterator[TestClient]:
    with TestClient(make_app(cors_origins=[APP_ORIGIN])) as client:
        yield client


def preflight(client: TestClient, origin: str, method: str, headers: str) -> Response:
    return client.options(
        "/assess",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


def test_an_allowed_preflight_lists_what_the_api_allows(cors_client: TestClient) -> None:
    allowed = preflight(cors_client, APP_ORIGIN, "PATCH", "Authorization, X-API-Key")
    assert allowed.status_code == 200
    assert allowed.text == "OK"
    assert allowed.headers["access-control-allow-origin"] == APP_ORIGIN
    assert allowed.headers["access-control-allow-methods"] == "GET, POST, PUT, PATCH, DELETE"
    assert allowed.headers["access-control-allow-headers"] == (
        "Accept, Accept-Language, Authorization, Content-Language, Content-Type, "
        "If-None-Match, X-API-Key, X-Request-ID"
    )
    assert allowed.headers["access-control-max-age"] == "600"


def test_a_browser_app_may_revalidate_with_if_none_match(cors_client: TestClient) -> None:
    allowed = preflight(cors_client, APP_ORIGIN, "GET", "If-None-Match")
    assert allowed.status_code == 200
    etag = cors_client.get("/exercises", headers={"Origin": APP_ORIGIN}).headers["etag"]
    again = cors_client.get("/exercises", headers={"Origin": APP_ORIGIN, "If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["access-control-allow-origin"] == APP_ORIGIN


def test_answers_to_another_origin_carry_no_cors_permission(cors_client: TestClient) -> None:
    response = cors_client.get("/exercises", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_answers_to_an_allowed_origin_expose_the_api_headers(cors_client: TestClient) -> None:
    response = cors_client.get("/exercises", headers={"Origin": APP_ORIGIN})
    assert response.headers["access-control-allow-origin"] == APP_ORIGIN
    assert response.headers["access-control-expose-headers"] == (
        "X-Request-ID, ETag, Location, Retry-After, RateLimit-Limit, RateLimit-Remaining, "
        "RateLimit-Reset, RateLimit-Policy"
    )


def assert_cors_refusal(response: Response, detail: str) -> None:
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "/problems/cors-refused",
        "title": "CORS Request Refused",
        "status": 400,
        "detail": detail,
        "instance": "/assess",
        "request_id": response.headers["x-request-id"],
    }
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_preflight_from_another_origin_is_a_problem_naming_it(cors_client: TestClient) -> None:
    response = preflight(cors_client, "https://evil.example", "POST", "content-type")
    assert_cors_refusal(
        response,
        "CORS preflight refused: the origin 'https://evil.example' is not in CORS_ORIGINS.",
    )
    assert "access-control-allow-origin" not in response.headers


def test_a_preflight_asking_for_other_headers_is_a_problem_naming_them(
    cors_client: TestClient,
) -> None:
    response = preflight(cors_client, APP_ORIGIN, "POST", "Authorization, X-Secret, If-Match")
    assert_cors_refusal(
        response,
        "CORS preflight refused: the headers 'x-secret', 'if-match' are not allowed (only "
        "Authorization, X-API-Key, Content-Type, If-None-Match, X-Request-ID and the "
        "CORS-safelisted ones).",
    )


def test_a_preflight_asking_for_another_method_is_a_problem_naming_it(
    cors_client: TestClient,
) -> None:
    response = preflight(cors_client, APP_ORIGIN, "TRACE", "content-type")
    assert_cors_refusal(
        response,
        "CORS preflight refused: the method 'TRACE' is not allowed (only GET, POST, PUT, "
        "PATCH, DELETE).",
    )


def test_a_preflight_asking_for_private_network_access_is_a_problem(
    cors_client: TestClient,
) -> None:
    response = cors_client.options(
        "/assess",
        headers={
            "Origin": APP_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Private-Network": "true",
        },
    )
    assert_cors_refusal(response, "CORS preflight refused: private network access is not allowed.")


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/nowhere", 404),
        ("PUT", "/healthz", 405),
        ("DELETE", "/assess", 405),
    ],
)
def test_framework_errors_are_problems_too(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["instance"] == path
    assert body["request_id"] == response.headers["x-request-id"]


def test_an_unexpected_error_is_a_500_problem_without_internals(make_app: AppFactory) -> None:
    application = make_app()

    @application.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    with TestClient(application, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_unknown_methods_share_one_metrics_label(client: TestClient) -> None:
    for method in ("BREW", "WHEN"):
        client.request(method, "/exercises")
    text = client.get("/metrics").text
    assert 'method="BREW"' not in text
    assert 'method="OTHER"' in text


def test_rate_limit_headers_are_on_problems_and_empty_answers_too(
    client: TestClient, runner_app: Caller
) -> None:
    missing = client.get(
        "/assessments/00000000-0000-0000-0000-000000000000", headers=runner_app.headers
    )
    assert missing.status_code == 404
    assert missing.headers["ratelimit-limit"] == "600"
    stored = client.post(
        "/assess", json={"sitting": {"hours_per_day": 9}}, headers=runner_app.headers
    )
    deleted = client.delete(stored.headers["location"], headers=runner_app.headers)
    assert deleted.status_code == 204
    assert "ratelimit-remaining" in deleted.headers


def test_log_lines_carry_no_terminal_escapes() -> None:
    from app.observability import JsonFormatter

    record = logging.makeLogRecord(
        {"msg": "Started server process [%d]", "args": (1,), "color_message": "\x1b[36m%d\x1b[0m"}
    )
    line = JsonFormatter().format(record)
    assert "color_message" not in line
    assert json.loads(line)["message"] == "Started server process [1]"
