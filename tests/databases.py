"""For tests that run the app on a database of their own: migrate and seed it, and make a
client with a key."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine
from sqlmodel import Session

from app.db import upgrade
from app.models.clients import Scope
from app.services import clients
from app.services.seed import seed_content


def ready_with_client(engine: Engine, *, secret: str, name: str, scopes: Sequence[Scope]) -> str:
    """Migrate and seed the database, create a client with these scopes; its key."""
    upgrade(engine)
    with Session(engine) as session:
        seed_content(session=session)
        _, key = clients.create_client(session=session, name=name, scopes=scopes, secret=secret)
        session.commit()
    return key
