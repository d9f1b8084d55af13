"""The request of POST /assess, validated exactly as the contract reads.

- Unknown fields are refused at every level, so a client's typo never passes silently.
- Integers follow JSON Schema `integer` (3.0 is 3, 3.5 is refused); booleans are never
  numbers and numbers never booleans; strings are never numbers.
- `null` is refused like any other wrong type: leave an optional field out instead.
- A section counts as present when its key is present, even as `{}`; then its required
  fields are required.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    StrictBool,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError, core_schema

from app.rules.codes import IntensityChange, LegSymptoms, Onset, RedFlagCode
from app.vocabulary import TightArea

_T = TypeVar("_T")

# The schema needs this as a constant; the ruleset holds it with its source
# (thresholds.minimum_age_years) and refuses to load if the two disagree.
MINIMUM_AGE_YEARS = 16


def _json_integer(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    if isinstance(value, float) and not value.is_integer():
        raise PydanticCustomError(
            "int_from_float",
            "Input should be a valid integer, got a number with a fractional part",
        )
    return int(value)


def _once_each(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


# A JSON integer (see _json_integer), written after its bounds: `Annotated[int, Field(ge=0),
# JSON_INTEGER]`. Bounds written before a validator go to pydantic-core's own integer
# check, and into the document as JSON Schema's `minimum` and `maximum`; written after
# one, they would be checked by Python functions and documented as pydantic's own `ge` and
# `le`, which no JSON Schema reader knows.
JSON_INTEGER = BeforeValidator(_json_integer)
# A JSON number: an integer or a finite float (Python's json reads NaN and Infinity), never
# a boolean or a string; checked by pydantic-core itself.
JsonNumber = Annotated[float, Field(strict=True, allow_inf_nan=False)]
Distance = Annotated[JsonNumber, Field(ge=0, le=500, examples=[42.5])]
PainScore = Annotated[int, Field(ge=0, le=10, examples=[3]), JSON_INTEGER]


class _NullRefused:
    """Makes `X | None` validate as X: see Omittable."""

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        return schema["schema"] if schema["type"] == "nullable" else schema


# An optional field: it may be left out (then None, its default), but never sent as null.
# pydantic-core validates it as X alone, so that a null is refused as a wrong type, as
# any other (a 422 says so in app.errors.NULL_DETAIL's words), without a Python validator
# run on every field of every request, as before: that took a third of the instructions
# of validating a request from JSON, a seventh from Python's values (callgrind). JSON
# Schema documents X alone.
Omittable = Annotated[_T | None, _NullRefused]


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Training(ContractModel):
    """Running load. Both distances are required when the section is present."""

    weekly_distance_km: Distance = Field(description="Distance run in the last 7 days.")
    baseline_weekly_distance_km: Distance = Field(
        description="Average weekly distance over the 4 weeks before that.", examples=[30]
    )
    intensity_change: IntensityChange = IntensityChange.unchanged
    added_speed_sessions: StrictBool = Field(
        default=False, description="Intervals or tempo runs newly added."
    )
    new_training_type: StrictBool = Field(
        default=False, description="A new surface, hills, trail or a new sport."
    )
    running_experience_months: Omittable[Annotated[int, Field(ge=0), JSON_INTEGER]] = Field(
        default=None, examples=[18]
    )


class Sitting(ContractModel):
    hours_per_day: Annotated[JsonNumber, Field(ge=0, le=24)] = Field(
        description="Typical seated hours on a work day.", examples=[9]
    )
    longest_bout_minutes: Omittable[Annotated[int, Field(ge=0, le=1440), JSON_INTEGER]] = Field(
        default=None, description="Longest stretch without getting up.", examples=[120]
    )
    runs_straight_after_sitting: StrictBool = Field(
        default=False, description="E.g. desk, drive home, straight out running."
    )


class Symptoms(ContractModel):
    """What the runner feels. `onset` and `duration_days` are required when there is pain."""

    pain_now: PainScore = Field(description="Numeric rating scale, 0 (none) to 10 (worst).")
    pain_worst_24h: Omittable[PainScore] = Field(
        default=None, description="Worst in the last 24 hours; at least `pain_now`."
    )
    onset: Omittable[Onset] = None
    duration_days: Omittable[Annotated[int, Field(ge=0), JSON_INTEGER]] = Field(
        default=None, examples=[3]
    )
    locked_up: StrictBool = Field(default=False, description='The back "locked up".')
    recurrent: StrictBool = Field(default=False, description="Episodes in the past 12 months.")
    after_lifting: StrictBool = Field(default=False, description="Began with lifting.")
    leg_symptoms: LegSymptoms = Field(
        default=LegSymptoms.none,
        description="Pain, pins and needles or numbness spreading into a leg.",
    )
    tight_areas: Annotated[list[TightArea], AfterValidator(_once_each)] = Field(
        default_factory=list, description="Felt tightness; a repeated area counts once."
    )
    red_flags: Annotated[list[RedFlagCode], AfterValidator(_once_each)] = Field(
        default_factory=list,
        description="Red-flag symptoms the runner reports; a repeated code counts once.",
    )

    @field_validator("pain_worst_24h")
    @classmethod
    def _worst_at_least_now(cls, value: int, info: ValidationInfo) -> int:
        now = info.data.get("pain_now")
        if now is not None and value < now:
            raise ValueError(f"must be at least pain_now ({now})")
        return value

    @property
    def worst(self) -> int:
        return max(self.pain_now, self.pain_worst_24h or 0)

    @property
    def any_pain(self) -> bool:
        return self.worst > 0


class Activities(ContractModel):
    weight_training: StrictBool = Field(default=False, description="Lifts weights in a gym.")
    high_impact_classes: StrictBool = False


class AssessmentInput(ContractModel):
    """What the engine reads. At least one of `training`, `sitting`, `symptoms`."""

    age_years: Omittable[Annotated[int, Field(ge=MINIMUM_AGE_YEARS, le=120), JSON_INTEGER]] = Field(
        default=None, description="16 to 120.", examples=[34]
    )
    training: Omittable[Training] = None
    sitting: Omittable[Sitting] = None
    symptoms: Omittable[Symptoms] = None
    activities: Omittable[Activities] = None

    @field_validator("age_years", mode="before")
    @classmethod
    def _in_scope(cls, value: Any) -> Any:
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and value < MINIMUM_AGE_YEARS
        ):
            raise PydanticCustomError(
                "out_of_scope",
                "under 16 is out of scope: this service is for runners aged 16 and over",
            )
        return value


def _score(value: Any) -> float:
    """A pain score as given, for deciding "any pain" even when the request is invalid."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return 0.0


