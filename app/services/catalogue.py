"""What exercises, advice and programmes have in common: live lookup by slug, tombstones,
and the two ways of listing (browse by sort order, or sync everything changed since a time)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from app.content.loader import SourceRef, bibliography
from app.db import for_change
from app.errors import NOT_FOUND, ProblemError
from app.models import Advice, Exercise, Programme
from app.models.common import SLUG_PATTERN, Tombstone
from app.services.paging import Ordering, PageResult, datetime_key, keyset_page, uuid_key

Item = TypeVar("Item", Exercise, Advice, Programme)
Public = TypeVar("Public")

SLUG_RE = re.compile(SLUG_PATTERN)
NOUNS: dict[type[Any], str] = {Exercise: "exercise", Advice: "advice topic", Programme: "programme"}


def sync_ordering(model: type[Item]) -> Ordering:
    return Ordering(
        f"{model.__tablename__}:updated",
        [datetime_key(model.updated_at), uuid_key(model.id)],
    )


def sources_of(keys: Iterable[str]) -> list[SourceRef]:
    refs = bibliography()
    # A key retired from the bibliography still names its work rather than failing a read.
    return [refs.get(key) or SourceRef(key=key, title=key) for key in keys]


def tombstone(row: Exercise | Advice | Programme) -> Tombstone:
    assert row.deleted_at is not None
    return Tombstone(id=row.id, slug=row.slug, updated_at=row.updated_at, deleted_at=row.deleted_at)


def find_live(
    session: Session, model: type[Item], slug: str, *, for_update: bool = False
) -> Item | None:
    """The live item with `slug`. `for_update`: read to be changed, so the row stays locked
    until the transaction ends (app.db.for_change), and an edit made at the same time
    waits, then reads what this one wrote, instead of writing back what it read before."""
    statement = select(model).where(model.slug == slug, col(model.deleted_at).is_(None))
    return session.exec(for_change(statement) if for_update else statement).first()


def get_live(session: Session, model: type[Item], slug: str, *, for_update: bool = False) -> Item:
    # A string that cannot be a slug is not looked up (PostgreSQL refuses a NUL byte, say).
    row = (
        find_live(session, model, slug, for_update=for_update) if SLUG_RE.fullmatch(slug) else None
    )
    if row is None:
        raise ProblemError(NOT_FOUND, f"No {NOUNS[model]} with slug {slug!r}.")
    return row


def list_items(
    session: Session,
    model: type[Item],
    statement: SelectOfScalar[Item],
    *,
    browse: Ordering,
    updated_since: datetime | None,
    limit: int,
    cursor: str | None,
    secret: str,
    to_public: Callable[[list[Item]], list[Public]],
) -> PageResult[Public | Tombstone]:
    """One page of `statement` (filters applied).

    Browsing lists live items in the `browse` order. With `updated_since`, the listing is for
    sync: every item changed at or after that time, deletions included as tombstones, oldest
    change first, so that a client can resume from the last `updated_at` it saw.
    """
    bounds = []
    if updated_since is not None:
        bounds.append(col(model.updated_at) >= updated_since)
        ordering = sync_ordering(model)
    else:
        statement = statement.where(col(model.deleted_at).is_(None))
        ordering = browse
    page = keyset_page(
        session,
        statement,
        ordering=ordering,
        limit=limit,
        cursor=cursor,
        secret=secret,
        bounds=bounds,
    )
    live = [row for row in page.items if row.deleted_at is None]
    public = iter(to_public(live))
    items: list[Public | Tombstone] = [
        tombstone(row) if row.deleted_at is not None else next(public) for row in page.items
    ]
    return PageResult(items=items, next_cursor=page.next_cursor)


def column_values(
    data: BaseModel,
    schema: type[BaseModel],
    *,
    exclude: frozenset[str] = frozenset(),
    rename: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The table columns written from an input schema (JSON-ready values, None omitted)."""
    values = data.model_dump(
        mode="json", include=set(schema.model_fields) - exclude, exclude_none=True
    )
    return {(rename or {}).get(key, key): value for key, value in values.items()}


def save(
    session: Session,
    model: type[Item],
    values: Mapping[str, Any],
    *,
    row: Item | None,
    item_id: uuid.UUID | None,
    now: datetime,
) -> Item:
    """Insert a new row (`row` None) or overwrite `row` with `values`; moves `updated_at`."""
    if row is None:
        row = model(id=item_id or uuid.uuid4(), created_at=now, updated_at=now, **values)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now
    session.add(row)
    session.flush()
    return row


def soft_delete(session: Session, row: Item, *, now: datetime) -> Item:
    """Delete an item, leaving its tombstone for syncing clients; the caller commits."""
    row.deleted_at = now
    row.updated_at = now
    session.add(row)
    session.flush()
    return row
