"""HTTP behaviour that applies to every route: conditional GETs (ETag/304), request body
limits and content types, and security headers. Pure ASGI, so nothing is buffered that
does not need to be."""

from __future__ import annotations

import base64
import hashlib
import logging
import time
from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.errors import INTERNAL, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, problem_response
from app.metrics import observe_request
from app.observability import (
    REQUEST_ID_HEADER,
    bind_request_id,
    log_request,
    new_request_id,
    parse_request_id,
    route_template,
    unbind_request_id,
)

log = logging.getLogger("app.errors")

DEFAULT_MAX_BODY_BYTES = 64 * 1024
_BODY_METHODS = {"POST", "PUT", "PATCH"}
# Headers a 304 keeps (RFC 9110 section 15.4.5); the body and its description go.
_NOT_MODIFIED_KEEP = {"cache-control", "etag", "vary", "date", "expires", "x-request-id"}


def strong_etag(body: bytes) -> str:
    digest = hashlib.sha256(body).digest()[:18]
    return '"' + base64.urlsafe_b64encode(digest).decode() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: `W/"x"` matches `"x"`."""
    candidates = [c.strip() for c in if_none_match.split(",")]
    return any(c == "*" or c.removeprefix("W/") == etag for c in candidates)


class ConditionalGetMiddleware:
    """A strong ETag on every successful GET, and 304 Not Modified when it still matches.

    HEAD is answered as the GET would be, headers and all (ETag, Content-Length, a 304),
    without the body (RFC 9110 section 9.3.2): the routes declare GET only, so the OpenAPI
    document lists no HEAD operations, and here a HEAD runs as a GET whose body is dropped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        if_none_match = request_header(scope, b"if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if message["status"] != 200:
                    await send(message)
                    return
                start = message
                return
            if start is None:  # not a 200: passing through
                if head and message["type"] == "http.response.body":
                    message = {**message, "body": b""}
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(scope=start)
            etag = headers.get("etag") or strong_etag(body)
            headers["ETag"] = etag
            if if_none_match is not None and etag_matches(if_none_match, etag):
                kept = [
                    (k, v) for k, v in start["headers"] if k.decode().lower() in _NOT_MODIFIED_KEEP
                ]
                await send({"type": "http.response.start", "status": 304, "headers": kept})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start)
            await send({"type": "http.response.body", "body": b"" if head else body})

        await self.app(scope, receive, buffer)


def request_header(scope: Scope, name: bytes) -> str | None:
    """The value of a request header (its first, as Starlette's `Headers.get` gives it),
    read straight from the scope: `name` in lower case, as ASGI gives the names. (Building
    a `Headers` to ask it for one field costs several times as much, and more again for a
    field that is absent.)"""
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


def media_type(content_type: str) -> str:
    """A Content-Type's media type, without its parameters, in lower case."""
    return content_type.split(";", 1)[0].strip().lower()


def _is_json(content_type: str) -> bool:
    kind = media_type(content_type)
    return kind == "application/json" or (
        kind.startswith("application/") and kind.endswith("+json")
    )


class RequestBodyMiddleware:
    """Bodies are JSON and small: over the limit is a 413, another media type a 415.

    The whole body is read here (it is at most the limit), so the application never sees a
    partial one; routes that take bigger bodies (batch) get their own limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        limits: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.limits = dict(limits or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        limit = self.limits.get(scope["path"], self.max_body_bytes)
        declared = request_header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, send, limit)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > limit:
                await self._too_large(scope, send, limit)
                return
            if not message.get("more_body", False):
                break
        if body and not _is_json(request_header(scope, b"content-type") or ""):
            response = problem_response(
                Request(scope),
                UNSUPPORTED_MEDIA_TYPE,
                "Send the body as JSON with `Content-Type: application/json`.",
            )
            await response(scope, receive, send)
            return
        delivered = False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send, limit: int) -> None:
        response = problem_response(
            Request(scope),
            PAYLOAD_TOO_LARGE,
            f"The request body is over the limit of {limit} bytes for {scope['path']}.",
            headers={"Connection": "close"},
        )

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(scope, no_body, send)


API_CSP = "default-src 'none'; frame-ancestors 'none'"
# The docs pages run only what this service serves: a browser enforcing this policy is the
# proof that nothing comes from another host. ReDoc starts a web worker from a blob: URL.
DOCS_CSP = (
    "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")


def _security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
        (b"cross-origin-opener-policy", b"same-origin"),
        (b"content-security-policy", csp.encode()),
    ]


API_SECURITY_HEADERS = _security_headers(API_CSP)
DOCS_SECURITY_HEADERS = _security_headers(DOCS_CSP)
HSTS = (b"strict-transport-security", b"max-age=31536000")
_REQUEST_ID_FIELD = REQUEST_ID_HEADER.lower().encode()


class RequestContextMiddleware:
    """Outermost: gives every request an id (echoed in `X-Request-ID`), adds the security
    headers, turns anything unhandled into a 500 problem that still carries the id, and
    writes the access-log line and the metrics. (One layer: each layer costs on every
    request.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = parse_request_id(request_header(scope, _REQUEST_ID_FIELD)) or new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        path = scope["path"]
        extra = [(b"x-request-id", rid.encode())]
        extra += (
            DOCS_SECURITY_HEADERS
            if path in DOCS_PATHS or path.startswith("/static/docs/")
            else API_SECURITY_HEADERS
        )
        if scope.get("scheme") == "https":
            extra.append(HSTS)
        token = bind_request_id(rid)
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [
                    *message.get("headers", ()),
                    *extra,
                    *scope["state"].get("rate_limit_headers", ()),
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception as exc:
            log.exception("unhandled error", exc_info=exc)
            if response_started:
                raise
            response = problem_response(
                Request(scope), INTERNAL, "An unexpected error occurred; it has been logged."
            )
            await response(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            log_request(scope, status=status, duration_ms=round(elapsed * 1000, 2))
            observe_request(scope["method"], route_template(scope), status, elapsed)
            unbind_request_id(token)
