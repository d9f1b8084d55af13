"""Running assessments and keeping them: assess (one or a batch), read, list a subject's
history, delete, erase a subject, and purge old ones.

Every query is scoped to the calling client: another client's assessment or subject does
not exist as far as a caller can tell (404, never 403).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    Integer,
    String,
    bindparam,
    column,
    delete,
    func,
    text,
)
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from app.db import (
    WRITE_TRANSACTION,
    BulkInsert,
    JSONText,
    sqlite_has_json_each,
    sqlite_writer,
    utcnow,
    uuid7_run,
)
from app.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from app.metrics import count_assessment
from app.models import AssessmentRecord, Exercise
from app.models.assessments import (
    SUBJECT_ID_PATTERN,
    Assessment,
    AssessmentExplanation,
    AssessmentPage,
    AssessmentRequest,
    StoredFields,
    stored_json,
    stored_json_parts,
)
from app.models.clients import Principal
from app.rules.codes import Severity
from app.rules.engine import Catalogue, Evaluation, assess
from app.rules.inputs import contract_errors
from app.rules.outputs import AssessmentResult, Explanation
from app.rules.ruleset import Ruleset
from app.services import exercises, stored_answers
from app.services.paging import Ordering, datetime_key, keyset_page, uuid_key

NEWEST_FIRST = Ordering(
    "assessment:newest",
    [datetime_key(AssessmentRecord.created_at), uuid_key(AssessmentRecord.id)],
    descending=True,
)
# Exercises change rarely and /assess is hot: each worker keeps the catalogue it links from
# for this long. A change made through this worker is seen at once (it clears the cache).
CATALOGUE_MAX_AGE_SECONDS = 1.0


class _CatalogueCache:
    def __init__(self) -> None:
        self._lock = Lock()
        self._catalogue: Catalogue | None = None
        self._loaded = 0.0
        # Counts the clears: a catalogue read before a clear (an exercise change committed
        # while the read was under way) may be stale, and is not kept. (So `get` is the
        # first read of its transaction: on SQLite a transaction reads from the snapshot
        # of its first read, which may be older than the clear.)
        self._generation = 0

    def fresh(self) -> Catalogue | None:
        """The cached catalogue if it is young enough; None when it must be reloaded."""
        catalogue = self._catalogue
        if catalogue is not None and time.monotonic() - self._loaded < CATALOGUE_MAX_AGE_SECONDS:
            return catalogue
        return None

    def get(self, session: Session) -> Catalogue:
        catalogue = self.fresh()
        if catalogue is not None:
            return catalogue
        now, generation = time.monotonic(), self._generation
        rows = session.exec(
            select(Exercise).where(col(Exercise.deleted_at).is_(None)).order_by(col(Exercise.slug))
        )
        catalogue = Catalogue(exercises.catalogue_entry(row) for row in rows)
        with self._lock:
            if generation != self._generation:
                return catalogue  # good for this group, which read it; not kept
            kept = self._catalogue
            # Unchanged since the last load: keep that snapshot, and with it the actions it
            # has already made (a new snapshot starts with none).
            if kept is not None and kept.entries == catalogue.entries:
                catalogue = kept
            self._catalogue, self._loaded = catalogue, now
        return catalogue

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._catalogue = None


catalogue_cache = _CatalogueCache()


# Built once: /assess runs these on every request with a subject, and building a statement
# costs more than running it. For one subject (a group of one: a single call under little
# load) the statement without an expanding IN, whose list SQLAlchemy renders afresh on
# every run.
_PAINFUL_SINCE = (
    AssessmentRecord.client_id == bindparam("client_id"),
    col(AssessmentRecord.any_pain).is_(True),
    col(AssessmentRecord.created_at) >= bindparam("since"),
)


def _painful_counts(subjects: ColumnElement[bool]) -> Select[Any, int]:
    """The client's painful answers since `since`, counted for each subject that
    `subjects` picks."""
    return (
        select(AssessmentRecord.subject_id, func.count())
        .where(*_PAINFUL_SINCE, subjects)
        .group_by(col(AssessmentRecord.subject_id))
    )


_EARLIER_PAINFUL = _painful_counts(
    col(AssessmentRecord.subject_id).in_(bindparam("subject_ids", expanding=True))
)
# On SQLite, the subjects as one JSON array, read back by json_each: the same statement
# whatever their number, where an expanding IN is rendered afresh for each number of
# subjects (and prepared afresh by SQLite), with a parameter each. (A SQLite built without
# its JSON functions takes the expanding IN: see sqlite_has_json_each.)
_EARLIER_PAINFUL_JSON_ARRAY = _painful_counts(
    col(AssessmentRecord.subject_id).in_(
        select(column("value", String)).select_from(
            func.json_each(bindparam("subject_ids", type_=String))
        )
    )
)
_EARLIER_PAINFUL_ONE = _painful_counts(col(AssessmentRecord.subject_id) == bindparam("subject_id"))
# A request's JSON as model_dump_json writes it, without that method's Python wrapper
# (about 1 us of the 5 it takes for a stored answer's request).
_REQUEST_TO_JSON = AssessmentRequest.__pydantic_serializer__.to_json
# Not the ORM's bulk machinery, nor even Core's executemany: each costs more than the insert
# itself (see BulkInsert).
_INSERT = BulkInsert(
    AssessmentRecord.__table__,  # type: ignore[attr-defined]
    [
        "id",
        "client_id",
        "subject_id",
        "created_at",
        "ruleset_version",
        "severity",
        "triage_level",
        "any_pain",
        "earlier_painful_assessments",
        "request",
        "result_zstd",
        "result_dictionary_id",
    ],
)


# An erasure (DELETE /subjects/{id}) and the groups that store answers about the same subject
# are put in order, so that nothing stored survives an erasure that counted what it erased
# (rule 14's history), and nothing stored after it counts it. On SQLite its one write lock
# does this: a group that stores holds it from its first read, an erasure takes it to
# delete. PostgreSQL lets them run at once, so there subjects share SUBJECT_LOCK_BUCKETS
# transaction-level advisory locks (by a hash of client and subject): a group that stores
# takes those of its subjects shared before it reads their history, an erasure takes its
# subject's exclusive before it deletes. An erasure then waits for the groups that read the
# subject's history to commit, and deletes what they stored; a group that stores and starts
# while an erasure is under way waits for it, and counts none of what it erased. Groups do
# not block one another (shared locks), but one may wait behind an erasure that waits for
# another.
#
# Buckets, not a lock per subject: a lock takes a slot of PostgreSQL's lock table, which is
# fixed in size (max_locks_per_transaction, 64 by default, times the connections) and
# shared by every database of the server; a batch of 500 runners holding 500 locks, two
# dozen batches at once would fill it. With 64 buckets a group holds at most 64, and
# erasures, which are rare, wait for a few more groups than they must.
SUBJECT_LOCK_BUCKETS = 64
# The locks' own key space (the first of PostgreSQL's two 32-bit keys), apart from
# app.db.exclusive's one-key locks.
SUBJECT_LOCK_SPACE = 0x62_70_73_75  # "bpsu"


def subject_lock_key(client_id: uuid.UUID, subject_id: str) -> int:
    """The bucket of a (client, subject)'s lock (the second key): 0 to
    SUBJECT_LOCK_BUCKETS - 1, from a hash of both."""
    digest = hashlib.blake2b(client_id.bytes + subject_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest) % SUBJECT_LOCK_BUCKETS


# A group that stores asks whether the database holds its answers' dictionary (see
# stored_answers.is_stored); on PostgreSQL the same statement takes its subjects' locks,
# before the group reads their history: no round trip of its own.
_LOCKED = func.unnest(bindparam("keys", type_=ARRAY(Integer))).table_valued("key").render_derived()
_LOCK_SUBJECTS_AND_FIND_DICTIONARY = select(
    stored_answers.HAS_DICTIONARY.exists(),
    select(func.count(func.pg_advisory_xact_lock_shared(bindparam("space"), _LOCKED.c.key)))
    .select_from(_LOCKED)
    .scalar_subquery(),
)


def _begin_storing(
    connection: Connection, dictionary: stored_answers.Dictionary, jobs: Sequence[Job]
) -> bool:
    """For a group that stores, before it reads history: on PostgreSQL, take the shared
    locks of the subjects it stores answers about (see SUBJECT_LOCK_BUCKETS). Returns whether
    the database holds the answers' dictionary."""
    if connection.dialect.name != "postgresql":
        return stored_answers.is_stored(connection, dictionary)
    keys = sorted(
        {
            subject_lock_key(job.client.id, job.request.subject_id)
            for job in jobs
            if job.request.store and job.request.subject_id is not None
        }
    )
    found = connection.execute(
        _LOCK_SUBJECTS_AND_FIND_DICTIONARY,
        {"id": dictionary.id, "space": SUBJECT_LOCK_SPACE, "keys": keys},
    ).one()
    return bool(found[0])


