"""The assessment engine: pure functions from (request, ruleset, catalogue, history) to an
answer and its explanation. No I/O, no web framework, no database.

Every rule that fires applies: triage is the highest level any rule sets, running advice the
strictest, actions the union. Red flags are screened first and nothing outranks them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from operator import is_
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import BaseModel
from pydantic_core import to_json

from app.rules.codes import (
    RANKS,
    ActionCode,
    IntensityChange,
    LegSymptoms,
    RedFlagCode,
    RedFlagLevel,
    RiskFactorCode,
    RiskLevel,
    RunningAdvice,
    Severity,
    Timeframe,
    TriageLevel,
)
from app.rules.inputs import MINIMUM_AGE_YEARS, AssessmentInput
from app.rules.outputs import (
    Action,
    AssessmentResult,
    Evidence,
    ExerciseLink,
    Explanation,
    RedFlag,
    Running,
    Triage,
)
from app.rules.ruleset import ActionDef, LinkSpec, RiskFactorDef, Ruleset, RulesetError
from app.vocabulary import TightArea

E = TypeVar("E", bound=StrEnum)


def _members(enum: type[E]) -> type[E]:
    """`enum`'s members as the attributes of a plain class, for the rules to read.

    Python 3.11 finds an Enum's member through the hook that EnumType.__getattr__ installs,
    about four times the cost of a plain class attribute, which the interpreter cannot
    specialise either; an assessment reads a hundred members (9% of its instructions,
    by callgrind). Typed as the Enum so that mypy checks each name, but only for reading
    members: it is not the Enum (no iteration, no lookup by value, no isinstance)."""
    return cast(type[E], type(f"{enum.__name__}Members", (), dict(enum.__members__)))


_ActionCode = _members(ActionCode)
_IntensityChange = _members(IntensityChange)
_LegSymptoms = _members(LegSymptoms)
_RedFlagLevel = _members(RedFlagLevel)
_RiskFactorCode = _members(RiskFactorCode)
_RiskLevel = _members(RiskLevel)
_RunningAdvice = _members(RunningAdvice)
_Severity = _members(Severity)
_Timeframe = _members(Timeframe)
_TriageLevel = _members(TriageLevel)


@dataclass(frozen=True)
class CatalogueEntry:
    """What the engine needs to know about an exercise to link it."""

    slug: str
    name: str
    category: str
    target_areas: tuple[str, ...]
    phases: tuple[str, ...]
    difficulty: str
    href: str


# How many things of one kind (link choices, actions, action lists) a catalogue snapshot
# keeps: everyday inputs need a few hundred; a snapshot lives as long as the exercises do
# not change, so unusual mixes of inputs must not grow it without end.
MAX_MADE = 4096
V = TypeVar("V")
Made = dict[tuple[object, ...], tuple[tuple[object, ...], V]]


def _made(
    cache: Made[V], key: tuple[object, ...], held: tuple[object, ...], make: Callable[[], V]
) -> V:
    """`cache[key]`, made by `make` on first use. `held` are the objects whose ids the key
    uses: kept with the value and checked by identity, so that a recycled id never finds
    another object's value. A full cache starts afresh (see MAX_MADE)."""
    hit = cache.get(key)
    if hit is None or not all(map(is_, hit[0], held)):
        if len(cache) >= MAX_MADE:
            cache.clear()
        hit = cache[key] = (held, make())
    return hit[1]


class Catalogue:
    """The exercises the engine can link (sorted by slug), with the links it has chosen.

    A snapshot never changes, so the same link spec and tight areas always choose the same
    exercises: each choice (and each action, and each list of actions, built on one) is
    made once per snapshot and then reused.
    """

    def __init__(self, entries: Iterable[CatalogueEntry]) -> None:
        self.entries: tuple[CatalogueEntry, ...] = tuple(sorted(entries, key=lambda e: e.slug))
        # (id(spec), areas) -> links
        self._chosen: Made[list[ExerciseLink]] = {}
        # (code, id(definition), priority, timeframe, id(spec), areas) -> action and its JSON
        self._actions: Made[tuple[Action, bytes]] = {}
        # (id(ruleset), what decides the list) -> the answer's JSON from its actions on
        self._action_lists: Made[bytes] = {}

    def action_list(
        self, ruleset: Ruleset, key: tuple[object, ...], make: Callable[[], bytes]
    ) -> bytes:
        """The end of an answer's JSON, from its actions on (see Evaluation.ending), made by
        `make` once for each `key` (everything that decides the list, under this ruleset)
        and then reused: the same object for every answer with that key."""
        return _made(self._action_lists, (id(ruleset), *key), (ruleset,), make)

    def links(self, spec: LinkSpec, areas: Sequence[TightArea]) -> list[ExerciseLink]:
        key = (id(spec), tuple(areas))
        chosen: list[ExerciseLink] = _made(
            self._chosen, key, (spec,), lambda: choose_exercises(spec, self.entries, areas=areas)
        )
        return list(chosen)

    def action(
        self,
        code: ActionCode,
        definition: ActionDef,
        *,
        priority: int,
        timeframe: Timeframe,
        spec: LinkSpec | None,
        areas: Sequence[TightArea],
    ) -> tuple[Action, bytes]:
        """The action as answered, with its links, and its JSON: built once per snapshot for
        each combination, then shared (an Action is immutable)."""

        def make() -> tuple[Action, bytes]:
            action = Action(
                code=code,
                title=definition.title,
                detail=definition.detail,
                priority=priority,
                timeframe=timeframe,
                exercises=self.links(spec, areas) if spec is not None else [],
            )
            return action, _ACTION_JSON(action)

        key = (code, id(definition), priority, timeframe, id(spec), tuple(areas))
        return _made(self._actions, key, (definition, spec), make)


