"""Dependencies and parameters shared by the routers, as `Annotated` aliases.

Dependencies that never block are `async def`, so that FastAPI runs them on the event loop
instead of handing each one to the thread pool; only database work goes to a thread.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated

from anyio import CancelScope, CapacityLimiter, to_thread
from anyio.lowlevel import RunVar
from fastapi import Depends, Path, Query, Request, Response
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import Engine
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.config import Settings
from app.db import SessionFactory
from app.errors import FORBIDDEN, RATE_LIMITED, UNAUTHORIZED, ProblemError
from app.middleware import request_header
from app.models.clients import Principal, Scope
from app.ratelimit import Decision, RateLimiter
from app.rules.ruleset import Ruleset
from app.services import clients
from app.services.paging import DEFAULT_LIMIT, MAX_LIMIT


async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def session_factory(request: Request) -> SessionFactory:
    """How this app makes sessions (tests swap it for sessions inside their transaction)."""
    factory: SessionFactory = request.app.state.session_factory
    return factory


# Requests that only read; any other may change something (see app.db.session_factory).
_READING_METHODS = frozenset({"GET", "HEAD"})


# Threads for closing request sessions, apart from the thread pool that runs endpoints:
# under a burst, every thread of that pool can be taken by an endpoint waiting for a
# database connection, while the connections are held by sessions waiting for a thread to
# close them (and give their connection back): nothing moved until the pool's timeout, and
# then the waiting requests failed with a 503. A close needs nothing but the database.
CLOSING_THREADS = 16
_closing_limiters: RunVar[CapacityLimiter] = RunVar("backpain_closing_limiter")


def _closing_limiter() -> CapacityLimiter:
    try:  # one per event loop, as anyio keeps its own default limiter
        return _closing_limiters.get()
    except LookupError:
        limiter = CapacityLimiter(CLOSING_THREADS)
        _closing_limiters.set(limiter)
        return limiter


@asynccontextmanager
async def _closing(session: Session) -> AsyncIterator[Session]:
    """`session`, closed afterwards. Making one costs no I/O (it connects on first use);
    closing one that connected does (a rollback), so that part goes to a thread of its own
    (see CLOSING_THREADS). Shielded: a request cancelled meanwhile (the server stopping,
    say) still closes its session and gives its connection back, where it would otherwise
    stay out of the pool until the session was collected."""
    try:
        yield session
    finally:
        if session.in_transaction():
            with CancelScope(shield=True):
                await to_thread.run_sync(session.close, limiter=_closing_limiter())
        else:
            session.close()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session per request, for writing unless the request only reads."""
    writes = request.method not in _READING_METHODS
    async with _closing(session_factory(request)(writes=writes)) as session:
        yield session


def group_session(request: Request) -> AbstractAsyncContextManager[Session]:
    """A session for assessing a group (POST /assess/batch), closed on the way out: a
    reading one, because the group begins its own write transaction when it has answers
    to store, and one that stores nothing must not hold up the writers (see
    assessments._group_transaction)."""
    return _closing(session_factory(request)())


async def get_group_session(request: Request) -> AsyncIterator[Session]:
    """The batch endpoint's group_session, as a dependency."""
    async with group_session(request) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
EngineDep = Annotated[Engine, Depends(get_engine)]
# Closed when the endpoint returns, before the answer is sent ("function" scope): a session
# never outlives its request's work, and a lock or connection it held is free by the time
# the client sees the answer.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
GroupSessionDep = Annotated[Session, Depends(get_group_session, scope="function")]


async def get_secret(settings: SettingsDep) -> str:
    return settings.secret_value


SecretDep = Annotated[str, Depends(get_secret)]


async def get_ruleset(request: Request) -> Ruleset:
    ruleset: Ruleset = request.app.state.ruleset
    return ruleset


RulesetDep = Annotated[Ruleset, Depends(get_ruleset)]