_SECTIONS = ("training", "sitting", "symptoms")
_NEEDED_WITH_PAIN = ("onset", "duration_days")


def contract_errors(request: AssessmentInput | Mapping[str, Any]) -> list[tuple[str, str]]:
    """The rules that JSON Schema types cannot express: `(dotted field, detail)` pairs.

    Takes a validated request, or the raw body of one that failed validation, so that a
    422 names these fields too, not only the ones with the wrong type.
    """
    if isinstance(request, BaseModel):
        # Read off the model (a field left out is None): this runs on every request.
        any_section = any(getattr(request, name, None) is not None for name in _SECTIONS)
        symptoms: Any = getattr(request, "symptoms", None)
        if symptoms is not None:
            symptoms = {
                name: value
                for name in ("pain_now", "pain_worst_24h", *_NEEDED_WITH_PAIN)
                if (value := getattr(symptoms, name)) is not None
            }
    elif isinstance(request, Mapping):
        any_section = any(name in request for name in _SECTIONS)
        symptoms = request.get("symptoms")
    else:
        return []
    errors: list[tuple[str, str]] = []
    if not any_section:
        detail = "give at least one of training, sitting and symptoms"
        errors += [(name, detail) for name in _SECTIONS]
    if isinstance(symptoms, Mapping):
        worst = max(_score(symptoms.get("pain_now")), _score(symptoms.get("pain_worst_24h")))
        if worst > 0:
            for name in _NEEDED_WITH_PAIN:
                if symptoms.get(name) is None:
                    errors.append((f"symptoms.{name}", "required when there is pain"))
    return errors
