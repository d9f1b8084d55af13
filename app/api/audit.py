"""The audit log of content and client changes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    Auditor,
    CursorQuery,
    LimitQuery,
    PrivateCache,
    SecretDep,
    SessionDep,
)
from app.errors import problem_responses
from app.models.audit import AuditPage
from app.models.clients import Scope
from app.services import audit

router = APIRouter(tags=["audit"], dependencies=[PrivateCache])


@router.get(
    "/audit",
    operation_id="list_audit",
    responses=problem_responses(400, 403, 422),
)
def list_audit(
    auditor: Auditor,
    session: SessionDep,
    secret: SecretDep,
    resource: Annotated[
        Literal["exercise", "advice", "programme", "client"] | None,
        Query(description="Only changes to this kind of item."),
    ] = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> AuditPage:
    """List changes, newest first (scope `content:write` or `clients:admin`).

    Changes to clients are listed only for keys with `clients:admin`.
    """
    return audit.list_audit(
        session=session,
        resource=resource,
        include_clients=Scope.clients_admin in auditor.scopes,
        limit=limit,
        cursor=cursor,
        secret=secret,
    )
