"""POST /assess over HTTP: status codes, Location, storage, and 422s that name the field."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import anyio
import fastapi.routing
import pytest
from fastapi import Depends, FastAPI, Request
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session, func, select
from starlette.requests import ClientDisconnect

from app.api import assess as assess_api
from app.api.assess import BatchResponse
from app.api.deps import get_settings_dep
from app.errors import NULL_DETAIL, install_error_handlers
from app.models import AssessmentRecord
from app.models.assessments import Assessment, AssessmentRequest
from app.ratelimit import make_limiter
from app.rules.outputs import AssessmentResult
from app.services.assessments import contract_field_errors
from tests.api.conftest import Caller

DESK_WORKER = {
    "subject_id": "runner-4821",
    "age_years": 34,
    "training": {"weekly_distance_km": 48, "baseline_weekly_distance_km": 32},
    "sitting": {
        "hours_per_day": 9,
        "longest_bout_minutes": 150,
        "runs_straight_after_sitting": True,
    },
    "symptoms": {
        "pain_now": 3,
        "pain_worst_24h": 3,
        "onset": "gradual",
        "duration_days": 6,
        "tight_areas": ["hip_flexors", "hamstrings"],
    },
}
LOCKED_UP = {
    "symptoms": {
        "pain_now": 8,
        "onset": "sudden",
        "duration_days": 1,
        "locked_up": True,
    },
    "activities": {"weight_training": True},
}


def stored_count(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(AssessmentRecord)).one())


def test_a_stored_assessment_is_201_with_location_and_id(
    client: TestClient, runner_app: Caller
) -> None:
    response = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers)
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/assessments/{body['id']}"
    assert body["subject_id"] == "runner-4821"
    assert body["created_at"]
    assert body["ruleset_version"]
    assert "not a diagnosis" in body["disclaimer"]
    assert response.headers["cache-control"] == "private, no-store"
    assert client.get(response.headers["location"], headers=runner_app.headers).json() == body


def test_store_false_is_200_without_storage_fields_and_stores_nothing(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    before = stored_count(session)
    response = client.post(
        "/assess", json={**DESK_WORKER, "store": False}, headers=runner_app.headers
    )
    assert response.status_code == 200
    body = response.json()
    assert {"id", "created_at", "subject_id"}.isdisjoint(body)
    assert "location" not in response.headers
    assert body["severity"] == "mild"
    assert stored_count(session) == before


def test_subject_id_is_null_when_stored_without_one(client: TestClient, runner_app: Caller) -> None:
    body = client.post("/assess", json=LOCKED_UP, headers=runner_app.headers).json()
    assert body["subject_id"] is None


def test_desk_worker_with_a_mileage_jump(client: TestClient, runner_app: Caller) -> None:
    body = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers).json()
    codes = {f["code"]: f for f in body["risk_factors"]}
    assert codes["training_volume_spike"]["level"] == "high"
    assert codes["training_volume_spike"]["evidence"]["load_ratio"] == 1.5
    assert {"prolonged_sitting", "sit_then_run", "myofascial_tension"} <= set(codes)
    assert body["triage"]["level"] == "self_care"
    assert body["running"]["advice"] == "reduce"
    actions = [a["code"] for a in body["actions"]]
    assert actions[0] == "stay_calm"
    assert {"mobilise_before_running", "stay_mobile_change_position"} <= set(actions)


def test_acute_locked_up_back(client: TestClient, runner_app: Caller) -> None:
    body = client.post("/assess", json=LOCKED_UP, headers=runner_app.headers).json()
    assert [f["code"] for f in body["risk_factors"]] == ["acute_episode"]
    assert body["running"]["advice"] == "stop"
    assert body["triage"]["level"] == "see_physio"
    actions = {a["code"]: a for a in body["actions"]}
    assert actions["see_physiotherapist"]["timeframe"] == "today"
    assert "avoid_weights_and_high_impact" in actions
    assert "stop_running" in actions
    for link in actions["gentle_stretching"]["exercises"]:
        exercise = client.get(link["href"]).json()
        assert "acute" in exercise["phases"]


def test_a_red_flag_always_wins(client: TestClient, runner_app: Caller) -> None:
    request = {
        "training": {"weekly_distance_km": 10, "baseline_weekly_distance_km": 10},
        "symptoms": {
            "pain_now": 1,
            "onset": "gradual",
            "duration_days": 2,
            "red_flags": ["bladder_or_bowel_dysfunction", "fever_or_unwell"],
        },
    }
    body = client.post("/assess", json=request, headers=runner_app.headers).json()
    assert body["triage"]["level"] == "emergency"
    assert body["running"]["advice"] == "stop"
    assert body["actions"][0]["code"] == "seek_emergency_care"
    assert body["actions"][0]["priority"] == 1
    assert "see_doctor_urgently" not in [a["code"] for a in body["actions"]]
    assert [f["code"] for f in body["red_flags"]] == [
        "bladder_or_bowel_dysfunction",
        "fever_or_unwell",
    ]


def test_every_linked_exercise_resolves(client: TestClient, runner_app: Caller) -> None:
    body = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers).json()
    links = [link for action in body["actions"] for link in action["exercises"]]
    assert links
    for link in links:
        assert link["href"] == f"/exercises/{link['slug']}"
        exercise = client.get(link["href"])
        assert exercise.status_code == 200
        assert exercise.json()["name"] == link["name"]


def test_explain_flag_adds_every_rule(client: TestClient, runner_app: Caller) -> None:
    body = client.post(
        "/assess", params={"explain": "true"}, json=DESK_WORKER, headers=runner_app.headers
    ).json()
    rules = body["explanation"]["rules"]
    assert [r["rule"] for r in rules] == [f"R{n}" for n in range(1, 18)]
    r7 = next(r for r in rules if r["rule"] == "R7")
    assert r7["fired"] is True
    assert r7["inputs"]["load_ratio"] == 1.5
    assert r7["thresholds"] == {"load_ratio_moderate": 1.1, "load_ratio_high": 1.3}
    assert (
        "explanation"
        not in client.post("/assess", json=DESK_WORKER, headers=runner_app.headers).json()
    )


def _problem(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["type"] == "/problems/validation-error"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    ("request_body", "fields"),
    [
        ({}, ["training", "sitting", "symptoms"]),
        ({"activities": {"weight_training": True}}, ["training", "sitting", "symptoms"]),
        (
            {"symptoms": {"pain_now": 11}},
            ["symptoms.pain_now", "symptoms.onset", "symptoms.duration_days"],
        ),
        (
            {"symptoms": {"pain_now": 3.5, "onset": "sudden", "duration_days": 1}},
            ["symptoms.pain_now"],
        ),
        ({"symptoms": {"pain_now": True}}, ["symptoms.pain_now"]),
        ({"symptoms": {"pain_now": "3"}}, ["symptoms.pain_now"]),
        ({"symptoms": {"pain_now": None}}, ["symptoms.pain_now"]),
        ({"symptoms": {}}, ["symptoms.pain_now"]),
        ({"symptoms": {"pain_now": 4}}, ["symptoms.onset", "symptoms.duration_days"]),
        (
            {
                "symptoms": {
                    "pain_now": 5,
                    "pain_worst_24h": 3,
                    "onset": "sudden",
                    "duration_days": 1,
                }
            },
            ["symptoms.pain_worst_24h"],
        ),
        ({"symptoms": {"pain_now": 0, "red_flags": ["headache"]}}, ["symptoms.red_flags[0]"]),
        ({"symptoms": {"pain_now": 0, "tight_areas": ["ears"]}}, ["symptoms.tight_areas[0]"]),
        ({"symptoms": {"pain_now": 0, "paine": 1}}, ["symptoms.paine"]),
        ({"sitting": {"hours_per_day": 25}}, ["sitting.hours_per_day"]),
        (
            {"sitting": {"hours_per_day": 8, "longest_bout_minutes": -1}},
            ["sitting.longest_bout_minutes"],
        ),
        ({"training": {"weekly_distance_km": 10}}, ["training.baseline_weekly_distance_km"]),
        (
            {"training": {"weekly_distance_km": 10, "baseline_weekly_distance_km": 501}},
            ["training.baseline_weekly_distance_km"],
        ),
        ({"age_years": 15, "sitting": {"hours_per_day": 1}}, ["age_years"]),
        ({"subject_id": "jane@example.com", "sitting": {"hours_per_day": 1}}, ["subject_id"]),
        ({"store": "no", "sitting": {"hours_per_day": 1}}, ["store"]),
        ({"unknown": 1, "sitting": {"hours_per_day": 1}}, ["unknown"]),
        (
            {"symptoms": {"pain_now": 5, "pain_worst_24h": 11}},
            ["symptoms.pain_worst_24h", "symptoms.onset", "symptoms.duration_days"],
        ),
        ({"age_years": 10}, ["age_years", "training", "sitting", "symptoms"]),
    ],
)
def test_bad_input_is_a_422_naming_each_field(
    client: TestClient,
    runner_app: Caller,
    session: Session,
    request_body: dict[str, Any],
    fields: list[str],
) -> None:
    before = stored_count(session)
    body = _problem(client.post("/assess", json=request_body, headers=runner_app.headers))
    assert [e["field"] for e in body["errors"]] == fields
    assert all(e["detail"] for e in body["errors"])
    assert stored_count(session) == before


def test_under_16_says_out_of_scope(client: TestClient, runner_app: Caller) -> None:
    body = _problem(
        client.post(
            "/assess",
            json={"age_years": 15, "sitting": {"hours_per_day": 1}},
            headers=runner_app.headers,
        )
    )
    assert "out of scope" in body["errors"][0]["detail"]


# Nulls where no null belongs, each with what the 422 must say of it.
NULLS = {
    "age_years": None,
    "training": None,
    "sitting": {"hours_per_day": None, "runs_straight_after_sitting": None},
    "symptoms": {"pain_now": 0, "onset": None, "tight_areas": [None]},
    "subject_id": None,
    "unknown": None,
}
NULL_DETAILS = {
    "age_years": NULL_DETAIL,
    "training": NULL_DETAIL,
    "sitting.hours_per_day": NULL_DETAIL,
    "sitting.runs_straight_after_sitting": NULL_DETAIL,
    "symptoms.onset": NULL_DETAIL,
    # An item of a list is not a field to leave out: its own type's words.
    "symptoms.tight_areas[0]": "Input should be 'lower_back', 'hip_flexors', 'glutes', "
    "'hamstrings', 'quads' or 'thoracic_spine'",
    "subject_id": NULL_DETAIL,
    "unknown": "Extra inputs are not permitted",
}


def test_a_null_is_refused_with_each_field_named_and_told_to_leave_it_out(
    client: TestClient, runner_app: Caller
) -> None:
    single = _problem(client.post("/assess", json=NULLS, headers=runner_app.headers))
    assert {e["field"]: e["detail"] for e in single["errors"]} == NULL_DETAILS
    batch = client.post("/assess/batch", json={"items": [NULLS]}, headers=runner_app.headers)
    (item,) = batch.json()["results"]
    assert {e["field"]: e["detail"] for e in item["problem"]["errors"]} == NULL_DETAILS


def test_integers_written_as_3_0_are_accepted(client: TestClient, runner_app: Caller) -> None:
    response = client.post(
        "/assess",
        json={"symptoms": {"pain_now": 3.0, "onset": "gradual", "duration_days": 2.0}},
        headers=runner_app.headers,
    )
    assert response.status_code == 201
    assert response.json()["severity"] == "mild"


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"text"', b"null"])
def test_malformed_or_non_object_json_is_a_422_naming_body(
    client: TestClient, runner_app: Caller, raw: bytes
) -> None:
    response = client.post(
        "/assess",
        content=raw,
        headers={**runner_app.headers, "Content-Type": "application/json"},
    )
    body = _problem(response)
    assert [e["field"] for e in body["errors"]] == ["body"]


def test_a_non_json_content_type_is_a_415(client: TestClient, runner_app: Caller) -> None:
    response = client.post(
        "/assess",
        content=b'{"sitting": {"hours_per_day": 9}}',
        headers={**runner_app.headers, "Content-Type": "text/plain"},
    )
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/unsupported-media-type"


def test_a_body_over_64_kib_is_a_413(client: TestClient, runner_app: Caller) -> None:
    big = {"sitting": {"hours_per_day": 9}, "subject_id": "x", "pad": "y" * (70 * 1024)}
    response = client.post("/assess", json=big, headers=runner_app.headers)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert "65536" in response.json()["detail"]


@pytest.mark.parametrize(
    "raw",
    [
        b'{"symptoms": {"pain_now": 3}, "subject_id": "\xff\xfe"}',
        b'{"age_years": ' + b"9" * 5000 + b"}",
    ],
    ids=["not-utf8", "huge-integer"],
)
def test_an_unreadable_body_is_a_422_naming_body(
    client: TestClient, runner_app: Caller, raw: bytes
) -> None:
    response = client.post(
        "/assess", content=raw, headers={**runner_app.headers, "Content-Type": "application/json"}
    )
    body = _problem(response)
    assert [e["field"] for e in body["errors"]] == ["body"]


def test_answers_are_byte_for_byte_what_their_models_write(
    client: TestClient, runner_app: Caller
) -> None:
    """Answers are written once and reused (stored, and sent): the bytes must be exactly
    those the documented models produce, in their field order."""
    stored = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers)
    assert stored.status_code == 201
    assert Assessment.model_validate_json(stored.content).model_dump_json() == stored.text
    assert list(stored.json())[-3:] == ["id", "created_at", "subject_id"]

    fresh = client.post("/assess", json={**LOCKED_UP, "store": False}, headers=runner_app.headers)
    assert fresh.status_code == 200
    assert AssessmentResult.model_validate_json(fresh.content).model_dump_json() == fresh.text

    # Not stored but with a subject (through the database for its history), and explained.
    not_stored = {**DESK_WORKER, "store": False}
    queued = client.post("/assess", json=not_stored, headers=runner_app.headers)
    assert queued.status_code == 200
    assert AssessmentResult.model_validate_json(queued.content).model_dump_json() == queued.text
    explained = client.post("/assess?explain=true", json=DESK_WORKER, headers=runner_app.headers)
    assert explained.json()["explanation"]["rules"]
    assert Assessment.model_validate_json(explained.content).model_dump_json() == explained.text

    items = [DESK_WORKER, {"symptoms": {"pain_now": 11}}, {**LOCKED_UP, "store": False}]
    batch = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    assert batch.status_code == 200
    assert BatchResponse.model_validate_json(batch.content).model_dump_json() == batch.text
    assert [item["status"] for item in batch.json()["results"]] == [201, 422, 200]


@pytest.fixture
def solved(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Each time FastAPI solves an endpoint's dependencies (its own path does, the fast
    path does not), the dependant it solved."""
    seen: list[object] = []
    solve = fastapi.routing.solve_dependencies

    async def counting(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs.get("dependant"))
        return await solve(*args, **kwargs)

    monkeypatch.setattr(fastapi.routing, "solve_dependencies", counting)
    return seen


