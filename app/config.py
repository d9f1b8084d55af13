"""Settings, read from the environment and validated once, on first use (never at import)."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from typing import Annotated, Any, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_SQLITE_URL = "sqlite:///./var/backpain.db"
# Only ever used in development; production refuses it (see _check_secret_and_production).
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production"  # noqa: S105
_PLACEHOLDER_SECRETS = {"changeme", "change-me", "change_me", "secret", "please-change", "xxx"}


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class LogLevel(StrEnum):
    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"
    critical = "critical"


class ConfigError(Exception):
    """A setting is missing or invalid; the message is one line and names the setting."""


class Settings(BaseSettings):
    """Every setting of the service. Environment variables use the upper-case field name."""

    model_config = SettingsConfigDict(
        case_sensitive=False,
        extra="ignore",
        frozen=True,
        validate_default=True,
    )

    environment: Environment = Field(
        default=Environment.development,
        description="development, test or production; production refuses unsafe values.",
    )
    database_url: str = Field(
        default=DEFAULT_SQLITE_URL,
        description="SQLAlchemy URL. SQLite file (default, under ./var/) or PostgreSQL; "
        "postgresql:// is mapped to the psycopg 3 driver.",
    )
    host: str = Field(default="127.0.0.1", min_length=1, description="Interface to bind.")
    port: int = Field(default=8000, ge=1, le=65535, description="TCP port to bind.")
    workers: int = Field(default=1, ge=1, le=64, description="Server worker processes.")
    log_level: LogLevel = Field(default=LogLevel.info, description="Log threshold.")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Server secret for API-key hashes and cursor signatures. "
        "Required outside development; at least 32 characters.",
    )
    db_pool_size: int = Field(default=5, ge=1, le=100, description="PostgreSQL pool size.")
    db_connect_timeout_seconds: int = Field(
        default=5, ge=1, le=120, description="How long to wait for a database connection."
    )
    retention_days: int = Field(
        default=365, ge=1, le=36500, description="Default age for `backpain purge`."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed by CORS (default: none).",
    )
    rate_limit_per_minute: int = Field(
        default=600, ge=1, le=1_000_000, description="Requests a minute per API key."
    )
    anon_rate_limit_per_minute: int = Field(
        default=120, ge=1, le=1_000_000, description="Requests a minute per IP without a key."
    )
    redis_url: str | None = Field(
        default=None, description="redis:// URL: share rate limits across instances."
    )

    @field_validator("database_url")
    @classmethod
    def _normalise_database_url(cls, value: str) -> str:
        return normalise_database_url(value)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("redis_url")
    @classmethod
    def _check_redis_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        assert value is not None
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _check_secret_and_production(self) -> Self:
        if self.secret_key is None:
            if self.environment is not Environment.development:
                raise ValueError(f"SECRET_KEY is required when ENVIRONMENT={self.environment}")
            object.__setattr__(self, "secret_key", SecretStr(DEVELOPMENT_SECRET_KEY))
        if self.environment is not Environment.development:
            secret = self.secret_value
            if len(secret) < 32:
                raise ValueError("SECRET_KEY must be at least 32 characters")
        if self.environment is Environment.production:
            secret = self.secret_value
            if secret == DEVELOPMENT_SECRET_KEY or secret.lower() in _PLACEHOLDER_SECRETS:
                raise ValueError("SECRET_KEY is a placeholder; generate a random one")
            if self.is_sqlite and self.workers > 1:
                raise ValueError("WORKERS > 1 with SQLite is refused in production; use PostgreSQL")
        return self

    @property
    def secret_value(self) -> str:
        assert self.secret_key is not None  # filled in by the validator above
        return self.secret_key.get_secret_value()

    @property
    def url(self) -> URL:
        return make_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"


def normalise_database_url(value: str) -> str:
    """Accept SQLite and PostgreSQL URLs; map every PostgreSQL spelling to psycopg 3."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError("is not a database URL (e.g. sqlite:///./var/backpain.db)") from None
    backend = url.get_backend_name()
    if backend == "sqlite":
        if url.drivername not in ("sqlite", "sqlite+pysqlite"):
            raise ValueError("SQLite is supported through the standard library driver only")
        return url.render_as_string(hide_password=False)
    if backend in ("postgresql", "postgres"):
        if url.drivername not in ("postgresql", "postgres", "postgresql+psycopg"):
            raise ValueError("PostgreSQL is supported through psycopg 3 (postgresql+psycopg://)")
        return url.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    raise ValueError(f"unsupported database {backend!r}: use sqlite:// or postgresql://")


def describe_validation_error(error: ValidationError) -> str:
    """One line naming each offending setting by its environment variable."""
    parts = []
    for item in error.errors(include_url=False, include_input=False):
        name = ".".join(str(p) for p in item["loc"]).upper()
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{name}: {message}" if name else message)
    return "invalid configuration: " + "; ".join(parts)


def load_settings(**overrides: Any) -> Settings:
    """Build settings from the environment (plus explicit overrides, used by tests)."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise ConfigError(describe_validation_error(error)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return load_settings()
