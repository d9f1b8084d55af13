"""The OpenAPI document: what FastAPI derives from the routes, plus what it cannot know.

- Security: both ways of sending a key are declared; operations that need one (their
  dependencies carry `required_scopes`) require it and name the scopes; public reads accept
  a key optionally (it raises the rate limit).
- Errors are `application/problem+json`, never `application/json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from app.errors import PROBLEM_JSON

SECURITY_SCHEMES = {
    "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "`Authorization: Bearer bp_...` with an API key.",
    },
    "apiKeyAuth": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "`X-API-Key: bp_...`: the same key, in a header of its own.",
    },
}
KEY_REQUIRED: list[dict[str, list[str]]] = [{"bearerAuth": []}, {"apiKeyAuth": []}]
KEY_OPTIONAL = [{}, *KEY_REQUIRED]
OPEN_PATHS = {"/healthz", "/readyz", "/metrics"}


def _dependencies(dependant: Dependant) -> Iterator[Dependant]:
    for dependency in dependant.dependencies:
        yield dependency
        yield from _dependencies(dependency)


def api_routes(app: FastAPI) -> Iterator[RouteContext]:
    """Every API route as served (FastAPI keeps included routers unflattened; this walks
    them the way its own OpenAPI generation does)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute) and context.include_in_schema:
            yield context


def required_scopes(route: RouteContext) -> list[str] | None:
    """The scopes a route accepts (any one of them), or None if it needs no key."""
    for dependency in _dependencies(route.dependant):
        scopes = getattr(dependency.call, "required_scopes", None)
        if scopes:
            return [scope.value for scope in scopes]
    return None


def _problem_content(operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if str(status)[0] in "45" and PROBLEM_JSON in content:
            content.pop("application/json", None)


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
        servers=app.servers,
    )
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for route in api_routes(app):
        for method in route.methods or ():
            operation = document["paths"][route.path_format][method.lower()]
            _problem_content(operation)
            scopes = required_scopes(route)
            if scopes:
                operation["security"] = KEY_REQUIRED
                operation["x-required-scopes"] = scopes
            elif route.path_format not in OPEN_PATHS:
                operation["security"] = KEY_OPTIONAL
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
