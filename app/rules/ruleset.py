"""The versioned ruleset: loaded from `ruleset.toml`, validated once, then read-only.

Everything clinical that the engine uses lives in the data file: pain bands, thresholds with
their sources, the red-flag, risk-factor and action vocabularies, and every sentence of an
answer. A ruleset that is incomplete or cites an unknown source does not load, and the
service does not start.
"""

from __future__ import annotations

import tomllib
import uuid
from datetime import date
from functools import cache
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from app.content.loader import ContentFileError, SourceRef, bibliography
from app.rules.codes import ActionCode, RedFlagCode, RedFlagLevel, RiskFactorCode, Timeframe
from app.vocabulary import Category, Difficulty, Phase, TightArea

RULESET_PATH = Path(__file__).resolve().parent / "ruleset.toml"
# Stable ids for vocabulary items (red flags, risk factors): uuid5 of the code in this space.
VOCABULARY_NAMESPACE = uuid.UUID("3d9f6c1e-8a57-4c0b-9a43-6f1f2f5b9e10")

# Thresholds that count something (minutes, days, months, years, assessments).
WHOLE_THRESHOLDS = (
    "sitting_bout_minutes",
    "persistent_duration_days",
    "new_runner_months",
    "age_new_episode_years",
    "history_window_days",
    "history_painful_assessments",
    "minimum_age_years",
)
# Thresholds the engine reads; the ruleset must define every one.
THRESHOLD_NAMES = (
    "load_ratio_moderate",
    "load_ratio_high",
    "sitting_hours_per_day",
    *WHOLE_THRESHOLDS,
)
TRIAGE_REASONS = (
    "emergency",
    "urgent",
    "acute_episode",
    "moderate_pain",
    "lifting_related_onset",
    "persistent_symptoms",
    "radiating_leg_pain",
    "age_over_50_new_episode",
    "self_care",
)
RUNNING_DETAILS = (
    "red_flag",
    "acute_episode",
    "moderate_pain",
    "load_and_mild_pain",
    "high_spike",
    "continue",
)


class RulesetError(Exception):
    """The ruleset cannot be used; the message names the file and the offending entry."""


def _known_sources(keys: list[str]) -> list[str]:
    unknown = sorted(set(keys) - set(bibliography()))
    if unknown:
        raise ValueError(f"unknown source keys: {', '.join(unknown)}")
    return keys


