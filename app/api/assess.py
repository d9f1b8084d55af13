"""POST /assess and POST /assess/batch: the assessment engine, for running-app backends."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, ClassVar

import fastapi.routing
from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect
from starlette.types import Message

from app.api.deps import (
    PRIVATE_CACHE_CONTROL,
    AssessClient,
    GroupSessionDep,
    RulesetDep,
    assess_scope,
    current_client,
    get_group_session,
    get_ruleset,
    group_session,
    json_response,
)
from app.errors import (
    VALIDATION,
    FieldError,
    Problem,
    field_errors,
    merge_errors,
    problem_responses,
)
from app.middleware import media_type, request_header
from app.models.assessments import Assessment, AssessmentRequest
from app.models.clients import Principal
from app.rules.outputs import AssessmentResult
from app.rules.ruleset import Ruleset
from app.services import assessments
from app.services.assessment_queue import AssessmentQueue

router = APIRouter(tags=["assessment"])

MAX_BATCH_ITEMS = 500
# A batch is many requests: it may be bigger than the 64 KiB allowed for other bodies.
BATCH_MAX_BODY_BYTES = 1024 * 1024


# What the fast paths run in place of FastAPI's dependency solving. /assess: the routers'
# `RateLimited` (current_client) and the route's AssessClient (assess_scope, which calls
# current_client itself; it answers once a request). /assess/batch: those, the group
# session (group_session) and the ruleset (read from the app's state).
FAST_PATH_DEPENDENCIES = frozenset({current_client, assess_scope})
BATCH_FAST_PATH_DEPENDENCIES = FAST_PATH_DEPENDENCIES | {get_group_session, get_ruleset}


class _FastPathRoute(APIRoute):
    """A route with a fast path (FastAssessRoute, FastBatchRoute): a request that may take
    it (_may_take_fast_path) has its body read, and `answer_fast` answers it or, with None,
    hands it to FastAPI's own path, which reads the same body again (`replaying`). Only if
    every dependency the route declares (with its routers') is one in `known`, which the
    fast path runs itself; otherwise every request takes FastAPI's path."""

    known: ClassVar[frozenset[Callable[..., Any]]]

    async def answer_fast(self, request: Request, raw: bytes) -> Response | None:
        """The answer to a request whose body is `raw`, or None for FastAPI's path to
        answer it. Each route with a fast path says how."""
        raise NotImplementedError

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        standard = super().get_route_handler()
        if not _runs_only_known_dependencies(self, self.known):
            return standard

        async def handler(request: Request) -> Response:
            if not _may_take_fast_path(request):
                return await standard(request)
            raw = await whole_body(request)
            answered = await self.answer_fast(request, raw)
            if answered is None:
                return await standard(replaying(request, raw))
            return answered

        return handler


class FastAssessRoute(_FastPathRoute):
    """POST /assess, the hottest route, with a fast path for the common request.

    A request with no query string, sent as `application/json`, whose body parses and
    passes the schema is answered here: the same model validates it as on FastAPI's path
    (which reads the body with `json.loads`, then validates the Python values), the same
    dependency checks the caller's key, scope and rate limit, and the same endpoint code
    (`answer`) runs, without the generic dependency machinery around them, which costs
    more than the parsing itself. The body is read by pydantic's own JSON parser, in a
    third less time than `json.loads` and the model: it takes no JSON that `json.loads`
    would refuse, and what it alone refuses (a byte-order mark, UTF-16) goes to FastAPI's
    path (test_the_json_parser_accepts_only_what_fastapis_way_accepts_alike). Every
    other request (bad JSON, a field that fails the schema, another media type,
    `?explain=`) takes FastAPI's own path, so its errors are FastAPI's, word for word. The
    OpenAPI document comes from the endpoint as declared, as for any route.

    The fast path runs only the dependencies it knows (`FAST_PATH_DEPENDENCIES`): if the
    route, or the router that includes it, declares any other, or the app overrides any
    dependency, every request takes FastAPI's path, so that nothing is ever skipped.
    """

    known = FAST_PATH_DEPENDENCIES

    async def answer_fast(self, request: Request, raw: bytes) -> Response | None:
        try:
            body = AssessmentRequest.model_validate_json(raw)
        # Whatever stops parsing or validation here (a ValueError, or a RecursionError for
        # deeply nested JSON), FastAPI's path answers it.
        except Exception:
            return None
        return await answer(body, await assess_scope(request), request)


def _may_take_fast_path(request: Request) -> bool:
    """Whether a request may be answered on a fast path (FastAssessRoute, FastBatchRoute):
    no query string, a body sent as `application/json`, and no dependency overridden."""
    return (
        not request.scope["query_string"]
        and media_type(request_header(request.scope, b"content-type") or "") == "application/json"
        and not request.app.dependency_overrides
    )


async def whole_body(request: Request) -> bytes:
    """The request's body, as `request.body()` reads it, without Starlette's stream (an
    async generator closed by a context manager, several times the cost of the one message
    that RequestBodyMiddleware hands on). Read from the connection: for FastAPI's path to
    read it too, pass it `replaying(request, body)`."""
    chunks: list[bytes] = []
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def replaying(request: Request, body: bytes) -> Request:
    """The request, on the same connection and scope, with `body` (read from it already)
    as its body again: the whole of it in the first message, and then what the connection
    sends (a disconnect)."""
    given = False

    async def receive() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await request.receive()

    return Request(request.scope, receive)


def _runs_only_known_dependencies(route: APIRoute, known: frozenset[Callable[..., Any]]) -> bool:
    """Whether every dependency FastAPI would solve for `route` is one its fast path runs
    (`known`).

    Read from the route as included (with its routers' dependencies), which FastAPI hands
    to `get_route_handler` the way it reads it itself; without it, no fast path."""
    context = getattr(fastapi.routing, "_effective_route_context_var", None)
    effective = context.get() if context is not None else None
    if effective is None or effective.original_route is not route:
        return False
    pending = list(effective.dependant.dependencies)
    while pending:
        dependency = pending.pop()
        if dependency.call not in known:
            return False
        pending += dependency.dependencies
    return True


async def assess(
    body: AssessmentRequest,
    client: AssessClient,
    request: Request,
    explain: Annotated[
        bool, Query(description="Add `explanation`: every rule evaluated, fired or not.")
    ] = False,
) -> Response:
    """Assess a runner: risk factors, triage, running advice and ordered actions.

    Red flags are screened first and nothing outranks them. Stored unless `store` is false
    (then 200 and no id). Bad input is a 422 problem naming every offending field, and
    nothing is stored.
    """
    return await answer(body, client, request, explain=explain)


router.add_api_route(
    "/assess",
    assess,
    methods=["POST"],
    operation_id="assess",
    status_code=201,
    # Two documented answers (201 stored, 200 not stored): each has its own model below.
    response_model=None,
    responses={
        200: {
            "model": AssessmentResult,
            "description": "Assessed and not stored (`store: false`): no id.",
        },
        201: {
            "model": Assessment,
            "description": "Assessed and stored; `Location` names the stored assessment.",
            "headers": {
                "Location": {
                    "description": "/assessments/{id}",
                    "schema": {"type": "string"},
                }
            },
        },
        **problem_responses(403, 413, 415, 422),
    },
    route_class_override=FastAssessRoute,
)


async def answer(
    body: AssessmentRequest, client: Principal, request: Request, *, explain: bool = False
) -> Response:
    """The endpoint's work, for both of FastAssessRoute's paths."""
    # The queue and the ruleset come from the app's state, not as dependencies.
    state = request.app.state
    queue: AssessmentQueue = state.assessment_queue
    assessments.check_request(body)
    job = assessments.Job(client=client, request=body, explain=explain)
    outcome = assessments.try_without_database(job, ruleset=state.ruleset) or await queue.run(job)
    headers = {"Cache-Control": PRIVATE_CACHE_CONTROL}
    status_code = 200
    if outcome.stored is not None:
        status_code = 201
        headers["Location"] = f"/assessments/{outcome.stored.id}"
    if not explain:
        return json_response(outcome.json, status_code=status_code, headers=headers)
    explained = outcome.assessment or outcome.result
    explained_json = explained.model_copy(
        update={"explanation": outcome.explanation}
    ).model_dump_json()
    return json_response(explained_json, status_code=status_code, headers=headers)


class BatchRequest(BaseModel):
    """Up to 500 assessment requests; each is validated and answered on its own."""

    # As for /assess: a misplaced field (say `store` beside `items` instead of in each item)
    # is refused, never silently ignored.
    model_config = ConfigDict(extra="forbid")

    # Any JSON value: each item is validated on its own, so that one bad item (even one
    # that is not an object) is answered with its own problem and does not stop the rest.
    items: list[Any] = Field(
        min_length=1,
        max_length=MAX_BATCH_ITEMS,
        description="Each item is an AssessmentRequest.",
        json_schema_extra={"items": {"$ref": "#/components/schemas/AssessmentRequest"}},
    )


class BatchItem(BaseModel):
    """The answer to one item: an assessment (201 stored, 200 not stored) or a problem."""

    index: int = Field(ge=0, description="Position of the item in the request.")
    status: int = Field(examples=[201], description="201 stored, 200 not stored, 422 invalid.")
    assessment: Assessment | AssessmentResult | None = Field(
        default=None, exclude_if=lambda value: value is None
    )
    problem: Problem | None = Field(default=None, exclude_if=lambda value: value is None)


class BatchResponse(BaseModel):
    results: list[BatchItem] = Field(description="In the order of the request's items.")
    stored: int = Field(description="How many items were stored.")
    invalid: int = Field(description="How many items were refused (status 422).")


class _ValidBatch(BaseModel):
    """A BatchRequest whose every item passes the schema: what FastBatchRoute's fast path
    reads a body as (its items validated straight from the JSON). Not in the document."""

    model_config = ConfigDict(extra="forbid")

    items: list[AssessmentRequest] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class FastBatchRoute(_FastPathRoute):
    """POST /assess/batch, with a fast path for a batch whose items are all valid (nightly
    scoring sends such batches).

    FastAPI's path parses the body with `json.loads` into Python values and validates the
    envelope, then each item is validated on its own, so that one bad item gets a problem
    of its own. When the body is plain JSON (see FastAssessRoute, which does the same for
    /assess), the fast path reads it straight from JSON into validated requests with
    pydantic's parser, in one pass and without the Python values in between; if the whole
    batch passes the schema and every item the contract's other rules, it runs the same
    dependencies (the caller's key, scope and limit; a group session) and the same
    endpoint code (`answer_batch`) in the thread pool, as FastAPI does for a `def`
    endpoint (the reading too is done there, off the event loop). Anything else (bad
    JSON, an invalid item, a query string) takes FastAPI's path, so its answers are the
    same, word for word, as before this path existed. The fast path runs only if the
    route's dependencies are all ones it knows."""

    known = BATCH_FAST_PATH_DEPENDENCIES

    async def answer_fast(self, request: Request, raw: bytes) -> Response | None:
        # In the thread pool, as FastAPI's path validates the items: a batch takes
        # milliseconds to read, which the event loop spends on other requests.
        items = await run_in_threadpool(_valid_items, raw)
        if items is None:
            return None
        client = await assess_scope(request)
        async with group_session(request) as session:
            return await run_in_threadpool(
                answer_batch,
                len(items),
                list(enumerate(items)),
                {},
                session=session,
                client=client,
                ruleset=await get_ruleset(request),
            )


def _valid_items(raw: bytes) -> list[AssessmentRequest] | None:
    """A batch's items, read from its JSON body, if every one is valid (the schema and the
    contract's other rules); None if any is not, or the body is not such a batch."""
    try:
        items = _ValidBatch.model_validate_json(raw).items
    # As on /assess: whatever stops it here, FastAPI's path answers.
    except Exception:
        return None
    if any(assessments.contract_field_errors(item) for item in items):
        return None
    return items


def assess_batch(
    body: BatchRequest,
    request: Request,
    client: AssessClient,
    session: GroupSessionDep,
    ruleset: RulesetDep,
) -> Response:
    """Assess up to 500 runners in one call (e.g. nightly scoring).

    Answers come back in the same order, each its own assessment or problem; an invalid
    item does not stop the others. Valid items are stored together, in one transaction.
    """
    valid: list[tuple[int, AssessmentRequest]] = []
    problems: dict[int, BatchItem] = {}
    for index, item in enumerate(body.items):
        errors: list[FieldError]
        try:
            parsed = AssessmentRequest.model_validate(item)
        except ValidationError as error:
            errors = merge_errors(
                field_errors(error.errors(include_url=False)),
                assessments.contract_field_errors(item),
            )
        else:
            errors = assessments.contract_field_errors(parsed)
            if not errors:
                valid.append((index, parsed))
                continue
        problems[index] = BatchItem(
            index=index,
            status=422,
            problem=Problem(
                type=VALIDATION.uri,
                title=VALIDATION.title,
                status=422,
                detail="Item has invalid fields: "
                + ", ".join(dict.fromkeys(e.field for e in errors))
                + ".",
                instance=f"{request.url.path}#/items/{index}",
                request_id=request.state.request_id,
                errors=errors,
            ),
        )
    return answer_batch(
        len(body.items), valid, problems, session=session, client=client, ruleset=ruleset
    )


router.add_api_route(
    "/assess/batch",
    assess_batch,
    methods=["POST"],
    operation_id="assess_batch",
    response_model=BatchResponse,
    responses=problem_responses(403, 413, 415, 422),
    route_class_override=FastBatchRoute,
)


def answer_batch(
    count: int,
    valid: list[tuple[int, AssessmentRequest]],
    problems: dict[int, BatchItem],
    *,
    session: Session,
    client: Principal,
    ruleset: Ruleset,
) -> Response:
    """The batch endpoint's work, for both of FastBatchRoute's paths: a batch of `count`
    items, of which `valid` (with their indexes) are assessed and stored as one group, and
    the others have their problem (`problems`, by index)."""
    outcomes = assessments.run_batch(
        session=session, client=client, requests=[r for _, r in valid], ruleset=ruleset
    )
    # A BatchResponse, written around the answers' JSON (see Outcome.json_parts), each
    # copied once, into the body: the same bytes as the model's model_dump_json(), for a
    # fraction of the time.
    parts: dict[int, tuple[bytes | memoryview, ...]] = {
        index: (
            b'{"index":%d,"status":%d,"assessment":' % (index, _status(outcome)),
            *outcome.json_parts(),
            b"}",
        )
        for (index, _), outcome in zip(valid, outcomes, strict=True)
    }
    parts.update((index, (item.model_dump_json().encode(),)) for index, item in problems.items())
    stored = sum(1 for outcome in outcomes if outcome.stored is not None)
    body_parts: list[bytes | memoryview] = [b'{"results":[']
    for index in range(count):
        if index:
            body_parts.append(b",")
        body_parts += parts[index]
    body_parts.append(b'],"stored":%d,"invalid":%d}' % (stored, len(problems)))
    return json_response(
        b"".join(body_parts), status_code=200, headers={"Cache-Control": PRIVATE_CACHE_CONTROL}
    )


def _status(outcome: assessments.Outcome) -> int:
    return 201 if outcome.stored is not None else 200