@dataclass
class Evaluation:
    """One assessment's answer, as the engine writes it.

    `json` is the answer (an AssessmentResult without an explanation), written from parts
    mostly made once per ruleset or catalogue snapshot: no model is built on the way, and
    `result` parses it into one only when someone reads it. The few fields that callers
    need at once (for storage and metrics) are kept beside it. Not to be changed once made
    (it is not frozen only because a frozen dataclass costs more to make, on every answer).
    """

    json: bytes
    # The end of `json`, from its actions on: the same object for every answer with the
    # same actions under the same ruleset and catalogue snapshot (see Catalogue.action_list),
    # so that what is made of it (its compressed form, for storage) can be made once.
    ending: bytes
    ruleset_version: str
    severity: Severity
    triage_level: TriageLevel
    # The explanation as plain JSON-ready data (empty of rules unless asked for with
    # `explain`), turned into a model only when someone reads it.
    trace: dict[str, Any]

    @cached_property
    def result(self) -> AssessmentResult:
        return AssessmentResult.model_validate_json(self.json)

    @property
    def explanation(self) -> Explanation:
        return Explanation.model_validate(self.trace)


class _Factor(NamedTuple):
    """A risk factor that fired: what later rules read (code, level) and its JSON."""

    code: RiskFactorCode
    level: RiskLevel
    json: bytes


# Placeholders each risk-factor template may use, per reason; checked when the ruleset loads.
TEMPLATE_FIELDS: dict[RiskFactorCode, dict[str | None, tuple[str, ...]]] = {
    RiskFactorCode.training_volume_spike: {
        "ratio": ("weekly_distance_km", "baseline_weekly_distance_km", "load_ratio"),
        "from_zero": ("weekly_distance_km",),
    },
    RiskFactorCode.intensity_increase: {"intensity": (), "speed_sessions": (), "both": ()},
    RiskFactorCode.training_type_change: {None: ()},
    RiskFactorCode.prolonged_sitting: {
        "hours": ("hours_per_day",),
        "bout": ("longest_bout_minutes",),
        "both": ("hours_per_day", "longest_bout_minutes"),
    },
    RiskFactorCode.sit_then_run: {None: ()},
    RiskFactorCode.acute_episode: {
        "severe": ("pain",),
        "locked_up": (),
        "both": ("pain",),
    },
    RiskFactorCode.lifting_related_onset: {None: ()},
    RiskFactorCode.persistent_symptoms: {None: ("duration_days",)},
    RiskFactorCode.core_control: {
        "new_runner": ("running_experience_months",),
        "pushing_hard": (),
        "both": ("running_experience_months",),
    },
    RiskFactorCode.myofascial_tension: {None: ("areas",)},
    RiskFactorCode.recurrent_episodes: {
        "reported": (),
        "history": ("earlier_painful_assessments",),
        "both": ("earlier_painful_assessments",),
    },
    RiskFactorCode.radiating_leg_pain: {None: ()},
    RiskFactorCode.age_over_50_new_episode: {None: ("age_years",)},
}

LOAD_FACTORS = (
    RiskFactorCode.training_volume_spike,
    RiskFactorCode.intensity_increase,
    RiskFactorCode.training_type_change,
)
RED_FLAG_ACTIONS = (ActionCode.seek_emergency_care, ActionCode.see_doctor_urgently)
LONG_TERM_ACTIONS = (
    ActionCode.stretch_and_foam_roll,
    ActionCode.strength_training,
    ActionCode.plan_gradual_progression,
)


def _template(definition: RiskFactorDef, variant: str | None) -> str | None:
    """A risk factor's explanation template for `variant` (None: its only one)."""
    if variant is None:
        return definition.explanation
    return (definition.explanations or {}).get(variant)


def check_templates(ruleset: Ruleset) -> None:
    """Every risk-factor template exists for each reason and uses only known placeholders."""
    for code, variants in TEMPLATE_FIELDS.items():
        definition = ruleset.risk_factor(code)
        for variant, names in variants.items():
            template = _template(definition, variant)
            where = f"risk_factors.{code}" + (f".explanations.{variant}" if variant else "")
            if template is None:
                raise RulesetError(f"ruleset.toml: {where}: missing")
            try:
                template.format(**dict.fromkeys(names, "x"))
            except (KeyError, IndexError, ValueError) as error:
                raise RulesetError(f"ruleset.toml: {where}: bad placeholder {error}") from None
    if ruleset.threshold("minimum_age_years") != MINIMUM_AGE_YEARS:
        raise RulesetError(
            "ruleset.toml: thresholds.minimum_age_years must equal the request schema's "
            f"minimum ({MINIMUM_AGE_YEARS})"
        )


def severity_of(worst_pain: int, ruleset: Ruleset) -> Severity:
    bands = ruleset.pain_scale
    if worst_pain >= bands.severe_from:
        return _Severity.severe
    if worst_pain >= bands.moderate_from:
        return _Severity.moderate
    if worst_pain >= bands.mild_from:
        return _Severity.mild
    return _Severity.none


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    """Enum members as their values, so a trace is plain JSON data."""
    return {k: v.value if isinstance(v, StrEnum) else v for k, v in values.items()}


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


# --- The evaluation state ------------------------------------------------------------------