def _lock_subject_for_erasure(session: Session, client_id: uuid.UUID, subject_id: str) -> None:
    """On PostgreSQL, take the subject's lock exclusive (see SUBJECT_LOCK_BUCKETS): wait for
    the groups storing answers about it to commit, and keep new ones waiting until the
    erasure commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": SUBJECT_LOCK_SPACE, "key": subject_lock_key(client_id, subject_id)},
        )


# SQLite lets one writer in at a time, and a writer that finds the database locked sleeps
# and retries. Within a process, waiting on a lock instead hands the turn over at once.
_sqlite_writer = Lock()


@contextmanager
def _group_transaction(session: Session, *, writes: bool) -> Iterator[Session]:
    """The session, in the one transaction in which a group reads (history, the dictionary
    check) and, if it stores answers, writes them: one commit a group on every database.

    A group that stores begins it as a write transaction (app.db.WRITE_TRANSACTION): on
    SQLite it holds the write lock from its first statement, so that no other writer can
    commit between its reads and its insert (which would fail it at once with
    SQLITE_BUSY_SNAPSHOT); within this process the turn is taken on a lock, which hands it
    over at once where SQLite's busy handler sleeps and retries, and the group runs on a
    session of the engine's writer connection when it has one (app.db.add_sqlite_writer),
    which keeps its page cache from one group to the next. PostgreSQL reads committed
    data (see app.db) and needs neither. A group that only reads begins as any reader.
    """
    if not writes:
        yield session
        return
    if session.in_transaction():  # begun before the group: it would not begin as a write
        session.commit()
    bind = session.get_bind()
    with _sqlite_writer if bind.dialect.name == "sqlite" else nullcontext():
        writer = sqlite_writer(bind)
        # A session of the writer's is closed on the way out: what the group did not
        # commit is rolled back, and the connection is free for the next group.
        with (
            Session(writer, expire_on_commit=False) if writer is not None else nullcontext(session)
        ) as group:
            group.connection(execution_options={WRITE_TRANSACTION: True})
            yield group


def earlier_painful_assessments(
    session: Session, *, client_id: uuid.UUID, subject_ids: Iterable[str], since: datetime
) -> Counter[str]:
    """For each subject, its stored assessments with pain since `since` (one query)."""
    wanted = list(dict.fromkeys(subject_ids))
    counts: Counter[str] = Counter()
    if wanted:
        parameters: dict[str, object] = {"client_id": client_id, "since": since}
        connection = session.connection()
        if len(wanted) == 1:
            statement, parameters["subject_id"] = _EARLIER_PAINFUL_ONE, wanted[0]
        elif connection.dialect.name == "sqlite" and sqlite_has_json_each():
            statement = _EARLIER_PAINFUL_JSON_ARRAY
            parameters["subject_ids"] = json.dumps(wanted)
        else:
            statement, parameters["subject_ids"] = _EARLIER_PAINFUL, wanted
        rows = connection.execute(statement, parameters)
        counts.update({subject: int(count) for subject, count in rows})
    return counts


def contract_field_errors(body: Any) -> list[FieldError]:
    """The contract's rules beyond the schema, for a request body (parsed or raw) or a
    batch item."""
    return [FieldError(field=f, detail=d) for f, d in contract_errors(body)]


def check_request(request: AssessmentRequest) -> None:
    """The contract's rules beyond types: a 422 naming each field."""
    errors = contract_field_errors(request)
    if errors:
        raise ProblemError(
            VALIDATION,
            "The request has invalid fields: " + ", ".join(e.field for e in errors) + ".",
            errors=errors,
        )


