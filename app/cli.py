"""The `backpain` command: serve, migrate, seed, and the operator's other tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from app.config import ConfigError, Settings, get_settings
from app.db import create_db_engine, current_revision, head_revision

Command = Callable[[argparse.Namespace, Settings], int]


def _out(message: str) -> None:
    print(message, flush=True)


def _err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from app.db import upgrade

    engine = create_db_engine(settings)
    try:
        upgrade(engine, args.revision)
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    _out(f"database at revision {revision} (head {head_revision()})")
    return 0


def cmd_downgrade(args: argparse.Namespace, settings: Settings) -> int:
    from app.db import downgrade

    engine = create_db_engine(settings)
    try:
        downgrade(engine, args.revision)
        with engine.connect() as connection:
            revision = current_revision(connection)
    finally:
        engine.dispose()
    _out(f"database at revision {revision or 'base'}")
    return 0


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from app.db import session_scope
    from app.services.seed import seed_content

    engine = create_db_engine(settings)
    try:
        with session_scope(engine) as session:
            report = seed_content(session=session)
    finally:
        engine.dispose()
    _out(report.summary())
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
        },
    }


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
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
    return handler(args, settings)


if __name__ == "__main__":
    raise SystemExit(main())
