"""API clients for endpoint tests: each test gets fresh keys inside its own transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session

from app.config import Settings
from app.models.clients import ApiClient, Scope
from app.services import clients


@dataclass(frozen=True)
class Caller:
    client: ApiClient
    key: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


MakeCaller = Callable[..., Caller]


@pytest.fixture
def make_caller(session: Session, settings: Settings) -> MakeCaller:
    def make(name: str, *scopes: Scope) -> Caller:
        client, key = clients.create_client(
            session=session, name=name, scopes=list(scopes), secret=settings.secret_value
        )
        session.commit()
        return Caller(client, key)

    return make


@pytest.fixture
def runner_app(make_caller: MakeCaller) -> Caller:
    """A running-app backend: may assess."""
    return make_caller("runner-app", Scope.assess)


@pytest.fixture
def other_app(make_caller: MakeCaller) -> Caller:
    """Another tenant, also allowed to assess."""
    return make_caller("other-app", Scope.assess)


@pytest.fixture
def editor(make_caller: MakeCaller) -> Caller:
    return make_caller("content-team", Scope.content_write)


@pytest.fixture
def admin(make_caller: MakeCaller) -> Caller:
    return make_caller("operator", Scope.clients_admin)
