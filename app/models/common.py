"""Field types and schemas shared by every resource: safe text, slugs, pages, tombstones."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, create_model


def _single_line(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must be a single line without control characters")
    if value != value.strip():
        raise ValueError("must not start or end with whitespace")
    return value


def _multi_line(value: str) -> str:
    # Newlines and tabs are fine in long text; NUL and other control characters never are
    # (PostgreSQL cannot even store NUL in text).
    if any((ord(ch) < 32 and ch not in "\n\t\r") or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    if not value.strip():
        raise ValueError("must not be blank")
    return value


_ONE_LINE = AfterValidator(_single_line)
_MULTI_LINE = AfterValidator(_multi_line)

# Text fields, by the longest value they accept. Over-long text, NUL bytes and other control
# characters are a 422 before anything reaches the database.
# Tables size their columns from the same constants.
SLUG_MAX = 80
TITLE_MAX = 120
SUMMARY_MAX = 400
SENTENCE_MAX = 500
LABEL_MAX = 300
LICENCE_MAX = 64
Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX), _ONE_LINE]
Summary = Annotated[str, StringConstraints(min_length=1, max_length=SUMMARY_MAX), _ONE_LINE]
Sentence = Annotated[str, StringConstraints(min_length=1, max_length=SENTENCE_MAX), _ONE_LINE]
Label = Annotated[str, StringConstraints(min_length=1, max_length=LABEL_MAX), _ONE_LINE]
Frequency = Annotated[
    str,
    StringConstraints(min_length=1, max_length=TITLE_MAX),
    _ONE_LINE,
    Field(examples=["Twice a day"]),
]
Licence = Annotated[
    str,
    StringConstraints(min_length=1, max_length=LICENCE_MAX),
    _ONE_LINE,
    Field(description="SPDX licence identifier of the text.", examples=["CC-BY-4.0"]),
]
Paragraph = Annotated[str, StringConstraints(min_length=1, max_length=4000), _MULTI_LINE]
Markdown = Annotated[str, StringConstraints(min_length=1, max_length=20000), _MULTI_LINE]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[
    str,
    StringConstraints(min_length=1, max_length=SLUG_MAX, pattern=SLUG_PATTERN),
    Field(examples=["knee-to-chest-stretch"]),
]

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list. Pass `next_cursor` back as `cursor` for the next; null at the end."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Opaque cursor for the next page; null on the last page.",
        examples=[None],
    )


class Tombstone(BaseModel):
    """A deleted item, listed by `?updated_since=` so that a syncing client can drop it."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "0b7d6a55-2f54-4c29-9a0f-3f8e1c2d4b6a",
                    "slug": "retired-exercise",
                    "deleted": True,
                    "updated_at": "2026-11-20T09:30:00Z",
                    "deleted_at": "2026-11-20T09:30:00Z",
                }
            ]
        }
    )

    id: uuid.UUID
    slug: str
    deleted: Literal[True] = True
    updated_at: datetime
    deleted_at: datetime


def partial_model(model: type[BaseModel], name: str, doc: str) -> type[BaseModel]:
    """`model` with every field optional: the body of PATCH. Unknown fields are still refused;
    the merged item is validated against `model` itself."""
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        annotation: Any = info.annotation
        if info.metadata:  # keep the field's constraints (lengths, ranges, validators)
            annotation = Annotated.__class_getitem__((annotation, *info.metadata))  # type: ignore[attr-defined]
        fields[field_name] = (
            annotation | None,
            Field(default=None, description=info.description),
        )
    return create_model(name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields)
