"""Red flags and risk factors from the active ruleset, as browsable items."""

from __future__ import annotations

from datetime import UTC, datetime, time

from app.errors import NOT_FOUND, ProblemError
from app.models.content import ATTRIBUTION_DEFAULT, LICENCE_DEFAULT
from app.models.vocabulary import RedFlagInfo, RedFlagPage, RiskFactorInfo, RiskFactorPage
from app.rules.codes import RedFlagCode, RiskFactorCode
from app.rules.ruleset import Ruleset
from app.services.paging import list_page


def _released(ruleset: Ruleset) -> datetime:
    return datetime.combine(ruleset.released, time(), tzinfo=UTC)


def red_flag(ruleset: Ruleset, code: RedFlagCode) -> RedFlagInfo:
    definition = ruleset.red_flag(code)
    return RedFlagInfo(
        id=ruleset.vocabulary_id("red_flag", code),
        code=code,
        title=definition.title,
        level=definition.level,
        explanation=definition.explanation,
        what_to_do=definition.what_to_do,
        href=f"/red-flags/{code.value}",
        sources=ruleset.sources(definition.sources),
        ruleset_version=ruleset.version,
        updated_at=_released(ruleset),
        licence=LICENCE_DEFAULT,
        attribution=ATTRIBUTION_DEFAULT,
    )


def risk_factor(ruleset: Ruleset, code: RiskFactorCode) -> RiskFactorInfo:
    definition = ruleset.risk_factor(code)
    return RiskFactorInfo(
        id=ruleset.vocabulary_id("risk_factor", code),
        code=code,
        title=definition.title,
        level=definition.level,
        summary=definition.summary,
        what_to_do=definition.what_to_do,
        href=f"/risk-factors/{code.value}",
        sources=ruleset.sources(definition.sources),
        ruleset_version=ruleset.version,
        updated_at=_released(ruleset),
        licence=LICENCE_DEFAULT,
        attribution=ATTRIBUTION_DEFAULT,
    )


def list_red_flags(*, ruleset: Ruleset, limit: int, cursor: str | None, secret: str) -> RedFlagPage:
    page = list_page(
        [red_flag(ruleset, code) for code in RedFlagCode],
        key=lambda item: item.code.value,
        ordering="red-flags",
        limit=limit,
        cursor=cursor,
        secret=secret,
    )
    return RedFlagPage(items=page.items, next_cursor=page.next_cursor)


def list_risk_factors(
    *, ruleset: Ruleset, limit: int, cursor: str | None, secret: str
) -> RiskFactorPage:
    page = list_page(
        [risk_factor(ruleset, code) for code in RiskFactorCode],
        key=lambda item: item.code.value,
        ordering="risk-factors",
        limit=limit,
        cursor=cursor,
        secret=secret,
    )
    return RiskFactorPage(items=page.items, next_cursor=page.next_cursor)


def get_red_flag(*, ruleset: Ruleset, code: str) -> RedFlagInfo:
    if code not in RedFlagCode.__members__:
        raise ProblemError(NOT_FOUND, f"No red flag with code {code!r}.")
    return red_flag(ruleset, RedFlagCode(code))


def get_risk_factor(*, ruleset: Ruleset, code: str) -> RiskFactorInfo:
    if code not in RiskFactorCode.__members__:
        raise ProblemError(NOT_FOUND, f"No risk factor with code {code!r}.")
    return risk_factor(ruleset, RiskFactorCode(code))