@pytest.mark.parametrize("store", [True, False])
def test_the_fast_path_and_fastapis_own_path_answer_alike(
    client: TestClient, runner_app: Caller, store: bool, solved: list[object]
) -> None:
    """/assess answers a plain valid request on a fast path (app.api.assess.FastAssessRoute)
    and anything else through FastAPI's own handling: `?explain=false` takes the second
    path for the same request, and the two answers must not differ in anything but the
    storage fields."""
    body = {**DESK_WORKER, "store": store}
    # A clock that stands still: no window may end between the two requests.
    client.app.state.limiter = make_limiter(None, clock=lambda: 1_800_000_005.0)  # type: ignore[attr-defined]
    # Which path answered (an upgrade that stopped using the route's handler would show).
    fast = client.post("/assess", json=body, headers=runner_app.headers)
    assert solved == []
    standard = client.post("/assess?explain=false", json=body, headers=runner_app.headers)
    assert solved
    assert fast.status_code == standard.status_code == (201 if store else 200)
    storage = {"id", "created_at", "location", "date", "x-request-id", "content-length"}
    storage.add("ratelimit-remaining")  # compared below
    assert {k: v for k, v in fast.json().items() if k not in storage} == {
        k: v for k, v in standard.json().items() if k not in storage
    }
    assert {k: v for k, v in fast.headers.items() if k not in storage} == {
        k: v for k, v in standard.headers.items() if k not in storage
    }
    assert ("location" in fast.headers) is ("location" in standard.headers) is store
    # Each path checks the key, its scope and the limit (one hit each).
    assert (
        int(fast.headers["ratelimit-remaining"]) == int(standard.headers["ratelimit-remaining"]) + 1
    )
    for path in ("/assess", "/assess?explain=false"):
        assert client.post(path, json=body).status_code == 401
        assert client.post(path, json=body, headers={"X-API-Key": "bp_nope"}).status_code == 401


