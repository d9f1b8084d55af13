"""API keys: prefixed, shown once, stored as an HMAC, checked in constant time; scopes."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.config import Settings
from app.models import ApiClient, AuditEntry
from app.models.clients import Scope
from tests.api.conftest import Caller, MakeCaller

BODY = {"sitting": {"hours_per_day": 9}}


def test_keys_are_prefixed_and_only_their_hmac_is_stored(
    runner_app: Caller, session: Session, settings: Settings
) -> None:
    assert runner_app.key.startswith("bp_")
    assert len(runner_app.key) >= 40
    row = session.exec(select(ApiClient).where(ApiClient.name == "runner-app")).one()
    expected = hmac.new(
        settings.secret_value.encode(), runner_app.key.encode(), hashlib.sha256
    ).hexdigest()
    assert row.key_hash == expected
    assert runner_app.key not in str(row.model_dump())


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key"])
def test_a_key_works_in_either_header(client: TestClient, runner_app: Caller, header: str) -> None:
    value = f"Bearer {runner_app.key}" if header == "Authorization" else runner_app.key
    response = client.post("/assess", json=BODY, headers={header: value})
    assert response.status_code == 201


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
    ],
)
def test_no_key_is_401_with_a_challenge(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/assess", json=BODY, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/unauthorized"


@pytest.mark.parametrize(
    "key",
    ["bp_not-a-real-key-at-all-0000000000000000000", "not-even-prefixed", "bp_" + "x" * 200],
)
def test_a_bad_key_is_401_invalid_token(client: TestClient, key: str) -> None:
    response = client.post("/assess", json=BODY, headers={"X-API-Key": key})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_bad_key_is_refused_even_on_public_reads(client: TestClient) -> None:
    response = client.get("/exercises", headers={"X-API-Key": "bp_wrong-wrong-wrong-wrong-wrong"})
    assert response.status_code == 401


def test_content_reads_need_no_key(client: TestClient) -> None:
    assert client.get("/exercises").status_code == 200


def test_the_wrong_scope_is_403(client: TestClient, editor: Caller) -> None:
    response = client.post("/assess", json=BODY, headers=editor.headers)
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"
    assert "`assess`" in response.json()["detail"]


def test_a_revoked_key_stops_working_at_once(
    client: TestClient, runner_app: Caller, admin: Caller
) -> None:
    assert client.post("/assess", json=BODY, headers=runner_app.headers).status_code == 201
    revoked = client.delete("/clients/runner-app", headers=admin.headers)
    assert revoked.status_code == 200
    assert revoked.json()["revoked"] is True
    response = client.post("/assess", json=BODY, headers=runner_app.headers)
    assert response.status_code == 401


def test_clients_api_creates_a_key_shown_once(
    client: TestClient, admin: Caller, session: Session
) -> None:
    response = client.post(
        "/clients", json={"name": "new-app", "scopes": ["assess"]}, headers=admin.headers
    )
    assert response.status_code == 201
    created = response.json()
    assert created["api_key"].startswith("bp_")
    assert response.headers["location"] == "/clients/new-app"
    assert (
        client.post("/assess", json=BODY, headers={"X-API-Key": created["api_key"]}).status_code
        == 201
    )
    shown = client.get("/clients/new-app", headers=admin.headers).json()
    assert "api_key" not in shown
    assert shown["key_prefix"] == created["api_key"][:10]
    listing = client.get("/clients", headers=admin.headers).json()["items"]
    assert "new-app" in [c["name"] for c in listing]
    assert all("api_key" not in c for c in listing)
    entry = session.exec(select(AuditEntry).where(AuditEntry.item == "new-app")).one()
    assert (entry.action, entry.actor, entry.resource) == ("create", "operator", "client")


def test_client_names_are_unique(client: TestClient, admin: Caller) -> None:
    body = {"name": "twice", "scopes": ["assess"]}
    assert client.post("/clients", json=body, headers=admin.headers).status_code == 201
    again = client.post("/clients", json=body, headers=admin.headers)
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "bad name", "scopes": ["assess"]}, "name"),
        ({"name": "ok", "scopes": []}, "scopes"),
        ({"name": "ok", "scopes": ["root"]}, "scopes[0]"),
        ({"name": "ok", "scopes": ["assess"], "extra": 1}, "extra"),
    ],
)
def test_client_creation_is_validated(
    client: TestClient, admin: Caller, body: dict[str, object], field: str
) -> None:
    response = client.post("/clients", json=body, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_managing_clients_needs_clients_admin(
    client: TestClient, runner_app: Caller, make_caller: MakeCaller
) -> None:
    assert client.get("/clients", headers=runner_app.headers).status_code == 403
    writer = make_caller("writer", Scope.content_write)
    assert (
        client.post(
            "/clients", json={"name": "x", "scopes": ["assess"]}, headers=writer.headers
        ).status_code
        == 403
    )


def test_revoking_an_unknown_client_is_404(client: TestClient, admin: Caller) -> None:
    assert client.delete("/clients/nobody", headers=admin.headers).status_code == 404
