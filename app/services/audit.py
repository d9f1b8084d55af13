"""The audit log: one entry for every change to content or clients, in the same transaction
as the change itself (so there is never a change without its entry, or the reverse)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlmodel import Session, select

from app.models.audit import AuditEntry, AuditPage, AuditPublic
from app.models.clients import Principal
from app.services.paging import Ordering, datetime_key, keyset_page, uuid_key

NEWEST_FIRST = Ordering(
    "audit:newest",
    [datetime_key(AuditEntry.created_at), uuid_key(AuditEntry.id)],
    descending=True,
)
CLI_ACTOR = "command line"
SEED_ACTOR = "seed"
CLIENT_RESOURCE = "client"


def record(
    session: Session,
    *,
    actor: Principal | str | None,
    action: str,
    resource: str,
    item_id: uuid.UUID | None,
    item: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """`actor`: the API client that made the change, or the name of the tool that did
    (`SEED_ACTOR`); None is the command line."""
    entry = AuditEntry(
        client_id=actor.id if isinstance(actor, Principal) else None,
        actor=actor.name if isinstance(actor, Principal) else actor or CLI_ACTOR,
        action=action,
        resource=resource,
        item_id=item_id,
        item=item,
        before=before,
        after=after,
    )
    session.add(entry)
    return entry


def to_public(entry: AuditEntry) -> AuditPublic:
    return AuditPublic.model_validate(entry, from_attributes=True)


def list_audit(
    *,
    session: Session,
    resource: str | None,
    include_clients: bool,
    limit: int,
    cursor: str | None,
    secret: str,
) -> AuditPage:
    """Changes, newest first. Changes to clients (names, scopes, key prefixes) only for
    callers who may manage clients."""
    statement = select(AuditEntry)
    if resource is not None:
        statement = statement.where(AuditEntry.resource == resource)
    if not include_clients:
        statement = statement.where(AuditEntry.resource != CLIENT_RESOURCE)
    page = keyset_page(
        session, statement, ordering=NEWEST_FIRST, limit=limit, cursor=cursor, secret=secret
    )
    return AuditPage(items=[to_public(e) for e in page.items], next_cursor=page.next_cursor)
