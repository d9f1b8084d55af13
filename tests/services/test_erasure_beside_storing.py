"""Erasing a subject (DELETE /subjects/{id}) while a group stores answers about it: the two
are put in order, on SQLite and PostgreSQL, so that nothing counted from erased answers
(rule 14's history) is left stored once the erasure has committed.

Real commits and real threads, on a database of this test's own: a group paused between
reading the subject's history and storing its answer, against an erasure; and an erasure
paused before its commit, against a group."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from app.models import AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.models.clients import Principal
from app.rules.ruleset import load_ruleset
from app.services import assessments

SUBJECT = "runner-1"
PAINFUL = AssessmentRequest.model_validate(
    {"subject_id": SUBJECT, "symptoms": {"pain_now": 4, "onset": "gradual", "duration_days": 3}}
)
WAIT = 10.0


def _store(engine: Engine, caller: Principal, count: int = 1) -> list[assessments.Outcome]:
    with Session(engine) as session:
        return assessments.run_batch(
            session=session, client=caller, requests=[PAINFUL] * count, ruleset=load_ruleset()
        )


def _erase(engine: Engine, caller: Principal, session_class: type[Session] = Session) -> int:
    with session_class(engine) as session:
        return assessments.erase_subject(session=session, client=caller, subject_id=SUBJECT)


def _stored(engine: Engine) -> list[AssessmentRecord]:
    with Session(engine) as session:
        return list(
            session.exec(select(AssessmentRecord).where(AssessmentRecord.subject_id == SUBJECT))
        )


def _counted(outcome: assessments.Outcome) -> int:
    """The earlier painful assessments rule 14 counted for an answer (0: it did not fire)."""
    for factor in outcome.result.risk_factors:
        if factor.code == "recurrent_episodes":
            return int(factor.evidence["earlier_painful_assessments"])
    return 0


class _Background:
    """`work` in a thread of its own; `result()` is what it returned (or raises its error)."""

    def __init__(self, work: Callable[[], Any]) -> None:
        self._returned: list[Any] = []
        self._raised: list[BaseException] = []

        def run() -> None:
            try:
                self._returned.append(work())
            except BaseException as error:  # handed to the test by result()
                self._raised.append(error)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def done(self) -> bool:
        return not self.thread.is_alive()

    def result(self) -> Any:
        self.thread.join(WAIT)
        assert self.done(), "still running"
        if self._raised:
            raise self._raised[0]
        return self._returned[0]


def _until_it_waits_for_the_subject(engine: Engine, work: _Background) -> None:
    """Until a session waits on an advisory lock (PostgreSQL); on SQLite, where the write
    lock is waited for inside the driver, out of sight, a moment. Returns at once if `work`
    is done (as it would be without the locks: the test then fails on what was stored)."""
    if engine.dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + WAIT
    with engine.connect() as connection:
        while not work.done() and time.monotonic() < deadline:
            waiting = connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                )
            ).scalar_one()
            connection.rollback()
            if waiting:
                return
            time.sleep(0.02)


def test_an_erasure_waits_for_a_group_that_read_the_history_and_deletes_its_answers(
    own_engine: Engine, caller: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    _store(own_engine, caller, count=2)
    reached, go = threading.Event(), threading.Event()
    real = assessments.assess

    def paused(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        assert go.wait(WAIT)
        return real(*args, **kwargs)

    monkeypatch.setattr(assessments, "assess", paused)
    try:
        group = _Background(lambda: _store(own_engine, caller))
        assert reached.wait(WAIT)  # it has read the history, and stored nothing yet
        erasure = _Background(lambda: _erase(own_engine, caller))
        _until_it_waits_for_the_subject(own_engine, erasure)
    finally:
        go.set()
    (answer,) = group.result()
    assert answer.stored is not None
    assert _counted(answer) == 2  # counted from the two answers the erasure erases
    assert erasure.result() == 3  # and it erased the answer counted from them too
    assert _stored(own_engine) == []


def test_a_group_waits_for_an_erasure_under_way_and_counts_nothing_it_erased(
    own_engine: Engine, caller: Principal
) -> None:
    _store(own_engine, caller, count=2)
    reached, go = threading.Event(), threading.Event()

    class CommitsWhenTold(Session):
        def commit(self) -> None:
            reached.set()
            assert go.wait(WAIT)
            super().commit()

    try:
        erasure = _Background(lambda: _erase(own_engine, caller, CommitsWhenTold))
        assert reached.wait(WAIT)  # deleted, not committed
        group = _Background(lambda: _store(own_engine, caller))
        _until_it_waits_for_the_subject(own_engine, group)
    finally:
        go.set()
    assert erasure.result() == 2
    (answer,) = group.result()
    assert answer.stored is not None
    assert _counted(answer) == 0  # none of the erased answers
    (record,) = _stored(own_engine)
    assert (record.id, record.earlier_painful_assessments) == (answer.stored.id, 0)


def test_subjects_share_a_few_lock_buckets_and_spread_over_them() -> None:
    # A few: a group holds one lock a bucket, in a lock table of fixed size (see
    # SUBJECT_LOCK_BUCKETS); spread: an erasure waits only for the groups in its bucket.
    client = uuid.UUID(int=1)
    keys = [assessments.subject_lock_key(client, f"runner-{n}") for n in range(2_000)]
    assert set(keys) == set(range(assessments.SUBJECT_LOCK_BUCKETS))
    assert max(Counter(keys).values()) < 3 * 2_000 / assessments.SUBJECT_LOCK_BUCKETS
    assert keys[7] == assessments.subject_lock_key(uuid.UUID(int=1), "runner-7")
    others = [assessments.subject_lock_key(uuid.UUID(int=2), f"runner-{n}") for n in range(64)]
    assert others != keys[:64]  # the client is part of the hash
