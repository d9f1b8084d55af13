"""The audit log: every change to content and clients, who made it, before and after."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow
from app.models.common import Page


class AuditEntry(SQLModel, table=True):
    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_created_at_id", "created_at", "id"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Null for changes made from the command line (`actor` says so).
    client_id: uuid.UUID | None = Field(default=None, foreign_key="api_client.id")
    actor: str = Field(max_length=120)
    action: str = Field(max_length=16)
    resource: str = Field(max_length=32)
    item_id: uuid.UUID | None = None
    item: str = Field(max_length=120)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)


class AuditPublic(BaseModel):
    id: uuid.UUID
    created_at: datetime
    actor: str
    client_id: uuid.UUID | None
    action: str
    resource: str
    item_id: uuid.UUID | None
    item: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditPage(Page[AuditPublic]):
    """A page of audit entries, newest first."""
