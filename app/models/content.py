"""The catalogue tables: exercises (with a facet index for filtering), advice, programmes.

Deleting content sets `deleted_at` and keeps the row: that row is the tombstone a syncing
client sees in `?updated_since=` listings. Every write moves `updated_at` forward.
`retired_by_seed` tells the seed's own deletions from an editor's.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    ValidationError,
    model_validator,
)
from pydantic import Field as PField
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import JSON, Index, Text
from sqlmodel import Field, SQLModel

from app.content.loader import SourceRef, bibliography
from app.db import UTCDateTime, utcnow
from app.models.common import (
    LABEL_MAX,
    LICENCE_MAX,
    SENTENCE_MAX,
    SLUG_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    Frequency,
    Label,
    Licence,
    Markdown,
    Page,
    Paragraph,
    Sentence,
    Slug,
    Summary,
    Title,
    Tombstone,
    partial_model,
)
from app.rules.outputs import ExerciseLink
from app.vocabulary import Category, Difficulty, Equipment, Phase, TargetArea


class CatalogueRow(SQLModel):
    """Columns every catalogue table has: identity, citations, licence, and the timestamps
    that drive sync (`updated_at`) and tombstones (`deleted_at`)."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(max_length=SLUG_MAX, unique=True)
    sources: list[str] = Field(default_factory=list, sa_type=JSON)
    licence: str = Field(max_length=LICENCE_MAX)
    attribution: str = Field(max_length=LABEL_MAX)
    # Hash of the seed file's version of this item when it was last seeded (None when the
    # item was created through the API): re-seeding touches an item only when its file changed.
    seed_hash: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Deleted because its entry left the content files (not by an editor): such an item comes
    # back, with its id, when the entry returns. An editor's deletion the seed never undoes.
    retired_by_seed: bool = Field(default=False)


class Exercise(CatalogueRow, table=True):
    __tablename__ = "exercise"
    __table_args__ = (Index("ix_exercise_updated_at_id", "updated_at", "id"),)

    name: str = Field(max_length=TITLE_MAX)
    summary: str = Field(max_length=SUMMARY_MAX)
    description: str = Field(sa_type=Text)
    category: str = Field(max_length=20)
    difficulty: str = Field(max_length=20)
    target_areas: list[str] = Field(default_factory=list, sa_type=JSON)
    phases: list[str] = Field(default_factory=list, sa_type=JSON)
    equipment: list[str] = Field(default_factory=list, sa_type=JSON)
    dosage: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    steps: list[str] = Field(default_factory=list, sa_type=JSON)
    cautions: list[str] = Field(default_factory=list, sa_type=JSON)
    contraindications: list[str] = Field(default_factory=list, sa_type=JSON)


class ExerciseFacet(SQLModel, table=True):
    """One row per (exercise, facet, value): the index behind the list filters.

    `facet` is `target`, `phase` or `equipment` (the list-valued fields; single values are
    filtered on their own columns). Kept in step with the exercise by the service, in the same
    transaction.
    """

    __tablename__ = "exercise_facet"
    __table_args__ = (Index("ix_exercise_facet_lookup", "facet", "value", "exercise_id"),)

    exercise_id: uuid.UUID = Field(foreign_key="exercise.id", primary_key=True, ondelete="CASCADE")
    facet: str = Field(primary_key=True, max_length=16)
    value: str = Field(primary_key=True, max_length=40)


class Advice(CatalogueRow, table=True):
    __tablename__ = "advice"
    __table_args__ = (Index("ix_advice_updated_at_id", "updated_at", "id"),)

    title: str = Field(max_length=TITLE_MAX)
    summary: str = Field(max_length=SUMMARY_MAX)
    body: str = Field(sa_type=Text)
    position: int = Field(default=0)
    related_exercises: list[str] = Field(default_factory=list, sa_type=JSON)


class Programme(CatalogueRow, table=True):
    __tablename__ = "programme"
    __table_args__ = (Index("ix_programme_updated_at_id", "updated_at", "id"),)

    name: str = Field(max_length=TITLE_MAX)
    summary: str = Field(max_length=SUMMARY_MAX)
    description: str = Field(sa_type=Text)
    audience: str = Field(max_length=SENTENCE_MAX)
    phase: str = Field(max_length=20)
    frequency: str = Field(max_length=TITLE_MAX)
    duration_weeks: int
    stop_when: list[str] = Field(default_factory=list, sa_type=JSON)


class ProgrammeItem(SQLModel, table=True):
    """An exercise's place in a programme, with an optional dosage that overrides its own."""

    __tablename__ = "programme_item"

    programme_id: uuid.UUID = Field(
        foreign_key="programme.id", primary_key=True, ondelete="CASCADE"
    )
    position: int = Field(primary_key=True, ge=1)
    # RESTRICT: an exercise still used by a programme cannot vanish from under it.
    exercise_id: uuid.UUID = Field(foreign_key="exercise.id", ondelete="RESTRICT", index=True)
    dosage: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    notes: str | None = Field(default=None, max_length=SENTENCE_MAX)