Sources = Annotated[list[str], Field(min_length=1), AfterValidator(_known_sources)]
Text = Annotated[str, Field(min_length=1, max_length=1000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    value: float
    rule: Text
    sources: Sources
    note: Text


class PainScale(_Strict):
    scheme: Text
    loinc: str
    # 1, always: "any pain" (pain above 0) and "severity is not none" must mean the same.
    mild_from: Literal[1]
    moderate_from: int = Field(ge=1, le=10)
    severe_from: int = Field(ge=1, le=10)
    sources: Sources

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if not self.mild_from < self.moderate_from < self.severe_from:
            raise ValueError("bands must rise: mild_from < moderate_from < severe_from")
        return self


class RedFlagDef(_Strict):
    level: RedFlagLevel
    title: Text
    explanation: Text
    what_to_do: Text
    sources: Sources


class RiskFactorDef(_Strict):
    level: Literal["low", "moderate", "high", "by_load_ratio"]
    summary: Text  # plain language, for the browsable vocabulary
    title: Text
    explanation: Text | None = None
    explanations: dict[str, Text] | None = None
    what_to_do: Text
    sources: Sources

    @model_validator(mode="after")
    def _one_kind_of_explanation(self) -> Self:
        if (self.explanation is None) == (self.explanations is None):
            raise ValueError("give either `explanation` or `explanations`")
        return self


class LinkSpec(_Strict):
    """How an action picks exercises: explicit slugs, or a filter over the catalogue."""

    slugs: list[str] = Field(default_factory=list)
    categories: list[Category] = Field(default_factory=list)
    phases: list[Phase] = Field(default_factory=list)
    difficulties: list[Difficulty] = Field(default_factory=list)
    limit: int = Field(default=4, ge=1, le=10)
    # For stretch_and_foam_roll: exercises per reported tight area, and the areas to use
    # when none is reported.
    per_area: int | None = Field(default=None, ge=1, le=4)
    general_areas: list[TightArea] = Field(default_factory=list)

    @model_validator(mode="after")
    def _slugs_or_filter(self) -> Self:
        if self.slugs and (self.categories or self.phases or self.difficulties):
            raise ValueError("give `slugs` or a filter, not both")
        if not self.slugs and not self.categories:
            raise ValueError("a filter needs `categories`")
        if self.per_area is not None and not self.general_areas:
            raise ValueError("`per_area` needs `general_areas`")
        return self


class ActionDef(_Strict):
    title: Text
    detail: Text
    timeframe: Timeframe
    sources: Sources
    links: LinkSpec | None = None
    acute_links: LinkSpec | None = None


class Ruleset(_Strict):
    version: Annotated[str, Field(pattern=r"^\d{4}\.\d{1,2}\.\d+$")]
    released: date
    disclaimer: Text
    pain_scale: PainScale
    thresholds: dict[str, Threshold]
    red_flags: dict[str, RedFlagDef]
    risk_factors: dict[str, RiskFactorDef]
    actions: dict[str, ActionDef]
    area_names: dict[TightArea, Text]
    triage_reasons: dict[str, Text]
    running_details: dict[str, Text]

    @model_validator(mode="after")
    def _complete(self) -> Self:
        for table, present, required in (
            ("thresholds", self.thresholds, THRESHOLD_NAMES),
            ("red_flags", self.red_flags, [c.value for c in RedFlagCode]),
            ("risk_factors", self.risk_factors, [c.value for c in RiskFactorCode]),
            ("actions", self.actions, [c.value for c in ActionCode]),
            ("area_names", self.area_names, list(TightArea)),
            ("triage_reasons", self.triage_reasons, TRIAGE_REASONS),
            ("running_details", self.running_details, RUNNING_DETAILS),
        ):
            missing = [str(name) for name in required if name not in present]
            if missing:
                raise ValueError(f"{table} is missing: {', '.join(missing)}")
        return self

    @model_validator(mode="after")
    def _coherent_thresholds(self) -> Self:
        """Values the contract's rules can work with: a mistyped threshold must stop
        start-up, not quietly change every answer."""
        value = {name: t.value for name, t in self.thresholds.items()}
        if not 1 < value["load_ratio_moderate"] < value["load_ratio_high"]:
            raise ValueError(
                "thresholds: need 1 < load_ratio_moderate < load_ratio_high (a spike is a rise)"
            )
        if not 0 < value["sitting_hours_per_day"] <= 24:
            raise ValueError("thresholds.sitting_hours_per_day: must be above 0 and at most 24")
        for name in WHOLE_THRESHOLDS:
            if value[name] != int(value[name]) or value[name] < 1:
                raise ValueError(f"thresholds.{name}: must be a whole number, at least 1")
        return self

    # --- reading -------------------------------------------------------------------------

    def threshold(self, name: str) -> float:
        return self.thresholds[name].value

    def red_flag(self, code: str) -> RedFlagDef:
        return self.red_flags[code]

    def risk_factor(self, code: str) -> RiskFactorDef:
        return self.risk_factors[code]

    def action(self, code: str) -> ActionDef:
        return self.actions[code]

    def sources(self, keys: list[str]) -> list[SourceRef]:
        refs = bibliography()
        return [refs[key] for key in keys]

    def vocabulary_id(self, kind: str, code: str) -> uuid.UUID:
        return uuid.uuid5(VOCABULARY_NAMESPACE, f"{kind}:{code}")


def parse_ruleset(raw: bytes, *, name: str = "ruleset.toml") -> Ruleset:
    try:
        data = tomllib.loads(raw.decode())
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise RulesetError(f"{name}: not valid TOML: {error}") from None
    try:
        return Ruleset.model_validate(data)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(top level)"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise RulesetError(f"{name}: {where}: {message}") from None
    except ContentFileError as error:
        raise RulesetError(f"{name}: the bibliography cannot be read: {error}") from None


@cache
def load_ruleset(path: Path = RULESET_PATH) -> Ruleset:
    """The ruleset in `path`, validated (and the engine's templates checked against it)."""
    from app.rules.engine import check_templates

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise RulesetError(f"{path.name}: cannot be read: {error.strerror}") from None
    ruleset = parse_ruleset(raw, name=path.name)
    check_templates(ruleset)
    return ruleset
