"""Fixtures for the tests of services that need real commits on a database of their own."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from app.db import upgrade
from app.models.clients import Principal, Scope
from app.services import clients


@pytest.fixture
def own_engine(fresh_engine: Engine) -> Engine:
    """fresh_engine, migrated."""
    upgrade(fresh_engine)
    return fresh_engine


@pytest.fixture
def caller(own_engine: Engine) -> Principal:
    """A client allowed to assess, committed on own_engine."""
    with Session(own_engine) as session:
        client, _ = clients.create_client(
            session=session, name="runner-app", scopes=[Scope.assess], secret="s" * 40
        )
        session.commit()
        return Principal.of(client)
