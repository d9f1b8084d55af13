"""`backpain clients`, `dev-client` and `purge`, as an operator runs them."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import create_engine
from sqlmodel import Session, select

from app.db import utcnow
from app.models import ApiClient, AssessmentRecord
from app.models.clients import Scope
from app.services.stored_answers import NO_DICTIONARY
from tests.live import backpain, serving


@pytest.fixture
def migrated(fresh_database_url: str) -> str:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    return fresh_database_url


def test_create_prints_only_the_key_and_list_never_shows_it(migrated: str) -> None:
    created = backpain(
        "clients", "create", "--name", "acme", "--scope", "assess", "--scope", "content:write",
        database_url=migrated,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert key.startswith("bp_")
    assert "\n" not in key
    listing = backpain("clients", "list", database_url=migrated).stdout
    assert "acme" in listing
    assert "assess,content:write" in listing
    assert key not in listing
    assert key[:10] in listing


def test_a_duplicate_name_or_bad_scope_is_refused(migrated: str) -> None:
    assert (
        backpain(
            "clients", "create", "--name", "a", "--scope", "assess", database_url=migrated
        ).returncode
        == 0
    )
    again = backpain("clients", "create", "--name", "a", "--scope", "assess", database_url=migrated)
    assert again.returncode == 1
    assert "already exists" in again.stderr
    bad = backpain("clients", "create", "--name", "b", "--scope", "root", database_url=migrated)
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr


def test_revoke_makes_the_key_fail(migrated: str) -> None:
    key = backpain(
        "clients", "create", "--name", "gone", "--scope", "assess", database_url=migrated
    ).stdout.strip()
    assert (
        backpain("clients", "revoke", "gone", database_url=migrated).stdout.strip()
        == "revoked gone"
    )
    assert "REVOKED" in backpain("clients", "list", database_url=migrated).stdout
    with serving(migrated) as base:
        response = httpx.post(
            f"{base}/assess", json={"sitting": {"hours_per_day": 9}}, headers={"X-API-Key": key}
        )
    assert response.status_code == 401


def test_dev_client_prints_a_working_key_once(migrated: str) -> None:
    assert backpain("seed", database_url=migrated).returncode == 0
    first = backpain("dev-client", database_url=migrated, ENVIRONMENT="development")
    assert first.returncode == 0
    key = next(w.split("=", 1)[1] for w in first.stdout.split() if w.startswith("BACKPAIN_KEY="))
    second = backpain("dev-client", database_url=migrated, ENVIRONMENT="development")
    assert "BACKPAIN_KEY" not in second.stdout
    assert "exist already" in second.stdout
    with serving(migrated, ENVIRONMENT="development") as base:
        response = httpx.post(
            f"{base}/assess",
            json={"symptoms": {"pain_now": 0}},
            headers={"Authorization": f"Bearer {key}"},
        )
    assert response.status_code == 201
    listing = backpain("clients", "list", database_url=migrated).stdout
    assert ",".join(sorted(s.value for s in Scope)) in listing


def test_dev_client_never_runs_in_production(migrated: str) -> None:
    done = backpain(
        "dev-client", database_url=migrated, ENVIRONMENT="production", SECRET_KEY="p" * 40
    )
    assert done.returncode == 0
    assert "BACKPAIN_KEY" not in done.stdout
    assert backpain("clients", "list", database_url=migrated).stdout.strip() == "no clients"


def test_purge_reports_what_it_removed(migrated: str) -> None:
    done = backpain("purge", "--older-than", "30", database_url=migrated)
    assert done.returncode == 0
    assert done.stdout.strip() == "purged 0 assessments older than 30 days"
    default = backpain("purge", database_url=migrated)
    assert default.stdout.strip() == "purged 0 assessments older than 365 days"


def _store_assessments_aged(database_url: str, ages_in_days: list[int]) -> None:
    """Stored assessments of one client, made the given numbers of days ago."""
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            client = ApiClient(name="purge-test", key_prefix="bp_purge", key_hash="0" * 64)
            session.add(client)
            session.flush()
            for age in ages_in_days:
                session.add(
                    AssessmentRecord(
                        client_id=client.id,
                        subject_id=f"aged-{age}",
                        created_at=utcnow() - timedelta(days=age),
                        ruleset_version="test",
                        severity="none",
                        triage_level="self_care",
                        any_pain=False,
                        request={},
                        result_zstd=NO_DICTIONARY.compress(b"{}"),
                    )
                )
            session.commit()
    finally:
        engine.dispose()


def _subjects_left(database_url: str) -> list[str | None]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            return sorted(s for s in session.exec(select(AssessmentRecord.subject_id)) if s)
    finally:
        engine.dispose()


def test_purge_removes_what_is_older_than_the_age_given(migrated: str) -> None:
    _store_assessments_aged(migrated, [400, 40, 3])
    done = backpain("purge", "--older-than", "30", database_url=migrated)
    assert done.stdout.strip() == "purged 2 assessments older than 30 days"
    assert _subjects_left(migrated) == ["aged-3"]


def test_purge_takes_its_default_age_from_retention_days(migrated: str) -> None:
    _store_assessments_aged(migrated, [400, 100, 20])
    default = backpain("purge", database_url=migrated)
    assert default.stdout.strip() == "purged 1 assessments older than 365 days"
    configured = backpain("purge", database_url=migrated, RETENTION_DAYS="60")
    assert configured.stdout.strip() == "purged 1 assessments older than 60 days"
    assert _subjects_left(migrated) == ["aged-20"]


@pytest.mark.parametrize("days", ["0", "-5"])
def test_purge_refuses_an_age_that_would_delete_everything(migrated: str, days: str) -> None:
    done = backpain("purge", "--older-than", days, database_url=migrated)
    assert done.returncode == 2
    assert "at least 1" in done.stderr
