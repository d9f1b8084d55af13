"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from app.models.content import Advice, Exercise, ExerciseFacet, Programme, ProgrammeItem

__all__ = ["Advice", "Exercise", "ExerciseFacet", "Programme", "ProgrammeItem"]
