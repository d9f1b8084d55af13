"""Red flags and risk factors from the active ruleset, as browsable items."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from app.errors import NOT_FOUND, ProblemError
from app.models.content import ATTRIBUTION_DEFAULT, LICENCE_DEFAULT
from app.models.vocabulary import RedFlagInfo, RedFlagPage, RiskFactorInfo, RiskFactorPage
from app.rules.codes import RedFlagCode, RiskFactorCode
from app.rules.ruleset import Ruleset
from app.services.paging import list_page


def _item_fields(
    ruleset: Ruleset, *, kind: str, path: str, code: str, sources: list[str]
) -> dict[str, Any]:
    """What every vocabulary item carries besides its own definition: identity, link,
    sources, version, and the licence of the text."""
    return {
        "id": ruleset.vocabulary_id(kind, code),
        "code": code,
        "href": f"{path}/{code}",
        "sources": ruleset.sources(sources),
        "ruleset_version": ruleset.version,
        "updated_at": datetime.combine(ruleset.released, time(), tzinfo=UTC),
        "licence": LICENCE_DEFAULT,
        "attribution": ATTRIBUTION_DEFAULT,
    }


def red_flag(ruleset: Ruleset, code: RedFlagCode) -> RedFlagInfo:
    definition = ruleset.red_flag(code)
    return RedFlagInfo(
        **_item_fields(
            ruleset, kind="red_flag", path="/red-flags", code=code, sources=definition.sources
        ),
        title=definition.title,
        level=definition.level,
        explanation=definition.explanation,
        what_to_do=definition.what_to_do,
    )


def risk_factor(ruleset: Ruleset, code: RiskFactorCode) -> RiskFactorInfo:
    definition = ruleset.risk_factor(code)
    return RiskFactorInfo(
        **_item_fields(
            ruleset, kind="risk_factor", path="/risk-factors", code=code, sources=definition.sources
        ),
        title=definition.title,
        level=definition.level,
        summary=definition.summary,
        what_to_do=definition.what_to_do,
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
