"""app.middleware.request_header reads a request header from the ASGI scope as Starlette's
`Headers.get` would: every layer of the service reads its headers with it."""

from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from app.middleware import request_header

RAW = [
    (b"content-type", b"application/json"),
    (b"x-api-key", b"bp_first"),
    (b"x-api-key", b"bp_second"),
    (b"x-request-id", "caf\u00e9".encode("latin-1")),
    (b"if-none-match", b""),
]


@pytest.mark.parametrize(
    "name", ["content-type", "x-api-key", "x-request-id", "if-none-match", "authorization"]
)
def test_a_header_reads_as_starlettes_headers_read_it(name: str) -> None:
    scope = {"type": "http", "headers": RAW}
    assert request_header(scope, name.encode()) == Headers(scope=scope).get(name)


def test_the_first_of_repeated_fields_an_empty_one_and_an_absent_one() -> None:
    scope = {"type": "http", "headers": RAW}
    assert request_header(scope, b"x-api-key") == "bp_first"
    assert request_header(scope, b"if-none-match") == ""
    assert request_header(scope, b"authorization") is None
    assert request_header(scope, b"x-request-id") == "caf\u00e9"
