"""Sample answers: what the engine answers, under a ruleset, to a fixed set of made-up
requests that between them reach every rule, level and variant. Stored answers are
compressed with a dictionary trained on these (app.services.stored_answers).

The same ruleset always gives the same samples: the requests come from a seeded generator,
the engine is deterministic, and no exercise is linked (the catalogue changes; a sample
depends on the ruleset and this code only). Pure, like the engine.
"""

from __future__ import annotations

import random
from typing import Any

from app.rules.codes import IntensityChange, LegSymptoms, Onset, RedFlagCode
from app.rules.engine import Catalogue, assess
from app.rules.inputs import MINIMUM_AGE_YEARS, AssessmentInput, contract_errors
from app.rules.ruleset import Ruleset
from app.vocabulary import TightArea

SAMPLE_COUNT = 600
SEED = 20261205


def sample_request(rng: random.Random) -> dict[str, Any]:
    """One made-up request (valid), each section there or not, values over their ranges."""
    body: dict[str, Any] = {}
    if rng.random() < 0.8:
        body["age_years"] = rng.randint(MINIMUM_AGE_YEARS, 80)
    if rng.random() < 0.85:
        body["training"] = {
            "weekly_distance_km": rng.choice(
                [0, rng.randint(5, 120), round(rng.uniform(5, 80), 1)]
            ),
            "baseline_weekly_distance_km": rng.choice([0, rng.randint(5, 100)]),
            "intensity_change": rng.choice(list(IntensityChange)).value,
            "added_speed_sessions": rng.random() < 0.4,
            "new_training_type": rng.random() < 0.2,
        }
        if rng.random() < 0.7:
            body["training"]["running_experience_months"] = rng.randint(0, 240)
    if rng.random() < 0.75:
        body["sitting"] = {
            "hours_per_day": rng.choice([rng.randint(0, 14), round(rng.uniform(0, 14), 1)]),
            "runs_straight_after_sitting": rng.random() < 0.4,
        }
        if rng.random() < 0.8:
            body["sitting"]["longest_bout_minutes"] = rng.randint(10, 300)
    if rng.random() < 0.9 or not body:
        pain = rng.choice([0, rng.randint(0, 10)])
        body["symptoms"] = {
            "pain_now": pain,
            "pain_worst_24h": min(10, pain + rng.randint(0, 3)),
            "onset": rng.choice(list(Onset)).value,
            "duration_days": rng.choice([rng.randint(0, 14), rng.randint(15, 200)]),
            "locked_up": rng.random() < 0.15,
            "recurrent": rng.random() < 0.25,
            "after_lifting": rng.random() < 0.2,
            "leg_symptoms": rng.choice(list(LegSymptoms)).value,
            "tight_areas": rng.sample([a.value for a in TightArea], rng.randint(0, 4)),
            "red_flags": (
                rng.sample([f.value for f in RedFlagCode], rng.randint(1, 2))
                if rng.random() < 0.1
                else []
            ),
        }
    if rng.random() < 0.6:
        body["activities"] = {
            "weight_training": rng.random() < 0.4,
            "high_impact_classes": rng.random() < 0.3,
        }
    return body


def sample_requests(count: int = SAMPLE_COUNT, seed: int = SEED) -> list[AssessmentInput]:
    """`count` made-up requests, the same every time for the same seed."""
    rng = random.Random(seed)  # noqa: S311 (the same samples every time, not a secret)
    requests: list[AssessmentInput] = []
    while len(requests) < count:
        request = AssessmentInput.model_validate(sample_request(rng))
        if not contract_errors(request):
            requests.append(request)
    return requests


def sample_answers(ruleset: Ruleset) -> list[bytes]:
    """The engine's answers (their JSON) to the sample requests under `ruleset`, with no
    exercises to link, each with an earlier history of 0 to 3 painful assessments."""
    catalogue = Catalogue(())
    return [
        assess(
            request,
            ruleset=ruleset,
            catalogue=catalogue,
            earlier_painful_assessments=index % 4,
            explain=False,
        ).json
        for index, request in enumerate(sample_requests())
    ]
