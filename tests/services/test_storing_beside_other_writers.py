"""Storing assessments while something else writes to the same database (a content edit, a
deletion, the audit trail, another worker) never fails, on SQLite and PostgreSQL: on
SQLite a transaction that reads and then writes fails at once when another writer got in
between, so a group that stores holds the write lock from the start of its transaction.
Real commits, on a database of this test's own."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, event, func, text
from sqlmodel import Session, select

from app.models import AnswerDictionary, AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.models.clients import Principal
from app.rules.ruleset import load_ruleset
from app.services import assessments
from tests.transactions import begins_on

BATCHES = 60
REQUEST = AssessmentRequest.model_validate(
    {"subject_id": "runner-1", "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 3}}
)


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


@dataclass
class Transactions:
    """The commits and the BEGIN statements an engine sees."""

    commits: list[str]
    begins: list[str]


@pytest.fixture
def transactions(own_engine: Engine) -> Transactions:
    seen = Transactions(commits=[], begins=begins_on(own_engine))
    event.listen(own_engine, "commit", lambda _: seen.commits.append("commit"))
    return seen


def test_a_group_reads_and_writes_in_one_transaction_with_one_commit(
    own_engine: Engine, caller: Principal, transactions: Transactions
) -> None:
    """One transaction a group, one commit, on both databases; on SQLite it begins holding
    the write lock (BEGIN IMMEDIATE), so no other writer can commit between its reads and
    its insert (which the test above would catch)."""
    with Session(own_engine) as session:
        assessments.run_batch(
            session=session, client=caller, requests=[REQUEST], ruleset=load_ruleset()
        )
    assert transactions.commits == ["commit"]
    # (psycopg begins PostgreSQL's transactions itself, not through a statement of ours.)
    sqlite = own_engine.dialect.name == "sqlite"
    assert transactions.begins == (["BEGIN IMMEDIATE"] if sqlite else [])
    with Session(own_engine) as session:
        assert session.exec(select(func.count()).select_from(AssessmentRecord)).one() == 1


def test_a_group_that_stores_nothing_reads_without_the_write_lock(
    own_engine: Engine, caller: Principal, transactions: Transactions
) -> None:
    """`store: false` with a subject reads history and writes nothing: it must not hold up
    the writers (on SQLite, a plain BEGIN) and commits nothing."""
    reading = REQUEST.model_copy(update={"store": False})
    with Session(own_engine) as session:
        [outcome] = assessments.run_group(
            session=session, jobs=[assessments.Job(caller, reading)], ruleset=load_ruleset()
        )
    assert isinstance(outcome, assessments.Outcome)
    assert outcome.stored is None
    assert transactions.commits == []
    assert transactions.begins == (["BEGIN"] if own_engine.dialect.name == "sqlite" else [])
