"""Keyset (cursor) paging: fast at any depth, stable while rows are added.

A cursor is the sort key of the last item served, signed with the server secret so that a
client cannot forge or edit one: anything that does not verify is a 400 problem, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, bindparam, tuple_
from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

from app.errors import INVALID_CURSOR, ProblemError

T = TypeVar("T")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_SIGNATURE_BYTES = 16


@dataclass(frozen=True)
class KeyPart:
    """One column of a sort key and how its value travels inside a cursor."""

    column: Any
    encode: Callable[[Any], Any]
    decode: Callable[[Any], Any]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _integer(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _datetime(value: Any) -> datetime:
    parsed = datetime.fromisoformat(_text(value))
    if parsed.tzinfo is None:
        raise ValueError("naive datetime in cursor")
    return parsed


def _uuid(value: Any) -> uuid.UUID:
    return uuid.UUID(_text(value))


def text_key(column: Any) -> KeyPart:
    return KeyPart(column, lambda v: v, _text)


def int_key(column: Any) -> KeyPart:
    return KeyPart(column, lambda v: v, _integer)


def datetime_key(column: Any) -> KeyPart:
    return KeyPart(column, lambda v: v.isoformat(), _datetime)


def uuid_key(column: Any) -> KeyPart:
    return KeyPart(column, str, _uuid)


@dataclass(frozen=True)
class Ordering:
    """A named sort order; its name is sealed into cursors so that a cursor made for one
    listing cannot be replayed against another."""

    name: str
    parts: Sequence[KeyPart]
    descending: bool = False

    def key_of(self, row: Any) -> list[Any]:
        return [part.encode(getattr(row, part.column.key)) for part in self.parts]


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:_SIGNATURE_BYTES]


def encode_cursor(*, secret: str, ordering: str, key: list[Any]) -> str:
    payload = json.dumps({"o": ordering, "k": key}, separators=(",", ":")).encode()
    token = payload + _sign(secret, payload)
    return base64.urlsafe_b64encode(token).rstrip(b"=").decode()


def decode_cursor(*, secret: str, ordering: str, cursor: str) -> list[Any]:
    """The raw key inside a cursor; raises a 400 problem unless it is genuine and ours."""
    invalid = ProblemError(
        INVALID_CURSOR,
        "The cursor is not valid for this listing; start again without `cursor`.",
    )
    try:
        token = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raise invalid from None
    payload, signature = token[:-_SIGNATURE_BYTES], token[-_SIGNATURE_BYTES:]
    if len(token) <= _SIGNATURE_BYTES or not hmac.compare_digest(signature, _sign(secret, payload)):
        raise invalid
    data = json.loads(payload)
    if data.get("o") != ordering or not isinstance(data.get("k"), list):
        raise invalid
    key: list[Any] = data["k"]
    return key


def cursor_values(*, secret: str, ordering: Ordering, cursor: str) -> list[Any]:
    raw = decode_cursor(secret=secret, ordering=ordering.name, cursor=cursor)
    if len(raw) != len(ordering.parts):
        raise ProblemError(INVALID_CURSOR, "The cursor is not valid for this listing.")
    try:
        return [part.decode(value) for part, value in zip(ordering.parts, raw, strict=True)]
    except (TypeError, ValueError):
        raise ProblemError(INVALID_CURSOR, "The cursor is not valid for this listing.") from None


@dataclass(frozen=True)
class PageResult(Generic[T]):
    items: list[T]
    next_cursor: str | None


def keyset_page(
    session: Session,
    statement: SelectOfScalar[Any],
    *,
    ordering: Ordering,
    limit: int,
    cursor: str | None,
    secret: str,
) -> PageResult[Any]:
    """Run `statement` (a select of one entity, filters applied) for one page."""
    columns = [part.column for part in ordering.parts]
    if cursor is not None:
        after = cursor_values(secret=secret, ordering=ordering, cursor=cursor)
        statement = statement.where(_beyond(columns, after, descending=ordering.descending))
    order = [c.desc() for c in columns] if ordering.descending else columns
    rows = list(session.exec(statement.order_by(*order).limit(limit + 1)).all())
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(
            secret=secret, ordering=ordering.name, key=ordering.key_of(rows[-1])
        )
    return PageResult(items=rows, next_cursor=next_cursor)


def _beyond(columns: list[Any], values: list[Any], *, descending: bool) -> ColumnElement[bool]:
    """Rows strictly after the key in the walk's direction (row-value comparison)."""
    params = [bindparam(None, v, type_=c.type) for c, v in zip(columns, values, strict=True)]
    left = columns[0] if len(columns) == 1 else tuple_(*columns)
    right = params[0] if len(params) == 1 else tuple_(*params)
    return left < right if descending else left > right


def list_page(
    items: Sequence[T],
    *,
    key: Callable[[T], str],
    ordering: str,
    limit: int,
    cursor: str | None,
    secret: str,
) -> PageResult[T]:
    """Cursor paging over a short list held in memory (same cursors as the database lists)."""
    start = 0
    if cursor is not None:
        raw = decode_cursor(secret=secret, ordering=ordering, cursor=cursor)
        keys = [key(item) for item in items]
        if len(raw) != 1 or raw[0] not in keys:
            raise ProblemError(INVALID_CURSOR, "The cursor is not valid for this listing.")
        start = keys.index(raw[0]) + 1
    chunk = list(items[start : start + limit])
    more = start + limit < len(items)
    next_cursor = (
        encode_cursor(secret=secret, ordering=ordering, key=[key(chunk[-1])])
        if more and chunk
        else None
    )
    return PageResult(items=chunk, next_cursor=next_cursor)
