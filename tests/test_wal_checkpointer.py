"""SQLite's write-ahead log is copied into the database file by the app's checkpointer
thread, not inside the commits of requests (app.db.WalCheckpointer)."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

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


def write_rows(engine: Engine, label: str, rows: int = ROWS) -> None:
    """One commit of `rows` rows (the table made on first use)."""
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (label TEXT, data BLOB)"))
        connection.execute(
            text("INSERT INTO filler VALUES (:label, randomblob(:size))"),
            [{"label": label, "size": ROW_BYTES}] * rows,
        )


@pytest.fixture
def in_file(sqlite_path: Path, tmp_path: Path) -> Callable[[str], int]:
    """How many rows with a label the database file itself holds, without its log: a copy
    of the file alone is opened (SQLite would read the log beside the original)."""

    def rows(label: str) -> int:
        alone = tmp_path / "alone" / sqlite_path.name
        alone.parent.mkdir(exist_ok=True)
        shutil.copyfile(sqlite_path, alone)
        with sqlite3.connect(alone) as connection:
            try:
                return int(
                    connection.execute(
                        "SELECT count(*) FROM filler WHERE label = ?", (label,)
                    ).fetchone()[0]
                )
            except sqlite3.OperationalError:  # no such table: not in the file yet
                return 0

    return rows


@contextmanager
def running(checkpointer: WalCheckpointer) -> Iterator[WalCheckpointer]:
    checkpointer.start()
    try:
        yield checkpointer
    finally:
        checkpointer.stop()


def wait_for_checkpoints(checkpointer: WalCheckpointer, count: int) -> None:
    deadline = time.monotonic() + 10
    while checkpointer.checkpoints < count:
        assert time.monotonic() < deadline, "the checkpointer did not checkpoint"
        time.sleep(0.01)


def test_without_the_checkpointer_a_big_commit_checkpoints_inside_itself(
    engine: Engine, in_file: Callable[[str], int]
) -> None:
    # SQLite's default, which the checkpointer replaces: the control for the tests below.
    write_rows(engine, "big")
    assert in_file("big") == ROWS


def test_with_the_checkpointer_commits_leave_the_log_to_its_thread(
    engine: Engine, in_file: Callable[[str], int]
) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.05)
    with engine.connect() as connection:
        assert (
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            == CHECKPOINT_BACKSTOP_PAGES
        )
    write_rows(engine, "big")
    # Not started: nothing copied the log, and the commit did not either.
    assert in_file("big") == 0
    with running(checkpointer):
        wait_for_checkpoints(checkpointer, 1)
        assert in_file("big") == ROWS
        # Each commit wakes it again.
        write_rows(engine, "later")
        wait_for_checkpoints(checkpointer, 2)
        assert in_file("later") == ROWS


def test_commits_gather_for_the_interval_before_a_checkpoint(
    engine: Engine, in_file: Callable[[str], int]
) -> None:
    checkpointer = WalCheckpointer(engine, interval=1.0)
    with running(checkpointer):
        started = time.monotonic()
        for label in ("one", "two", "three"):
            write_rows(engine, label, rows=1)
        assert time.monotonic() - started < 0.5  # the three commits well inside it
        wait_for_checkpoints(checkpointer, 1)
        assert time.monotonic() - started >= 1.0
        # The one checkpoint copied all three.
        for label in ("one", "two", "three"):
            assert in_file(label) == 1
        # The later two commits woke it again (they came after it woke): one more
        # checkpoint an interval later, and no more, however many commits came.
        time.sleep(1.5)
        assert checkpointer.checkpoints == 2


def test_a_commit_that_ends_after_the_checkpoint_began_is_checkpointed_too(
    engine: Engine, in_file: Callable[[str], int]
) -> None:
    # SQLAlchemy's "commit" event, which wakes the thread, comes before the COMMIT: here
    # the COMMIT is held back until the thread has woken, waited and checkpointed without
    # it. Its connection going back to the pool, after the COMMIT, wakes the thread again.
    checkpointer = WalCheckpointer(engine, interval=0.05)
    write_rows(engine, "table", rows=1)
    slow = threading.Event()

    def slow_commit(_: object) -> None:
        if slow.is_set():
            time.sleep(0.5)

    event.listen(engine, "commit", slow_commit)  # after the checkpointer's own listener
    with running(checkpointer):
        wait_for_checkpoints(checkpointer, 1)
        slow.set()
        write_rows(engine, "late")
        slow.clear()
        wait_for_checkpoints(checkpointer, 3)  # the one without it, and the one with it
        assert in_file("late") == ROWS


def test_a_checkpoint_held_back_by_a_reader_is_tried_again(
    engine: Engine, sqlite_path: Path, in_file: Callable[[str], int]
) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.05)
    write_rows(engine, "table", rows=1)
    reader = sqlite3.connect(sqlite_path, isolation_level=None)
    with running(checkpointer), closing(reader):
        wait_for_checkpoints(checkpointer, 1)
        # A reader reading from before the commit: a PASSIVE checkpoint may not copy the
        # commit's pages while it might still need the ones they replace.
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM filler").fetchone()
        write_rows(engine, "pinned")
        time.sleep(0.5)  # several tries, all held back
        assert checkpointer.checkpoints == 1
        assert in_file("pinned") == 0
        reader.execute("COMMIT")  # no commit of the engine's own comes after this
        wait_for_checkpoints(checkpointer, 2)
        assert in_file("pinned") == ROWS


def test_stopping_checkpoints_what_was_committed(
    engine: Engine, in_file: Callable[[str], int]
) -> None:
    checkpointer = WalCheckpointer(engine, interval=60)
    checkpointer.start()
    write_rows(engine, "last")
    started = time.monotonic()
    checkpointer.stop()
    assert time.monotonic() - started < 30  # not the interval: stopping cuts it short
    assert checkpointer.checkpoints == 1
    assert in_file("last") == ROWS


def test_a_failed_checkpoint_is_logged_and_tried_again_later_and_later(
    engine: Engine,
    in_file: Callable[[str], int],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    checkpointer = WalCheckpointer(engine, interval=0.05)
    tries: list[float] = []
    real = engine.raw_connection

    def raw_connection() -> object:
        if threading.current_thread().name == "wal-checkpointer":
            tries.append(time.monotonic())
            if len(tries) <= 4:
                raise sqlite3.OperationalError("disk I/O error")
        return real()

    monkeypatch.setattr(engine, "raw_connection", raw_connection)
    with running(checkpointer):
        write_rows(engine, "first")  # the one commit: the tries come without another
        wait_for_checkpoints(checkpointer, 1)
        assert len(tries) == 5
        assert caplog.text.count("SQLite checkpoint failed") == 4
        gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
        assert gaps == sorted(gaps)  # 0.1, 0.2, 0.4, 0.8 s
        assert gaps[-1] >= 0.8
        assert in_file("first") == ROWS


def test_it_refuses_to_start_twice(engine: Engine) -> None:
    checkpointer = WalCheckpointer(engine)
    with running(checkpointer), pytest.raises(RuntimeError, match="already running"):
        checkpointer.start()
    checkpointer.stop()  # stopping a stopped one does nothing


def test_the_app_runs_a_checkpointer_on_sqlite_only(settings: Settings) -> None:
    application = create_app(settings)
    checkpointer = application.state.checkpointer
    if not settings.is_sqlite:
        assert checkpointer is None
        return
    assert isinstance(checkpointer, WalCheckpointer)
    with application.state.engine.connect() as connection:
        backstop = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    assert backstop == CHECKPOINT_BACKSTOP_PAGES
    with TestClient(application):
        thread = checkpointer._thread
        assert thread is not None
        assert thread.is_alive()
    assert checkpointer._thread is None
    assert not thread.is_alive()
