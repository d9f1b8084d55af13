"""POST /assess and POST /assess/batch: the assessment engine, for running-app backends."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from app.api.deps import (
    AssessClient,
    PrivateCache,
    RulesetDep,
    SessionDep,
    SessionFactoryDep,
    model_response,
)
from app.errors import (
    VALIDATION,
    FieldError,
    Problem,
    field_errors,
    merge_errors,
    problem_responses,
)
from app.models.assessments import Assessment, AssessmentRequest
from app.rules.inputs import contract_errors
from app.rules.outputs import AssessmentResult
from app.services import assessments

router = APIRouter(tags=["assessment"], dependencies=[PrivateCache])

MAX_BATCH_ITEMS = 500
# A batch is many requests: it may be bigger than the 64 KiB allowed for other bodies.
BATCH_MAX_BODY_BYTES = 1024 * 1024


@router.post(
    "/assess",
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
)
async def assess(
    body: AssessmentRequest,
    client: AssessClient,
    sessions: SessionFactoryDep,
    ruleset: RulesetDep,
    response: Response,
    explain: Annotated[
        bool, Query(description="Add `explanation`: every rule evaluated, fired or not.")
    ] = False,
) -> Response:
    """Assess a runner: risk factors, triage, running advice and ordered actions.

    Red flags are screened first and nothing outranks them. Stored unless `store` is false
    (then 200 and no id). Bad input is a 422 problem naming every offending field, and
    nothing is stored.
    """

    def work() -> assessments.Outcome:  # all database work in one thread
        with sessions() as session:
            return assessments.run_one(
                session=session, client=client, request=body, ruleset=ruleset, explain=explain
            )

    assessments.check_request(body)
    outcome = assessments.try_without_database(request=body, ruleset=ruleset, explain=explain)
    if outcome is None:
        outcome = await run_in_threadpool(work)
    extra = {"explanation": outcome.explanation} if explain else {}
    if outcome.assessment is None:
        return model_response(
            outcome.result.model_copy(update=extra), status_code=200, temporal=response
        )
    response.headers["Location"] = f"/assessments/{outcome.assessment.id}"
    return model_response(
        outcome.assessment.model_copy(update=extra), status_code=201, temporal=response
    )


def contract_field_errors(body: Any) -> list[FieldError]:
    """The contract's rules beyond the schema, for a request body or a batch item."""
    return [FieldError(field=f, detail=d) for f, d in contract_errors(body)]


class BatchRequest(BaseModel):
    """Up to 500 assessment requests; each is validated and answered on its own."""

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


@router.post(
    "/assess/batch",
    operation_id="assess_batch",
    response_model=BatchResponse,
    responses=problem_responses(403, 413, 415, 422),
)
def assess_batch(
    body: BatchRequest,
    request: Request,
    client: AssessClient,
    session: SessionDep,
    ruleset: RulesetDep,
    response: Response,
) -> Response:
    """Assess up to 500 runners in one call (e.g. nightly scoring).

    Answers come back in the same order, each its own assessment or problem; an invalid
    item does not stop the others. Valid items are stored together, in one transaction.
    """
    valid: list[tuple[int, AssessmentRequest]] = []
    results: dict[int, BatchItem] = {}
    for index, item in enumerate(body.items):
        errors: list[FieldError]
        try:
            parsed = AssessmentRequest.model_validate(item)
        except ValidationError as error:
            errors = merge_errors(
                field_errors(error.errors(include_url=False)), contract_field_errors(item)
            )
        else:
            errors = contract_field_errors(parsed)
            if not errors:
                valid.append((index, parsed))
                continue
        results[index] = BatchItem(
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
    outcomes = assessments.run_batch(
        session=session, client=client, requests=[r for _, r in valid], ruleset=ruleset
    )
    for (index, _), outcome in zip(valid, outcomes, strict=True):
        stored = outcome.assessment
        results[index] = BatchItem(
            index=index,
            status=201 if stored else 200,
            assessment=stored or outcome.result,
        )
    ordered = [results[index] for index in range(len(body.items))]
    answer = BatchResponse(
        results=ordered,
        stored=sum(1 for item in ordered if item.status == 201),
        invalid=sum(1 for item in ordered if item.status == 422),
    )
    return model_response(answer, status_code=200, temporal=response)
