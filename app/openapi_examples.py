"""Examples for the OpenAPI document, made by the service's own code from its seed content.

Nothing here is written by hand that the service computes: the answers to the /assess
examples come from the engine, and the catalogue examples from the seed files through the
same functions that serve them. So the examples cannot drift from the behaviour (and the
committed openapi/openapi.json changes when the behaviour does).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError

from app.db import head_revision
from app.errors import VALIDATION, Problem, field_errors, problem_type_for
from app.models import Advice, Exercise, Programme, ProgrammeItem
from app.models.assessments import Assessment, AssessmentRequest
from app.models.content import AdviceIn, ExerciseIn, ProgrammeIn
from app.rules.engine import Catalogue, assess
from app.rules.ruleset import Ruleset, load_ruleset
from app.services import advice, catalogue, exercises, programmes, vocabulary
from app.services.assessments import contract_field_errors
from app.services.seed import load_content_files

EXAMPLE_TIME = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
EXAMPLE_NAMESPACE = uuid.UUID("8b1f3c1e-2a5d-4e4a-9c0e-5a6b7c8d9e0f")
EXAMPLE_REQUEST_ID = "6f1c2a8e-3f5b-4c1d-9a7e-2b8d4e6f0a11"
EXAMPLE_CURSOR = "eyJvIjoiZXhlcmNpc2U6c2x1ZyIsImsiOlsiY2FsZi1yYWlzZXMiXX1kAHyJ95wfxTZKDAayOhmJ"

Examples = dict[str, dict[str, Any]]


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(EXAMPLE_NAMESPACE, name)


def _json(model: BaseModel) -> Any:
    return model.model_dump(mode="json")


def example(summary: str, value: Any) -> dict[str, Any]:
    return {"summary": summary, "value": value}


# --- Runner requests for /assess --------------------------------------------------------------

DESK_WORKER: dict[str, Any] = {
    "subject_id": "runner-4821",
    "age_years": 34,
    "training": {
        "weekly_distance_km": 48,
        "baseline_weekly_distance_km": 32,
        "intensity_change": "unchanged",
    },
    "sitting": {
        "hours_per_day": 9,
        "longest_bout_minutes": 150,
        "runs_straight_after_sitting": True,
    },
    "symptoms": {
        "pain_now": 3,
        "pain_worst_24h": 3,
        "onset": "gradual",
        "duration_days": 6,
        "tight_areas": ["hip_flexors", "hamstrings"],
    },
}
LOCKED_UP: dict[str, Any] = {
    "subject_id": "runner-1177",
    "age_years": 41,
    "symptoms": {
        "pain_now": 8,
        "pain_worst_24h": 9,
        "onset": "sudden",
        "duration_days": 1,
        "locked_up": True,
        "after_lifting": False,
    },
    "activities": {"weight_training": True, "high_impact_classes": False},
}
RED_FLAG: dict[str, Any] = {
    "subject_id": "runner-3090",
    "symptoms": {
        "pain_now": 6,
        "onset": "sudden",
        "duration_days": 2,
        "leg_symptoms": "below_knee",
        "red_flags": ["saddle_anaesthesia", "bladder_or_bowel_dysfunction"],
    },
}
ASSESS_REQUESTS: dict[str, tuple[str, dict[str, Any]]] = {
    "desk_worker_mileage_jump": (
        "A desk worker whose weekly distance jumped, with tight hips and hamstrings",
        DESK_WORKER,
    ),
    "acute_locked_up_back": ("A sudden, locked-up back in a runner who lifts", LOCKED_UP),
    "red_flag": ("Red flags: numbness in the saddle area, bladder problems", RED_FLAG),
}
NOT_STORED: dict[str, Any] = {**DESK_WORKER, "store": False}
INVALID: dict[str, Any] = {"symptoms": {"pain_now": 12, "red_flags": ["headache"]}}


# --- The seed catalogue as rows, without a database ----------------------------------------


@cache
def _rows() -> tuple[dict[str, Exercise], list[Advice], list[Programme], list[ProgrammeItem]]:
    files = load_content_files()
    exercise_rows = {
        item.slug: Exercise(
            id=item.uuid,
            created_at=EXAMPLE_TIME,
            updated_at=EXAMPLE_TIME,
            **catalogue.column_values(item, ExerciseIn),
        )
        for item in files.exercises
    }
    advice_rows = [
        Advice(
            id=item.uuid,
            created_at=EXAMPLE_TIME,
            updated_at=EXAMPLE_TIME,
            **catalogue.column_values(item, AdviceIn, rename={"order": "position"}),
        )
        for item in sorted(files.advice, key=lambda item: item.order)
    ]
    programme_rows = [
        Programme(
            id=item.uuid,
            created_at=EXAMPLE_TIME,
            updated_at=EXAMPLE_TIME,
            **catalogue.column_values(item, ProgrammeIn, exclude=frozenset({"items"})),
        )
        for item in files.programmes
    ]
    items = [
        ProgrammeItem(
            programme_id=programme.uuid,
            position=position,
            exercise_id=exercise_rows[step.exercise].id,
            dosage=step.dosage.model_dump(mode="json", exclude_none=True) if step.dosage else None,
            notes=step.notes,
        )
        for programme in files.programmes
        for position, step in enumerate(programme.items, start=1)
    ]
    return exercise_rows, advice_rows, programme_rows, items


def _catalogue() -> Catalogue:
    rows, _, _, _ = _rows()
    return Catalogue(exercises.catalogue_entry(row) for row in rows.values())


def _exercise(slug: str) -> Any:
    rows, _, _, _ = _rows()
    return _json(exercises.to_public(rows[slug]))


def _advice(slug: str) -> Any:
    exercise_rows, advice_rows, _, _ = _rows()
    row = next(r for r in advice_rows if r.slug == slug)
    return _json(advice.assemble([row], exercise_rows)[0])


def _programme(slug: str) -> Any:
    exercise_rows, _, programme_rows, items = _rows()
    by_id = {row.id: row for row in exercise_rows.values()}
    row = next(r for r in programme_rows if r.slug == slug)
    pairs = [(item, by_id[item.exercise_id]) for item in items if item.programme_id == row.id]
    return _json(programmes.assemble([row], pairs)[0])


def _page(items: list[Any], *, more: bool = True) -> dict[str, Any]:
    return {"items": items, "next_cursor": EXAMPLE_CURSOR if more else None}


# --- Answers from the engine -----------------------------------------------------------------


def _assessment(name: str, body: dict[str, Any], ruleset: Ruleset) -> Any:
    request = AssessmentRequest.model_validate(body)
    result = assess(request, ruleset=ruleset, catalogue=_catalogue(), explain=False).result
    if not request.store:
        return _json(result)
    stored = Assessment.model_validate(
        {
            **result.model_dump(),
            "id": _id(name),
            "created_at": EXAMPLE_TIME,
            "subject_id": request.subject_id,
        }
    )
    return _json(stored)


def problem(status: int, detail: str, *, instance: str = "/assess", **extra: Any) -> Any:
    kind = problem_type_for(status)
    return _json(
        Problem(
            type=kind.uri,
            title=kind.title,
            status=status,
            detail=detail,
            instance=instance,
            request_id=EXAMPLE_REQUEST_ID,
            **extra,
        )
    )


def _invalid_problem(body: dict[str, Any], instance: str) -> Any:
    try:
        parsed = AssessmentRequest.model_validate(body)
    except ValidationError as error:
        errors = field_errors(error.errors(include_url=False))
    else:
        errors = contract_field_errors(parsed)
    names = ", ".join(dict.fromkeys(e.field for e in errors))
    return problem(
        VALIDATION.status,
        f"The request has invalid fields: {names}.",
        instance=instance,
        errors=[e.model_dump() for e in errors],
    )


# --- Per operation -------------------------------------------------------------------------


@cache
def request_examples() -> dict[str, Examples]:
    """Request body examples by operation id."""
    files = load_content_files()
    bird_dog = next(e for e in files.exercises if e.slug == "bird-dog")
    new_exercise = {
        **bird_dog.model_dump(mode="json", exclude={"uuid"}),
        "slug": "bird-dog-with-band",
        "name": "Bird dog with a resistance band",
        "equipment": ["resistance_band"],
        "difficulty": "intermediate",
    }
    topic = files.advice[0].model_dump(mode="json", exclude={"uuid"})
    plan = files.programmes[0].model_dump(mode="json", exclude={"uuid", "items"})
    plan["items"] = [
        {"exercise": "pelvic-tilts"},
        {"exercise": "knee-to-chest-stretch", "notes": "Gently, within comfort."},
    ]
    return {
        "assess": {
            name: example(summary, body) for name, (summary, body) in ASSESS_REQUESTS.items()
        }
        | {"not_stored": example("Not stored (store: false): no id, answered 200", NOT_STORED)},
        "assess_batch": {
            "nightly": example(
                "Three runners: one stored, one not stored, one invalid",
                {"items": [DESK_WORKER, {**LOCKED_UP, "store": False}, INVALID]},
            )
        },
        "create_exercise": {"new": example("A new exercise", new_exercise)},
        "replace_exercise": {"replace": example("The whole exercise, changed", new_exercise)},
        "update_exercise": {
            "difficulty": example("Change one field", {"difficulty": "intermediate"})
        },
        "create_advice": {"new": example("A new advice topic", {**topic, "slug": "new-topic"})},
        "replace_advice": {"replace": example("The whole topic, changed", topic)},
        "update_advice": {"summary": example("Change one field", {"summary": topic["summary"]})},
        "create_programme": {"new": example("A new programme", {**plan, "slug": "new-plan"})},
        "replace_programme": {"replace": example("The whole programme, changed", plan)},
        "update_programme": {
            "weeks": example("Change one field", {"duration_weeks": plan["duration_weeks"]})
        },
        "create_client": {
            "app": example(
                "A running app that assesses", {"name": "acme-running", "scopes": ["assess"]}
            )
        },
    }


@cache
def response_examples() -> dict[str, dict[int, Examples]]:
    """Successful response examples by operation id and status code."""
    ruleset = load_ruleset()
    files = load_content_files()
    answers = {
        name: _assessment(name, body, ruleset) for name, (_, body) in ASSESS_REQUESTS.items()
    }
    explained = assess(
        AssessmentRequest.model_validate(LOCKED_UP), ruleset=ruleset, catalogue=_catalogue()
    ).explanation
    exercise_slugs = sorted(e.slug for e in files.exercises)
    client = {
        "id": str(_id("client")),
        "name": "acme-running",
        "scopes": ["assess"],
        "key_prefix": "bp_8Jq0c2x",
        "created_at": EXAMPLE_TIME.isoformat().replace("+00:00", "Z"),
        "revoked_at": None,
        "revoked": False,
    }
    exercise = _exercise("bird-dog")
    tombstone = {
        "id": str(_id("retired")),
        "slug": "retired-exercise",
        "deleted": True,
        "updated_at": "2026-11-21T08:00:00Z",
        "deleted_at": "2026-11-21T08:00:00Z",
    }
    return {
        "assess": {
            201: {
                name: example(summary, answers[name])
                for name, (summary, _) in ASSESS_REQUESTS.items()
            },
            200: {"not_stored": example("Not stored", _assessment("x", NOT_STORED, ruleset))},
        },
        "assess_batch": {
            200: {
                "nightly": example(
                    "In the order of the items",
                    {
                        "results": [
                            {
                                "index": 0,
                                "status": 201,
                                "assessment": answers["desk_worker_mileage_jump"],
                            },
                            {
                                "index": 1,
                                "status": 200,
                                "assessment": _assessment(
                                    "y", {**LOCKED_UP, "store": False}, ruleset
                                ),
                            },
                            {
                                "index": 2,
                                "status": 422,
                                "problem": _invalid_problem(INVALID, "/assess/batch#/items/2"),
                            },
                        ],
                        "stored": 1,
                        "invalid": 1,
                    },
                )
            }
        },
        "list_assessments": {
            200: {
                "history": example(
                    "A subject's history, newest first",
                    _page([answers["desk_worker_mileage_jump"]], more=False),
                )
            }
        },
        "get_assessment": {
            200: {"stored": example("A stored assessment", answers["acute_locked_up_back"])}
        },
        "explain_assessment": {
            200: {
                "acute": example(
                    "Every rule, fired or not",
                    {
                        "assessment_id": str(_id("acute_locked_up_back")),
                        "explanation": _json(explained),
                    },
                )
            }
        },
        "erase_subject": {
            200: {
                "erased": example("Erased", {"subject_id": "runner-4821", "assessments_deleted": 3})
            }
        },
        "list_exercises": {
            200: {
                "browse": example(
                    "Browsing: live exercises by slug",
                    _page([_exercise(slug) for slug in exercise_slugs[:2]]),
                ),
                "sync": example(
                    "Sync (updated_since): changes oldest first, deletions as tombstones",
                    _page([tombstone, exercise], more=False),
                ),
            }
        },
        "get_exercise": {200: {"bird_dog": example("An exercise", exercise)}},
        "create_exercise": {201: {"created": example("Created", exercise)}},
        "replace_exercise": {200: {"replaced": example("Replaced", exercise)}},
        "update_exercise": {200: {"updated": example("Updated", exercise)}},
        "list_advice": {
            200: {
                "topics": example("Topics in display order", _page([_advice(files.advice[0].slug)]))
            }
        },
        "get_advice": {200: {"topic": example("A topic", _advice("sudden-locked-up-back"))}},
        "create_advice": {201: {"created": example("Created", _advice(files.advice[0].slug))}},
        "replace_advice": {200: {"replaced": example("Replaced", _advice(files.advice[0].slug))}},
        "update_advice": {200: {"updated": example("Updated", _advice(files.advice[0].slug))}},
        "list_programmes": {
            200: {
                "programmes": example(
                    "Programmes with their exercises inline",
                    _page([_programme("acute-episode-first-days")]),
                )
            }
        },
        "get_programme": {
            200: {"programme": example("A programme", _programme("runner-strength"))}
        },
        "create_programme": {201: {"created": example("Created", _programme("runner-strength"))}},
        "replace_programme": {
            200: {"replaced": example("Replaced", _programme("runner-strength"))}
        },
        "update_programme": {200: {"updated": example("Updated", _programme("runner-strength"))}},
        "list_red_flags": {
            200: {
                "red_flags": example(
                    "Emergency flags first",
                    _page(
                        [
                            _json(vocabulary.get_red_flag(ruleset=ruleset, code=code))
                            for code in list(ruleset.red_flags)[:2]
                        ]
                    ),
                )
            }
        },
        "get_red_flag": {
            200: {
                "saddle": example(
                    "A red flag",
                    _json(vocabulary.get_red_flag(ruleset=ruleset, code="saddle_anaesthesia")),
                )
            }
        },
        "list_risk_factors": {
            200: {
                "risk_factors": example(
                    "In the contract's order",
                    _page(
                        [
                            _json(
                                vocabulary.get_risk_factor(
                                    ruleset=ruleset, code="training_volume_spike"
                                )
                            )
                        ]
                    ),
                )
            }
        },
        "get_risk_factor": {
            200: {
                "spike": example(
                    "A risk factor",
                    _json(vocabulary.get_risk_factor(ruleset=ruleset, code="sit_then_run")),
                )
            }
        },
        "create_client": {
            201: {
                "created": example(
                    "The key is shown this once",
                    {**client, "api_key": "bp_8Jq0c2xWm4N0vYp2v1sQeT5uR7kL9dF3hG6jA8zB1cE"},
                )
            }
        },
        "list_clients": {
            200: {"clients": example("Every client", {"items": [client], "next_cursor": None})}
        },
        "get_client": {200: {"client": example("A client", client)}},
        "revoke_client": {
            200: {
                "revoked": example(
                    "Revoked", {**client, "revoked": True, "revoked_at": "2026-11-22T10:00:00Z"}
                )
            }
        },
        "list_audit": {
            200: {
                "changes": example(
                    "Newest first",
                    _page(
                        [
                            {
                                "id": str(_id("audit")),
                                "created_at": "2026-11-22T10:00:00Z",
                                "actor": "content-team",
                                "client_id": str(_id("content-team")),
                                "action": "update",
                                "resource": "exercise",
                                "item_id": exercise["id"],
                                "item": "bird-dog",
                                "before": {"difficulty": "beginner"},
                                "after": {"difficulty": "intermediate"},
                            }
                        ]
                    ),
                )
            }
        },
        "healthz": {200: {"ok": example("Alive", {"status": "ok"})}},
        "readyz": {
            200: {
                "ready": example(
                    "Ready",
                    {
                        "status": "ready",
                        "database": "ok",
                        "migrations": {"current": head_revision(), "head": head_revision()},
                    },
                )
            }
        },
        "metrics": {
            200: {
                "text": example(
                    "Prometheus text format (excerpt)",
                    'backpain_assessments_total{triage_level="see_physio"} 12.0\n',
                )
            }
        },
    }