@dataclass(frozen=True)
class Job:
    """One assessment to run: who asks, what (it has passed `check_request`), and whether
    the rules' explanation is wanted."""

    client: Principal
    request: AssessmentRequest
    explain: bool = False


@dataclass(frozen=True)
class Outcome:
    """One assessment's answer; `stored` is set when it was stored.

    `result_json` is the answer's JSON (an AssessmentResult, without the explanation),
    written once by the engine: what is stored, and, with the stored fields, the body of
    the reply (`json`, or `json_parts` for a body of many).
    """

    evaluation: Evaluation
    stored: StoredFields | None
    result_json: bytes

    @property
    def json(self) -> bytes:
        """The answer as the caller sees it: an Assessment when stored, else an
        AssessmentResult."""
        if self.stored is None:
            return self.result_json
        return stored_json(self.result_json, self.stored)

    def json_parts(self) -> tuple[bytes | memoryview, ...]:
        """`json` in pieces, to be joined by the caller (see stored_json_parts)."""
        if self.stored is None:
            return (self.result_json,)
        return stored_json_parts(self.result_json, self.stored)

    @property
    def result(self) -> AssessmentResult:
        return self.evaluation.result

    @property
    def explanation(self) -> Explanation:
        return self.evaluation.explanation

    @property
    def assessment(self) -> Assessment | None:
        if self.stored is None:
            return None
        return Assessment.model_construct(**dict(self.result), **dict(self.stored))


