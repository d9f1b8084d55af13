"""Editing the catalogue: create, replace, merge-patch and delete exercises, advice topics and
programmes, through the API or by the seed (which shares `write` and `remove`). Every change
writes an audit entry (who, what, before, after) in the same transaction, and moves forward
what shows the item; every deletion leaves the tombstone syncing clients see."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import for_change, retrying, utcnow
from app.errors import CONFLICT, VALIDATION, ProblemError, field_errors
from app.models import Advice, Exercise, Programme
from app.models.clients import Principal
from app.models.content import (
    AdviceIn,
    AdvicePublic,
    ExerciseIn,
    ExercisePublic,
    ProgrammeIn,
    ProgrammePublic,
)
from app.services import advice, audit, catalogue, exercises, programmes
from app.services.assessments import catalogue_cache

Row = TypeVar("Row", Exercise, Advice, Programme)
In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)


Snapshot = dict[str, Any]


def _nothing_else(
    session: Session, row: Any, before: Snapshot | None, after: Snapshot | None, now: datetime
) -> None:
    pass


@dataclass(frozen=True)
class Kind(Generic[Row, In, Out]):
    """How to edit one kind of catalogue item."""

    resource: str
    model: type[Row]
    schema: type[In]
    save: Callable[..., Row]  # the service's save(session, data, *, row, item_id, now)
    to_input: Callable[[Session, Row], In]
    to_public: Callable[[Session, Row], Out]
    # After every change (API or seed), given the item as it was and as it is (None: not
    # there): whatever else shows the item moves forward for sync.
    after_change: Callable[[Session, Row, Snapshot | None, Snapshot | None, datetime], None] = (
        _nothing_else
    )
    before_delete: Callable[[Session, Row], None] = lambda session, row: None


def _link(snapshot: Snapshot | None) -> tuple[str, str] | None:
    """What an advice topic shows of an exercise (its link), or None when it is not there."""
    return (snapshot["slug"], snapshot["name"]) if snapshot is not None else None


def _exercise_changed(
    session: Session,
    row: Exercise,
    before: Snapshot | None,
    after: Snapshot | None,
    now: datetime,
) -> None:
    """Programmes show their exercises whole, advice topics show a link (slug and name): each
    moves forward when what it shows changed, whether the change came from an editor or from
    the seed."""
    if before == after:
        return
    programmes.touch_using(session, row.id, now=now)
    if before is not None and after is not None and before["slug"] != after["slug"]:
        advice.follow_new_slug(session, before["slug"], after["slug"])
    if _link(before) != _link(after):  # a new slug is a new link: its topics move forward
        slugs = {snapshot["slug"] for snapshot in (before, after) if snapshot is not None}
        advice.touch_linking(session, slugs, now=now)
    # Cleared once the change is committed: cleared before, a request in between could cache
    # the old catalogue again.
    event.listen(session, "after_commit", lambda _: catalogue_cache.clear(), once=True)


def exercise_users(session: Session, row: Exercise) -> str | None:
    """What still shows the exercise, named for an editor (None when nothing does): live
    programmes list it, live advice topics link it. Such an exercise is not deleted, neither
    by an editor (409) nor by the seed (kept, with a note)."""
    uses = [
        f"{noun} ({', '.join(user.slug for user in users)})"
        for noun, users in (
            ("programmes", programmes.using_exercise(session, row.id)),
            ("advice topics", advice.linking(session, [row.slug])),
        )
        if users
    ]
    return " and ".join(uses) or None


def _exercise_in_use(session: Session, row: Exercise) -> None:
    users = exercise_users(session, row)
    if users is not None:
        raise ProblemError(
            CONFLICT, f"Exercise {row.slug!r} is used by {users}; take it out of them first."
        )


EXERCISES: Kind[Exercise, ExerciseIn, ExercisePublic] = Kind(
    resource="exercise",
    model=Exercise,
    schema=ExerciseIn,
    save=exercises.save,
    to_input=exercises.to_input,
    to_public=lambda session, row: exercises.to_public(row),
    after_change=_exercise_changed,
    before_delete=_exercise_in_use,
)
ADVICE: Kind[Advice, AdviceIn, AdvicePublic] = Kind(
    resource="advice",
    model=Advice,
    schema=AdviceIn,
    save=advice.save,
    to_input=advice.to_input,
    to_public=lambda session, row: advice.to_public(session, [row])[0],
)
PROGRAMMES: Kind[Programme, ProgrammeIn, ProgrammePublic] = Kind(
    resource="programme",
    model=Programme,
    schema=ProgrammeIn,
    save=programmes.save,
    to_input=programmes.to_input,
    to_public=lambda session, row: programmes.to_public(session, [row])[0],
)


def snapshot(kind: Kind[Row, In, Out], session: Session, row: Row) -> Snapshot:
    """The item as it would be written: what audit entries record before and after."""
    return kind.to_input(session, row).model_dump(mode="json", exclude_none=True)


def _changed(
    session: Session,
    kind: Kind[Row, In, Out],
    row: Row,
    *,
    actor: Principal | str,
    action: str,
    before: Snapshot | None,
    now: datetime,
) -> None:
    after = snapshot(kind, session, row) if row.deleted_at is None else None
    kind.after_change(session, row, before, after, now)
    audit.record(
        session,
        actor=actor,
        action=action,
        resource=kind.resource,
        item_id=row.id,
        item=row.slug,
        before=before,
        after=after,
    )


def write(
    session: Session,
    kind: Kind[Row, In, Out],
    data: In,
    *,
    row: Row | None,
    item_id: uuid.UUID | None,
    actor: Principal | str,
    action: str,
    now: datetime,
) -> Row:
    """Save `data` as a new item (`row` None), over a live one, or over a deleted one (which
    comes back with its id); then move what shows it forward and audit the change, in the
    caller's transaction. The one write path of the editing API and the seed."""
    restoring = row is not None and row.deleted_at is not None
    before = snapshot(kind, session, row) if row is not None and not restoring else None
    # The service's save still sees a restored row as deleted: what the tombstone held is not
    # what the live item had (advice keeps the links a live topic already has).
    saved = kind.save(session, data, row=row, item_id=item_id, now=now)
    if restoring:
        saved.deleted_at = None
        saved.retired_by_seed = False
    _changed(session, kind, saved, actor=actor, action=action, before=before, now=now)
    return saved


