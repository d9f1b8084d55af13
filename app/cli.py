"""The `backpain` command: serve, migrate, seed, and the operator's other tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from alembic.util import CommandError
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from app.config import ConfigError, Settings, get_settings
from app.db import (
    MigrationError,
    create_db_engine,
    current_revision,
    exclusive,
    head_revision,
    is_known_revision,
    retrying,
    session_scope,
)
from app.errors import ProblemError

Command = Callable[[argparse.Namespace, Settings], int]
# Migrate and seed take this lock: several instances starting at once do them in turn.
PRESTART_LOCK = "backpain-prestart"


def _out(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class OperatorError(Exception):
    """Something the operator can fix, said in one line (no traceback); exit status 1."""


def _database(settings: Settings) -> str:
    """Where DATABASE_URL points, never with its user or password."""
    url = settings.url
    if settings.is_sqlite:
        return url.database or ":memory:"
    return f"{url.host or 'localhost'}{f':{url.port}' if url.port else ''}/{url.database or ''}"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _describe_database_error(settings: Settings, error: DBAPIError) -> str:
    # The driver's own words (its first line), which name no password; never the
    # SQLAlchemy wrapper's, which adds the statement.
    reason = _first_line(error.orig) if error.orig is not None else _first_line(error)
    if isinstance(error, OperationalError) and error.statement is None:
        return f"DATABASE_URL: cannot connect to {_database(settings)}: {reason}"
    return f"DATABASE_URL: {_database(settings)}: {reason}"


def _engine(settings: Settings) -> Engine:
    try:
        return create_db_engine(settings, serving=False)
    except OSError as error:  # the SQLite file's folder cannot be made
        raise OperatorError(
            f"DATABASE_URL: cannot use {_database(settings)}: {error.strerror or error}"
        ) from error


@contextmanager
def session_for(settings: Settings) -> Iterator[Session]:
    """A session on a fresh engine, disposed afterwards (one command, one connection)."""
    engine = _engine(settings)
    try:
        with session_scope(engine) as session:
            yield session
    finally:
        engine.dispose()


def _migrate_to(settings: Settings, revision: str, *, down: bool) -> str | None:
    from app.db import downgrade, upgrade

    engine = _engine(settings)
    try:
        with engine.connect() as connection:
            current = current_revision(connection)
        if current is not None and not is_known_revision(current):
            raise OperatorError(
                f"DATABASE_URL: {_database(settings)} is at revision {current}, which this "
                "build does not know (was it migrated by a newer build?)"
            )
        with exclusive(engine, PRESTART_LOCK):
            (downgrade if down else upgrade)(engine, revision)
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    revision = _migrate_to(settings, args.revision, down=False)
    _out(f"database at revision {revision} (head {head_revision()})")
    return 0


def cmd_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    revision = _migrate_to(settings, args.revision, down=True)
    _out(f"database at revision {revision or 'base'}")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import IntegrityError

    from app.services.seed import SeedError, seed_content

    with session_for(settings) as session:
        bind = session.get_bind()
        assert isinstance(bind, Engine)
        try:
            with exclusive(bind, PRESTART_LOCK):
                report = retrying(session, lambda: seed_content(session=session))
        except SeedError as error:
            _err(f"backpain: seed: {error}")
            return 1
        except ProblemError as problem:  # e.g. a file's programme names a deleted exercise
            _err(f"backpain: seed: {problem.detail} {problem.errors or ''}".rstrip())
            return 1
        except IntegrityError as error:
            _err(f"backpain: seed: the catalogue refused a change ({type(error.orig).__name__})")
            return 1
    _out(report.summary())
    return 0


def cmd_clients_create(args: argparse.Namespace, settings: Settings) -> int:
    from app.models.clients import ClientCreate
    from app.services import clients

    try:
        request = ClientCreate(name=args.name, scopes=args.scope)
    except ValidationError as error:
        _err(f"backpain: {error.errors(include_url=False)[0]['msg']}")
        return 2
    with session_for(settings) as session:
        try:
            _, key = clients.create_client(
                session=session,
                name=request.name,
                scopes=request.scopes,
                secret=settings.secret_value,
            )
        except ProblemError as problem:
            _err(f"backpain: {problem.detail}")
            return 1
        session.commit()
    _out(key)  # only the key on stdout, so that `KEY=$(backpain clients create ...)` works
    return 0


def cmd_clients_list(args: argparse.Namespace, settings: Settings) -> int:
    from app.services import clients

    with session_for(settings) as session:
        rows = clients.list_clients(session=session)
        lines = [
            f"{c.name:<32} {','.join(c.scopes):<36} {c.key_prefix}...  "
            f"created {c.created_at:%Y-%m-%d}"
            + (f"  REVOKED {c.revoked_at:%Y-%m-%d}" if c.revoked_at else "")
            for c in rows
        ]
    _out("\n".join(lines) if lines else "no clients")
    return 0


def cmd_clients_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from app.services import clients

    with session_for(settings) as session:
        try:
            clients.revoke_client(session=session, name=args.name)
        except ProblemError as problem:
            _err(f"backpain: {problem.detail}")
            return 1
        session.commit()
    _out(f"revoked {args.name}")
    return 0


def cmd_dev_client(args: argparse.Namespace, settings: Settings) -> int:
    """For `make run`: on an empty development database, a client whose key is printed once."""
    from app.config import Environment
    from app.models.clients import Scope
    from app.services import clients

    if settings.environment is not Environment.development:
        _err("backpain: dev-client does nothing outside ENVIRONMENT=development")
        return 0
    with session_for(settings) as session:
        if clients.any_clients(session=session):
            _out(
                "API clients exist already; the development key was printed when it was made. "
                "New key: .venv/bin/backpain clients create --name NAME --scope assess"
            )
            return 0
        _, key = clients.create_client(
            session=session,
            name=clients.DEVELOPMENT_CLIENT,
            scopes=list(Scope),
            secret=settings.secret_value,
        )
        session.commit()
    _out(f"\nDevelopment API key (shown once; all scopes):\n\n    export BACKPAIN_KEY={key}\n")
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from app.services import assessments

    days = args.older_than if args.older_than is not None else settings.retention_days
    with session_for(settings) as session:
        deleted = assessments.purge(session=session, older_than_days=days)
    _out(f"purged {deleted} assessments older than {days} days")
    return 0


def cmd_openapi(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from app.db import PROJECT_ROOT
    from app.openapi import export_document

    target = Path(args.output) if args.output else PROJECT_ROOT / "openapi" / "openapi.json"
    document = export_document()
    if args.action == "export":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(document)
        _out(f"wrote {target}")
        return 0
    if not target.exists() or target.read_text() != document:
        _err(f"backpain: {target} is out of date; run `backpain openapi export`")
        return 1
    _out(f"{target} is up to date")
    return 0


def uvicorn_log_config(level: str) -> dict[str, object]:
    """Logging for every server process (uvicorn applies it in each worker)."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "app.observability.JsonFormatter"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["stderr"], "level": level.upper()},
        "loggers": {
            "uvicorn": {"handlers": [], "propagate": True},
            "uvicorn.error": {"handlers": [], "propagate": True},
            # Our own access log (one line a request, route template, no query string)
            # replaces uvicorn's.
            "uvicorn.access": {"handlers": [], "propagate": False, "level": "CRITICAL"},
            # /readyz reads the schema revision through Alembic, which says so at INFO.
            "alembic": {"level": "WARNING"},
        },
    }