# --- Parameters ----------------------------------------------------------------------------


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("must include a time zone, e.g. 2026-11-01T00:00:00Z")
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-14:00 is past the last UTC instant
        raise ValueError("is out of range once converted to UTC") from None


# RFC 3339 section 5.6 `date-time`, which the API description promises for `updated_since`:
# a full date, `T`, a full time and an offset or `Z` (either letter may be lower case).
# Checked on the text, before parsing, because the parser is lenient: it would take a Unix
# time (seconds or milliseconds, guessed from its size) or a space for the `T`, which a
# client should hear about rather than rely on.
_RFC3339_DATE_TIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)


def _rfc3339_text(value: object) -> object:
    if value is not None and not (isinstance(value, str) and _RFC3339_DATE_TIME.fullmatch(value)):
        raise ValueError("must be an RFC 3339 date-time, e.g. 2026-11-01T00:00:00Z")
    return value


def no_control_characters(value: str | None) -> str | None:
    if value is not None and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


LimitQuery = Annotated[
    int,
    Query(ge=1, le=MAX_LIMIT, description=f"Items a page, 1 to {MAX_LIMIT}."),
]
CursorQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=1000,
        description="`next_cursor` from the previous page; omit for the first page.",
    ),
]
UpdatedSinceQuery = Annotated[
    datetime | None,
    Query(
        description="Sync: list everything changed at or after this time (RFC 3339, with "
        "a zone), deletions included as tombstones, oldest change first.",
        examples=["2026-11-01T00:00:00Z"],
    ),
    BeforeValidator(_rfc3339_text),
    AfterValidator(_aware),
]
# Any string is looked up: a slug that cannot exist is simply not found (404), not a 422.
_SLUG = "slug: its stable id in URLs."
ExerciseSlug = Annotated[str, Path(description=f"The exercise's {_SLUG}", examples=["bird-dog"])]
AdviceSlug = Annotated[
    str, Path(description=f"The advice topic's {_SLUG}", examples=["what-to-do-first"])
]
ProgrammeSlug = Annotated[
    str, Path(description=f"The programme's {_SLUG}", examples=["runner-strength"])
]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT


# --- Caching -------------------------------------------------------------------------------

CONTENT_CACHE_CONTROL = "public, max-age=60, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-store"


async def cache_public(response: Response) -> None:
    """Content is public and changes rarely: caches may keep it for a minute, then
    revalidate it with the ETag."""
    response.headers["Cache-Control"] = CONTENT_CACHE_CONTROL


async def cache_private(response: Response) -> None:
    """Health data: never stored by a shared or browser cache."""
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL


PublicCache = Depends(cache_public)
PrivateCache = Depends(cache_private)


# --- Authentication ------------------------------------------------------------------------

_CHALLENGE = 'Bearer realm="backpain-api"'


def _authenticate(request: Request, key: str, secret: str) -> Principal | None:
    with session_factory(request)() as session:
        return clients.authenticate(session=session, key=key, secret=secret)


def presented_key(request: Request) -> str | None:
    """The API key sent as `X-API-Key`, or as `Authorization: Bearer`."""
    key = request_header(request.scope, b"x-api-key")
    if key:
        return key
    scheme, _, credentials = (request_header(request.scope, b"authorization") or "").partition(" ")
    return credentials.strip() or None if scheme.lower() == "bearer" else None