# The contract's orders, as lookups (iterating an Enum is slow, and this runs per request).
RED_FLAG_ORDER = tuple(RedFlagCode)
ACTION_INDEX = {code: index for index, code in enumerate(ActionCode)}
FACTOR_ORDER = tuple(RiskFactorCode)


class _State:
    """One evaluation: the request as the rules read it, and what the rules have set so far.

    When tracing (`explain`), each rule leaves what it read in `inputs`, and the effects
    below record what it did in `effects`; `assess` turns both into the rule's trace."""

    __slots__ = (
        "actions",
        "activities",
        "any_pain",
        "catalogue",
        "earlier_painful",
        "effects",
        "factors",
        "inputs",
        "parts",
        "red_flags",
        "request",
        "ruleset",
        "running",
        "running_detail",
        "severity",
        "severity_value",
        "sitting",
        "symptoms",
        "tight_areas",
        "tracing",
        "training",
        "triage",
        "triage_reason",
    )

    def __init__(
        self,
        request: AssessmentInput,
        ruleset: Ruleset,
        catalogue: Catalogue,
        parts: _AnswerParts,
        earlier_painful: int,
        tracing: bool,
    ) -> None:
        # Each section read once: an attribute of a pydantic model is read through the hook
        # of BaseModel.__getattr__, which the interpreter cannot specialise.
        symptoms = self.symptoms = request.symptoms
        self.training = request.training
        self.sitting = request.sitting
        self.activities = request.activities
        self.request = request
        self.ruleset = ruleset
        self.catalogue = catalogue
        self.parts = parts
        self.earlier_painful = earlier_painful
        self.severity = severity_of(symptoms.worst if symptoms else 0, ruleset)
        self.any_pain = self.severity is not _Severity.none
        # For the evidence: pydantic writes a str several times faster than an Enum member.
        self.severity_value: str = self.severity.value
        reported = symptoms.red_flags if symptoms else ()
        # The reported red flags, each once, in the contract's order (emergency first).
        self.red_flags = [code for code in RED_FLAG_ORDER if code in reported] if reported else []
        self.tight_areas: list[TightArea] = list(symptoms.tight_areas) if symptoms else []
        self.triage = _TriageLevel.self_care
        self.triage_reason = "self_care"
        self.running = _RunningAdvice.continue_
        self.running_detail = "continue"
        self.factors: dict[RiskFactorCode, _Factor] = {}
        self.actions: dict[ActionCode, Timeframe | None] = {}
        self.tracing = tracing
        self.inputs: dict[str, Any] | None = None
        self.effects: dict[str, Any] = {}

    # Effects. Each records itself for the rule being evaluated, for the explanation.

    def raise_triage(self, level: TriageLevel, reason: str) -> None:
        if self.tracing:
            self.effects["triage"] = level.value
        if RANKS[level] > RANKS[self.triage]:
            self.triage, self.triage_reason = level, reason

    def tighten_running(self, advice: RunningAdvice, detail: str) -> None:
        if self.tracing:
            self.effects["running"] = advice.value
        if RANKS[advice] > RANKS[self.running]:
            self.running, self.running_detail = advice, detail

    def add_actions(self, *codes: ActionCode, timeframe: Timeframe | None = None) -> None:
        if self.tracing and codes:
            self.effects.setdefault("actions", []).extend(code.value for code in codes)
        actions = self.actions
        for code in codes:
            if timeframe is not None or code not in actions:
                actions[code] = timeframe

    def add_factor(
        self,
        code: RiskFactorCode,
        evidence: Evidence,
        *,
        variant: str | None = None,
        values: dict[str, Any] | None = None,
        level: RiskLevel | None = None,
    ) -> None:
        if self.tracing:
            self.effects.setdefault("risk_factors", []).append(code.value)
        actual, head, template, tail = self.parts.risk_factor(code, level, variant)
        # A RiskFactor's JSON, written around the parts that vary (a test holds it to the
        # model's own serialisation).
        self.factors[code] = _Factor(
            code,
            actual,
            b"".join(
                (
                    head,
                    to_json(template.format_map(values or {})),
                    b',"evidence":',
                    to_json(evidence),
                    tail,
                )
            ),
        )


# --- The rules, in the contract's numbering --------------------------------------------------


class Rule(NamedTuple):
    """One rule: its number and name in the contract, what it does, the ruleset thresholds
    it compares against, and `check`, which applies it to an evaluation and says whether it
    fired (when tracing, it leaves what it read in `state.inputs`, before it changes
    anything)."""

    number: str
    name: str
    description: str
    thresholds: tuple[str, ...]
    check: Callable[[_State], bool]


def rule(
    number: str, name: str, description: str, *thresholds: str
) -> Callable[[Callable[[_State], bool]], Rule]:
    """Declare the function below as rule `number`."""

    def declare(check: Callable[[_State], bool]) -> Rule:
        return Rule(number, name, description, thresholds, check)

    return declare


def _refer_to_physiotherapist(
    state: _State,
    code: RiskFactorCode,
    evidence: Evidence,
    values: dict[str, Any] | None = None,
) -> None:
    """A risk factor for a physiotherapist to look at: the factor, triage `see_physio` for
    that reason (each such reason is named after its factor), and the action."""
    state.add_factor(code, evidence, values=values)
    state.raise_triage(_TriageLevel.see_physio, code.value)
    state.add_actions(_ActionCode.see_physiotherapist)


def _flags_at(state: _State, level: RedFlagLevel) -> list[RedFlagCode]:
    return [c for c in state.red_flags if state.ruleset.red_flag(c).level is level]


