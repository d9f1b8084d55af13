"""Storage: UTC-aware datetimes, foreign keys and SQLite's pragmas, on both databases."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    create_engine,
    delete,
    event,
    insert,
    make_url,
    text,
)
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlmodel import Session, select

from app.config import Settings, load_settings
from app.db import (
    ATTEMPTS,
    PROJECT_ROOT,
    BulkInsert,
    JSONText,
    UTCDateTime,
    _answering_connection_class,
    create_db_engine,
    retrying,
    session_factory,
    session_scope,
    sqlite_has_json_each,
    uuid7,
    uuid7_run,
)
from app.models import Exercise, Programme, ProgrammeItem
from tests.transactions import begins_on, database_error


def in_tokyo(session: Session, is_sqlite: bool) -> None:
    """A session whose PostgreSQL time zone is not UTC (the cluster's is, here): values
    come back in the session's zone, so only our own conversion makes them UTC. Undone
    with the test's transaction."""
    if is_sqlite:
        return
    session.connection().exec_driver_sql("SET TIME ZONE 'Asia/Tokyo'")
    assert session.connection().exec_driver_sql("SHOW TIME ZONE").scalar() == "Asia/Tokyo"


def test_uuid7_is_rfc_9562_version_7_with_the_time_first() -> None:
    at = datetime(2026, 12, 2, 4, 5, 6, 789_999, tzinfo=timezone(timedelta(hours=-5)))
    made = uuid7(at)
    assert made.version == 7
    assert made.variant == uuid.RFC_4122
    milliseconds = int(at.timestamp()) * 1000 + 789
    assert made.int >> 80 == milliseconds
    # The RFC's example layout: 48 bits of time, the version nibble, then randomness.
    assert made.hex.startswith(f"{milliseconds:012x}7")
    assert uuid7().int >> 80 >= (datetime.now(UTC) - timedelta(seconds=5)).timestamp() * 1000


def test_a_run_of_uuid7s_is_one_a_microsecond_each_random() -> None:
    """uuid7_run: the ids of start, start + 1 us, ...: each its time's millisecond, in
    order, with its own random bits (one read of randomness shared out, not repeated)."""
    start = datetime(2026, 12, 5, 10, 0, 0, 999_000, tzinfo=UTC)
    ids = uuid7_run(start, 2500)
    expected = [int((start + timedelta(microseconds=n)).timestamp() * 1000) for n in range(2500)]
    assert [made.int >> 80 for made in ids] == expected
    assert len({made.int >> 80 for made in ids}) == 3  # it crosses two millisecond marks
    assert all(made.version == 7 and made.variant == uuid.RFC_4122 for made in ids)
    assert len({made.int & ((1 << 62) - 1) for made in ids}) == 2500
    assert uuid7_run(start, 0) == []


def test_uuid7_refuses_a_time_before_1970() -> None:
    with pytest.raises(ValueError, match="before 1970"):
        uuid7(datetime(1969, 12, 31, 23, 59, 59, 999_999, tzinfo=UTC))
    assert uuid7(datetime(1970, 1, 1, tzinfo=UTC)).int >> 80 == 0


def test_uuid7s_sort_by_time_and_are_random_within_a_millisecond() -> None:
    start = datetime(2026, 12, 2, tzinfo=UTC)
    times = [start + timedelta(milliseconds=n) for n in range(0, 2000, 7)]
    ids = [uuid7(at) for at in times]
    assert ids == sorted(ids)
    assert [each.hex for each in ids] == sorted(each.hex for each in ids)  # as SQLite keeps them
    same = [uuid7(start) for _ in range(5000)]
    assert len(set(same)) == 5000
    # The 74 random bits vary: every one of them is set in some id and clear in another.
    random_bits = (1 << 74) - 1
    ones = zeros = 0
    for each in same:
        noise = ((each.int >> 64) & 0xFFF) << 62 | (each.int & ((1 << 62) - 1))
        ones |= noise
        zeros |= ~noise & random_bits
    assert ones == zeros == random_bits


def test_datetimes_come_back_aware_and_in_utc(session: Session, is_sqlite: bool) -> None:
    in_tokyo(session, is_sqlite)
    row = session.exec(select(Exercise).limit(1)).one()
    paris = timezone(timedelta(hours=1))
    written = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=paris)
    row.updated_at = written
    session.add(row)
    session.commit()
    session.expire_all()
    read = session.exec(select(Exercise).where(Exercise.id == row.id)).one().updated_at
    assert read.tzinfo is not None
    assert read.utcoffset() == timedelta(0)
    assert read == written  # the same instant
    assert read == datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)


