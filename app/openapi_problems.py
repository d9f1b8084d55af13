"""The error examples of the OpenAPI document: the service's own answers, not prose.

Every operation documents the errors it can return (`problem_responses` on its route, the
common ones on every API router). For each of them, `provocations()` names a request that
makes the service return it, and `provoke()` sends those requests to the app and records
what it answered. An error that an operation documents but nothing provokes is a failure:
the document lists only what the service really returns.

The answers are committed in `app/openapi_problem_examples.py`, which the document reads
(so serving the document costs no request, counts nothing in /metrics and logs nothing).
`python -m app.openapi_problems` writes that file from a temporary migrated and seeded
SQLite database; tests/api/test_problem_examples.py sends the same requests again, on SQLite
and on PostgreSQL, and fails when an answer is not the one the document shows.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import update
from sqlmodel import col

from app.errors import PROBLEM_JSON
from app.models.assessments import AssessmentRecord
from app.models.clients import Scope, rate_limit_bucket
from app.openapi_examples import (
    EXAMPLE_NAMESPACE,
    EXAMPLE_REQUEST_ID,
    INVALID,
    LOCKED_UP,
    request_examples,
)
from app.ratelimit import MemoryRateLimiter
from app.services import clients

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI
    from fastapi.testclient import TestClient
    from starlette.types import Receive, Send
    from starlette.types import Scope as AsgiScope

Examples = dict[str, dict[str, Any]]
KeyKind = Literal["none", "invalid", "right", "valid", "wrong"]
Site = Literal["live", "unreachable", "unmigrated", "fault"]
METHODS = ("get", "post", "put", "patch", "delete")

STORED_ID = uuid.uuid5(EXAMPLE_NAMESPACE, "acute_locked_up_back")
MISSING_ID = uuid.uuid5(EXAMPLE_NAMESPACE, "missing")
INVALID_KEY = "bp_" + "0" * 43  # shaped like a key, and nobody's
# More than any body limit (64 KiB, 1 MiB for the batch): refused whatever the route.
OVERSIZED_BODY = b" " * (2 * 1024 * 1024)
# The seconds a 429 names depend on where the clock is in the rate-limit window.
RETRY_AFTER_SHOWN = 30

# For each kind of item in a path: a value that exists (in the seed content, or made by
# `prepare`) and one that does not.
PATH_VALUES: dict[str, tuple[str, str]] = {
    "exercises": ("bird-dog", "no-such-exercise"),
    "advice": ("what-to-do-first", "no-such-topic"),
    "programmes": ("runner-strength", "no-such-programme"),
    "red-flags": ("saddle_anaesthesia", "no_such_flag"),
    "risk-factors": ("sit_then_run", "no_such_factor"),
    "clients": ("acme-running", "no-such-client"),
    "subjects": ("runner-1177", "runner-0000"),
    "assessments": (str(STORED_ID), str(MISSING_ID)),
}
# Another live item of the same kind, whose slug a change can collide with.
OTHER_SLUGS = {"exercises": "cat-cow", "advice": "common-causes", "programmes": "core-and-posture"}
NOUNS = {
    "exercises": "exercise",
    "advice": "advice topic",
    "programmes": "programme",
    "red-flags": "red flag",
    "risk-factors": "risk factor",
    "clients": "client",
    "subjects": "subject with stored assessments",
    "assessments": "assessment of yours",
}
NOT_A_SLUG = "Not a slug"


class ProvocationError(AssertionError):
    """A documented error that the request meant to provoke it did not."""


@dataclass(frozen=True)
class Provocation:
    """One request that makes an operation answer with one of its documented errors."""

    name: str
    summary: str
    status: int
    key: KeyKind = "right"
    missing: bool = False  # path values that do not exist
    path: Mapping[str, str] = field(default_factory=dict)  # path values, over the defaults
    query: Mapping[str, str] = field(default_factory=dict)
    body: Any = None  # JSON; None: the operation's request example, if it takes a body
    content: bytes | None = None  # raw bytes instead of JSON
    content_type: str = "application/json"
    site: Site = "live"
    over_limit: bool = False


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    id: str
    errors: tuple[int, ...]
    scopes: tuple[str, ...]
    query: frozenset[str]
    takes_body: bool
    id_in_path: bool

    @property
    def kind(self) -> str:
        return self.path.strip("/").split("/")[0]

    @classmethod
    def of(cls, path: str, method: str, operation: Mapping[str, Any]) -> Operation:
        parameters = operation.get("parameters", [])
        return cls(
            path=path,
            method=method.upper(),
            id=operation["operationId"],
            errors=tuple(sorted(int(s) for s in operation["responses"] if s[0] in "45")),
            scopes=tuple(operation.get("x-required-scopes", ())),
            query=frozenset(p["name"] for p in parameters if p["in"] == "query"),
            takes_body="requestBody" in operation,
            id_in_path=any(
                p["in"] == "path" and p["schema"].get("format") == "uuid" for p in parameters
            ),
        )


def operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    for path, item in sorted(document["paths"].items()):
        for method in METHODS:
            if method in item:
                yield Operation.of(path, method, item[method])


# --- What provokes each error ---------------------------------------------------------------


def _example_body(operation: Operation) -> Any:
    return next(iter(request_examples()[operation.id].values()))["value"]


def _conflict(operation: Operation) -> Provocation:
    kind, action = operation.kind, operation.id.split("_")[0]
    if operation.id == "explain_assessment":
        return Provocation(
            "other_ruleset",
            "Stored under an earlier ruleset version, which this one cannot explain",
            409,
        )
    if operation.id == "create_client":
        return Provocation(
            "name_taken",
            "A name already taken",
            409,
            body={"name": "acme-running", "scopes": ["assess"]},
        )
    if operation.id == "delete_exercise":
        return Provocation("in_a_programme", "An exercise that programmes still list", 409)
    taken, other = PATH_VALUES[kind][0], OTHER_SLUGS[kind]
    if action == "create":
        body = {**_example_body(operation), "slug": taken}
    elif action == "replace":
        body = {**_example_body(operation), "slug": other}
    else:
        body = {"slug": other}
    return Provocation("slug_taken", "A slug another item has", 409, body=body)


def _invalid(operation: Operation) -> Provocation:
    if operation.takes_body:
        if operation.id == "assess":
            body: Any = INVALID
        elif operation.id == "assess_batch":
            body = {"items": []}
        elif operation.id == "create_client":
            body = {"name": "acme running", "scopes": ["everything"]}
        elif operation.id.startswith("update_"):
            body = {"slug": NOT_A_SLUG}
        else:
            body = {**_example_body(operation), "slug": NOT_A_SLUG}
        return Provocation("invalid_body", "Fields that break the contract", 422, body=body)
    if "limit" in operation.query:
        return Provocation(
            "invalid_limit", "`limit` that is not a number", 422, query={"limit": "ten"}
        )
    if operation.id_in_path:
        return Provocation(
            "invalid_id", "An id that is not a UUID", 422, path={"assessment_id": "not-a-uuid"}
        )
    raise ProvocationError(f"{operation.id}: nothing here makes a 422")


def provocations(operation: Operation) -> dict[int, list[Provocation]]:
    """For every error the operation documents, the requests that provoke it."""
    needs_key = bool(operation.scopes)
    found: dict[int, list[Provocation]] = {}
    for status in operation.errors:
        match status:
            case 400:
                found[status] = [
                    Provocation(
                        "invalid_cursor",
                        "A cursor that was changed, or made for another list",
                        400,
                        query={"cursor": "bm90LWEtY3Vyc29y"},
                    )
                ]
            case 401 if needs_key:
                found[status] = [
                    Provocation("no_key", "No API key", 401, key="none"),
                    Provocation(
                        "invalid_key", "A key that is unknown or revoked", 401, key="invalid"
                    ),
                ]
            case 401:
                found[status] = [
                    Provocation(
                        "invalid_key",
                        "A key that is unknown or revoked (sending none is fine)",
                        401,
                        key="invalid",
                    )
                ]
            case 403:
                names = " or ".join(f"`{scope}`" for scope in operation.scopes)
                found[status] = [
                    Provocation(
                        "missing_scope", f"A key without the {names} scope", 403, key="wrong"
                    )
                ]
            case 404:
                found[status] = [
                    Provocation("not_found", f"No such {NOUNS[operation.kind]}", 404, missing=True)
                ]
            case 409:
                found[status] = [_conflict(operation)]
            case 413:
                found[status] = [
                    Provocation("too_large", "A body over the limit", 413, content=OVERSIZED_BODY)
                ]
            case 415:
                found[status] = [
                    Provocation(
                        "not_json",
                        "A body that is not JSON",
                        415,
                        content=b"pain_now=11",
                        content_type="application/x-www-form-urlencoded",
                    )
                ]
            case 422:
                found[status] = [_invalid(operation)]
            case 429:
                found[status] = [
                    Provocation("rate_limited", "Over the rate limit", 429, over_limit=True)
                ]
            case 500:
                found[status] = [
                    Provocation(
                        "unexpected", "Anything unexpected (it is logged)", 500, site="fault"
                    )
                ]
            case 503 if operation.path == "/readyz":
                found[status] = [
                    Provocation(
                        "unreachable", "The database cannot be reached", 503, site="unreachable"
                    ),
                    Provocation(
                        "not_migrated",
                        "The database is behind this build's migrations",
                        503,
                        site="unmigrated",
                    ),
                ]
            case 503:
                # With a key, even the routes that read no data need the database.
                found[status] = [
                    Provocation(
                        "database_unavailable",
                        "The database is unavailable",
                        503,
                        key="valid",
                        site="unreachable",
                    )
                ]
            case _:
                raise ProvocationError(f"{operation.id}: nothing here makes a {status}")
    return found


# --- Sending them -----------------------------------------------------------------------


@dataclass(frozen=True)
class Keys:
    """The clients `prepare` made: every scope, only `assess`, only `content:write`."""

    every_scope: str
    assess_only: str
    content_only: str
    ids: Mapping[str, uuid.UUID]


@dataclass(frozen=True)
class Sites:
    """The app as it runs (`live`), on a database it cannot reach, on one that is not
    migrated, and `fault`: the app's outermost layer around a route that raises."""

    live: TestClient
    unreachable: TestClient
    unmigrated: TestClient | None
    fault: TestClient


