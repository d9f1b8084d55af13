"""Every error example in the OpenAPI document is the answer the service gives: each one is
provoked again here, on this run's database (SQLite, or PostgreSQL in CI), and compared
whole (detail, field errors, instance) with the committed document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import make_url

from app.config import Settings
from app.db import PROJECT_ROOT
from app.errors import PROBLEM_JSON
from app.main import create_app
from app.openapi_problems import (
    Operation,
    ProvocationError,
    Sites,
    operations,
    prepare,
    provocations,
    provoke,
    sites_for,
)

DOCUMENT: dict[str, Any] = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())
OPERATIONS = list(operations(DOCUMENT))


def documented_errors(operation: Operation) -> dict[str, Any]:
    responses = DOCUMENT["paths"][operation.path][operation.method.lower()]["responses"]
    return {
        status: response["content"][PROBLEM_JSON]["examples"]
        for status, response in responses.items()
        if status[0] in "45"
    }


def unreachable_url(database_url: str, tmp_path: Any) -> str:
    """The same kind of database, somewhere it cannot be reached."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path}"  # a folder: SQLite cannot open it
    return url.set(host="127.0.0.1", port=1).render_as_string(hide_password=False)


@contextmanager
def the_sites(
    app: FastAPI, settings: Settings, unreachable: str, unmigrated: str | None
) -> Iterator[Sites]:
    elsewhere = {"database_url": unreachable}
    with sites_for(
        app,
        unreachable=create_app(settings.model_copy(update=elsewhere)),
        unmigrated=create_app(settings.model_copy(update={"database_url": unmigrated}))
        if unmigrated
        else None,
    ) as sites:
        yield sites


@pytest.mark.parametrize("operation", OPERATIONS, ids=[f"{o.method} {o.path}" for o in OPERATIONS])
def test_every_error_example_is_the_answer_the_service_gives(
    operation: Operation,
    app: FastAPI,
    settings: Settings,
    database_url: str,
    tmp_path: Any,
    request: pytest.FixtureRequest,
) -> None:
    needs_empty_database = any(
        p.site == "unmigrated" for tries in provocations(operation).values() for p in tries
    )
    empty = request.getfixturevalue("fresh_database_url") if needs_empty_database else None
    with the_sites(app, settings, unreachable_url(database_url, tmp_path), empty) as sites:
        answers = provoke(sites, prepare(sites.live), operation)
    assert answers == documented_errors(operation), (
        "the service answers differently: run `.venv/bin/python -m app.openapi_problems` "
        "and `.venv/bin/backpain openapi export`"
    )


def test_an_error_nothing_provokes_cannot_be_documented() -> None:
    healthz = next(o for o in OPERATIONS if o.id == "healthz")
    teapot = Operation(**{**healthz.__dict__, "errors": (418,)})
    with pytest.raises(ProvocationError, match="nothing here makes a 418"):
        provocations(teapot)
