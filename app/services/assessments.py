"""Running assessments and keeping them: assess (one or a batch), read, list a subject's
history, delete, erase a subject, and purge old ones.

Every query is scoped to the calling client: another client's assessment or subject does
not exist as far as a caller can tell (404, never 403).
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.db import utcnow
from app.errors import NOT_FOUND, VALIDATION, FieldError, ProblemError
from app.metrics import count_assessment
from app.models import AssessmentRecord, Exercise
from app.models.assessments import (
    Assessment,
    AssessmentExplanation,
    AssessmentPage,
    AssessmentRequest,
)
from app.models.clients import ApiClient
from app.rules.engine import CatalogueEntry, Evaluation, assess
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
        self._entries: tuple[CatalogueEntry, ...] | None = None
        self._loaded = 0.0

    def get(self, session: Session) -> tuple[CatalogueEntry, ...]:
        now = time.monotonic()
        entries = self._entries
        if entries is not None and now - self._loaded < CATALOGUE_MAX_AGE_SECONDS:
            return entries
        rows = session.exec(
            select(Exercise).where(col(Exercise.deleted_at).is_(None)).order_by(col(Exercise.slug))
        )
        entries = tuple(
            CatalogueEntry(
                slug=row.slug,
                name=row.name,
                category=row.category,
                target_areas=tuple(row.target_areas),
                phases=tuple(row.phases),
                difficulty=row.difficulty,
                href=exercises.href(row.slug),
            )
            for row in rows
        )
        with self._lock:
            self._entries, self._loaded = entries, now
        return entries

    def clear(self) -> None:
        with self._lock:
            self._entries = None


catalogue_cache = _CatalogueCache()


def earlier_painful_assessments(
    session: Session, *, client_id: uuid.UUID, subject_id: str, since: datetime
) -> int:
    count = session.exec(
        select(func.count())
        .select_from(AssessmentRecord)
        .where(
            AssessmentRecord.client_id == client_id,
            AssessmentRecord.subject_id == subject_id,
            col(AssessmentRecord.any_pain).is_(True),
            col(AssessmentRecord.created_at) >= since,
        )
    ).one()
    return int(count)


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

    result: AssessmentResult
    explanation: Explanation
    assessment: Assessment | None


def _record(
    *,
    client: ApiClient,
    request: AssessmentRequest,
    evaluation: Evaluation,
    now: datetime,
) -> AssessmentRecord:
    return AssessmentRecord(
        id=uuid.uuid4(),
        client_id=client.id,
        subject_id=request.subject_id,
        created_at=now,
        ruleset_version=evaluation.result.ruleset_version,
        severity=evaluation.result.severity.value,
        triage_level=evaluation.result.triage.level.value,
        any_pain=evaluation.result.severity.value != "none",
        request=request.model_dump(mode="json", exclude_unset=True),
        result=evaluation.result.model_dump(mode="json"),
        explanation=evaluation.explanation.model_dump(mode="json"),
    )


def to_assessment(record: AssessmentRecord) -> Assessment:
    return Assessment.model_validate(
        {
            **record.result,
            "id": record.id,
            "created_at": record.created_at,
            "subject_id": record.subject_id,
        }
    )


def run_batch(
    *,
    session: Session,
    client: ApiClient,
    requests: Sequence[AssessmentRequest],
    ruleset: Ruleset,
) -> list[Outcome]:
    """Assess requests in order and store those asking to be stored, in one transaction.

    History for rule 14 counts earlier stored assessments of the subject, including those
    stored earlier in the same batch; never the request itself.
    """
    now = utcnow()
    since = now - timedelta(days=ruleset.threshold("history_window_days"))
    catalogue = catalogue_cache.get(session)
    history: dict[str, int] = {}
    added: Counter[str] = Counter()
    outcomes: list[Outcome] = []
    records: list[AssessmentRecord] = []
    for request in requests:
        subject = request.subject_id
        earlier = 0
        if subject is not None:
            if subject not in history:
                history[subject] = earlier_painful_assessments(
                    session, client_id=client.id, subject_id=subject, since=since
                )
            earlier = history[subject] + added[subject]
        evaluation = assess(
            request, ruleset=ruleset, catalogue=catalogue, earlier_painful_assessments=earlier
        )
        stored = None
        if request.store:
            record = _record(client=client, request=request, evaluation=evaluation, now=now)
            records.append(record)
            stored = to_assessment(record)
            if subject is not None and record.any_pain:
                added[subject] += 1
        outcomes.append(Outcome(evaluation.result, evaluation.explanation, stored))
    if records:
        session.add_all(records)
        session.commit()
    for outcome in outcomes:
        count_assessment(outcome.result.triage.level.value)
    return outcomes


def run_one(
    *, session: Session, client: ApiClient, request: AssessmentRequest, ruleset: Ruleset
) -> Outcome:
    check_request(request)
    (outcome,) = run_batch(session=session, client=client, requests=[request], ruleset=ruleset)
    return outcome


def _own(session: Session, client: ApiClient, assessment_id: uuid.UUID) -> AssessmentRecord:
    record = session.exec(
        select(AssessmentRecord).where(
            AssessmentRecord.id == assessment_id, AssessmentRecord.client_id == client.id
        )
    ).first()
    if record is None:
        raise ProblemError(NOT_FOUND, f"No assessment with id {assessment_id}.")
    return record


def get_assessment(*, session: Session, client: ApiClient, assessment_id: uuid.UUID) -> Assessment:
    return to_assessment(_own(session, client, assessment_id))


def explain_assessment(
    *, session: Session, client: ApiClient, assessment_id: uuid.UUID
) -> AssessmentExplanation:
    record = _own(session, client, assessment_id)
    return AssessmentExplanation(
        assessment_id=record.id, explanation=Explanation.model_validate(record.explanation)
    )


def list_assessments(
    *,
    session: Session,
    client: ApiClient,
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


def delete_assessment(*, session: Session, client: ApiClient, assessment_id: uuid.UUID) -> None:
    session.delete(_own(session, client, assessment_id))
    session.commit()


def erase_subject(*, session: Session, client: ApiClient, subject_id: str) -> int:
    """Delete everything stored for this client's subject; 404 when there is nothing."""
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
