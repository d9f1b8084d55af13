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


def test_a_catalogue_read_while_an_exercise_change_commits_is_not_kept(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The group that read it uses it (it was first), but the cache does not keep it: the
    worker that made the change links from the changed catalogue at once."""
    cache = assessments._CatalogueCache()
    read = session.exec

    def changed_meanwhile(*args: object, **kwargs: object) -> object:
        found = read(*args, **kwargs)  # type: ignore[call-overload]
        cache.clear()  # what the change's commit does in this worker
        return found

    monkeypatch.setattr(session, "exec", changed_meanwhile)
    assert cache.get(session).entries
    assert cache.fresh() is None
    monkeypatch.undo()
    kept = cache.get(session)
    assert cache.fresh() is kept
