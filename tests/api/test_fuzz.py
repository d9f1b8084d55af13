"""Schemathesis over the whole OpenAPI document, with a key holding every scope: no 5xx,
and every response matches its documented status codes, content types and schemas.

Two tests an operation:
- valid input: the document's own examples, then generated cases, with ids and slugs that
  exist (made for the test) in the path of the examples and of half the generated cases.
  Every operation must answer at least one case with a 2xx, so success answers are checked
  against their schemas too, and the test cannot quietly come down to checking 404s;
- invalid input (schemathesis' negative generation): refused as documented, never a 5xx.

Every case carries the valid key, in `X-API-Key` (the header schemathesis fills from the
apiKeyAuth scheme, and the one the API reads first); a 401 or 403 fails the test.

FUZZ_EXAMPLES (default 25) sets the generated cases an operation, for each test.
(Schemathesis' own pytest plugin cannot take the app from a fixture under pytest 9, so the
strategies are driven with Hypothesis directly.)
"""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import CheckFunction, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.config import load_settings
from app.main import create_app
from app.models.clients import Scope
from tests.api.conftest import MakeCaller

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
# What the API promises: never a 5xx, and every answer as documented. (Not "every
# schema-valid request is accepted": a programme naming an exercise that does not exist is
# schema-valid and still a 422.)
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# A batch answers each item on its own: an invalid item is a 422 inside the batch's 200 (as
# documented), so "invalid input is refused" holds for its items, not for the request.
ANSWERS_INVALID_ITEMS_IN_A_200 = {("/assess/batch", "POST")}
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
# The OpenAPI document does not depend on the database: built once, at collection (building
# it and loading it from each test's app would take most of the run).
DOCUMENT_JSON = json.dumps(create_app(load_settings(database_url="sqlite://")).openapi())
DOCUMENT = json.loads(DOCUMENT_JSON)
OPERATIONS = sorted(
    (path, method.upper())
    for path, item in DOCUMENT["paths"].items()
    for method in item
    if method in HTTP_METHODS
)
IDS = [f"{m} {p}" for p, m in OPERATIONS]


def key_was_accepted(
    ctx: schemathesis.CheckContext, response: schemathesis.Response, case: schemathesis.Case
) -> bool | None:
    """The key holds every scope: a 401 or 403 means a case went out without it."""
    assert response.status_code not in (401, 403), response.text
    return None


class Fuzzer:
    """The app's schema with every case carrying `key`, and the statuses of the answers."""

    def __init__(self, app: FastAPI, key: str) -> None:
        self.schema = schemathesis.openapi.from_dict(json.loads(DOCUMENT_JSON))
        self.schema.app = app  # what from_asgi does: cases are sent to the app in process
        # No credentials generated from the security schemes (random keys, refused): the
        # provider below gives every case the real one.
        self.schema.config.generation.update(with_security_parameters=False)
        # Invalid input refused as too large (over 64 KiB) is refused as documented too.
        rejection = self.schema.config.checks.negative_data_rejection
        rejection.expected_statuses = [*rejection.expected_statuses, "413"]

        @self.schema.auth(refresh_interval=None)  # no caching, no re-login on a 401
        class ValidKey:
            def get(self, case: schemathesis.Case, ctx: schemathesis.AuthContext) -> str:
                return key

            def set(
                self, case: schemathesis.Case, data: str, ctx: schemathesis.AuthContext
            ) -> None:
                case.headers["X-API-Key"] = data

        self.statuses: Counter[int] = Counter()

    def run(
        self,
        strategy: st.SearchStrategy[schemathesis.Case],
        *,
        examples: int,
        checks: list[CheckFunction],
    ) -> None:
        @given(case=strategy)
        @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
        def call_and_check(case: schemathesis.Case) -> None:
            response = case.call()
            self.statuses[response.status_code] += 1
            case.validate_response(response, checks=[*checks, key_was_accepted])

        call_and_check()

    @property
    def succeeded(self) -> bool:
        return any(200 <= status < 300 for status in self.statuses)


