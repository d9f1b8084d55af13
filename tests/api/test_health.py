"""/healthz never touches the database; /readyz answers 200 only when it can serve."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from app.config import load_settings
from app.db import head_revision
from app.main import create_app


def test_healthz_is_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_the_database_at_head(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    head = head_revision()
    assert response.json() == {
        "status": "ready",
        "database": "ok",
        "migrations": {"current": head, "head": head},
    }


def test_without_a_database_healthz_is_ok_and_readyz_is_503(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the database folder should be")
    settings = load_settings(database_url="postgresql://nobody@127.0.0.1:9/none")
    with TestClient(create_app(settings)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"].isdigit()
    body = response.json()
    assert body["status"] == 503
    assert body["type"] == "/problems/service-unavailable"
    assert body["detail"] == "The database is not reachable."
    assert body["request_id"] == response.headers["x-request-id"]
    assert "127.0.0.1" not in response.text
    assert "nobody" not in response.text


def test_readyz_is_503_until_the_schema_is_migrated(fresh_database_url: str) -> None:
    with TestClient(create_app(load_settings(database_url=fresh_database_url))) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "run `backpain migrate`" in response.json()["detail"]
