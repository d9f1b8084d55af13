"""The seed content: enough of it, covering what the rules link to, safe for a sore back."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from app.content.loader import bibliography, read_table_array
from app.models.content import back_safety_problems
from app.services.seed import ContentFiles, load_content_files
from app.vocabulary import Category, Phase, TightArea

SIX_AREAS = [area.value for area in TightArea]
# The entries as the file holds them: what the write model refuses cannot be loaded through
# it (the seed stops), so the rules it enforces are checked here on the raw entries, each
# failure naming the exercise.
RAW_EXERCISES: list[dict[str, Any]] = read_table_array("exercises.toml", "exercise")


@pytest.fixture(scope="module")
def files() -> ContentFiles:
    return load_content_files()


def test_there_are_at_least_24_exercises_and_every_category_has_some(files: ContentFiles) -> None:
    assert len(files.exercises) >= 24
    counts = Counter(item.category for item in files.exercises)
    assert set(counts) == set(Category)


@pytest.mark.parametrize("area", SIX_AREAS)
def test_each_of_the_six_areas_is_covered_by_several_exercises(
    area: str, files: ContentFiles
) -> None:
    targeting = [item for item in files.exercises if area in item.target_areas]
    assert len(targeting) >= 3
    soothing = [i for i in targeting if i.category in (Category.stretch, Category.foam_roll)]
    assert len(soothing) >= 3, "the rules link stretches and foam rolling per tight area"


def test_every_exercise_passes_the_back_safety_rules() -> None:
    broken = {
        entry.get("slug"): [f"{'.'.join(map(str, at))}: {why}" for at, why in problems]
        for entry in RAW_EXERCISES
        if (problems := back_safety_problems(entry))
    }
    assert broken == {}


def test_at_least_five_exercises_suit_the_acute_phase(files: ContentFiles) -> None:
    assert len([item for item in files.exercises if Phase.acute in item.phases]) >= 5


def test_foam_rolling_cautions_keep_the_roller_off_the_spine(files: ContentFiles) -> None:
    rolling = [item for item in files.exercises if item.category == Category.foam_roll]
    assert rolling
    for item in rolling:
        assert any("spine" in caution.lower() for caution in item.cautions), item.slug


def test_every_exercise_has_dosage_steps_and_when_to_stop(files: ContentFiles) -> None:
    for item in files.exercises:
        assert len(item.steps) >= 3, item.slug
        assert item.cautions, item.slug
        assert item.dosage.frequency, item.slug


def test_every_exercise_says_who_should_not_do_it() -> None:
    missing = [entry.get("slug") for entry in RAW_EXERCISES if not entry.get("contraindications")]
    assert missing == []


def test_no_exercise_repeats_a_contraindication(files: ContentFiles) -> None:
    for item in files.exercises:
        assert len(set(item.contraindications)) == len(item.contraindications), item.slug


def test_no_equipment_is_an_explicit_option(files: ContentFiles) -> None:
    assert sum(item.equipment == ["none"] for item in files.exercises) >= 10


def test_the_articles_sections_are_advice_topics(files: ContentFiles) -> None:
    slugs = {item.slug for item in files.advice}
    assert {
        "why-runners-get-back-pain",
        "common-causes",
        "what-to-do-first",
        "sudden-locked-up-back",
        "long-term-prevention",
        "sitting-at-a-desk",
        "when-to-seek-urgent-care",
    } <= slugs
    assert all(len(item.body.split()) >= 120 for item in files.advice)


def test_programmes_cover_the_four_purposes(files: ContentFiles) -> None:
    slugs = {item.slug for item in files.programmes}
    assert {
        "acute-episode-first-days",
        "desk-movement-breaks",
        "core-and-posture",
        "runner-strength",
    } <= slugs
    for programme in files.programmes:
        assert programme.audience
        assert programme.stop_when
        assert 3 <= len(programme.items) <= 8


def test_every_item_cites_known_sources_and_carries_a_licence(files: ContentFiles) -> None:
    known = set(bibliography())
    for item in [*files.exercises, *files.advice, *files.programmes]:
        assert item.sources
        assert set(item.sources) <= known
        assert item.licence == "CC-BY-4.0"
        assert item.attribution


def test_the_article_is_cited_throughout(files: ContentFiles) -> None:
    cited = Counter(key for item in files.exercises for key in item.sources)
    assert cited["mlh-physio-runners-lbp"] >= len(files.exercises) // 2
