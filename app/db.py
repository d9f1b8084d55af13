"""Database plumbing: the engine, sessions, UTC datetimes, and Alembic helpers."""

from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import threading
import time
import uuid
import weakref
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    Connection,
    DateTime,
    Dialect,
    Engine,
    Table,
    create_engine,
    event,
    insert,
    make_url,
    text,
)
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, SQLModel
from sqlmodel.sql.expression import SelectOfScalar

from app.config import Settings, normalise_database_url

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def utcnow() -> datetime:
    return datetime.now(UTC)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def uuid7(at: datetime | None = None) -> uuid.UUID:
    """A time-ordered UUID, version 7 of RFC 9562: 48 bits of Unix time in milliseconds
    (`at`'s, or now), then 74 random bits (Python's own `uuid.uuid7` arrives in 3.14).

    As a primary key, ids made one after another sort one after another, so a new row's
    index entry goes at the end of the index, in pages that are already in memory and
    already being written, instead of in a random page of an index that grows with the
    table (as a random version 4 UUID's does); on SQLite, a 500-item batch into a table
    of 100,000 answers spends about half as long committing. Still unguessable (74
    random bits); what it tells, its creation time to the millisecond, every stored
    answer already says in `created_at`.
    """
    return uuid7_run(at or utcnow(), 1)[0]


def uuid7_run(start: datetime, count: int) -> list[uuid.UUID]:
    """`count` version 7 UUIDs (see uuid7) for the times `start`, `start` + 1 us, and so on,
    from one read of the system's randomness rather than one each."""
    first = (start - _EPOCH) // _MICROSECOND
    if first < 0:
        raise ValueError(f"a version 7 UUID cannot hold a time before 1970: {start}")
    noise = os.urandom(10 * count)  # 80 bits an id, of which 74 are used
    ids: list[uuid.UUID] = []
    for index in range(count):
        bits = int.from_bytes(noise[10 * index : 10 * index + 10])
        milliseconds = (first + index) // 1000
        ids.append(
            uuid.UUID(
                int=((milliseconds & 0xFFFF_FFFF_FFFF) << 80)
                | (0x7 << 76)  # the version
                | (((bits >> 62) & 0xFFF) << 64)  # rand_a, 12 bits
                | (0b10 << 62)  # the RFC's variant
                | (bits & ((1 << 62) - 1))  # rand_b, 62 bits
            )
        )
    return ids


def _in_utc(value: datetime) -> datetime:
    """An aware datetime in UTC; a naive one is refused (ValueError)."""
    if value.tzinfo is UTC:
        return value
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("naive datetime given to a UTCDateTime column")
    return value.astimezone(UTC)


def _sqlite_utc_text(value: datetime | None) -> str | None:
    """A UTCDateTime as SQLite stores it: naive UTC, "YYYY-MM-DD HH:MM:SS.ffffff", as
    SQLAlchemy's DATETIME writes it (held to it by a test). From isoformat, cut before its
    "+00:00": the same digits without a naive copy of the value."""
    if value is None:
        return None
    return _in_utc(value).isoformat(" ", "microseconds")[:26]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every database.

    PostgreSQL stores `timestamptz`. SQLite has no time zones, so values are stored as naive
    UTC text (which also sorts correctly) and made aware again when read. Naive datetimes are
    refused on the way in: a time without a zone is a bug waiting to happen.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = _in_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        """On SQLite, `_sqlite_utc_text`: the text that process_bind_param and SQLite's
        DATETIME type write between them, in a quarter of their time (an answer's created_at
        is on the hottest write, a 500-item batch's insert). Elsewhere, TypeDecorator's."""
        if dialect.name == "sqlite":
            return _sqlite_utc_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
    # Take transaction control away from the sqlite3 module so that SQLAlchemy's BEGIN and
    # SAVEPOINT work as documented (the module's implicit BEGIN breaks savepoints).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA busy_timeout = 10000")
    finally:
        cursor.close()


