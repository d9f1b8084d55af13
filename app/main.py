"""The ASGI application: `create_app()` builds it; `app.main:app` is what uvicorn serves."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi.routing import APIRoute

from app import __version__
from app.api import (
    advice,
    assess,
    assessments,
    audit,
    clients,
    exercises,
    health,
    metrics,
    programmes,
    vocabulary,
)
from app.api.assess import BATCH_MAX_BODY_BYTES
from app.api.deps import RateLimited
from app.api.docs import install_docs
from app.config import ConfigError, Settings, get_settings
from app.cors import ProblemCORSMiddleware
from app.db import WalCheckpointer, add_sqlite_writer, create_db_engine, session_factory
from app.errors import COMMON_API_ERRORS, install_error_handlers
from app.middleware import (
    ConditionalGetMiddleware,
    RequestBodyMiddleware,
    RequestContextMiddleware,
)
from app.observability import RouteTemplates
from app.openapi import install_openapi
from app.ratelimit import make_limiter
from app.rules.ruleset import RulesetError, load_ruleset
from app.services import assessments as assessments_service
from app.services import stored_answers
from app.services.assessment_queue import AssessmentQueue


def operation_id(route: APIRoute) -> str:
    """Operation ids read well in generated clients: the route's function name."""
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    ruleset = load_ruleset()
    engine = create_db_engine(settings)
    # On a SQLite file, answers are stored through one connection of their own.
    writer = add_sqlite_writer(engine, settings)
    # SQLite's log is checkpointed on a thread of its own, not inside requests' commits.
    checkpointer = WalCheckpointer(engine) if settings.is_sqlite else None
    if checkpointer is not None and writer is not None:
        checkpointer.watch(writer)

    limiter = make_limiter(settings.redis_url)

    @asynccontextmanager
    async def lifespan(application: FastAPI) -> AsyncIterator[None]:
        # The stored answers' dictionary is trained now (about 0.1 s), not by the first
        # group that stores, which would hold SQLite's write lock meanwhile.
        await to_thread.run_sync(stored_answers.for_ruleset, application.state.ruleset)
        # Everything built so far (modules, the ruleset, the app) lives as long as the process:
        # keeping it out of the collector's reach makes every collection cheaper (about a
        # quarter of the time of a 500-item batch goes to collections otherwise).
        gc.collect()
        gc.freeze()
        # A request makes thousands of short-lived objects (an answer is ~10 KB of models):
        # collecting the youngest generation every 20,000 allocations instead of every 700
        # (and the older ones after 20 collections of the one below, not 10, so full
        # collections come far more rarely) costs a little memory and saves about 2-3% of
        # the instructions of a stored assessment or a batch item (callgrind, on
        # bench/assess_throughput.py's requests).
        gc.set_threshold(20_000, 20, 20)
        if checkpointer is not None:
            checkpointer.start()
        try:
            yield
        finally:
            try:
                await limiter.close()
            finally:
                if checkpointer is not None:
                    # Its last checkpoint may take a moment: not on the event loop.
                    await to_thread.run_sync(checkpointer.stop)
                if writer is not None:
                    writer.dispose()
                engine.dispose()

    app = FastAPI(
        title="Back-pain guidance API",
        version=__version__,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None,  # served from installed files instead (app.api.docs)
        redoc_url=None,
        # FastAPI's own OpenTelemetry instrumentation sends to the process's global
        # providers, which only an OpenTelemetry SDK sets up, and none is installed: the
        # service reports through /metrics and its JSON logs. Left on, it would only ask on
        # every request whether a provider has appeared (about 2% of a stateless /assess).
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.checkpointer = checkpointer
    app.state.session_factory = session_factory(engine)
    app.state.ruleset = ruleset
    app.state.assessment_queue = AssessmentQueue(
        sessions=lambda: app.state.session_factory(), ruleset=lambda: app.state.ruleset
    )
    app.state.limiter = limiter
    app.state.body_checks = {"/assess": assessments_service.contract_field_errors}
    install_error_handlers(app)
    # Listed innermost first (each add wraps the ones before): ETags, body limits, CORS,
    # and outermost the request id, security headers, access log and last-resort 500.
    app.add_middleware(ConditionalGetMiddleware)
    app.add_middleware(RequestBodyMiddleware, limits={"/assess/batch": BATCH_MAX_BODY_BYTES})
    if settings.cors_origins:
        app.add_middleware(ProblemCORSMiddleware, allow_origins=settings.cors_origins)
    app.add_middleware(RequestContextMiddleware)
    api_routers = (
        assess.router,
        assessments.router,
        exercises.router,
        programmes.router,
        advice.router,
        vocabulary.router,
        clients.router,
        audit.router,
    )
    for router in api_routers:
        app.include_router(router, dependencies=[RateLimited], responses=COMMON_API_ERRORS)
    # Probes and metrics are for the platform: never rate limited, never authenticated.
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.state.route_templates = RouteTemplates(
        route.path
        for router in (*api_routers, health.router, metrics.router)
        for route in router.routes
        if isinstance(route, APIRoute)
    )
    install_openapi(app)
    install_docs(app)
    return app


def __getattr__(name: str) -> Any:
    # `app.main:app` is built on first access, not at import: importing this module (tests
    # do) must not read the environment or open a database.
    if name == "app":
        try:
            application = create_app()
        except (ConfigError, RulesetError) as error:
            raise SystemExit(f"backpain: {error}") from None
        globals()["app"] = application
        return application
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
