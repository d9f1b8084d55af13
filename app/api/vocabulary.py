"""The vocabulary of /assess: red flags and risk factors, with explanations and sources."""

from __future__ import annotations

from fastapi import APIRouter

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
def get_red_flag(code: str, ruleset: RulesetDep) -> RedFlagInfo:
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
def get_risk_factor(code: str, ruleset: RulesetDep) -> RiskFactorInfo:
    """Get one risk factor by its code."""
    return vocabulary.get_risk_factor(ruleset=ruleset, code=code)