# An execution option: a transaction begun on a connection that has it is a write
# transaction. On SQLite it takes the write lock when it begins (BEGIN IMMEDIATE): a SQLite
# transaction that reads and then writes fails at once ("database is locked",
# SQLITE_BUSY_SNAPSHOT) if another writer committed in between, while one that holds the
# lock from its start cannot meet that, and waits its turn at BEGIN instead (busy_timeout).
# Other databases ignore it. Set for a whole session by session_factory(writes=True), or
# for one transaction by `session.connection(execution_options={WRITE_TRANSACTION: True})`
# before anything else in it.
WRITE_TRANSACTION = "backpain_write_transaction"


def _sqlite_durable_commits(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
    # A command's commit (a new API key, a purge) syncs the log before the command says it
    # is done. The server's commits reach the disk with its checkpointer's next checkpoint
    # (synchronous=NORMAL, see WalCheckpointer), which a commit of another process does not
    # wake: a quiet server could leave a command's commit unsynced until the system wrote
    # it back. A command commits a few times; the wait costs it nothing worth keeping.
    dbapi_connection.execute("PRAGMA synchronous = FULL")


def _sqlite_on_begin(connection: Connection) -> None:
    writes = connection.get_execution_options().get(WRITE_TRANSACTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


@lru_cache(maxsize=1)
def sqlite_has_json_each() -> bool:
    """Whether the SQLite library that Python's sqlite3 links has the JSON functions
    (`json_each`): built in since SQLite 3.38, and in most builds since 3.9, but a build
    may leave them out. Asked once, of an in-memory database."""
    with closing(sqlite3.connect(":memory:")) as connection:
        try:
            connection.execute("SELECT count(*) FROM json_each('[1]')").fetchone()
        except sqlite3.OperationalError:
            return False
    return True


class JSONText(str):
    """A value for a JSON column that is already JSON text (e.g. from pydantic, which writes
    JSON several times faster than the json module): stored as it is, not encoded again."""

    __slots__ = ()


def _json_strict(value: Any) -> str:
    if isinstance(value, JSONText):
        return str(value)
    # NaN and Infinity are not JSON: PostgreSQL refuses them, SQLite would store them.
    return json.dumps(value, allow_nan=False)


_Answer = TypeVar("_Answer")
# psycopg's own step between checks for Ctrl-C while it waits.
_WAIT_INTERVAL_SECONDS = 0.1


class CommitOutcomeUnknown(Exception):  # noqa: N818 (a marker, mixed into a driver error)
    """A COMMIT was sent, its answer never came, and the database could not be asked in
    time whether it was carried out: the change may or may not have been saved."""


@lru_cache(maxsize=1)
def _answering_connection_class() -> Any:
    """The psycopg connection class of serving engines (made on first use, so that psycopg
    is imported only where PostgreSQL is used)."""
    import psycopg
    from psycopg import pq
    from psycopg.abc import PQGen

    # What psycopg's wait() raises when its timeout passes. Private, so looked up here, at
    # start-up: a psycopg release without it stops the service with this message (and the
    # suite, on either database) instead of turning every database error into a 500.
    found = getattr(psycopg.errors, "_WaitTimeout", None)
    if not (isinstance(found, type) and issubclass(found, Exception)):
        raise RuntimeError(
            f"psycopg {psycopg.__version__} has no errors._WaitTimeout, which app.db's "
            "deadline on database answers needs: pin the version in the lock files"
        )
    wait_timeout: type[Exception] = found

    class CommitOutcomeUnknownError(psycopg.OperationalError, CommitOutcomeUnknown):
        pass

    class AnsweringConnection(psycopg.Connection[Any]):
        """A psycopg connection that waits at most `answer_timeout` seconds for each answer,
        and settles a COMMIT whose answer never came.

        TCP keepalives and tcp_user_timeout find a peer that is gone, but not one whose TCP
        stack still acknowledges while nothing answers (a frozen proxy or server, a half-dead
        middlebox): libpq would wait for ever, holding the request and its pooled connection.
        Past the deadline the connection is closed, so SQLAlchemy sees a disconnect, drops the
        pooled connection and the request is answered 503.
        """

        answer_timeout: float | None = None
        # The arguments it was opened with: how to reach the database again (see _settle).
        opened_with: tuple[tuple[Any, ...], dict[str, Any]] = ((), {})

        def wait(
            self,
            gen: PQGen[_Answer],
            interval: float = _WAIT_INTERVAL_SECONDS,
            timeout: float | None = None,
        ) -> _Answer:
            if timeout is not None or self.answer_timeout is None:  # the caller's own deadline
                return super().wait(gen, interval, timeout)
            try:
                return super().wait(gen, interval, self.answer_timeout)
            except wait_timeout:
                self.pgconn.finish()  # what was sent may still arrive: the connection is unusable
                raise psycopg.OperationalError(
                    f"the database did not answer within {self.answer_timeout:g} s; "
                    "connection closed"
                ) from None

        def commit(self) -> None:
            """Commit; if the connection is lost once COMMIT has been sent, ask the database
            whether it committed before saying it did not.

            Lost then, the COMMIT may have been carried out with only its answer lost: telling
            the caller "not saved" would be a lie that a retry turns into a duplicate. So the
            transaction's id is read first (one round trip, only for a transaction that wrote),
            and a COMMIT without an answer is settled: it returns if the database says the
            transaction committed, and raises if it was rolled back or cannot be asked.
            """
            if self.pgconn.transaction_status != pq.TransactionStatus.INTRANS:
                super().commit()
                return
            row = self.execute("SELECT pg_current_xact_id_if_assigned()::text").fetchone()
            if row is None or row[0] is None:  # nothing written: nothing to lose
                super().commit()
                return
            xid, pid = int(row[0]), self.info.backend_pid
            try:
                super().commit()
            except psycopg.OperationalError as error:
                if not self.closed:  # the database answered: it refused the commit
                    raise
                outcome = self._settle(xid, pid)
                if outcome == "committed":
                    log.warning("a COMMIT's answer was lost; the database says it committed")
                    return
                if outcome is None:
                    raise CommitOutcomeUnknownError(
                        "COMMIT got no answer, and the database could not be asked whether "
                        "it committed"
                    ) from error
                raise

        def _settle(self, xid: int, pid: int) -> str | None:
            """'committed' or 'aborted': what became of transaction `xid`, asked on new
            connections until the answer timeout; None if the database could not be asked.

            A transaction still in progress is one whose COMMIT has not arrived (yet) and
            whose server process has not noticed that its client is gone: that process is
            stopped (only if it still runs that transaction), so that the answer is final.
            """
            cargs, cparams = self.opened_with
            deadline = time.monotonic() + (self.answer_timeout or 0)
            while time.monotonic() < deadline:
                try:
                    with type(self).connect(*cargs, **cparams, autocommit=True) as probe:
                        probe.answer_timeout = self.answer_timeout
                        status = probe.execute(
                            "SELECT pg_xact_status(%s::text::xid8)", [str(xid)]
                        ).fetchone()
                        if status is not None and status[0] in ("committed", "aborted"):
                            return str(status[0])
                        probe.execute(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE pid = %s AND backend_xid::text = %s",
                            [pid, str(xid % 2**32)],  # backend_xid: the id's low 32 bits
                        )
                except psycopg.OperationalError:
                    pass  # not reachable yet; try again until the deadline
                time.sleep(_WAIT_INTERVAL_SECONDS)
            return None

    return AnsweringConnection


@dataclass(frozen=True)
class PostgresLimits:
    connect_args: dict[str, Any]  # for libpq
    answer_timeout: int | None  # see _answering_connection_class; None: wait as long as it takes


def postgres_limits(settings: Settings, *, serving: bool) -> PostgresLimits:
    """Limits that bound every wait on PostgreSQL, all from one setting,
    DB_CONNECT_TIMEOUT_SECONDS (C):

    - connect_timeout C: to open a connection;
    - tcp_user_timeout C: for sent bytes to be acknowledged, so that a network dropping
      packets breaks the connection instead of retransmitting for a quarter of an hour;
    - keepalives after C idle, 3 probes ceil(C/3) apart: an idle pooled connection whose
      peer vanished is found dead in about 2C;
    and, for an engine that serves requests (not the CLI's, whose migrations, purges and
    prestart lock may rightly take long):
    - statement_timeout 3C: the server cancels a statement that runs longer;
    - `answer_timeout` 4C: a connection whose answer has not fully come within that long
      (psycopg's deadline on each wait: the statement timeout plus C for its cancellation
      to come back) is closed.
    """
    seconds = settings.db_connect_timeout_seconds
    args: dict[str, Any] = {
        "connect_timeout": seconds,
        "tcp_user_timeout": seconds * 1000,
        "keepalives": 1,
        "keepalives_idle": seconds,
        "keepalives_interval": math.ceil(seconds / 3),
        "keepalives_count": 3,
    }
    if not serving:
        return PostgresLimits(connect_args=args, answer_timeout=None)
    statement = f"-c statement_timeout={3 * seconds * 1000}"
    given = settings.url.query.get("options")
    args["options"] = f"{given} {statement}" if isinstance(given, str) else statement
    return PostgresLimits(connect_args=args, answer_timeout=4 * seconds)


def _answering_connect(answer_timeout: float) -> Any:
    connection_class = _answering_connection_class()  # now, at start-up: see wait_timeout

    def connect(
        dialect: Dialect, record: ConnectionPoolEntry, cargs: Any, cparams: dict[str, Any]
    ) -> Any:
        connection = connection_class.connect(*cargs, **cparams)
        connection.answer_timeout = answer_timeout
        connection.opened_with = (tuple(cargs), dict(cparams))
        return connection

    return connect


def create_db_engine(settings: Settings, *, serving: bool = True, **kwargs: Any) -> Engine:
    """The engine for `settings.database_url`; makes the SQLite file's folder on demand.

    `serving=False` (the CLI) lifts the PostgreSQL limits on how long a statement may run
    (see postgres_limits), and on SQLite has each commit wait for the disk (see
    _sqlite_durable_commits)."""
    url = settings.url
    if settings.is_sqlite:
        database = url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            hide_parameters=True,
            json_serializer=_json_strict,
            **kwargs,
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        if not serving:
            event.listen(engine, "connect", _sqlite_durable_commits)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    limits = postgres_limits(settings, serving=serving)
    engine = create_engine(
        url,
        # Bound values are health data: never in an exception's text, so never in a log.
        hide_parameters=True,
        json_serializer=_json_strict,
        # What the service is written for, whatever the server's or role's default: a group
        # of assessments reads history and inserts in one transaction, which under
        # SERIALIZABLE fails when another group writes the same runner's history at once.
        isolation_level="READ COMMITTED",
        # A pooled connection is tried before use: one the database dropped is replaced.
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_connect_timeout_seconds,
        connect_args=limits.connect_args,
        **kwargs,
    )
    if limits.answer_timeout is not None:
        event.listen(engine, "do_connect", _answering_connect(limits.answer_timeout))
    return engine


# --- SQLite's writer connection ---------------------------------------------------------------

# The page cache of the SQLite connection that stores assessments (see sqlite_writer), in
# KiB; other connections keep SQLite's default (2 MiB).
SQLITE_WRITER_CACHE_KIB = 16 * 1024
# A file database's serving engine -> the engine of its one writer connection.
_sqlite_writers: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def add_sqlite_writer(engine: Engine, settings: Settings) -> Engine | None:
    """Give a SQLite file database's serving engine a writer: an engine of one connection,
    with a bigger page cache, through which assessment groups store their answers
    (app.services.assessments). None for any other database (nothing is added).

    SQLite lets one writer in at a time, so one connection loses nothing, and it keeps what
    a page cache is for. A connection empties its cache whenever it finds that another
    connection has written to the database since its last transaction; with writes spread
    over the pool's connections, each group of answers found its cache empty and read
    again, from the file, the pages of the history index it was about to change (a random
    one for each runner), and the pages it changed (more than a 2 MiB cache holds, for a
    500-item batch) were spilled to the log and read back before the commit. About 4,200
    reads of the file a stored 500-item batch, against 1,100 with one writer.

    Memory: SQLITE_WRITER_CACHE_KIB, for this connection only (a reader's cache empties
    with every commit anyway, so a bigger one would only hold more for nothing)."""
    url = engine.url
    in_memory = url.database in (None, "", ":memory:") or url.query.get("mode") == "memory"
    if not settings.is_sqlite or in_memory:
        return None
    if settings.url != url:
        raise ValueError("the settings name another database than the engine's")
    writer = create_db_engine(settings, pool_size=1, max_overflow=0)
    event.listen(writer, "connect", _writer_cache)
    _sqlite_writers[engine] = writer
    return writer


def _writer_cache(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
    dbapi_connection.execute(f"PRAGMA cache_size = -{SQLITE_WRITER_CACHE_KIB}")


def sqlite_writer(bind: Engine | Connection) -> Engine | None:
    """The writer `add_sqlite_writer` gave this engine; None if none (another database, a
    session bound to a connection rather than to the serving engine, as in tests)."""
    return _sqlite_writers.get(bind) if isinstance(bind, Engine) else None


# --- Many rows at once -----------------------------------------------------------------------


class BulkInsert:
    """An INSERT of many rows into some of a table's columns, for the hottest writes (a
    500-item batch): each value is converted as SQLAlchemy converts it (the column type's
    bind processor for the connection's dialect, made once per dialect), and the rows go
    to the driver's executemany as they are. Through SQLAlchemy's compiled executemany,
    every row is first made into a parameter dictionary and checked against the
    statement, which cost more than SQLite's own work of inserting it (about a third of
    the insert of a batch). The same statement, the same values and the same driver call;
    a database error is raised as SQLAlchemy raises it, and so is a value that its
    column's converter refuses, such as a naive datetime (a StatementError around the
    converter's error, which shows the row only where the engine shows parameters).
    """

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        # By dialect object: two engines of one database may differ in paramstyle (driver)
        # and in their converters (a JSON serializer is an engine's own).
        self._by_dialect: weakref.WeakKeyDictionary[Dialect, _PreparedInsert] = (
            weakref.WeakKeyDictionary()
        )

    def _prepared(self, dialect: Dialect) -> _PreparedInsert:
        prepared = self._by_dialect.get(dialect)
        if prepared is None:
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(self.columns))
            names = compiled.positiontup if compiled.positional else list(compiled.binds)
            if list(names or ()) != list(self.columns):
                raise ValueError(f"{self.table.name}: the statement binds {names}")
            processors = (
                self.table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
                for name in self.columns
            )
            prepared = self._by_dialect[dialect] = _PreparedInsert(
                sql=compiled.string,
                positional=compiled.positional,
                processors=tuple(
                    (index, process)
                    for index, process in enumerate(processors)
                    if process is not None
                ),
            )
        return prepared

    def execute(self, connection: Connection, rows: Iterable[Sequence[Any]]) -> None:
        """Insert `rows`, each a sequence of values in the order of `columns`."""
        prepared = self._prepared(connection.dialect)
        width = len(self.columns)
        converted: list[tuple[Any, ...]] = []
        for row in rows:
            if len(row) != width:
                raise ValueError(f"a row of {len(row)} values for {width} columns")
            values = list(row)
            try:
                for index, process in prepared.processors:
                    values[index] = process(values[index])
            except Exception as error:
                raise StatementError(
                    f"({type(error).__module__}.{type(error).__name__}) {error}",
                    prepared.sql,
                    row,
                    error,
                    hide_parameters=connection.engine.hide_parameters,
                ) from error
            converted.append(tuple(values))
        if not converted:
            return
        if prepared.positional:
            connection.exec_driver_sql(prepared.sql, converted)
        else:
            named = [dict(zip(self.columns, values, strict=True)) for values in converted]
            connection.exec_driver_sql(prepared.sql, named)


@dataclass(frozen=True)
class _PreparedInsert:
    sql: str
    positional: bool  # the driver takes a tuple per row, else a dict by column name
    processors: tuple[tuple[int, Callable[[Any], Any]], ...]  # (column's index, converter)


# --- SQLite's write-ahead log, checkpointed off the request path --------------------------

# How long after a commit the checkpointer copies the log into the database file: commits
# gather meanwhile, and each page they wrote is copied once however often it was written.
# Also how long a committed transaction may stay in the log only: with synchronous=NORMAL
# the log is synced to disk by a checkpoint, so this bounds what a power cut (not a crash
# of the service, which loses nothing) may take back.
CHECKPOINT_INTERVAL_SECONDS = 1.0
# Pages the log may reach before a committing connection checkpoints it itself, as SQLite
# does by default at 1,000: only if the checkpointer falls that far behind (64 MiB at 4 KiB
# pages), so that the log never grows without end.
CHECKPOINT_BACKSTOP_PAGES = 16_384
# The longest wait between tries of a checkpoint that keeps failing or being held back.
CHECKPOINT_RETRY_MAX_SECONDS = 60.0


class WalCheckpointer:
    """Copies SQLite's write-ahead log into the database file on a thread of its own.

    By default SQLite does this inside a commit, whenever the log has passed 1,000 pages:
    that commit copies every page of the log into the database file and waits for two
    fsyncs, and its caller (in this service, with every writer queued behind it) waits
    too. Once the table is large, a 500-item batch writes some 700 pages (most of them
    pages of the history index, a random one for each runner), so every other batch paid
    for a checkpoint, about a fifth of its time. Here a commit only wakes this thread,
    which checkpoints CHECKPOINT_INTERVAL_SECONDS later: a page written by several commits
    meanwhile is copied once, and requests go on while it copies and syncs (the sqlite3
    module lets go of the GIL while SQLite works). PASSIVE: it never waits for, nor holds
    up, a reader or a writer. A connection checkpoints for itself only past
    CHECKPOINT_BACKSTOP_PAGES, should this thread ever fall that far behind.

    It also bounds how long a commit of this engine stays only in the log, which matters
    with synchronous=NORMAL: about CHECKPOINT_INTERVAL_SECONDS and the checkpoint's own
    time, where before a quiet service (a few pages a commit) could go hours until its log
    reached 1,000 pages. What can hold a checkpoint back is tried again an interval later
    until it is done: a reader still reading from before the commit (a PASSIVE checkpoint
    copies only what no reader needs), or an error (then at growing intervals, up to
    CHECKPOINT_RETRY_MAX_SECONDS). A commit wakes the thread twice: when it begins
    (SQLAlchemy's "commit" event comes before the COMMIT) and when its connection goes
    back to the pool, after the COMMIT, so a commit that ends after a checkpoint began is
    never left out.

    One per serving process (made before the engine's first connection; `start` and
    `stop` with the app). SQLite only: PostgreSQL checkpoints on its own."""

    def __init__(self, engine: Engine, *, interval: float = CHECKPOINT_INTERVAL_SECONDS) -> None:
        self.engine = engine
        self.interval = interval
        self.checkpoints = 0  # complete ones
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.watch(engine)

    def watch(self, engine: Engine) -> None:
        """Be woken by this engine's commits too (another engine of the same database, such
        as its writer: see add_sqlite_writer); before its first connection."""
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "commit", self._on_commit)
        event.listen(engine, "checkin", self._on_checkin)

    @staticmethod
    def _on_connect(dbapi_connection: sqlite3.Connection, _: ConnectionPoolEntry) -> None:
        dbapi_connection.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_BACKSTOP_PAGES}")

    def _on_commit(self, connection: Connection) -> None:
        connection.info[_COMMITTED] = True
        self._wake.set()

    def _on_checkin(self, _: object, record: ConnectionPoolEntry) -> None:
        if record.info.pop(_COMMITTED, False):
            self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the checkpointer is already running")
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="wal-checkpointer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread, after a last checkpoint of whatever was committed."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        delay = self.interval
        while True:
            self._wake.wait()
            # Cleared before the wait below: a commit from now on wakes it again.
            self._wake.clear()
            self._stopping.wait(delay)  # commits gather (cut short by stop)
            outcome = self.checkpoint()
            if self._stopping.is_set():
                return
            if outcome is not Checkpoint.done:
                self._wake.set()  # tried again
            # An interval later; after failures, later and later.
            failed = outcome is Checkpoint.failed
            delay = min(delay * 2, CHECKPOINT_RETRY_MAX_SECONDS) if failed else self.interval

    def checkpoint(self) -> Checkpoint:
        """One PASSIVE checkpoint, on a connection of its own (not inside a transaction,
        where SQLite would not checkpoint past the transaction's snapshot): whether the
        whole log is now in the database file, a reader held some of it back, or it
        failed (logged)."""
        try:
            raw = self.engine.raw_connection()
            try:
                cursor = raw.cursor()
                cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                row = cursor.fetchone()
                cursor.close()
            finally:
                raw.close()
        except Exception:
            log.exception("SQLite checkpoint failed")
            return Checkpoint.failed
        # (busy, pages in the log, pages copied); -1 and -1 when not in WAL mode: nothing to do
        busy, pages, copied = row if row is not None else (1, 0, 0)
        if busy or copied < pages:
            return Checkpoint.held_back
        self.checkpoints += 1
        return Checkpoint.done


