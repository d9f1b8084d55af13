"""Fixtures for the engine's unit tests: the ruleset and the seed catalogue, no app, no database."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from app.rules.engine import CatalogueEntry, assess
from app.rules.inputs import AssessmentInput, contract_errors
from app.rules.outputs import AssessmentResult
from app.rules.ruleset import Ruleset, load_ruleset
from app.services.seed import load_content_files

Assess = Callable[..., AssessmentResult]


def build_catalogue() -> tuple[CatalogueEntry, ...]:
    """The seed exercises as the engine sees them, sorted by slug."""
    return tuple(
        CatalogueEntry(
            slug=exercise.slug,
            name=exercise.name,
            category=str(exercise.category),
            target_areas=tuple(str(area) for area in exercise.target_areas),
            phases=tuple(str(phase) for phase in exercise.phases),
            difficulty=str(exercise.difficulty),
            href=f"/exercises/{exercise.slug}",
        )
        for exercise in sorted(load_content_files().exercises, key=lambda e: e.slug)
    )


def valid_input(body: Mapping[str, Any]) -> AssessmentInput:
    """`body` as a request the contract accepts; fails the test if it would be a 422."""
    request = AssessmentInput.model_validate(body)
    errors = contract_errors(request)
    assert not errors, f"not a valid request: {errors}"
    return request


@pytest.fixture(scope="session")
def ruleset() -> Ruleset:
    return load_ruleset()


@pytest.fixture(scope="session")
def catalogue() -> tuple[CatalogueEntry, ...]:
    return build_catalogue()


@pytest.fixture(scope="session")
def catalogue_by_slug(catalogue: tuple[CatalogueEntry, ...]) -> dict[str, CatalogueEntry]:
    return {entry.slug: entry for entry in catalogue}


@pytest.fixture(scope="session")
def run(ruleset: Ruleset, catalogue: tuple[CatalogueEntry, ...]) -> Assess:
    """`run(body, earlier_painful_assessments=0)`: the engine's answer to a valid request body."""

    def _run(body: Mapping[str, Any], *, earlier_painful_assessments: int = 0) -> AssessmentResult:
        return assess(
            valid_input(body),
            ruleset=ruleset,
            catalogue=catalogue,
            earlier_painful_assessments=earlier_painful_assessments,
        ).result

    return _run
