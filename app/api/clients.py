"""API clients and keys, for operators holding the `clients:admin` scope."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    ClientsAdmin,
    CursorQuery,
    LimitQuery,
    PrivateCache,
    SecretDep,
    SessionDep,
    SettingsDep,
)
from app.errors import problem_responses
from app.models.clients import ClientCreate, ClientPage, ClientPublic, ClientWithKey
from app.services import clients

router = APIRouter(prefix="/clients", tags=["clients"], dependencies=[PrivateCache])

# Any string is looked up: one that cannot be a name is simply not found (404).
ClientName = Annotated[
    str, Path(description="The client's name, as it was created.", examples=["acme-running-app"])
]


@router.post(
    "",
    operation_id="create_client",
    status_code=201,
    responses=problem_responses(403, 409, 413, 415, 422),
)
def create_client(
    body: ClientCreate,
    admin: ClientsAdmin,
    session: SessionDep,
    settings: SettingsDep,
    response: Response,
) -> ClientWithKey:
    """Create a client and its key. The key is in this answer only: store it now."""
    client, key = clients.create_client(
        session=session,
        name=body.name,
        scopes=body.scopes,
        secret=settings.secret_value,
        actor=admin,
    )
    session.commit()
    response.headers["Location"] = f"/clients/{client.name}"
    return clients.with_key(client, key)


@router.get("", operation_id="list_clients", responses=problem_responses(400, 403, 422))
def list_clients(
    admin: ClientsAdmin,
    session: SessionDep,
    secret: SecretDep,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> ClientPage:
    """List clients, revoked ones included, by name, a page at a time. Keys are never shown."""
    return clients.list_client_page(session=session, limit=limit, cursor=cursor, secret=secret)


@router.get("/{name}", operation_id="get_client", responses=problem_responses(403, 404))
def get_client(name: ClientName, admin: ClientsAdmin, session: SessionDep) -> ClientPublic:
    """Get one client."""
    return clients.to_public(clients.get_client(session=session, name=name))


@router.delete(
    "/{name}",
    operation_id="revoke_client",
    responses=problem_responses(403, 404),
)
def revoke_client(name: ClientName, admin: ClientsAdmin, session: SessionDep) -> ClientPublic:
    """Revoke a client's key. Its stored assessments stay; the name stays taken.

    The worker that answers refuses the key from then on; every other worker (and instance)
    may still accept it for up to a second, as a key that authenticated in the last second
    is not looked up again.
    """
    client = clients.revoke_client(session=session, name=name, actor=admin)
    session.commit()
    return clients.to_public(client)
