"""The names the public contract fixes (`shared/domain/assessment-contract.md`), written out
here rather than read from app code, so that a renamed or removed code fails a test.

Also small helpers that read an answer the way an integrator would.
"""

from __future__ import annotations

from typing import Any

from app.rules.outputs import Action, AssessmentResult, RiskFactor

EMERGENCY_FLAGS = (
    "saddle_anaesthesia",
    "bladder_or_bowel_dysfunction",
    "sexual_dysfunction",
    "progressive_leg_weakness",
    "bilateral_leg_symptoms",
)
URGENT_FLAGS = (
    "fever_or_unwell",
    "history_of_cancer",
    "unexplained_weight_loss",
    "significant_trauma",
    "constant_night_pain",
    "immunosuppression",
    "long_term_steroid_use",
)
RED_FLAGS = EMERGENCY_FLAGS + URGENT_FLAGS

RISK_FACTORS = (
    "training_volume_spike",
    "intensity_increase",
    "training_type_change",
    "prolonged_sitting",
    "sit_then_run",
    "acute_episode",
    "lifting_related_onset",
    "persistent_symptoms",
    "core_control",
    "myofascial_tension",
    "recurrent_episodes",
    "radiating_leg_pain",
    "age_over_50_new_episode",
)
LOAD_FACTORS = ("training_volume_spike", "intensity_increase", "training_type_change")

# In the contract's order, which breaks ties between actions of the same timeframe.
ACTIONS = (
    "seek_emergency_care",
    "see_doctor_urgently",
    "see_physiotherapist",
    "stay_calm",
    "stop_running",
    "reduce_training_load",
    "plan_gradual_progression",
    "gentle_stretching",
    "stay_mobile_change_position",
    "mobilise_before_running",
    "core_and_postural_work",
    "avoid_weights_and_high_impact",
    "stretch_and_foam_roll",
    "strength_training",
    "running_technique_analysis",
)
RED_FLAG_ACTIONS = ("seek_emergency_care", "see_doctor_urgently")
LONG_TERM_TRIO = ("stretch_and_foam_roll", "strength_training", "plan_gradual_progression")

TIGHT_AREAS = ("lower_back", "hip_flexors", "glutes", "hamstrings", "quads", "thoracic_spine")

# Lowest first.
TRIAGE_ORDER = ("self_care", "see_physio", "urgent", "emergency")
RUNNING_ORDER = ("continue", "reduce", "pause", "stop")
TIMEFRAME_ORDER = ("now", "today", "this_week", "ongoing")


def triage_rank(level: str) -> int:
    return TRIAGE_ORDER.index(level)


def running_rank(advice: str) -> int:
    return RUNNING_ORDER.index(advice)


# --- Reading an answer -------------------------------------------------------------------------


def factor_codes(result: AssessmentResult) -> list[str]:
    return [factor.code.value for factor in result.risk_factors]


def action_codes(result: AssessmentResult) -> list[str]:
    return [action.code.value for action in result.actions]


def factor(result: AssessmentResult, code: str) -> RiskFactor:
    matches = [f for f in result.risk_factors if f.code.value == code]
    assert len(matches) == 1, f"{code} fired {len(matches)} times: {factor_codes(result)}"
    return matches[0]


def action(result: AssessmentResult, code: str) -> Action:
    matches = [a for a in result.actions if a.code.value == code]
    assert len(matches) == 1, f"{code} listed {len(matches)} times: {action_codes(result)}"
    return matches[0]


def expected_order_key(item: Action) -> tuple[bool, int, int]:
    """The contract's ordering: red-flag action first, then timeframe, then action-code order."""
    code = item.code.value
    return (
        code not in RED_FLAG_ACTIONS,
        TIMEFRAME_ORDER.index(item.timeframe.value),
        ACTIONS.index(code),
    )


def pain(now: int, *, worst: int | None = None, **extra: Any) -> dict[str, Any]:
    """A valid symptoms section: onset and duration are given whenever there is pain."""
    symptoms: dict[str, Any] = {"pain_now": now, **extra}
    if worst is not None:
        symptoms["pain_worst_24h"] = worst
    if max(now, worst or 0) > 0:
        symptoms.setdefault("onset", "gradual")
        symptoms.setdefault("duration_days", 3)
    return symptoms
