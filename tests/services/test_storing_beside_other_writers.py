"""Storing assessments while something else writes to the same database (a content edit, a
deletion, the audit trail, another worker) never fails, on SQLite and PostgreSQL: on
SQLite a transaction that reads and then writes fails at once when another writer got in
between, so the group must read (history, the dictionary check) before its write
transaction starts. Real commits, on a database of this test's own."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import Session, select

from app.db import upgrade
from app.models import AnswerDictionary, AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.models.clients import Principal, Scope
from app.rules.ruleset import load_ruleset
from app.services import assessments, clients

BATCHES = 60
REQUEST = AssessmentRequest.model_validate(
    {"subject_id": "runner-1", "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 3}}
)


@pytest.fixture
def own_engine(fresh_engine: Engine) -> Engine:
    upgrade(fresh_engine)
    return fresh_engine


@pytest.fixture
def caller(own_engine: Engine) -> Principal:
    with Session(own_engine) as session:
        client, _ = clients.create_client(
            session=session, name="runner-app", scopes=[Scope.assess], secret="s" * 40
        )
        session.commit()
        return Principal.of(client)


def test_groups_store_while_another_writer_commits(own_engine: Engine, caller: Principal) -> None:
    ruleset = load_ruleset()
    stop = threading.Event()
    other_writes = 0

    def other_writer() -> None:
        nonlocal other_writes
        while not stop.is_set():
            with Session(own_engine) as session:
                session.exec(text("UPDATE api_client SET name = name"))  # type: ignore[call-overload]
                session.commit()
                other_writes += 1

    writer = threading.Thread(target=other_writer)
    writer.start()
    failures: list[str] = []
    try:
        for _ in range(BATCHES):
            try:
                with Session(own_engine) as session:
                    assessments.run_batch(
                        session=session, client=caller, requests=[REQUEST] * 3, ruleset=ruleset
                    )
            except Exception as error:  # counted, and shown by the assertion below
                failures.append(f"{type(error).__name__}: {error}"[:200])
    finally:
        stop.set()
        writer.join()
    assert failures == []
    assert other_writes > 0
    with Session(own_engine) as session:
        assert session.exec(select(func.count()).select_from(AssessmentRecord)).one() == (
            3 * BATCHES
        )
        assert len(session.exec(select(AnswerDictionary)).all()) == 1


def test_a_group_commits_once_on_postgresql_and_ends_its_read_first_on_sqlite(
    own_engine: Engine, caller: Principal
) -> None:
    """PostgreSQL reads and writes a group in one transaction (one commit, one round trip
    fewer); SQLite commits the reading transaction before it writes (see above)."""
    ruleset = load_ruleset()
    commits: list[str] = []
    with Session(own_engine) as session:
        event.listen(own_engine, "commit", lambda _: commits.append("commit"))
        assessments.run_batch(session=session, client=caller, requests=[REQUEST], ruleset=ruleset)
    assert len(commits) == (2 if own_engine.dialect.name == "sqlite" else 1)
    with Session(own_engine) as session:
        assert session.exec(select(func.count()).select_from(AssessmentRecord)).one() == 1
