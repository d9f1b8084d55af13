"""Advice topics: what the article teaches, in the app's own words, with sources."""

from __future__ import annotations

from fastapi import APIRouter, Response

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
from app.models.content import AdviceIn, AdvicePage, AdvicePatch, AdvicePublic
from app.services import advice, content_admin

router = APIRouter(prefix="/advice", tags=["advice"])


@router.get(
    "",
    dependencies=[PublicCache],
    operation_id="list_advice",
    responses=problem_responses(400, 422),
)
def list_advice(
    session: SessionDep,
    secret: SecretDep,
    updated_since: UpdatedSinceQuery = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> AdvicePage:
    """List advice topics in display order, a page at a time (or changes since a time)."""
    return advice.list_advice(
        session=session, updated_since=updated_since, limit=limit, cursor=cursor, secret=secret
    )


@router.get(
    "/{slug}",
    dependencies=[PublicCache],
    operation_id="get_advice",
    responses=problem_responses(404),
)
def get_advice(slug: SlugPath, session: SessionDep) -> AdvicePublic:
    """Get one advice topic: a summary, a Markdown body, sources and related exercises."""
    return advice.get_advice(session=session, slug=slug)


@router.post(
    "",
    operation_id="create_advice",
    status_code=201,
    dependencies=[PrivateCache],
    responses=WRITE_ERRORS,
)
def create_advice(
    body: AdviceIn, editor: ContentEditor, session: SessionDep, response: Response
) -> AdvicePublic:
    """Create an advice topic (scope `content:write`); audited."""
    created = content_admin.create(session, content_admin.ADVICE, body, actor=editor)
    response.headers["Location"] = created.href
    return created


@router.put(
    "/{slug}",
    operation_id="replace_advice",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def replace_advice(
    slug: SlugPath, body: AdviceIn, editor: ContentEditor, session: SessionDep
) -> AdvicePublic:
    """Replace an advice topic with the body (scope `content:write`); audited."""
    return content_admin.replace(session, content_admin.ADVICE, slug, body, actor=editor)


@router.patch(
    "/{slug}",
    operation_id="update_advice",
    dependencies=[PrivateCache],
    responses={**WRITE_ERRORS, **problem_responses(404)},
)
def update_advice(
    slug: SlugPath,
    body: AdvicePatch,  # type: ignore[valid-type]
    editor: ContentEditor,
    session: SessionDep,
) -> AdvicePublic:
    """Change some fields of an advice topic (scope `content:write`); audited."""
    changes = body.model_dump(exclude_unset=True)  # type: ignore[attr-defined]
    return content_admin.patch(session, content_admin.ADVICE, slug, changes, actor=editor)


@router.delete(
    "/{slug}",
    operation_id="delete_advice",
    status_code=204,
    responses=problem_responses(403, 404),
)
def delete_advice(slug: SlugPath, editor: ContentEditor, session: SessionDep) -> Response:
    """Delete an advice topic (scope `content:write`); it stays listed as a tombstone for sync."""
    content_admin.delete(session, content_admin.ADVICE, slug, actor=editor)
    return Response(status_code=204)