DEEPLY_NESTED = b'{"store": false, "symptoms": ' + b"[" * 1000 + b"]" * 1000 + b"}"


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        (DEEPLY_NESTED, "application/json"),  # json.loads raises RecursionError
        (b'{"sitting": {"hours_per_day": 9}}', "application/x/y+json"),  # not JSON to FastAPI
        (b'{"sitting": {"hours_per_day": 9}}', "application/problem+json"),
        (b'{"sitting": {"hours_per_day": 9}, "store": false}', "application/json; charset=utf-8"),
        # JSON that json.loads reads and pydantic's parser (the fast path's) refuses.
        (b'\xef\xbb\xbf{"sitting": {"hours_per_day": 9}, "store": false}', "application/json"),
        ('{"sitting": {"hours_per_day": 9}, "store": false}'.encode("utf-16"), "application/json"),
    ],
    ids=["deeply-nested", "two-slashes", "json-suffix", "charset", "byte-order-mark", "utf-16"],
)
@pytest.mark.parametrize("keyed", [True, False], ids=["key", "no-key"])
def test_odd_requests_are_answered_as_fastapi_answers_them(
    client: TestClient,
    runner_app: Caller,
    session: Session,
    raw: bytes,
    content_type: str,
    keyed: bool,
) -> None:
    """Whatever the fast path does not take is answered by FastAPI's own path: the same
    status and body as the same request sent with `?explain=false` (which always takes it),
    never a 500, and nothing stored by a request that is refused."""
    headers = {**(runner_app.headers if keyed else {}), "Content-Type": content_type}
    before = stored_count(session)
    fast = client.post("/assess", content=raw, headers=headers)
    standard = client.post("/assess?explain=false", content=raw, headers=headers)
    assert fast.status_code == standard.status_code != 500
    if fast.status_code >= 400:
        mine = {k: v for k, v in fast.json().items() if k not in ("instance", "request_id")}
        theirs = {k: v for k, v in standard.json().items() if k not in ("instance", "request_id")}
        assert mine == theirs
        assert stored_count(session) == before
    else:
        storage = ("id", "created_at")
        assert {k: v for k, v in fast.json().items() if k not in storage} == {
            k: v for k, v in standard.json().items() if k not in storage
        }


