"""Validation of the /assess request (AssessmentInput and contract_errors) against the contract's
"Precise readings": each bad input names the offending field by its location."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.rules.inputs import AssessmentInput, contract_errors
from tests.rules.contract import pain

TRAINING = {"weekly_distance_km": 20, "baseline_weekly_distance_km": 20}
SITTING = {"hours_per_day": 6}


def error_locs(body: dict[str, Any]) -> set[tuple[str | int, ...]]:
    """The locations pydantic names for `body`; fails the test if `body` validates."""
    with pytest.raises(ValidationError) as caught:
        AssessmentInput.model_validate(body)
    return {tuple(error["loc"]) for error in caught.value.errors()}


def errors_at(body: dict[str, Any], loc: tuple[str | int, ...]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        AssessmentInput.model_validate(body)
    return [error for error in caught.value.errors() if tuple(error["loc"]) == loc]


def contract_fields(body: dict[str, Any]) -> list[str]:
    model = AssessmentInput.model_validate(body)
    found = contract_errors(model)
    # Checked on the model when the request is valid, on the raw JSON when it is not: both
    # readings must find the same.
    assert found == contract_errors(model.model_dump(mode="json", exclude_none=True))
    return [field for field, _ in found]


# --- Unknown fields --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"sitting": SITTING, "nickname": "x"}, ("nickname",)),
        ({"training": {**TRAINING, "weekly_km": 20}}, ("training", "weekly_km")),
        ({"sitting": {**SITTING, "hours": 6}}, ("sitting", "hours")),
        ({"symptoms": {**pain(0), "pain": 3}}, ("symptoms", "pain")),
        ({"sitting": SITTING, "activities": {"yoga": True}}, ("activities", "yoga")),
    ],
    ids=["top_level", "training", "sitting", "symptoms", "activities"],
)
def test_unknown_field_is_rejected_at_every_level(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


# --- Integers, numbers, booleans, strings, null ----------------------------------------------


def test_integer_given_as_3_0_is_accepted():
    request = AssessmentInput.model_validate({"symptoms": pain(3.0, duration_days=4.0)})
    assert request.symptoms is not None
    assert (request.symptoms.pain_now, request.symptoms.duration_days) == (3, 4)


def test_age_given_as_40_0_is_accepted():
    assert AssessmentInput.model_validate({"age_years": 40.0, "sitting": SITTING}).age_years == 40


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(3.5)}, ("symptoms", "pain_now")),
        ({"symptoms": pain(2, worst=4.5)}, ("symptoms", "pain_worst_24h")),
        ({"symptoms": pain(2, duration_days=2.5)}, ("symptoms", "duration_days")),
        ({"age_years": 40.5, "sitting": SITTING}, ("age_years",)),
        (
            {"sitting": {**SITTING, "longest_bout_minutes": 60.5}},
            ("sitting", "longest_bout_minutes"),
        ),
        (
            {"training": {**TRAINING, "running_experience_months": 6.5}},
            ("training", "running_experience_months"),
        ),
    ],
    ids=["pain_now", "pain_worst_24h", "duration_days", "age_years", "longest_bout", "experience"],
)
def test_integer_with_a_fractional_part_is_rejected(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


def test_number_field_accepts_a_fraction():
    request = AssessmentInput.model_validate({"sitting": {"hours_per_day": 7.5}})
    assert request.sitting is not None
    assert request.sitting.hours_per_day == 7.5


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(True)}, ("symptoms", "pain_now")),
        ({"age_years": True, "sitting": SITTING}, ("age_years",)),
        ({"sitting": {"hours_per_day": False}}, ("sitting", "hours_per_day")),
        (
            {"training": {**TRAINING, "weekly_distance_km": True}},
            ("training", "weekly_distance_km"),
        ),
    ],
    ids=["pain_now", "age_years", "hours_per_day", "weekly_distance_km"],
)
def test_boolean_is_never_a_number(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(0, locked_up=1)}, ("symptoms", "locked_up")),
        ({"symptoms": pain(0, recurrent=0)}, ("symptoms", "recurrent")),
        (
            {"sitting": {**SITTING, "runs_straight_after_sitting": 1}},
            ("sitting", "runs_straight_after_sitting"),
        ),
        (
            {"training": {**TRAINING, "added_speed_sessions": 0.0}},
            ("training", "added_speed_sessions"),
        ),
        (
            {"sitting": SITTING, "activities": {"weight_training": 1}},
            ("activities", "weight_training"),
        ),
    ],
    ids=["locked_up", "recurrent", "runs_straight", "speed_sessions", "weight_training"],
)
def test_number_is_never_a_boolean(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(0, after_lifting="true")}, ("symptoms", "after_lifting")),
        ({"training": {**TRAINING, "new_training_type": "yes"}}, ("training", "new_training_type")),
    ],
    ids=["after_lifting", "new_training_type"],
)
def test_string_is_never_a_boolean(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": {"pain_now": "3"}}, ("symptoms", "pain_now")),
        ({"age_years": "40", "sitting": SITTING}, ("age_years",)),
        ({"sitting": {"hours_per_day": "8"}}, ("sitting", "hours_per_day")),
        (
            {"training": {**TRAINING, "baseline_weekly_distance_km": "20"}},
            ("training", "baseline_weekly_distance_km"),
        ),
    ],
    ids=["pain_now", "age_years", "hours_per_day", "baseline"],
)
def test_string_is_never_a_number(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"age_years": None, "sitting": SITTING}, ("age_years",)),
        ({"training": None, "sitting": SITTING}, ("training",)),
        ({"sitting": SITTING, "activities": None}, ("activities",)),
        ({"symptoms": {"pain_now": None}}, ("symptoms", "pain_now")),
        ({"symptoms": {**pain(2), "pain_worst_24h": None}}, ("symptoms", "pain_worst_24h")),
        ({"symptoms": {**pain(2), "onset": None}}, ("symptoms", "onset")),
        ({"symptoms": {**pain(0), "tight_areas": None}}, ("symptoms", "tight_areas")),
        ({"symptoms": {**pain(0), "red_flags": None}}, ("symptoms", "red_flags")),
        ({"symptoms": {**pain(0), "leg_symptoms": None}}, ("symptoms", "leg_symptoms")),
        (
            {"sitting": {**SITTING, "longest_bout_minutes": None}},
            ("sitting", "longest_bout_minutes"),
        ),
        ({"training": {**TRAINING, "intensity_change": None}}, ("training", "intensity_change")),
        (
            {"training": {**TRAINING, "running_experience_months": None}},
            ("training", "running_experience_months"),
        ),
        (
            {"sitting": SITTING, "activities": {"weight_training": None}},
            ("activities", "weight_training"),
        ),
    ],
    ids=[
        "age_years",
        "training",
        "activities",
        "pain_now",
        "pain_worst_24h",
        "onset",
        "tight_areas",
        "red_flags",
        "leg_symptoms",
        "longest_bout",
        "intensity_change",
        "experience",
        "weight_training",
    ],
)
def test_null_is_rejected_like_any_wrong_type(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(0, leg_symptoms="calf")}, ("symptoms", "leg_symptoms")),
        ({"symptoms": pain(0, leg_symptoms=1)}, ("symptoms", "leg_symptoms")),
        ({"symptoms": pain(2, onset="slow")}, ("symptoms", "onset")),
        ({"training": {**TRAINING, "intensity_change": "more"}}, ("training", "intensity_change")),
        ({"symptoms": pain(0, tight_areas=["neck"])}, ("symptoms", "tight_areas", 0)),
        ({"symptoms": pain(0, red_flags=["glutes", "fever"])}, ("symptoms", "red_flags", 0)),
        ({"symptoms": pain(0, tight_areas="glutes")}, ("symptoms", "tight_areas")),
    ],
    ids=[
        "leg_symptoms",
        "leg_symptoms_number",
        "onset",
        "intensity_change",
        "tight_area",
        "red_flag",
        "tight_areas_not_a_list",
    ],
)
def test_value_outside_an_enumeration_is_rejected(body: dict, loc: tuple):
    assert loc in error_locs(body)


def test_every_bad_red_flag_is_named():
    body = {"symptoms": pain(0, red_flags=["fever_or_unwell", "glutes", "fever"])}
    assert error_locs(body) == {("symptoms", "red_flags", 1), ("symptoms", "red_flags", 2)}


# --- Ranges -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"symptoms": pain(11)}, ("symptoms", "pain_now")),
        ({"symptoms": pain(-1)}, ("symptoms", "pain_now")),
        (
            {"training": {**TRAINING, "weekly_distance_km": 500.5}},
            ("training", "weekly_distance_km"),
        ),
        (
            {"training": {**TRAINING, "baseline_weekly_distance_km": -1}},
            ("training", "baseline_weekly_distance_km"),
        ),
        ({"sitting": {"hours_per_day": 24.5}}, ("sitting", "hours_per_day")),
        (
            {"sitting": {**SITTING, "longest_bout_minutes": 1441}},
            ("sitting", "longest_bout_minutes"),
        ),
        ({"symptoms": pain(2, duration_days=-1)}, ("symptoms", "duration_days")),
        ({"age_years": 121, "sitting": SITTING}, ("age_years",)),
    ],
    ids=[
        "pain_above_10",
        "pain_below_0",
        "weekly_above_500",
        "baseline_below_0",
        "hours_above_24",
        "bout_above_1440",
        "duration_below_0",
        "age_above_120",
    ],
)
def test_value_out_of_range_is_rejected(body: dict, loc: tuple):
    assert error_locs(body) == {loc}


@pytest.mark.parametrize(
    "body",
    [
        {"symptoms": pain(10, worst=10)},
        {"training": {"weekly_distance_km": 500, "baseline_weekly_distance_km": 0}},
        {"sitting": {"hours_per_day": 24, "longest_bout_minutes": 1440}},
        {"sitting": {"hours_per_day": 0, "longest_bout_minutes": 0}},
        {"age_years": 16, "sitting": SITTING},
        {"age_years": 120, "sitting": SITTING},
    ],
    ids=["pain_10", "distances_at_bounds", "sitting_at_max", "sitting_at_0", "age_16", "age_120"],
)
def test_value_at_the_edge_of_its_range_is_accepted(body: dict):
    assert contract_errors(AssessmentInput.model_validate(body)) == []


def test_age_under_16_is_rejected_as_out_of_scope():
    errors = errors_at({"age_years": 15, "sitting": SITTING}, ("age_years",))
    assert len(errors) == 1
    assert "out of scope" in errors[0]["msg"]


def test_age_under_16_given_as_a_float_is_out_of_scope():
    errors = errors_at({"age_years": 12.0, "sitting": SITTING}, ("age_years",))
    assert "out of scope" in errors[0]["msg"]


# --- Sections -----------------------------------------------------------------------------------


def test_training_present_as_empty_object_requires_both_distances():
    assert error_locs({"training": {}}) == {
        ("training", "weekly_distance_km"),
        ("training", "baseline_weekly_distance_km"),
    }


def test_sitting_present_as_empty_object_requires_hours_per_day():
    assert error_locs({"sitting": {}}) == {("sitting", "hours_per_day")}


def test_symptoms_present_as_empty_object_requires_pain_now():
    assert error_locs({"symptoms": {}}) == {("symptoms", "pain_now")}


def test_activities_present_as_empty_object_is_valid():
    request = AssessmentInput.model_validate({"sitting": SITTING, "activities": {}})
    assert request.activities is not None
    assert (request.activities.weight_training, request.activities.high_impact_classes) == (
        False,
        False,
    )


def test_no_section_names_training_sitting_and_symptoms():
    assert contract_fields({}) == ["training", "sitting", "symptoms"]


def test_activities_alone_names_training_sitting_and_symptoms():
    assert contract_fields({"age_years": 30, "activities": {"weight_training": True}}) == [
        "training",
        "sitting",
        "symptoms",
    ]


@pytest.mark.parametrize(
    "body",
    [{"training": TRAINING}, {"sitting": SITTING}, {"symptoms": pain(0)}],
    ids=["training", "sitting", "symptoms"],
)
def test_any_one_section_is_enough(body: dict):
    assert contract_fields(body) == []


def test_defaults_apply_when_optional_fields_are_left_out():
    request = AssessmentInput.model_validate(
        {"training": TRAINING, "sitting": SITTING, "symptoms": {"pain_now": 0}}
    )
    assert request.training is not None
    assert request.sitting is not None
    assert request.symptoms is not None
    assert (
        request.training.intensity_change,
        request.training.added_speed_sessions,
        request.training.new_training_type,
        request.sitting.runs_straight_after_sitting,
        request.symptoms.locked_up,
        request.symptoms.recurrent,
        request.symptoms.after_lifting,
        request.symptoms.leg_symptoms,
        request.symptoms.tight_areas,
        request.symptoms.red_flags,
    ) == ("unchanged", False, False, False, False, False, False, "none", [], [])


# --- Pain --------------------------------------------------------------------------------------


def test_pain_worst_24h_below_pain_now_is_rejected_on_pain_worst_24h():
    assert error_locs({"symptoms": pain(5, worst=4)}) == {("symptoms", "pain_worst_24h")}


def test_pain_worst_24h_equal_to_pain_now_is_accepted():
    assert contract_fields({"symptoms": pain(5, worst=5)}) == []


def test_pain_requires_onset_and_duration_days():
    assert contract_fields({"symptoms": {"pain_now": 3}}) == [
        "symptoms.onset",
        "symptoms.duration_days",
    ]


def test_pain_requires_onset():
    assert contract_fields({"symptoms": {"pain_now": 3, "duration_days": 2}}) == ["symptoms.onset"]


def test_pain_requires_duration_days():
    body = {"symptoms": {"pain_now": 3, "onset": "sudden"}}
    assert contract_fields(body) == ["symptoms.duration_days"]


def test_pain_only_in_the_last_24_hours_requires_onset_and_duration_days():
    assert contract_fields({"symptoms": {"pain_now": 0, "pain_worst_24h": 2}}) == [
        "symptoms.onset",
        "symptoms.duration_days",
    ]


def test_no_pain_needs_neither_onset_nor_duration_days():
    assert contract_fields({"symptoms": {"pain_now": 0, "pain_worst_24h": 0}}) == []


# --- Repeated codes ----------------------------------------------------------------------------


def test_repeated_tight_area_counts_once():
    body = {"symptoms": pain(0, tight_areas=["glutes", "quads", "glutes"])}
    symptoms = AssessmentInput.model_validate(body).symptoms
    assert symptoms is not None
    assert symptoms.tight_areas == ["glutes", "quads"]


def test_repeated_red_flag_counts_once():
    body = {"symptoms": pain(0, red_flags=["fever_or_unwell", "fever_or_unwell"])}
    symptoms = AssessmentInput.model_validate(body).symptoms
    assert symptoms is not None
    assert symptoms.red_flags == ["fever_or_unwell"]


# --- No limits beyond the contract's -------------------------------------------------------------
# The contract gives `duration_days` and `running_experience_months` as "int >= 0" with no
# maximum, and says a repeated code counts once with no limit on the list (the 64 KiB body
# limit bounds them all).


def test_duration_days_has_no_upper_bound():
    assert contract_fields({"symptoms": pain(2, duration_days=36501)}) == []


def test_running_experience_months_has_no_upper_bound():
    assert contract_fields({"training": {**TRAINING, "running_experience_months": 1201}}) == []


def test_many_repeats_of_a_tight_area_count_once():
    body = {"symptoms": pain(0, tight_areas=["glutes"] * 25)}
    symptoms = AssessmentInput.model_validate(body).symptoms
    assert symptoms is not None
    assert symptoms.tight_areas == ["glutes"]


def test_many_repeats_of_a_red_flag_count_once():
    body = {"symptoms": pain(0, red_flags=["fever_or_unwell"] * 49)}
    symptoms = AssessmentInput.model_validate(body).symptoms
    assert symptoms is not None
    assert symptoms.red_flags == ["fever_or_unwell"]
