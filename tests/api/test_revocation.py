"""What DELETE /clients/{name} promises: the worker that revokes a key refuses it at once
(tests/api/test_auth.py); any other worker, which did not see the revocation happen, may
accept the key for up to a second and never longer."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, col

from app.config import Settings
from app.db import utcnow
from app.models.clients import ApiClient
from app.services import clients
from tests.api.conftest import Caller


def revoked_elsewhere(session: Session, caller: Caller) -> None:
    """The key revoked by another worker: the row changes, this process's cache does not."""
    session.execute(
        update(ApiClient).where(col(ApiClient.id) == caller.client.id).values(revoked_at=utcnow())
    )
    session.commit()


def test_a_key_revoked_by_another_worker_works_here_for_a_second_at_most(
    client: TestClient, session: Session, runner_app: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert client.get("/assessments", headers=runner_app.headers).status_code == 200
    revoked_elsewhere(session, runner_app)
    assert client.get("/assessments", headers=runner_app.headers).status_code == 200

    later = time.monotonic() + clients.recent_keys.max_age + 0.01
    monkeypatch.setattr(clients.time, "monotonic", lambda: later)
    response = client.get("/assessments", headers=runner_app.headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "The API key is not valid (unknown or revoked)."


def test_the_revoke_operation_says_other_workers_may_lag_a_second(client: TestClient) -> None:
    description = client.get("/openapi.json").json()["paths"]["/clients/{name}"]["delete"][
        "description"
    ]
    assert "up to a second" in description
    assert "at once" not in description


def test_a_key_read_while_its_revocation_commits_is_not_remembered(
    session: Session, runner_app: Caller, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A request that read the client just before the revocation committed is let through
    (it was first), but what it read is not kept: the worker that revoked refuses the key
    from then on, not a second later."""
    clients.recent_keys.clear()
    read = session.exec

    def revoked_meanwhile(*args: object, **kwargs: object) -> object:
        found = read(*args, **kwargs)  # type: ignore[call-overload]
        clients.recent_keys.clear()  # what the revocation's commit does in this worker
        return found

    monkeypatch.setattr(session, "exec", revoked_meanwhile)
    secret = settings.secret_value
    assert clients.authenticate(session=session, key=runner_app.key, secret=secret) is not None
    assert clients.recently_authenticated(runner_app.key, secret=secret) is None
    monkeypatch.undo()
    assert clients.authenticate(session=session, key=runner_app.key, secret=secret) is not None
    assert clients.recently_authenticated(runner_app.key, secret=secret) is not None


def test_the_cache_knows_a_key_by_a_digest_of_its_own(
    client: TestClient, runner_app: Caller, settings: Settings
) -> None:
    """Neither the key nor the hash stored in the database is held in memory by the cache:
    a digest keyed with a secret derived from SECRET_KEY, which another secret changes."""
    clients.recent_keys.clear()
    assert client.get("/assessments", headers=runner_app.headers).status_code == 200
    secret = settings.secret_value
    held = list(clients.recent_keys._entries)
    assert held == [clients.cache_digest(runner_app.key, secret=secret)]
    stored = clients.hash_key(runner_app.key, secret=secret)
    assert held[0].hex() != stored
    assert runner_app.key.encode() not in held[0]
    assert clients.cache_digest(runner_app.key, secret=secret + "-another") != held[0]
    known = clients.recently_authenticated(runner_app.key, secret=secret)
    assert known is not None
    assert known.name == runner_app.client.name