def to_assessment(session: Session, record: AssessmentRecord) -> Assessment:
    dictionary = stored_answers.read(session, record.result_dictionary_id)
    return Assessment.model_validate(
        {
            **json.loads(dictionary.decompress(record.result_zstd)),
            "id": record.id,
            "created_at": record.created_at,
            "subject_id": record.subject_id,
        }
    )


def _history(
    session: Session, jobs: Sequence[Job], since: datetime
) -> Counter[tuple[uuid.UUID, str]]:
    """Rule 14's count for every (client, subject) among the jobs: one query a client."""
    subjects: dict[uuid.UUID, list[str]] = {}
    for job in jobs:
        if job.request.subject_id is not None:
            subjects.setdefault(job.client.id, []).append(job.request.subject_id)
    history: Counter[tuple[uuid.UUID, str]] = Counter()
    for client_id, subject_ids in subjects.items():
        counts = earlier_painful_assessments(
            session, client_id=client_id, subject_ids=subject_ids, since=since
        )
        history.update({(client_id, subject): n for subject, n in counts.items()})
    return history


def run_group(
    *, session: Session, jobs: Sequence[Job], ruleset: Ruleset, isolate_failures: bool = True
) -> list[Outcome | Exception]:
    """Assess jobs in order and store those asking to be stored, all in one transaction,
    one insert and one commit (see _group_transaction).

    History for rule 14 counts earlier stored assessments of the subject, including those
    stored earlier in the same group; never the request itself. A job whose evaluation
    fails (a bug) gets its exception in its place and the others go on (with
    `isolate_failures` false it is raised at once, before anything is written); a database
    failure fails them all (raises), and then nothing of the group is stored.
    """
    writes = any(job.request.store for job in jobs)
    with _group_transaction(session, writes=writes) as group_session:
        outcomes = _run_group(
            group_session, jobs, ruleset, writes=writes, isolate_failures=isolate_failures
        )
    levels = Counter(o.evaluation.triage_level for o in outcomes if isinstance(o, Outcome))
    for level, count in levels.items():
        count_assessment(level.value, count)
    return outcomes