def _prepare_multiprocess_metrics() -> None:
    """Workers write metric samples to a shared folder, which must start empty; set before the
    workers start (prometheus_client reads it when it is imported)."""
    import os
    import tempfile
    from pathlib import Path

    from app.metrics import MULTIPROC_ENV

    folder = os.environ.get(MULTIPROC_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for stale in Path(folder).glob("*.db"):
            stale.unlink()
    else:
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="backpain-metrics-")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from app.rules.ruleset import RulesetError, load_ruleset

    try:
        load_ruleset()  # refuse to start workers on a broken ruleset
    except RulesetError as error:
        _err(f"backpain: {error}")
        return 2

    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if workers > 1:
        _prepare_multiprocess_metrics()
    base = f"http://{host}:{port}"
    _out(f"Back-pain guidance API on {base}  (docs: {base}/docs  redoc: {base}/redoc)")
    uvicorn.run(
        "app.main:app",
        host=host,
        port=port,
        workers=workers,
        log_config=uvicorn_log_config(settings.log_level.value),
        log_level=settings.log_level.value,
        proxy_headers=True,
        server_header=False,
        date_header=True,
    )
    return 0


def _positive_days(text: str) -> int:
    days = int(text)
    if days < 1:
        raise argparse.ArgumentTypeError("must be at least 1 (0 would delete everything)")
    return days


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backpain",
        description="Back-pain guidance API: server and operator tools. "
        "Configuration comes from the environment (see README).",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve the API (run `migrate` first)")
    serve.add_argument("--host", help="interface (default: HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: PORT or 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default: WORKERS or 1)")
    serve.set_defaults(handler=cmd_serve)

    migrate = sub.add_parser("migrate", help="upgrade the database schema (default: to head)")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(handler=cmd_migrate)

    downgrade = sub.add_parser("downgrade", help="downgrade the schema to REVISION ('base': empty)")
    downgrade.add_argument("revision")
    downgrade.set_defaults(handler=cmd_downgrade)

    seed = sub.add_parser("seed", help="load the content catalogue (idempotent)")
    seed.set_defaults(handler=cmd_seed)

    clients = sub.add_parser("clients", help="API clients and their keys")
    clients_sub = clients.add_subparsers(dest="clients_command", required=True, metavar="ACTION")
    create = clients_sub.add_parser("create", help="create a client; prints only its new key")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        choices=["assess", "content:write", "clients:admin"],
        help="repeat for several scopes",
    )
    create.set_defaults(handler=cmd_clients_create)
    listing = clients_sub.add_parser("list", help="list clients (never their keys)")
    listing.set_defaults(handler=cmd_clients_list)
    revoke = clients_sub.add_parser("revoke", help="revoke a client's key")
    revoke.add_argument("name")
    revoke.set_defaults(handler=cmd_clients_revoke)

    dev = sub.add_parser(
        "dev-client", help="development only: make a first client and print its key once"
    )
    dev.set_defaults(handler=cmd_dev_client)

    openapi = sub.add_parser("openapi", help="export the OpenAPI document, or check it")
    openapi.add_argument("action", choices=["export", "check"])
    openapi.add_argument("--output", help="default: openapi/openapi.json in the project")
    openapi.set_defaults(handler=cmd_openapi)

    purge = sub.add_parser("purge", help="delete assessments older than the retention period")
    purge.add_argument(
        "--older-than",
        type=_positive_days,
        metavar="DAYS",
        help="at least 1; default: RETENTION_DAYS (365)",
    )
    purge.set_defaults(handler=cmd_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = get_settings()
    except ConfigError as error:
        _err(f"backpain: {error}")
        return 2
    handler: Command = args.handler
    try:
        return handler(args, settings)
    except OperatorError as error:
        _err(f"backpain: {error}")
    except DBAPIError as error:
        _err(f"backpain: {_describe_database_error(settings, error)}")
    except (CommandError, MigrationError) as error:  # e.g. `downgrade nonsense`
        _err(f"backpain: {args.command}: {_first_line(error)}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
