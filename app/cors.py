"""CORS for browser apps on the origins in CORS_ORIGINS: Starlette's middleware, with what
this API allows, and its preflight refusals answered as problem+json like every other error."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app import ratelimit
from app.errors import ProblemType, problem_response
from app.observability import REQUEST_ID_HEADER

CORS_REFUSED = ProblemType("cors-refused", 400, "CORS Request Refused")

ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# If-None-Match: a browser app revalidates what it cached with the ETag (304 Not Modified).
ALLOWED_HEADERS = (
    "Authorization",
    "X-API-Key",
    "Content-Type",
    "If-None-Match",
    REQUEST_ID_HEADER,
)
# What scripts on an allowed origin may read of an answer besides the safelisted headers.
EXPOSED_HEADERS = (
    REQUEST_ID_HEADER,
    "ETag",
    "Location",
    "Retry-After",
    *ratelimit.FIELDS,
)
MAX_AGE_SECONDS = 600


class _PreflightRefusal(Response):
    """A refused preflight, rendered as a problem when it is sent: only then is the request
    (its path and request id) at hand."""

    def __init__(self, detail: str, headers: dict[str, str]) -> None:
        super().__init__(status_code=CORS_REFUSED.status, headers=headers)
        self.detail = detail
        self.cors_headers = headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        problem = problem_response(
            Request(scope), CORS_REFUSED, self.detail, headers=self.cors_headers
        )
        await problem(scope, receive, send)


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette decides what a preflight may do; a refusal says what was refused."""

    def __init__(self, app: ASGIApp, *, allow_origins: Sequence[str]) -> None:
        super().__init__(
            app,
            allow_origins=allow_origins,
            allow_methods=ALLOWED_METHODS,
            allow_headers=ALLOWED_HEADERS,
            expose_headers=EXPOSED_HEADERS,
            max_age=MAX_AGE_SECONDS,
        )

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers=request_headers)
        if response.status_code < 400:
            return response
        refused = self._refused(request_headers) or [bytes(response.body).decode()]
        headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("content-length", "content-type")
        }
        return _PreflightRefusal("CORS preflight refused: " + "; ".join(refused) + ".", headers)

    def _refused(self, request_headers: Headers) -> list[str]:
        """What the preflight asked for that is not allowed, each named."""
        refused = []
        origin = request_headers["origin"]
        if not self.is_allowed_origin(origin=origin):
            refused.append(f"the origin {origin!r} is not in CORS_ORIGINS")
        method = request_headers["access-control-request-method"]
        if method not in self.allow_methods:
            allowed = ", ".join(ALLOWED_METHODS)
            refused.append(f"the method {method!r} is not allowed (only {allowed})")
        requested = request_headers.get("access-control-request-headers")
        if requested is not None and not self.allow_all_headers:
            names = [name.strip().lower() for name in requested.split(",")]
            others = [name for name in names if name not in self.allow_headers]
            if others:
                listed = ", ".join(repr(name) for name in others)
                allowed = ", ".join(ALLOWED_HEADERS)
                refused.append(
                    f"the header{'s' if len(others) > 1 else ''} {listed} "
                    f"{'are' if len(others) > 1 else 'is'} not allowed (only {allowed} "
                    "and the CORS-safelisted ones)"
                )
        private_network = "access-control-request-private-network" in request_headers
        if private_network and not self.allow_private_network:
            refused.append("private network access is not allowed")
        return refused
