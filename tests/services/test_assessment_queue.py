"""Group commit for /assess: requests that wait together are assessed and stored together,
each gets its own answer, and a failed commit acknowledges none of them."""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Connection, event
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, func, select

from app.config import Settings
from app.models import AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.models.clients import Principal, Scope
from app.rules.ruleset import load_ruleset
from app.services import assessments, clients
from app.services.assessment_queue import AssessmentQueue
from app.services.assessments import Job, Outcome, run_group

PAINFUL = {"subject_id": "runner-1", "symptoms": {"pain_now": 3, "onset": "gradual"}}


def _session_on(connection: Connection) -> Session:
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def principal(session: Session, settings: Settings) -> Principal:
    client, _ = clients.create_client(
        session=session, name="queue-test", scopes=[Scope.assess], secret=settings.secret_value
    )
    session.commit()
    return Principal.of(client)


def job(principal: Principal, **changes: Any) -> Job:
    return Job(principal, AssessmentRequest.model_validate({**PAINFUL, **changes}))


def stored(session: Session, principal: Principal) -> list[AssessmentRecord]:
    return list(
        session.exec(
            select(AssessmentRecord)
            .where(AssessmentRecord.client_id == principal.id)
            .order_by(col(AssessmentRecord.earlier_painful_assessments))
        )
    )


def run_together(queue: AssessmentQueue, jobs: list[Job]) -> list[Outcome | BaseException]:
    async def main() -> list[Outcome | BaseException]:
        return await asyncio.gather(*(queue.run(j) for j in jobs), return_exceptions=True)

    return asyncio.run(main())


def _groups_of_at_most(size: int) -> float:
    value = REGISTRY.get_sample_value("backpain_assessment_group_size_bucket", {"le": f"{size}.0"})
    return value or 0.0


def watching_groups(monkeypatch: pytest.MonkeyPatch, seen: Callable[[list[Job]], None]) -> None:
    """Calls `seen` with each group's jobs, where the queue runs the group."""

    def watched(**kwargs: Any) -> list[Outcome | Exception]:
        seen(kwargs["jobs"])
        return run_group(**kwargs)

    monkeypatch.setattr("app.services.assessment_queue.run_group", watched)


def recording_groups(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    sizes: list[int] = []
    watching_groups(monkeypatch, lambda jobs: sizes.append(len(jobs)))
    return sizes


def test_requests_that_wait_together_are_stored_in_one_group(
    connection: Connection, session: Session, principal: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes = recording_groups(monkeypatch)
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)
    before = _groups_of_at_most(32) - _groups_of_at_most(16)

    outcomes = run_together(queue, [job(principal) for _ in range(20)])

    assert sizes == [20]
    # Operators see the group's size in /metrics.
    assert _groups_of_at_most(32) - _groups_of_at_most(16) - before == 1
    assert all(isinstance(o, Outcome) and o.stored is not None for o in outcomes)
    ids = {o.stored.id for o in outcomes if isinstance(o, Outcome) and o.stored}
    records = stored(session, principal)
    assert {r.id for r in records} == ids
    assert len(ids) == 20
    # Each counts the ones before it in the group as history (rule 14), never itself.
    assert [r.earlier_painful_assessments for r in records] == list(range(20))


def test_each_request_gets_its_own_answer(connection: Connection, principal: Principal) -> None:
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)
    calm = job(principal, subject_id="calm", symptoms={"pain_now": 0})
    locked = job(principal, subject_id="locked", symptoms={"pain_now": 8, "locked_up": True})
    red = job(
        principal, subject_id="red", symptoms={"pain_now": 4, "red_flags": ["fever_or_unwell"]}
    )

    outcomes = run_together(queue, [calm, locked, red])

    levels = [o.result.triage.level.value for o in outcomes if isinstance(o, Outcome)]
    assert levels == ["self_care", "see_physio", "urgent"]
    subjects = [o.stored.subject_id for o in outcomes if isinstance(o, Outcome) and o.stored]
    assert subjects == ["calm", "locked", "red"]


class _FailingCommit(Session):
    """A session whose commit fails, once the group's rows are inserted, as if the database
    had gone away (on SQLite an earlier commit ends the reading transaction; that one
    passes)."""

    def commit(self) -> None:
        if self.info.get("inserted"):
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        super().commit()


def test_a_failed_commit_fails_every_request_of_its_group_and_stores_none(
    connection: Connection, session: Session, principal: Principal
) -> None:
    made: list[Session] = []

    def sessions() -> Session:
        made.append(
            _FailingCommit(
                bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
            )
        )
        return made[-1]

    def spot_insert(*args: Any) -> None:
        statement: str = args[2]
        if statement.startswith("INSERT INTO assessment "):
            for each in made:
                each.info["inserted"] = True

    queue = AssessmentQueue(sessions=sessions, ruleset=load_ruleset)
    event.listen(connection, "before_cursor_execute", spot_insert)
    try:
        outcomes = run_together(queue, [job(principal) for _ in range(5)])
    finally:
        event.remove(connection, "before_cursor_execute", spot_insert)

    assert made
    assert all(each.info.get("inserted") for each in made)
    assert all(isinstance(o, OperationalError) for o in outcomes)
    assert stored(session, principal) == []