def earlier_ruleset(version: str) -> str:
    year, rest = version.split(".", 1)
    return f"{int(year) - 1}.{rest}"


def prepare(live: TestClient) -> Keys:
    """What the provocations need on a migrated, seeded database: three clients, and a
    stored assessment made under an earlier ruleset version (as if this one had been
    deployed since)."""
    app = live.app
    secret = app.state.settings.secret_value  # type: ignore[attr-defined]
    made: dict[str, tuple[uuid.UUID, str]] = {}
    with app.state.session_factory(writes=True) as session:  # type: ignore[attr-defined]
        for name, scopes in (
            ("operator", list(Scope)),
            ("acme-running", [Scope.assess]),
            ("content-team", [Scope.content_write]),
        ):
            client, key = clients.create_client(
                session=session, name=name, scopes=scopes, secret=secret
            )
            made[name] = (client.id, key)
        session.commit()
    answer = live.post(
        "/assess", json=LOCKED_UP, headers={"Authorization": f"Bearer {made['operator'][1]}"}
    )
    if answer.status_code != 201:
        raise ProvocationError(f"could not store an assessment: {answer.text}")
    ruleset = app.state.ruleset  # type: ignore[attr-defined]
    with app.state.session_factory(writes=True) as session:  # type: ignore[attr-defined]
        session.execute(
            update(AssessmentRecord)
            .where(col(AssessmentRecord.id) == uuid.UUID(answer.json()["id"]))
            .values(id=STORED_ID, ruleset_version=earlier_ruleset(ruleset.version))
        )
        session.commit()
    return Keys(
        every_scope=made["operator"][1],
        assess_only=made["acme-running"][1],
        content_only=made["content-team"][1],
        ids={name: client_id for name, (client_id, _) in made.items()},
    )


