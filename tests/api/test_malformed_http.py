"""What the API description says of malformed HTTP, checked on a live `backpain serve`:
the HTTP server refuses it with a plain-text 400 before the application sees it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import serving

pytestmark = pytest.mark.slow
REFUSED = b"Invalid HTTP request received."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    folder: Path = tmp_path_factory.mktemp("malformed")
    with serving(f"sqlite:///{folder / 'unused.db'}") as base:
        parts = urlsplit(base)
        assert parts.hostname
        assert parts.port
        yield parts.hostname, parts.port


def exchange(server: tuple[str, int], request: bytes) -> tuple[bytes, dict[bytes, bytes], bytes]:
    """Send raw bytes; the status line, the headers and the body of the answer."""
    with socket.create_connection(server, timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status, *lines = head.split(b"\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(b":") for line in lines)}
    return status, headers, body


def test_the_description_says_so() -> None:
    from app.openapi import DESCRIPTION

    assert "plain-text `400 Bad Request`" in DESCRIPTION


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /healthz HTTP/1.1\r\nHost: api\r\nX-Note: a\x01b\r\nConnection: close\r\n\r\n",
        b"FOO /exercises HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n",
        b"GET /exer cises HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n",
    ],
    ids=["control-character-in-a-header", "unknown-method", "broken-request-line"],
)
def test_malformed_http_is_a_plain_text_400_from_the_server(
    server: tuple[str, int], request_bytes: bytes
) -> None:
    status, headers, body = exchange(server, request_bytes)
    assert status == b"HTTP/1.1 400 Bad Request"
    assert headers[b"content-type"].startswith(b"text/plain")
    assert b"x-request-id" not in headers  # the application never saw it
    assert body == REFUSED


def test_a_method_http_defines_is_a_405_problem_from_the_application(
    server: tuple[str, int],
) -> None:
    request = b"TRACE /healthz HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n"
    status, headers, body = exchange(server, request)
    assert status == b"HTTP/1.1 405 Method Not Allowed"
    assert headers[b"content-type"] == b"application/problem+json"
    assert b"x-request-id" in headers
    assert b'"detail":"TRACE is not allowed on /healthz."' in body
