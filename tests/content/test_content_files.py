"""The seed content: enough of it, covering what the rules link to, safe for a sore back."""

from __future__ import annotations

from collections import Counter

import pytest

from app.content.loader import bibliography
from app.models.content import (
    ACUTE_CATEGORIES,
    ACUTE_DIFFICULTY,
    ACUTE_EQUIPMENT,
    FOAM_ROLL_NEVER_TARGETS,
    back_safety_problems,
)
from app.services.seed import load_content_files
from app.vocabulary import Category, TightArea

FILES = load_content_files()
EXERCISES = FILES.exercises
SIX_AREAS = [area.value for area in TightArea]


def test_there_are_at_least_24_exercises_and_every_category_has_some() -> None:
    assert len(EXERCISES) >= 24
    counts = Counter(item.category for item in EXERCISES)
    assert set(counts) == set(Category)


@pytest.mark.parametrize("area", SIX_AREAS)
def test_each_of_the_six_areas_is_covered_by_several_exercises(area: str) -> None:
    targeting = [item for item in EXERCISES if area in item.target_areas]
    assert len(targeting) >= 3
    soothing = [i for i in targeting if i.category in (Category.stretch, Category.foam_roll)]
    assert len(soothing) >= 3, "the rules link stretches and foam rolling per tight area"


# The rules are the write model's own (app.models.content): the files are checked against
# the same definitions that refuse an unsafe exercise sent through the API.


def test_acute_phase_exercises_are_gentle() -> None:
    acute = [item for item in EXERCISES if "acute" in item.phases]
    assert len(acute) >= 5
    for item in acute:
        assert item.category in ACUTE_CATEGORIES, item.slug
        assert item.difficulty == ACUTE_DIFFICULTY, item.slug
        assert tuple(item.equipment) == ACUTE_EQUIPMENT, item.slug


def test_foam_rolling_targets_muscles_not_the_lower_spine() -> None:
    rolling = [item for item in EXERCISES if item.category == Category.foam_roll]
    assert rolling
    for item in rolling:
        assert FOAM_ROLL_NEVER_TARGETS not in item.target_areas, item.slug
        assert any("spine" in caution.lower() for caution in item.cautions), item.slug


def test_every_exercise_passes_the_back_safety_rules() -> None:
    assert [(item.slug, back_safety_problems(item)) for item in EXERCISES] == [
        (item.slug, []) for item in EXERCISES
    ]


def test_every_exercise_has_dosage_steps_and_when_to_stop() -> None:
    for item in EXERCISES:
        assert len(item.steps) >= 3, item.slug
        assert item.cautions, item.slug
        assert item.dosage.frequency, item.slug


def test_every_exercise_says_who_should_not_do_it() -> None:
    missing = [item.slug for item in EXERCISES if not item.contraindications]
    assert missing == []


def test_no_exercise_repeats_a_contraindication() -> None:
    for item in EXERCISES:
        assert len(set(item.contraindications)) == len(item.contraindications), item.slug


def test_no_equipment_is_an_explicit_option() -> None:
    assert sum(item.equipment == ["none"] for item in EXERCISES) >= 10


def test_the_articles_sections_are_advice_topics() -> None:
    slugs = {item.slug for item in FILES.advice}
    assert {
        "why-runners-get-back-pain",
        "common-causes",
        "what-to-do-first",
        "sudden-locked-up-back",
        "long-term-prevention",
        "sitting-at-a-desk",
        "when-to-seek-urgent-care",
    } <= slugs
    assert all(len(item.body.split()) >= 120 for item in FILES.advice)


def test_programmes_cover_the_four_purposes() -> None:
    slugs = {item.slug for item in FILES.programmes}
    assert {
        "acute-episode-first-days",
        "desk-movement-breaks",
        "core-and-posture",
        "runner-strength",
    } <= slugs
    for programme in FILES.programmes:
        assert programme.audience
        assert programme.stop_when
        assert 3 <= len(programme.items) <= 8


def test_every_item_cites_known_sources_and_carries_a_licence() -> None:
    known = set(bibliography())
    for item in [*EXERCISES, *FILES.advice, *FILES.programmes]:
        assert item.sources
        assert set(item.sources) <= known
        assert item.licence == "CC-BY-4.0"
        assert item.attribution


def test_the_article_is_cited_throughout() -> None:
    cited = Counter(key for item in EXERCISES for key in item.sources)
    assert cited["mlh-physio-runners-lbp"] >= len(EXERCISES) // 2