def _key(operation: Operation, kind: KeyKind, keys: Keys) -> str | None:
    if kind == "invalid":
        return INVALID_KEY
    if kind == "wrong":
        return keys.content_only if Scope.assess in operation.scopes else keys.assess_only
    if kind == "valid" or (kind == "right" and operation.scopes):
        return keys.every_scope
    return None


def _fill_rate_limit(app: FastAPI, key: str | None, keys: Keys) -> None:
    """A fresh limiter whose window is used up for this caller (a fresh one before every
    other request, so that the provocations never trip the limit by their number)."""
    settings = app.state.settings
    limiter = MemoryRateLimiter()
    app.state.limiter = limiter
    if key is None:
        bucket, limit = "ip:testclient", settings.anon_rate_limit_per_minute
    else:
        bucket, limit = rate_limit_bucket(keys.ids["operator"]), settings.rate_limit_per_minute

    async def fill() -> None:
        for _ in range(limit):
            await limiter.hit(bucket, limit)

    asyncio.run(fill())


def send(
    sites: Sites, keys: Keys, operation: Operation, provocation: Provocation
) -> httpx.Response:
    site: TestClient | None = getattr(sites, provocation.site)
    if site is None:
        raise ProvocationError(
            f"{operation.id} ({provocation.name}) needs the {provocation.site} site"
        )
    kind = operation.kind
    names = re.findall(r"{(\w+)}", operation.path)
    values = dict.fromkeys(names, PATH_VALUES[kind][provocation.missing] if names else "")
    values.update(provocation.path)
    headers = {"X-Request-ID": EXAMPLE_REQUEST_ID}
    key = _key(operation, provocation.key, keys)
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    content = provocation.content
    if content is None and operation.takes_body:
        body = provocation.body if provocation.body is not None else _example_body(operation)
        content = json.dumps(body).encode()
    if content is not None:
        headers["Content-Type"] = provocation.content_type
    if provocation.site == "unreachable":
        clients.recent_keys.clear()  # a key the live site just saw would skip the database
    if provocation.site == "live":
        if provocation.over_limit:
            _fill_rate_limit(site.app, key, keys)  # type: ignore[arg-type]
        else:
            site.app.state.limiter = MemoryRateLimiter()  # type: ignore[attr-defined]
    response: httpx.Response = site.request(
        operation.method,
        operation.path.format(**values),
        params=dict(provocation.query),
        headers=headers,
        content=content,
    )
    return response


