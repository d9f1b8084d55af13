"""Exercise catalogue: filters, cursor paging and incremental sync."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    ContentEditor,
    CursorQuery,
    LimitQuery,
    PrivateCache,
    PublicCache,
    SecretDep,
    SessionDep,
    SlugPath,
    UpdatedSinceQuery,
)
from app.errors import WRITE_ERRORS, problem_responses
from app.models.content import ExerciseIn, ExercisePage, ExercisePatch, ExercisePublic
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
def get_exercise(slug: SlugPath, session: SessionDep) -> ExercisePublic:
    """Get one exercise: dosage, ordered steps, cautions and sources."""
    return exercises.get_exercise(session=session, slug=slug)


@router.post(
    "",
    operation_id="create_exercise",
    status_code=201,
    dependencies=[PrivateCache],
    responses=WRITE_ERRORS,
)
def create_exercise(
    body: ExerciseIn, editor: ContentEditor, session: SessionDep, response: Response
) -> ExercisePublic:
    """Create an exercise (scope `content:write`); audited."""
    created = content_admin.create(session, content_admin.EXERCISES, body, actor=editor)
    response.headers["Location"] = created.href
    return created


@router.put(
    "/{slug}",
    operation_id="replace_exercise",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def replace_exercise(
    slug: SlugPath, body: ExerciseIn, editor: ContentEditor, session: SessionDep
) -> ExercisePublic:
    """Replace an exercise with the body (scope `content:write`); audited."""
    return content_admin.replace(session, content_admin.EXERCISES, slug, body, actor=editor)


@router.patch(
    "/{slug}",
    operation_id="update_exercise",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def update_exercise(
    slug: SlugPath,
    body: ExercisePatch,  # type: ignore[valid-type]
    editor: ContentEditor,
    session: SessionDep,
) -> ExercisePublic:
    """Change some fields of an exercise (scope `content:write`); audited."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return content_admin.patch(session, content_admin.EXERCISES, slug, changes, actor=editor)


@router.delete(
    "/{slug}",
    operation_id="delete_exercise",
    status_code=204,
    responses=problem_responses(403, 404, 409),
)
def delete_exercise(slug: SlugPath, editor: ContentEditor, session: SessionDep) -> Response:
    """Delete an exercise (scope `content:write`); it stays listed as a tombstone for sync."""
    content_admin.delete(session, content_admin.EXERCISES, slug, actor=editor)
    return Response(status_code=204)