@rule(
    "R1",
    "emergency_red_flags",
    "Any emergency red flag: emergency care now; nothing is listed above it.",
)
def rule_1_emergency_red_flags(state: _State) -> bool:
    flags = _flags_at(state, _RedFlagLevel.emergency)
    if state.tracing:
        state.inputs = {"emergency_red_flags": [f.value for f in flags]}
    if not flags:
        return False
    state.raise_triage(_TriageLevel.emergency, "emergency")
    state.tighten_running(_RunningAdvice.stop, "red_flag")
    state.add_actions(_ActionCode.seek_emergency_care)
    return True


@rule("R2", "urgent_red_flags", "Else any urgent red flag: see a doctor today.")
def rule_2_urgent_red_flags(state: _State) -> bool:
    urgent = _flags_at(state, _RedFlagLevel.urgent)
    emergency = _flags_at(state, _RedFlagLevel.emergency)
    if state.tracing:
        state.inputs = {
            "urgent_red_flags": [f.value for f in urgent],
            "emergency_red_flags": len(emergency),
        }
    if not urgent or emergency:
        return False
    state.raise_triage(_TriageLevel.urgent, "urgent")
    state.tighten_running(_RunningAdvice.stop, "red_flag")
    state.add_actions(_ActionCode.see_doctor_urgently)
    return True


@rule(
    "R3",
    "acute_episode",
    "Severe pain or a locked-up back (with pain): an acute episode; stop running.",
)
def rule_3_acute_episode(state: _State) -> bool:
    symptoms = state.symptoms
    locked_up = bool(symptoms and symptoms.locked_up)
    severe = state.severity is _Severity.severe
    activities = state.activities
    loads = bool(activities and (activities.weight_training or activities.high_impact_classes))
    if state.tracing:
        state.inputs = {
            "severity": state.severity_value,
            "locked_up": locked_up,
            "weight_training_or_high_impact": loads,
        }
    if not state.any_pain or not (severe or locked_up):
        return False
    assert symptoms is not None
    variant = "both" if severe and locked_up else ("severe" if severe else "locked_up")
    state.add_factor(
        _RiskFactorCode.acute_episode,
        {
            "pain_now": symptoms.pain_now,
            "pain_worst_24h": symptoms.pain_worst_24h,
            "severity": state.severity_value,
            "locked_up": locked_up,
        },
        variant=variant,
        values={"pain": symptoms.worst},
    )
    state.tighten_running(_RunningAdvice.stop, "acute_episode")
    state.raise_triage(_TriageLevel.see_physio, "acute_episode")
    state.add_actions(
        _ActionCode.stay_calm, _ActionCode.gentle_stretching, _ActionCode.see_physiotherapist
    )
    if loads:
        state.add_actions(_ActionCode.avoid_weights_and_high_impact)
    return True


@rule("R4", "moderate_pain", "Moderate pain: pause running; see a physiotherapist.")
def rule_4_moderate_pain(state: _State) -> bool:
    if state.tracing:
        state.inputs = {"severity": state.severity_value}
    if state.severity is not _Severity.moderate:
        return False
    state.tighten_running(_RunningAdvice.pause, "moderate_pain")
    state.raise_triage(_TriageLevel.see_physio, "moderate_pain")
    state.add_actions(_ActionCode.gentle_stretching, _ActionCode.stay_mobile_change_position)
    return True


@rule(
    "R5",
    "mild_pain",
    "Mild pain: self-care; reduce running if a training-load factor fired.",
)
def rule_5_mild_pain(state: _State) -> bool:
    factors = state.factors
    if state.tracing:
        state.inputs = {
            "severity": state.severity_value,
            "training_load_factors": [c.value for c in LOAD_FACTORS if c in factors],
        }
    if state.severity is not _Severity.mild:
        return False
    state.raise_triage(_TriageLevel.self_care, "self_care")
    if any(code in factors for code in LOAD_FACTORS):
        state.tighten_running(_RunningAdvice.reduce, "load_and_mild_pain")
    else:
        state.tighten_running(_RunningAdvice.continue_, "continue")
    state.add_actions(_ActionCode.gentle_stretching, _ActionCode.core_and_postural_work)
    return True


@rule("R6", "no_pain", "No pain: prevention; reduce running only for a high volume spike.")
def rule_6_no_pain(state: _State) -> bool:
    spike = state.factors.get(_RiskFactorCode.training_volume_spike)
    high_spike = spike is not None and spike.level is _RiskLevel.high
    if state.tracing:
        state.inputs = {"severity": state.severity_value, "high_volume_spike": high_spike}
    if state.any_pain:
        return False
    state.raise_triage(_TriageLevel.self_care, "self_care")
    if high_spike:
        state.tighten_running(_RunningAdvice.reduce, "high_spike")
    else:
        state.tighten_running(_RunningAdvice.continue_, "continue")
    return True