def test_datetime_comparisons_in_sql_use_utc(session: Session, is_sqlite: bool) -> None:
    in_tokyo(session, is_sqlite)
    row = session.exec(select(Exercise).limit(1)).one()
    row.updated_at = datetime(2030, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2)))
    session.add(row)
    session.commit()
    later = datetime(2029, 12, 31, 22, 29, tzinfo=UTC)
    found = session.exec(select(Exercise).where(Exercise.updated_at > later)).all()
    assert [r.id for r in found] == [row.id]


def test_naive_datetimes_are_refused(session: Session) -> None:
    row = session.exec(select(Exercise).limit(1)).one()
    row.updated_at = datetime(2026, 1, 1, 12, 0)
    session.add(row)
    with pytest.raises(StatementError, match="naive datetime"):
        session.flush()


@pytest.mark.parametrize(
    "value",
    [
        datetime(2026, 12, 5, 17, 27, 10, 852589, tzinfo=UTC),
        datetime(2026, 12, 5, 17, 27, 10, tzinfo=UTC),  # no microseconds
        datetime(2026, 12, 6, 1, 0, 0, 7, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        datetime(2026, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/London")),  # the day before, in UTC
        datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")),  # UTC, but not datetime.UTC
        datetime(5, 1, 2, 3, 4, 5, 6, tzinfo=UTC),  # a year of one digit
        None,
    ],
)
def test_sqlite_stores_a_datetime_as_sqlalchemys_datetime_type_writes_it(
    value: datetime | None,
) -> None:
    # UTCDateTime writes the text itself on SQLite (see its bind_processor): the text of
    # its process_bind_param (naive UTC) written by SQLAlchemy's SQLite DATETIME type.
    dialect = sqlite_dialect.dialect()
    column = UTCDateTime()
    ours = column.dialect_impl(dialect).bind_processor(dialect)
    sqlalchemys = sqlite_dialect.DATETIME().bind_processor(dialect)
    assert ours is not None
    assert sqlalchemys is not None
    assert ours(value) == sqlalchemys(column.process_bind_param(value, dialect))


def test_foreign_keys_are_enforced(session: Session) -> None:
    programme = session.exec(select(Programme).limit(1)).one()
    session.add(ProgrammeItem(programme_id=programme.id, position=99, exercise_id=uuid.uuid4()))
    with pytest.raises(IntegrityError):
        session.flush()


def test_sqlite_runs_with_foreign_keys_on_and_wal(connection: Connection, is_sqlite: bool) -> None:
    if not is_sqlite:
        pytest.skip("SQLite pragmas")
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL


@pytest.mark.parametrize(("serving", "synchronous"), [(True, 1), (False, 2)], ids=["server", "cli"])
def test_sqlite_commits_of_a_command_wait_for_the_disk(
    tmp_path: Path, serving: bool, synchronous: int
) -> None:
    # The server's commits reach the disk with its checkpoints (NORMAL); a command's, such
    # as a new API key, before the command ends (FULL).
    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    engine = create_db_engine(settings, serving=serving)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == synchronous
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("make", "begins"),
    [
        (lambda engine: session_factory(engine)(), "BEGIN"),
        (lambda engine: session_factory(engine)(writes=True), "BEGIN IMMEDIATE"),
        (session_scope, "BEGIN IMMEDIATE"),
    ],
    ids=["reading", "writing", "cli"],
)
def test_sqlite_write_sessions_take_the_write_lock_at_the_start_of_each_transaction(
    tmp_path: Path, make: Callable[[Engine], AbstractContextManager[Session]], begins: str
) -> None:
    """Every transaction of a writing session (a request that may change something, a CLI
    command) begins holding SQLite's write lock; a reading one takes none."""
    engine = create_db_engine(load_settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))
    begun = begins_on(engine)
    try:
        with make(engine) as session:
            for _ in range(2):  # the second transaction too, after a commit
                session.exec(text("SELECT 1"))  # type: ignore[call-overload]
                session.commit()
    finally:
        engine.dispose()
    assert begun == [begins, begins]


