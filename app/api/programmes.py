"""Programmes: ordered exercises with dosage for a purpose, exercises inline."""

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
from app.models.content import ProgrammeIn, ProgrammePage, ProgrammePatch, ProgrammePublic
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
def get_programme(slug: SlugPath, session: SessionDep) -> ProgrammePublic:
    """Get one programme: who it is for, when to stop, and its exercises in order."""
    return programmes.get_programme(session=session, slug=slug)


@router.post(
    "",
    operation_id="create_programme",
    status_code=201,
    dependencies=[PrivateCache],
    responses=WRITE_ERRORS,
)
def create_programme(
    body: ProgrammeIn, editor: ContentEditor, session: SessionDep, response: Response
) -> ProgrammePublic:
    """Create a programme (scope `content:write`); audited."""
    created = content_admin.create(session, content_admin.PROGRAMMES, body, actor=editor)
    response.headers["Location"] = created.href
    return created


@router.put(
    "/{slug}",
    operation_id="replace_programme",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def replace_programme(
    slug: SlugPath, body: ProgrammeIn, editor: ContentEditor, session: SessionDep
) -> ProgrammePublic:
    """Replace a programme with the body (scope `content:write`); audited."""
    return content_admin.replace(session, content_admin.PROGRAMMES, slug, body, actor=editor)


@router.patch(
    "/{slug}",
    operation_id="update_programme",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def update_programme(
    slug: SlugPath,
    body: ProgrammePatch,  # type: ignore[valid-type]
    editor: ContentEditor,
    session: SessionDep,
) -> ProgrammePublic:
    """Change some fields of a programme (scope `content:write`); audited."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return content_admin.patch(session, content_admin.PROGRAMMES, slug, changes, actor=editor)


@router.delete(
    "/{slug}",
    operation_id="delete_programme",
    status_code=204,
    responses=problem_responses(403, 404),
)
def delete_programme(slug: SlugPath, editor: ContentEditor, session: SessionDep) -> Response:
    """Delete a programme (scope `content:write`); it stays listed as a tombstone for sync."""
    content_admin.delete(session, content_admin.PROGRAMMES, slug, actor=editor)
    return Response(status_code=204)