def _request(*messages: dict[str, Any]) -> Request:
    queue = list(messages)

    async def receive() -> dict[str, Any]:
        return queue.pop(0)

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


def test_the_whole_body_is_read_as_starlette_reads_it_and_replayed_for_fastapis_path() -> None:
    """The fast path reads the body itself (app.api.assess.whole_body); in one message or
    several, the bytes are Starlette's, and the request replayed for FastAPI's path
    (`replaying`) gives them again, then what the connection sends next."""
    parts = [b'{"store": ', b"false", b"}"]
    one = _request({"type": "http.request", "body": b"".join(parts)}, DISCONNECT)
    several = _request(
        *({"type": "http.request", "body": part, "more_body": True} for part in parts),
        {"type": "http.request", "body": b""},
        DISCONNECT,
    )
    for request in (one, several):
        body = anyio.run(assess_api.whole_body, request)
        assert body == b'{"store": false}'
        again = assess_api.replaying(request, body)
        assert anyio.run(again.body) == b'{"store": false}'
        assert again.scope is request.scope
        assert anyio.run(again.receive) == DISCONNECT
    gone = _request({"type": "http.request", "body": b"{", "more_body": True}, DISCONNECT)
    with pytest.raises(ClientDisconnect):
        anyio.run(assess_api.whole_body, gone)


