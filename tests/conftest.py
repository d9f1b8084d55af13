"""Test set-up: one migrated, seeded database per run; every test inside a transaction that
is rolled back, so tests never see each other's writes.

The database is a fresh SQLite file, or, when TEST_DATABASE_URL names a PostgreSQL server
and database, a throw-away database created on that server for the run (named after the
given one plus a random suffix) and dropped after it. The database TEST_DATABASE_URL names
is only a way in to its server: the suite never writes to it, so it may even be the
DATABASE_URL of a developer's running server. The environment is pointed at the throw-away
database before anything can read it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import URL, Connection, Engine, make_url
from sqlmodel import Session

from app.config import Settings, get_settings, load_settings, normalise_database_url
from app.db import create_db_engine, throwaway_postgres_database, upgrade
from app.main import create_app
from app.services.assessments import catalogue_cache
from app.services.clients import recent_keys
from app.services.seed import seed_content

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _postgres_server() -> URL | None:
    """The server TEST_DATABASE_URL names, or None for a run on SQLite."""
    explicit = os.environ.get("TEST_DATABASE_URL")
    if not explicit:
        return None
    try:
        url = make_url(normalise_database_url(explicit))
    except ValueError as error:
        raise pytest.UsageError(f"TEST_DATABASE_URL: {error}") from None
    if url.get_backend_name() != "postgresql":
        raise pytest.UsageError(
            "TEST_DATABASE_URL names a PostgreSQL server and database; "
            "leave it unset for SQLite (a fresh file per run)"
        )
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = _postgres_server()
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    with throwaway_postgres_database(server.render_as_string(hide_password=False)) as url:
        yield url


@pytest.fixture(scope="session", autouse=True)
def _environment(database_url: str) -> Iterator[None]:
    """Anything that reads settings from the environment during the run gets test values."""
    saved = dict(os.environ)
    os.environ.update(
        {"DATABASE_URL": database_url, "ENVIRONMENT": "test", "SECRET_KEY": TEST_SECRET}
    )
    for name in ("REDIS_URL", "CORS_ORIGINS", "WORKERS", "PORT", "HOST"):
        os.environ.pop(name, None)
    get_settings.cache_clear()
    yield
    os.environ.clear()
    os.environ.update(saved)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _no_cache_from_another_test() -> None:
    """Each test starts with the process's caches empty: a catalogue or a key that another
    test's database held is not this one's (a catalogue read from a test's own database
    linked exercises that the shared one does not have)."""
    catalogue_cache.clear()
    recent_keys.clear()


@pytest.fixture(scope="session")
def settings(database_url: str, _environment: None) -> Settings:
    return load_settings(database_url=database_url, environment="test", secret_key=TEST_SECRET)


@pytest.fixture(scope="session")
def is_sqlite(settings: Settings) -> bool:
    return settings.is_sqlite


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    upgrade(engine)
    with Session(engine) as session:
        seed_content(session=session)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as connection:
        transaction = connection.begin()
        yield connection
        transaction.rollback()


def _session_on(connection: Connection) -> Session:
    # Commits inside the code under test release a savepoint; the outer transaction stays
    # open and is rolled back when the test ends.
    return Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )


@pytest.fixture
def session(connection: Connection) -> Iterator[Session]:
    with _session_on(connection) as session:
        yield session


AppFactory = Callable[..., FastAPI]


@pytest.fixture
def make_app(settings: Settings, connection: Connection) -> AppFactory:
    """An app on the test transaction, with some settings changed (`make_app(port=1)`)."""

    def build(**overrides: Any) -> FastAPI:
        application = create_app(settings.model_copy(update=overrides))
        application.state.session_factory = lambda **_: _session_on(connection)
        return application

    return build


@pytest.fixture
def app(make_app: AppFactory) -> FastAPI:
    return make_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def fresh_database_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the same kind as the test database, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    with throwaway_postgres_database(url.render_as_string(hide_password=False)) as fresh:
        yield fresh


@pytest.fixture
def fresh_engine(fresh_database_url: str) -> Iterator[Engine]:
    """An engine (a serving one, as the app's) on the empty database of fresh_database_url."""
    engine = create_db_engine(load_settings(database_url=fresh_database_url))
    yield engine
    engine.dispose()