def _run_group(
    session: Session,
    jobs: Sequence[Job],
    ruleset: Ruleset,
    *,
    writes: bool,
    isolate_failures: bool,
) -> list[Outcome | Exception]:
    catalogue = catalogue_cache.get(session)
    dictionary = stored_answers.for_ruleset(ruleset)
    has_dictionary = _begin_storing(session.connection(), dictionary, jobs) if writes else True
    # After the locks: a group that waited for an erasure stores answers dated after it.
    now = utcnow()
    since = now - timedelta(days=ruleset.threshold("history_window_days"))
    history = _history(session, jobs, since)
    outcomes: list[Outcome | Exception] = []
    kept: list[tuple[Job, Evaluation, StoredFields, int]] = []  # to store, with history read
    # A microsecond apart, in the group's order: newest first lists a group's answers last
    # first, as history (rule 14) counted them.
    ids = uuid7_run(now, sum(1 for job in jobs if job.request.store))
    for job in jobs:
        request = job.request
        key = (job.client.id, request.subject_id) if request.subject_id is not None else None
        earlier = history[key] if key is not None else 0
        try:
            evaluation = assess(
                request,
                ruleset=ruleset,
                catalogue=catalogue,
                earlier_painful_assessments=earlier,
                explain=job.explain,
            )
            result_json = evaluation.json
        except Exception as error:  # handed to the job's caller, who raises it
            if not isolate_failures:
                raise
            outcomes.append(error)
            continue
        if not request.store:
            outcomes.append(Outcome(evaluation, None, result_json))
            continue
        created_at = now + timedelta(microseconds=len(kept))
        # (pydantic's validating constructor, in Rust, takes less than half the time of
        # model_construct, which runs in Python.)
        stored = StoredFields(
            id=ids[len(kept)], created_at=created_at, subject_id=request.subject_id
        )
        outcomes.append(Outcome(evaluation, stored, result_json))
        kept.append((job, evaluation, stored, earlier))
        if key is not None and evaluation.severity is not Severity.none:
            history[key] += 1  # a later job of the group counts this one
    # The rows after the answers, each kind of work in a run of its own (the requests' JSON,
    # then the compression) rather than turn about with the engine: with its code and
    # tables warm, storing a 500-item batch takes about 8% less time (the fastest of 30 to 40
    # runs, eight times side by side: 93 to 109 us an item against 101 to 114).
    requests = [
        JSONText(_REQUEST_TO_JSON(job.request, exclude_unset=True).decode()) for job, *_ in kept
    ]
    packed = [dictionary.compress_answer(e.json, e.ending) for _, e, *_ in kept]
    rows = [
        (
            stored.id,
            job.client.id,
            stored.subject_id,
            stored.created_at,
            evaluation.ruleset_version,
            evaluation.severity.value,
            evaluation.triage_level.value,
            evaluation.severity is not Severity.none,
            earlier,
            request_json,
            result_zstd,
            dictionary.id,
        )
        for (job, evaluation, stored, earlier), request_json, result_zstd in zip(
            kept, requests, packed, strict=True
        )
    ]
    if rows:
        connection = session.connection()
        if not has_dictionary:
            stored_answers.store(connection, dictionary)
        _INSERT.execute(connection, rows)
        session.commit()
    return outcomes


def run_batch(
    *,
    session: Session,
    client: Principal,
    requests: Sequence[AssessmentRequest],
    ruleset: Ruleset,
) -> list[Outcome]:
    """One client's requests (each passed `check_request`) as one group: all or nothing."""
    jobs = [Job(client, request) for request in requests]
    outcomes = run_group(session=session, jobs=jobs, ruleset=ruleset, isolate_failures=False)
    return [outcome for outcome in outcomes if isinstance(outcome, Outcome)]


def try_without_database(job: Job, *, ruleset: Ruleset) -> Outcome | None:
    """Assess at once when nothing needs the database (not stored, no subject history to
    read, the catalogue cached); None when it does: the caller then queues the job."""
    catalogue = catalogue_cache.fresh()
    if job.request.store or job.request.subject_id is not None or catalogue is None:
        return None
    evaluation = assess(job.request, ruleset=ruleset, catalogue=catalogue, explain=job.explain)
    count_assessment(evaluation.triage_level.value)
    return Outcome(evaluation, None, evaluation.json)


def _own(session: Session, client: Principal, assessment_id: uuid.UUID) -> AssessmentRecord:
    record = session.exec(
        select(AssessmentRecord).where(
            AssessmentRecord.id == assessment_id, AssessmentRecord.client_id == client.id
        )
    ).first()
    if record is None:
        raise ProblemError(NOT_FOUND, f"No assessment with id {assessment_id}.")
    return record


