"""Keyset paging stays an index range at any depth: the query plans of deep pages."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event
from sqlmodel import Session

from app.services import exercises
from tests.conftest import TEST_SECRET


@contextmanager
def captured(session: Session) -> Iterator[list[tuple[str, Any]]]:
    """The statements (SQL and parameters) the session runs inside the block."""
    seen: list[tuple[str, Any]] = []
    connection = session.connection()

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(connection, "before_cursor_execute", record)


def test_a_deep_sync_page_starts_its_index_range_at_the_cursor(
    session: Session, is_sqlite: bool
) -> None:
    if not is_sqlite:
        pytest.skip("SQLite's planner takes the first bound it finds; PostgreSQL combines them")
    filters = exercises.ExerciseFilters(updated_since=datetime(2000, 1, 1, tzinfo=UTC))
    first = exercises.list_exercises(
        session=session, filters=filters, limit=5, cursor=None, secret=TEST_SECRET
    )
    with captured(session) as seen:
        exercises.list_exercises(
            session=session,
            filters=filters,
            limit=5,
            cursor=first.next_cursor,
            secret=TEST_SECRET,
        )
    statement, parameters = next((sql, p) for sql, p in seen if "FROM exercise" in sql)
    plan = " ".join(
        str(row[-1])
        for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters
        )
    )
    assert "USING INDEX ix_exercise_updated_at_id ((updated_at,id)>(?,?))" in plan, plan


def test_the_since_filter_still_applies_with_a_cursor(session: Session) -> None:
    """A cursor from an earlier walk does not widen a later, narrower `updated_since`."""
    early = exercises.ExerciseFilters(updated_since=datetime(2000, 1, 1, tzinfo=UTC))
    cursor = exercises.list_exercises(
        session=session, filters=early, limit=1, cursor=None, secret=TEST_SECRET
    ).next_cursor
    later = exercises.ExerciseFilters(updated_since=datetime(2999, 1, 1, tzinfo=UTC))
    page = exercises.list_exercises(
        session=session, filters=later, limit=5, cursor=cursor, secret=TEST_SECRET
    )
    assert page.items == []
