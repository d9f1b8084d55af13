"""Errors as RFC 9457 `application/problem+json`: one Problem model, one handler per family."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import CommitOutcomeUnknown
from app.observability import request_id_of

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "/problems/"
DATABASE_RETRY_AFTER_SECONDS = 5

log = logging.getLogger("app.errors")


class FieldError(BaseModel):
    """One offending input, named by its dotted path (`symptoms.red_flags[0]`)."""

    field: str = Field(examples=["symptoms.pain_now"])
    detail: str = Field(examples=["Input should be less than or equal to 10"])


class Problem(BaseModel):
    """An error, as RFC 9457 problem details plus the request id and any field errors."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "/problems/not-found",
                    "title": "Not Found",
                    "status": 404,
                    "detail": "No exercise with slug 'no-such-exercise'.",
                    "instance": "/exercises/no-such-exercise",
                    "request_id": "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11",
                }
            ]
        }
    )

    type: str = Field(description="URI reference naming the kind of problem.")
    title: str = Field(description="Short summary of the kind of problem.")
    status: int = Field(ge=100, le=599, description="The HTTP status code.")
    detail: str = Field(description="What went wrong with this request, for a person.")
    instance: str = Field(description="The path of the request that failed.")
    request_id: str = Field(description="The X-Request-ID of the request, for support.")
    errors: list[FieldError] | None = Field(
        default=None, description="For 422: every offending field and why."
    )


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


# The kinds of problem the API returns. `type` URIs are relative references to these slugs.
BAD_REQUEST = ProblemType("bad-request", 400, "Bad Request")
INVALID_CURSOR = ProblemType("invalid-cursor", 400, "Invalid Cursor")
UNAUTHORIZED = ProblemType("unauthorized", 401, "Unauthorized")
FORBIDDEN = ProblemType("forbidden", 403, "Forbidden")
NOT_FOUND = ProblemType("not-found", 404, "Not Found")
METHOD_NOT_ALLOWED = ProblemType("method-not-allowed", 405, "Method Not Allowed")
NOT_ACCEPTABLE = ProblemType("not-acceptable", 406, "Not Acceptable")
CONFLICT = ProblemType("conflict", 409, "Conflict")
PRECONDITION_FAILED = ProblemType("precondition-failed", 412, "Precondition Failed")
PAYLOAD_TOO_LARGE = ProblemType("payload-too-large", 413, "Content Too Large")
UNSUPPORTED_MEDIA_TYPE = ProblemType("unsupported-media-type", 415, "Unsupported Media Type")
VALIDATION = ProblemType("validation-error", 422, "Unprocessable Content")
RATE_LIMITED = ProblemType("rate-limited", 429, "Too Many Requests")
INTERNAL = ProblemType("internal-error", 500, "Internal Server Error")
UNAVAILABLE = ProblemType("service-unavailable", 503, "Service Unavailable")

_BY_STATUS = {
    p.status: p
    for p in (
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        CONFLICT,
        PRECONDITION_FAILED,
        PAYLOAD_TOO_LARGE,
        UNSUPPORTED_MEDIA_TYPE,
        VALIDATION,
        RATE_LIMITED,
        INTERNAL,
        UNAVAILABLE,
    )
}


def problem_type_for(status: int) -> ProblemType:
    known = _BY_STATUS.get(status)
    if known is not None:
        return known
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return ProblemType(phrase.lower().replace(" ", "-"), status, phrase)


class ProblemError(Exception):
    """Raise from anywhere (service or route) to answer with a problem."""

    def __init__(
        self,
        kind: ProblemType,
        detail: str,
        *,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = dict(headers or {})


def problem_response(
    request: Request,
    kind: ProblemType,
    detail: str,
    *,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        type=kind.uri,
        title=kind.title,
        status=kind.status,
        detail=detail,
        instance=request.url.path,
        request_id=request_id_of(request.scope),
        errors=list(errors) if errors is not None else None,
    )
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True),
        status_code=kind.status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def field_path(loc: Iterable[str | int]) -> str:
    """`('body', 'symptoms', 'red_flags', 0)` -> `symptoms.red_flags[0]`."""
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        source = parts.pop(0)
        if not parts or (source == "body" and isinstance(parts[0], int)):
            # The body as a whole (not an object, or not JSON at all).
            return "body"
    path = ""
    for part in parts:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


# What a 422 says of a null sent as a field's value where the field takes none (pydantic
# says what type it wanted, e.g. "Input should be a valid integer"): an optional field is
# left out, never null (see app.rules.inputs.Omittable).
NULL_DETAIL = "Input should not be null; leave the field out instead"