def test_json_each_is_found_where_sqlite_has_it_and_missed_where_it_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """sqlite_has_json_each asks the sqlite3 library itself: this one (3.38 or newer has the
    JSON functions built in) has them; a build without them (whose json_each is "no such
    table") has not, and history then takes its IN list."""
    sqlite_has_json_each.cache_clear()
    try:
        if sqlite3.sqlite_version_info >= (3, 38):
            assert sqlite_has_json_each() is True
        sqlite_has_json_each.cache_clear()

        class WithoutJson(sqlite3.Connection):
            def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
                if "json_each" in sql:
                    raise sqlite3.OperationalError("no such table: json_each")
                return super().execute(sql, *args)

        connect = sqlite3.connect
        monkeypatch.setattr(sqlite3, "connect", lambda path: connect(path, factory=WithoutJson))
        assert sqlite_has_json_each() is False
    finally:
        sqlite_has_json_each.cache_clear()


def test_the_sqlite_folder_is_created_on_demand(tmp_path: Path) -> None:
    target = tmp_path / "nested" / "deeper" / "app.db"
    engine = create_db_engine(load_settings(database_url=f"sqlite:///{target}"))
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert target.exists()


def test_the_suite_leaves_the_database_named_by_test_database_url_untouched(
    fresh_database_url: str, is_sqlite: bool
) -> None:
    """TEST_DATABASE_URL only names a server: a run makes its own database there and drops
    it. Here the named database is also the DATABASE_URL of a developer's server, holding
    data; a run of the suite on it leaves that data, and no database of its own, behind."""
    if is_sqlite:
        pytest.skip("TEST_DATABASE_URL is for PostgreSQL")
    developer = create_db_engine(load_settings(database_url=fresh_database_url))
    name = developer.url.database
    try:
        with developer.begin() as connection:
            connection.execute(text("CREATE TABLE developer_data (note text)"))
            connection.execute(text("INSERT INTO developer_data VALUES ('keep me')"))
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/test_db.py::test_datetimes_come_back_aware_and_in_utc",
            ],
            cwd=PROJECT_ROOT,
            env={
                **os.environ,
                "TEST_DATABASE_URL": fresh_database_url,
                "DATABASE_URL": fresh_database_url,
            },
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert run.returncode == 0, run.stdout + run.stderr
        with developer.connect() as connection:
            notes = connection.execute(text("SELECT note FROM developer_data")).scalars().all()
            tables = connection.dialect.get_table_names(connection)
            leftovers = (
                connection.execute(
                    text("SELECT datname FROM pg_database WHERE datname LIKE :prefix"),
                    {"prefix": f"{name}\\_%"},
                )
                .scalars()
                .all()
            )
    finally:
        developer.dispose()
    assert notes == ["keep me"]
    assert tables == ["developer_data"]  # not migrated, not seeded
    assert leftovers == []  # the run's own database is gone


def test_postgres_connections_find_a_dead_network_within_the_connect_timeout(
    settings: Settings, is_sqlite: bool
) -> None:
    """A network that drops packets (no reset, no refusal) breaks the connection after
    DB_CONNECT_TIMEOUT_SECONDS of unacknowledged data (tcp_user_timeout), and an idle one
    is probed (keepalives), instead of TCP retransmitting for a quarter of an hour."""
    if is_sqlite:
        pytest.skip("PostgreSQL's TCP connections")
    engine = create_db_engine(settings.model_copy(update={"db_connect_timeout_seconds": 3}))
    try:
        with engine.connect() as connection:
            raw = connection.connection.dbapi_connection
            assert raw is not None
            sock = socket.socket(fileno=os.dup(raw.pgconn.socket))
            try:
                options = {
                    name: sock.getsockopt(level, getattr(socket, name))
                    for level, name in [
                        (socket.SOL_SOCKET, "SO_KEEPALIVE"),
                        (socket.IPPROTO_TCP, "TCP_KEEPIDLE"),
                        (socket.IPPROTO_TCP, "TCP_KEEPINTVL"),
                        (socket.IPPROTO_TCP, "TCP_KEEPCNT"),
                        (socket.IPPROTO_TCP, "TCP_USER_TIMEOUT"),
                    ]
                }
            finally:
                sock.close()
    finally:
        engine.dispose()
    assert options == {
        "SO_KEEPALIVE": 1,
        "TCP_KEEPIDLE": 3,
        "TCP_KEEPINTVL": 1,
        "TCP_KEEPCNT": 3,
        "TCP_USER_TIMEOUT": 3000,
    }


@pytest.mark.parametrize(("serving", "limit"), [(True, "9s"), (False, "0")])
def test_a_statement_may_run_three_connect_timeouts_when_serving_and_unbounded_in_the_cli(
    settings: Settings, is_sqlite: bool, serving: bool, limit: str
) -> None:
    if is_sqlite:
        pytest.skip("PostgreSQL's statement_timeout")
    engine = create_db_engine(
        settings.model_copy(update={"db_connect_timeout_seconds": 3}), serving=serving
    )
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == limit
    finally:
        engine.dispose()


