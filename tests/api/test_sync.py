"""Sync through the API: `updated_since` with tombstones on /advice and /programmes, advice
topics that move forward when an exercise they link changes, and the timestamps accepted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.db import utcnow
from app.models import Advice, Exercise
from app.services import catalogue
from app.services.seed import load_content_files
from tests.api.conftest import Caller
from tests.api.test_content_admin import exercise_body
from tests.api.test_exercises import walk

FILES = load_content_files()
# Linked from one advice topic and used by no programme.
LINKED_ONLY = "thread-the-needle"
LINKING_TOPIC = "common-causes"
# Used by no topic and no programme, so it may be deleted.
UNUSED = "childs-pose-stretch"


def now() -> str:
    """A sync point after the seed: what changes from here on is listed."""
    return datetime.now(UTC).isoformat()


def stamp_of(client: TestClient, path: str) -> str:
    updated_at: str = client.get(path).json()["updated_at"]
    return updated_at


def changed_since(client: TestClient, path: str, since: str) -> dict[str, dict[str, Any]]:
    return {item["slug"]: item for item in walk(client, path, {"updated_since": since})}


def test_renaming_an_exercise_moves_the_advice_linking_it_forward(
    client: TestClient, editor: Caller
) -> None:
    since = now()
    response = client.patch(
        f"/exercises/{LINKED_ONLY}",
        json={"name": "Thread the needle, kneeling"},
        headers=editor.headers,
    )
    assert response.status_code == 200, response.text
    changes = changed_since(client, "/advice", since)
    topic = changes.pop(LINKING_TOPIC)
    assert {"slug": LINKED_ONLY, "name": "Thread the needle, kneeling"} in [
        {"slug": link["slug"], "name": link["name"]} for link in topic["related_exercises"]
    ]
    assert changes == {}, "only the topic that links the exercise moved"


def test_changing_an_exercises_slug_moves_the_advice_links_with_it(
    client: TestClient, editor: Caller
) -> None:
    before = client.get(f"/advice/{LINKING_TOPIC}").json()["related_exercises"]
    since = now()
    response = client.patch(
        f"/exercises/{LINKED_ONLY}", json={"slug": "thread-the-needle-v2"}, headers=editor.headers
    )
    assert response.status_code == 200, response.text
    topic = changed_since(client, "/advice", since)[LINKING_TOPIC]
    # The same links in the same order, this one under its new slug; the topic moved, so a
    # syncing client sees it.
    assert [link["slug"] for link in topic["related_exercises"]] == [
        "thread-the-needle-v2" if link["slug"] == LINKED_ONLY else link["slug"] for link in before
    ]
    link = next(x for x in topic["related_exercises"] if x["slug"] == "thread-the-needle-v2")
    assert link["href"] == "/exercises/thread-the-needle-v2"
    assert client.get(link["href"]).status_code == 200


def test_an_exercise_taking_an_old_slug_is_not_linked_by_the_topics_that_followed_it(
    client: TestClient, editor: Caller
) -> None:
    moved = client.patch(
        f"/exercises/{LINKED_ONLY}", json={"slug": "thread-the-needle-v2"}, headers=editor.headers
    )
    assert moved.status_code == 200, moved.text
    created = client.post(
        "/exercises", json=exercise_body(LINKED_ONLY, name="Newcomer"), headers=editor.headers
    )
    assert created.status_code == 201, created.text
    links = client.get(f"/advice/{LINKING_TOPIC}").json()["related_exercises"]
    assert LINKED_ONLY not in [link["slug"] for link in links]


def _delete_as_before_the_rule(session: Session, slug: str) -> None:
    """Delete an exercise that advice topics link, as the API allowed before it refused to
    (409): their stored links then name an exercise that is gone."""
    catalogue.soft_delete(session, catalogue.get_live(session, Exercise, slug), now=utcnow())
    session.commit()


def test_editing_a_topic_keeps_a_link_whose_exercise_was_deleted_before_the_rule(
    client: TestClient, editor: Caller, session: Session
) -> None:
    _delete_as_before_the_rule(session, LINKED_ONLY)
    response = client.patch(
        f"/advice/{LINKING_TOPIC}", json={"title": "Common causes"}, headers=editor.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["title"] == "Common causes"
    assert LINKED_ONLY not in [link["slug"] for link in response.json()["related_exercises"]]
    stored = session.exec(select(Advice).where(Advice.slug == LINKING_TOPIC)).one()
    assert LINKED_ONLY in stored.related_exercises


def test_an_exercise_that_comes_back_shows_again_in_the_topics_still_linking_it(
    client: TestClient, editor: Caller, session: Session
) -> None:
    _delete_as_before_the_rule(session, LINKED_ONLY)
    since = now()
    source = next(e for e in FILES.exercises if e.slug == LINKED_ONLY)
    body = source.model_dump(mode="json", exclude={"uuid"})
    assert client.post("/exercises", json=body, headers=editor.headers).status_code == 201
    changes = changed_since(client, "/advice", since)
    assert list(changes) == [LINKING_TOPIC]
    assert LINKED_ONLY in [link["slug"] for link in changes[LINKING_TOPIC]["related_exercises"]]


def test_a_change_advice_does_not_show_leaves_the_advice_where_it_was(
    client: TestClient, editor: Caller
) -> None:
    since, stamp = now(), stamp_of(client, f"/advice/{LINKING_TOPIC}")
    response = client.patch(
        f"/exercises/{LINKED_ONLY}", json={"summary": "Changed."}, headers=editor.headers
    )
    assert response.status_code == 200, response.text
    assert changed_since(client, "/advice", since) == {}
    assert stamp_of(client, f"/advice/{LINKING_TOPIC}") == stamp


def test_advice_sync_lists_changes_and_deletions_as_tombstones(
    client: TestClient, editor: Caller
) -> None:
    everything = walk(client, "/advice", {"updated_since": "2000-01-01T00:00:00Z", "limit": 3})
    assert sorted(item["slug"] for item in everything) == sorted(a.slug for a in FILES.advice)
    since = now()
    client.patch("/advice/sitting-at-a-desk", json={"title": "At a desk"}, headers=editor.headers)
    assert (
        client.delete("/advice/training-load-and-pain", headers=editor.headers).status_code == 204
    )

    changes = walk(client, "/advice", {"updated_since": since})
    assert [item["slug"] for item in changes] == ["sitting-at-a-desk", "training-load-and-pain"]
    updated, tombstone = changes
    assert updated["title"] == "At a desk"
    assert updated["deleted"] is False
    assert set(tombstone) == {"id", "slug", "deleted", "updated_at", "deleted_at"}
    assert tombstone["deleted"] is True
    assert tombstone["deleted_at"] == tombstone["updated_at"]
    assert client.get("/advice/training-load-and-pain").status_code == 404


def test_programme_sync_lists_changes_and_deletions_as_tombstones(
    client: TestClient, editor: Caller
) -> None:
    everything = walk(client, "/programmes", {"updated_since": "2000-01-01T00:00:00Z"})
    assert sorted(item["slug"] for item in everything) == sorted(p.slug for p in FILES.programmes)
    since = now()
    assert client.delete("/programmes/runner-strength", headers=editor.headers).status_code == 204
    client.patch("/programmes/core-and-posture", json={"duration_weeks": 7}, headers=editor.headers)

    changes = walk(client, "/programmes", {"updated_since": since})
    assert [item["slug"] for item in changes] == ["runner-strength", "core-and-posture"]
    tombstone, updated = changes
    assert tombstone["deleted"] is True
    assert set(tombstone) == {"id", "slug", "deleted", "updated_at", "deleted_at"}
    assert updated["duration_weeks"] == 7
    assert updated["items"]
    browse = walk(client, "/programmes", {"limit": 100})
    assert "runner-strength" not in [item["slug"] for item in browse]


@pytest.mark.parametrize("path", ["/exercises", "/advice", "/programmes"])
@pytest.mark.parametrize(
    "value",
    [
        "1700000000",  # a Unix time in seconds
        "1700000000000",  # in milliseconds
        "1700000000.5",
        "0.5",
        "-5",
        "2026-01-01 00:00:00Z",  # a space for the T
        "2026-01-01",  # a date alone
        "2026-01-01T00:00Z",  # no seconds
        "2026-01-01T00:00:00",  # no offset
        "2026-01-01T00:00:00+0100",  # an offset without its colon
        "20260101T000000Z",  # ISO 8601 basic form
    ],
)
def test_updated_since_must_be_an_rfc_3339_date_time(
    client: TestClient, path: str, value: str
) -> None:
    response = client.get(path, params={"updated_since": value})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    (error,) = response.json()["errors"]
    assert error == {
        "field": "updated_since",
        "detail": "must be an RFC 3339 date-time, e.g. 2026-11-01T00:00:00Z",
    }


@pytest.mark.parametrize(
    "value",
    [
        "2000-01-01T00:00:00Z",
        "2000-01-01t00:00:00z",  # RFC 3339 allows lower case T and Z
        "2000-01-01T00:00:00.123456+01:00",
        "2000-01-01T00:00:00-05:30",
    ],
)
def test_rfc_3339_date_times_are_accepted(client: TestClient, value: str) -> None:
    response = client.get("/advice", params={"updated_since": value, "limit": 100})
    assert response.status_code == 200, response.text
    assert len(response.json()["items"]) == len(FILES.advice)


def test_an_advice_topic_linking_an_unknown_exercise_is_a_422_naming_the_link(
    client: TestClient, editor: Caller
) -> None:
    topic = next(a for a in FILES.advice if a.slug == "what-to-do-first")
    body = {
        **topic.model_dump(mode="json", exclude={"uuid"}),
        "slug": "dangling",
        "related_exercises": ["bird-dog", "no-such-ex"],
    }
    response = client.post("/advice", json=body, headers=editor.headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"] == (
        "Related exercises must be in the catalogue; not found: 'no-such-ex'."
    )
    assert response.json()["errors"] == [
        {"field": "related_exercises[1]", "detail": "no exercise with slug 'no-such-ex'"}
    ]
    assert client.get("/advice/dangling").status_code == 404
    patched = client.patch(
        "/advice/what-to-do-first",
        json={"related_exercises": ["no-such-ex"]},
        headers=editor.headers,
    )
    assert patched.status_code == 422
    assert [e["field"] for e in patched.json()["errors"]] == ["related_exercises[0]"]


def test_an_advice_topic_may_not_link_a_deleted_exercise(
    client: TestClient, editor: Caller, session: Session
) -> None:
    _delete_as_before_the_rule(session, LINKED_ONLY)  # a link the topic keeps
    assert client.delete(f"/exercises/{UNUSED}", headers=editor.headers).status_code == 204
    response = client.patch(
        f"/advice/{LINKING_TOPIC}",
        json={"related_exercises": [LINKED_ONLY, UNUSED]},
        headers=editor.headers,
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (
        problem["detail"] == f"Related exercises must be in the catalogue; not found: {UNUSED!r}."
    )
    assert problem["errors"] == [
        {"field": "related_exercises[1]", "detail": f"no exercise with slug {UNUSED!r}"}
    ]


def test_a_topic_brought_back_may_not_link_an_exercise_deleted_while_it_was_gone(
    client: TestClient, editor: Caller
) -> None:
    topic = next(a for a in FILES.advice if a.slug == LINKING_TOPIC)
    assert client.delete(f"/advice/{LINKING_TOPIC}", headers=editor.headers).status_code == 204
    # No live topic links it any more: it may go.
    assert client.delete(f"/exercises/{LINKED_ONLY}", headers=editor.headers).status_code == 204
    body = topic.model_dump(mode="json", exclude={"uuid"})
    response = client.post("/advice", json=body, headers=editor.headers)
    assert response.status_code == 422, response.text
    index = topic.related_exercises.index(LINKED_ONLY)
    assert [e["field"] for e in response.json()["errors"]] == [f"related_exercises[{index}]"]
    assert client.get(f"/advice/{LINKING_TOPIC}").status_code == 404