@pytest.fixture
def fuzz_key(make_caller: MakeCaller) -> str:
    # A name no generated path will hit by chance: revoking this client would end the run.
    return make_caller(f"fuzzer-{uuid.uuid4().hex}", *Scope).key


class Existing:
    """Path parameters naming things that exist, made through the API (inside the test's
    transaction) for the operation under test."""

    def __init__(self, app: FastAPI, key: str, make_caller: MakeCaller) -> None:
        self.client = TestClient(app, headers={"X-API-Key": key})
        self.make_caller = make_caller

    def path_parameters(self, path: str) -> dict[str, str]:
        if "{" not in path:
            return {}
        resource = path.split("/")[1]
        if resource in ("exercises", "advice", "programmes"):
            return {"slug": self._new_content(resource)}
        if resource == "assessments":
            return {"assessment_id": self._stored_assessment()["id"]}
        if resource == "subjects":
            return {"subject_id": self._stored_assessment()["subject_id"]}
        if resource == "clients":
            name = f"fuzz-target-{uuid.uuid4().hex[:8]}"
            return {"name": self.make_caller(name, Scope.assess).client.name}
        if resource in ("red-flags", "risk-factors"):
            page = self._ok(self.client.get(f"/{resource}", params={"limit": 1}))
            return {"code": page["items"][0]["code"]}
        raise AssertionError(f"say here how to make something that exists for {path}")

    @staticmethod
    def _ok(response: Any) -> Any:
        assert response.is_success, response.text
        return response.json()

    def _new_content(self, resource: str) -> str:
        """A new item (nothing refers to it, so it may be deleted), made from the document's
        own example of a creation."""
        body = DOCUMENT["paths"][f"/{resource}"]["post"]["requestBody"]["content"]
        example = next(iter(body["application/json"]["examples"].values()))["value"]
        return str(self._ok(self.client.post(f"/{resource}", json=example))["slug"])

    def _stored_assessment(self) -> Any:
        body = {"subject_id": f"fuzz-{uuid.uuid4().hex[:8]}", "sitting": {"hours_per_day": 9}}
        return self._ok(self.client.post("/assess", json=body))


def example_overrides(method: str, existing: dict[str, str]) -> dict[str, Any]:
    """What the document's examples get from the test: the path of something that exists
    and, for a replacement (PUT), the same slug in the body (the example's own slug names
    another item, and taking it would be a 409)."""
    overrides: dict[str, Any] = {"path_parameters": existing}
    if method == "PUT":
        overrides["body"] = dict(existing)
    return overrides


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=IDS)
def test_every_operation_keeps_its_contract_on_valid_input(
    app: FastAPI, fuzz_key: str, make_caller: MakeCaller, path: str, method: str
) -> None:
    fuzzer = Fuzzer(app, fuzz_key)
    operation = fuzzer.schema[path][method]
    existing = Existing(app, fuzz_key, make_caller).path_parameters(path)
    for example in fuzzer.schema.get_strategies_from_examples(
        operation, fill_missing=True, **example_overrides(method, existing)
    ):
        fuzzer.run(example, examples=1, checks=CHECKS)
    generated = operation.as_strategy()
    if existing:
        generated = st.one_of(generated, operation.as_strategy(path_parameters=existing))
    fuzzer.run(generated, examples=EXAMPLES, checks=CHECKS)
    assert fuzzer.succeeded, f"no 2xx among {dict(fuzzer.statuses)}"


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=IDS)
def test_every_operation_refuses_invalid_input_as_documented(
    app: FastAPI, fuzz_key: str, path: str, method: str
) -> None:
    fuzzer = Fuzzer(app, fuzz_key)
    checks = list(CHECKS)
    if (path, method) not in ANSWERS_INVALID_ITEMS_IN_A_200:
        checks.append(negative_data_rejection)
    strategy = fuzzer.schema[path][method].as_strategy(generation_mode=GenerationMode.NEGATIVE)
    try:
        fuzzer.run(strategy, examples=EXAMPLES, checks=checks)
    except Unsatisfiable:
        # Only free-form strings (or nothing): no input of this operation is invalid.
        assert not fuzzer.statuses
        pytest.skip(f"no input of {method} {path} can be invalid")
