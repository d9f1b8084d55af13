"""Programmes: ordered exercises with dosage for a purpose, exercises inline."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    CursorQuery,
    LimitQuery,
    ProgrammeSlug,
    PublicCache,
    SecretDep,
    SessionDep,
    UpdatedSinceQuery,
)
from app.api.editing import add_editing_routes
from app.errors import problem_responses
from app.models.content import (
    ProgrammeIn,
    ProgrammePage,
    ProgrammePatch,
    ProgrammePublic,
)
from app.services import content_admin, programmes
from app.vocabulary import Phase

router = APIRouter(prefix="/programmes", tags=["programmes"])


@router.get(
    "",
    dependencies=[PublicCache],
    operation_id="list_programmes",
    responses=problem_responses(400, 422),
)
def list_programmes(
    session: SessionDep,
    secret: SecretDep,
    phase: Annotated[Phase | None, Query(description="Only programmes for this phase.")] = None,
    updated_since: UpdatedSinceQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> ProgrammePage:
    """List programmes by slug, each with its exercises inline and in order."""
    return programmes.list_programmes(
        session=session,
        phase=phase,
        updated_since=updated_since,
        limit=limit,
        cursor=cursor,
        secret=secret,
    )


@router.get(
    "/{slug}",
    dependencies=[PublicCache],
    operation_id="get_programme",
    responses=problem_responses(404),
)
def get_programme(slug: ProgrammeSlug, session: SessionDep) -> ProgrammePublic:
    """Get one programme: who it is for, when to stop, and its exercises in order."""
    return programmes.get_programme(session=session, slug=slug)


add_editing_routes(
    router,
    kind=content_admin.PROGRAMMES,
    body=ProgrammeIn,
    patch=ProgrammePatch,
    public=ProgrammePublic,
    slug=ProgrammeSlug,
    noun="programme",
    a_noun="a programme",
)
