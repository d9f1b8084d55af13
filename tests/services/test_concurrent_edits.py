"""Two editors changing the same item at the same time both keep their change, on SQLite and
PostgreSQL: an edit reads the item, merges its change in and writes it back, so an edit
that read the item before the other committed would write the old fields back over the
other's change (a lost update). Real commits, on a database of this test's own."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import col, select

from app.db import SessionFactory, session_factory, upgrade
from app.models import AuditEntry
from app.models.clients import Principal, Scope
from app.services import clients, content_admin, exercises, seed

# How long the first edit, having read the item, waits for the second to read it too.
OVERLAP_SECONDS = 1.0


@pytest.fixture
def sessions(fresh_engine: Engine) -> SessionFactory:
    upgrade(fresh_engine)
    make = session_factory(fresh_engine)
    with make(writes=True) as session:
        seed.seed_content(session=session)
        session.commit()
    return make


@pytest.fixture
def editor(sessions: SessionFactory) -> Principal:
    with sessions(writes=True) as session:
        client, _ = clients.create_client(
            session=session, name="editor", scopes=[Scope.content_write], secret="s" * 40
        )
        session.commit()
        return Principal.of(client)


def test_two_editors_patching_one_exercise_at_once_both_keep_their_change(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    first_has_read = threading.Event()
    second_has_read = threading.Event()
    real_merge = content_admin.merge_patch

    def merge_in_turn(target: Any, changes: Mapping[str, Any]) -> Any:
        # Runs once the edit holds what it read of the item.
        if threading.current_thread().name == "first":
            first_has_read.set()
            second_has_read.wait(OVERLAP_SECONDS)  # the second edit reads now, if it can
        else:
            second_has_read.set()
        return real_merge(target, changes)

    monkeypatch.setattr(content_admin, "merge_patch", merge_in_turn)
    errors: list[BaseException] = []

    def edit(changes: dict[str, Any]) -> None:
        try:
            with sessions(writes=True) as session:
                content_admin.patch(
                    session, content_admin.EXERCISES, "bird-dog", changes, actor=editor
                )
        except BaseException as error:  # shown by the assertion below
            errors.append(error)

    first = threading.Thread(target=edit, args=({"summary": "First editor."},), name="first")
    second = threading.Thread(target=edit, args=({"difficulty": "advanced"},), name="second")
    first.start()
    assert first_has_read.wait(10)
    second.start()
    first.join(20)
    second.join(20)
    assert errors == []
    with sessions() as session:
        saved = exercises.get_exercise(session=session, slug="bird-dog")
        assert (saved.summary, saved.difficulty) == ("First editor.", "advanced")
        # The audit trail: the second change starts from the first one's result.
        first_entry, second_entry = session.exec(
            select(AuditEntry)
            .where(AuditEntry.item == "bird-dog", AuditEntry.action == "update")
            .order_by(col(AuditEntry.created_at))
        ).all()
        assert first_entry.after is not None
        assert second_entry.before == first_entry.after