@rule(
    "R7",
    "training_load_ratio",
    "Weekly distance against the 4-week baseline above the moderate or high ratio; a "
    "baseline of 0 with running this week is a high spike.",
    "load_ratio_moderate",
    "load_ratio_high",
)
def rule_7_load_ratio(state: _State) -> bool:
    training = state.training
    weekly = training.weekly_distance_km if training else None
    baseline = training.baseline_weekly_distance_km if training else None
    # Compared unrounded (1.1001 is above 1.1); rounded only where it is shown.
    exact = weekly / baseline if weekly is not None and baseline else None
    if exact is not None and not math.isfinite(exact):
        exact = None  # a baseline too small to divide by: as good as none (below)
    ratio = round(exact, 3) if exact is not None else None
    if state.tracing:
        state.inputs = {
            "weekly_distance_km": weekly,
            "baseline_weekly_distance_km": baseline,
            "load_ratio": ratio,
        }
    if weekly is None or baseline is None:
        return False
    if baseline == 0 or exact is None:
        if weekly == 0:
            return False
        level, variant = _RiskLevel.high, "from_zero"
    elif exact > state.ruleset.threshold("load_ratio_high"):
        level, variant = _RiskLevel.high, "ratio"
    elif exact > state.ruleset.threshold("load_ratio_moderate"):
        level, variant = _RiskLevel.moderate, "ratio"
    else:
        return False
    state.add_factor(
        _RiskFactorCode.training_volume_spike,
        {
            "weekly_distance_km": weekly,
            "baseline_weekly_distance_km": baseline,
            "load_ratio": ratio,
        },
        variant=variant,
        level=level,
        values={
            "weekly_distance_km": _number(weekly),
            "baseline_weekly_distance_km": _number(baseline),
            "load_ratio": f"{ratio:.2f}" if ratio is not None else "",
        },
    )
    state.add_actions(_ActionCode.reduce_training_load, _ActionCode.plan_gradual_progression)
    return True


@rule(
    "R8",
    "intensity_and_training_type",
    "Intensity increased or speed sessions added; or a new kind of training.",
)
def rule_8_intensity_and_type(state: _State) -> bool:
    training = state.training
    if state.tracing:
        state.inputs = {
            "intensity_change": training.intensity_change.value if training else None,
            "added_speed_sessions": bool(training and training.added_speed_sessions),
            "new_training_type": bool(training and training.new_training_type),
        }
    if training is None:
        return False
    increased = training.intensity_change is _IntensityChange.increased
    speed = training.added_speed_sessions
    new_type = training.new_training_type
    if not (increased or speed or new_type):
        return False
    if increased or speed:
        variant = (
            "both" if increased and speed else ("intensity" if increased else "speed_sessions")
        )
        state.add_factor(
            _RiskFactorCode.intensity_increase,
            {
                "intensity_change": training.intensity_change.value,
                "added_speed_sessions": speed,
            },
            variant=variant,
        )
    if new_type:
        state.add_factor(_RiskFactorCode.training_type_change, {"new_training_type": True})
    state.add_actions(_ActionCode.plan_gradual_progression)
    return True


@rule(
    "R9",
    "sitting",
    "Long seated hours or a long unbroken bout: prolonged sitting; running straight after "
    "sitting: sit then run.",
    "sitting_hours_per_day",
    "sitting_bout_minutes",
)
def rule_9_sitting(state: _State) -> bool:
    sitting = state.sitting
    hours = sitting.hours_per_day if sitting else None
    bout = sitting.longest_bout_minutes if sitting else None
    straight = bool(sitting and sitting.runs_straight_after_sitting)
    if state.tracing:
        state.inputs = {
            "hours_per_day": hours,
            "longest_bout_minutes": bout,
            "runs_straight_after_sitting": straight,
        }
    threshold = state.ruleset.threshold
    long_hours = hours is not None and hours >= threshold("sitting_hours_per_day")
    long_bout = bout is not None and bout >= threshold("sitting_bout_minutes")
    if not (long_hours or long_bout or straight):
        return False
    if long_hours or long_bout:
        variant = "both" if long_hours and long_bout else ("hours" if long_hours else "bout")
        state.add_factor(
            _RiskFactorCode.prolonged_sitting,
            {"hours_per_day": hours, "longest_bout_minutes": bout},
            variant=variant,
            values={
                "hours_per_day": _number(hours) if hours is not None else "",
                "longest_bout_minutes": bout if bout is not None else "",
            },
        )
        state.add_actions(_ActionCode.stay_mobile_change_position)
    if straight:
        state.add_factor(_RiskFactorCode.sit_then_run, {"runs_straight_after_sitting": True})
        state.add_actions(_ActionCode.mobilise_before_running)
    return True


@rule(
    "R10",
    "muscle_tightness",
    "Tight areas reported: myofascial tension; stretch and foam roll those areas.",
)
def rule_10_tightness(state: _State) -> bool:
    areas = state.tight_areas
    if state.tracing:
        state.inputs = {"tight_areas": [a.value for a in areas]}
    if not areas:
        return False
    names = state.ruleset.area_names
    state.add_factor(
        _RiskFactorCode.myofascial_tension,
        # (`_value_`: the member's value, without the `value` property's cost)
        {"tight_areas": [a._value_ for a in areas]},
        values={"areas": ", ".join([names[a] for a in areas])},
    )
    state.add_actions(_ActionCode.stretch_and_foam_roll)
    return True


@rule(
    "R11",
    "lifting_related_onset",
    "Pain that began with lifting (possible facet joint irritation): see a physiotherapist.",
)
def rule_11_lifting(state: _State) -> bool:
    lifting = bool(state.symptoms and state.symptoms.after_lifting)
    if state.tracing:
        state.inputs = {"after_lifting": lifting, "severity": state.severity_value}
    if not (lifting and state.any_pain):
        return False
    _refer_to_physiotherapist(
        state,
        _RiskFactorCode.lifting_related_onset,
        {"after_lifting": True, "severity": state.severity_value},
    )
    return True