def remove(
    session: Session,
    kind: Kind[Row, In, Out],
    row: Row,
    *,
    actor: Principal | str,
    action: str,
    now: datetime,
    retired_by_seed: bool = False,
) -> None:
    """Delete a live item, leaving its tombstone, and audit it, in the caller's transaction."""
    before = snapshot(kind, session, row)
    catalogue.soft_delete(session, row, now=now)
    row.retired_by_seed = retired_by_seed
    _changed(session, kind, row, actor=actor, action=action, before=before, now=now)


def _slug_holder(session: Session, kind: Kind[Row, In, Out], slug: str) -> Row | None:
    """The item, live or deleted, that has `slug`, locked as for a change: two requests
    bringing back one deleted item take turns (the second then finds it live: a 409)."""
    statement = select(kind.model).where(kind.model.slug == slug)
    return session.exec(for_change(statement)).first()


def _write(
    session: Session,
    kind: Kind[Row, In, Out],
    data: In,
    *,
    row: Row | None,
    actor: Principal,
    action: str,
) -> Row:
    """Save and commit (see _edited for what comes after)."""
    holder = _slug_holder(session, kind, data.slug)  # type: ignore[attr-defined]
    if holder is not None and holder is not row:
        if holder.deleted_at is None:
            raise ProblemError(CONFLICT, f"The slug {holder.slug!r} is already in use.")
        if row is None:
            row = holder  # re-creating a deleted item: it comes back with its old id
        else:
            raise ProblemError(
                CONFLICT, f"The slug {holder.slug!r} belonged to a deleted item; pick another."
            )
    try:
        saved = write(
            session, kind, data, row=row, item_id=None, actor=actor, action=action, now=utcnow()
        )
        session.commit()
    except IntegrityError:  # another request took the slug between the check and the write
        session.rollback()
        raise ProblemError(
            CONFLICT,
            f"The slug {data.slug!r} is already in use.",  # type: ignore[attr-defined]
        ) from None
    return saved


def _edited(session: Session, kind: Kind[Row, In, Out], edit: Callable[[], Row]) -> Out:
    """The item as answered after `edit()`, which ends with its commit: run again if
    PostgreSQL ended it to break a deadlock (app.db.retrying); what follows the commit is
    run once."""
    return kind.to_public(session, retrying(session, edit))


def create(session: Session, kind: Kind[Row, In, Out], data: In, *, actor: Principal) -> Out:
    return _edited(
        session, kind, lambda: _write(session, kind, data, row=None, actor=actor, action="create")
    )


def replace(
    session: Session, kind: Kind[Row, In, Out], slug: str, data: In, *, actor: Principal
) -> Out:
    def edit() -> Row:
        row = catalogue.get_live(session, kind.model, slug, for_update=True)
        return _write(session, kind, data, row=row, actor=actor, action="update")

    return _edited(session, kind, edit)


def patch(
    session: Session,
    kind: Kind[Row, In, Out],
    slug: str,
    changes: Mapping[str, Any],
    *,
    actor: Principal,
) -> Out:
    """JSON merge patch (RFC 7396): members replace, `null` removes; the result must be a
    valid item."""

    def edit() -> Row:
        row = catalogue.get_live(session, kind.model, slug, for_update=True)
        merged = merge_patch(snapshot(kind, session, row), changes)
        try:
            data = kind.schema.model_validate(merged)
        except ValidationError as error:
            errors = field_errors(error.errors(include_url=False))
            raise ProblemError(
                VALIDATION,
                "The patched item would be invalid: " + ", ".join(e.field for e in errors) + ".",
                errors=errors,
            ) from None
        return _write(session, kind, data, row=row, actor=actor, action="update")

    return _edited(session, kind, edit)


def delete(session: Session, kind: Kind[Row, In, Out], slug: str, *, actor: Principal) -> None:
    def edit() -> None:
        row = catalogue.get_live(session, kind.model, slug, for_update=True)
        kind.before_delete(session, row)
        remove(session, kind, row, actor=actor, action="delete", now=utcnow())
        session.commit()

    retrying(session, edit)


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396."""
    if not isinstance(patch, Mapping):
        return patch
    result = dict(target) if isinstance(target, Mapping) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
