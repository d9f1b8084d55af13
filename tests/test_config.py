"""Settings: defaults, URL mapping, and refusals with one-line messages naming the setting."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app.config import (
    DEFAULT_SQLITE_URL,
    ConfigError,
    Environment,
    load_settings,
    normalise_database_url,
)

STRONG_SECRET = "s" * 40


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("DATABASE_URL", "ENVIRONMENT", "SECRET_KEY", "PORT", "HOST", "WORKERS"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_defaults_are_a_local_sqlite_file_and_localhost(clean_env: pytest.MonkeyPatch) -> None:
    settings = load_settings()
    assert settings.database_url == DEFAULT_SQLITE_URL
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.environment is Environment.development
    assert settings.secret_value  # a development secret is filled in


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://postgres@127.0.0.1:5432/backpain",
        "postgres://postgres@127.0.0.1:5432/backpain",
        "postgresql+psycopg://postgres@127.0.0.1:5432/backpain",
    ],
)
def test_postgresql_urls_are_mapped_to_psycopg3(given: str) -> None:
    assert normalise_database_url(given) == "postgresql+psycopg://postgres@127.0.0.1:5432/backpain"


def test_environment_variables_are_read(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("PORT", "9123")
    clean_env.setenv("HOST", "0.0.0.0")
    clean_env.setenv("DATABASE_URL", "postgresql://u:p@db:5432/x")
    settings = load_settings()
    assert (settings.host, settings.port) == ("0.0.0.0", 9123)
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/x"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"WORKERS": "0"}, "WORKERS"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "mysql://root@localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"ENVIRONMENT": "production"}, "SECRET_KEY"),
        ({"ENVIRONMENT": "test"}, "SECRET_KEY"),
        ({"ENVIRONMENT": "test", "SECRET_KEY": "too-short"}, "SECRET_KEY"),
        ({"ENVIRONMENT": "production", "SECRET_KEY": "changeme"}, "SECRET_KEY"),
        ({"ENVIRONMENT": "production", "SECRET_KEY": "short-but-not-a-placeholder"}, "SECRET_KEY"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for key, value in env.items():
        clean_env.setenv(key, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert named in message
    assert "\n" not in message


def test_production_refuses_sqlite_with_several_workers(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="WORKERS"):
        load_settings(environment="production", secret_key=STRONG_SECRET, workers=4)
    # One worker on SQLite is allowed; several on PostgreSQL too.
    assert load_settings(environment="production", secret_key=STRONG_SECRET).workers == 1
    assert (
        load_settings(
            environment="production",
            secret_key=STRONG_SECRET,
            workers=4,
            database_url="postgresql://db/x",
        ).workers
        == 4
    )


def test_secret_values_never_appear_in_messages(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("ENVIRONMENT", "production")
    clean_env.setenv("SECRET_KEY", "hunter2-hunter2")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)


def test_cors_origins_are_a_comma_separated_list(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("CORS_ORIGINS", "https://app.example, https://admin.example")
    assert load_settings().cors_origins == ["https://app.example", "https://admin.example"]


def _run(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_importing_the_app_module_reads_no_settings() -> None:
    done = _run("import app.main; print('imported')", PORT="not-a-port")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported"


def test_building_the_asgi_app_with_a_bad_setting_stops_with_one_line() -> None:
    done = _run("import app.main; app.main.app", PORT="not-a-port")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("backpain: invalid configuration: PORT")


def test_the_cli_stops_with_one_line_naming_the_setting() -> None:
    done = _run("from app.cli import main; raise SystemExit(main(['migrate']))", PORT="x")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "backpain: invalid configuration: PORT: Input should be a valid integer, "
        "unable to parse string as an integer"
    ]