@pytest.mark.parametrize("serving", [True, False])
def test_postgres_transactions_read_committed_whatever_the_servers_default(
    settings: Settings, is_sqlite: bool, serving: bool
) -> None:
    """A group of assessments reads history and inserts in one transaction: under a
    stricter default (here SERIALIZABLE, set for the connection as a server or role default
    would be) concurrent groups would fail each other, so the engine sets its own level."""
    if is_sqlite:
        pytest.skip("PostgreSQL's isolation levels")
    url = make_url(settings.database_url).update_query_dict(
        {"options": "-c default_transaction_isolation=serializable"}
    )
    engine = create_db_engine(
        settings.model_copy(update={"database_url": url.render_as_string(hide_password=False)}),
        serving=serving,
    )
    try:
        with engine.connect() as connection:
            show = connection.exec_driver_sql
            assert show("SHOW default_transaction_isolation").scalar() == "serializable"
            assert show("SHOW transaction_isolation").scalar() == "read committed"
    finally:
        engine.dispose()


def test_the_answer_deadline_finds_what_psycopg_raises_on_a_timeout() -> None:
    # Checked on every run, SQLite's too: the private name it relies on must exist in the
    # psycopg the lock files pin, or PostgreSQL errors would become 500s.
    import psycopg

    _answering_connection_class.cache_clear()
    assert issubclass(_answering_connection_class(), psycopg.Connection)


def test_a_psycopg_without_its_timeout_error_stops_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import psycopg

    monkeypatch.delattr(psycopg.errors, "_WaitTimeout")
    _answering_connection_class.cache_clear()
    try:
        settings = load_settings(database_url="postgresql://postgres@127.0.0.1:1/none")
        with pytest.raises(RuntimeError, match=r"has no errors\._WaitTimeout"):
            create_db_engine(settings)
    finally:
        _answering_connection_class.cache_clear()


def test_retrying_runs_work_again_when_postgresql_ended_it_and_nothing_else() -> None:
    rollbacks: list[int] = []
    session = SimpleNamespace(rollback=lambda: rollbacks.append(1))
    tries: list[int] = []

    def deadlocked_once() -> str:
        tries.append(1)
        if len(tries) == 1:
            raise database_error("40P01")
        return "saved"

    assert retrying(session, deadlocked_once) == "saved"  # type: ignore[arg-type]
    assert (len(tries), len(rollbacks)) == (2, 1)

    def always_deadlocked() -> str:
        raise database_error("40P01")

    with pytest.raises(OperationalError):
        retrying(session, always_deadlocked)  # type: ignore[arg-type]
    assert len(rollbacks) == 1 + ATTEMPTS - 1

    def broken() -> str:
        tries.append(1)
        raise database_error("23505")  # not a conflict that ends a transaction

    tries.clear()
    with pytest.raises(OperationalError):
        retrying(session, broken)  # type: ignore[arg-type]
    assert len(tries) == 1


# --- BulkInsert ------------------------------------------------------------------------------