DISCONNECT = {"type": "http.disconnect"}


# Any JSON value, for a field of a valid body to be replaced with.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats()
    | st.sampled_from(["", "gradual", "sudden", "hip_flexors", "increased", "12", "1e3"])
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)


def _fields(body: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = []
    for name, value in body.items():
        paths.append((*prefix, name))
        if isinstance(value, dict):
            paths += _fields(value, (*prefix, name))
    return paths


@st.composite
def request_bodies(draw: st.DrawFn) -> bytes:
    """A valid body, or one with a field replaced, removed or added; written as JSON the
    way a client might (ASCII or not, spaced or not, with NaN where a float is NaN)."""
    return draw(_written_as_json(draw(request_values())))


@st.composite
def _written_as_json(draw: st.DrawFn, value: object) -> bytes:
    indent = draw(st.sampled_from([None, 2]))
    ascii_only = draw(st.booleans())
    return json.dumps(value, indent=indent, ensure_ascii=ascii_only).encode(
        "utf-8", "surrogatepass"
    )


@st.composite
def request_values(draw: st.DrawFn) -> dict[str, Any]:
    """A valid request, or one with a field replaced, removed or added."""
    body = copy.deepcopy(draw(st.sampled_from([DESK_WORKER, LOCKED_UP, {"store": False}])))
    change = draw(st.sampled_from(["none", "replace", "remove", "add"]))
    path = draw(st.sampled_from(_fields(body)))
    *parents, name = path
    section = body
    for parent in parents:
        section = section[parent]
    if change == "replace":
        section[name] = draw(JSON_VALUES)
    elif change == "remove":
        del section[name]
    elif change == "add":
        section[draw(st.text(max_size=12))] = draw(JSON_VALUES)
    return body


@st.composite
def batch_bodies(draw: st.DrawFn) -> bytes:
    """A batch of one to three requests (each as request_values draws it), or its envelope
    changed: a field beside `items`, or `items` empty or another JSON value."""
    batch: dict[str, Any] = {"items": draw(st.lists(request_values(), min_size=1, max_size=3))}
    change = draw(st.sampled_from(["none", "none", "beside", "empty", "replace"]))
    if change == "beside":
        batch[draw(st.text(max_size=12))] = draw(JSON_VALUES)
    elif change == "empty":
        batch["items"] = []
    elif change == "replace":
        batch["items"] = draw(JSON_VALUES)
    return draw(_written_as_json(batch))


@given(raw=request_bodies())
@settings(max_examples=300, deadline=None)
def test_the_json_parser_accepts_only_what_fastapis_way_accepts_alike(raw: bytes) -> None:
    """The fast path reads a body with pydantic's JSON parser; FastAPI's path, with
    json.loads and then the model. Whatever the first accepts, the second accepts too, as
    the same request (what only the second accepts goes to FastAPI's path anyway)."""
    try:
        fast = AssessmentRequest.model_validate_json(raw)
    except ValueError:
        return
    standard = AssessmentRequest.model_validate(json.loads(raw))
    assert fast == standard
    assert fast.model_dump_json() == standard.model_dump_json()


@given(raw=batch_bodies())
@settings(max_examples=300, deadline=None)
def test_the_batch_fast_path_takes_only_what_fastapis_way_accepts_alike(raw: bytes) -> None:
    """The batch's fast path takes a body only if all of it is valid (see _valid_items);
    FastAPI's path reads it with json.loads, the envelope's model, then each item with its
    own model and the contract's rules. Whatever the first takes, the second finds valid
    through and through, as the same requests in the same order."""
    fast = assess_api._valid_items(raw)
    if fast is None:
        return
    envelope = assess_api.BatchRequest.model_validate(json.loads(raw))
    standard = [AssessmentRequest.model_validate(item) for item in envelope.items]
    assert not any(contract_field_errors(item) for item in standard)
    assert fast == standard
    assert [i.model_dump_json() for i in fast] == [i.model_dump_json() for i in standard]


def _accepted(raw: bytes) -> bool:
    try:
        AssessmentRequest.model_validate_json(raw)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("bodies", "accepted"),
    [
        (request_bodies, _accepted),
        (batch_bodies, lambda raw: assess_api._valid_items(raw) is not None),
    ],
    ids=["request", "batch"],
)
def test_the_json_parser_tests_see_accepted_and_refused_bodies(
    bodies: Callable[[], st.SearchStrategy[bytes]], accepted: Callable[[bytes], bool]
) -> None:
    """The properties above are not empty: their bodies are taken and refused alike."""
    seen: set[bool] = set()

    @given(raw=bodies())
    @settings(max_examples=200, deadline=None, database=None)
    def parse(raw: bytes) -> None:
        seen.add(accepted(raw))

    parse()
    assert seen == {True, False}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/assess", {**DESK_WORKER, "store": False}),
        ("/assess/batch", {"items": [{**DESK_WORKER, "store": False}]}),
    ],
)
def test_the_fast_path_steps_aside_for_a_dependency_it_does_not_run(
    make_app: Callable[..., FastAPI],
    runner_app: Caller,
    solved: list[object],
    path: str,
    body: dict[str, Any],
) -> None:
    """A dependency added to the router that includes /assess and /assess/batch (or any
    app override) must run: with one, each takes FastAPI's path for every request."""
    calls: list[str] = []

    async def audit(request: Request) -> None:
        calls.append(request.url.path)

    real = make_app()
    extra = FastAPI()
    extra.state = real.state
    install_error_handlers(extra)
    extra.include_router(assess_api.router, dependencies=[Depends(audit)])
    with TestClient(extra) as test_client:
        answer = test_client.post(path, json=body, headers=runner_app.headers)
    assert answer.status_code == 200
    assert calls == [path]

    overridden = make_app()
    overridden.dependency_overrides[get_settings_dep] = lambda: real.state.settings
    solved.clear()  # the app with the extra dependency took FastAPI's path too
    with TestClient(overridden) as test_client:
        answer = test_client.post(path, json=body, headers=runner_app.headers)
    assert answer.status_code == 200
    assert solved


