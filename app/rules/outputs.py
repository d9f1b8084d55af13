"""What the engine answers: the assessment result and, for integrators, its explanation."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.content.loader import SourceRef
from app.rules.codes import (
    ActionCode,
    RedFlagCode,
    RedFlagLevel,
    RiskFactorCode,
    RiskLevel,
    RunningAdvice,
    Severity,
    Timeframe,
    TriageLevel,
)

Evidence = dict[str, float | int | str | bool | list[str] | None]


class ExerciseLink(BaseModel):
    """A link to an exercise in the catalogue."""

    model_config = ConfigDict(frozen=True)  # shared between answers (see Catalogue)

    slug: str = Field(examples=["knee-to-chest-stretch"])
    name: str = Field(examples=["Knee-to-chest stretch"])
    href: str = Field(examples=["/exercises/knee-to-chest-stretch"])


class Triage(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between answers (see engine)

    level: TriageLevel = Field(
        description="emergency > urgent > see_physio > self_care: the highest any rule set."
    )
    reason: str = Field(description="Why, in a sentence.")


class Running(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between answers (see engine)

    advice: RunningAdvice = Field(
        description="stop > pause > reduce > continue: the strictest any rule set."
    )
    detail: str = Field(description="What that means, in a sentence.")


class RiskFactor(BaseModel):
    code: RiskFactorCode
    title: str
    level: RiskLevel
    explanation: str = Field(description="Why it fired, with the measured values.")
    evidence: Evidence = Field(
        description="The inputs that triggered it and derived values (e.g. load_ratio; "
        "null when undefined)."
    )
    sources: list[SourceRef]


class RedFlag(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between answers (see engine)

    code: RedFlagCode
    title: str
    level: RedFlagLevel


class Action(BaseModel):
    model_config = ConfigDict(frozen=True)  # shared between answers (see Catalogue)

    code: ActionCode
    title: str
    detail: str
    priority: int = Field(ge=1, description="1 first; unique and consecutive.")
    timeframe: Timeframe
    exercises: list[ExerciseLink] = Field(
        description="Exercises from the catalogue for this action (may be empty)."
    )


class RuleTrace(BaseModel):
    """One rule, evaluated: what it read, the thresholds it used, and what it did."""

    rule: str = Field(examples=["R7"], description="Rule number in the contract.")
    name: str = Field(examples=["training_load_ratio"])
    description: str
    fired: bool
    inputs: dict[str, Any] = Field(description="Every input the rule read, as given.")
    thresholds: dict[str, float] = Field(description="Ruleset thresholds it compared against.")
    effects: dict[str, Any] = Field(
        description="What it set when it fired: triage, running, risk_factors, actions."
    )


class Explanation(BaseModel):
    """Every rule evaluated, fired or not, for an integrator to see why."""

    ruleset_version: str
    severity: Severity
    pain_scale: str
    rules: list[RuleTrace]


class AssessmentResult(BaseModel):
    """The answer, without storage fields (what `store: false` returns)."""

    ruleset_version: str = Field(examples=["2026.11.1"])
    severity: Severity = Field(
        description="From the worse of pain_now and pain_worst_24h: none (0), mild (1-3), "
        "moderate (4-6), severe (7-10)."
    )
    triage: Triage
    running: Running
    risk_factors: list[RiskFactor]
    red_flags: list[RedFlag]
    actions: list[Action]
    disclaimer: str
    explanation: Explanation | None = Field(
        default=None,
        exclude_if=lambda value: value is None,
        description="Only with `?explain=true`: every rule evaluated, fired or not.",
    )
