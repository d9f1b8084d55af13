"""Exercise catalogue: filters, cursor paging and incremental sync."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import AfterValidator

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    CursorQuery,
    ExerciseSlug,
    LimitQuery,
    PublicCache,
    SecretDep,
    SessionDep,
    UpdatedSinceQuery,
    no_control_characters,
)
from app.api.editing import add_editing_routes
from app.errors import problem_responses
from app.models.content import (
    ExerciseIn,
    ExercisePage,
    ExercisePatch,
    ExercisePublic,
)
from app.services import content_admin, exercises
from app.vocabulary import Category, Difficulty, Equipment, Phase, TargetArea

router = APIRouter(prefix="/exercises", tags=["exercises"])


@router.get(
    "",
    dependencies=[PublicCache],
    operation_id="list_exercises",
    responses=problem_responses(400, 422),
)
def list_exercises(
    session: SessionDep,
    secret: SecretDep,
    category: Annotated[Category | None, Query(description="Only this category.")] = None,
    target: Annotated[
        list[TargetArea] | None,
        Query(description="Targets any of these areas (repeat the parameter for several)."),
    ] = None,
    phase: Annotated[Phase | None, Query(description="Suitable for this phase.")] = None,
    equipment: Annotated[
        list[Equipment] | None,
        Query(
            description="Uses any of this equipment (repeatable); `none` lists the exercises "
            "that need no equipment at all."
        ),
    ] = None,
    difficulty: Annotated[Difficulty | None, Query(description="Only this difficulty.")] = None,
    q: Annotated[
        str | None,
        Query(min_length=1, max_length=100, description="Text in the name or description."),
        AfterValidator(no_control_characters),
    ] = None,
    updated_since: UpdatedSinceQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> ExercisePage:
    """List exercises, filtered, a page at a time.

    Browsing lists live exercises by slug. With `updated_since`, the list is for sync: every
    exercise changed since then, deletions as tombstones (`{"slug", "deleted": true}`),
    oldest change first.
    """
    return exercises.list_exercises(
        session=session,
        filters=exercises.ExerciseFilters(
            category=category,
            targets=tuple(target or ()),
            phase=phase,
            equipment=tuple(equipment or ()),
            difficulty=difficulty,
            q=q,
            updated_since=updated_since,
        ),
        limit=limit,
        cursor=cursor,
        secret=secret,
    )


@router.get(
    "/{slug}",
    dependencies=[PublicCache],
    operation_id="get_exercise",
    responses=problem_responses(404),
)
def get_exercise(slug: ExerciseSlug, session: SessionDep) -> ExercisePublic:
    """Get one exercise: dosage, ordered steps, cautions and sources."""
    return exercises.get_exercise(session=session, slug=slug)


add_editing_routes(
    router,
    kind=content_admin.EXERCISES,
    body=ExerciseIn,
    patch=ExercisePatch,
    public=ExercisePublic,
    slug=ExerciseSlug,
    noun="exercise",
    a_noun="an exercise",
    delete_conflicts=True,  # an exercise still in a programme
)
