"""The engine against the contract's rules 1-17, their thresholds and the "Combining rules" and
"Output" readings. Each test builds a request body, runs the engine and reads the answer."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest

from app.content.loader import bibliography
from app.rules import codes, engine
from app.rules.engine import CatalogueEntry
from app.rules.ruleset import Ruleset
from tests.rules.conftest import Assess
from tests.rules.contract import (
    ACTIONS,
    EMERGENCY_FLAGS,
    LONG_TERM_TRIO,
    TIGHT_AREAS,
    URGENT_FLAGS,
    action,
    action_codes,
    expected_order_key,
    factor,
    factor_codes,
    pain,
)

QUIET = {"sitting": {"hours_per_day": 2}}  # nothing fires


def training(weekly: float, baseline: float, **extra: Any) -> dict[str, Any]:
    return {
        "training": {"weekly_distance_km": weekly, "baseline_weekly_distance_km": baseline, **extra}
    }


# --- Severity bands ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pain_now", "severity"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_pain_band_edges_give_the_contract_severity(run: Assess, pain_now: int, severity: str):
    assert run({"symptoms": pain(pain_now)}).severity == severity


def test_severity_follows_the_worse_of_pain_now_and_pain_worst_24h(run: Assess):
    assert run({"symptoms": pain(2, worst=7)}).severity == "severe"


def test_no_symptoms_section_is_severity_none(run: Assess):
    assert run(QUIET).severity == "none"


# --- Rule 1: emergency red flags ---------------------------------------------------------------


@pytest.mark.parametrize("flag", EMERGENCY_FLAGS)
def test_each_emergency_flag_sets_triage_emergency(run: Assess, flag: str):
    assert run({"symptoms": pain(0, red_flags=[flag])}).triage.level == "emergency"


def test_emergency_flag_stops_running(run: Assess):
    result = run({"symptoms": pain(0, red_flags=["saddle_anaesthesia"])})
    assert result.running.advice == "stop"


def test_emergency_flag_puts_seek_emergency_care_at_priority_1_above_everything(run: Assess):
    body = {
        **training(20, 0, intensity_change="increased", running_experience_months=2),
        "sitting": {"hours_per_day": 10, "runs_straight_after_sitting": True},
        "symptoms": pain(
            9, locked_up=True, red_flags=["bilateral_leg_symptoms"], tight_areas=["glutes"]
        ),
        "activities": {"weight_training": True},
    }
    first = run(body).actions[0]
    assert (first.code, first.priority) == ("seek_emergency_care", 1)


def test_emergency_flag_without_pain_still_lists_seek_emergency_care_first(run: Assess):
    result = run({"symptoms": pain(0, red_flags=["progressive_leg_weakness"])})
    assert action_codes(result)[0] == "seek_emergency_care"


# --- Rule 2: urgent red flags --------------------------------------------------------------------


@pytest.mark.parametrize("flag", URGENT_FLAGS)
def test_each_urgent_flag_sets_triage_urgent(run: Assess, flag: str):
    assert run({"symptoms": pain(0, red_flags=[flag])}).triage.level == "urgent"


def test_urgent_flag_stops_running(run: Assess):
    result = run({"symptoms": pain(2, red_flags=["fever_or_unwell"])})
    assert result.running.advice == "stop"


def test_urgent_flag_lists_see_doctor_urgently_first(run: Assess):
    result = run({"symptoms": pain(8, locked_up=True, red_flags=["history_of_cancer"])})
    first = result.actions[0]
    assert (first.code, first.priority) == ("see_doctor_urgently", 1)


def test_urgent_flag_does_not_list_seek_emergency_care(run: Assess):
    result = run({"symptoms": pain(2, red_flags=["constant_night_pain"])})
    assert "seek_emergency_care" not in action_codes(result)


def test_emergency_flag_with_urgent_flag_does_not_list_see_doctor_urgently(run: Assess):
    result = run({"symptoms": pain(3, red_flags=["fever_or_unwell", "saddle_anaesthesia"])})
    assert "see_doctor_urgently" not in action_codes(result)


def test_emergency_flag_with_urgent_flag_still_reports_both_flags(run: Assess):
    result = run({"symptoms": pain(3, red_flags=["fever_or_unwell", "saddle_anaesthesia"])})
    assert {(f.code, f.level) for f in result.red_flags} == {
        ("fever_or_unwell", "urgent"),
        ("saddle_anaesthesia", "emergency"),
    }


# --- Rule 3: acute episode ---------------------------------------------------------------------


def test_severe_pain_is_an_acute_episode(run: Assess):
    assert "acute_episode" in factor_codes(run({"symptoms": pain(7)}))


def test_acute_episode_stops_running(run: Assess):
    assert run({"symptoms": pain(7)}).running.advice == "stop"


def test_acute_episode_sets_triage_see_physio(run: Assess):
    assert run({"symptoms": pain(7)}).triage.level == "see_physio"


def test_acute_episode_lists_stay_calm_gentle_stretching_and_see_physiotherapist(run: Assess):
    codes = action_codes(run({"symptoms": pain(8)}))
    assert {"stay_calm", "gentle_stretching", "see_physiotherapist"} <= set(codes)


def test_locked_up_with_mild_pain_is_an_acute_episode(run: Assess):
    result = run({"symptoms": pain(2, locked_up=True)})
    assert "acute_episode" in factor_codes(result)
    assert result.running.advice == "stop"


def test_locked_up_without_pain_is_not_an_acute_episode(run: Assess):
    result = run({"symptoms": pain(0, locked_up=True)})
    assert "acute_episode" not in factor_codes(result)
    assert result.running.advice == "continue"


@pytest.mark.parametrize("activity", ["weight_training", "high_impact_classes"])
def test_acute_episode_with_lifting_or_high_impact_adds_avoid_weights(run: Assess, activity: str):
    result = run({"symptoms": pain(8), "activities": {activity: True}})
    assert "avoid_weights_and_high_impact" in action_codes(result)


def test_acute_episode_without_lifting_or_high_impact_omits_avoid_weights(run: Assess):
    result = run({"symptoms": pain(8), "activities": {}})
    assert "avoid_weights_and_high_impact" not in action_codes(result)


def test_lifting_without_an_acute_episode_omits_avoid_weights(run: Assess):
    result = run({"symptoms": pain(2), "activities": {"weight_training": True}})
    assert "avoid_weights_and_high_impact" not in action_codes(result)


# --- Rule 4: moderate pain ---------------------------------------------------------------------


def test_moderate_pain_pauses_running(run: Assess):
    assert run({"symptoms": pain(5)}).running.advice == "pause"


def test_moderate_pain_sets_triage_see_physio(run: Assess):
    assert run({"symptoms": pain(4)}).triage.level == "see_physio"


def test_moderate_pain_lists_gentle_stretching_and_stay_mobile(run: Assess):
    codes = action_codes(run({"symptoms": pain(6)}))
    assert {"gentle_stretching", "stay_mobile_change_position"} <= set(codes)


def test_moderate_pain_is_not_an_acute_episode(run: Assess):
    assert "acute_episode" not in factor_codes(run({"symptoms": pain(6)}))


# --- Rule 5: mild pain -------------------------------------------------------------------------


def test_mild_pain_alone_is_self_care(run: Assess):
    assert run({"symptoms": pain(2)}).triage.level == "self_care"


def test_mild_pain_without_a_load_factor_continues_running(run: Assess):
    assert run({"symptoms": pain(2)}).running.advice == "continue"


def test_mild_pain_lists_gentle_stretching_and_core_work(run: Assess):
    codes = action_codes(run({"symptoms": pain(1)}))
    assert {"gentle_stretching", "core_and_postural_work"} <= set(codes)


@pytest.mark.parametrize(
    "load",
    [
        {"weekly_distance_km": 12, "baseline_weekly_distance_km": 10},  # moderate spike
        {
            "weekly_distance_km": 10,
            "baseline_weekly_distance_km": 10,
            "intensity_change": "increased",
        },
        {"weekly_distance_km": 10, "baseline_weekly_distance_km": 10, "added_speed_sessions": True},
        {"weekly_distance_km": 10, "baseline_weekly_distance_km": 10, "new_training_type": True},
    ],
    ids=["volume_spike", "intensity_increased", "speed_sessions", "new_training_type"],
)
def test_mild_pain_with_a_training_load_factor_reduces_running(run: Assess, load: dict):
    assert run({"training": load, "symptoms": pain(3)}).running.advice == "reduce"


def test_mild_pain_self_care_is_a_floor_other_rules_raise(run: Assess):
    result = run({"symptoms": pain(2, after_lifting=True)})
    assert result.triage.level == "see_physio"


def test_mild_pain_actions_still_apply_when_triage_is_raised(run: Assess):
    result = run({"symptoms": pain(2, after_lifting=True)})
    assert {"gentle_stretching", "core_and_postural_work"} <= set(action_codes(result))


def test_mild_pain_reduce_still_applies_when_triage_is_raised(run: Assess):
    body = {**training(10, 10, new_training_type=True), "symptoms": pain(2, duration_days=60)}
    result = run(body)
    assert (result.triage.level, result.running.advice) == ("see_physio", "reduce")


# --- Rule 6: no pain ---------------------------------------------------------------------------


def test_no_pain_and_nothing_else_is_self_care_continue(run: Assess):
    result = run({"symptoms": pain(0)})
    assert (result.triage.level, result.running.advice) == ("self_care", "continue")


def test_no_pain_with_a_high_volume_spike_reduces_running(run: Assess):
    assert run(training(14, 10)).running.advice == "reduce"


def test_no_pain_with_a_moderate_volume_spike_continues_running(run: Assess):
    assert run(training(12, 10)).running.advice == "continue"


def test_no_pain_with_intensity_increase_continues_running(run: Assess):
    assert run(training(10, 10, intensity_change="increased")).running.advice == "continue"


# --- Rule 7: load ratio ------------------------------------------------------------------------


def test_load_ratio_exactly_1_1_is_no_spike(run: Assess):
    assert "training_volume_spike" not in factor_codes(run(training(11, 10)))


def test_load_ratio_just_above_1_1_is_moderate(run: Assess):
    assert factor(run(training(11.1, 10)), "training_volume_spike").level == "moderate"


def test_load_ratio_a_hair_above_1_1_is_moderate(run: Assess):
    assert factor(run(training(110.01, 100)), "training_volume_spike").level == "moderate"


def test_load_ratio_exactly_1_3_is_moderate_not_high(run: Assess):
    assert factor(run(training(13, 10)), "training_volume_spike").level == "moderate"


def test_load_ratio_just_above_1_3_is_high(run: Assess):
    assert factor(run(training(13.1, 10)), "training_volume_spike").level == "high"


def test_load_ratio_a_hair_above_1_3_is_high(run: Assess):
    assert factor(run(training(130.01, 100)), "training_volume_spike").level == "high"


def test_baseline_0_with_weekly_above_0_is_a_high_spike(run: Assess):
    assert factor(run(training(5, 0)), "training_volume_spike").level == "high"


def test_baseline_0_spike_has_null_load_ratio_in_evidence(run: Assess):
    evidence = factor(run(training(5, 0)), "training_volume_spike").evidence
    assert "load_ratio" in evidence
    assert evidence["load_ratio"] is None


def test_baseline_0_and_weekly_0_is_no_spike(run: Assess):
    assert "training_volume_spike" not in factor_codes(run(training(0, 0)))


def test_weekly_below_baseline_is_no_spike(run: Assess):
    assert "training_volume_spike" not in factor_codes(run(training(5, 30)))


@pytest.mark.parametrize(("weekly", "baseline"), [(12, 10), (20, 10), (5, 0)])
def test_volume_spike_lists_reduce_load_and_gradual_progression(
    run: Assess, weekly: float, baseline: float
):
    codes = action_codes(run(training(weekly, baseline)))
    assert {"reduce_training_load", "plan_gradual_progression"} <= set(codes)


def test_volume_spike_evidence_holds_distances_and_load_ratio(run: Assess):
    evidence = factor(run(training(45, 30)), "training_volume_spike").evidence
    assert evidence["weekly_distance_km"] == 45
    assert evidence["baseline_weekly_distance_km"] == 30
    assert evidence["load_ratio"] == pytest.approx(1.5, abs=1e-3)


# --- Rule 8: intensity and type of training ------------------------------------------------------


def test_intensity_increased_is_intensity_increase(run: Assess):
    result = run(training(10, 10, intensity_change="increased"))
    assert factor_codes(result) == ["intensity_increase"]
    assert "plan_gradual_progression" in action_codes(result)


def test_added_speed_sessions_is_intensity_increase(run: Assess):
    result = run(training(10, 10, added_speed_sessions=True))
    assert factor_codes(result) == ["intensity_increase"]
    assert "plan_gradual_progression" in action_codes(result)


def test_new_training_type_alone_is_training_type_change_with_gradual_progression(run: Assess):
    result = run(training(10, 10, new_training_type=True))
    assert factor_codes(result) == ["training_type_change"]
    assert "plan_gradual_progression" in action_codes(result)


@pytest.mark.parametrize("change", ["decreased", "unchanged"])
def test_intensity_not_increased_is_no_intensity_increase(run: Assess, change: str):
    result = run(training(10, 10, intensity_change=change))
    assert factor_codes(result) == []
    assert action_codes(result) == []


# --- Rule 9: sitting -----------------------------------------------------------------------------


def test_sitting_7_99_hours_is_not_prolonged_sitting(run: Assess):
    assert "prolonged_sitting" not in factor_codes(run({"sitting": {"hours_per_day": 7.99}}))


def test_sitting_8_hours_is_prolonged_sitting_with_stay_mobile(run: Assess):
    result = run({"sitting": {"hours_per_day": 8}})
    assert "prolonged_sitting" in factor_codes(result)
    assert "stay_mobile_change_position" in action_codes(result)


def test_longest_bout_59_minutes_is_not_prolonged_sitting(run: Assess):
    result = run({"sitting": {"hours_per_day": 2, "longest_bout_minutes": 59}})
    assert "prolonged_sitting" not in factor_codes(result)


def test_longest_bout_60_minutes_is_prolonged_sitting_with_stay_mobile(run: Assess):
    result = run({"sitting": {"hours_per_day": 2, "longest_bout_minutes": 60}})
    assert "prolonged_sitting" in factor_codes(result)
    assert "stay_mobile_change_position" in action_codes(result)


def test_runs_straight_after_sitting_is_sit_then_run_with_mobilise(run: Assess):
    result = run({"sitting": {"hours_per_day": 2, "runs_straight_after_sitting": True}})
    assert factor_codes(result) == ["sit_then_run"]
    assert "mobilise_before_running" in action_codes(result)


def test_prolonged_sitting_evidence_holds_the_sitting_inputs(run: Assess):
    result = run({"sitting": {"hours_per_day": 9.5, "longest_bout_minutes": 90}})
    evidence = factor(result, "prolonged_sitting").evidence
    assert (evidence["hours_per_day"], evidence["longest_bout_minutes"]) == (9.5, 90)


# --- Rule 10: tightness --------------------------------------------------------------------------


def test_tight_areas_are_myofascial_tension_with_stretch_and_foam_roll(run: Assess):
    result = run({"symptoms": pain(0, tight_areas=["hamstrings"])})
    assert factor_codes(result) == ["myofascial_tension"]
    assert "stretch_and_foam_roll" in action_codes(result)


def test_myofascial_tension_evidence_holds_the_tight_areas(run: Assess):
    result = run({"symptoms": pain(0, tight_areas=["quads", "glutes"])})
    assert set(factor(result, "myofascial_tension").evidence["tight_areas"]) == {"quads", "glutes"}


def test_no_tight_areas_is_no_myofascial_tension(run: Assess):
    result = run({"symptoms": pain(0)})
    assert "myofascial_tension" not in factor_codes(result)
    assert "stretch_and_foam_roll" not in action_codes(result)


AREA_SETS = [[area] for area in TIGHT_AREAS] + [
    ["hamstrings", "thoracic_spine"],
    ["quads", "lower_back", "glutes"],
    list(TIGHT_AREAS),
]


@pytest.mark.parametrize("areas", AREA_SETS, ids=["+".join(a) for a in AREA_SETS])
def test_stretch_and_foam_roll_links_only_exercises_for_reported_areas(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry], areas: list[str]
):
    links = action(run({"symptoms": pain(0, tight_areas=areas)}), "stretch_and_foam_roll").exercises
    assert links
    for link in links:
        assert set(catalogue_by_slug[link.slug].target_areas) & set(areas), link.slug


@pytest.mark.parametrize("areas", AREA_SETS, ids=["+".join(a) for a in AREA_SETS])
def test_stretch_and_foam_roll_covers_every_reported_area(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry], areas: list[str]
):
    links = action(run({"symptoms": pain(0, tight_areas=areas)}), "stretch_and_foam_roll").exercises
    covered = {area for link in links for area in catalogue_by_slug[link.slug].target_areas}
    assert set(areas) <= covered


def test_stretch_and_foam_roll_without_tight_areas_links_a_lower_back_and_hips_set(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry]
):
    links = action(run({"symptoms": pain(2)}), "stretch_and_foam_roll").exercises
    targets = [set(catalogue_by_slug[link.slug].target_areas) for link in links]
    assert links
    assert all(t & {"lower_back", "hip_flexors", "glutes"} for t in targets)
    assert any("lower_back" in t for t in targets)
    assert any(t & {"hip_flexors", "glutes"} for t in targets)


# --- Rule 11: lifting ----------------------------------------------------------------------------


def test_after_lifting_with_pain_is_lifting_related_onset(run: Assess):
    result = run({"symptoms": pain(2, after_lifting=True)})
    assert "lifting_related_onset" in factor_codes(result)
    assert result.triage.level == "see_physio"


def test_after_lifting_without_pain_is_not_lifting_related_onset(run: Assess):
    result = run({"symptoms": pain(0, after_lifting=True)})
    assert "lifting_related_onset" not in factor_codes(result)
    assert result.triage.level == "self_care"


# --- Rule 12: persistent symptoms ----------------------------------------------------------------


def test_duration_42_days_is_not_persistent(run: Assess):
    result = run({"symptoms": pain(2, duration_days=42)})
    assert "persistent_symptoms" not in factor_codes(result)
    assert result.triage.level == "self_care"


def test_duration_43_days_is_persistent_with_see_physio(run: Assess):
    result = run({"symptoms": pain(2, duration_days=43)})
    assert "persistent_symptoms" in factor_codes(result)
    assert result.triage.level == "see_physio"


def test_persistent_symptoms_evidence_holds_duration_days(run: Assess):
    result = run({"symptoms": pain(2, duration_days=50)})
    assert factor(result, "persistent_symptoms").evidence["duration_days"] == 50


def test_long_duration_without_pain_is_not_persistent(run: Assess):
    result = run({"symptoms": pain(0, duration_days=90, onset="gradual")})
    assert "persistent_symptoms" not in factor_codes(result)
    assert result.triage.level == "self_care"


# --- Rule 13: core control -----------------------------------------------------------------------


def test_running_experience_5_months_is_core_control(run: Assess):
    result = run(training(10, 10, running_experience_months=5))
    assert "core_control" in factor_codes(result)
    assert "core_and_postural_work" in action_codes(result)


def test_running_experience_6_months_is_not_core_control(run: Assess):
    result = run(training(10, 10, running_experience_months=6))
    assert "core_control" not in factor_codes(result)
    assert "core_and_postural_work" not in action_codes(result)


def test_pain_with_intensity_increase_is_core_control(run: Assess):
    result = run({**training(10, 10, added_speed_sessions=True), "symptoms": pain(5)})
    assert "core_control" in factor_codes(result)
    assert "core_and_postural_work" in action_codes(result)


def test_intensity_increase_without_pain_is_not_core_control(run: Assess):
    result = run({**training(10, 10, added_speed_sessions=True), "symptoms": pain(0)})
    assert "core_control" not in factor_codes(result)


def test_core_control_evidence_holds_running_experience(run: Assess):
    result = run(training(10, 10, running_experience_months=3))
    assert factor(result, "core_control").evidence["running_experience_months"] == 3


# --- Rule 14: recurrence -------------------------------------------------------------------------


def test_reported_recurrence_is_recurrent_episodes_with_technique_and_strength(run: Assess):
    result = run({"symptoms": pain(2, recurrent=True)})
    assert "recurrent_episodes" in factor_codes(result)
    assert {"running_technique_analysis", "strength_training"} <= set(action_codes(result))


def test_one_earlier_painful_assessment_is_not_recurrent(run: Assess):
    result = run({"symptoms": pain(2)}, earlier_painful_assessments=1)
    assert "recurrent_episodes" not in factor_codes(result)


def test_two_earlier_painful_assessments_are_recurrent(run: Assess):
    result = run({"symptoms": pain(2)}, earlier_painful_assessments=2)
    assert "recurrent_episodes" in factor_codes(result)
    assert {"running_technique_analysis", "strength_training"} <= set(action_codes(result))


def test_recurrence_from_history_does_not_need_current_pain(run: Assess):
    result = run(QUIET, earlier_painful_assessments=2)
    assert "recurrent_episodes" in factor_codes(result)


def test_recurrent_episodes_evidence_holds_flag_and_history_count(run: Assess):
    result = run({"symptoms": pain(2, recurrent=True)}, earlier_painful_assessments=3)
    evidence = factor(result, "recurrent_episodes").evidence
    assert (evidence["recurrent"], evidence["earlier_painful_assessments"]) == (True, 3)


# --- Rule 15: leg symptoms -----------------------------------------------------------------------


def test_below_knee_leg_symptoms_are_radiating_leg_pain_with_see_physio(run: Assess):
    result = run({"symptoms": pain(2, leg_symptoms="below_knee")})
    assert "radiating_leg_pain" in factor_codes(result)
    assert result.triage.level == "see_physio"


def test_above_knee_leg_symptoms_are_not_radiating_leg_pain(run: Assess):
    result = run({"symptoms": pain(2, leg_symptoms="above_knee")})
    assert "radiating_leg_pain" not in factor_codes(result)
    assert result.triage.level == "self_care"


# --- Rule 16: age over 50, new episode -----------------------------------------------------------


def test_age_49_with_pain_is_not_age_over_50_new_episode(run: Assess):
    result = run({"age_years": 49, "symptoms": pain(2)})
    assert "age_over_50_new_episode" not in factor_codes(result)
    assert result.triage.level == "self_care"


def test_age_50_with_pain_is_age_over_50_new_episode_with_see_physio(run: Assess):
    result = run({"age_years": 50, "symptoms": pain(2)})
    assert "age_over_50_new_episode" in factor_codes(result)
    assert result.triage.level == "see_physio"


def test_age_over_50_without_pain_is_not_age_over_50_new_episode(run: Assess):
    result = run({"age_years": 60, "symptoms": pain(0)})
    assert "age_over_50_new_episode" not in factor_codes(result)


def test_age_over_50_with_reported_recurrence_is_not_a_new_episode(run: Assess):
    result = run({"age_years": 60, "symptoms": pain(2, recurrent=True)})
    assert "age_over_50_new_episode" not in factor_codes(result)
    assert result.triage.level == "self_care"


def test_age_over_50_with_two_earlier_painful_assessments_is_not_a_new_episode(run: Assess):
    result = run({"age_years": 60, "symptoms": pain(2)}, earlier_painful_assessments=2)
    assert "age_over_50_new_episode" not in factor_codes(result)


def test_age_over_50_with_one_earlier_painful_assessment_is_a_new_episode(run: Assess):
    result = run({"age_years": 60, "symptoms": pain(2)}, earlier_painful_assessments=1)
    assert "age_over_50_new_episode" in factor_codes(result)


def test_age_over_50_evidence_holds_age(run: Assess):
    result = run({"age_years": 67, "symptoms": pain(2)})
    assert factor(result, "age_over_50_new_episode").evidence["age_years"] == 67


# --- Rule 17: any pain ---------------------------------------------------------------------------


@pytest.mark.parametrize("pain_now", [1, 5, 9])
def test_any_pain_lists_stay_calm_and_see_physiotherapist(run: Assess, pain_now: int):
    codes = action_codes(run({"symptoms": pain(pain_now)}))
    assert {"stay_calm", "see_physiotherapist"} <= set(codes)


@pytest.mark.parametrize("pain_now", [1, 5, 9])
def test_any_pain_lists_the_long_term_trio_as_ongoing(run: Assess, pain_now: int):
    result = run({"symptoms": pain(pain_now)})
    assert {code: action(result, code).timeframe for code in LONG_TERM_TRIO} == dict.fromkeys(
        LONG_TERM_TRIO, "ongoing"
    )


def test_pain_only_in_the_last_24_hours_counts_as_pain(run: Assess):
    codes = action_codes(run({"symptoms": pain(0, worst=2)}))
    assert {"stay_calm", "see_physiotherapist", *LONG_TERM_TRIO} <= set(codes)


def test_no_pain_lists_neither_stay_calm_nor_see_physiotherapist(run: Assess):
    codes = action_codes(run({"symptoms": pain(0)}))
    assert "stay_calm" not in codes
    assert "see_physiotherapist" not in codes


# --- Combining rules -----------------------------------------------------------------------------


def test_triage_is_the_highest_level_any_rule_sets(run: Assess):
    result = run({"symptoms": pain(5, leg_symptoms="below_knee", red_flags=["fever_or_unwell"])})
    assert result.triage.level == "urgent"


def test_running_advice_is_the_strictest_any_rule_sets(run: Assess):
    result = run({**training(20, 10), "symptoms": pain(2, locked_up=True)})
    assert result.running.advice == "stop"


def test_moderate_pain_with_high_spike_pauses_rather_than_reduces(run: Assess):
    assert run({**training(20, 10), "symptoms": pain(5)}).running.advice == "pause"


def test_actions_are_the_union_of_every_rule_that_fired(run: Assess):
    body = {
        **training(20, 10, running_experience_months=2),
        "sitting": {"hours_per_day": 9, "runs_straight_after_sitting": True},
        "symptoms": pain(0, tight_areas=["glutes"]),
    }
    assert set(action_codes(run(body))) == {
        "reduce_training_load",
        "plan_gradual_progression",
        "stay_mobile_change_position",
        "mobilise_before_running",
        "core_and_postural_work",
        "stretch_and_foam_roll",
    }


def test_each_action_is_listed_once(run: Assess):
    body = {
        **training(20, 10, new_training_type=True, intensity_change="increased"),
        "sitting": {"hours_per_day": 9},
        "symptoms": pain(5, after_lifting=True, duration_days=60, leg_symptoms="below_knee"),
        "age_years": 55,
    }
    codes = action_codes(run(body))
    assert len(codes) == len(set(codes))


# --- Output: stop_running, timeframes, priorities -----------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"symptoms": pain(8)},
        {"symptoms": pain(2, locked_up=True)},
        {"symptoms": pain(0, red_flags=["fever_or_unwell"])},
        {"symptoms": pain(0, red_flags=["saddle_anaesthesia"])},
    ],
    ids=["severe", "locked_up", "urgent_flag", "emergency_flag"],
)
def test_stop_running_is_listed_whenever_running_advice_is_stop(run: Assess, body: dict):
    result = run(body)
    assert result.running.advice == "stop"
    assert "stop_running" in action_codes(result)


def test_see_physiotherapist_is_today_in_an_acute_episode(run: Assess):
    assert action(run({"symptoms": pain(8)}), "see_physiotherapist").timeframe == "today"


@pytest.mark.parametrize(
    "symptoms",
    [pain(5), pain(2, after_lifting=True), pain(2, leg_symptoms="below_knee")],
    ids=["moderate_pain", "after_lifting", "below_knee"],
)
def test_see_physiotherapist_is_this_week_for_other_see_physio_triage(run: Assess, symptoms: dict):
    result = run({"symptoms": symptoms})
    assert result.triage.level == "see_physio"
    assert action(result, "see_physiotherapist").timeframe == "this_week"


def test_see_physiotherapist_is_ongoing_for_self_care(run: Assess):
    result = run({"symptoms": pain(2)})
    assert result.triage.level == "self_care"
    assert action(result, "see_physiotherapist").timeframe == "ongoing"


@pytest.mark.parametrize("flag", ["fever_or_unwell", "saddle_anaesthesia"])
def test_see_physiotherapist_is_ongoing_after_urgent_or_emergency_care(run: Assess, flag: str):
    result = run({"symptoms": pain(5, red_flags=[flag])})
    assert action(result, "see_physiotherapist").timeframe == "ongoing"


# The contract lists "today for an acute episode" and "ongoing (after medical care) for
# urgent/emergency" without saying which wins when both hold; the medical care comes first.
@pytest.mark.parametrize("flag", ["fever_or_unwell", "saddle_anaesthesia"])
def test_see_physiotherapist_is_ongoing_after_medical_care_even_in_an_acute_episode(
    run: Assess, flag: str
):
    result = run({"symptoms": pain(8, red_flags=[flag])})
    assert "acute_episode" in factor_codes(result)
    assert action(result, "see_physiotherapist").timeframe == "ongoing"


@pytest.mark.parametrize(
    "symptoms",
    [pain(2), pain(8), pain(0, worst=5, red_flags=["significant_trauma"])],
    ids=["mild", "acute", "urgent"],
)
def test_stay_calm_is_now(run: Assess, symptoms: dict):
    assert action(run({"symptoms": symptoms}), "stay_calm").timeframe == "now"


def test_actions_without_a_special_timeframe_use_the_ruleset_default(run: Assess, ruleset: Ruleset):
    body = {
        **training(20, 10, running_experience_months=2, added_speed_sessions=True),
        "sitting": {"hours_per_day": 9, "runs_straight_after_sitting": True},
        "symptoms": pain(8, recurrent=True, tight_areas=["quads"], red_flags=["fever_or_unwell"]),
        "activities": {"high_impact_classes": True},
    }
    timeframes = {a.code.value: a.timeframe for a in run(body).actions}
    timeframes.pop("see_physiotherapist")
    assert len(timeframes) >= 10
    assert timeframes == {code: ruleset.action(code).timeframe for code in timeframes}


RICH_BODIES = {
    "emergency": {
        **training(20, 10, running_experience_months=2),
        "sitting": {"hours_per_day": 9, "runs_straight_after_sitting": True},
        "symptoms": pain(8, tight_areas=["glutes"], red_flags=["saddle_anaesthesia"]),
        "activities": {"weight_training": True},
    },
    "urgent": {
        **training(20, 10, new_training_type=True),
        "sitting": {"hours_per_day": 2, "longest_bout_minutes": 120},
        "symptoms": pain(3, recurrent=True, red_flags=["immunosuppression"]),
    },
    "acute": {
        **training(0, 0, intensity_change="increased"),
        "symptoms": pain(2, locked_up=True, after_lifting=True, tight_areas=["quads"]),
        "activities": {"high_impact_classes": True},
    },
    "prevention": {
        **training(30, 10),
        "sitting": {"hours_per_day": 12, "runs_straight_after_sitting": True},
        "symptoms": pain(0, tight_areas=["hamstrings"]),
    },
}


@pytest.mark.parametrize("body", RICH_BODIES.values(), ids=RICH_BODIES.keys())
def test_priorities_are_unique_and_consecutive_from_1(run: Assess, body: dict):
    result = run(body)
    assert [a.priority for a in result.actions] == list(range(1, len(result.actions) + 1))


@pytest.mark.parametrize("body", RICH_BODIES.values(), ids=RICH_BODIES.keys())
def test_actions_are_ordered_red_flag_first_then_timeframe_then_contract_order(
    run: Assess, body: dict
):
    actions = sorted(run(body).actions, key=lambda a: a.priority)
    assert [a.code for a in actions] == [a.code for a in sorted(actions, key=expected_order_key)]


def test_urgent_red_flag_action_comes_before_actions_for_now(run: Assess):
    codes = action_codes(run(RICH_BODIES["urgent"]))
    assert codes.index("see_doctor_urgently") < codes.index("stay_calm")


# --- Output: exercise links ----------------------------------------------------------------------


def test_gentle_stretching_in_an_acute_episode_links_only_acute_phase_exercises(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry]
):
    links = action(run({"symptoms": pain(8)}), "gentle_stretching").exercises
    assert links
    assert all("acute" in catalogue_by_slug[link.slug].phases for link in links)


def test_core_and_postural_work_links_core_exercises(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry]
):
    links = action(run({"symptoms": pain(2)}), "core_and_postural_work").exercises
    assert links
    assert all(catalogue_by_slug[link.slug].category == "core" for link in links)


def test_exercise_links_carry_the_catalogue_name_and_href(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry]
):
    links = [link for a in run(RICH_BODIES["acute"]).actions for link in a.exercises]
    assert links
    for link in links:
        entry = catalogue_by_slug[link.slug]
        assert (link.name, link.href) == (entry.name, f"/exercises/{entry.slug}")


# --- Output: risk factors, red flags, version, disclaimer ---------------------------------------

EVIDENCE_CASES = {
    "intensity_increase": (
        training(10, 10, intensity_change="increased"),
        {"intensity_change": "increased"},
    ),
    "speed_sessions": (training(10, 10, added_speed_sessions=True), {"added_speed_sessions": True}),
    "training_type_change": (
        training(10, 10, new_training_type=True),
        {"new_training_type": True},
    ),
    "sit_then_run": (
        {"sitting": {"hours_per_day": 2, "runs_straight_after_sitting": True}},
        {"runs_straight_after_sitting": True},
    ),
    "acute_episode": (
        {"symptoms": pain(3, worst=8, locked_up=True)},
        {"pain_now": 3, "pain_worst_24h": 8, "locked_up": True},
    ),
    "lifting_related_onset": ({"symptoms": pain(2, after_lifting=True)}, {"after_lifting": True}),
    "radiating_leg_pain": (
        {"symptoms": pain(2, leg_symptoms="below_knee")},
        {"leg_symptoms": "below_knee"},
    ),
}


@pytest.mark.parametrize(("body", "expected"), EVIDENCE_CASES.values(), ids=EVIDENCE_CASES.keys())
def test_risk_factor_evidence_holds_the_inputs_that_triggered_it(
    run: Assess, body: dict, expected: dict
):
    result = run(body)
    assert len(result.risk_factors) == 1
    evidence = result.risk_factors[0].evidence
    assert {key: evidence.get(key) for key in expected} == expected


@pytest.mark.parametrize("body", RICH_BODIES.values(), ids=RICH_BODIES.keys())
def test_risk_factor_levels_are_the_ruleset_levels(run: Assess, ruleset: Ruleset, body: dict):
    for item in run(body).risk_factors:
        if item.code != "training_volume_spike":
            assert item.level == ruleset.risk_factor(item.code).level, item.code


def test_risk_factor_sources_are_bibliography_entries(run: Assess):
    refs = bibliography()
    factors = run(RICH_BODIES["emergency"]).risk_factors
    assert factors
    for item in factors:
        assert item.sources
        assert all(source == refs[source.key] for source in item.sources)


def test_red_flags_list_each_reported_flag_once_with_its_level(run: Assess):
    flags = ["fever_or_unwell", "bilateral_leg_symptoms", "fever_or_unwell", "history_of_cancer"]
    result = run({"symptoms": pain(0, red_flags=flags)})
    assert sorted((f.code.value, f.level.value) for f in result.red_flags) == [
        ("bilateral_leg_symptoms", "emergency"),
        ("fever_or_unwell", "urgent"),
        ("history_of_cancer", "urgent"),
    ]


def test_no_red_flags_reported_lists_none(run: Assess):
    assert run({"symptoms": pain(5)}).red_flags == []


@pytest.mark.parametrize("body", [QUIET, *RICH_BODIES.values()], ids=["quiet", *RICH_BODIES])
def test_every_answer_carries_the_ruleset_version(run: Assess, ruleset: Ruleset, body: dict):
    assert run(body).ruleset_version == ruleset.version


@pytest.mark.parametrize("body", [QUIET, *RICH_BODIES.values()], ids=["quiet", *RICH_BODIES])
def test_every_answer_carries_the_disclaimer(run: Assess, ruleset: Ruleset, body: dict):
    disclaimer = run(body).disclaimer
    assert disclaimer == ruleset.disclaimer
    assert "not a diagnosis" in disclaimer


def test_every_action_code_in_the_contract_can_be_produced(run: Assess):
    produced = {code for body in RICH_BODIES.values() for code in action_codes(run(body))}
    produced |= set(action_codes(run({"symptoms": pain(5)})))
    assert produced == set(ACTIONS)


def test_a_baseline_too_small_to_divide_by_counts_as_starting_from_zero(run: Assess):
    spike = factor(run(training(500, 1e-320)), "training_volume_spike")
    assert spike.level == "high"
    assert spike.evidence["load_ratio"] is None
    assert "inf" not in spike.explanation


# Every enum of the contract's codes that the engine reads through a mirror (engine._members).
MIRRORED = [
    enum
    for enum in vars(codes).values()
    if isinstance(enum, type) and issubclass(enum, StrEnum) and hasattr(engine, f"_{enum.__name__}")
]


def test_the_engine_reads_the_codes_it_tests_through_mirrors() -> None:
    assert {enum.__name__ for enum in MIRRORED} >= {"Severity", "RiskFactorCode", "ActionCode"}


@pytest.mark.parametrize("enum", MIRRORED, ids=lambda enum: enum.__name__)
def test_the_rules_read_each_enum_member_itself(enum: type[StrEnum]) -> None:
    """The rules read members from a plain class (engine._members, for speed): it has every
    member, and each of its attributes is the member itself."""
    mirror = getattr(engine, f"_{enum.__name__}")
    assert all(getattr(mirror, name) is member for name, member in enum.__members__.items())
    assert {name for name in vars(mirror) if not name.startswith("__")} == set(enum.__members__)
