"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from app.models.assessments import AnswerDictionary, AssessmentRecord
from app.models.audit import AuditEntry
from app.models.clients import ApiClient
from app.models.content import Advice, Exercise, ExerciseFacet, Programme, ProgrammeItem

__all__ = [
    "Advice",
    "AnswerDictionary",
    "ApiClient",
    "AssessmentRecord",
    "AuditEntry",
    "Exercise",
    "ExerciseFacet",
    "Programme",
    "ProgrammeItem",
]