# --- Schemas ---------------------------------------------------------------------------------


V = TypeVar("V")


def _unique(values: list[V]) -> list[V]:
    if len(set(values)) != len(values):
        raise ValueError("must not repeat a value")
    return values


def _known_source(key: str) -> str:
    if key not in bibliography():
        raise ValueError(
            f"unknown source key {key!r} (see the bibliography in the API description)"
        )
    return key


def _equipment_none_alone(values: list[Equipment]) -> list[Equipment]:
    if Equipment.none in values and len(values) > 1:
        raise ValueError("'none' cannot be combined with other equipment")
    return values


SourceKey = Annotated[str, PField(examples=["nice-ng59"]), AfterValidator(_known_source)]
SourceKeys = Annotated[
    list[SourceKey], PField(min_length=1, max_length=10), AfterValidator(_unique)
]
Sentences = Annotated[list[Sentence], PField(max_length=12)]
SomeSentences = Annotated[list[Sentence], PField(min_length=1, max_length=12)]
LICENCE_DEFAULT = "CC-BY-4.0"
ATTRIBUTION_DEFAULT = "Back-pain guidance API content team"


class Dosage(BaseModel):
    """How much and how often. At least one of reps, hold_seconds or duration_seconds."""

    model_config = ConfigDict(extra="forbid")

    sets: int | None = PField(default=None, ge=1, le=10, examples=[2])
    reps: int | None = PField(default=None, ge=1, le=50, examples=[10])
    hold_seconds: int | None = PField(default=None, ge=5, le=120, examples=[30])
    duration_seconds: int | None = PField(default=None, ge=10, le=600, examples=[60])
    per_side: bool = PField(default=False, description="Each side (left and right) in turn.")
    frequency: Frequency

    @model_validator(mode="after")
    def _has_an_amount(self) -> Self:
        if self.reps is None and self.hold_seconds is None and self.duration_seconds is None:
            raise ValueError("give reps, hold_seconds or duration_seconds")
        return self


# Safe for a sore back: in the first days of an episode only gentle stretching and mobility,
# with no weights and no kit (mlh-physio-runners-lbp: "first few days: gentle stretching";
# "no weight lifting ... until seen by a physiotherapist"); foam rolling works on the muscles
# around the back, never on the lumbar spine itself. The write model (below) refuses what
# breaks these, and the content tests check the seed files against the same definitions.
ACUTE_CATEGORIES = frozenset({Category.stretch, Category.mobility})
ACUTE_DIFFICULTY = Difficulty.beginner
ACUTE_EQUIPMENT = (Equipment.none,)
FOAM_ROLL_NEVER_TARGETS = TargetArea.lower_back


def back_safety_problems(item: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """What makes an exercise unsafe for a sore back, as (field location, why) pairs. `item`
    is the exercise's fields by name, validated or as a content file holds them (the content
    tests read the files raw: a validated entry cannot break these rules)."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    category, difficulty = item.get("category"), item.get("difficulty")
    phases, targets = list(item.get("phases", ())), list(item.get("target_areas", ()))
    equipment = tuple(item.get("equipment", ()))
    if Phase.acute in phases:
        at = ("phases", phases.index(Phase.acute))
        if category not in ACUTE_CATEGORIES:
            allowed = " or ".join(sorted(ACUTE_CATEGORIES))
            problems.append(
                (at, f"an acute-phase exercise must be a {allowed} exercise, not {category}")
            )
        if difficulty != ACUTE_DIFFICULTY:
            problems.append(
                (at, f"an acute-phase exercise must be {ACUTE_DIFFICULTY}, not {difficulty}")
            )
        if equipment != ACUTE_EQUIPMENT:
            kit = ", ".join(equipment)
            problems.append((at, f"an acute-phase exercise must need no equipment, not {kit}"))
    if category == Category.foam_roll and FOAM_ROLL_NEVER_TARGETS in targets:
        at = ("target_areas", targets.index(FOAM_ROLL_NEVER_TARGETS))
        problems.append(
            (at, "foam rolling must not target the lower back: roll the muscles around it")
        )
    return problems


class ExerciseIn(BaseModel):
    """An exercise as written: the body of POST and PUT, and an item of the seed file."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    name: Title
    summary: Summary
    description: Paragraph
    category: Category
    target_areas: Annotated[
        list[TargetArea], PField(min_length=1, max_length=8), AfterValidator(_unique)
    ]
    phases: Annotated[list[Phase], PField(min_length=1, max_length=3), AfterValidator(_unique)]
    equipment: Annotated[
        list[Equipment],
        PField(min_length=1, max_length=6),
        AfterValidator(_unique),
        AfterValidator(_equipment_none_alone),
    ]
    difficulty: Difficulty
    dosage: Dosage
    steps: SomeSentences
    cautions: Annotated[SomeSentences, PField(description="When to stop: at least one.")]
    contraindications: Annotated[
        SomeSentences, PField(description="Who should not do it: at least one.")
    ]
    sources: SourceKeys
    licence: Licence = LICENCE_DEFAULT
    attribution: Label = ATTRIBUTION_DEFAULT

    @model_validator(mode="after")
    def _safe_for_a_sore_back(self) -> Self:
        problems = back_safety_problems(dict(self))
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("back_safety", detail),
                        loc=loc,
                        input=getattr(self, str(loc[0])),
                    )
                    for loc, detail in problems
                ],
            )
        return self