@pytest.fixture
def rules_fail_for_subject_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine raises (as a bug would) for the subjects "broken" and "stop"."""
    real: Callable[..., Any] = assessments.assess

    def assess(request: AssessmentRequest, **kwargs: Any) -> Any:
        if request.subject_id == "broken":
            raise RuntimeError("a bug in a rule")
        if request.subject_id == "stop":
            raise StopIteration  # which a future refuses to hold
        return real(request, **kwargs)

    monkeypatch.setattr(assessments, "assess", assess)


@pytest.mark.usefixtures("rules_fail_for_subject_broken")
def test_an_evaluation_that_fails_fails_only_its_own_request(
    connection: Connection, session: Session, principal: Principal
) -> None:
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)

    outcomes = run_together(
        queue, [job(principal, subject_id="a"), job(principal, subject_id="broken"), job(principal)]
    )

    assert isinstance(outcomes[1], RuntimeError)
    assert isinstance(outcomes[0], Outcome)
    assert isinstance(outcomes[2], Outcome)
    assert {r.subject_id for r in stored(session, principal)} == {"a", "runner-1"}


def test_the_queue_serves_a_new_event_loop(connection: Connection, principal: Principal) -> None:
    """Tests (and servers that restart their loop) use one app on several event loops."""
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)
    first = run_together(queue, [job(principal, store=False)])
    second = run_together(queue, [job(principal, store=False)])
    assert all(isinstance(o, Outcome) and o.stored is None for o in first + second)


def test_count_of_stored_rows_matches_acknowledged_requests(
    connection: Connection, session: Session, principal: Principal
) -> None:
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)
    jobs = [job(principal, store=(i % 3 != 0)) for i in range(30)]

    outcomes = run_together(queue, jobs)

    acknowledged = [o for o in outcomes if isinstance(o, Outcome) and o.stored is not None]
    count = session.exec(
        select(func.count())
        .select_from(AssessmentRecord)
        .where(AssessmentRecord.client_id == principal.id)
    ).one()
    assert count == len(acknowledged) == 20


@pytest.mark.usefixtures("rules_fail_for_subject_broken")
def test_a_batch_with_an_item_that_fails_stores_nothing(
    session: Session, principal: Principal
) -> None:
    """/assess/batch is all or nothing: the caller gets an error and may retry the whole
    batch without storing any item twice."""
    requests = [
        AssessmentRequest.model_validate({**PAINFUL, "subject_id": s}) for s in ("a", "broken")
    ]

    with pytest.raises(RuntimeError):
        assessments.run_batch(
            session=session, client=principal, requests=requests, ruleset=load_ruleset()
        )
    assert stored(session, principal) == []


@pytest.mark.usefixtures("rules_fail_for_subject_broken")
def test_no_request_is_left_waiting_whatever_its_evaluation_raises(
    connection: Connection, principal: Principal
) -> None:
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)

    outcomes = run_together(
        queue, [job(principal, subject_id="stop"), job(principal, subject_id="after")]
    )

    assert isinstance(outcomes[0], RuntimeError)
    assert isinstance(outcomes[1], Outcome)


CALLER: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="none")


def test_the_group_does_not_run_in_the_first_callers_context(
    connection: Connection, principal: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Group work must not log with the request id of whichever request started it."""
    seen: list[str] = []
    watching_groups(monkeypatch, lambda _: seen.append(CALLER.get()))
    queue = AssessmentQueue(sessions=lambda: _session_on(connection), ruleset=load_ruleset)

    async def as_a_request() -> Outcome:
        CALLER.set("first-request")
        return await queue.run(job(principal))

    async def main() -> None:
        await asyncio.gather(as_a_request(), queue.run(job(principal)))

    asyncio.run(main())
    assert seen == ["none"]


@pytest.mark.parametrize("json_each", [True, False], ids=["json_each", "no_json_each"])
@pytest.mark.parametrize("count", [1, 2, 40])
def test_history_is_counted_for_many_subjects_in_one_query(
    session: Session,
    principal: Principal,
    settings: Settings,
    count: int,
    json_each: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """earlier_painful_assessments for one subject, a few or many (on SQLite, many go in as
    one JSON array, or an IN list where SQLite lacks its JSON functions): each subject's
    painful answers inside the window, none of another subject's or client's, and no count
    for one with none; one statement each time."""
    monkeypatch.setattr(assessments, "sqlite_has_json_each", lambda: json_each)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("SELECT"):  # not the test session's savepoints
            statements.append(statement)

    ruleset = load_ruleset()
    other, _ = clients.create_client(
        session=session, name="other", scopes=[Scope.assess], secret=settings.secret_value
    )
    session.commit()
    subjects = [f"runner-{index}.a:b-{index}" for index in range(count)]
    jobs = [job(principal, subject_id=s) for i, s in enumerate(subjects) for _ in range(i % 3)]
    jobs += [job(principal, subject_id=subjects[0], symptoms={"pain_now": 0})]  # no pain
    jobs += [job(Principal.of(other), subject_id=s) for s in subjects]  # not this client's
    run_group(session=session, jobs=jobs, ruleset=ruleset)
    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        counts = assessments.earlier_painful_assessments(
            session,
            client_id=principal.id,
            subject_ids=[*subjects, "never-seen", subjects[0]],
            since=assessments.utcnow() - timedelta(days=1),
        )
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert counts == {s: i % 3 for i, s in enumerate(subjects) if i % 3}
    assert len(statements) == 1, statements
    by_json_array = engine.dialect.name == "sqlite" and json_each
    assert ("json_each" in statements[0]) is by_json_array
    later = assessments.earlier_painful_assessments(
        session,
        client_id=principal.id,
        subject_ids=subjects,
        since=assessments.utcnow() + timedelta(seconds=1),
    )
    assert later == {}
