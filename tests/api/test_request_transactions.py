"""Which requests begin their transactions as writers: on SQLite a writing transaction holds
the database's write lock from its start (BEGIN IMMEDIATE), so that reading and then
writing never fails because another writer committed in between; a reading one takes no
lock, so reads never queue behind writers. The app runs on a SQLite database of this
test's own (the usual test app shares one connection, which never begins anything)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import sqlite_writer
from app.main import create_app
from app.models.clients import Scope
from tests.databases import ready_with_client
from tests.transactions import begins_on

RUNNER = {
    "subject_id": "runner-3",
    "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 3},
}


@pytest.fixture
def begins(tmp_path: Path, settings: Settings) -> Iterator[tuple[TestClient, list[str]]]:
    """A client of the app on a fresh SQLite file, and the BEGIN statements it runs."""
    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'a.db'}"}))
    engine = app.state.engine
    key = ready_with_client(
        engine,
        secret=settings.secret_value,
        name="transactions",
        scopes=[Scope.assess, Scope.content_write],
    )
    with TestClient(app, headers={"X-API-Key": key}) as client:
        # The key is checked once in its own reading transaction, then remembered a while.
        assert client.get("/assessments").status_code == 200
        # Answers are stored through the engine's writer connection (app.db.sqlite_writer).
        yield client, begins_on(engine, sqlite_writer(engine))


def test_reads_begin_without_the_write_lock(begins: tuple[TestClient, list[str]]) -> None:
    client, seen = begins
    assert client.get("/exercises/bird-dog").status_code == 200
    assert client.head("/exercises/bird-dog").status_code == 200
    assert client.get("/assessments", params={"subject_id": "runner-3"}).status_code == 200
    assert seen
    assert set(seen) == {"BEGIN"}


def test_requests_that_change_something_begin_holding_it(
    begins: tuple[TestClient, list[str]],
) -> None:
    client, seen = begins
    changed = client.patch("/exercises/bird-dog", json={"summary": "Changed."})
    assert changed.status_code == 200
    assert seen == ["BEGIN IMMEDIATE"]  # one transaction: read, write and audit
    seen.clear()
    # Nothing to delete: still a writer, and still a clean 404.
    gone = client.delete(f"/assessments/{uuid.uuid4()}")
    assert gone.status_code == 404
    assert seen == ["BEGIN IMMEDIATE"]


def test_a_request_gives_its_connection_back_before_it_is_answered(
    begins: tuple[TestClient, list[str]],
) -> None:
    """Also when it fails: the write lock and the connection are free by the time the
    client has the answer."""
    client, _ = begins
    pool = client.app.state.engine.pool  # type: ignore[attr-defined]
    for method, path, status in (
        ("DELETE", f"/assessments/{uuid.uuid4()}", 404),
        ("PATCH", "/exercises/no-such-exercise", 404),
        ("GET", "/exercises/bird-dog", 200),
        ("PATCH", "/exercises/bird-dog", 200),
    ):
        answer = client.request(method, path, json={"summary": "Again."})
        assert answer.status_code == status
        assert pool.checkedout() == 0, (method, path)


def test_a_batch_holds_the_write_lock_only_when_it_stores(
    begins: tuple[TestClient, list[str]],
) -> None:
    client, seen = begins
    reading = client.post("/assess/batch", json={"items": [{**RUNNER, "store": False}] * 3})
    assert reading.status_code == 200
    assert reading.json()["stored"] == 0
    assert seen == ["BEGIN"]  # the history read
    seen.clear()
    storing = client.post("/assess/batch", json={"items": [RUNNER] * 3})
    assert storing.status_code == 200
    assert storing.json()["stored"] == 3
    assert seen == ["BEGIN IMMEDIATE"]
