"""The catalogue snapshot /assess links from: reloaded every second, kept while unchanged."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from app.models import Exercise
from app.services import assessments


def test_a_reload_keeps_an_unchanged_snapshot_and_replaces_a_changed_one(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = assessments._CatalogueCache()
    first = cache.get(session)
    assert first.entries
    monkeypatch.setattr(assessments, "CATALOGUE_MAX_AGE_SECONDS", 0.0)  # every get reloads
    # Unchanged: the same snapshot, so the actions it has made are kept.
    assert cache.get(session) is first

    exercise = session.exec(
        select(Exercise).where(col(Exercise.deleted_at).is_(None)).order_by(col(Exercise.slug))
    ).first()
    assert exercise is not None
    exercise.name = f"{exercise.name} (renamed)"
    session.add(exercise)
    session.flush()
    changed = cache.get(session)
    assert changed is not first
    assert f"{exercise.name}" in {entry.name for entry in changed.entries}
