"""The vocabulary /assess answers with, browsable on its own: red flags and risk factors.

It is part of the versioned ruleset (not the database), so an item here and an answer from
/assess can never disagree; each item says which ruleset version it comes from.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.content.loader import SourceRef
from app.models.common import Page
from app.rules.codes import RedFlagCode, RedFlagLevel, RiskFactorCode


class VocabularyItem(BaseModel):
    id: uuid.UUID = Field(description="Stable id (a UUID derived from the code).")
    ruleset_version: str
    updated_at: datetime = Field(description="When this ruleset version was released.")
    sources: list[SourceRef]
    licence: str = Field(examples=["CC-BY-4.0"])
    attribution: str


class RedFlagInfo(VocabularyItem):
    code: RedFlagCode
    title: str
    level: RedFlagLevel = Field(description="emergency: A&E now; urgent: a doctor today.")
    explanation: str
    what_to_do: str
    href: str


class RiskFactorInfo(VocabularyItem):
    code: RiskFactorCode
    title: str
    level: Literal["low", "moderate", "high", "by_load_ratio"] = Field(
        description="The level /assess gives it; by_load_ratio: moderate or high by the ratio."
    )
    summary: str
    what_to_do: str
    href: str


class RedFlagPage(Page[RedFlagInfo]):
    """Red flags, emergency ones first, in the contract's order."""


class RiskFactorPage(Page[RiskFactorInfo]):
    """Risk factors, in the contract's order."""
