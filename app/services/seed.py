"""`backpain seed`: load the content files into the catalogue. Idempotent.

Items are matched by the uuid in the file, so a re-seed after a content change updates each
item in place and keeps its id and slug history. An item is written only when its file entry
changed (a hash of the entry is kept as `seed_hash`), so running the seed twice changes
nothing, and edits made through the admin API survive re-seeds of unchanged files. Items that
disappear from the files are retired: soft-deleted, leaving the tombstone syncing clients see,
and restored (same id) when their entry comes back. An item an editor deleted stays deleted
(`kept_deleted`). An exercise that a programme still lists or a live advice topic still links
(an editor's, say) is not retired but kept, with a note saying what uses it. Every change is
audited with the actor `seed`, through the same write path as the editing API.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlmodel import Session, col, select

from app.content.loader import (
    CONTENT_DIR,
    ContentFileError,
    read_table_array,
    validate_items,
)
from app.db import utcnow
from app.models import Advice, Exercise, Programme
from app.models.content import AdviceSeed, ExerciseSeed, ProgrammeSeed
from app.services import audit, content_admin

log = logging.getLogger(__name__)

Row = TypeVar("Row", Exercise, Advice, Programme)
SeedItem = TypeVar("SeedItem", ExerciseSeed, AdviceSeed, ProgrammeSeed)


class SeedError(Exception):
    """The content files cannot be loaded as they are; nothing was written."""


@dataclass
class KindReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    kept_deleted: int = 0  # deleted by an editor, still in the file: left deleted
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.retired + self.restored


@dataclass
class SeedReport:
    exercises: KindReport
    advice: KindReport
    programmes: KindReport

    @property
    def changed(self) -> int:
        return self.exercises.changed + self.advice.changed + self.programmes.changed

    def summary(self) -> str:
        parts = []
        for name in ("exercises", "advice", "programmes"):
            r: KindReport = getattr(self, name)
            parts.append(
                f"{name}: {r.created} created, {r.updated} updated, {r.unchanged} unchanged, "
                f"{r.retired} retired, {r.restored} restored, {r.kept_deleted} kept_deleted"
            )
        notes = [note for r in (self.exercises, self.advice, self.programmes) for note in r.notes]
        return "seed: " + "; ".join(parts) + "".join(f"\n  note: {n}" for n in notes)


@dataclass(frozen=True)
class ContentFiles:
    exercises: list[ExerciseSeed]
    advice: list[AdviceSeed]
    programmes: list[ProgrammeSeed]


def load_content_files(directory: Path = CONTENT_DIR) -> ContentFiles:
    """Read and validate the three content files, including references between them."""
    try:
        files = ContentFiles(
            exercises=validate_items(
                ExerciseSeed,
                read_table_array("exercises.toml", "exercise", directory=directory),
                "exercises.toml",
            ),
            advice=validate_items(
                AdviceSeed,
                read_table_array("advice.toml", "advice", directory=directory),
                "advice.toml",
            ),
            programmes=validate_items(
                ProgrammeSeed,
                read_table_array("programmes.toml", "programme", directory=directory),
                "programmes.toml",
            ),
        )
    except ContentFileError as error:
        raise SeedError(str(error)) from None
    for name, items in (
        ("exercises.toml", files.exercises),
        ("advice.toml", files.advice),
        ("programmes.toml", files.programmes),
    ):
        for attribute in ("slug", "uuid"):
            values = [getattr(item, attribute) for item in items]
            if len(set(values)) != len(values):
                raise SeedError(f"{name}: a {attribute} is used twice")
    slugs = {item.slug for item in files.exercises}
    for topic in files.advice:
        for slug in topic.related_exercises:
            if slug not in slugs:
                raise SeedError(f"advice.toml: {topic.slug}: unknown exercise {slug!r}")
    for programme in files.programmes:
        for item in programme.items:
            if item.exercise not in slugs:
                raise SeedError(
                    f"programmes.toml: {programme.slug}: unknown exercise {item.exercise!r}"
                )
    return files


def entry_hash(item: BaseModel) -> str:
    canonical = json.dumps(item.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _upsert(
    session: Session,
    kind: content_admin.Kind[Row, Any, Any],
    items: Sequence[SeedItem],
    now: datetime,
) -> KindReport:
    report = KindReport()
    model = kind.model
    existing = {row.id: row for row in session.exec(select(model))}
    by_slug = {row.slug: row for row in existing.values()}
    for item in items:
        digest = entry_hash(item)
        row = existing.get(item.uuid)
        action = "update"
        if row is None:
            clash = by_slug.get(item.slug)
            if clash is not None:
                raise SeedError(
                    f"{model.__tablename__} {item.slug!r}: the slug belongs to another item "
                    f"({clash.id}); give the file entry that item's uuid or a new slug"
                )
            action = "create"
            report.created += 1
        elif row.deleted_at is not None and not row.retired_by_seed:
            # Deleted by an editor: the seed does not bring it back.
            report.kept_deleted += 1
            continue
        elif row.deleted_at is not None:
            # Retired by an earlier seed, and its entry is back: so is the item, same id.
            action = "restore"
            report.restored += 1
        elif row.seed_hash == digest:
            report.unchanged += 1
            continue
        elif content_admin.snapshot(kind, session, row) == item.model_dump(
            mode="json", exclude_none=True, exclude={"uuid"}
        ):
            # The entry changed its form, not what it says (or matches an editor's edit):
            # nothing to write, audit or sync; remember the file's version.
            row.seed_hash = digest
            session.add(row)
            report.unchanged += 1
            continue
        else:
            report.updated += 1
        row = content_admin.write(
            session,
            kind,
            item,
            row=row,
            item_id=item.uuid,
            actor=audit.SEED_ACTOR,
            action=action,
            now=now,
        )
        row.seed_hash = digest
        session.add(row)
    session.flush()
    return report


def _retire(
    session: Session,
    kind: content_admin.Kind[Row, Any, Any],
    keep: set[object],
    report: KindReport,
    now: datetime,
    *,
    may_retire: Callable[[Row], str | None] = lambda _: None,
) -> None:
    model = kind.model
    seeded = session.exec(
        select(model).where(col(model.seed_hash).is_not(None), col(model.deleted_at).is_(None))
    )
    for row in seeded:
        if row.id in keep:
            continue
        reason = may_retire(row)
        if reason is not None:
            report.notes.append(f"{model.__tablename__} {row.slug!r} kept: {reason}")
            continue
        content_admin.remove(
            session,
            kind,
            row,
            actor=audit.SEED_ACTOR,
            action="retire",
            now=now,
            retired_by_seed=True,
        )
        report.retired += 1


def seed_content(*, session: Session, directory: Path = CONTENT_DIR) -> SeedReport:
    """Bring the catalogue in line with the content files, in one transaction; every change
    is audited (actor `seed`) like an editor's."""
    files = load_content_files(directory)
    now = utcnow()

    def still_used(row: Exercise) -> str | None:
        users = content_admin.exercise_users(session, row)
        return f"used by {users}" if users is not None else None

    report = SeedReport(
        exercises=_upsert(session, content_admin.EXERCISES, files.exercises, now),
        advice=_upsert(session, content_admin.ADVICE, files.advice, now),
        programmes=_upsert(session, content_admin.PROGRAMMES, files.programmes, now),
    )
    _retire(session, content_admin.ADVICE, {i.uuid for i in files.advice}, report.advice, now)
    _retire(
        session,
        content_admin.PROGRAMMES,
        {i.uuid for i in files.programmes},
        report.programmes,
        now,
    )
    _retire(
        session,
        content_admin.EXERCISES,
        {i.uuid for i in files.exercises},
        report.exercises,
        now,
        may_retire=still_used,
    )
    session.commit()
    log.info("seed finished", extra={"changed": report.changed})
    return report