async def current_client(request: Request) -> Principal | None:
    """Who is calling, with the rate limit enforced: one dependency for every API route.

    No key: anonymous, limited per IP address. A valid key: its client, limited per key. A
    key that is not valid (unknown, revoked, malformed) is a 401, never silently anonymous,
    and spends the IP's anonymous allowance, so that guessing keys is limited too.
    """
    # Headers are read directly, not through FastAPI's security classes: this runs on every
    # request, and each dependency costs. The OpenAPI document still declares both schemes
    # (see app.openapi). Called again in the same request (by a scope check), it answers
    # from request.state: one identity, one hit on the limit. (Its dict, read and written
    # as a dict: `request.state` wraps the same one, at the cost of a call a field.)
    state = request.scope.setdefault("state", {})
    if "principal" in state:
        known: Principal | None = state["principal"]
        return known
    settings: Settings = request.app.state.settings
    key = presented_key(request)
    client = None
    if key:
        secret = settings.secret_value
        client = clients.recently_authenticated(key, secret=secret) or await run_in_threadpool(
            _authenticate, request, key, secret
        )
        if client is None:
            await _enforce(request, anonymous_bucket(request), settings.anon_rate_limit_per_minute)
            raise ProblemError(
                UNAUTHORIZED,
                "The API key is not valid (unknown or revoked).",
                headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
            )
        state["client_name"] = client.name
        await _enforce(request, client.rate_limit_bucket, settings.rate_limit_per_minute)
    else:
        await _enforce(request, anonymous_bucket(request), settings.anon_rate_limit_per_minute)
    state["principal"] = client
    return client


def require_scope(*allowed: Scope) -> Callable[[Request], Awaitable[Principal]]:
    """A dependency: the caller's client, which must hold one of `allowed`."""
    names = " or ".join(f"`{scope.value}`" for scope in allowed)

    async def dependency(request: Request) -> Principal:
        # (`required_scopes` below marks the routes that need a key in the OpenAPI document.)
        # current_client is called, not declared as a sub-dependency: one dependency less
        # to solve on every request (the routers already run it, and it answers once).
        client = await current_client(request)
        if client is None:
            raise ProblemError(
                UNAUTHORIZED,
                "This endpoint needs an API key: `Authorization: Bearer <key>` or "
                "`X-API-Key: <key>`.",
                headers={"WWW-Authenticate": _CHALLENGE},
            )
        if not client.scopes.intersection(allowed):
            raise ProblemError(FORBIDDEN, f"The API key lacks the {names} scope.")
        return client

    dependency.required_scopes = allowed  # type: ignore[attr-defined]
    return dependency


assess_scope = require_scope(Scope.assess)
AssessClient = Annotated[Principal, Depends(assess_scope)]
ContentEditor = Annotated[Principal, Depends(require_scope(Scope.content_write))]
ClientsAdmin = Annotated[Principal, Depends(require_scope(Scope.clients_admin))]
Auditor = Annotated[Principal, Depends(require_scope(Scope.content_write, Scope.clients_admin))]


# --- Rate limits ---------------------------------------------------------------------------

PER_KEY = "per-key"
PER_IP = "per-ip"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def anonymous_bucket(request: Request) -> str:
    return f"ip:{client_ip(request)}"


async def _enforce(request: Request, bucket: str, limit: int) -> Decision:
    limiter: RateLimiter = request.app.state.limiter
    policy = PER_IP if bucket.startswith("ip:") else PER_KEY
    decision = await limiter.hit(bucket, limit)
    if not decision.allowed:
        raise ProblemError(
            RATE_LIMITED,
            f"Rate limit of {limit} requests a minute reached; retry after "
            f"{decision.reset_seconds} seconds.",
            headers={"Retry-After": str(decision.reset_seconds), **decision.headers(policy)},
        )
    # The edge middleware adds these to whatever answer the request gets (a 204 or a problem
    # too, which a dependency's headers would not reach).
    request.scope["state"]["rate_limit_headers"] = decision.raw_headers(policy)
    return decision


# Every API router runs this (also for public reads): identity and limits in one step.
RateLimited = Depends(current_client)


# --- Fast JSON answers ----------------------------------------------------------------------


def json_response(body: bytes | str, *, status_code: int, headers: Mapping[str, str]) -> Response:
    """A JSON body already written (by pydantic, far faster than FastAPI's generic encoder
    on a large answer), sent as it is. Rate-limit headers are added by the edge middleware."""
    return Response(body, status_code=status_code, media_type="application/json", headers=headers)
