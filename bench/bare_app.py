"""The baseline for bench/assess_throughput.py: a bare FastAPI endpoint that only validates
the same request body as POST /assess and echoes it back through a response model."""

from __future__ import annotations

from fastapi import FastAPI

from app.models.assessments import AssessmentRequest

app = FastAPI()


@app.post("/assess")
def assess(body: AssessmentRequest) -> AssessmentRequest:
    return body
