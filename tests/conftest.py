"""Test set-up: one migrated, seeded database per run; every test inside a transaction that
is rolled back, so tests never see each other's writes.

The database is a fresh SQLite file unless TEST_DATABASE_URL names another (PostgreSQL in
CI). The developer's own DATABASE_URL is never used: the environment is pointed at the test
database before anything can read it.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlmodel import Session

from app.config import Settings, get_settings, load_settings, normalise_database_url
from app.db import create_db_engine, upgrade
from app.main import create_app
from app.services.seed import seed_content

TEST_SECRET = "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _test_database_url(tmp_root: Path) -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    if not explicit:
        return f"sqlite:///{tmp_root / 'test.db'}"
    url = normalise_database_url(explicit)
    developer = os.environ.get("DATABASE_URL")
    if developer and normalise_database_url(developer) == url:
        raise pytest.UsageError("TEST_DATABASE_URL must not be the DATABASE_URL of a server")
    return url


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return _test_database_url(tmp_path_factory.mktemp("db"))


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


@pytest.fixture(scope="session")
def settings(database_url: str, _environment: None) -> Settings:
    return load_settings(database_url=database_url, environment="test", secret_key=TEST_SECRET)


@pytest.fixture(scope="session")
def is_sqlite(settings: Settings) -> bool:
    return settings.is_sqlite


def reset_schema(engine: Engine) -> None:
    """Start a run from an empty database (a PostgreSQL test database may hold a past run)."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def engine(settings: Settings) -> Iterator[Engine]:
    engine = create_db_engine(settings)
    reset_schema(engine)
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
        application.state.session_factory = lambda: _session_on(connection)
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
    name = f"{url.database}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
