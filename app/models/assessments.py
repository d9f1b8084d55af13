"""Stored assessments: what was asked, what was answered, by whom, about which subject."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, StrictBool, StringConstraints
from pydantic import Field as PField
from sqlalchemy import JSON, Index, LargeBinary
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow, uuid7
from app.models.common import Page
from app.rules.inputs import AssessmentInput, Omittable
from app.rules.outputs import AssessmentResult, Explanation

SUBJECT_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"


class AssessmentRecord(SQLModel, table=True):
    __tablename__ = "assessment"
    __table_args__ = (
        # Covers the history count of rule 14 (index only, however long the history).
        Index(
            "ix_assessment_client_subject_pain_created",
            "client_id",
            "subject_id",
            "any_pain",
            "created_at",
        ),
        Index("ix_assessment_client_created", "client_id", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid7, primary_key=True)
    client_id: uuid.UUID = Field(foreign_key="api_client.id", ondelete="RESTRICT")
    subject_id: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    ruleset_version: str = Field(max_length=32)
    severity: str = Field(max_length=16)
    triage_level: str = Field(max_length=16)
    # "Any pain" (severity not none): what history (rule 14) counts.
    any_pain: bool
    # The history count rule 14 read: with the request and the ruleset version, all that is
    # needed to evaluate the rules again, identically, for the explain view.
    earlier_painful_assessments: int = Field(default=0)
    request: dict[str, Any] = Field(sa_type=JSON)
    # The answer's JSON, zstd-compressed with the dictionary named beside it (made for the
    # ruleset that wrote the answer; see app.services.stored_answers): about a twelfth of
    # the JSON's size. No dictionary: compressed without one (answers stored before 0004).
    result_zstd: bytes = Field(sa_type=LargeBinary)
    result_dictionary_id: str | None = Field(
        default=None, max_length=64, foreign_key="answer_dictionary.id", ondelete="RESTRICT"
    )


class AnswerDictionary(SQLModel, table=True):
    """A compression dictionary for stored answers: written once, never changed, kept as
    long as any answer needs it. Its id is the SHA-256 of its content."""

    __tablename__ = "answer_dictionary"

    id: str = Field(primary_key=True, max_length=64)
    content: bytes = Field(sa_type=LargeBinary)
    # The ruleset it was made from, for the people reading the table.
    ruleset_version: str = Field(max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


SubjectId = Annotated[
    str,
    StringConstraints(pattern=SUBJECT_ID_PATTERN),
    PField(
        description="Your own pseudonymous id for the runner (never a name or email); "
        "1-128 characters of A-Z a-z 0-9 . _ : -. Enables history.",
        examples=["runner-4821"],
    ),
]


class AssessmentRequest(AssessmentInput):
    """The body of POST /assess (see the contract). At least one of training, sitting,
    symptoms."""

    subject_id: Omittable[SubjectId] = None
    store: StrictBool = PField(default=True, description="false: nothing is stored (200, no id).")


class StoredFields(BaseModel):
    """What storing adds to an answer: its id, time and subject."""

    id: uuid.UUID = PField(
        description="Names the stored assessment (`Location: /assessments/{id}`). A UUID; "
        "those stored now are of version 7 (time first: one made in a later millisecond "
        "sorts later). Compare it whole and read nothing out of it."
    )
    created_at: datetime
    subject_id: str | None = PField(description="As sent; null if none was sent.")


class Assessment(StoredFields, AssessmentResult):
    """A stored assessment (201): the answer plus its id, time and subject."""


def stored_json_parts(result_json: bytes, stored: StoredFields) -> tuple[bytes | memoryview, ...]:
    """An Assessment's JSON in pieces, from its answer's JSON (written once, also what is
    stored) and the stored fields: joined, the same bytes as `Assessment.model_dump_json()`,
    without writing or copying the answer a second time. (Assessment lists the answer's
    fields first, then these.) Pieces, so that a caller writing many answers into one body
    (a batch) copies each once, into the body."""
    return memoryview(result_json)[:-1], b",", _STORED_FIELDS_JSON(stored)[1:]


def stored_json(result_json: bytes, stored: StoredFields) -> bytes:
    """An Assessment's JSON (see stored_json_parts)."""
    return b"".join(stored_json_parts(result_json, stored))


_STORED_FIELDS_JSON = StoredFields.__pydantic_serializer__.to_json


class AssessmentPage(Page[Assessment]):
    """A page of stored assessments, newest first."""


class AssessmentExplanation(BaseModel):
    assessment_id: uuid.UUID
    explanation: Explanation


class SubjectErasure(BaseModel):
    subject_id: str
    assessments_deleted: int
