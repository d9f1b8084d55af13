"""Editing the catalogue through the API: create, replace, merge-patch and delete exercises,
advice topics and programmes. Every change writes an audit entry (who, what, before, after)
in the same transaction; every deletion leaves the tombstone syncing clients see."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from app.db import utcnow
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


@dataclass(frozen=True)
class Kind(Generic[Row, In, Out]):
    """How to edit one kind of catalogue item."""

    resource: str
    model: type[Row]
    schema: type[In]
    save: Callable[..., Row]  # the service's save(session, data, *, row, item_id, now)
    to_input: Callable[[Session, Row], In]
    to_public: Callable[[Session, Row], Out]
    after_write: Callable[[Session, Row, datetime], None] = lambda session, row, now: None
    before_delete: Callable[[Session, Row], None] = lambda session, row: None


def _exercise_changed(session: Session, row: Exercise, now: datetime) -> None:
    programmes.touch_using(session, row.id, now=now)
    # Cleared once the change is committed: cleared before, a request in between could cache
    # the old catalogue again.
    event.listen(session, "after_commit", lambda _: catalogue_cache.clear(), once=True)


def _exercise_in_use(session: Session, row: Exercise) -> None:
    users = programmes.using_exercise(session, row.id)
    if users:
        names = ", ".join(p.slug for p in users)
        raise ProblemError(
            CONFLICT,
            f"Exercise {row.slug!r} is part of programmes ({names}); take it out of them first.",
        )


EXERCISES: Kind[Exercise, ExerciseIn, ExercisePublic] = Kind(
    resource="exercise",
    model=Exercise,
    schema=ExerciseIn,
    save=exercises.save,
    to_input=exercises.to_input,
    to_public=lambda session, row: exercises.to_public(row),
    after_write=_exercise_changed,
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


def _snapshot(kind: Kind[Row, In, Out], session: Session, row: Row) -> dict[str, Any]:
    return kind.to_input(session, row).model_dump(mode="json", exclude_none=True)


def _slug_holder(session: Session, kind: Kind[Row, In, Out], slug: str) -> Row | None:
    return session.exec(select(kind.model).where(kind.model.slug == slug)).first()


def _write(
    session: Session,
    kind: Kind[Row, In, Out],
    data: In,
    *,
    row: Row | None,
    actor: Principal,
    action: str,
) -> Out:
    now = utcnow()
    before = _snapshot(kind, session, row) if row is not None else None
    holder = _slug_holder(session, kind, data.slug)  # type: ignore[attr-defined]
    if holder is not None and holder is not row:
        if holder.deleted_at is None:
            raise ProblemError(CONFLICT, f"The slug {holder.slug!r} is already in use.")
        if row is None:
            row = holder  # re-creating a deleted item: it comes back with its old id
            holder.deleted_at = None
        else:
            raise ProblemError(
                CONFLICT, f"The slug {holder.slug!r} belonged to a deleted item; pick another."
            )
    try:
        saved = kind.save(session, data, row=row, item_id=None, now=now)
        kind.after_write(session, saved, now)
        audit.record(
            session,
            actor=actor,
            action=action,
            resource=kind.resource,
            item_id=saved.id,
            item=saved.slug,
            before=before,
            after=_snapshot(kind, session, saved),
        )
        session.commit()
    except IntegrityError:  # another request took the slug between the check and the write
        session.rollback()
        raise ProblemError(
            CONFLICT,
            f"The slug {data.slug!r} is already in use.",  # type: ignore[attr-defined]
        ) from None
    return kind.to_public(session, saved)


def create(session: Session, kind: Kind[Row, In, Out], data: In, *, actor: Principal) -> Out:
    return _write(session, kind, data, row=None, actor=actor, action="create")


def replace(
    session: Session, kind: Kind[Row, In, Out], slug: str, data: In, *, actor: Principal
) -> Out:
    row = catalogue.get_live(session, kind.model, slug)
    return _write(session, kind, data, row=row, actor=actor, action="update")


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
    row = catalogue.get_live(session, kind.model, slug)
    merged = merge_patch(_snapshot(kind, session, row), changes)
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


def delete(session: Session, kind: Kind[Row, In, Out], slug: str, *, actor: Principal) -> None:
    row = catalogue.get_live(session, kind.model, slug)
    kind.before_delete(session, row)
    before = _snapshot(kind, session, row)
    now = utcnow()
    catalogue.soft_delete(session, row, now=now)
    kind.after_write(session, row, now)
    audit.record(
        session,
        actor=actor,
        action="delete",
        resource=kind.resource,
        item_id=row.id,
        item=row.slug,
        before=before,
        after=None,
    )
    session.commit()


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
