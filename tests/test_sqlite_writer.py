"""On a SQLite file, assessment groups store their answers through one connection of their
own, with a bigger page cache (app.db.add_sqlite_writer), which the checkpointer watches."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, event

from app.config import Settings, load_settings
from app.db import (
    SQLITE_WRITER_CACHE_KIB,
    add_sqlite_writer,
    create_db_engine,
    sqlite_writer,
)
from app.main import create_app
from app.models.clients import Scope
from app.services import assessments
from tests.databases import ready_with_client
from tests.test_wal_checkpointer import wait_for_checkpoints

RUNNER = {
    "subject_id": "runner-1",
    "training": {"weekly_distance_km": 50, "baseline_weekly_distance_km": 35},
    "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 4},
}


@pytest.fixture
def file_settings(tmp_path: Path, settings: Settings) -> Settings:
    if not settings.is_sqlite:
        pytest.skip("SQLite's writer connection")
    return settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'site.db'}"})


@pytest.fixture
def key(file_settings: Settings) -> str:
    """A migrated, seeded database file, and an `assess` key for it."""
    engine = create_db_engine(file_settings)
    try:
        key = ready_with_client(
            engine, secret=file_settings.secret_value, name="writer", scopes=[Scope.assess]
        )
    finally:
        engine.dispose()
    return key


@pytest.fixture
def served(file_settings: Settings, key: str) -> Iterator[tuple[FastAPI, TestClient]]:
    app = create_app(file_settings)
    with TestClient(app, headers={"X-API-Key": key}) as client:
        yield app, client


def test_a_sqlite_file_gets_a_writer_of_one_connection_with_a_bigger_page_cache(
    file_settings: Settings,
) -> None:
    engine = create_db_engine(file_settings)
    writer = add_sqlite_writer(engine, file_settings)
    try:
        assert writer is not None
        assert sqlite_writer(engine) is writer
        assert writer.url == engine.url
        with writer.connect() as first:
            assert first.exec_driver_sql("PRAGMA cache_size").scalar() == -SQLITE_WRITER_CACHE_KIB
            # The same pragmas as every connection of the engine (foreign keys, WAL).
            assert first.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert first.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            # One connection, no more: a second waits until the first is back.
            second = threading.Event()

            def connect_again() -> None:
                with writer.connect():
                    second.set()

            waiting = threading.Thread(target=connect_again)
            waiting.start()
            assert not second.wait(0.3)
        waiting.join(10)
        assert second.is_set()
        with engine.connect() as reader:
            # Readers keep SQLite's default.
            assert reader.exec_driver_sql("PRAGMA cache_size").scalar() == -2000
            # A session bound to a connection (as in tests) has no writer.
            assert sqlite_writer(reader) is None
    finally:
        if writer is not None:
            writer.dispose()
        engine.dispose()


def test_a_writer_is_for_the_engine_s_own_database(file_settings: Settings, tmp_path: Path) -> None:
    engine = create_db_engine(file_settings)
    other = file_settings.model_copy(update={"database_url": f"sqlite:///{tmp_path / 'other.db'}"})
    try:
        with pytest.raises(ValueError, match="another database"):
            add_sqlite_writer(engine, other)
        assert sqlite_writer(engine) is None
    finally:
        engine.dispose()


def test_no_writer_for_a_database_in_memory_or_another_database(settings: Settings) -> None:
    memory = load_settings(database_url="sqlite:///:memory:")
    engine = create_db_engine(memory)
    try:
        # A second engine on ":memory:" would be another database.
        assert add_sqlite_writer(engine, memory) is None
        assert sqlite_writer(engine) is None
    finally:
        engine.dispose()
    if not settings.is_sqlite:
        engine = create_db_engine(settings)
        try:
            assert add_sqlite_writer(engine, settings) is None
        finally:
            engine.dispose()


def test_stored_answers_go_through_the_writer_and_its_one_connection(
    served: tuple[FastAPI, TestClient],
) -> None:
    app, client = served
    writer = sqlite_writer(app.state.engine)
    assert writer is not None
    commits: list[int] = []  # the driver connection of each commit on the writer
    begun_for_writing: list[str] = []  # write transactions begun on the serving engine

    @event.listens_for(writer, "commit")
    def on_commit(connection: Connection) -> None:
        commits.append(id(connection.connection.dbapi_connection))

    @event.listens_for(app.state.engine, "begin")
    def on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("backpain_write_transaction"):
            begun_for_writing.append("begun")

    one = client.post("/assess", json=RUNNER)
    batch = client.post("/assess/batch", json={"items": [RUNNER, {**RUNNER, "store": False}]})
    assert one.status_code == 201, one.text
    assert batch.status_code == 200, batch.text
    assert [item["status"] for item in batch.json()["results"]] == [201, 200]
    # Two groups, two commits, on the same connection; none on the serving engine's pool.
    assert len(commits) == 2
    assert commits[0] == commits[1]
    assert begun_for_writing == []
    # Rule 14 read, inside the batch's group, the answer stored by the first group.
    history = client.get("/assessments", params={"subject_id": "runner-1"}).json()["items"]
    assert len(history) == 2
    assert batch.json()["results"][0]["assessment"]["id"] == history[0]["id"]
    explained = client.get(f"/assessments/{history[0]['id']}/explain").json()
    recurrence = next(r for r in explained["explanation"]["rules"] if r["rule"] == "R14")
    assert recurrence["inputs"]["earlier_painful_assessments"] == 1


def test_a_group_that_fails_gives_the_writer_connection_back(
    served: tuple[FastAPI, TestClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    app, client = served
    real = assessments._INSERT.execute
    failures: list[int] = []

    def fails_once(connection: Connection, rows: list[tuple[object, ...]]) -> None:
        if not failures:
            failures.append(1)
            raise sqlite3.OperationalError("disk I/O error")
        real(connection, rows)

    monkeypatch.setattr(assessments._INSERT, "execute", fails_once)
    failing = TestClient(app, raise_server_exceptions=False, headers=client.headers)
    assert failing.post("/assess/batch", json={"items": [RUNNER]}).status_code == 500
    # The writer's one connection is back in its pool (a leaked one would keep the next
    # group waiting for the pool's timeout), and nothing of the failed group was stored.
    writer = sqlite_writer(app.state.engine)
    assert writer is not None
    assert writer.pool.checkedout() == 0  # type: ignore[attr-defined]
    answer = client.post("/assess", json=RUNNER)
    assert answer.status_code == 201, answer.text
    history = client.get("/assessments", params={"subject_id": "runner-1"}).json()["items"]
    assert [item["id"] for item in history] == [answer.json()["id"]]


def test_the_checkpointer_copies_what_the_writer_commits_into_the_file(
    served: tuple[FastAPI, TestClient], file_settings: Settings, tmp_path: Path
) -> None:
    app, client = served
    checkpointer = app.state.checkpointer
    before = checkpointer.checkpoints
    stored = client.post("/assess", json=RUNNER)
    assert stored.status_code == 201, stored.text
    wait_for_checkpoints(checkpointer, before + 1)
    # The database file alone (a copy, without its log) holds the answer.
    alone = tmp_path / "alone.db"
    shutil.copyfile(tmp_path / "site.db", alone)
    with sqlite3.connect(alone) as connection:
        ids = [row[0] for row in connection.execute("SELECT id FROM assessment")]
    assert ids == [stored.json()["id"].replace("-", "")]


def test_the_writer_is_closed_with_the_app(file_settings: Settings, key: str) -> None:
    app = create_app(file_settings)
    writer = sqlite_writer(app.state.engine)
    assert writer is not None
    closed: list[object] = []
    event.listen(writer, "close", lambda *_: closed.append(1))
    with TestClient(app, headers={"X-API-Key": key}) as client:
        assert client.post("/assess", json=RUNNER).status_code == 201
    assert closed == [1]
