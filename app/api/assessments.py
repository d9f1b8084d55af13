"""Stored assessments: read, explain, list a subject's history, delete, erase a subject."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    AssessClient,
    CursorQuery,
    LimitQuery,
    PrivateCache,
    RulesetDep,
    SecretDep,
    SessionDep,
)
from app.errors import problem_responses
from app.models.assessments import (
    SUBJECT_ID_PATTERN,
    Assessment,
    AssessmentExplanation,
    AssessmentPage,
    SubjectErasure,
)
from app.services import assessments

router = APIRouter(tags=["assessment"], dependencies=[PrivateCache])

AssessmentId = Annotated[
    uuid.UUID,
    Path(
        description="The assessment's `id`, from the answer that stored it (or its `Location`).",
        examples=["dce50aeb-96f0-544c-bd14-db82992c2d44"],
    ),
]
# Any string is looked up: one that cannot be a subject id has nothing stored (404).
SubjectId = Annotated[
    str,
    Path(
        description="Your pseudonymous id for the runner, as sent in `subject_id`.",
        examples=["runner-4821"],
    ),
]


@router.get(
    "/assessments",
    operation_id="list_assessments",
    responses=problem_responses(400, 403, 422),
)
def list_assessments(
    client: AssessClient,
    session: SessionDep,
    secret: SecretDep,
    subject_id: Annotated[
        str | None,
        Query(pattern=SUBJECT_ID_PATTERN, description="Only this subject's assessments."),
    ] = None,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> AssessmentPage:
    """List your stored assessments, newest first (a subject's history with `subject_id`)."""
    return assessments.list_assessments(
        session=session,
        client=client,
        subject_id=subject_id,
        limit=limit,
        cursor=cursor,
        secret=secret,
    )


@router.get(
    "/assessments/{assessment_id}",
    operation_id="get_assessment",
    responses=problem_responses(403, 404, 422),
)
def get_assessment(
    assessment_id: AssessmentId, client: AssessClient, session: SessionDep
) -> Assessment:
    """Get one of your stored assessments."""
    return assessments.get_assessment(session=session, client=client, assessment_id=assessment_id)


@router.get(
    "/assessments/{assessment_id}/explain",
    operation_id="explain_assessment",
    responses=problem_responses(403, 404, 409, 422),
)
def explain_assessment(
    assessment_id: AssessmentId, client: AssessClient, session: SessionDep, ruleset: RulesetDep
) -> AssessmentExplanation:
    """Explain a stored assessment: every rule evaluated, fired or not, with its inputs.

    The rules are evaluated again on the stored request and the history count the answer
    read, so this explains answers made under the ruleset version the service runs; an
    answer from an earlier version is a 409 naming both versions.
    """
    return assessments.explain_assessment(
        session=session, client=client, assessment_id=assessment_id, ruleset=ruleset
    )


@router.delete(
    "/assessments/{assessment_id}",
    operation_id="delete_assessment",
    status_code=204,
    responses=problem_responses(403, 404, 422),
)
def delete_assessment(
    assessment_id: AssessmentId, client: AssessClient, session: SessionDep
) -> Response:
    """Delete one of your stored assessments."""
    assessments.delete_assessment(session=session, client=client, assessment_id=assessment_id)
    return Response(status_code=204)


@router.delete(
    "/subjects/{subject_id}",
    operation_id="erase_subject",
    responses=problem_responses(403, 404, 422),
)
def erase_subject(
    subject_id: SubjectId, client: AssessClient, session: SessionDep
) -> SubjectErasure:
    """Erase everything stored for one of your subjects (the right to erasure).

    Assessments of the subject being stored at that moment are erased with the rest (the
    erasure waits for them), and one to be stored that arrives while it runs is assessed
    after it, with none of the erased history."""
    deleted = assessments.erase_subject(session=session, client=client, subject_id=subject_id)
    return SubjectErasure(subject_id=subject_id, assessments_deleted=deleted)