class Checkpoint(Enum):
    done = "done"
    held_back = "held_back"
    failed = "failed"


# Connection.info / pool record key: the connection committed since it left the pool.
_COMMITTED = "backpain_committed"


@contextmanager
def exclusive(engine: Engine, name: str) -> Iterator[None]:
    """One process at a time, across every instance, on PostgreSQL (an advisory lock held
    on a connection of its own): replicas starting together migrate and seed in turn.
    SQLite is one file on one host, and locks itself."""
    if engine.dialect.name != "postgresql":
        yield
        return
    key = zlib.crc32(name.encode())
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})
            connection.commit()


Select = TypeVar("Select", bound=SelectOfScalar[Any])


def for_change(statement: Select) -> Select:
    """`statement`, locking the rows it reads until the transaction ends, as a change to
    them would: on PostgreSQL, FOR NO KEY UPDATE (the lock an UPDATE takes; it does not
    hold up the foreign-key checks of rows that refer to these); SQLite has no row locks
    (a writing session holds the database's write lock, see WRITE_TRANSACTION)."""
    return statement.with_for_update(key_share=True)


# SQLSTATEs with which PostgreSQL ends a transaction so that another can go on: a deadlock
# (say, an exercise edit moves forward the programmes that list it while an edit of one of
# them holds it and waits to link the exercise) and a serialization failure. Nothing of
# the transaction was saved.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
ATTEMPTS = 3
Result = TypeVar("Result")


