"""SQLite's write-ahead log is copied into the database file by the app's checkpointer
thread, not inside the commits of requests (app.db.WalCheckpointer)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from app.config import Settings, load_settings
from app.db import CHECKPOINT_BACKSTOP_PAGES, WalCheckpointer, create_db_engine
from app.main import create_app

# Rows of this size fill more than SQLite's default 1,000-page checkpoint threshold (4 MiB)
# in one commit: without the checkpointer that commit would checkpoint for itself.
ROWS, ROW_BYTES = 1_200, 4_000


@pytest.fixture
def sqlite_path(tmp_path: Path, is_sqlite: bool) -> Path:
    if not is_sqlite:
        pytest.skip("SQLite's write-ahead log")
    return tmp_path / "wal.db"


@pytest.fixture
def engine(sqlite_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(load_settings(database_url=f"sqlite:///{sqlite_path}"))
    yield engine
    engine.dispose()


def write_rows(engine: Engine, label: str) -> None:
    """One commit of ROWS rows (the table made on first use)."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (label TEXT, data BLOB)"))
        connection.execute(
            text("INSERT INTO filler VALUES (:label, randomblob(:size))"),
            [{"label": label, "size": ROW_BYTES}] * ROWS,
        )


def rows_in_database_file(path: Path, tmp_path: Path, label: str) -> int:
    """How many rows with `label` the database file itself holds, without its log: a copy
    of the file alone is opened (SQLite would read the log beside the original)."""
    alone = tmp_path / "alone" / path.name
    alone.parent.mkdir(exist_ok=True)
    shutil.copyfile(path, alone)
    with sqlite3.connect(alone) as connection:
        try:
            return int(
                connection.execute(
                    "SELECT count(*) FROM filler WHERE label = ?", (label,)
                ).fetchone()[0]
            )
        except sqlite3.OperationalError:  # no such table: not in the file yet
            return 0


def wait_for_checkpoints(checkpointer: WalCheckpointer, count: int) -> None:
    deadline = time.monotonic() + 10
    while checkpointer.checkpoints < count:
        assert time.monotonic() < deadline, "the checkpointer did not checkpoint"
        time.sleep(0.01)


def test_without_the_checkpointer_a_big_commit_checkpoints_inside_itself(
    engine: Engine, sqlite_path: Path, tmp_path: Path
) -> None:
    # SQLite's default, which the checkpointer replaces: the control for the tests below.
    write_rows(engine, "big")
    assert rows_in_database_file(sqlite_path, tmp_path, "big") == ROWS


def test_with_the_checkpointer_commits_leave_the_log_to_its_thread(
    engine: Engine, sqlite_path: Path, tmp_path: Path
) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.05)
    with engine.connect() as connection:
        assert (
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            == CHECKPOINT_BACKSTOP_PAGES
        )
    write_rows(engine, "big")
    # Not started: nothing copied the log, and the commit did not either.
    assert rows_in_database_file(sqlite_path, tmp_path, "big") == 0
    checkpointer.start()
    try:
        wait_for_checkpoints(checkpointer, 1)
        assert rows_in_database_file(sqlite_path, tmp_path, "big") == ROWS
        # Each commit wakes it again.
        write_rows(engine, "later")
        wait_for_checkpoints(checkpointer, 2)
        assert rows_in_database_file(sqlite_path, tmp_path, "later") == ROWS
    finally:
        checkpointer.stop()


def test_commits_gather_for_the_interval_before_a_checkpoint(engine: Engine) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.5)
    checkpointer.start()
    try:
        started = time.monotonic()
        for label in ("one", "two", "three"):
            write_rows(engine, label)
        wait_for_checkpoints(checkpointer, 1)
        assert time.monotonic() - started >= 0.5
        time.sleep(0.6)
        assert checkpointer.checkpoints == 1  # one checkpoint for the three commits
    finally:
        checkpointer.stop()


def test_stopping_checkpoints_what_was_committed(
    engine: Engine, sqlite_path: Path, tmp_path: Path
) -> None:
    checkpointer = WalCheckpointer(engine, interval=60)
    checkpointer.start()
    write_rows(engine, "last")
    started = time.monotonic()
    checkpointer.stop()
    assert time.monotonic() - started < 30  # not the interval: stopping cuts it short
    assert checkpointer.checkpoints == 1
    assert rows_in_database_file(sqlite_path, tmp_path, "last") == ROWS


def test_a_failed_checkpoint_is_logged_and_the_next_commit_tries_again(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.01)
    failing = True
    real = engine.raw_connection

    def raw_connection() -> object:
        if failing and threading.current_thread().name == "wal-checkpointer":
            raise sqlite3.OperationalError("disk I/O error")
        return real()

    monkeypatch.setattr(engine, "raw_connection", raw_connection)
    checkpointer.start()
    try:
        write_rows(engine, "first")
        deadline = time.monotonic() + 10
        while "SQLite checkpoint failed" not in caplog.text:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert checkpointer.checkpoints == 0
        failing = False
        write_rows(engine, "second")
        wait_for_checkpoints(checkpointer, 1)
    finally:
        checkpointer.stop()


def test_the_app_runs_a_checkpointer_on_sqlite_only(settings: Settings) -> None:
    application = create_app(settings)
    checkpointer = application.state.checkpointer
    if not settings.is_sqlite:
        assert checkpointer is None
        return
    assert isinstance(checkpointer, WalCheckpointer)
    with TestClient(application):
        thread = checkpointer._thread
        assert thread is not None
        assert thread.is_alive()
    assert checkpointer._thread is None
    assert not thread.is_alive()
