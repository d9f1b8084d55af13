"""The OpenAPI document: committed, current, valid, complete, with examples that are the
service's real answers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from app.db import PROJECT_ROOT
from app.models.clients import Scope
from app.openapi import export_document
from app.openapi_examples import LOCKED_UP
from app.openapi_problems import PATH_VALUES
from tests.api.conftest import Caller, MakeCaller

COMMITTED = PROJECT_ROOT / "openapi" / "openapi.json"
DOCUMENT: dict[str, Any] = json.loads(COMMITTED.read_text())
METHODS = {"get", "post", "put", "patch", "delete"}
OPERATIONS = [
    (path, method, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def test_the_committed_document_is_what_the_code_exports() -> None:
    assert COMMITTED.read_text() == export_document(), (
        "openapi/openapi.json is out of date: run `.venv/bin/backpain openapi export`"
    )


def test_the_served_document_is_the_committed_one(client: TestClient) -> None:
    assert client.get("/openapi.json").json() == DOCUMENT


def test_the_document_is_valid_openapi() -> None:
    validate(DOCUMENT)
    assert DOCUMENT["openapi"].startswith("3.1")


def test_operation_ids_read_well_in_a_generated_client() -> None:
    ids = {operation["operationId"] for _, _, operation in OPERATIONS}
    assert {
        "assess",
        "assess_batch",
        "get_assessment",
        "list_assessments",
        "explain_assessment",
        "delete_assessment",
        "erase_subject",
        "list_exercises",
        "get_exercise",
        "create_exercise",
        "update_exercise",
        "list_programmes",
        "get_programme",
        "list_advice",
        "get_advice",
        "list_red_flags",
        "list_risk_factors",
        "create_client",
        "list_audit",
        "healthz",
        "readyz",
    } <= ids
    assert len(ids) == len(OPERATIONS)
    assert all("_" not in i or not i.endswith(("_get", "_post", "_put", "_delete")) for i in ids)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_has_a_summary_description_and_tag(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    assert operation["summary"]
    assert not operation["summary"].endswith(".")
    assert len(operation["description"]) >= len(operation["summary"])
    assert operation["tags"]


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_error_is_documented_as_problem_json_with_examples(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    errors = {code: r for code, r in operation["responses"].items() if code[0] in "45"}
    assert "500" in errors, "every route can fail unexpectedly, and says how"
    for code, response in errors.items():
        assert list(response["content"]) == ["application/problem+json"], code
        media = response["content"]["application/problem+json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Problem"}
        assert media["examples"], code
        for example in media["examples"].values():
            assert example["value"]["status"] == int(code)
            assert example["value"]["instance"].startswith(path.split("{")[0])


PUBLIC = [(p, m, o) for p, m, o in OPERATIONS if "x-required-scopes" not in o]


@pytest.mark.parametrize(
    ("path", "method", "operation"), PUBLIC, ids=[f"{m.upper()} {p}" for p, m, _ in PUBLIC]
)
def test_a_public_operation_never_says_it_needs_a_key(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    unauthorized = operation["responses"].get("401")
    if unauthorized is None:
        return  # probes and metrics: no key is ever read
    examples = unauthorized["content"]["application/problem+json"]["examples"]
    assert [e["value"]["detail"] for e in examples.values()] == [
        "The API key is not valid (unknown or revoked)."
    ]


GETS = [(p, m, o) for p, m, o in OPERATIONS if m == "get"]


@pytest.mark.parametrize(
    ("path", "method", "operation"), GETS, ids=[f"GET {p}" for p, _, _ in GETS]
)
def test_every_get_documents_if_none_match_and_its_304(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert header["name"] == "If-None-Match"
    assert header["required"] is False
    assert "content" not in operation["responses"]["304"]
    assert operation["responses"]["304"]["headers"]["ETag"]["required"] is True
    assert operation["responses"]["200"]["headers"]["ETag"]["required"] is True


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_body_has_examples(path: str, method: str, operation: dict[str, Any]) -> None:
    for media in operation.get("requestBody", {}).get("content", {}).values():
        assert media["examples"], "request body"
    for code, response in operation["responses"].items():
        if code[0] == "2" and "content" in response:
            for name, media in response["content"].items():
                assert media.get("examples"), f"{code} {name}"


def _keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node).union(*(_keys(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_keys(value) for value in node))
    return set()


def test_bounds_are_json_schema_keywords_that_validators_and_generators_read() -> None:
    # pydantic's own names (ge, le, gt, lt) mean nothing to a JSON Schema reader: a field
    # documented with them looks unbounded.
    assert not _keys(DOCUMENT) & {"ge", "le", "gt", "lt"}


@pytest.mark.parametrize(
    ("schema", "field", "low", "high"),
    [
        ("AssessmentRequest", "age_years", 16, 120),
        ("Training", "weekly_distance_km", 0, 500),
        ("Training", "baseline_weekly_distance_km", 0, 500),
        ("Training", "running_experience_months", 0, None),
        ("Sitting", "hours_per_day", 0, 24),
        ("Sitting", "longest_bout_minutes", 0, 1440),
        ("Symptoms", "pain_now", 0, 10),
        ("Symptoms", "pain_worst_24h", 0, 10),
        ("Symptoms", "duration_days", 0, None),
    ],
)
def test_every_number_in_a_request_documents_its_bounds(
    schema: str, field: str, low: int, high: int | None
) -> None:
    documented = DOCUMENT["components"]["schemas"][schema]["properties"][field]
    assert documented["minimum"] == low
    assert documented.get("maximum") == high


@pytest.mark.parametrize(
    "schema", ["AssessmentRequest", "Training", "Sitting", "Symptoms", "Activities"]
)
def test_an_assessment_request_documents_no_field_as_nullable(schema: str) -> None:
    # The service refuses null in a request (leave the field out instead): a generated
    # client must not offer it.
    properties = DOCUMENT["components"]["schemas"][schema]["properties"]
    assert properties
    for name, documented in properties.items():
        assert "null" not in json.dumps(documented), (schema, name)


def test_api_keys_are_declared_and_required_where_needed() -> None:
    schemes = DOCUMENT["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["apiKeyAuth"]["name"] == "X-API-Key"
    assess = DOCUMENT["paths"]["/assess"]["post"]
    assert assess["security"] == [{"bearerAuth": []}, {"apiKeyAuth": []}]
    assert assess["x-required-scopes"] == ["assess"]
    assert {} in DOCUMENT["paths"]["/exercises"]["get"]["security"]  # a key is optional


def test_the_description_covers_what_integrators_need() -> None:
    text = DOCUMENT["info"]["description"]
    for topic in (
        "## Authentication",
        "## Paging",
        "## Keeping a copy in sync",
        "## Rate limits",
        "## Errors",
        "## Versions",
        "Not a diagnosis",
        "ruleset_version",
        "tombstones",
    ):
        assert topic in text


ASSESS_EXAMPLES = DOCUMENT["paths"]["/assess"]["post"]["requestBody"]["content"][
    "application/json"
]["examples"]


def test_assess_has_the_three_named_examples() -> None:
    assert {"desk_worker_mileage_jump", "acute_locked_up_back", "red_flag"} <= set(ASSESS_EXAMPLES)


@pytest.mark.parametrize("name", ["desk_worker_mileage_jump", "acute_locked_up_back", "red_flag"])
def test_each_assess_example_shows_the_real_answer(
    client: TestClient, runner_app: Caller, name: str
) -> None:
    documented = DOCUMENT["paths"]["/assess"]["post"]["responses"]["201"]["content"][
        "application/json"
    ]["examples"][name]["value"]
    answer = client.post("/assess", json=ASSESS_EXAMPLES[name]["value"], headers=runner_app.headers)
    assert answer.status_code == 201
    ignore = {"id", "created_at"}
    assert {k: v for k, v in answer.json().items() if k not in ignore} == {
        k: v for k, v in documented.items() if k not in ignore
    }


def test_the_openapi_check_command_notices_a_stale_file(tmp_path: Path) -> None:
    from tests.live import backpain

    stale = tmp_path / "openapi.json"
    stale.write_text("{}\n")
    done = backpain("openapi", "check", "--output", str(stale), database_url="sqlite://")
    assert done.returncode == 1
    assert "out of date" in done.stderr
    assert (
        backpain("openapi", "export", "--output", str(stale), database_url="sqlite://").returncode
        == 0
    )
    assert (
        backpain("openapi", "check", "--output", str(stale), database_url="sqlite://").returncode
        == 0
    )


@pytest.mark.parametrize(
    ("path", "method", "operation"), GETS, ids=[f"GET {p}" for p, _, _ in GETS]
)
def test_every_get_answers_304_while_its_etag_is_current(
    client: TestClient,
    make_caller: MakeCaller,
    path: str,
    method: str,
    operation: dict[str, Any],
) -> None:
    caller = make_caller("etag-reader", *Scope)
    stored = client.post("/assess", json=LOCKED_UP, headers=caller.headers).json()["id"]
    values = {"assessment_id": stored, "name": "etag-reader"}
    kind = path.strip("/").split("/")[0]
    url = re.sub(r"{(\w+)}", lambda m: values.get(m[1], PATH_VALUES[kind][0]), path)
    first = client.get(url, headers=caller.headers)
    assert first.status_code == 200, first.text
    # Metrics change with every request (this one included): only `*` matches them.
    validator = "*" if path == "/metrics" else first.headers["etag"]
    again = client.get(url, headers={**caller.headers, "If-None-Match": validator})
    assert again.status_code == 304
    assert again.content == b""
    if path != "/metrics":
        assert again.headers["etag"] == first.headers["etag"]


PATH_PARAMETERS = [
    (f"{method.upper()} {path}", parameter)
    for path, method, operation in OPERATIONS
    for parameter in operation.get("parameters", [])
    if parameter["in"] == "path"
]


@pytest.mark.parametrize(("operation", "parameter"), PATH_PARAMETERS)
def test_every_path_parameter_has_a_description_and_an_example(
    operation: str, parameter: dict[str, Any]
) -> None:
    assert len(parameter["description"]) > 10, parameter["name"]
    assert parameter["schema"]["examples"], parameter["name"]


@pytest.mark.parametrize(
    "path",
    ["/exercises/{slug}", "/advice/{slug}", "/programmes/{slug}", "/red-flags/{code}",
     "/risk-factors/{code}"],
)  # fmt: skip
def test_a_public_path_example_names_something_that_exists(client: TestClient, path: str) -> None:
    parameter = DOCUMENT["paths"][path]["get"]["parameters"][0]
    (value,) = parameter["schema"]["examples"]
    assert client.get(path.split("{")[0] + value).status_code == 200
