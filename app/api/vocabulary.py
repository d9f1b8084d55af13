"""The vocabulary of /assess: red flags and risk factors, with explanations and sources."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from app.api.deps import (
    DEFAULT_PAGE_SIZE,
    CursorQuery,
    LimitQuery,
    PublicCache,
    RulesetDep,
    SecretDep,
)
from app.errors import problem_responses
from app.models.vocabulary import RedFlagInfo, RedFlagPage, RiskFactorInfo, RiskFactorPage
from app.services import vocabulary

router = APIRouter(tags=["vocabulary"], dependencies=[PublicCache])

# Any string is looked up: a code that does not exist is simply not found (404).
RedFlagCode = Annotated[
    str,
    Path(
        description="A red flag's `code`, as /assess answers name it.",
        examples=["saddle_anaesthesia"],
    ),
]
RiskFactorCode = Annotated[
    str,
    Path(
        description="A risk factor's `code`, as /assess answers name it.", examples=["sit_then_run"]
    ),
]


@router.get("/red-flags", operation_id="list_red_flags", responses=problem_responses(400, 422))
def list_red_flags(
    ruleset: RulesetDep,
    secret: SecretDep,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> RedFlagPage:
    """List the red flags /assess screens for: what each means and what to do."""
    return vocabulary.list_red_flags(ruleset=ruleset, limit=limit, cursor=cursor, secret=secret)


@router.get("/red-flags/{code}", operation_id="get_red_flag", responses=problem_responses(404))
def get_red_flag(code: RedFlagCode, ruleset: RulesetDep) -> RedFlagInfo:
    """Get one red flag by its code."""
    return vocabulary.get_red_flag(ruleset=ruleset, code=code)


@router.get(
    "/risk-factors", operation_id="list_risk_factors", responses=problem_responses(400, 422)
)
def list_risk_factors(
    ruleset: RulesetDep,
    secret: SecretDep,
    limit: LimitQuery = DEFAULT_PAGE_SIZE,
    cursor: CursorQuery = None,
) -> RiskFactorPage:
    """List the risk factors /assess can report: what each means and what to do."""
    return vocabulary.list_risk_factors(ruleset=ruleset, limit=limit, cursor=cursor, secret=secret)


@router.get(
    "/risk-factors/{code}", operation_id="get_risk_factor", responses=problem_responses(404)
)
def get_risk_factor(code: RiskFactorCode, ruleset: RulesetDep) -> RiskFactorInfo:
    """Get one risk factor by its code."""
    return vocabulary.get_risk_factor(ruleset=ruleset, code=code)