@rule(
    "R12",
    "persistent_symptoms",
    "Pain for longer than the persistent-duration threshold: see a physiotherapist.",
    "persistent_duration_days",
)
def rule_12_persistent(state: _State) -> bool:
    days = state.symptoms.duration_days if state.symptoms else None
    if state.tracing:
        state.inputs = {"duration_days": days, "severity": state.severity_value}
    if not (
        state.any_pain
        and days is not None
        and days > state.ruleset.threshold("persistent_duration_days")
    ):
        return False
    _refer_to_physiotherapist(
        state,
        _RiskFactorCode.persistent_symptoms,
        {"duration_days": days},
        values={"duration_days": days},
    )
    return True


@rule(
    "R13",
    "core_control",
    "New to running, or pain while training harder: core and posture work.",
    "new_runner_months",
)
def rule_13_core_control(state: _State) -> bool:
    training = state.training
    months = training.running_experience_months if training else None
    harder = _RiskFactorCode.intensity_increase in state.factors
    if state.tracing:
        state.inputs = {
            "running_experience_months": months,
            "intensity_increase": harder,
            "severity": state.severity_value,
        }
    new_runner = months is not None and months < state.ruleset.threshold("new_runner_months")
    pushing = state.any_pain and harder
    if not (new_runner or pushing):
        return False
    variant = "both" if new_runner and pushing else ("new_runner" if new_runner else "pushing_hard")
    state.add_factor(
        _RiskFactorCode.core_control,
        {
            "running_experience_months": months,
            "intensity_increase": harder,
            "severity": state.severity_value,
        },
        variant=variant,
        values={"running_experience_months": months if months is not None else ""},
    )
    state.add_actions(_ActionCode.core_and_postural_work)
    return True


@rule(
    "R14",
    "recurrent_episodes",
    "Reported recurrence, or enough earlier painful assessments of the subject within the "
    "history window.",
    "history_painful_assessments",
    "history_window_days",
)
def rule_14_recurrence(state: _State) -> bool:
    reported = bool(state.symptoms and state.symptoms.recurrent)
    if state.tracing:
        state.inputs = {"recurrent": reported, "earlier_painful_assessments": state.earlier_painful}
    threshold = state.ruleset.threshold
    from_history = state.earlier_painful >= threshold("history_painful_assessments")
    if not (reported or from_history):
        return False
    variant = "both" if reported and from_history else ("reported" if reported else "history")
    state.add_factor(
        _RiskFactorCode.recurrent_episodes,
        {
            "recurrent": reported,
            "earlier_painful_assessments": state.earlier_painful,
            "history_window_days": int(threshold("history_window_days")),
        },
        variant=variant,
        values={"earlier_painful_assessments": state.earlier_painful},
    )
    state.add_actions(_ActionCode.running_technique_analysis, _ActionCode.strength_training)
    return True


@rule(
    "R15",
    "radiating_leg_pain",
    "Symptoms spreading below the knee: see a physiotherapist.",
)
def rule_15_leg_symptoms(state: _State) -> bool:
    symptoms = state.symptoms
    leg = symptoms.leg_symptoms if symptoms else _LegSymptoms.none
    if state.tracing:
        state.inputs = {"leg_symptoms": leg.value}
    if leg is not _LegSymptoms.below_knee:
        return False
    _refer_to_physiotherapist(
        state, _RiskFactorCode.radiating_leg_pain, {"leg_symptoms": leg.value}
    )
    return True


@rule(
    "R16",
    "age_over_50_new_episode",
    "At or over the age threshold, in pain, and not a recurrence: a clinician should look.",
    "age_new_episode_years",
)
def rule_16_age(state: _State) -> bool:
    age = state.request.age_years
    recurrent = _RiskFactorCode.recurrent_episodes in state.factors
    if state.tracing:
        state.inputs = {
            "age_years": age,
            "severity": state.severity_value,
            "recurrent_episodes": recurrent,
        }
    if (
        age is None
        or age < state.ruleset.threshold("age_new_episode_years")
        or not state.any_pain
        or recurrent
    ):
        return False
    _refer_to_physiotherapist(
        state,
        _RiskFactorCode.age_over_50_new_episode,
        {"age_years": age, "severity": state.severity_value},
        values={"age_years": age},
    )
    return True


@rule(
    "R17",
    "any_pain",
    "Any pain: stay calm, see a physiotherapist, and the long-term trio (stretch and foam "
    "roll, strength, gradual progression) as ongoing.",
)
def rule_17_any_pain(state: _State) -> bool:
    if state.tracing:
        state.inputs = {"severity": state.severity_value}
    if not state.any_pain:
        return False
    state.add_actions(_ActionCode.stay_calm, _ActionCode.see_physiotherapist)
    state.add_actions(*LONG_TERM_ACTIONS, timeframe=_Timeframe.ongoing)
    return True


# Evaluation order: red flags first; load factors before the pain rules that read them;
# recurrence before the age rule that reads it; "any pain" last, when triage is known.
RULES = (
    rule_1_emergency_red_flags,
    rule_2_urgent_red_flags,
    rule_7_load_ratio,
    rule_8_intensity_and_type,
    rule_9_sitting,
    rule_10_tightness,
    rule_3_acute_episode,
    rule_4_moderate_pain,
    rule_11_lifting,
    rule_12_persistent,
    rule_13_core_control,
    rule_14_recurrence,
    rule_15_leg_symptoms,
    rule_16_age,
    rule_5_mild_pain,
    rule_6_no_pain,
    rule_17_any_pain,
)
# What assess runs when it does not trace: each rule's function, looked up once.
_CHECKS = tuple(declared.check for declared in RULES)


# --- Exercise links ---------------------------------------------------------------------------


def _link(entry: CatalogueEntry) -> ExerciseLink:
    return ExerciseLink(slug=entry.slug, name=entry.name, href=entry.href)


