"""Helpers for the tests of transactions: which ones begin as writers, and PostgreSQL ending
one to break a deadlock."""

from __future__ import annotations

from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError


def begins_on(*engines: Engine | None) -> list[str]:
    """A list that fills with every BEGIN statement the engines send from now on (on
    SQLite, `BEGIN` or `BEGIN IMMEDIATE`; psycopg begins PostgreSQL's transactions itself,
    without one). None (no such engine) is left out."""
    begins: list[str] = []

    def statement(_conn: object, _cursor: object, text: str, *_: object) -> None:
        if text.startswith("BEGIN"):
            begins.append(text)

    for engine in engines:
        if engine is not None:
            event.listen(engine, "before_cursor_execute", statement)
    return begins


class _DriverError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def database_error(sqlstate: str) -> OperationalError:
    """The error SQLAlchemy raises for a driver error with `sqlstate` (40P01: PostgreSQL
    ended the transaction to break a deadlock)."""
    return OperationalError("UPDATE ...", {}, _DriverError("from the database", sqlstate))
