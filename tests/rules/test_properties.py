"""The contract's invariants, property-tested over generated valid requests: determinism,
monotonicity (over pairs of valid requests), red-flag dominance, links into the catalogue,
contract codes only, and consecutive priorities."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.rules.engine import Catalogue, CatalogueEntry, assess
from app.rules.outputs import AssessmentResult
from app.rules.ruleset import Ruleset
from tests.rules.conftest import Assess, valid_input
from tests.rules.contract import (
    ACTIONS,
    EMERGENCY_FLAGS,
    LONG_TERM_TRIO,
    RED_FLAGS,
    RISK_FACTORS,
    TIGHT_AREAS,
    URGENT_FLAGS,
    action,
    action_codes,
    expected_order_key,
    running_rank,
    triage_rank,
)

# No example database: these tests write nothing outside their own folder.
SETTINGS = settings(max_examples=200, deadline=None, database=None)
SECTIONS = ("training", "sitting", "symptoms")

Body = dict[str, Any]


def numbers(low: float, high: float) -> st.SearchStrategy[float]:
    """JSON numbers in [low, high]: integers, and floats with a fractional part."""
    return st.one_of(
        st.integers(int(low), int(high)),
        st.floats(low, high, allow_nan=False, allow_infinity=False),
    )


def optional(draw: st.DrawFn, body: Body, key: str, strategy: st.SearchStrategy[Any]) -> None:
    """Sets `key` in `body` to a drawn value, or leaves it out."""
    if draw(st.booleans()):
        body[key] = draw(strategy)


@st.composite
def training_sections(draw: st.DrawFn) -> Body:
    section: Body = {
        "weekly_distance_km": draw(numbers(0, 500)),
        "baseline_weekly_distance_km": draw(
            st.one_of(st.just(0), numbers(0, 500))  # a baseline of 0 is its own rule
        ),
    }
    optional(
        draw, section, "intensity_change", st.sampled_from(["decreased", "unchanged", "increased"])
    )
    optional(draw, section, "added_speed_sessions", st.booleans())
    optional(draw, section, "new_training_type", st.booleans())
    optional(draw, section, "running_experience_months", st.integers(0, 240))
    return section


@st.composite
def sitting_sections(draw: st.DrawFn) -> Body:
    section: Body = {"hours_per_day": draw(numbers(0, 24))}
    optional(draw, section, "longest_bout_minutes", st.integers(0, 1440))
    optional(draw, section, "runs_straight_after_sitting", st.booleans())
    return section


@st.composite
def symptoms_sections(draw: st.DrawFn) -> Body:
    pain_now = draw(st.integers(0, 10))
    section: Body = {"pain_now": pain_now}
    optional(draw, section, "pain_worst_24h", st.integers(pain_now, 10))
    any_pain = max(pain_now, section.get("pain_worst_24h", 0)) > 0
    # Required when there is pain; allowed (and ignored) without.
    if any_pain or draw(st.booleans()):
        section["onset"] = draw(st.sampled_from(["sudden", "gradual"]))
        section["duration_days"] = draw(st.integers(0, 400))
    optional(draw, section, "locked_up", st.booleans())
    optional(draw, section, "recurrent", st.booleans())
    optional(draw, section, "after_lifting", st.booleans())
    optional(draw, section, "leg_symptoms", st.sampled_from(["none", "above_knee", "below_knee"]))
    optional(draw, section, "tight_areas", st.lists(st.sampled_from(TIGHT_AREAS), max_size=8))
    # Red flags are rarer in life; keep plenty of requests without any.
    optional(draw, section, "red_flags", st.lists(st.sampled_from(RED_FLAGS), max_size=3))
    return section


@st.composite
def requests(draw: st.DrawFn, *, require: tuple[str, ...] = ()) -> Body:
    """A request body the contract accepts (no 422), with at least the `require`d sections."""
    present = set(require)
    present |= set(draw(st.sets(st.sampled_from(SECTIONS), min_size=0 if present else 1)))
    body: Body = {}
    if "training" in present:
        body["training"] = draw(training_sections())
    if "sitting" in present:
        body["sitting"] = draw(sitting_sections())
    if "symptoms" in present:
        body["symptoms"] = draw(symptoms_sections())
    optional(draw, body, "age_years", st.integers(16, 120))
    optional(
        draw,
        body,
        "activities",
        st.fixed_dictionaries(
            {}, optional={"weight_training": st.booleans(), "high_impact_classes": st.booleans()}
        ),
    )
    return body


histories = st.integers(0, 4)


def at_least_as_severe(before: AssessmentResult, after: AssessmentResult) -> None:
    assert triage_rank(after.triage.level) >= triage_rank(before.triage.level), (
        before.triage.level,
        after.triage.level,
    )
    assert running_rank(after.running.advice) >= running_rank(before.running.advice), (
        before.running.advice,
        after.running.advice,
    )


def reported_flags(body: Body) -> set[str]:
    return set(body.get("symptoms", {}).get("red_flags", []))


# --- The strategy itself --------------------------------------------------------------------------


@SETTINGS
@given(body=requests())
def test_generated_requests_are_valid(body: Body):
    valid_input(body)


# --- Determinism ----------------------------------------------------------------------------------


@SETTINGS
@given(body=requests(), history=histories)
def test_same_request_gives_the_same_answer(
    ruleset: Ruleset, catalogue: tuple[CatalogueEntry, ...], body: Body, history: int
):
    first, second = (
        assess(
            valid_input(copy.deepcopy(body)),
            ruleset=ruleset,
            catalogue=catalogue,
            earlier_painful_assessments=history,
        )
        for _ in range(2)
    )
    assert first.result.model_dump(mode="json") == second.result.model_dump(mode="json")
    assert first.explanation.model_dump(mode="json") == second.explanation.model_dump(mode="json")


@SETTINGS
@given(body=requests(), history=histories, explain=st.booleans())
def test_the_answers_json_is_the_answer_serialised_whole(
    ruleset: Ruleset,
    catalogue: tuple[CatalogueEntry, ...],
    body: Body,
    history: int,
    explain: bool,
):
    # The engine writes its JSON from parts kept per ruleset and catalogue snapshot, with no
    # model on the way: it must be a valid answer, exactly as serialising its model gives it
    # (field order, number forms, nothing missing or extra), with the fields kept beside it.
    evaluation = assess(
        valid_input(body),
        ruleset=ruleset,
        catalogue=catalogue,
        earlier_painful_assessments=history,
        explain=explain,
    )
    result = AssessmentResult.model_validate_json(evaluation.json)
    assert evaluation.json == AssessmentResult.__pydantic_serializer__.to_json(result)
    assert (evaluation.ruleset_version, evaluation.severity, evaluation.triage_level) == (
        result.ruleset_version,
        result.severity,
        result.triage.level,
    )
    # The fixed parts are the ruleset's own, wherever the engine keeps them written.
    assert (result.ruleset_version, result.disclaimer) == (ruleset.version, ruleset.disclaimer)
    assert result.triage.reason in ruleset.triage_reasons.values()
    assert result.running.detail in ruleset.running_details.values()
    for factor in result.risk_factors:
        defined = ruleset.risk_factor(factor.code)
        assert (factor.title, factor.sources) == (defined.title, ruleset.sources(defined.sources))
        if defined.level != "by_load_ratio":
            assert factor.level == defined.level
    for answered in result.actions:
        defined_action = ruleset.action(answered.code)
        assert (answered.title, answered.detail) == (defined_action.title, defined_action.detail)
    for flag in result.red_flags:
        defined_flag = ruleset.red_flag(flag.code)
        assert (flag.title, flag.level) == (defined_flag.title, defined_flag.level)
    # A measured value in the evidence is the request's, as its model holds it: the same
    # value and the same JSON type (3.0 stays 3.0, 3 stays 3).
    request = valid_input(body).model_dump(mode="json")
    given = {"age_years": request.get("age_years")}
    for section in SECTIONS:
        given.update(request.get(section) or {})
    for factor_json in json.loads(evaluation.json)["risk_factors"]:
        for key, value in factor_json["evidence"].items():
            if given.get(key) is not None:
                assert (value, type(value)) == (given[key], type(given[key])), key


# One snapshot for every example of the test below, as one serves many requests in a worker.
_WARM: dict[str, Catalogue] = {}


@settings(max_examples=600, deadline=None, database=None)
@given(body=requests(), history=histories)
def test_an_answer_from_a_long_used_catalogue_is_the_answer_from_a_fresh_one(
    ruleset: Ruleset, catalogue: tuple[CatalogueEntry, ...], body: Body, history: int
):
    # A catalogue snapshot keeps the actions (and whole action lists) it has made, keyed by
    # what decides them: a key that missed something would hand one request's actions to
    # another. The same snapshot serves every example here; each is compared with the
    # answer of a snapshot that has made nothing yet.
    warm = _WARM.setdefault("catalogue", Catalogue(catalogue))
    request = valid_input(body)
    answers = [
        assess(
            request,
            ruleset=ruleset,
            catalogue=snapshot,
            earlier_painful_assessments=history,
            explain=False,
        ).json
        for snapshot in (warm, Catalogue(catalogue))
    ]
    assert answers[0] == answers[1]


# --- Monotonicity ---------------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), body=requests(require=("symptoms",)), history=histories)
def test_adding_a_red_flag_never_lowers_triage_nor_loosens_running(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    flag = data.draw(st.sampled_from(RED_FLAGS))
    assume(flag not in reported_flags(body))
    raised = copy.deepcopy(body)
    raised["symptoms"]["red_flags"] = [*raised["symptoms"].get("red_flags", []), flag]
    at_least_as_severe(
        run(body, earlier_painful_assessments=history),
        run(raised, earlier_painful_assessments=history),
    )


@SETTINGS
@given(data=st.data(), body=requests(require=("symptoms",)), history=histories)
def test_raising_pain_now_never_lowers_triage_nor_loosens_running(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    symptoms = body["symptoms"]
    ceiling = symptoms.get("pain_worst_24h", 10)  # pain_worst_24h >= pain_now keeps it valid
    assume(symptoms["pain_now"] < ceiling)
    # onset and duration_days are required once there is pain; giving them to both requests
    # keeps the pair valid and changes nothing without pain.
    symptoms.setdefault("onset", data.draw(st.sampled_from(["sudden", "gradual"])))
    symptoms.setdefault("duration_days", data.draw(st.integers(0, 400)))
    raised = copy.deepcopy(body)
    raised["symptoms"]["pain_now"] = data.draw(st.integers(symptoms["pain_now"] + 1, ceiling))
    at_least_as_severe(
        run(body, earlier_painful_assessments=history),
        run(raised, earlier_painful_assessments=history),
    )


@SETTINGS
@given(data=st.data(), body=requests(require=("training",)), history=histories)
def test_raising_weekly_distance_never_lowers_triage_nor_loosens_running(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    weekly = body["training"]["weekly_distance_km"]
    assume(weekly < 500)
    raised = copy.deepcopy(body)
    raised["training"]["weekly_distance_km"] = data.draw(
        numbers(weekly, 500).filter(lambda value: value > weekly)
    )
    at_least_as_severe(
        run(body, earlier_painful_assessments=history),
        run(raised, earlier_painful_assessments=history),
    )


@SETTINGS
@given(data=st.data(), body=requests(require=("sitting",)), history=histories)
def test_raising_hours_per_day_never_lowers_triage_nor_loosens_running(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    hours = body["sitting"]["hours_per_day"]
    assume(hours < 24)
    raised = copy.deepcopy(body)
    raised["sitting"]["hours_per_day"] = data.draw(
        numbers(hours, 24).filter(lambda value: value > hours)
    )
    at_least_as_severe(
        run(body, earlier_painful_assessments=history),
        run(raised, earlier_painful_assessments=history),
    )


@SETTINGS
@given(data=st.data(), body=requests(require=("sitting",)), history=histories)
def test_raising_longest_bout_never_lowers_triage_nor_loosens_running(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    bout = body["sitting"].setdefault("longest_bout_minutes", data.draw(st.integers(0, 1439)))
    assume(bout < 1440)
    raised = copy.deepcopy(body)
    raised["sitting"]["longest_bout_minutes"] = data.draw(st.integers(bout + 1, 1440))
    at_least_as_severe(
        run(body, earlier_painful_assessments=history),
        run(raised, earlier_painful_assessments=history),
    )


# --- Red-flag dominance ---------------------------------------------------------------------------


@SETTINGS
@given(data=st.data(), body=requests(require=("symptoms",)), history=histories)
def test_any_emergency_flag_means_emergency_stop_and_emergency_care_first(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    flag = data.draw(st.sampled_from(EMERGENCY_FLAGS))
    body["symptoms"]["red_flags"] = [*body["symptoms"].get("red_flags", []), flag]
    result = run(body, earlier_painful_assessments=history)
    assert (result.triage.level, result.running.advice) == ("emergency", "stop")
    assert (result.actions[0].code, result.actions[0].priority) == ("seek_emergency_care", 1)
    assert "see_doctor_urgently" not in action_codes(result)


@SETTINGS
@given(data=st.data(), body=requests(require=("symptoms",)), history=histories)
def test_urgent_flags_only_mean_urgent_stop_and_see_doctor_first(
    run: Assess, data: st.DataObject, body: Body, history: int
):
    flags = data.draw(st.lists(st.sampled_from(URGENT_FLAGS), min_size=1, max_size=3))
    body["symptoms"]["red_flags"] = flags
    result = run(body, earlier_painful_assessments=history)
    assert (result.triage.level, result.running.advice) == ("urgent", "stop")
    assert (result.actions[0].code, result.actions[0].priority) == ("see_doctor_urgently", 1)
    assert "seek_emergency_care" not in action_codes(result)


@SETTINGS
@given(body=requests(), history=histories)
def test_red_flags_list_each_reported_flag_once(run: Assess, body: Body, history: int):
    result = run(body, earlier_painful_assessments=history)
    codes = [flag.code.value for flag in result.red_flags]
    assert sorted(codes) == sorted(reported_flags(body))
    for flag in result.red_flags:
        assert flag.level == ("emergency" if flag.code in EMERGENCY_FLAGS else "urgent")


# --- Links and codes ------------------------------------------------------------------------------


@SETTINGS
@given(body=requests(), history=histories)
def test_every_linked_exercise_exists_in_the_catalogue(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry], body: Body, history: int
):
    for item in run(body, earlier_painful_assessments=history).actions:
        for link in item.exercises:
            assert link.slug in catalogue_by_slug
            assert link.href == f"/exercises/{link.slug}"


@SETTINGS
@given(body=requests(require=("symptoms",)), history=histories)
def test_stretch_and_foam_roll_links_cover_exactly_the_reported_tight_areas(
    run: Assess, catalogue_by_slug: dict[str, CatalogueEntry], body: Body, history: int
):
    areas = set(body["symptoms"].get("tight_areas", []))
    assume(areas)
    links = action(run(body, earlier_painful_assessments=history), "stretch_and_foam_roll")
    targets = [set(catalogue_by_slug[link.slug].target_areas) for link in links.exercises]
    assert all(target & areas for target in targets)
    assert areas <= set().union(*targets)


@SETTINGS
@given(body=requests(), history=histories)
def test_every_code_is_a_contract_code_or_defined_in_the_ruleset(
    run: Assess, ruleset: Ruleset, body: Body, history: int
):
    result = run(body, earlier_painful_assessments=history)
    assert {f.code.value for f in result.risk_factors} <= set(RISK_FACTORS) | set(
        ruleset.risk_factors
    )
    assert {a.code.value for a in result.actions} <= set(ACTIONS) | set(ruleset.actions)
    assert {f.code.value for f in result.red_flags} <= set(RED_FLAGS) | set(ruleset.red_flags)


# --- Priorities and the rest of the answer --------------------------------------------------------


@SETTINGS
@given(body=requests(), history=histories)
def test_priorities_are_unique_and_consecutive_from_1(run: Assess, body: Body, history: int):
    actions = run(body, earlier_painful_assessments=history).actions
    assert [a.priority for a in actions] == list(range(1, len(actions) + 1))


@SETTINGS
@given(body=requests(), history=histories)
def test_actions_follow_red_flag_then_timeframe_then_contract_order(
    run: Assess, body: Body, history: int
):
    actions = run(body, earlier_painful_assessments=history).actions
    assert [a.code for a in actions] == [a.code for a in sorted(actions, key=expected_order_key)]


@SETTINGS
@given(body=requests(), history=histories)
def test_stop_running_is_listed_whenever_running_advice_is_stop(
    run: Assess, body: Body, history: int
):
    result = run(body, earlier_painful_assessments=history)
    if result.running.advice == "stop":
        assert "stop_running" in action_codes(result)


@SETTINGS
@given(body=requests(require=("symptoms",)), history=histories)
def test_any_pain_lists_stay_calm_now_see_physio_and_the_ongoing_trio(
    run: Assess, body: Body, history: int
):
    result = run(body, earlier_painful_assessments=history)
    assume(result.severity != "none")
    assert action(result, "stay_calm").timeframe == "now"
    action(result, "see_physiotherapist")
    assert {action(result, code).timeframe for code in LONG_TERM_TRIO} == {"ongoing"}


@SETTINGS
@given(body=requests(), history=histories)
def test_every_answer_carries_version_and_disclaimer(
    run: Assess, ruleset: Ruleset, body: Body, history: int
):
    result = run(body, earlier_painful_assessments=history)
    assert (result.ruleset_version, result.disclaimer) == (ruleset.version, ruleset.disclaimer)
