"""Dependencies and parameters shared by the routers, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import AfterValidator
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
from app.errors import FORBIDDEN, RATE_LIMITED, UNAUTHORIZED, ProblemError
from app.models.clients import ApiClient, Scope
from app.ratelimit import Decision, RateLimiter
from app.rules.ruleset import Ruleset
from app.services import clients
from app.services.paging import DEFAULT_LIMIT, MAX_LIMIT


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine, expire_on_commit=False) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]


def get_secret(settings: SettingsDep) -> str:
    return settings.secret_value


SecretDep = Annotated[str, Depends(get_secret)]


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("must include a time zone, e.g. 2026-11-01T00:00:00Z")
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
    AfterValidator(_aware),
]
# Any string is looked up: a slug that cannot exist is simply not found (404), not a 422.
SlugPath = Annotated[str, Path(examples=["bird-dog"])]
DEFAULT_PAGE_SIZE = DEFAULT_LIMIT

CONTENT_CACHE_CONTROL = "public, max-age=60, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-store"


def cache_public(response: Response) -> None:
    """Content is public and changes rarely: caches may keep it for a minute, then
    revalidate it with the ETag."""
    response.headers["Cache-Control"] = CONTENT_CACHE_CONTROL


def cache_private(response: Response) -> None:
    """Health data: never stored by a shared or browser cache."""
    response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL


PublicCache = Depends(cache_public)
PrivateCache = Depends(cache_private)


# --- The ruleset ---------------------------------------------------------------------------


def get_ruleset(request: Request) -> Ruleset:
    ruleset: Ruleset = request.app.state.ruleset
    return ruleset


RulesetDep = Annotated[Ruleset, Depends(get_ruleset)]


# --- Authentication ------------------------------------------------------------------------

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    description="`Authorization: Bearer bp_...` with an API key.",
)
api_key_scheme = APIKeyHeader(
    name="X-API-Key",
    auto_error=False,
    scheme_name="apiKeyAuth",
    description="`X-API-Key: bp_...`, the same key in a header of its own.",
)
_CHALLENGE = 'Bearer realm="backpain-api"'


def current_client(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Security(bearer_scheme)],
    header_key: Annotated[str | None, Security(api_key_scheme)],
) -> ApiClient | None:
    """The client whose key came with the request; None when no key came. A key that is not
    valid (unknown, revoked, malformed) is a 401, never silently anonymous."""
    key = header_key or (bearer.credentials if bearer is not None else None)
    if not key:
        return None
    client = clients.authenticate(session=session, key=key, secret=settings.secret_value)
    if client is None:
        # A wrong key spends the caller's anonymous allowance: guessing keys is rate limited.
        _enforce(request, f"ip:{client_ip(request)}", settings.anon_rate_limit_per_minute, "per-ip")
        raise ProblemError(
            UNAUTHORIZED,
            "The API key is not valid (unknown or revoked).",
            headers={"WWW-Authenticate": f'{_CHALLENGE}, error="invalid_token"'},
        )
    request.state.client_name = client.name
    return client


OptionalClient = Annotated[ApiClient | None, Depends(current_client)]


def require_scope(*allowed: Scope) -> Callable[[ApiClient | None], ApiClient]:
    """A dependency: the caller's client, which must hold one of `allowed`."""
    names = " or ".join(f"`{scope.value}`" for scope in allowed)

    def dependency(client: OptionalClient) -> ApiClient:
        if client is None:
            raise ProblemError(
                UNAUTHORIZED,
                "This endpoint needs an API key: `Authorization: Bearer <key>` or "
                "`X-API-Key: <key>`.",
                headers={"WWW-Authenticate": _CHALLENGE},
            )
        if not client.scope_set.intersection(allowed):
            raise ProblemError(FORBIDDEN, f"The API key lacks the {names} scope.")
        return client

    return dependency


AssessClient = Annotated[ApiClient, Depends(require_scope(Scope.assess))]
ContentEditor = Annotated[ApiClient, Depends(require_scope(Scope.content_write))]
ClientsAdmin = Annotated[ApiClient, Depends(require_scope(Scope.clients_admin))]
Auditor = Annotated[ApiClient, Depends(require_scope(Scope.content_write, Scope.clients_admin))]


# --- Rate limits ---------------------------------------------------------------------------


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _enforce(request: Request, key: str, limit: int, policy: str) -> Decision:
    limiter: RateLimiter = request.app.state.limiter
    decision = limiter.hit(key, limit)
    if not decision.allowed:
        raise ProblemError(
            RATE_LIMITED,
            f"Rate limit of {limit} requests a minute reached; retry after "
            f"{decision.reset_seconds} seconds.",
            headers={"Retry-After": str(decision.reset_seconds), **decision.headers(policy)},
        )
    return decision


def rate_limit(
    request: Request, response: Response, settings: SettingsDep, client: OptionalClient
) -> None:
    """Every API request counts against its key's limit, or its IP's without a key."""
    if client is not None:
        decision = _enforce(
            request, f"client:{client.id}", settings.rate_limit_per_minute, "per-key"
        )
        response.headers.update(decision.headers("per-key"))
    else:
        decision = _enforce(
            request, f"ip:{client_ip(request)}", settings.anon_rate_limit_per_minute, "per-ip"
        )
        response.headers.update(decision.headers("per-ip"))


RateLimited = Depends(rate_limit)
