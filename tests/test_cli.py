"""The `backpain` command as an operator runs it: a real process, a real database."""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, make_url, text

from app.config import load_settings
from app.db import create_db_engine, head_revision
from tests.live import BACKPAIN, backpain, serving


def _snapshot(database_url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in full."""
    engine = create_db_engine(load_settings(database_url=database_url))
    try:
        with engine.connect() as connection:
            return {
                table: sorted(
                    (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                    key=repr,
                )
                for table in inspect(connection).get_table_names()
            }
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
    assert [len(before[table]) for table in ("exercise", "advice", "programme")] == [44, 8, 6]
    assert before["programme_item"]
    assert before["exercise_facet"]

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


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """An operator error: exit status 1, one line on stderr, no traceback."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("backpain: ")
    return lines[0]


def test_an_unreachable_database_is_one_line_naming_the_setting_without_the_password() -> None:
    done = backpain(
        "migrate",
        database_url="postgresql://operator:s3cret-pw@127.0.0.1:9/backpain",
        DB_CONNECT_TIMEOUT_SECONDS="2",
    )
    line = one_line_error(done)
    assert line.startswith("backpain: DATABASE_URL: cannot connect to 127.0.0.1:9/backpain: ")
    assert "refused" in line
    assert "s3cret-pw" not in line
    assert "operator" not in line


def test_a_database_missing_on_the_server_is_one_line(database_url: str, is_sqlite: bool) -> None:
    if is_sqlite:
        pytest.skip("a PostgreSQL server without that database")
    missing = make_url(database_url).set(database="backpain_no_such_database")
    done = backpain("seed", database_url=missing.render_as_string(hide_password=False))
    line = one_line_error(done)
    assert line.startswith(
        f"backpain: DATABASE_URL: cannot connect to {missing.host}:{missing.port}"
        "/backpain_no_such_database: "
    )
    assert 'database "backpain_no_such_database" does not exist' in line


def test_a_sqlite_path_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("a file where a folder should be")
    target = tmp_path / "a-file" / "var" / "backpain.db"
    done = backpain("migrate", database_url=f"sqlite:///{target}")
    assert one_line_error(done) == (f"backpain: DATABASE_URL: cannot use {target}: Not a directory")


def test_migrating_a_database_at_a_revision_this_build_does_not_know_is_one_line(
    fresh_database_url: str,
) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    engine = create_db_engine(load_settings(database_url=fresh_database_url))
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = '0099_future'"))
    finally:
        engine.dispose()
    line = one_line_error(backpain("migrate", database_url=fresh_database_url))
    assert line.startswith("backpain: DATABASE_URL: ")
    assert line.endswith(
        "is at revision 0099_future, which this build does not know "
        "(was it migrated by a newer build?)"
    )


def test_downgrading_to_a_revision_that_does_not_exist_is_one_line(
    fresh_database_url: str,
) -> None:
    assert backpain("migrate", database_url=fresh_database_url).returncode == 0
    done = backpain("downgrade", "nonsense", database_url=fresh_database_url)
    assert one_line_error(done) == (
        "backpain: downgrade: Can't locate revision identified by 'nonsense'"
    )


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
