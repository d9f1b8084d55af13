"""Two changes at the same moment (content edits, key revocations), on SQLite and
PostgreSQL: each one reads and then writes, so each test holds the first change just after
a read, lets the second run up to
the same point, and only then lets both go on. Locking right makes the second wait at
that point instead (it holds up the first for OVERLAP_SECONDS at most); locking wrong
loses a change, or leaves a programme listing an exercise deleted at the same time. Real
commits, on a database of this test's own."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import wraps
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from app.db import SessionFactory, session_factory, upgrade
from app.errors import ProblemError
from app.models import Advice, AuditEntry, Exercise, Programme, ProgrammeItem
from app.models.clients import Principal, Scope
from app.services import advice, catalogue, clients, content_admin, exercises, seed
from tests.transactions import database_error

# How long the first change, held after its read, waits for the second to get there too.
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


@dataclass
class Outcome:
    """What a change returned, or the ProblemError (or other error) it raised."""

    value: Any = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    # For the first of `overlapped`: whether the second reached its point while it was held
    # (False when the hold ended after OVERLAP_SECONDS instead).
    met_the_other: bool = False

    @property
    def status(self) -> int:
        return self.error.kind.status if isinstance(self.error, ProblemError) else 200


def overlapped(
    monkeypatch: pytest.MonkeyPatch,
    sessions: SessionFactory,
    first: Callable[[Session], Any],
    second: Callable[[Session], Any],
    *,
    first_holds_after: tuple[ModuleType, str],
    second_reaches: tuple[ModuleType, str],
    second_reads: bool = False,
) -> tuple[Outcome, Outcome]:
    """Run `first` and `second` (each in a session of its own, on its own thread; a writing
    one but for a `second_reads`): `first` is held once it has returned from
    `first_holds_after` (a module's function) until `second` has returned from
    `second_reaches`, or OVERLAP_SECONDS have passed."""
    first_held = threading.Event()
    second_there = threading.Event()

    def hook(point: tuple[ModuleType, str], thread: str, after: Callable[[], None]) -> None:
        module, name = point
        real = getattr(module, name)

        @wraps(real)
        def hooked(*args: Any, **kwargs: Any) -> Any:
            value = real(*args, **kwargs)
            if threading.current_thread().name == thread:
                after()
            return value

        monkeypatch.setattr(module, name, hooked)

    def hold() -> None:
        if not first_held.is_set():
            first_held.set()
            outcomes[0].met_the_other = second_there.wait(OVERLAP_SECONDS)

    hook(first_holds_after, "first", hold)
    hook(second_reaches, "second", second_there.set)
    outcomes = (Outcome(), Outcome())

    def run(change: Callable[[Session], Any], outcome: Outcome, writes: bool) -> None:
        try:
            with sessions(writes=writes) as session:
                outcome.value = change(session)
        except BaseException as error:  # reported by the callers' assertions
            outcome.error = error
        finally:
            outcome.done.set()

    threads = [
        threading.Thread(target=run, args=(change, outcome, writes), name=name)
        for change, outcome, name, writes in zip(
            (first, second), outcomes, ("first", "second"), (True, not second_reads), strict=True
        )
    ]
    threads[0].start()
    assert first_held.wait(10) or outcomes[0].done.is_set()
    threads[1].start()
    for thread in threads:
        thread.join(30)
    for outcome in outcomes:
        assert outcome.error is None or isinstance(outcome.error, ProblemError), outcome.error
    return outcomes


def listed_exercise(sessions: SessionFactory) -> tuple[str, str]:
    """A seeded programme and an exercise it lists: (programme slug, exercise slug)."""
    with sessions() as session:
        programme, exercise = session.exec(
            select(Programme.slug, Exercise.slug)
            .join(ProgrammeItem, col(ProgrammeItem.programme_id) == Programme.id)
            .join(Exercise, col(ProgrammeItem.exercise_id) == Exercise.id)
            .order_by(col(Programme.slug), col(ProgrammeItem.position))
        ).first()
        return programme, exercise


def an_unused_exercise(sessions: SessionFactory, editor: Principal) -> str:
    """A new exercise that nothing lists yet (a copy of bird-dog)."""
    with sessions(writes=True) as session:
        row = catalogue.get_live(session, Exercise, "bird-dog")
        data = content_admin.EXERCISES.to_input(session, row).model_copy(
            update={"slug": "bird-dog-copy", "name": "Bird dog, again"}
        )
        return content_admin.create(session, content_admin.EXERCISES, data, actor=editor).slug


def programme_listing(sessions: SessionFactory, slug: str, exercise: str) -> Any:
    """A new programme `slug` (a copy of a seeded one) that lists only `exercise`."""
    programme, _ = listed_exercise(sessions)
    with sessions() as session:
        row = catalogue.get_live(session, Programme, programme)
        data = content_admin.PROGRAMMES.to_input(session, row)
        return data.model_copy(
            update={
                "slug": slug,
                "items": [data.items[0].model_copy(update={"exercise": exercise})],
            }
        )


def audit_of(sessions: SessionFactory, item: str) -> Iterator[AuditEntry]:
    with sessions() as session:
        yield from session.exec(
            select(AuditEntry).where(AuditEntry.item == item).order_by(col(AuditEntry.created_at))
        ).all()


def test_two_editors_patching_one_exercise_at_once_both_keep_their_change(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def change(fields: dict[str, Any]) -> Callable[[Session], Any]:
        return lambda session: content_admin.patch(
            session, content_admin.EXERCISES, "bird-dog", fields, actor=editor
        )

    first, second = overlapped(
        monkeypatch,
        sessions,
        change({"summary": "First editor."}),
        change({"difficulty": "advanced"}),
        first_holds_after=(catalogue, "get_live"),
        second_reaches=(catalogue, "get_live"),
    )
    assert (first.status, second.status) == (200, 200)
    with sessions() as session:
        saved = exercises.get_exercise(session=session, slug="bird-dog")
        assert (saved.summary, saved.difficulty) == ("First editor.", "advanced")
    # The audit trail: the second change starts from the first one's result.
    first_entry, second_entry = [e for e in audit_of(sessions, "bird-dog") if e.action == "update"]
    assert first_entry.after is not None
    assert second_entry.before == first_entry.after


def test_an_exercise_deleted_while_a_programme_is_made_to_list_it_is_never_left_listed(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whichever reads first, the other sees it: the delete first (the programme is then
    refused: no such exercise), or the programme first (the delete is then refused: it is
    in use)."""
    for order, slug in (("delete first", "delete-first"), ("programme first", "link-first")):
        exercise = an_unused_exercise(sessions, editor)
        programme = programme_listing(sessions, slug, exercise)

        def delete(session: Session, exercise: str = exercise) -> Any:
            return content_admin.delete(session, content_admin.EXERCISES, exercise, actor=editor)

        def make(session: Session, programme: Any = programme) -> Any:
            return content_admin.create(session, content_admin.PROGRAMMES, programme, actor=editor)

        deleting = ((delete, (catalogue, "get_live")), (make, (exercises, "require_live")))
        (first, holds), (second, reaches) = deleting if order == "delete first" else deleting[::-1]
        held, reached = overlapped(
            monkeypatch,
            sessions,
            first,
            second,
            first_holds_after=holds,
            second_reaches=reaches,
        )
        monkeypatch.undo()
        statuses = {"delete": held.status, "programme": reached.status}
        if order == "programme first":
            statuses = {"programme": held.status, "delete": reached.status}
        expected = (
            {"delete": 200, "programme": 422}
            if order == "delete first"
            else {"programme": 200, "delete": 409}
        )
        assert statuses == expected, order
        with sessions(writes=True) as session:  # clean up for the next order
            if order == "delete first":
                assert catalogue.find_live(session, Exercise, exercise) is None
            else:
                content_admin.delete(session, content_admin.PROGRAMMES, slug, actor=editor)
                content_admin.delete(session, content_admin.EXERCISES, exercise, actor=editor)
            restored = session.exec(select(Exercise).where(Exercise.slug == exercise)).one()
            restored.slug = f"{exercise}-gone-{slug}"  # frees the slug for the next round
            session.add(restored)
            session.commit()


def test_an_exercise_and_a_programme_listing_it_edited_at_once_both_succeed(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exercise edit holds the exercise and then moves the programme forward; the
    programme edit holds the programme and then checks the exercise it lists. PostgreSQL
    ends one of the two to break the deadlock; that one runs again."""
    programme, exercise = listed_exercise(sessions)
    first, second = overlapped(
        monkeypatch,
        sessions,
        lambda session: content_admin.patch(
            session, content_admin.EXERCISES, exercise, {"summary": "Edited."}, actor=editor
        ),
        lambda session: content_admin.patch(
            session, content_admin.PROGRAMMES, programme, {"summary": "Edited too."}, actor=editor
        ),
        first_holds_after=(catalogue, "get_live"),
        second_reaches=(catalogue, "get_live"),
    )
    assert (first.status, second.status) == (200, 200)
    with sessions() as session:
        assert catalogue.get_live(session, Exercise, exercise).summary == "Edited."
        assert catalogue.get_live(session, Programme, programme).summary == "Edited too."


def test_two_requests_bringing_back_one_deleted_exercise_take_turns(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second finds it live again: a 409, not a second "create" over the first."""
    exercise = an_unused_exercise(sessions, editor)
    with sessions(writes=True) as session:
        data = content_admin.EXERCISES.to_input(
            session, catalogue.get_live(session, Exercise, exercise)
        )
        content_admin.delete(session, content_admin.EXERCISES, exercise, actor=editor)

    def bring_back(name: str) -> Callable[[Session], Any]:
        made = data.model_copy(update={"name": name})
        return lambda session: content_admin.create(
            session, content_admin.EXERCISES, made, actor=editor
        )

    first, second = overlapped(
        monkeypatch,
        sessions,
        bring_back("Made by A"),
        bring_back("Made by B"),
        first_holds_after=(content_admin, "_slug_holder"),
        second_reaches=(content_admin, "_slug_holder"),
    )
    assert (first.status, second.status) == (200, 409)
    with sessions() as session:
        assert catalogue.get_live(session, Exercise, exercise).name == "Made by A"
    assert [e.action for e in audit_of(sessions, exercise)] == ["create", "delete", "create"]


def test_two_revocations_of_one_key_at_once_revoke_it_once(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second finds the key revoked already: the revocation time stays the first's, and
    its audit entry starts from a revoked key."""

    def revoke(session: Session) -> Any:
        revoked = clients.revoke_client(session=session, name=editor.name)
        session.commit()
        return revoked.revoked_at

    first, second = overlapped(
        monkeypatch,
        sessions,
        revoke,
        revoke,
        first_holds_after=(clients, "get_client"),
        second_reaches=(clients, "get_client"),
    )
    assert (first.status, second.status) == (200, 200)
    assert first.value is not None
    assert second.value == first.value
    first_entry, second_entry = [e for e in audit_of(sessions, editor.name) if e.action == "revoke"]
    assert first_entry.before is not None
    assert second_entry.before is not None
    assert (first_entry.before["revoked"], second_entry.before["revoked"]) == (False, True)


@pytest.mark.parametrize("edit_first", [False, True], ids=["rename first", "topic edit first"])
def test_an_exercise_renamed_while_a_topic_s_links_are_edited_loses_neither(
    sessions: SessionFactory,
    editor: Principal,
    monkeypatch: pytest.MonkeyPatch,
    edit_first: bool,
) -> None:
    """The rename rewrites the links of the topics that link the exercise, while an editor
    replaces that topic's links with others (dropping the renamed one): the editor's links
    are what the topic ends with, whichever goes first (the rename then finds nothing to
    follow, or its rewrite comes first and the edit replaces it). With the topic's edit
    first, the rename is let go on once it has read the topics: unlocked, it read them
    before the edit's commit and wrote its stale copy over it."""
    with sessions() as session:
        topic = next(t for t in session.exec(select(Advice)) if t.related_exercises)
        renamed, others = topic.related_exercises[0], topic.related_exercises[1:]
        added = next(
            slug
            for slug in session.exec(select(Exercise.slug).order_by(col(Exercise.slug)))
            if slug not in topic.related_exercises
        )

    def rename(session: Session) -> Any:
        return content_admin.patch(
            session, content_admin.EXERCISES, renamed, {"slug": f"{renamed}-v2"}, actor=editor
        )

    def edit_links(session: Session) -> Any:
        return content_admin.patch(
            session,
            content_admin.ADVICE,
            topic.slug,
            {"related_exercises": [*others, added]},
            actor=editor,
        )

    first, second = overlapped(
        monkeypatch,
        sessions,
        *((edit_links, rename) if edit_first else (rename, edit_links)),
        first_holds_after=(catalogue, "get_live"),
        second_reaches=(advice, "linking") if edit_first else (catalogue, "get_live"),
    )
    assert (first.status, second.status) == (200, 200)
    with sessions() as session:
        assert catalogue.get_live(session, Advice, topic.slug).related_exercises == [
            *others,
            added,
        ]


def test_reading_a_topic_does_not_wait_for_an_edit_of_an_exercise_it_links(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only changes lock what they link: a read is answered while the edit is under way."""
    with sessions() as session:
        topic = next(t for t in session.exec(select(Advice)) if t.related_exercises)
    first, second = overlapped(
        monkeypatch,
        sessions,
        lambda session: content_admin.patch(
            session,
            content_admin.EXERCISES,
            topic.related_exercises[0],
            {"summary": "Edited."},
            actor=editor,
        ),
        lambda session: advice.get_advice(session=session, slug=topic.slug),
        first_holds_after=(catalogue, "get_live"),
        second_reaches=(advice, "to_public"),
        second_reads=True,
    )
    assert (first.status, second.status) == (200, 200)
    assert first.met_the_other


def test_an_edit_is_not_run_again_for_an_error_after_its_commit(
    sessions: SessionFactory, editor: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running an edit again is for a transaction PostgreSQL ended; once it has committed,
    a failure in what follows (writing the answer) must not apply it a second time."""
    answer = exercises.to_public
    failures: list[int] = []

    def fails_once(row: Exercise) -> Any:
        if not failures:
            failures.append(1)
            raise database_error("40P01")
        return answer(row)

    monkeypatch.setattr(exercises, "to_public", fails_once)
    with sessions(writes=True) as session, pytest.raises(OperationalError):
        content_admin.patch(
            session, content_admin.EXERCISES, "bird-dog", {"summary": "Once."}, actor=editor
        )
    updates = [e for e in audit_of(sessions, "bird-dog") if e.action == "update"]
    assert len(updates) == 1
