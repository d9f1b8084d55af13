"""The OpenAPI document: what FastAPI derives from the routes, plus what it cannot know.

- The API-level description (`app/api_description.md`) and a description of each tag.
- Summaries: the first line of each route's docstring; descriptions: the rest of it.
- Security: both ways of sending a key are declared; operations that need one (their
  dependencies carry `required_scopes`) require it and name the scopes; public reads accept
  a key optionally (it raises the rate limit).
- Errors are `application/problem+json`, never `application/json`, each with the service's
  own answers as examples (`app.openapi_problems`).
- Every GET can answer 304 (ConditionalGetMiddleware): its `If-None-Match` and `ETag`.
- Examples on every request and response body (`app.openapi_examples`).
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from app.errors import PROBLEM_JSON
from app.middleware import strong_etag
from app.openapi_examples import request_examples, response_examples
from app.openapi_problem_examples import PROBLEM_EXAMPLES

DESCRIPTION = (Path(__file__).resolve().parent / "api_description.md").read_text()
TAGS = [
    {
        "name": "assessment",
        "description": "Assess runners, and keep, list, explain and erase their assessments.",
    },
    {
        "name": "exercises",
        "description": "The exercise catalogue: filters, paging, sync, and editing.",
    },
    {"name": "programmes", "description": "Ordered exercises with dosage for a purpose."},
    {"name": "advice", "description": "What to do, in plain words, with sources."},
    {
        "name": "vocabulary",
        "description": "The red flags and risk factors /assess answers with.",
    },
    {"name": "clients", "description": "API clients and their keys (scope `clients:admin`)."},
    {"name": "audit", "description": "Every change to content and clients."},
    {"name": "health", "description": "Probes and metrics for the platform."},
]

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


def _validation_errors(operation: dict[str, Any]) -> None:
    """FastAPI documents a 422 (in its own format) for every route with parameters. Ours are
    problems; and a route whose only input is a plain string in its path cannot fail
    validation at all, so it documents no 422."""
    responses = operation.get("responses", {})
    if "422" not in responses:
        return
    parameters = operation.get("parameters", [])
    only_free_text_path = all(
        p["in"] == "path"
        and p["schema"].get("type") == "string"
        and set(p["schema"]) <= {"type", "title", "examples", "description"}
        for p in parameters
    )
    if "requestBody" not in operation and only_free_text_path:
        del responses["422"]
        return
    responses["422"] = {
        "description": "Unprocessable Content",
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def _problem_content(operation: dict[str, Any]) -> None:
    _validation_errors(operation)
    provoked = PROBLEM_EXAMPLES.get(operation["operationId"], {})
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if str(status)[0] in "45" and PROBLEM_JSON in content:
            content.pop("application/json", None)
            if str(status) in provoked:
                content[PROBLEM_JSON]["examples"] = provoked[str(status)]


ETAG_HEADER = {
    "description": "A strong validator of this answer: send it back in `If-None-Match`.",
    "required": True,
    "schema": {"type": "string", "examples": [strong_etag(b"an answer")]},
}
IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The `ETag` of the answer you hold (or `*`): if it is still current, the "
    "answer is a `304` with no body.",
    "schema": {"type": "string", "examples": [strong_etag(b"an answer")]},
}


def _conditional_get(operation: dict[str, Any]) -> None:
    """Every successful GET has an ETag, and an If-None-Match that still matches it gets a
    304 (ConditionalGetMiddleware, around every route)."""
    operation.setdefault("parameters", []).append(IF_NONE_MATCH)
    responses = operation["responses"]
    responses["200"].setdefault("headers", {})["ETag"] = ETAG_HEADER
    responses["304"] = {
        "description": "Not Modified: `If-None-Match` names the current `ETag` (or is `*`); "
        "no body.",
        "headers": {"ETag": ETAG_HEADER},
    }


def _text(route: RouteContext, scopes: list[str] | None) -> tuple[str, str]:
    """Summary and description from the route's docstring (and the scopes it needs)."""
    endpoint = cast(APIRoute, route.original_route).endpoint
    doc = inspect.cleandoc(endpoint.__doc__ or "")
    summary, _, rest = doc.partition("\n")
    description = rest.strip() or summary
    if scopes:
        needed = " or ".join(f"`{scope}`" for scope in scopes)
        description += f"\n\nNeeds an API key with the {needed} scope."
    return summary.strip().rstrip("."), description


def _examples(operation: dict[str, Any], operation_id: str) -> None:
    body = operation.get("requestBody", {}).get("content", {})
    for media in body.values():
        media["examples"] = request_examples()[operation_id]
    for status, examples in response_examples().get(operation_id, {}).items():
        content = operation["responses"][str(status)]["content"]
        for media in content.values():
            media["examples"] = examples


def build_openapi(app: FastAPI) -> dict[str, Any]:
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=DESCRIPTION,
        routes=app.routes,
        tags=TAGS,
        servers=app.servers,
    )
    components = document.setdefault("components", {})
    components["securitySchemes"] = SECURITY_SCHEMES
    for route in api_routes(app):
        path = route.path_format or ""
        for method in route.methods or ():
            operation = document["paths"][path][method.lower()]
            _problem_content(operation)
            if method == "GET":
                _conditional_get(operation)
            scopes = required_scopes(route)
            operation["summary"], operation["description"] = _text(route, scopes)
            _examples(operation, operation["operationId"])
            if scopes:
                operation["security"] = KEY_REQUIRED
                operation["x-required-scopes"] = scopes
            elif path not in OPEN_PATHS:
                operation["security"] = KEY_OPTIONAL
    # FastAPI's own validation-error schemas are replaced by Problem everywhere.
    for name in ("HTTPValidationError", "ValidationError"):
        components.get("schemas", {}).pop(name, None)
    return document


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = build_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def export_document() -> str:
    """The OpenAPI document as committed: built under production settings, keys sorted."""
    from app.config import load_settings
    from app.main import create_app

    settings = load_settings(
        environment="production",
        secret_key="openapi-export-" + "x" * 32,
        database_url="postgresql://openapi-export@localhost/unused",  # never connected to
    )
    document = create_app(settings).openapi()
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
