"""Seeding: idempotent, updates in place keeping ids, retires removed items as tombstones."""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.config import load_settings
from app.content.loader import CONTENT_DIR
from app.db import UTCDateTime, create_db_engine, upgrade, utcnow
from app.models import Advice, AuditEntry, Exercise, Programme
from app.models.content import AdviceIn, ProgrammeIn
from app.services import advice, audit, catalogue, content_admin, programmes
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


def _seed_audit(session: Session) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry)
            .where(AuditEntry.actor == audit.SEED_ACTOR)
            .order_by(col(AuditEntry.created_at), col(AuditEntry.item))
        )
    )


def test_a_retired_entry_that_comes_back_is_restored_with_its_id(
    session: Session, content: Path
) -> None:
    original = (content / "advice.toml").read_text()
    _drop_entry(content / "advice.toml", "advice", "training-load-and-pain")
    seed_content(session=session, directory=content)
    retired = session.exec(select(Advice).where(Advice.slug == "training-load-and-pain")).one()
    retired_id, retired_at = retired.id, retired.updated_at
    assert retired.retired_by_seed

    (content / "advice.toml").write_text(original)
    report = seed_content(session=session, directory=content)
    assert (report.advice.restored, report.advice.kept_deleted, report.advice.created) == (1, 0, 0)
    assert "1 restored, 0 kept_deleted" in report.summary()
    restored = catalogue.get_live(session, Advice, "training-load-and-pain")
    assert restored.id == retired_id
    assert restored.updated_at > retired_at
    assert restored.deleted_at is None
    assert not restored.retired_by_seed
    assert seed_content(session=session, directory=content).changed == 0


def test_a_sync_client_sees_a_restored_item_again(
    session: Session, content: Path, client: TestClient
) -> None:
    original = (content / "exercises.toml").read_text()
    _drop_entry(content / "exercises.toml", "exercise", "thread-the-needle")
    _edit(content / "advice.toml", '"thread-the-needle", ', "")  # the topic that linked it
    seed_content(session=session, directory=content)
    since = datetime.now(UTC).isoformat()

    (content / "exercises.toml").write_text(original)
    seed_content(session=session, directory=content)
    changes = client.get("/exercises", params={"updated_since": since}).json()["items"]
    assert [(item["slug"], item["deleted"]) for item in changes] == [("thread-the-needle", False)]
    assert client.get("/exercises/thread-the-needle").status_code == 200


def test_an_editors_deletion_stays_deleted_and_is_counted_as_kept(session: Session) -> None:
    row = catalogue.get_live(session, Exercise, "clamshell")
    content_admin.remove(
        session, content_admin.EXERCISES, row, actor="an editor", action="delete", now=utcnow()
    )
    session.commit()
    report = seed_content(session=session)
    assert report.exercises.kept_deleted == 1
    assert report.changed == 0
    assert "0 restored, 1 kept_deleted" in report.summary().split(";")[0]
    assert catalogue.find_live(session, Exercise, "clamshell") is None


def test_seeding_a_renamed_exercise_moves_the_advice_linking_it_forward(
    session: Session, content: Path
) -> None:
    topic = session.exec(select(Advice).where(Advice.slug == "common-causes")).one()
    other = session.exec(select(Advice).where(Advice.slug == "sitting-at-a-desk")).one()
    before, other_before = topic.updated_at, other.updated_at
    _edit(
        content / "exercises.toml", 'name = "Thread the needle"', 'name = "Thread the needle (v2)"'
    )
    seed_content(session=session, directory=content)
    session.refresh(topic)
    session.refresh(other)
    assert topic.updated_at > before
    assert other.updated_at == other_before  # it does not link the exercise


