"""API clients and keys, for operators holding the `clients:admin` scope."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import ClientsAdmin, PrivateCache, SessionDep, SettingsDep
from app.errors import problem_responses
from app.models.clients import ClientCreate, ClientPage, ClientPublic, ClientWithKey
from app.services import clients

router = APIRouter(prefix="/clients", tags=["clients"], dependencies=[PrivateCache])


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


@router.get("", operation_id="list_clients", responses=problem_responses(403))
def list_clients(admin: ClientsAdmin, session: SessionDep) -> ClientPage:
    """List every client, revoked ones included, by name. Keys are never shown."""
    return ClientPage(
        items=[clients.to_public(c) for c in clients.list_clients(session=session)],
        next_cursor=None,
    )


@router.get("/{name}", operation_id="get_client", responses=problem_responses(403, 404))
def get_client(name: str, admin: ClientsAdmin, session: SessionDep) -> ClientPublic:
    """Get one client."""
    return clients.to_public(clients.get_client(session=session, name=name))


@router.delete(
    "/{name}",
    operation_id="revoke_client",
    responses=problem_responses(403, 404),
)
def revoke_client(name: str, admin: ClientsAdmin, session: SessionDep) -> ClientPublic:
    """Revoke a client's key at once. Its stored assessments stay; the name stays taken."""
    client = clients.revoke_client(session=session, name=name, actor=admin)
    session.commit()
    return clients.to_public(client)
