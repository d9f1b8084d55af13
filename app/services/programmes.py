"""Programmes: ordered exercises with dosage for a purpose, listed with the exercises inline."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from app.models import Exercise, Programme, ProgrammeItem
from app.models.content import (
    Dosage,
    ProgrammeIn,
    ProgrammePage,
    ProgrammePublic,
    ProgrammeStep,
)
from app.services import catalogue, exercises
from app.services.paging import Ordering, text_key
from app.vocabulary import Phase

BY_SLUG = Ordering("programme:slug", [text_key(Programme.slug)])


def href(slug: str) -> str:
    return f"/programmes/{slug}"


def to_public(session: Session, rows: Sequence[Programme]) -> list[ProgrammePublic]:
    items: list[tuple[ProgrammeItem, Exercise]] = []
    if rows:
        items = list(
            session.exec(
                select(ProgrammeItem, Exercise)
                .join(Exercise, col(Exercise.id) == col(ProgrammeItem.exercise_id))
                .where(col(ProgrammeItem.programme_id).in_([row.id for row in rows]))
                .order_by(col(ProgrammeItem.programme_id), col(ProgrammeItem.position))
            )
        )
    return assemble(rows, items)


def assemble(
    rows: Sequence[Programme], items: Sequence[tuple[ProgrammeItem, Exercise]]
) -> list[ProgrammePublic]:
    """The public form of `rows`, given their items (in order) and those items' exercises."""
    steps: dict[uuid.UUID, list[ProgrammeStep]] = defaultdict(list)
    for item, exercise in items:
        steps[item.programme_id].append(
            ProgrammeStep(
                position=item.position,
                exercise=exercises.to_public(exercise),
                dosage=Dosage.model_validate(item.dosage or exercise.dosage),
                notes=item.notes,
            )
        )
    return [
        ProgrammePublic(
            id=row.id,
            slug=row.slug,
            href=href(row.slug),
            name=row.name,
            summary=row.summary,
            description=row.description,
            audience=row.audience,
            phase=Phase(row.phase),
            frequency=row.frequency,
            duration_weeks=row.duration_weeks,
            stop_when=list(row.stop_when),
            sources=catalogue.sources_of(row.sources),
            items=steps[row.id],
            licence=row.licence,
            attribution=row.attribution,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def list_programmes(
    *,
    session: Session,
    phase: Phase | None,
    updated_since: datetime | None,
    limit: int,
    cursor: str | None,
    secret: str,
) -> ProgrammePage:
    statement = select(Programme)
    if phase is not None:
        statement = statement.where(Programme.phase == phase.value)
    page = catalogue.list_items(
        session,
        Programme,
        statement,
        browse=BY_SLUG,
        updated_since=updated_since,
        limit=limit,
        cursor=cursor,
        secret=secret,
        to_public=lambda rows: to_public(session, rows),
    )
    return ProgrammePage(items=page.items, next_cursor=page.next_cursor)


def get_programme(*, session: Session, slug: str) -> ProgrammePublic:
    return to_public(session, [catalogue.get_live(session, Programme, slug)])[0]


def save(
    session: Session,
    data: ProgrammeIn,
    *,
    row: Programme | None = None,
    item_id: uuid.UUID | None = None,
    now: datetime,
) -> Programme:
    """Create (no `row`) or overwrite a programme and replace its items; the caller commits.

    Every item must name a live exercise: a 422 naming the item otherwise.
    """
    found = exercises.require_live(
        session,
        [(f"items[{i}].exercise", item.exercise) for i, item in enumerate(data.items)],
        detail="Programme items must name exercises in the catalogue",
    )
    values = catalogue.column_values(data, ProgrammeIn, exclude=frozenset({"items"}))
    row = catalogue.save(session, Programme, values, row=row, item_id=item_id, now=now)
    session.execute(delete(ProgrammeItem).where(col(ProgrammeItem.programme_id) == row.id))
    session.add_all(
        ProgrammeItem(
            programme_id=row.id,
            position=position,
            exercise_id=found[item.exercise].id,
            dosage=item.dosage.model_dump(mode="json", exclude_none=True) if item.dosage else None,
            notes=item.notes,
        )
        for position, item in enumerate(data.items, start=1)
    )
    session.flush()
    return row


def using_exercise(session: Session, exercise_id: uuid.UUID) -> list[Programme]:
    """Live programmes that list the exercise."""
    uses = (
        select(ProgrammeItem.programme_id)
        .where(
            ProgrammeItem.programme_id == Programme.id,
            ProgrammeItem.exercise_id == exercise_id,
        )
        .exists()
    )
    return list(
        session.exec(
            select(Programme)
            .where(uses, col(Programme.deleted_at).is_(None))
            .order_by(col(Programme.slug))
        )
    )


def to_input(session: Session, row: Programme) -> ProgrammeIn:
    """The row as it would be written: the shape of PUT bodies and of audit entries."""
    items = session.exec(
        select(ProgrammeItem, Exercise.slug)
        .join(Exercise, col(Exercise.id) == col(ProgrammeItem.exercise_id))
        .where(ProgrammeItem.programme_id == row.id)
        .order_by(col(ProgrammeItem.position))
    )
    return ProgrammeIn.model_validate(
        {
            **catalogue.column_values(row, ProgrammeIn, exclude=frozenset({"items"})),
            "items": [
                {"exercise": slug, "dosage": item.dosage, "notes": item.notes}
                for item, slug in items
            ],
        }
    )


def touch_using(session: Session, exercise_id: uuid.UUID, *, now: datetime) -> None:
    """Programmes show their exercises inline: when an exercise changes, so do they, and a
    syncing client must see them in `updated_since` listings."""
    for programme in using_exercise(session, exercise_id):
        programme.updated_at = now
        session.add(programme)
