"""Editing content: create, replace, patch, delete, with validation, tombstones and audit."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import AuditEntry, Exercise
from app.services import catalogue
from app.services.seed import load_content_files
from tests.api.conftest import Caller

FILES = load_content_files()


def exercise_body(slug: str, **changes: Any) -> dict[str, Any]:
    source = next(e for e in FILES.exercises if e.slug == "bird-dog")
    return {**source.model_dump(mode="json", exclude={"uuid"}), "slug": slug, **changes}


def audit_for(session: Session, item: str) -> list[AuditEntry]:
    return list(
        session.exec(
            select(AuditEntry).where(AuditEntry.item == item).order_by(col(AuditEntry.created_at))
        )
    )


def test_create_an_exercise(client: TestClient, editor: Caller, session: Session) -> None:
    body = exercise_body("new-drill", name="New drill")
    response = client.post("/exercises", json=body, headers=editor.headers)
    assert response.status_code == 201
    created = response.json()
    assert response.headers["location"] == "/exercises/new-drill"
    assert created["name"] == "New drill"
    assert response.headers["cache-control"] == "private, no-store"
    assert client.get("/exercises/new-drill").json() == created
    (entry,) = audit_for(session, "new-drill")
    assert (entry.action, entry.actor, entry.resource) == ("create", "content-team", "exercise")
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["name"] == "New drill"


def test_replace_and_patch_an_exercise(
    client: TestClient, editor: Caller, session: Session
) -> None:
    replaced = client.put(
        "/exercises/bird-dog",
        json=exercise_body("bird-dog", name="Bird dog v2"),
        headers=editor.headers,
    )
    assert replaced.status_code == 200
    assert replaced.json()["name"] == "Bird dog v2"
    patched = client.patch(
        "/exercises/bird-dog",
        json={"difficulty": "intermediate", "steps": ["Kneel on all fours.", "Reach."]},
        headers={**editor.headers, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    body = patched.json()
    assert body["difficulty"] == "intermediate"
    assert body["steps"] == ["Kneel on all fours.", "Reach."]
    assert body["name"] == "Bird dog v2"
    entries = [e for e in audit_for(session, "bird-dog") if e.client_id == editor.client.id]
    assert [e.action for e in entries] == ["update", "update"]
    assert entries[1].before is not None
    assert entries[1].after is not None
    assert entries[1].before["difficulty"] != "intermediate"
    assert entries[1].after["difficulty"] == "intermediate"


def test_delete_leaves_a_tombstone_for_sync(
    client: TestClient, editor: Caller, session: Session
) -> None:
    created = client.post("/exercises", json=exercise_body("short-lived"), headers=editor.headers)
    assert created.status_code == 201
    assert client.delete("/exercises/short-lived", headers=editor.headers).status_code == 204
    assert client.get("/exercises/short-lived").status_code == 404
    since = created.json()["updated_at"]
    changes = client.get("/exercises", params={"updated_since": since}).json()["items"]
    tombstone = next(item for item in changes if item["slug"] == "short-lived")
    assert tombstone["deleted"] is True
    assert [e.action for e in audit_for(session, "short-lived")] == ["create", "delete"]


def test_an_exercise_in_a_programme_cannot_be_deleted(client: TestClient, editor: Caller) -> None:
    used = FILES.programmes[0].items[0].exercise
    response = client.delete(f"/exercises/{used}", headers=editor.headers)
    assert response.status_code == 409
    assert FILES.programmes[0].slug in response.json()["detail"]
    assert client.get(f"/exercises/{used}").status_code == 200


def test_an_exercise_an_advice_topic_links_cannot_be_deleted(
    client: TestClient, editor: Caller
) -> None:
    linked = "thread-the-needle"  # linked from one advice topic, listed by no programme
    response = client.delete(f"/exercises/{linked}", headers=editor.headers)
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"Exercise {linked!r} is used by advice topics (common-causes); take it out of them first."
    )
    topic = client.get("/advice/common-causes").json()
    assert linked in [link["slug"] for link in topic["related_exercises"]]


def test_a_changed_exercise_moves_its_programmes_forward_for_sync(
    client: TestClient, editor: Caller
) -> None:
    programme = FILES.programmes[0]
    before = client.get(f"/programmes/{programme.slug}").json()["updated_at"]
    slug = programme.items[0].exercise
    client.patch(f"/exercises/{slug}", json={"summary": "Changed."}, headers=editor.headers)
    after = client.get(f"/programmes/{programme.slug}").json()
    assert after["updated_at"] > before
    assert after["items"][0]["exercise"]["summary"] == "Changed."


def test_a_taken_slug_is_a_409(client: TestClient, editor: Caller) -> None:
    response = client.post("/exercises", json=exercise_body("dead-bug"), headers=editor.headers)
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "nul\u0000byte"}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 4001}, "description"),
        ({"steps": ["ok", "bad\u0000"]}, "steps[1]"),
        ({"category": "yoga"}, "category"),
        ({"equipment": ["none", "mat"]}, "equipment"),
        ({"sources": ["made-up-source"]}, "sources[0]"),
        ({"name": "  padded  "}, "name"),
        ({"dosage": {"frequency": "daily"}}, "dosage"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_content_is_a_422_never_a_500(
    client: TestClient, editor: Caller, changes: dict[str, Any], field: str
) -> None:
    response = client.post(
        "/exercises", json=exercise_body("checked", **changes), headers=editor.headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


def test_a_malformed_slug_is_a_422(client: TestClient, editor: Caller) -> None:
    response = client.post("/exercises", json=exercise_body("Not A Slug"), headers=editor.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "slug"


def test_a_patch_that_would_break_the_item_is_a_422(client: TestClient, editor: Caller) -> None:
    response = client.patch("/exercises/bird-dog", json={"name": None}, headers=editor.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"


def test_writing_content_needs_content_write(client: TestClient, runner_app: Caller) -> None:
    assert (
        client.post("/exercises", json=exercise_body("x"), headers=runner_app.headers).status_code
        == 403
    )
    assert client.delete("/exercises/bird-dog").status_code == 401


def test_advice_and_programmes_are_editable_too(
    client: TestClient, editor: Caller, session: Session
) -> None:
    topic = next(a for a in FILES.advice if a.slug == "what-to-do-first")
    body = {**topic.model_dump(mode="json", exclude={"uuid"}), "slug": "new-topic"}
    assert client.post("/advice", json=body, headers=editor.headers).status_code == 201
    programme = FILES.programmes[0]
    body = {**programme.model_dump(mode="json", exclude={"uuid"}), "slug": "new-plan"}
    body["items"] = [{"exercise": "no-such-exercise"}]
    bad = client.post("/programmes", json=body, headers=editor.headers)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "items[0].exercise"
    body["items"] = [{"exercise": "bird-dog", "notes": "Slowly."}]
    made = client.post("/programmes", json=body, headers=editor.headers)
    assert made.status_code == 201
    assert made.json()["items"][0]["exercise"]["slug"] == "bird-dog"
    assert client.delete("/advice/new-topic", headers=editor.headers).status_code == 204
    assert [e.resource for e in audit_for(session, "new-plan")] == ["programme"]


def test_the_audit_log_is_paged_newest_first(
    client: TestClient, editor: Caller, runner_app: Caller
) -> None:
    for slug in ("audit-a", "audit-b", "audit-c"):
        client.post("/exercises", json=exercise_body(slug), headers=editor.headers)
    first = client.get(
        "/audit", params={"limit": 2, "resource": "exercise"}, headers=editor.headers
    )
    assert first.status_code == 200
    page = first.json()
    assert [e["item"] for e in page["items"]] == ["audit-c", "audit-b"]
    rest = client.get(
        "/audit",
        params={"limit": 2, "resource": "exercise", "cursor": page["next_cursor"]},
        headers=editor.headers,
    ).json()
    assert rest["items"][0]["item"] == "audit-a"
    assert client.get("/audit", headers=runner_app.headers).status_code == 403


def test_a_slug_taken_by_a_concurrent_write_is_a_409_not_a_500(
    client: TestClient, editor: Caller, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import content_admin

    # As if another request created the slug between our check and our insert.
    monkeypatch.setattr(content_admin, "_slug_holder", lambda session, kind, slug: None)
    response = client.post("/exercises", json=exercise_body("bird-dog"), headers=editor.headers)
    assert response.status_code == 409
    assert response.json()["type"] == "/problems/conflict"


def test_changes_to_clients_are_audited_for_client_admins_only(
    client: TestClient, editor: Caller, admin: Caller
) -> None:
    client.post("/clients", json={"name": "audited", "scopes": ["assess"]}, headers=admin.headers)
    client.post("/exercises", json=exercise_body("audited-drill"), headers=editor.headers)
    seen_by_editor = {
        e["resource"] for e in client.get("/audit", headers=editor.headers).json()["items"]
    }
    seen_by_admin = {
        e["resource"] for e in client.get("/audit", headers=admin.headers).json()["items"]
    }
    assert "client" not in seen_by_editor
    assert "exercise" in seen_by_editor
    assert {"client", "exercise"} <= seen_by_admin


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [e["field"] for e in response.json()["errors"]]


def test_patching_a_loaded_exercise_into_the_acute_phase_is_a_422_naming_phases(
    client: TestClient, editor: Caller
) -> None:
    before = client.get("/exercises/kettlebell-deadlift").json()
    response = client.patch(
        "/exercises/kettlebell-deadlift", json={"phases": ["acute"]}, headers=editor.headers
    )
    assert _fields(response) == ["phases[0]", "phases[0]", "phases[0]"]
    details = [e["detail"] for e in response.json()["errors"]]
    assert "mobility or stretch exercise, not strength" in details[0]
    assert "must be beginner, not intermediate" in details[1]
    assert "no equipment, not kettlebell" in details[2]
    assert client.get("/exercises/kettlebell-deadlift").json() == before


def test_an_exercise_without_cautions_is_a_422_naming_cautions(
    client: TestClient, editor: Caller
) -> None:
    response = client.patch(
        "/exercises/kettlebell-deadlift",
        json={"phases": ["acute"], "cautions": []},
        headers=editor.headers,
    )
    assert _fields(response) == ["cautions"]
    response = client.post(
        "/exercises", json=exercise_body("no-cautions", cautions=[]), headers=editor.headers
    )
    assert _fields(response) == ["cautions"]


def test_an_exercise_without_contraindications_is_a_422_naming_contraindications(
    client: TestClient, editor: Caller
) -> None:
    for changes in ({"contraindications": None}, {"contraindications": []}):
        response = client.patch("/exercises/bird-dog", json=changes, headers=editor.headers)
        assert _fields(response) == ["contraindications"]
    body = exercise_body("no-contraindications")
    del body["contraindications"]
    response = client.post("/exercises", json=body, headers=editor.headers)
    assert _fields(response) == ["contraindications"]
    assert client.get("/exercises/no-contraindications").status_code == 404


def _stored_without_contraindications(session: Session, slug: str) -> None:
    """As the catalogue held exercises before every one had to name a contraindication."""
    row = catalogue.get_live(session, Exercise, slug)
    row.contraindications = []
    session.add(row)
    session.commit()


def test_a_change_to_an_exercise_stored_without_contraindications_must_add_one(
    client: TestClient, editor: Caller, session: Session
) -> None:
    _stored_without_contraindications(session, "childs-pose-stretch")
    response = client.patch(
        "/exercises/childs-pose-stretch", json={"name": "Child's pose"}, headers=editor.headers
    )
    assert _fields(response) == ["contraindications"]
    response = client.patch(
        "/exercises/childs-pose-stretch",
        json={"name": "Child's pose", "contraindications": ["Recent knee surgery."]},
        headers=editor.headers,
    )
    assert response.status_code == 200, response.text
    assert response.json()["contraindications"] == ["Recent knee surgery."]


def test_an_exercise_stored_without_contraindications_can_be_deleted(
    client: TestClient, editor: Caller, session: Session
) -> None:
    _stored_without_contraindications(session, "childs-pose-stretch")
    response = client.delete("/exercises/childs-pose-stretch", headers=editor.headers)
    assert response.status_code == 204, response.text
    (entry,) = [e for e in audit_for(session, "childs-pose-stretch") if e.action == "delete"]
    assert entry.before is not None
    assert entry.before["contraindications"] == []


def test_creating_an_acute_core_exercise_is_a_422(client: TestClient, editor: Caller) -> None:
    body = exercise_body("acute-bird-dog", phases=["recovery", "acute"])  # bird-dog is core
    response = client.post("/exercises", json=body, headers=editor.headers)
    assert _fields(response) == ["phases[1]"]
    assert "not core" in response.json()["errors"][0]["detail"]
    assert client.get("/exercises/acute-bird-dog").status_code == 404


def test_replacing_a_stretch_with_acute_kit_is_a_422(client: TestClient, editor: Caller) -> None:
    source = next(e for e in FILES.exercises if e.slug == "knee-to-chest-stretch")
    body = {**source.model_dump(mode="json", exclude={"uuid"}), "equipment": ["mat"]}
    response = client.put("/exercises/knee-to-chest-stretch", json=body, headers=editor.headers)
    assert _fields(response) == ["phases[0]"]
    assert "no equipment, not mat" in response.json()["errors"][0]["detail"]


def test_foam_rolling_the_lower_back_is_a_422_naming_the_target(
    client: TestClient, editor: Caller
) -> None:
    response = client.patch(
        "/exercises/foam-roll-quads",
        json={"target_areas": ["quads", "lower_back"]},
        headers=editor.headers,
    )
    assert _fields(response) == ["target_areas[1]"]
    assert "lower back" in response.json()["errors"][0]["detail"]


def test_a_gentle_acute_exercise_is_accepted(client: TestClient, editor: Caller) -> None:
    source = next(e for e in FILES.exercises if e.slug == "cat-cow")
    body = {**source.model_dump(mode="json", exclude={"uuid"}), "slug": "gentle-new"}
    response = client.post("/exercises", json=body, headers=editor.headers)
    assert response.status_code == 201, response.text
    assert response.json()["phases"][0] == "acute"
