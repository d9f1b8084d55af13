"""API clients: who may call the API, with which scopes. Keys are stored only as an HMAC."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints
from pydantic import Field as PField
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from app.db import UTCDateTime, utcnow

CLIENT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


class Scope(StrEnum):
    assess = "assess"
    content_write = "content:write"
    clients_admin = "clients:admin"


class ApiClient(SQLModel, table=True):
    __tablename__ = "api_client"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    scopes: list[str] = Field(default_factory=list, sa_type=JSON)
    # The first characters of the key, to tell keys apart in lists; never enough to use.
    key_prefix: str = Field(max_length=16)
    # HMAC-SHA256 of the key under SECRET_KEY, hex. The key itself is never stored.
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    @property
    def scope_set(self) -> frozenset[Scope]:
        return frozenset(Scope(s) for s in self.scopes)


@dataclass(frozen=True)
class Principal:
    """Who is calling: the authenticated client, as the request sees it (not a database row,
    so it can be cached and shared between requests)."""

    id: uuid.UUID
    name: str
    scopes: frozenset[Scope]
    # The client's rate-limit counter, written once (a Principal is cached, and printing a
    # UUID costs on every request).
    rate_limit_bucket: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rate_limit_bucket", rate_limit_bucket(self.id))

    @classmethod
    def of(cls, client: ApiClient) -> Principal:
        return cls(id=client.id, name=client.name, scopes=client.scope_set)


def rate_limit_bucket(client_id: uuid.UUID) -> str:
    """The name of a client's rate-limit counter (per key; anonymous callers count per IP
    address, as `ip:<address>`)."""
    return f"client:{client_id}"


ClientName = Annotated[
    str,
    StringConstraints(pattern=CLIENT_NAME_PATTERN),
    PField(examples=["acme-running-app"]),
]


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ClientName = PField(description="Unique; letters, digits, '.', '_' and '-'.")
    scopes: list[Scope] = PField(min_length=1, max_length=len(Scope), examples=[["assess"]])


class ClientPublic(BaseModel):
    id: uuid.UUID
    name: str
    scopes: list[Scope]
    key_prefix: str = PField(description="The first characters of the key, to recognise it.")
    created_at: datetime
    revoked_at: datetime | None
    revoked: bool


class ClientWithKey(ClientPublic):
    """The new client and its key. The key is shown this once and cannot be shown again."""

    api_key: str = PField(examples=["bp_8Jq0c2xWm4N0vYp2v1sQeT5uR7kL9dF3hG6jA8zB1cE"])


class ClientPage(BaseModel):
    items: list[ClientPublic]
    next_cursor: str | None
