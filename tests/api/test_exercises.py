"""GET /exercises and /exercises/{slug}: filters, cursor paging, sync with tombstones."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.models import Exercise
from app.models.content import ExerciseIn
from app.services import catalogue, exercises
from app.services.seed import load_content_files

FILE_EXERCISES = load_content_files().exercises
ALL_SLUGS = sorted(item.slug for item in FILE_EXERCISES)


def walk(client: TestClient, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every item of a listing, following next_cursor to the end."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(1000):
        response = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the walk did not end")


def new_exercise(slug: str, **changes: Any) -> ExerciseIn:
    base = FILE_EXERCISES[0].model_dump(exclude={"uuid"})
    return ExerciseIn.model_validate({**base, "slug": slug, "name": f"Test {slug}", **changes})


def test_the_first_page_is_twenty_exercises_by_slug(client: TestClient) -> None:
    body = client.get("/exercises").json()
    assert [item["slug"] for item in body["items"]] == ALL_SLUGS[:20]
    assert isinstance(body["next_cursor"], str)


def test_an_exercise_carries_dosage_steps_cautions_sources_and_licence(
    client: TestClient,
) -> None:
    body = client.get("/exercises/bird-dog").json()
    source = next(item for item in FILE_EXERCISES if item.slug == "bird-dog")
    assert body["slug"] == "bird-dog"
    assert body["href"] == "/exercises/bird-dog"
    assert body["id"] == str(source.uuid)
    assert body["steps"] == source.steps
    assert body["dosage"]["frequency"] == source.dosage.frequency
    assert body["cautions"] == source.cautions
    assert body["licence"] == "CC-BY-4.0"
    assert body["attribution"]
    assert {s["key"] for s in body["sources"]} == set(source.sources)
    assert all(s["title"] for s in body["sources"])
    assert body["updated_at"].endswith("Z") or body["updated_at"].endswith("+00:00")


@pytest.mark.parametrize("limit", [1, 7, 20, 100])
def test_walking_every_page_gives_each_exercise_exactly_once(
    client: TestClient, limit: int
) -> None:
    slugs = [item["slug"] for item in walk(client, "/exercises", {"limit": limit})]
    assert slugs == ALL_SLUGS


def test_a_walk_has_no_gaps_or_repeats_while_exercises_are_added(
    client: TestClient, session: Session
) -> None:
    seen: list[str] = []
    response = client.get("/exercises", params={"limit": 10}).json()
    seen += [item["slug"] for item in response["items"]]
    # Added mid-walk: one sorts before the cursor (already passed), one after it.
    for slug in ("aaa-added-before", "zzz-added-after"):
        exercises.save(session, new_exercise(slug), now=datetime.now(UTC))
    session.commit()
    cursor = response["next_cursor"]
    while cursor:
        response = client.get("/exercises", params={"limit": 10, "cursor": cursor}).json()
        seen += [item["slug"] for item in response["items"]]
        cursor = response["next_cursor"]
    assert len(seen) == len(set(seen)), "no repeats"
    assert set(ALL_SLUGS) <= set(seen), "no gaps"
    assert "zzz-added-after" in seen
    assert "aaa-added-before" not in seen  # it sorts before the page already served


def test_category_filter(client: TestClient) -> None:
    items = walk(client, "/exercises", {"category": "core", "limit": 100})
    expected = sorted(i.slug for i in FILE_EXERCISES if i.category == "core")
    assert [item["slug"] for item in items] == expected
    assert expected


def test_target_filter_is_repeatable_and_means_any_of(client: TestClient) -> None:
    items = walk(client, "/exercises", {"target": ["hamstrings", "quads"], "limit": 100})
    expected = sorted(
        i.slug for i in FILE_EXERCISES if {"hamstrings", "quads"} & set(i.target_areas)
    )
    assert [item["slug"] for item in items] == expected
    only_hamstrings = walk(client, "/exercises", {"target": "hamstrings", "limit": 100})
    assert 0 < len(only_hamstrings) < len(items)


def test_equipment_none_lists_exercises_that_need_nothing(client: TestClient) -> None:
    items = walk(client, "/exercises", {"equipment": "none", "limit": 100})
    assert items
    assert all(item["equipment"] == ["none"] for item in items)
    expected = sorted(i.slug for i in FILE_EXERCISES if i.equipment == ["none"])
    assert [item["slug"] for item in items] == expected


def test_equipment_filter_by_kit(client: TestClient) -> None:
    items = walk(client, "/exercises", {"equipment": "foam_roller", "limit": 100})
    assert items
    assert all("foam_roller" in item["equipment"] for item in items)


def test_phase_and_difficulty_filters_combine(client: TestClient) -> None:
    items = walk(client, "/exercises", {"phase": "acute", "difficulty": "beginner"})
    expected = sorted(
        i.slug for i in FILE_EXERCISES if "acute" in i.phases and i.difficulty == "beginner"
    )
    assert [item["slug"] for item in items] == expected
    assert all(item["category"] in ("stretch", "mobility") for item in items)


def test_text_search_looks_in_name_and_description(client: TestClient) -> None:
    items = walk(client, "/exercises", {"q": "PLANK"})
    assert {item["slug"] for item in items} >= {"front-plank", "side-plank"}
    for item in items:
        text = (item["name"] + item["summary"] + item["description"]).lower()
        assert "plank" in text


def test_text_search_treats_wildcards_literally(client: TestClient) -> None:
    assert client.get("/exercises", params={"q": "%"}).json()["items"] == [
        item
        for item in client.get("/exercises", params={"limit": 100}).json()["items"]
        if "%" in item["name"] + item["summary"] + item["description"]
    ]
    assert client.get("/exercises", params={"q": "zz_zz"}).json()["items"] == []


def test_filters_with_no_match_give_an_empty_last_page(client: TestClient) -> None:
    body = client.get("/exercises", params={"category": "foam_roll", "target": "lower_back"})
    assert body.json() == {"items": [], "next_cursor": None}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"category": "yoga"}, "category"),
        ({"target": "elbow"}, "target[0]"),
        ({"equipment": "treadmill"}, "equipment[0]"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-01-01T00:00:00"}, "updated_since"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_parameters_are_a_422_naming_the_parameter(
    client: TestClient, params: dict[str, Any], field: str
) -> None:
    response = client.get("/exercises", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert [e["field"] for e in body["errors"]] == [field]
    assert body["type"] == "/problems/validation-error"


def _tamper(cursor: str) -> str:
    raw = bytearray(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    raw[10] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "make_cursor",
    [
        _tamper,
        lambda c: c[:-3],
        lambda c: "not-a-cursor",
        lambda c: "%%%",
        lambda c: base64.urlsafe_b64encode(b'{"o":"exercise:slug","k":["x"]}').decode(),
    ],
    ids=["flipped-bit", "truncated", "garbage", "not-base64", "unsigned"],
)
def test_a_tampered_cursor_is_a_400_problem(client: TestClient, make_cursor: Any) -> None:
    cursor = client.get("/exercises", params={"limit": 5}).json()["next_cursor"]
    response = client.get("/exercises", params={"limit": 5, "cursor": make_cursor(cursor)})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/invalid-cursor"


def test_a_cursor_from_another_listing_is_refused(client: TestClient) -> None:
    cursor = client.get("/programmes", params={"limit": 1}).json()["next_cursor"]
    response = client.get("/exercises", params={"cursor": cursor})
    assert response.status_code == 400
    assert response.json()["type"] == "/problems/invalid-cursor"


def test_unknown_slug_is_a_404_problem(client: TestClient) -> None:
    for slug in ("no-such-exercise", "Not_A_Slug", "x" * 300):
        response = client.get(f"/exercises/{slug}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 404
        assert body["instance"] == f"/exercises/{slug}"


def test_sync_lists_changes_since_a_time_with_tombstones(
    client: TestClient, session: Session
) -> None:
    everything = walk(client, "/exercises", {"updated_since": "2000-01-01T00:00:00Z"})
    assert sorted(item["slug"] for item in everything) == ALL_SLUGS
    assert all(item["deleted"] is False for item in everything)
    stamps = [item["updated_at"] for item in everything]
    assert stamps == sorted(stamps)

    since = datetime.now(UTC) + timedelta(seconds=1)
    later = since + timedelta(seconds=1)
    doomed = catalogue.get_live(session, Exercise, "calf-raises")
    catalogue.soft_delete(session, doomed, now=later)
    edited = catalogue.get_live(session, Exercise, "bird-dog")
    exercises.save(
        session,
        new_exercise("bird-dog", name="Bird dog (renamed)"),
        row=edited,
        now=later + timedelta(seconds=1),
    )
    session.commit()

    changes = walk(client, "/exercises", {"updated_since": since.isoformat()})
    assert [item["slug"] for item in changes] == ["calf-raises", "bird-dog"]
    tombstone, updated = changes
    assert tombstone == {
        "id": str(doomed.id),
        "slug": "calf-raises",
        "deleted": True,
        "updated_at": tombstone["updated_at"],
        "deleted_at": tombstone["deleted_at"],
    }
    assert updated["name"] == "Bird dog (renamed)"
    assert updated["deleted"] is False

    # Deleted exercises are gone from browsing and from reads.
    assert "calf-raises" not in [i["slug"] for i in walk(client, "/exercises", {"limit": 100})]
    assert client.get("/exercises/calf-raises").status_code == 404


def test_sync_pages_through_changes_with_the_same_stamp(
    client: TestClient, session: Session
) -> None:
    stamp = datetime.now(UTC) + timedelta(days=1)
    rows = session.exec(select(Exercise).where(col(Exercise.slug).like("s%"))).all()
    for row in rows:
        row.updated_at = stamp
        session.add(row)
    session.commit()
    changed = walk(client, "/exercises", {"updated_since": stamp.isoformat(), "limit": 2})
    assert sorted(item["slug"] for item in changed) == sorted(row.slug for row in rows)
    assert len(rows) > 2


@pytest.mark.parametrize("path", ["/exercises/a%00b", "/advice/%00", "/programmes/x%00"])
def test_a_nul_byte_in_a_slug_is_a_404_on_every_database(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "plank\u0000"}, "q"),
        ({"updated_since": "9999-12-31T23:00:00-14:00"}, "updated_since"),
        ({"updated_since": "0001-01-01T00:30:00+14:00"}, "updated_since"),
    ],
)
def test_inputs_the_database_cannot_take_are_a_422(
    client: TestClient, params: dict[str, str], field: str
) -> None:
    response = client.get("/exercises", params=params)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