def retrying(session: Session, work: Callable[[], Result]) -> Result:
    """`work()`, run again from the start (after a rollback) when PostgreSQL ended its
    transaction to let another go on; at most ATTEMPTS times. `work` must read everything
    afresh and end with its commit: nothing after the commit may be run twice."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return work()
        except DBAPIError as error:
            sqlstate = getattr(error.orig, "sqlstate", None)
            if attempt == ATTEMPTS or sqlstate not in RETRYABLE_SQLSTATES:
                raise
            session.rollback()
    raise AssertionError("unreachable")  # the last attempt returns or raises


class SessionFactory(Protocol):
    def __call__(self, *, writes: bool = False) -> Session: ...


def session_factory(engine: Engine) -> SessionFactory:
    """How the service makes sessions on `engine`. `writes=True` for work that may change
    something: each of the session's transactions then begins as a write transaction (on
    SQLite, holding the write lock; see WRITE_TRANSACTION), so that reading first and
    writing after never fails because another writer committed in between."""

    def make(*, writes: bool = False) -> Session:
        options = {WRITE_TRANSACTION: True} if writes else {}
        return Session(engine, expire_on_commit=False, execution_options=options)

    return make


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session for CLI commands and scripts, which may write; the caller commits."""
    with session_factory(engine)(writes=True) as session:
        yield session


