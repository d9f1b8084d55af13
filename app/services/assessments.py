"""Running assessments and keeping them: assess (one or a batch), read, list a subject's
history, delete, erase a subject, and purge old ones.

Every query is scoped to the calling client: another client's assessment or subject does
not exist as far as a caller can tell (404, never 403).
"""

from __future__ import annotations

import re
import time
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

from sqlalchemy import bindparam, delete, func, insert
from sqlmodel import Session, col, select

from app.db import utcnow
from app.errors import CONFLICT, NOT_FOUND, VALIDATION, FieldError, ProblemError
from app.metrics import count_assessment
from app.models import AssessmentRecord, Exercise
from app.models.assessments import (
    SUBJECT_ID_PATTERN,
    Assessment,
    AssessmentExplanation,
    AssessmentPage,
    AssessmentRequest,
)
from app.models.clients import Principal
from app.rules.engine import Catalogue, Evaluation, assess
from app.rules.inputs import contract_errors
from app.rules.outputs import AssessmentResult, Explanation
from app.rules.ruleset import Ruleset
from app.services import exercises
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
        now = time.monotonic()
        rows = session.exec(
            select(Exercise).where(col(Exercise.deleted_at).is_(None)).order_by(col(Exercise.slug))
        )
        catalogue = Catalogue(exercises.catalogue_entry(row) for row in rows)
        with self._lock:
            self._catalogue, self._loaded = catalogue, now
        return catalogue

    def clear(self) -> None:
        with self._lock:
            self._catalogue = None


catalogue_cache = _CatalogueCache()


# Built once: /assess runs this on every request with a subject, and building a statement
# costs more than running it.
_EARLIER_PAINFUL = (
    select(AssessmentRecord.subject_id, func.count())
    .where(
        AssessmentRecord.client_id == bindparam("client_id"),
        col(AssessmentRecord.subject_id).in_(bindparam("subject_ids", expanding=True)),
        col(AssessmentRecord.any_pain).is_(True),
        col(AssessmentRecord.created_at) >= bindparam("since"),
    )
    .group_by(col(AssessmentRecord.subject_id))
)
# Core, not ORM, statements: the ORM's bulk machinery costs more than the insert itself.
_INSERT = insert(AssessmentRecord.__table__)  # type: ignore[attr-defined]


# SQLite lets one writer in at a time, and a writer that finds the database locked sleeps
# and retries. Within a process, waiting on a lock instead hands the turn over at once.
_sqlite_writer = Lock()


@contextmanager
def _write_turn(session: Session) -> Iterator[None]:
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    with _sqlite_writer:
        yield


def earlier_painful_assessments(
    session: Session, *, client_id: uuid.UUID, subject_ids: Iterable[str], since: datetime
) -> Counter[str]:
    """For each subject, its stored assessments with pain since `since` (one query)."""
    wanted = list(dict.fromkeys(subject_ids))
    counts: Counter[str] = Counter()
    if wanted:
        rows = session.connection().execute(
            _EARLIER_PAINFUL, {"client_id": client_id, "subject_ids": wanted, "since": since}
        )
        counts.update({subject: int(count) for subject, count in rows})
    return counts


def check_request(request: AssessmentRequest) -> None:
    """The contract's rules beyond types: a 422 naming each field."""
    errors = contract_errors(request)
    if errors:
        raise ProblemError(
            VALIDATION,
            "The request has invalid fields: " + ", ".join(f for f, _ in errors) + ".",
            errors=[FieldError(field=f, detail=d) for f, d in errors],
        )


@dataclass(frozen=True)
class Outcome:
    """One assessment's answer; `assessment` is set when it was stored."""

    evaluation: Evaluation
    assessment: Assessment | None

    @property
    def result(self) -> AssessmentResult:
        return self.evaluation.result

    @property
    def explanation(self) -> Explanation:
        return self.evaluation.explanation


def _row(
    *,
    client: Principal,
    request: AssessmentRequest,
    evaluation: Evaluation,
    earlier: int,
    assessment_id: uuid.UUID,
    now: datetime,
) -> dict[str, object]:
    """The assessment table's row for one answer."""
    return {
        "id": assessment_id,
        "client_id": client.id,
        "subject_id": request.subject_id,
        "created_at": now,
        "ruleset_version": evaluation.result.ruleset_version,
        "severity": evaluation.result.severity.value,
        "triage_level": evaluation.result.triage.level.value,
        "any_pain": evaluation.result.severity.value != "none",
        "earlier_painful_assessments": earlier,
        "request": request.model_dump(mode="json", exclude_unset=True),
        "result": evaluation.result.model_dump(mode="json", exclude={"explanation"}),
    }


def to_assessment(record: AssessmentRecord) -> Assessment:
    return Assessment.model_validate(
        {
            **record.result,
            "id": record.id,
            "created_at": record.created_at,
            "subject_id": record.subject_id,
        }
    )


