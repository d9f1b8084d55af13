"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from app.api.deps import EngineDep
from app.db import is_known_revision
from app.errors import UNAVAILABLE, ProblemError, problem_responses
from app.services.health import check_readiness

router = APIRouter(tags=["health"])

READY_RETRY_AFTER_SECONDS = 5


class Liveness(BaseModel):
    status: Literal["ok"] = Field(examples=["ok"])


class MigrationState(BaseModel):
    current: str | None = Field(description="Revision the database is at.")
    head: str | None = Field(description="Newest revision this build knows.")


class ReadinessReport(BaseModel):
    status: Literal["ready"] = Field(examples=["ready"])
    database: Literal["ok"] = Field(examples=["ok"])
    migrations: MigrationState


# Probes touch no rate limit and no key; like every route, they can fail unexpectedly (a 500
# from the last-resort handler), and /readyz says when the database is not ready (503).
@router.get("/healthz", operation_id="healthz", responses=problem_responses(500))
def healthz() -> Liveness:
    """The process is alive (never touches the database)."""
    return Liveness(status="ok")


@router.get("/readyz", operation_id="readyz", responses=problem_responses(500, 503))
def readyz(engine: EngineDep) -> ReadinessReport:
    """The database is reachable and its schema is at the newest migration.

    Answers 503 with a problem body and `Retry-After` otherwise, so that a load balancer
    sends no traffic to an instance that cannot serve it.
    """
    state = check_readiness(engine=engine)
    retry = {"Retry-After": str(READY_RETRY_AFTER_SECONDS)}
    if not state.database_reachable:
        raise ProblemError(UNAVAILABLE, "The database is not reachable.", headers=retry)
    current = state.current_revision
    if not state.ready and current is not None and not is_known_revision(current):
        # Migrating cannot help: this build's migrations do not lead there.
        raise ProblemError(
            UNAVAILABLE,
            f"The database schema is at {current}, which this build (head "
            f"{state.head_revision}) does not know: a newer build has migrated it. "
            "Deploy that build, or downgrade the schema with it.",
            headers=retry,
        )
    if not state.ready:
        raise ProblemError(
            UNAVAILABLE,
            f"The database schema is at {current or 'no revision'}, "
            f"this build needs {state.head_revision}; run `backpain migrate`.",
            headers=retry,
        )
    return ReadinessReport(
        status="ready",
        database="ok",
        migrations=MigrationState(current=state.current_revision, head=state.head_revision),
    )
