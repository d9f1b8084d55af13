"""Readiness: can we reach the database, and is its schema at the migrations' head?"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from app.db import current_revision, head_revision


@dataclass(frozen=True)
class Readiness:
    database_reachable: bool
    current_revision: str | None
    head_revision: str | None

    @property
    def ready(self) -> bool:
        return self.database_reachable and self.current_revision == self.head_revision


@lru_cache(maxsize=1)
def _head() -> str | None:
    # The migration scripts do not change while the process runs; read them once.
    return head_revision()


def check_readiness(*, engine: Engine) -> Readiness:
    head = _head()
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            current = current_revision(connection)
    except (SQLAlchemyError, OSError):
        return Readiness(database_reachable=False, current_revision=None, head_revision=head)
    return Readiness(database_reachable=True, current_revision=current, head_revision=head)
