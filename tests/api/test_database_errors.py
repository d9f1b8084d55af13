"""How a database failure is answered: a 503 problem with Retry-After that says what is
known of the caller's change (tests/test_faults.py causes them for real on PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.db import CommitOutcomeUnknown
from app.services import assessment_queue
from tests.api.conftest import Caller

STORED = {"subject_id": "db-errors", "sitting": {"hours_per_day": 9}}


class _DriverError(Exception):
    """Stands in for the driver's exception that SQLAlchemy wraps."""


class _OutcomeUnknownError(_DriverError, CommitOutcomeUnknown):
    pass


@pytest.mark.parametrize(
    ("orig", "detail"),
    [
        (
            _DriverError("connection refused"),
            "The database is unavailable; nothing was saved. Retry shortly.",
        ),
        (
            # Not "nothing was saved": the change may have been, and a retry could repeat it.
            _OutcomeUnknownError("COMMIT got no answer"),
            "The database stopped answering while this was being saved, and whether it was "
            "saved is not known: look before you send it again.",
        ),
    ],
    ids=["unavailable", "commit_outcome_unknown"],
)
def test_a_failing_database_answers_503_saying_what_is_known_of_the_change(
    client: TestClient,
    runner_app: Caller,
    monkeypatch: pytest.MonkeyPatch,
    orig: Exception,
    detail: str,
) -> None:
    def run_group(**_: Any) -> Any:
        raise OperationalError("COMMIT", {}, orig, connection_invalidated=True)

    monkeypatch.setattr(assessment_queue, "run_group", run_group)
    response = client.post("/assess", json=STORED, headers=runner_app.headers)
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["detail"] == detail  # never the driver's own words
