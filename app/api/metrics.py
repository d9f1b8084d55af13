"""Prometheus metrics for operators."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.errors import problem_responses
from app.metrics import exposition

router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    operation_id="metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text exposition format.",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        # Reading the workers' samples can fail (PROMETHEUS_MULTIPROC_DIR gone, say).
        **problem_responses(500),
    },
)
def metrics() -> Response:
    """Prometheus metrics: requests by route and status, latency, assessments by triage."""
    body, content_type = exposition()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
