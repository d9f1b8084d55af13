"""The baseline for bench/assess_throughput.py: a bare FastAPI endpoint that only validates
the same request body as POST /assess and echoes it back through a response model.

`app` is a plain `def` endpoint (FastAPI runs it in its thread pool: the default style of
the FastAPI template); `async_app` is the same as `async def` (no thread hop)."""

from __future__ import annotations

from fastapi import FastAPI

from app.models.assessments import AssessmentRequest

app = FastAPI()
async_app = FastAPI()


@app.post("/assess")
def assess(body: AssessmentRequest) -> AssessmentRequest:
    return body


@async_app.post("/assess")
async def assess_async(body: AssessmentRequest) -> AssessmentRequest:
    return body