def _is_null_for_a_field(item: Mapping[str, Any], field: str) -> bool:
    """Whether a pydantic error, at `field` (its field_path), is a field's refusal of a
    null as of the wrong type (not an item of a list, nor the body as a whole, nor an
    unknown field's)."""
    kind, loc = str(item.get("type", "")), tuple(item.get("loc", ()))
    return (
        item.get("input", ...) is None
        and (kind == "enum" or kind.endswith("_type"))
        and bool(loc)
        and isinstance(loc[-1], str)
        and field != "body"
    )


def field_errors(raw: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    out: list[FieldError] = []
    for item in raw:
        field = field_path(item.get("loc", ()))
        message = str(item.get("msg", "Invalid value")).removeprefix("Value error, ")
        if item.get("type") == "json_invalid":
            message = "The body is not valid JSON."
        elif _is_null_for_a_field(item, field):
            message = NULL_DETAIL
        error = FieldError(field=field, detail=message)
        key = (error.field, error.detail)
        if key not in seen:
            seen.add(key)
            out.append(error)
    return out


def validation_problem(request: Request, errors: list[FieldError]) -> JSONResponse:
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem_response(
        request, VALIDATION, f"The request has invalid fields: {names}.", errors=errors
    )


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(request, exc.kind, exc.detail, errors=exc.errors, headers=exc.headers)


BodyCheck = Callable[[Any], list[FieldError]]


def merge_errors(*groups: Sequence[FieldError]) -> list[FieldError]:
    seen: set[tuple[str, str]] = set()
    merged: list[FieldError] = []
    for error in (e for group in groups for e in group):
        if (error.field, error.detail) not in seen:
            seen.add((error.field, error.detail))
            merged.append(error)
    return merged


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = field_errors(exc.errors())
    # Rules beyond the schema (a route registers them by path) are checked on the raw body
    # too, so that one 422 names every offending field.
    check: BodyCheck | None = getattr(request.app.state, "body_checks", {}).get(request.url.path)
    if check is not None and isinstance(exc.body, dict):
        errors = merge_errors(errors, check(exc.body))
    return validation_problem(request, errors)


# FastAPI's answer to a body it could not decode at all (bytes that are not UTF-8, an
# integer too long to read): for the client it is malformed JSON like any other, a 422.
_UNREADABLE_BODY = "There was an error parsing the body"


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400 and exc.detail == _UNREADABLE_BODY:
        return validation_problem(
            request, [FieldError(field="body", detail="The body is not valid JSON.")]
        )
    kind = problem_type_for(exc.status_code)
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail else kind.title
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"Nothing is at {request.url.path}."
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}."
    return problem_response(request, kind, detail, headers=exc.headers)


async def _on_database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Connection refused, reset, timed out: the database is away. Nothing was acknowledged,
    # so the client may retry; never show the driver's message (it can name hosts and users).
    log.warning("database unavailable: %s", type(exc).__name__)
    return problem_response(
        request,
        UNAVAILABLE,
        "The database is unavailable; nothing was saved. Retry shortly.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    # The class and SQLSTATE only: a driver's message can quote the data it choked on.
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    log.error("unhandled database error", extra={"error": type(exc).__name__, "sqlstate": code})
    return problem_response(request, INTERNAL, "An unexpected error occurred; it has been logged.")


def is_connection_error(exc: BaseException) -> bool:
    """True for errors that mean "the database is not reachable", not "the SQL is wrong"."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if isinstance(exc, DBAPIError):
        return bool(exc.connection_invalidated) or isinstance(exc, OperationalError)
    return False


async def _on_commit_outcome_unknown(request: Request, exc: Exception) -> JSONResponse:
    # Not "nothing was saved": the change may have been, and a blind retry could repeat it.
    log.warning("database stopped answering during a commit; its outcome is unknown")
    return problem_response(
        request,
        UNAVAILABLE,
        "The database stopped answering while this was being saved, and whether it was "
        "saved is not known: look before you send it again.",
        headers={"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)},
    )


async def _on_dbapi(request: Request, exc: Exception) -> JSONResponse:
    if isinstance(getattr(exc, "orig", None), CommitOutcomeUnknown):
        return await _on_commit_outcome_unknown(request, exc)
    if is_connection_error(exc):
        return await _on_database_unavailable(request, exc)
    return await _on_unexpected(request, exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(DBAPIError, _on_dbapi)
    app.add_exception_handler(PoolTimeoutError, _on_database_unavailable)
    # Anything else unhandled becomes a 500 problem in RequestContextMiddleware, which is
    # outermost and so can still add the request id to it.


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries documenting problem+json errors for a route."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        kind = problem_type_for(status)
        out[status] = {
            "description": kind.title,
            "model": Problem,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
    return out


# Every API route can answer these: a bad key (401), a rate limit (429), the database away
# (503), and the unexpected (500). Added to each API router where it is included.
COMMON_API_ERRORS = problem_responses(401, 429, 500, 503)
# What writing a catalogue item can add.
WRITE_ERRORS = problem_responses(403, 409, 413, 415, 422)