def _matches(entry: CatalogueEntry, spec: LinkSpec) -> bool:
    return (
        entry.category in spec.categories
        and (not spec.phases or any(p in entry.phases for p in spec.phases))
        and (not spec.difficulties or entry.difficulty in spec.difficulties)
    )


def choose_exercises(
    spec: LinkSpec, catalogue: Sequence[CatalogueEntry], *, areas: Sequence[TightArea] = ()
) -> list[ExerciseLink]:
    """The catalogue's exercises for one action, deterministically (catalogue sorted by slug).

    Explicit slugs keep their order and drop any that are not in the catalogue. Per-area
    specs cover every area: for each, one exercise of each category in turn, then more.
    """
    by_slug = {entry.slug: entry for entry in catalogue}
    if spec.slugs:
        return [_link(by_slug[s]) for s in spec.slugs if s in by_slug]
    ordered = sorted(
        (e for e in catalogue if _matches(e, spec)),
        key=lambda e: ([c.value for c in spec.categories].index(e.category), e.slug),
    )
    if spec.per_area is None:
        return [_link(e) for e in ordered[: spec.limit]]
    chosen: list[CatalogueEntry] = []
    for area in areas or spec.general_areas:
        candidates = [e for e in ordered if area.value in e.target_areas]
        picked: list[CatalogueEntry] = []
        for category in spec.categories:  # one of each category first
            first = next((e for e in candidates if e.category == category), None)
            if first is not None and len(picked) < spec.per_area:
                picked.append(first)
        picked += [e for e in candidates if e not in picked][: spec.per_area - len(picked)]
        chosen += [e for e in picked if e not in chosen]
    return [_link(e) for e in chosen]


def _action(
    state: _State, code: ActionCode, priority: int, timeframe: Timeframe
) -> tuple[Action, bytes]:
    definition = state.ruleset.action(code)
    acute = _RiskFactorCode.acute_episode in state.factors
    spec = definition.acute_links if acute and definition.acute_links else definition.links
    areas = state.tight_areas if spec and code is _ActionCode.stretch_and_foam_roll else ()
    return state.catalogue.action(
        code, definition, priority=priority, timeframe=timeframe, spec=spec, areas=areas
    )


# --- Assembling the answer -------------------------------------------------------------------


def _physio_timeframe(state: _State) -> Timeframe:
    if state.triage in (_TriageLevel.urgent, _TriageLevel.emergency):
        return _Timeframe.ongoing  # after the medical care comes first
    if _RiskFactorCode.acute_episode in state.factors:
        return _Timeframe.today
    if state.triage is _TriageLevel.see_physio:
        return _Timeframe.this_week
    return _Timeframe.ongoing  # if it is not settling within two weeks


def _ending(state: _State) -> bytes:
    """The end of the answer's JSON: its actions, in order, and what follows them."""
    if state.running is _RunningAdvice.stop:
        state.actions.setdefault(_ActionCode.stop_running, None)
    actions = state.actions
    # Everything the list depends on besides the ruleset and the catalogue: the actions with
    # their timeframes, the physiotherapist's timeframe, the acute links, the tight areas.
    key = (
        tuple(actions.items()),
        _physio_timeframe(state) if _ActionCode.see_physiotherapist in actions else None,
        _RiskFactorCode.acute_episode in state.factors,
        tuple(state.tight_areas) if _ActionCode.stretch_and_foam_roll in actions else (),
    )
    return state.catalogue.action_list(
        state.ruleset,
        key,
        lambda: (
            b'"actions":[%s],%s'
            % (b",".join(json for _, json in _actions(state)), state.parts.tail)
        ),
    )


def _actions(state: _State) -> list[tuple[Action, bytes]]:
    planned: list[tuple[ActionCode, Timeframe]] = []
    for code, override in state.actions.items():
        if code is _ActionCode.see_physiotherapist:
            timeframe = _physio_timeframe(state)
        else:
            timeframe = override or state.ruleset.action(code).timeframe
        planned.append((code, timeframe))
    planned.sort(key=lambda p: (p[0] not in RED_FLAG_ACTIONS, p[1].rank, ACTION_INDEX[p[0]]))
    return [
        _action(state, code, priority, timeframe)
        for priority, (code, timeframe) in enumerate(planned, start=1)
    ]


_ACTION_JSON = Action.__pydantic_serializer__.to_json