# --- Alembic -----------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> AlembicConfig:
    """Alembic configuration pointing at the top-level migrations/ folder.

    With `connection` (not in a transaction), env.py migrates through it (tests, the CLI);
    without, env.py reads DATABASE_URL from the settings.
    """
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_known_revision(revision: str) -> bool:
    """Whether this build's migrations know `revision`; a database that a newer build
    migrated is at one they do not."""
    from alembic.util import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


class MigrationError(Exception):
    """A migration left the database inconsistent; its transaction was rolled back."""


@contextmanager
def migration_transaction(connection: Connection) -> Iterator[None]:
    """The one transaction a migration run happens in (env.py opens it).

    On SQLite, foreign keys are off around it: batch mode rebuilds a table by copying it,
    dropping the original and renaming the copy, and with foreign keys on the drop fires
    the ON DELETE rules of the tables that refer to it (CASCADE empties them, RESTRICT
    refuses). The pragma does nothing inside a transaction, so it is set on the driver's
    connection before BEGIN; `PRAGMA foreign_key_check` then proves, before the commit, that
    every reference still holds (SQLite's own recipe for schema changes).
    """
    if connection.in_transaction():
        raise MigrationError(
            "migrations need a connection outside a transaction "
            "(they begin their own; on SQLite foreign keys cannot be switched off inside one)"
        )
    if connection.dialect.name != "sqlite":
        with connection.begin():
            yield
        return
    driver = connection.connection.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    assert not driver.in_transaction
    driver.execute("PRAGMA foreign_keys = OFF")
    try:
        with connection.begin():
            yield
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                rows = ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in broken[:5])
                raise MigrationError(
                    f"the migration broke {len(broken)} foreign key reference(s) "
                    f"({rows}); nothing was changed"
                )
    finally:
        driver.execute("PRAGMA foreign_keys = ON")


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    # A connection, not a transaction: env.py begins it (see migration_transaction).
    with engine.connect() as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.connect() as connection:
        command.downgrade(alembic_config(connection), revision)


# Constraint names are part of the schema: fixed names keep migrations identical on SQLite
# and PostgreSQL and let batch mode on SQLite find the constraints it has to recreate.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION


# The database every PostgreSQL server has, through which others are created and dropped.
MAINTENANCE_DATABASE = "postgres"


@contextmanager
def throwaway_postgres_database(server: str) -> Iterator[str]:
    """For tests and benchmarks: a new, empty database on the PostgreSQL server that
    `server` (a database URL) names, called after its database with a random suffix, and
    dropped afterwards. Nothing is done inside the database `server` names."""
    url = make_url(normalise_database_url(server))
    name = f"{(url.database or 'backpain')[:40]}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database=MAINTENANCE_DATABASE), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
