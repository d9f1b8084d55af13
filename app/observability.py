"""Request ids and structured JSON logs (one line a request)."""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterable, MutableMapping
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from starlette.routing import compile_path
from starlette.types import Scope

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

access_log = logging.getLogger("app.access")


# The hex digit that starts a version 4 UUID's fourth group: its variant bits (10) over two
# random ones.
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}


def new_request_id() -> str:
    """A random (version 4) UUID, as text: what `str(uuid.uuid4())` gives, written straight
    from the random bytes (every request without an id of its own makes one, and building a
    UUID object to print it costs three times as much)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT_DIGIT[h[16]]}{h[17:20]}-{h[20:]}"


def parse_request_id(value: str | None) -> str | None:
    """A caller's request id is kept only when it is a UUID (anything else could be a vector
    for log injection); it is returned in canonical lower-case form."""
    if not value or len(value) > 64:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


def request_id_of(scope: MutableMapping[str, Any]) -> str:
    """The request id of this request (set by RequestContextMiddleware), or a fresh one."""
    state = scope.setdefault("state", {})
    rid = state.get("request_id")
    if rid is None:
        rid = state["request_id"] = new_request_id()
    return str(rid)


def route_template(scope: Scope) -> str:
    """The matched route's path template (`/exercises/{slug}`), never the raw path: raw
    paths would leak ids into logs and explode metric cardinality."""
    path = getattr(scope.get("route"), "path", None)
    if path:
        return str(path)
    # Refused before routing (a body too large, not JSON): the route it was meant for.
    app = scope.get("app")
    templates: RouteTemplates | None = getattr(app.state, "route_templates", None) if app else None
    return (templates.find(scope["path"]) if templates else None) or "<unmatched>"


class RouteTemplates:
    """The path templates of an app's routes, to name the route of a request that never
    reached the router."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._patterns = [(compile_path(path)[0], path) for path in dict.fromkeys(paths)]

    def find(self, path: str) -> str | None:
        return next((template for regex, template in self._patterns if regex.match(path)), None)


def bind_request_id(rid: str) -> Token[str | None]:
    return _request_id.set(rid)


def unbind_request_id(token: Token[str | None]) -> None:
    _request_id.reset(token)


def log_request(scope: Scope, *, status: int, duration_ms: float) -> None:
    """The one access-log line of a request. Never the query string or the body: they can
    carry health data."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    access_log.info(
        "request",
        extra={
            "method": scope["method"],
            "route": route_template(scope),
            "status": status,
            "duration_ms": duration_ms,
            "client": scope.get("state", {}).get("client_name"),
            "request_id": scope.get("state", {}).get("request_id"),
        },
    )


# Record attributes that are not extra fields (uvicorn adds `color_message`, with terminal
# escapes, for its own console formatter).
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line; extra fields given to the logger become keys."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_"):
                payload[key] = value
        rid = _request_id.get()
        if rid is not None:
            payload.setdefault("request_id", rid)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, separators=(",", ":"))
