"""Advice topics: list in display order, read one, and write (seed and admin)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlmodel import Session, col, select

from app.db import for_change
from app.models import Advice, Exercise
from app.models.content import AdviceIn, AdvicePage, AdvicePublic
from app.services import catalogue, exercises
from app.services.paging import Ordering, int_key, text_key

BY_ORDER = Ordering("advice:order", [int_key(Advice.position), text_key(Advice.slug)])


def href(slug: str) -> str:
    return f"/advice/{slug}"


def to_public(session: Session, rows: Sequence[Advice]) -> list[AdvicePublic]:
    linked = exercises.live_by_slug(session, (s for row in rows for s in row.related_exercises))
    return assemble(rows, linked)


def assemble(rows: Sequence[Advice], linked: Mapping[str, Exercise]) -> list[AdvicePublic]:
    """The public form of `rows`, given the live exercises they may link to."""
    return [
        AdvicePublic(
            id=row.id,
            slug=row.slug,
            href=href(row.slug),
            title=row.title,
            summary=row.summary,
            body=row.body,
            order=row.position,
            sources=catalogue.sources_of(row.sources),
            # An exercise deleted since the topic was written simply drops out of the links.
            related_exercises=[
                exercises.to_link(linked[s]) for s in row.related_exercises if s in linked
            ],
            licence=row.licence,
            attribution=row.attribution,
            created_at=row.created_at,
            updated_at=row.updated_at,
        )
        for row in rows
    ]


def list_advice(
    *,
    session: Session,
    updated_since: datetime | None,
    limit: int,
    cursor: str | None,
    secret: str,
) -> AdvicePage:
    page = catalogue.list_items(
        session,
        Advice,
        select(Advice),
        browse=BY_ORDER,
        updated_since=updated_since,
        limit=limit,
        cursor=cursor,
        secret=secret,
        to_public=lambda rows: to_public(session, rows),
    )
    return AdvicePage(items=page.items, next_cursor=page.next_cursor)


def get_advice(*, session: Session, slug: str) -> AdvicePublic:
    return to_public(session, [catalogue.get_live(session, Advice, slug)])[0]


def save(
    session: Session,
    data: AdviceIn,
    *,
    row: Advice | None = None,
    item_id: uuid.UUID | None = None,
    now: datetime,
) -> Advice:
    """Create (no `row`) or overwrite an advice topic; the caller commits.

    Every exercise the topic comes to link must be a live one: a 422 naming the link
    otherwise. A link the live topic already has is kept as it is even when its exercise has
    gone since (stored before exercises in use could not be deleted): hidden from readers
    until the exercise comes back, it does not make an edit of the topic's other fields fail.
    """
    kept = set(row.related_exercises) if row is not None and row.deleted_at is None else set()
    exercises.require_live(
        session,
        [
            (f"related_exercises[{i}]", slug)
            for i, slug in enumerate(data.related_exercises)
            if slug not in kept
        ],
        detail="Related exercises must be in the catalogue",
    )
    values = catalogue.column_values(data, AdviceIn, rename={"order": "position"})
    return catalogue.save(session, Advice, values, row=row, item_id=item_id, now=now)


def linking(session: Session, slugs: Iterable[str], *, for_update: bool = False) -> list[Advice]:
    """Live topics that link any of the exercises `slugs`, by slug. `for_update`: read to
    be changed (app.db.for_change; as the topics are read whole, all of them are locked)."""
    wanted = set(slugs)
    # The topics are few (tens): read them and match in Python rather than query inside a
    # JSON list, which SQLite and PostgreSQL spell differently.
    statement = select(Advice).where(col(Advice.deleted_at).is_(None)).order_by(col(Advice.slug))
    live = session.exec(for_change(statement) if for_update else statement)
    return [topic for topic in live if wanted.intersection(topic.related_exercises)]


def touch_linking(session: Session, slugs: Iterable[str], *, now: datetime) -> None:
    """Topics show their related exercises' slugs and names: when one of those changes (or
    the exercise comes or goes), so does the topic, and a syncing client must see it in
    `updated_since` listings."""
    for topic in linking(session, slugs):
        topic.updated_at = now
        session.add(topic)


def follow_new_slug(session: Session, old: str, new: str) -> None:
    """Topics link exercises by slug: when an exercise's slug changes, their links follow
    it, so that no link is left on the old slug, where another exercise may come to stand.
    (The change of link moves the topics forward: see touch_linking.) The topics are locked
    while they are rewritten: an edit of a topic's links at the same time is not lost."""
    for topic in linking(session, [old], for_update=True):
        topic.related_exercises = [new if slug == old else slug for slug in topic.related_exercises]
        session.add(topic)


def to_input(session: Session, row: Advice) -> AdviceIn:
    """The row as it would be written: the shape of PUT bodies and of audit entries."""
    return AdviceIn.model_validate(
        {**catalogue.column_values(row, AdviceIn, rename={}), "order": row.position}
    )
