"""Schemathesis over the whole OpenAPI document, with a key holding every scope: no 5xx,
and every response matches its documented status codes, content types and schemas.

One test per operation. FUZZ_EXAMPLES (default 25) sets the examples per operation.
(Schemathesis' own pytest plugin cannot take the app from a fixture under pytest 9, so the
strategies are driven with Hypothesis directly.)
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
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
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HTTP_METHODS = {"get", "put", "post", "delete", "patch"}
# The OpenAPI document does not depend on the database: list the operations at collection.
OPERATIONS = sorted(
    (path, method.upper())
    for path, item in create_app(load_settings(database_url="sqlite://")).openapi()["paths"].items()
    for method in item
    if method in HTTP_METHODS
)


@pytest.fixture
def fuzz_key(make_caller: MakeCaller) -> str:
    return make_caller("fuzzer", *Scope).key


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_every_operation_keeps_its_contract(
    app: FastAPI, fuzz_key: str, path: str, method: str
) -> None:
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]
    headers = {"Authorization": f"Bearer {fuzz_key}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    def check(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()