def _answer(operation: Operation, provocation: Provocation, response: httpx.Response) -> Any:
    media_type = response.headers.get("content-type", "").split(";")[0]
    if response.status_code != provocation.status or media_type != PROBLEM_JSON:
        raise ProvocationError(
            f"{operation.method} {operation.path} ({provocation.name}): expected a "
            f"{provocation.status} problem, got {response.status_code} {response.text[:500]}"
        )
    problem = response.json()
    if provocation.status == 429:
        problem["detail"] = re.sub(
            r"retry after \d+ seconds",
            f"retry after {RETRY_AFTER_SHOWN} seconds",
            problem["detail"],
        )
    return problem


@contextmanager
def _quiet() -> Iterator[None]:
    """The provoked 500s and 503s are logged as errors by the app: not worth a word here."""
    loggers = [logging.getLogger(name) for name in ("app.errors", "app.access")]
    saved = [logger.disabled for logger in loggers]
    for logger in loggers:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, disabled in zip(loggers, saved, strict=True):
            logger.disabled = disabled


def provoke(sites: Sites, keys: Keys, operation: Operation) -> dict[str, Examples]:
    """The operation's documented errors as the app answers them, by status code."""
    found: dict[str, Examples] = {}
    with _quiet():
        for status, tries in provocations(operation).items():
            examples: Examples = {}
            for provocation in tries:
                response = send(sites, keys, operation, provocation)
                if provocation.over_limit and response.status_code != 429:
                    # The minute turned between filling the window and the request.
                    response = send(sites, keys, operation, provocation)
                examples[provocation.name] = {
                    "summary": provocation.summary,
                    "value": _answer(operation, provocation, response),
                }
            found[str(status)] = examples
    return found


