"""The `backpain` command as an operator runs it: a real process, a real database."""

from __future__ import annotations

import subprocess

import httpx
import pytest
from sqlalchemy import text

from app.config import load_settings
from app.db import create_db_engine, head_revision
from tests.live import BACKPAIN, backpain, serving


def _snapshot(database_url: str) -> list[tuple[str, str, str, str]]:
    engine = create_db_engine(load_settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return [
                (table, str(row.id), row.slug, str(row.updated_at))
                for table in ("exercise", "advice", "programme")
                for row in connection.execute(
                    text(f"SELECT id, slug, updated_at FROM {table} ORDER BY slug")
                )
            ]
    finally:
        engine.dispose()


def test_help_lists_the_subcommands() -> None:
    done = subprocess.run([BACKPAIN, "--help"], capture_output=True, text=True, check=True)
    for command in ("serve", "migrate", "seed", "downgrade"):
        assert command in done.stdout


def test_migrate_then_seed_twice_changes_nothing(fresh_database_url: str) -> None:
    migrated = backpain("migrate", database_url=fresh_database_url)
    assert migrated.returncode == 0, migrated.stderr
    head = head_revision()
    assert migrated.stdout.strip() == f"database at revision {head} (head {head})"

    first = backpain("seed", database_url=fresh_database_url)
    assert first.returncode == 0, first.stderr
    assert "exercises: 44 created" in first.stdout
    before = _snapshot(fresh_database_url)
    assert len(before) == 44 + 8 + 6

    second = backpain("seed", database_url=fresh_database_url)
    assert second.returncode == 0, second.stderr
    assert "exercises: 0 created, 0 updated, 44 unchanged, 0 retired" in second.stdout
    assert "programmes: 0 created, 0 updated, 6 unchanged, 0 retired" in second.stdout
    assert _snapshot(fresh_database_url) == before


def test_migrate_is_idempotent(fresh_database_url: str) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    again = backpain("migrate", database_url=fresh_database_url)
    assert again.returncode == 0
    assert "database at revision" in again.stdout


def test_downgrade_to_base_empties_the_schema(fresh_database_url: str) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    done = backpain("downgrade", "base", database_url=fresh_database_url)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "database at revision base"


@pytest.mark.slow
def test_serve_with_several_workers_answers_health_and_readiness(fresh_database_url: str) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    with serving(fresh_database_url, "--workers", "2") as base:
        health = httpx.get(f"{base}/healthz")
        ready = httpx.get(f"{base}/readyz")
    assert health.json() == {"status": "ok"}
    assert ready.status_code == 200
    assert ready.json()["migrations"]["current"] == head_revision()
    assert len(ready.headers["x-request-id"]) == 36


@pytest.mark.slow
def test_serving_never_migrates(fresh_database_url: str) -> None:
    """Migrations are a prestart step (`backpain migrate`), never done by server workers."""
    with serving(fresh_database_url, "--workers", "2") as base:
        ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 503
    assert ready.headers["content-type"] == "application/problem+json"
    engine = create_db_engine(load_settings(database_url=fresh_database_url))
    try:
        with engine.connect() as connection:
            tables = connection.dialect.get_table_names(connection)
    finally:
        engine.dispose()
    assert "exercise" not in tables


@pytest.mark.slow
def test_metrics_add_up_across_workers(fresh_database_url: str) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    assert backpain("seed", database_url=fresh_database_url).returncode == 0
    with serving(fresh_database_url, "--workers", "2") as base:
        with httpx.Client() as client:  # new connections spread over both workers
            for _ in range(40):
                assert (
                    client.get(f"{base}/red-flags", headers={"Connection": "close"}).status_code
                    == 200
                )
        scrapes = [httpx.get(f"{base}/metrics").text for _ in range(6)]
    line = 'backpain_http_requests_total{method="GET",route="/red-flags",status="200"}'
    values = {
        float(next(x for x in text.splitlines() if x.startswith(line)).split()[-1])
        for text in scrapes
    }
    assert values == {40.0}, "every scrape, whichever worker answers, sees all 40"