def get_assessment(*, session: Session, client: Principal, assessment_id: uuid.UUID) -> Assessment:
    return to_assessment(session, _own(session, client, assessment_id))


def explain_assessment(
    *, session: Session, client: Principal, assessment_id: uuid.UUID, ruleset: Ruleset
) -> AssessmentExplanation:
    """Every rule, evaluated again on the stored request with the history count it read.

    The engine is deterministic, so this is the evaluation that produced the stored answer,
    as long as the same ruleset version is running; an answer from another version cannot
    be explained by this one (409).
    """
    # The catalogue first: the transaction's first read (see _CatalogueCache.get).
    catalogue = catalogue_cache.get(session)
    record = _own(session, client, assessment_id)
    if record.ruleset_version != ruleset.version:
        raise ProblemError(
            CONFLICT,
            f"This assessment was made under ruleset {record.ruleset_version}; this service "
            f"runs {ruleset.version} and explains only its own answers.",
        )
    evaluation = assess(
        AssessmentRequest.model_validate(record.request),
        ruleset=ruleset,
        catalogue=catalogue,
        earlier_painful_assessments=record.earlier_painful_assessments,
    )
    return AssessmentExplanation(assessment_id=record.id, explanation=evaluation.explanation)


def list_assessments(
    *,
    session: Session,
    client: Principal,
    subject_id: str | None,
    limit: int,
    cursor: str | None,
    secret: str,
) -> AssessmentPage:
    statement = select(AssessmentRecord).where(AssessmentRecord.client_id == client.id)
    if subject_id is not None:
        statement = statement.where(AssessmentRecord.subject_id == subject_id)
    page = keyset_page(
        session, statement, ordering=NEWEST_FIRST, limit=limit, cursor=cursor, secret=secret
    )
    return AssessmentPage(
        items=[to_assessment(session, record) for record in page.items],
        next_cursor=page.next_cursor,
    )


def delete_assessment(*, session: Session, client: Principal, assessment_id: uuid.UUID) -> None:
    session.delete(_own(session, client, assessment_id))
    session.commit()


def erase_subject(*, session: Session, client: Principal, subject_id: str) -> int:
    """Delete everything stored for this client's subject; 404 when there is nothing."""
    if not re.fullmatch(SUBJECT_ID_PATTERN, subject_id):
        raise ProblemError(NOT_FOUND, "Nothing is stored for that subject.")
    _lock_subject_for_erasure(session, client.id, subject_id)
    result = session.execute(
        delete(AssessmentRecord).where(
            col(AssessmentRecord.client_id) == client.id,
            col(AssessmentRecord.subject_id) == subject_id,
        )
    )
    deleted = int(result.rowcount)  # type: ignore[attr-defined]
    if deleted == 0:
        session.rollback()
        raise ProblemError(NOT_FOUND, f"Nothing is stored for subject {subject_id!r}.")
    session.commit()
    return deleted


# Purged so many at a time, each chunk in a transaction of its own: one DELETE of a
# year's answers holds the database (on SQLite, its one write lock) for as long as it
# takes, and storing waits meanwhile, or gives up (900,000 answers took 14 s to delete,
# and a request gives up after 10).
PURGE_CHUNK = 5_000


def purge(
    *,
    session: Session,
    older_than_days: int,
    now: datetime | None = None,
    chunk: int = PURGE_CHUNK,
) -> int:
    """Delete every assessment older than the given age (retention), `chunk` at a time, a
    commit each; returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    doomed = (
        select(AssessmentRecord.id).where(col(AssessmentRecord.created_at) < cutoff).limit(chunk)
    )
    deleted = 0
    while True:
        result = session.execute(
            delete(AssessmentRecord).where(col(AssessmentRecord.id).in_(doomed))
        )
        session.commit()
        count = int(result.rowcount)  # type: ignore[attr-defined]
        deleted += count
        if count == 0:  # (a short chunk is no end: another purge may be deleting too)
            return deleted
