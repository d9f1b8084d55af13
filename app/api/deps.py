"""Dependencies and parameters shared by the routers, as `Annotated` aliases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request, Response
from pydantic import AfterValidator
from sqlalchemy import Engine
from sqlmodel import Session

from app.config import Settings
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