class ExerciseSeed(ExerciseIn):
    uuid: uuid.UUID


class ExerciseStored(ExerciseIn):
    """An exercise as stored, read back (audit entries, the base of a patch): one written
    before every exercise had to name a contraindication may have none. What is written is
    checked by ExerciseIn, a patched exercise too."""

    contraindications: Sentences = PField(default_factory=list)


class ExercisePublic(BaseModel):
    id: uuid.UUID
    slug: str
    href: str
    name: str
    summary: str
    description: str
    category: Category
    target_areas: list[TargetArea]
    phases: list[Phase]
    equipment: list[Equipment]
    difficulty: Difficulty
    dosage: Dosage
    steps: list[str]
    cautions: list[str]
    contraindications: list[str]
    sources: list[SourceRef]
    licence: str
    attribution: str
    created_at: datetime
    updated_at: datetime
    deleted: Literal[False] = False


class AdviceIn(BaseModel):
    """An advice topic as written: the body of POST and PUT, and an item of the seed file."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    title: Title
    summary: Summary
    body: Markdown
    order: int = PField(default=100, ge=0, le=10_000, description="Display order, lowest first.")
    sources: SourceKeys
    related_exercises: Annotated[list[Slug], PField(max_length=10), AfterValidator(_unique)] = (
        PField(default_factory=list)
    )
    licence: Licence = LICENCE_DEFAULT
    attribution: Label = ATTRIBUTION_DEFAULT


class AdviceSeed(AdviceIn):
    uuid: uuid.UUID


class AdvicePublic(BaseModel):
    id: uuid.UUID
    slug: str
    href: str
    title: str
    summary: str
    body: str = PField(description="Markdown.")
    order: int
    sources: list[SourceRef]
    related_exercises: list[ExerciseLink]
    licence: str
    attribution: str
    created_at: datetime
    updated_at: datetime
    deleted: Literal[False] = False


class ProgrammeItemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise: Slug = PField(description="Slug of an exercise in the catalogue.")
    dosage: Dosage | None = PField(default=None, description="Overrides the exercise's own.")
    notes: Sentence | None = None


class ProgrammeIn(BaseModel):
    """A programme as written: the body of POST and PUT, and an item of the seed file."""

    model_config = ConfigDict(extra="forbid")

    slug: Slug
    name: Title
    summary: Summary
    description: Paragraph
    audience: Sentence
    phase: Phase
    frequency: Frequency
    duration_weeks: int = PField(ge=1, le=52)
    stop_when: Annotated[list[Sentence], PField(min_length=1, max_length=10)]
    sources: SourceKeys
    items: Annotated[list[ProgrammeItemIn], PField(min_length=1, max_length=20)]
    licence: Licence = LICENCE_DEFAULT
    attribution: Label = ATTRIBUTION_DEFAULT


class ProgrammeSeed(ProgrammeIn):
    uuid: uuid.UUID


class ProgrammeStep(BaseModel):
    """One step of a programme: the exercise inline, and the dosage to use in this programme."""

    position: int
    exercise: ExercisePublic
    dosage: Dosage
    notes: str | None


class ProgrammePublic(BaseModel):
    id: uuid.UUID
    slug: str
    href: str
    name: str
    summary: str
    description: str
    audience: str
    phase: Phase
    frequency: str
    duration_weeks: int
    stop_when: list[str]
    sources: list[SourceRef]
    items: list[ProgrammeStep]
    licence: str
    attribution: str
    created_at: datetime
    updated_at: datetime
    deleted: Literal[False] = False


class ExercisePage(Page[ExercisePublic | Tombstone]):
    """A page of exercises (tombstones appear only when listing with `updated_since`)."""


class AdvicePage(Page[AdvicePublic | Tombstone]):
    """A page of advice topics (tombstones appear only when listing with `updated_since`)."""


class ProgrammePage(Page[ProgrammePublic | Tombstone]):
    """A page of programmes (tombstones appear only when listing with `updated_since`)."""


ExercisePatch = partial_model(
    ExerciseIn,
    "ExercisePatch",
    "Fields to change, as a JSON merge patch (RFC 7396): the others keep their values, "
    "`dosage` is merged field by field, lists are replaced whole, and `null` removes an "
    "optional field.",
)
AdvicePatch = partial_model(
    AdviceIn,
    "AdvicePatch",
    "Fields to change; the others keep their values. `null` removes an optional field.",
)
ProgrammePatch = partial_model(
    ProgrammeIn,
    "ProgrammePatch",
    "Fields to change, as a JSON merge patch (RFC 7396): the others keep their values and "
    "`items` is replaced whole.",
)
