"""Cursors that carry a genuine signature but a payload no listing made: a 400 problem,
never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from app.services.paging import seal
from tests.conftest import TEST_SECRET

SYNC = {"updated_since": "2000-01-01T00:00:00Z"}
UUID = "0b7d6a55-2f54-4c29-9a0f-3f8e1c2d4b6a"


def signed(payload: bytes) -> str:
    """A cursor signed with the test server's own secret, as if the server had made it."""
    return seal(secret=TEST_SECRET, payload=payload)


def key(ordering: str, *values: object) -> bytes:
    return json.dumps({"o": ordering, "k": list(values)}).encode()


# (listing, its query, a signed payload that must be refused)
MALFORMED = [
    ("/exercises", {}, b"not json"),
    ("/exercises", {}, b"[1,2]"),
    ("/exercises", {}, b'"str"'),
    ("/exercises", {}, b"null"),
    ("/exercises", {}, b"\xff\xfe"),  # not UTF-8
    ("/exercises", {}, b"[" * 300 + b"]" * 300),
    ("/exercises", {}, b'{"o":"exercise:slug","k":["\\ud800"]}'),  # a lone surrogate
    ("/exercises", {}, b'{"o":"exercise:slug","k":["a\\u0000b"]}'),  # NUL
    ("/exercises", {}, b'{"o":"exercise:slug","k":"bird-dog"}'),
    ("/exercises", {}, b'{"o":"exercise:slug","k":[]}'),
    ("/exercises", {}, b'{"o":"exercise:slug","k":["a","b"]}'),
    ("/exercises", {}, b'{"o":"exercise:slug","k":[7]}'),
    ("/exercises", {}, b'{"o":"exercise:slug","k":[{"a":1}]}'),
    ("/exercises", {}, b'{"o":"exercise:slug","k":["bird-dog"],"x":1}'),
    ("/exercises", {}, b'{"o":["exercise:slug"],"k":["bird-dog"]}'),
    ("/exercises", {}, b'{"k":["bird-dog"]}'),
    ("/exercises", SYNC, key("exercise:updated", "yesterday", UUID)),
    ("/exercises", SYNC, key("exercise:updated", "2026-01-01T00:00:00", UUID)),
    ("/exercises", SYNC, key("exercise:updated", "9999-12-31T23:59:59-14:00", UUID)),
    ("/exercises", SYNC, key("exercise:updated", "2026-01-01T00:00:00Z", "not-a-uuid")),
    ("/exercises", SYNC, key("exercise:updated", "2026-01-01T00:00:00Z\u0000", UUID)),
    ("/exercises", SYNC, key("exercise:updated", 1700000000, UUID)),
    ("/advice", {}, key("advice:order", 2**63, "x")),
    ("/advice", {}, key("advice:order", 2**31, "x")),
    ("/advice", {}, key("advice:order", 1.5, "x")),
    ("/advice", {}, key("advice:order", True, "x")),
    ("/advice", {}, key("advice:order", "1", "x")),
    ("/advice", {}, b'{"o":"advice:order","k":[1,"\\udfff"]}'),
    ("/programmes", {}, b'{"o":"programme:slug","k":["a\\u0000b"]}'),
    ("/red-flags", {}, b'{"o":"red-flags","k":["\\ud800"]}'),
    ("/red-flags", {}, b'{"o":"red-flags","k":[["cauda_equina"]]}'),
    ("/red-flags", {}, b"[1,2]"),
]


@pytest.mark.parametrize(
    ("path", "params", "payload"),
    MALFORMED,
    ids=[f"{path}-{payload[:40]!r}" for path, _, payload in MALFORMED],
)
def test_a_signed_cursor_with_a_malformed_payload_is_a_400_problem(
    client: TestClient, path: str, params: dict[str, str], payload: bytes
) -> None:
    response = client.get(path, params={**params, "cursor": signed(payload)})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "/problems/invalid-cursor"
    assert body["detail"] == (
        "The cursor is not valid for this listing; start again without `cursor`."
    )


@pytest.mark.parametrize(
    ("path", "params", "payload", "first"),
    [
        ("/exercises", {}, key("exercise:slug", "bird-dog"), "calf-raises"),
        ("/advice", {}, key("advice:order", -(2**31), "a"), None),
        ("/red-flags", {}, key("red-flags", "saddle_anaesthesia"), None),
    ],
)
def test_a_well_formed_signed_cursor_is_followed(
    client: TestClient, path: str, params: dict[str, str], payload: bytes, first: str | None
) -> None:
    """The checks refuse only what is malformed: the same signing, with a key of the right
    shape, pages on (so the test above fails for the payloads, not for the signing)."""
    response = client.get(path, params={**params, "cursor": signed(payload)})
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items
    if first is not None:
        assert items[0]["slug"] == first
