"""/healthz never touches the database; /readyz answers 200 only when it can serve."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.config import load_settings
from app.db import create_db_engine, head_revision, upgrade
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


def readyz_on(
    database_url: str, *, migrated_to: str, marked_as: str | None = None
) -> httpx.Response:
    """/readyz on a database migrated to `migrated_to`, then, with `marked_as`, recorded as
    at that revision instead (one this build does not know)."""
    engine = create_db_engine(load_settings(database_url=database_url))
    try:
        upgrade(engine, migrated_to)
        if marked_as is not None:
            with engine.begin() as connection:
                connection.execute(
                    text("UPDATE alembic_version SET version_num = :r"), {"r": marked_as}
                )
    finally:
        engine.dispose()
    with TestClient(create_app(load_settings(database_url=database_url))) as client:
        return client.get("/readyz")


def assert_not_ready(response: httpx.Response) -> str:
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["type"] == "/problems/service-unavailable"
    assert body["status"] == 503
    return str(body["detail"])


def test_readyz_is_503_while_the_schema_is_behind_head(fresh_database_url: str) -> None:
    detail = assert_not_ready(readyz_on(fresh_database_url, migrated_to="0001"))
    assert detail == (
        f"The database schema is at 0001, this build needs {head_revision()}; "
        "run `backpain migrate`."
    )


def test_readyz_for_a_schema_ahead_of_this_build_does_not_ask_for_a_migration(
    fresh_database_url: str,
) -> None:
    detail = assert_not_ready(
        readyz_on(fresh_database_url, migrated_to="head", marked_as="0099_future")
    )
    assert detail == (
        f"The database schema is at 0099_future, which this build (head {head_revision()}) "
        "does not know: a newer build has migrated it. "
        "Deploy that build, or downgrade the schema with it."
    )
    assert "backpain migrate" not in detail