# Valid items with no subject (so that neither answer's history counts the other's): stored,
# not stored, and a red flag.
FAST_BATCH = [
    {k: v for k, v in DESK_WORKER.items() if k != "subject_id"},
    {**LOCKED_UP, "store": False},
    {
        "symptoms": {
            "pain_now": 2,
            "onset": "sudden",
            "duration_days": 1,
            "red_flags": ["saddle_anaesthesia"],
        },
        "store": False,
    },
]


def _without(answer: Any, names: frozenset[str]) -> Any:
    """A JSON value with the members named `names` left out, at any depth."""
    if isinstance(answer, dict):
        return {k: _without(v, names) for k, v in answer.items() if k not in names}
    if isinstance(answer, list):
        return [_without(v, names) for v in answer]
    return answer


def test_a_valid_batch_takes_the_fast_path_and_answers_as_fastapis_path_answers(
    client: TestClient, runner_app: Caller, session: Session, solved: list[object]
) -> None:
    """A batch whose items are all valid is answered on a fast path
    (app.api.assess.FastBatchRoute); with a query string, the same batch takes FastAPI's
    path. The two answers must not differ in anything but the storage fields, and each
    stores what it says it stored."""
    client.app.state.limiter = make_limiter(None, clock=lambda: 1_800_000_005.0)  # type: ignore[attr-defined]
    body = {"items": FAST_BATCH}
    before = stored_count(session)
    fast = client.post("/assess/batch", json=body, headers=runner_app.headers)
    assert solved == []
    assert stored_count(session) == before + 1
    standard = client.post("/assess/batch?path=fastapi", json=body, headers=runner_app.headers)
    assert solved
    assert stored_count(session) == before + 2
    assert fast.status_code == standard.status_code == 200
    assert [r["status"] for r in fast.json()["results"]] == [201, 200, 200]
    assert fast.json()["results"][2]["assessment"]["triage"]["level"] == "emergency"
    assert (fast.json()["stored"], fast.json()["invalid"]) == (1, 0)
    storage = frozenset({"id", "created_at"})
    assert _without(fast.json(), storage) == _without(standard.json(), storage)
    assert BatchResponse.model_validate_json(fast.content).model_dump_json() == fast.text
    varying = {"date", "x-request-id", "content-length", "ratelimit-remaining"}
    assert {k: v for k, v in fast.headers.items() if k not in varying} == {
        k: v for k, v in standard.headers.items() if k not in varying
    }
    # Each path checks the key, its scope and the limit (one hit each), and refuses no key.
    assert (
        int(fast.headers["ratelimit-remaining"]) == int(standard.headers["ratelimit-remaining"]) + 1
    )
    for path in ("/assess/batch", "/assess/batch?path=fastapi"):
        assert client.post(path, json=body).status_code == 401


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        # An item that fails the schema, one that fails the contract's other rules (pain
        # without its onset and duration), and one that is not an object: each its problem.
        (json.dumps({"items": [FAST_BATCH[0], {"age_years": "old"}]}), "application/json"),
        (json.dumps({"items": [{"symptoms": {"pain_now": 4}}, FAST_BATCH[1]]}), "application/json"),
        (json.dumps({"items": [FAST_BATCH[1], 7]}), "application/json"),
        # Refused whole: too many items, none, a field beside them, bad JSON, not JSON.
        (json.dumps({"items": [FAST_BATCH[1]] * 501}), "application/json"),
        (json.dumps({"items": []}), "application/json"),
        (json.dumps({"items": [FAST_BATCH[1]], "store": False}), "application/json"),
        ('{"items": [', "application/json"),
        (json.dumps({"items": [FAST_BATCH[1]]}).encode("utf-16"), "application/json"),
        (json.dumps({"items": [FAST_BATCH[1]]}), "text/plain"),
    ],
    ids=[
        "schema",
        "contract",
        "not-an-object",
        "501-items",
        "no-items",
        "field-beside-items",
        "bad-json",
        "utf-16",
        "not-json",
    ],
)
def test_a_batch_the_fast_path_does_not_take_is_answered_as_fastapi_answers_it(
    client: TestClient,
    runner_app: Caller,
    session: Session,
    solved: list[object],
    raw: str | bytes,
    content_type: str,
) -> None:
    """Whatever the batch's fast path does not take goes to FastAPI's path: the same status
    and body as the same request sent with a query string (which always takes it), and
    refused whole, nothing stored."""
    headers = {**runner_app.headers, "Content-Type": content_type}
    before = stored_count(session)
    fast = client.post("/assess/batch", content=raw, headers=headers)
    took_fastapis_path = bool(solved)
    standard = client.post("/assess/batch?path=fastapi", content=raw, headers=headers)
    assert fast.status_code == standard.status_code != 500
    varying = frozenset({"id", "created_at", "instance", "request_id"})
    assert _without(fast.json(), varying) == _without(standard.json(), varying)
    if fast.status_code != 200:
        assert stored_count(session) == before
    else:  # each item answered (UTF-16, which only json.loads reads, or an item refused)
        assert took_fastapis_path
