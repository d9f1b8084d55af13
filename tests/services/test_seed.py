"""Seeding: idempotent, updates in place keeping ids, retires removed items as tombstones."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from app.content.loader import CONTENT_DIR
from app.db import utcnow
from app.models import Advice, Exercise, Programme
from app.models.content import ProgrammeIn
from app.services import catalogue, programmes
from app.services.seed import SeedError, load_content_files, seed_content


@pytest.fixture
def content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def _drop_entry(path: Path, table: str, slug: str) -> None:
    """Remove the [[table]] entry whose slug is `slug` from a content file."""
    text = path.read_text()
    entries = re.split(rf"(?m)^(?=\[\[{table}\]\])", text)
    kept = [entry for entry in entries if f'slug = "{slug}"' not in entry.split("\n", 2)[1]]
    assert len(kept) == len(entries) - 1
    path.write_text("".join(kept))


def _drop_programme_item(path: Path, exercise: str) -> None:
    """Remove every [[programme.items]] entry naming `exercise`."""
    text = path.read_text()
    parts = re.split(r"(?m)^(?=\[\[programme)", text)
    path.write_text("".join(p for p in parts if f'exercise = "{exercise}"' not in p))


def test_seeding_the_seeded_catalogue_changes_nothing(session: Session) -> None:
    report = seed_content(session=session)
    assert report.changed == 0
    assert report.exercises.unchanged == len(load_content_files().exercises)


def test_a_changed_entry_is_updated_in_place_and_keeps_its_id(
    session: Session, content: Path
) -> None:
    before = catalogue.get_live(session, Exercise, "bird-dog")
    old_id, old_stamp = before.id, before.updated_at
    _edit(content / "exercises.toml", 'name = "Bird dog"', 'name = "Bird dog (kneeling)"')

    report = seed_content(session=session, directory=content)
    assert (report.exercises.updated, report.exercises.created) == (1, 0)
    after = catalogue.get_live(session, Exercise, "bird-dog")
    assert after.id == old_id
    assert after.name == "Bird dog (kneeling)"
    assert after.updated_at > old_stamp
    assert seed_content(session=session, directory=content).changed == 0


def test_a_removed_entry_is_retired_as_a_tombstone(session: Session, content: Path) -> None:
    _drop_entry(content / "advice.toml", "advice", "training-load-and-pain")
    report = seed_content(session=session, directory=content)
    assert report.advice.retired == 1

    row = session.exec(select(Advice).where(Advice.slug == "training-load-and-pain")).one()
    assert row.deleted_at is not None
    assert row.updated_at == row.deleted_at


def test_a_programme_naming_a_removed_exercise_stops_the_seed(
    session: Session, content: Path
) -> None:
    slug = load_content_files().programmes[0].items[0].exercise
    _drop_entry(content / "exercises.toml", "exercise", slug)
    with pytest.raises(SeedError, match=f"unknown exercise '{slug}'"):
        seed_content(session=session, directory=content)


def test_an_exercise_used_by_an_editors_programme_is_kept(session: Session, content: Path) -> None:
    seeded = next(p for p in load_content_files().programmes if p.slug == "runner-strength")
    own = ProgrammeIn.model_validate(
        {**seeded.model_dump(exclude={"uuid"}), "slug": "clinic-own-plan"}
    )
    programmes.save(session, own, now=utcnow())  # created through the API: no seed_hash
    session.commit()
    slug = own.items[0].exercise
    _drop_entry(content / "exercises.toml", "exercise", slug)
    for entry in load_content_files().programmes:  # the seeded programmes drop it too
        for item in entry.items:
            if item.exercise == slug:
                _drop_programme_item(content / "programmes.toml", slug)
                break

    report = seed_content(session=session, directory=content)
    assert report.exercises.retired == 0
    assert any(slug in note and "clinic-own-plan" in note for note in report.exercises.notes)
    assert catalogue.find_live(session, Exercise, slug) is not None


def test_an_editors_deletion_is_not_undone_by_a_reseed(session: Session) -> None:
    row = catalogue.get_live(session, Exercise, "clamshell")
    catalogue.soft_delete(session, row, now=utcnow())
    session.commit()
    report = seed_content(session=session)
    assert report.exercises.kept_deleted == 1
    assert catalogue.find_live(session, Exercise, "clamshell") is None


def test_a_duplicate_slug_in_a_file_stops_the_seed_and_writes_nothing(
    session: Session, content: Path
) -> None:
    _edit(content / "exercises.toml", 'slug = "bird-dog"', 'slug = "dead-bug"')
    stamps = {r.id: r.updated_at for r in session.exec(select(Exercise))}
    with pytest.raises(SeedError, match="slug is used twice"):
        seed_content(session=session, directory=content)
    session.rollback()
    assert {r.id: r.updated_at for r in session.exec(select(Exercise))} == stamps


def test_an_invalid_entry_is_reported_with_its_slug_and_field(content: Path) -> None:
    _edit(content / "exercises.toml", 'category = "core"', 'category = "yoga"')
    with pytest.raises(SeedError, match=r"exercises.toml: .*: category"):
        load_content_files(content)


def test_live_exercises_match_the_file(session: Session) -> None:
    live = session.exec(select(Exercise.slug).where(col(Exercise.deleted_at).is_(None))).all()
    assert sorted(live) == sorted(item.slug for item in load_content_files().exercises)


def test_a_changed_exercise_moves_its_programmes_forward(session: Session, content: Path) -> None:
    programme = load_content_files().programmes[0]
    slug = programme.items[0].exercise
    row = session.exec(select(Programme).where(Programme.slug == programme.slug)).one()
    before = row.updated_at
    source = next(e for e in load_content_files().exercises if e.slug == slug)
    _edit(content / "exercises.toml", f'name = "{source.name}"', f'name = "{source.name} (v2)"')
    seed_content(session=session, directory=content)
    session.refresh(row)
    assert row.updated_at > before


def test_an_entry_unsafe_for_a_sore_back_stops_the_seed(content: Path) -> None:
    _edit(
        content / "exercises.toml",
        'phases = ["prevention"]\nequipment = ["kettlebell"]',
        'phases = ["prevention", "acute"]\nequipment = ["kettlebell"]',
    )
    with pytest.raises(SeedError, match=r"kettlebell-deadlift: phases.1: an acute-phase"):
        load_content_files(content)