async def _raise(scope: AsgiScope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a fault, provoked for the OpenAPI examples")


@contextmanager
def sites_for(
    live: FastAPI, *, unreachable: FastAPI, unmigrated: FastAPI | None
) -> Iterator[Sites]:
    from contextlib import ExitStack

    from fastapi.testclient import TestClient

    from app.middleware import RequestContextMiddleware

    fault = TestClient(RequestContextMiddleware(_raise))  # no lifespan to run
    with ExitStack() as stack:
        live_client, unreachable_client = (
            stack.enter_context(TestClient(app)) for app in (live, unreachable)
        )
        unmigrated_client = stack.enter_context(TestClient(unmigrated)) if unmigrated else None
        yield Sites(live_client, unreachable_client, unmigrated_client, fault)


# --- Writing them down --------------------------------------------------------------------

EXAMPLES_MODULE = "openapi_problem_examples.py"
HEADER = '''\
"""The error answers the OpenAPI document shows: written by `python -m app.openapi_problems`,
from the app's own answers (see app/openapi_problems.py). Do not edit by hand."""

# ruff: noqa: E501

from typing import Any

PROBLEM_EXAMPLES: dict[str, dict[str, dict[str, dict[str, Any]]]] = '''


def generate() -> dict[str, dict[str, Examples]]:
    """Every operation's error examples, from the app on a temporary SQLite database."""
    import tempfile
    import warnings
    from pathlib import Path

    from sqlmodel import Session

    from app.config import Settings, load_settings
    from app.db import create_db_engine, upgrade
    from app.main import create_app
    from app.services.seed import seed_content

    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    with tempfile.TemporaryDirectory() as folder:
        defaults = Settings.model_fields
        settings = load_settings(
            database_url=f"sqlite:///{Path(folder) / 'live.db'}",
            environment="test",
            secret_key="openapi-problems-" + "x" * 32,
            rate_limit_per_minute=defaults["rate_limit_per_minute"].default,
            anon_rate_limit_per_minute=defaults["anon_rate_limit_per_minute"].default,
            cors_origins=[],
            redis_url=None,
        )
        engine = create_db_engine(settings)
        upgrade(engine)
        with Session(engine) as session:
            seed_content(session=session)
        engine.dispose()
        live = create_app(settings)
        # A database file that is a folder cannot be opened: as if the server were away.
        unreachable = create_app(
            settings.model_copy(update={"database_url": f"sqlite:///{folder}"})
        )
        empty = f"sqlite:///{Path(folder) / 'empty.db'}"
        unmigrated = create_app(settings.model_copy(update={"database_url": empty}))
        with sites_for(live, unreachable=unreachable, unmigrated=unmigrated) as sites:
            keys = prepare(sites.live)
            return {
                operation.id: provoke(sites, keys, operation)
                for operation in operations(live.openapi())
            }


def main() -> None:
    import pprint
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    target = Path(__file__).with_name(EXAMPLES_MODULE)
    target.write_text(HEADER + pprint.pformat(generate(), width=1000, sort_dicts=True) + "\n")
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    subprocess.run([ruff, "format", "--quiet", str(target)], check=True)  # noqa: S603
    print(f"wrote {target}; now run `backpain openapi export`")


if __name__ == "__main__":
    main()
