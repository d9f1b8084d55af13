"""The codes of the assessment contract (`shared/domain/assessment-contract.md`).

Public names: add new members freely, never rename or remove one. The order of each list is
the contract's order, which also breaks ties between actions of the same timeframe.
"""

from __future__ import annotations

from enum import StrEnum


class RedFlagCode(StrEnum):
    # Emergency: possible cauda equina syndrome.
    saddle_anaesthesia = "saddle_anaesthesia"
    bladder_or_bowel_dysfunction = "bladder_or_bowel_dysfunction"
    sexual_dysfunction = "sexual_dysfunction"
    progressive_leg_weakness = "progressive_leg_weakness"
    bilateral_leg_symptoms = "bilateral_leg_symptoms"
    # Urgent: see a doctor the same day.
    fever_or_unwell = "fever_or_unwell"
    history_of_cancer = "history_of_cancer"
    unexplained_weight_loss = "unexplained_weight_loss"
    significant_trauma = "significant_trauma"
    constant_night_pain = "constant_night_pain"
    immunosuppression = "immunosuppression"
    long_term_steroid_use = "long_term_steroid_use"


class RiskFactorCode(StrEnum):
    training_volume_spike = "training_volume_spike"
    intensity_increase = "intensity_increase"
    training_type_change = "training_type_change"
    prolonged_sitting = "prolonged_sitting"
    sit_then_run = "sit_then_run"
    acute_episode = "acute_episode"
    lifting_related_onset = "lifting_related_onset"
    persistent_symptoms = "persistent_symptoms"
    core_control = "core_control"
    myofascial_tension = "myofascial_tension"
    recurrent_episodes = "recurrent_episodes"
    radiating_leg_pain = "radiating_leg_pain"
    age_over_50_new_episode = "age_over_50_new_episode"


class ActionCode(StrEnum):
    seek_emergency_care = "seek_emergency_care"
    see_doctor_urgently = "see_doctor_urgently"
    see_physiotherapist = "see_physiotherapist"
    stay_calm = "stay_calm"
    stop_running = "stop_running"
    reduce_training_load = "reduce_training_load"
    plan_gradual_progression = "plan_gradual_progression"
    gentle_stretching = "gentle_stretching"
    stay_mobile_change_position = "stay_mobile_change_position"
    mobilise_before_running = "mobilise_before_running"
    core_and_postural_work = "core_and_postural_work"
    avoid_weights_and_high_impact = "avoid_weights_and_high_impact"
    stretch_and_foam_roll = "stretch_and_foam_roll"
    strength_training = "strength_training"
    running_technique_analysis = "running_technique_analysis"


class RedFlagLevel(StrEnum):
    emergency = "emergency"
    urgent = "urgent"


class RiskLevel(StrEnum):
    low = "low"
    moderate = "moderate"
    high = "high"


class Severity(StrEnum):
    none = "none"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


class TriageLevel(StrEnum):
    """Ordered: each level outranks the ones below it."""

    self_care = "self_care"
    see_physio = "see_physio"
    urgent = "urgent"
    emergency = "emergency"

    @property
    def rank(self) -> int:
        return RANKS[self]


class RunningAdvice(StrEnum):
    """Ordered from loosest to strictest."""

    continue_ = "continue"
    reduce = "reduce"
    pause = "pause"
    stop = "stop"

    @property
    def rank(self) -> int:
        return RANKS[self]


class Timeframe(StrEnum):
    """Ordered: actions are listed by timeframe, soonest first."""

    now = "now"
    today = "today"
    this_week = "this_week"
    ongoing = "ongoing"

    @property
    def rank(self) -> int:
        return RANKS[self]


class IntensityChange(StrEnum):
    decreased = "decreased"
    unchanged = "unchanged"
    increased = "increased"


class Onset(StrEnum):
    sudden = "sudden"
    gradual = "gradual"


class LegSymptoms(StrEnum):
    none = "none"
    above_knee = "above_knee"
    below_knee = "below_knee"


# Position of each member in its ordered enum (looked up often by the engine: a lookup here
# costs less than the members' `rank` property).
RANKS: dict[StrEnum, int] = {
    member: index
    for ordered in (TriageLevel, RunningAdvice, Timeframe)
    for index, member in enumerate(ordered)
}