def _stored(
    result: AssessmentResult, *, assessment_id: uuid.UUID, now: datetime, subject: str | None
) -> Assessment:
    # From the answer in hand, without a round trip through JSON.
    return Assessment.model_construct(
        **dict(result), id=assessment_id, created_at=now, subject_id=subject
    )


def run_batch(
    *,
    session: Session,
    client: Principal,
    requests: Sequence[AssessmentRequest],
    ruleset: Ruleset,
    explain: bool = False,
) -> list[Outcome]:
    """Assess requests in order and store those asking to be stored, in one transaction.

    History for rule 14 counts earlier stored assessments of the subject, including those
    stored earlier in the same batch; never the request itself.
    """
    now = utcnow()
    since = now - timedelta(days=ruleset.threshold("history_window_days"))
    catalogue = catalogue_cache.get(session)
    history = earlier_painful_assessments(
        session,
        client_id=client.id,
        subject_ids=(r.subject_id for r in requests if r.subject_id is not None),
        since=since,
    )
    outcomes: list[Outcome] = []
    rows: list[dict[str, object]] = []
    for request in requests:
        subject = request.subject_id
        earlier = history[subject] if subject is not None else 0
        evaluation = assess(
            request,
            ruleset=ruleset,
            catalogue=catalogue,
            earlier_painful_assessments=earlier,
            explain=explain,
        )
        stored = None
        if request.store:
            assessment_id = uuid.uuid4()
            rows.append(
                _row(
                    client=client,
                    request=request,
                    evaluation=evaluation,
                    earlier=earlier,
                    assessment_id=assessment_id,
                    now=now,
                )
            )
            stored = _stored(
                evaluation.result, assessment_id=assessment_id, now=now, subject=subject
            )
            if subject is not None and evaluation.result.severity.value != "none":
                history[subject] += 1  # a later item in the batch counts this one
        outcomes.append(Outcome(evaluation, stored))
    if rows:
        # End the reading transaction first: on SQLite a transaction that read and then
        # writes fails at once (SQLITE_BUSY_SNAPSHOT) if another writer got in between;
        # one that starts with its write waits its turn instead.
        session.commit()
        with _write_turn(session):
            session.connection().execute(_INSERT, rows)
            session.commit()
    for outcome in outcomes:
        count_assessment(outcome.result.triage.level.value)
    return outcomes


def try_without_database(
    *, request: AssessmentRequest, ruleset: Ruleset, explain: bool
) -> Outcome | None:
    """Assess at once when nothing needs the database (not stored, no subject history to
    read, the catalogue cached); None when it does. Lets /assess skip a thread hop. The
    request has passed `check_request`."""
    catalogue = catalogue_cache.fresh()
    if request.store or request.subject_id is not None or catalogue is None:
        return None
    evaluation = assess(request, ruleset=ruleset, catalogue=catalogue, explain=explain)
    count_assessment(evaluation.result.triage.level.value)
    return Outcome(evaluation, None)


def run_one(
    *,
    session: Session,
    client: Principal,
    request: AssessmentRequest,
    ruleset: Ruleset,
    explain: bool = False,
) -> Outcome:
    """One request (that has passed `check_request`), stored if it asks to be."""
    (outcome,) = run_batch(
        session=session, client=client, requests=[request], ruleset=ruleset, explain=explain
    )
    return outcome


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
    return to_assessment(_own(session, client, assessment_id))


def explain_assessment(
    *, session: Session, client: Principal, assessment_id: uuid.UUID, ruleset: Ruleset
) -> AssessmentExplanation:
    """Every rule, evaluated again on the stored request with the history count it read.

    The engine is deterministic, so this is the evaluation that produced the stored answer,
    as long as the same ruleset version is running; an answer from another version cannot
    be explained by this one (409).
    """
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
        catalogue=catalogue_cache.get(session),
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
        items=[to_assessment(record) for record in page.items], next_cursor=page.next_cursor
    )


def delete_assessment(*, session: Session, client: Principal, assessment_id: uuid.UUID) -> None:
    session.delete(_own(session, client, assessment_id))
    session.commit()


def erase_subject(*, session: Session, client: Principal, subject_id: str) -> int:
    """Delete everything stored for this client's subject; 404 when there is nothing."""
    if not re.fullmatch(SUBJECT_ID_PATTERN, subject_id):
        raise ProblemError(NOT_FOUND, "Nothing is stored for that subject.")
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


def purge(*, session: Session, older_than_days: int, now: datetime | None = None) -> int:
    """Delete every assessment older than the given age (retention); returns how many."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    result = session.execute(
        delete(AssessmentRecord).where(col(AssessmentRecord.created_at) < cutoff)
    )
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
