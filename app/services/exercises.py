"""Exercises: list with filters and cursors, read one, and write (seed and admin)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, delete, or_
from sqlmodel import Session, col, select

from app.errors import VALIDATION, FieldError, ProblemError
from app.models import Exercise, ExerciseFacet
from app.models.content import (
    Dosage,
    ExerciseIn,
    ExercisePage,
    ExercisePublic,
    ExerciseStored,
)
from app.rules.engine import CatalogueEntry
from app.rules.outputs import ExerciseLink
from app.services import catalogue
from app.services.paging import Ordering, text_key
from app.vocabulary import Category, Difficulty, Equipment, Phase, TargetArea

BY_SLUG = Ordering("exercise:slug", [text_key(Exercise.slug)])

# List-valued fields are filtered through the facet table; single values use their columns.
FACET_TARGET = "target"
FACET_PHASE = "phase"
FACET_EQUIPMENT = "equipment"


@dataclass(frozen=True)
class ExerciseFilters:
    category: Category | None = None
    targets: Sequence[TargetArea] = field(default_factory=tuple)
    phase: Phase | None = None
    equipment: Sequence[Equipment] = field(default_factory=tuple)
    difficulty: Difficulty | None = None
    q: str | None = None
    updated_since: datetime | None = None


def href(slug: str) -> str:
    return f"/exercises/{slug}"


def to_public(row: Exercise) -> ExercisePublic:
    return ExercisePublic(
        id=row.id,
        slug=row.slug,
        href=href(row.slug),
        name=row.name,
        summary=row.summary,
        description=row.description,
        category=Category(row.category),
        target_areas=[TargetArea(v) for v in row.target_areas],
        phases=[Phase(v) for v in row.phases],
        equipment=[Equipment(v) for v in row.equipment],
        difficulty=Difficulty(row.difficulty),
        dosage=Dosage.model_validate(row.dosage),
        steps=list(row.steps),
        cautions=list(row.cautions),
        contraindications=list(row.contraindications),
        sources=catalogue.sources_of(row.sources),
        licence=row.licence,
        attribution=row.attribution,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def catalogue_entry(row: Exercise) -> CatalogueEntry:
    """What the assessment engine needs of an exercise to link it."""
    return CatalogueEntry(
        slug=row.slug,
        name=row.name,
        category=row.category,
        target_areas=tuple(row.target_areas),
        phases=tuple(row.phases),
        difficulty=row.difficulty,
        href=href(row.slug),
    )


def to_link(row: Exercise) -> ExerciseLink:
    return ExerciseLink(slug=row.slug, name=row.name, href=href(row.slug))


def _has_facet(facet: str, values: Sequence[str]) -> ColumnElement[bool]:
    # A correlated EXISTS probes the facet table's primary key once per candidate row while
    # the walk follows the slug index: fast at any depth, on SQLite and PostgreSQL alike.
    return (
        select(ExerciseFacet.exercise_id)
        .where(
            ExerciseFacet.exercise_id == Exercise.id,
            ExerciseFacet.facet == facet,
            col(ExerciseFacet.value).in_(list(values)),
        )
        .exists()
    )


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def list_exercises(
    *,
    session: Session,
    filters: ExerciseFilters,
    limit: int,
    cursor: str | None,
    secret: str,
) -> ExercisePage:
    statement = select(Exercise)
    if filters.category is not None:
        statement = statement.where(Exercise.category == filters.category.value)
    if filters.difficulty is not None:
        statement = statement.where(Exercise.difficulty == filters.difficulty.value)
    if filters.targets:
        statement = statement.where(_has_facet(FACET_TARGET, [t.value for t in filters.targets]))
    if filters.phase is not None:
        statement = statement.where(_has_facet(FACET_PHASE, [filters.phase.value]))
    if filters.equipment:
        statement = statement.where(
            _has_facet(FACET_EQUIPMENT, [e.value for e in filters.equipment])
        )
    if filters.q:
        pattern = f"%{escape_like(filters.q)}%"
        statement = statement.where(
            or_(
                col(Exercise.name).ilike(pattern, escape="\\"),
                col(Exercise.summary).ilike(pattern, escape="\\"),
                col(Exercise.description).ilike(pattern, escape="\\"),
            )
        )
    page = catalogue.list_items(
        session,
        Exercise,
        statement,
        browse=BY_SLUG,
        updated_since=filters.updated_since,
        limit=limit,
        cursor=cursor,
        secret=secret,
        to_public=lambda rows: [to_public(row) for row in rows],
    )
    return ExercisePage(items=page.items, next_cursor=page.next_cursor)


def get_exercise(*, session: Session, slug: str) -> ExercisePublic:
    return to_public(catalogue.get_live(session, Exercise, slug))


def live_by_slug(
    session: Session, slugs: Iterable[str], *, to_link: bool = False
) -> dict[str, Exercise]:
    """The live exercises among `slugs`. `to_link`: read to be linked (only by a change):
    on PostgreSQL each stays locked against changes (FOR SHARE) until the transaction ends,
    so that deleting one cannot slip in between this check and the link's commit (the
    delete's check for items that use it cannot see a link not yet committed); a delete
    under way makes this wait, and then the exercise is gone. On SQLite a writing session
    holds the write lock already. Reads never lock."""
    wanted = list(dict.fromkeys(slugs))
    if not wanted:
        return {}
    statement = select(Exercise).where(
        col(Exercise.slug).in_(wanted), col(Exercise.deleted_at).is_(None)
    )
    rows = session.exec(statement.with_for_update(read=True) if to_link else statement)
    return {row.slug: row for row in rows}


def require_live(
    session: Session, named: Sequence[tuple[str, str]], *, detail: str
) -> dict[str, Exercise]:
    """The live exercises that `named` (field path, slug) pairs refer to, by slug; a 422
    naming every field whose slug is not a live exercise, and the slugs in its `detail`
    (`detail` begins it). What links to exercises (programme items, advice topics) is checked
    by this one rule."""
    found = live_by_slug(session, (slug for _, slug in named), to_link=True)
    missing = [(field, slug) for field, slug in named if slug not in found]
    if missing:
        slugs = ", ".join(repr(slug) for slug in dict.fromkeys(slug for _, slug in missing))
        raise ProblemError(
            VALIDATION,
            f"{detail}; not found: {slugs}.",
            errors=[
                FieldError(field=field, detail=f"no exercise with slug {slug!r}")
                for field, slug in missing
            ],
        )
    return found


# --- Writes (the seed step and the admin API share these) ------------------------------------


def save(
    session: Session,
    data: ExerciseIn,
    *,
    row: Exercise | None = None,
    item_id: uuid.UUID | None = None,
    now: datetime,
) -> Exercise:
    """Create (no `row`) or overwrite an exercise and re-index its facets; caller commits."""
    values = catalogue.column_values(data, ExerciseIn)
    row = catalogue.save(session, Exercise, values, row=row, item_id=item_id, now=now)
    _index_facets(session, row)
    return row


def _index_facets(session: Session, row: Exercise) -> None:
    session.execute(delete(ExerciseFacet).where(col(ExerciseFacet.exercise_id) == row.id))
    facets = [(FACET_TARGET, v) for v in row.target_areas]
    facets += [(FACET_PHASE, v) for v in row.phases]
    facets += [(FACET_EQUIPMENT, v) for v in row.equipment]
    session.add_all(
        ExerciseFacet(exercise_id=row.id, facet=facet, value=value) for facet, value in facets
    )


def to_input(session: Session, row: Exercise) -> ExerciseIn:
    """The row as it would be written: the shape of PUT bodies and of audit entries."""
    return ExerciseStored.model_validate(row, from_attributes=True)