def test_an_exercise_an_advice_topic_still_links_is_kept_not_retired(
    session: Session, content: Path
) -> None:
    """The files drop an exercise (and their topic's link to it), but an editor's topic still
    links it: the seed keeps the exercise, says why, and leaves that topic as it was."""
    seeded = next(a for a in load_content_files().advice if a.slug == "common-causes")
    own = AdviceIn.model_validate(
        {**seeded.model_dump(exclude={"uuid"}), "slug": "clinic-own-topic"}
    )
    topic = advice.save(session, own, now=utcnow())  # created through the API: no seed_hash
    session.commit()
    before = topic.updated_at
    _drop_entry(content / "exercises.toml", "exercise", "thread-the-needle")
    _edit(content / "advice.toml", '"thread-the-needle", ', "")

    report = seed_content(session=session, directory=content)
    assert report.exercises.retired == 0
    assert report.exercises.notes == [
        "exercise 'thread-the-needle' kept: used by advice topics (clinic-own-topic)"
    ]
    assert catalogue.find_live(session, Exercise, "thread-the-needle") is not None
    session.refresh(topic)
    assert topic.updated_at == before
    assert "thread-the-needle" in topic.related_exercises


def test_a_topic_linking_an_exercise_deleted_before_the_rule_is_still_reseeded(
    session: Session, content: Path
) -> None:
    """An editor could delete a linked exercise before that was a 409: a later change to the
    topic's file entry still seeds, keeping the link (the exercise stays deleted)."""
    gone = catalogue.get_live(session, Exercise, "thread-the-needle")
    catalogue.soft_delete(session, gone, now=utcnow())
    session.commit()
    title = "Three common sources of lower back pain in runners"
    _edit(content / "advice.toml", f'title = "{title}"', f'title = "{title}, in brief"')

    report = seed_content(session=session, directory=content)
    assert (report.advice.updated, report.exercises.kept_deleted) == (1, 1)
    topic = catalogue.get_live(session, Advice, "common-causes")
    assert topic.title == f"{title}, in brief"
    assert "thread-the-needle" in topic.related_exercises
    assert catalogue.find_live(session, Exercise, "thread-the-needle") is None


def test_every_change_the_seed_makes_is_audited_with_before_and_after(
    session: Session, content: Path
) -> None:
    original = (content / "advice.toml").read_text()
    already = len(_seed_audit(session))
    _edit(content / "exercises.toml", 'name = "Bird dog"', 'name = "Bird dog (kneeling)"')
    _drop_entry(content / "advice.toml", "advice", "training-load-and-pain")
    seed_content(session=session, directory=content)
    (content / "advice.toml").write_text(original)
    seed_content(session=session, directory=content)

    entries = _seed_audit(session)[already:]
    assert [(e.action, e.resource, e.item) for e in entries] == [
        ("update", "exercise", "bird-dog"),
        ("retire", "advice", "training-load-and-pain"),
        ("restore", "advice", "training-load-and-pain"),
    ]
    update, retire, restore = entries
    assert update.before is not None
    assert update.after is not None
    assert (update.before["name"], update.after["name"]) == ("Bird dog", "Bird dog (kneeling)")
    assert update.client_id is None
    assert retire.before is not None
    assert retire.before["slug"] == "training-load-and-pain"
    assert retire.after is None
    assert restore.before is None
    assert restore.after == retire.before


def test_the_first_seed_audits_each_item_it_creates(session: Session) -> None:
    created = {(e.resource, e.item) for e in _seed_audit(session) if e.action == "create"}
    files = load_content_files()
    assert created == (
        {("exercise", e.slug) for e in files.exercises}
        | {("advice", a.slug) for a in files.advice}
        | {("programme", p.slug) for p in files.programmes}
    )


def test_a_seed_that_changes_nothing_writes_no_audit_entries(session: Session) -> None:
    before = len(session.exec(select(AuditEntry)).all())
    assert seed_content(session=session).changed == 0
    assert len(session.exec(select(AuditEntry)).all()) == before


def test_an_entry_that_says_what_the_row_says_is_not_written_again(session: Session) -> None:
    row = catalogue.get_live(session, Exercise, "bird-dog")
    row.seed_hash = "0" * 64  # as if the file's form changed (say, a new default field)
    session.add(row)
    session.commit()
    stamp, audited = row.updated_at, len(session.exec(select(AuditEntry)).all())
    report = seed_content(session=session)
    assert report.changed == 0
    session.refresh(row)
    assert row.updated_at == stamp
    assert row.seed_hash != "0" * 64
    assert len(session.exec(select(AuditEntry)).all()) == audited