_bulk_metadata = MetaData()
_bulk_table = Table(
    "bulk_insert_probe",
    _bulk_metadata,
    Column("id", Uuid, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("label", String(16)),
    Column("flag", Boolean, nullable=False),
    Column("count", Integer, nullable=False),
    Column("doc", JSON, nullable=False),
    Column("blob", LargeBinary, nullable=False),
    Column("parent", Uuid, ForeignKey("bulk_insert_probe.id")),
)
_BULK_COLUMNS = ["id", "at", "label", "flag", "count", "doc", "blob", "parent"]


def _probe_rows() -> list[tuple[object, ...]]:
    at = datetime(2026, 12, 5, 13, 14, 15, 161718, tzinfo=timezone(timedelta(hours=2)))
    return [
        (uuid7(), at, "one", True, 1, JSONText('{"a":[1,2.5,"x"]}'), b"\x00\x01zstd", None),
        (uuid7(), at + timedelta(microseconds=1), None, False, 0, {"b": None}, b"", None),
        (uuid7(), at.replace(microsecond=0), "three", True, -7, [1, "two"], b"\xff" * 40, None),
        (uuid7(), at, "four", False, 5, None, bytearray(b"ba"), None),  # JSON null
    ]


def _stored(connection: Connection) -> list[tuple[object, ...]]:
    """The rows as the database holds them (read without SQLAlchemy's conversions)."""
    return [
        tuple(row)
        for row in connection.exec_driver_sql(
            "SELECT id, at, label, flag, count, doc, blob, parent FROM bulk_insert_probe "
            "ORDER BY count"
        )
    ]


@pytest.fixture
def probe(connection: Connection) -> Connection:
    _bulk_metadata.create_all(connection)  # undone with the test's transaction
    return connection


def test_bulk_insert_stores_what_sqlalchemys_executemany_stores(probe: Connection) -> None:
    rows = _probe_rows()
    probe.execute(insert(_bulk_table), [dict(zip(_BULK_COLUMNS, row, strict=True)) for row in rows])
    by_sqlalchemy = _stored(probe)
    probe.execute(delete(_bulk_table))
    BulkInsert(_bulk_table, _BULK_COLUMNS).execute(probe, rows)
    assert _stored(probe) == by_sqlalchemy
    # And read back through SQLAlchemy's types, they are the values given.
    read = probe.execute(select(_bulk_table).order_by(_bulk_table.c.count.desc())).all()  # type: ignore[call-overload]
    by_count = sorted(rows, key=lambda row: -int(str(row[4])))
    assert [row.id for row in read] == [row[0] for row in by_count]
    assert [row.at for row in read] == [row[1] for row in by_count]
    assert all(value.tzinfo is UTC for value in (row.at for row in read))
    assert [row.doc for row in read] == [None, {"a": [1, 2.5, "x"]}, {"b": None}, [1, "two"]]
    assert [bytes(row.blob) for row in read] == [bytes(row[6]) for row in by_count]  # type: ignore[call-overload]


def test_bulk_insert_raises_a_refused_value_as_sqlalchemy_does(probe: Connection) -> None:
    (first, *_) = _probe_rows()
    naive = (first[0], datetime(2026, 12, 5, 12, 0), *first[2:])  # no time zone
    with pytest.raises(StatementError, match="naive datetime") as caught:
        BulkInsert(_bulk_table, _BULK_COLUMNS).execute(probe, [first, naive])
    assert isinstance(caught.value.orig, ValueError)
    assert caught.value.statement is not None
    assert caught.value.statement.startswith("INSERT INTO bulk_insert_probe")
    # What SQLAlchemy's own insert raises for it, word for word.
    with pytest.raises(StatementError) as by_sqlalchemy:
        probe.execute(insert(_bulk_table), [dict(zip(_BULK_COLUMNS, naive, strict=True))])
    assert str(caught.value) == str(by_sqlalchemy.value)
    assert _stored(probe) == []  # neither inserted anything


def test_bulk_insert_converts_with_each_engines_own_converters(tmp_path: Path) -> None:
    # Two engines of one kind of database, one writing JSON its own way: each insert uses
    # its engine's serializer (what is prepared is kept by dialect object, not by name).
    plain = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    spaced = create_engine(
        f"sqlite:///{tmp_path / 'spaced.db'}",
        json_serializer=lambda value: json.dumps(value, indent=1),
    )
    bulk = BulkInsert(_bulk_table, _BULK_COLUMNS)
    written = {}
    for name, engine in (("plain", plain), ("spaced", spaced)):
        with engine.begin() as connection:
            _bulk_metadata.create_all(connection)
            bulk.execute(connection, [_probe_rows()[2]])
            written[name] = connection.exec_driver_sql("SELECT doc FROM bulk_insert_probe").scalar()
        engine.dispose()
    assert written == {"plain": '[1, "two"]', "spaced": '[\n 1,\n "two"\n]'}


def test_bulk_insert_of_no_rows_sends_nothing(probe: Connection) -> None:
    sent: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        sent.append(statement)

    event.listen(probe, "before_cursor_execute", record)
    try:
        BulkInsert(_bulk_table, _BULK_COLUMNS).execute(probe, [])
    finally:
        event.remove(probe, "before_cursor_execute", record)
    assert sent == []


def test_bulk_insert_refuses_a_row_of_the_wrong_width(probe: Connection) -> None:
    with pytest.raises(ValueError, match="a row of 7 values for 8 columns"):
        BulkInsert(_bulk_table, _BULK_COLUMNS).execute(probe, [_probe_rows()[0][:-1]])


def test_bulk_insert_raises_database_errors_as_sqlalchemy_does(probe: Connection) -> None:
    row = (*_probe_rows()[0][:-1], uuid.uuid4())  # a parent that does not exist
    with pytest.raises(IntegrityError):
        BulkInsert(_bulk_table, _BULK_COLUMNS).execute(probe, [row])