class _AnswerParts:
    """What an answer takes from the ruleset alone (triage, running, red flags, the fixed
    parts of risk factors and of the answer), each written to JSON once per ruleset."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        version = to_json(ruleset.version)
        self.head = {
            severity: b'{"ruleset_version":%s,"severity":%s,"triage":'
            % (version, to_json(severity.value))
            for severity in Severity
        }
        self.tail = b'"disclaimer":%s}' % to_json(ruleset.disclaimer)
        self._triage: dict[tuple[TriageLevel, str], bytes] = {}
        self._running: dict[tuple[RunningAdvice, str], bytes] = {}
        self._red_flags: dict[RedFlagCode, bytes] = {}
        self._factors: dict[
            tuple[RiskFactorCode, RiskLevel | None], tuple[RiskLevel, bytes, bytes]
        ] = {}
        self._templates: dict[tuple[RiskFactorCode, str | None], str] = {}
        self._risk_factors: dict[
            tuple[RiskFactorCode, RiskLevel | None, str | None], tuple[RiskLevel, bytes, str, bytes]
        ] = {}

    def factor(
        self, code: RiskFactorCode, level: RiskLevel | None
    ) -> tuple[RiskLevel, bytes, bytes]:
        """A risk factor's level (the ruleset's unless a rule set it), and its JSON before
        the explanation and after the evidence."""
        hit = self._factors.get((code, level))
        if hit is None:
            definition = self.ruleset.risk_factor(code)
            actual = level or RiskLevel(definition.level)
            head = b'{"code":%s,"title":%s,"level":%s,"explanation":' % (
                to_json(code.value),
                to_json(definition.title),
                to_json(actual.value),
            )
            tail = b',"sources":%s}' % to_json(self.ruleset.sources(definition.sources))
            hit = self._factors[(code, level)] = (actual, head, tail)
        return hit

    def template(self, code: RiskFactorCode, variant: str | None) -> str:
        """A risk factor's explanation template for the reason `variant`."""
        template = self._templates.get((code, variant))
        if template is None:
            template = _template(self.ruleset.risk_factor(code), variant)
            assert template is not None  # guaranteed by check_templates
            self._templates[(code, variant)] = template
        return template

    def risk_factor(
        self, code: RiskFactorCode, level: RiskLevel | None, variant: str | None
    ) -> tuple[RiskLevel, bytes, str, bytes]:
        """`factor` and `template` together, in one lookup: a risk factor's level, its JSON
        before the explanation, the explanation's template, and its JSON after the evidence."""
        key = (code, level, variant)
        hit = self._risk_factors.get(key)
        if hit is None:
            actual, head, tail = self.factor(code, level)
            hit = self._risk_factors[key] = (actual, head, self.template(code, variant), tail)
        return hit

    def triage(self, level: TriageLevel, reason: str) -> bytes:
        return _written(
            self._triage,
            (level, reason),
            lambda: Triage(level=level, reason=self.ruleset.triage_reasons[reason]),
        )

    def running(self, advice: RunningAdvice, detail: str) -> bytes:
        return _written(
            self._running,
            (advice, detail),
            lambda: Running(advice=advice, detail=self.ruleset.running_details[detail]),
        )

    def red_flag(self, code: RedFlagCode) -> bytes:
        definition = self.ruleset.red_flag(code)
        return _written(
            self._red_flags,
            code,
            lambda: RedFlag(code=code, title=definition.title, level=definition.level),
        )


K = TypeVar("K")


def _written(cache: dict[K, bytes], key: K, make: Callable[[], BaseModel]) -> bytes:
    """`cache[key]`: a model's JSON, the model made on first use."""
    written = cache.get(key)
    if written is None:
        model = make()
        written = cache[key] = model.__pydantic_serializer__.to_json(model)
    return written


_parts: _AnswerParts | None = None


def _answer_parts(ruleset: Ruleset) -> _AnswerParts:
    # One ruleset serves in production; tests that load others rebuild the parts.
    global _parts
    parts = _parts
    if parts is None or parts.ruleset is not ruleset:
        parts = _parts = _AnswerParts(ruleset)
    return parts


def assess(
    request: AssessmentInput,
    *,
    ruleset: Ruleset,
    catalogue: Catalogue | Sequence[CatalogueEntry],
    earlier_painful_assessments: int = 0,
    explain: bool = True,
) -> Evaluation:
    """Assess one request.

    `catalogue` is the live exercise catalogue (sorted by slug); `earlier_painful_assessments`
    counts the subject's earlier stored assessments with pain inside the history window
    (never the current request). With `explain=False` the rules are not traced (the answer
    is the same; `Evaluation.trace` then lists no rules).
    """
    parts = _answer_parts(ruleset)
    state = _State(
        request,
        ruleset,
        catalogue if isinstance(catalogue, Catalogue) else Catalogue(catalogue),
        parts,
        earlier_painful_assessments,
        explain,
    )
    traces: list[dict[str, Any]] = []
    if explain:
        for declared in RULES:
            state.inputs, state.effects = None, {}
            fired = declared.check(state)
            if state.inputs is None:  # a rule's trace must show what that rule read
                raise AssertionError(f"rule {declared.number} did not leave its inputs")
            # The shape of RuleTrace, kept as plain data (see Evaluation.trace).
            traces.append(
                {
                    "rule": declared.number,
                    "name": declared.name,
                    "description": declared.description,
                    "fired": fired,
                    "inputs": _jsonable(state.inputs),
                    "thresholds": {t: ruleset.threshold(t) for t in declared.thresholds},
                    "effects": state.effects if fired else {},
                }
            )
    else:
        for check in _CHECKS:
            check(state)
    ending = _ending(state)
    factors = state.factors
    # An AssessmentResult's JSON (a test holds it to the model's own serialisation), from
    # parts written once per ruleset or catalogue snapshot; only the risk factors are new.
    json = b"".join(
        (
            parts.head[state.severity],
            parts.triage(state.triage, state.triage_reason),
            b',"running":',
            parts.running(state.running, state.running_detail),
            b',"risk_factors":[',
            b",".join([factors[code].json for code in FACTOR_ORDER if code in factors]),
            b'],"red_flags":[',
            b",".join([parts.red_flag(code) for code in state.red_flags]),
            b"],",
            ending,
        )
    )
    trace = {
        "ruleset_version": ruleset.version,
        "severity": state.severity_value,
        "pain_scale": ruleset.pain_scale.scheme,
        "rules": sorted(traces, key=lambda t: int(t["rule"][1:])),
    }
    return Evaluation(
        json=json,
        ending=ending,
        ruleset_version=ruleset.version,
        severity=state.severity,
        triage_level=state.triage,
        trace=trace,
    )