def test_revision_0003_tells_the_seeds_retirements_from_editors_deletions(
    fresh_database_url: str,
) -> None:
    """Rows deleted before the column existed: an editor's deletion left a `delete` audit
    entry as new as the row's deletion; a seeded row deleted without one was retired by the
    seed, even when an editor had deleted it once before."""
    engine = create_db_engine(load_settings(database_url=fresh_database_url))
    try:
        upgrade(engine, "0002")
        with Session(engine) as old:
            seed_content_at_0002(old)
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT slug, retired_by_seed FROM advice")).all()
        assert {slug: bool(flag) for slug, flag in rows} == {
            "training-load-and-pain": True,
            "sitting-at-a-desk": False,  # deleted by an editor
            "common-causes": False,  # live
            "long-term-prevention": True,  # deleted by an editor, re-created, then retired
            "what-to-do-first": False,  # deleted by an editor, re-created, deleted again
        }
    finally:
        engine.dispose()


_ADVICE_0002 = sa.table(
    "advice",
    *(sa.column(name) for name in ("slug", "title", "summary", "body", "position")),
    *(sa.column(name) for name in ("licence", "attribution", "seed_hash")),
    sa.column("id", sa.Uuid()),
    sa.column("sources", sa.JSON()),
    sa.column("related_exercises", sa.JSON()),
    *(sa.column(name, UTCDateTime()) for name in ("created_at", "updated_at", "deleted_at")),
)
_AUDIT_0002 = sa.table(
    "audit_entry",
    *(sa.column(name) for name in ("actor", "action", "resource", "item")),
    sa.column("id", sa.Uuid()),
    sa.column("item_id", sa.Uuid()),
    sa.column("created_at", UTCDateTime()),
)


def seed_content_at_0002(session: Session) -> None:
    """Advice rows as revision 0002 held them, with the audit entries editors' changes left
    (an editor's deletion is stamped at the row's deletion or just after; the seed of that
    time audited nothing)."""
    start = utcnow()

    def at(minutes: int) -> datetime:
        return start + timedelta(minutes=minutes)

    deleted = [("delete", at(1))]
    recreated = [*deleted, ("create", at(2))]
    for slug, deleted_at, history in (
        ("training-load-and-pain", at(1), []),
        ("sitting-at-a-desk", at(1), deleted),
        ("common-causes", None, []),
        ("long-term-prevention", at(3), recreated),
        ("what-to-do-first", at(3), [*recreated, ("delete", at(3))]),
    ):
        item_id = uuid.uuid4()
        session.execute(
            sa.insert(_ADVICE_0002).values(
                id=item_id,
                slug=slug,
                title="t",
                summary="s",
                body="b",
                position=1,
                sources=[],
                related_exercises=[],
                licence="CC-BY-4.0",
                attribution="a",
                seed_hash="f" * 64,
                created_at=start,
                updated_at=deleted_at or start,
                deleted_at=deleted_at,
            )
        )
        for action, stamp in history:
            session.execute(
                sa.insert(_AUDIT_0002).values(
                    id=uuid.uuid4(),
                    created_at=stamp,
                    actor="editor",
                    action=action,
                    resource="advice",
                    item_id=item_id,
                    item=slug,
                )
            )
    session.commit()


def test_reseeding_fills_in_contraindications_in_place(session: Session) -> None:
    """A catalogue seeded before the glute bridge had contraindications gets them from the
    next seed, on the same row."""
    row = catalogue.get_live(session, Exercise, "glute-bridge")
    row.contraindications = []
    row.seed_hash = "0" * 64  # the file's version before contraindications
    session.add(row)
    session.commit()
    row_id = row.id

    report = seed_content(session=session)  # the files as shipped
    assert report.exercises.updated == 1
    session.refresh(row)
    assert row.id == row_id
    shipped = next(e for e in load_content_files().exercises if e.slug == "glute-bridge")
    assert row.contraindications == shipped.contraindications
    assert row.contraindications


def test_an_entry_without_contraindications_stops_the_seed(content: Path) -> None:
    path = content / "exercises.toml"
    entries = re.split(r"(?m)^(?=\[\[exercise\]\])", path.read_text())
    path.write_text(
        "".join(
            re.sub(r"(?ms)^contraindications = \[\n.*?^\]\n", "contraindications = []\n", e)
            if 'slug = "glute-bridge"' in e
            else e
            for e in entries
        )
    )
    with pytest.raises(SeedError, match=r"glute-bridge: contraindications"):
        load_content_files(content)
