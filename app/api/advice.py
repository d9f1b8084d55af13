"""Advice topics: what the article teaches, in the app's own words, with sources."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    AdviceSlug,
    CursorQuery,
    LimitQuery,
    PublicCache,
    SecretDep,
    SessionDep,
    UpdatedSinceQuery,
)
from app.api.editing import add_editing_routes
from app.errors import problem_responses
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
def get_advice(slug: AdviceSlug, session: SessionDep) -> AdvicePublic:
    """Get one advice topic: a summary, a Markdown body, sources and related exercises."""
    return advice.get_advice(session=session, slug=slug)


add_editing_routes(
    router,
    kind=content_admin.ADVICE,
    body=AdviceIn,
    patch=AdvicePatch,
    public=AdvicePublic,
    slug=AdviceSlug,
    noun="advice",
    a_noun="an advice topic",
)
