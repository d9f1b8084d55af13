"""GET /programmes and /programmes/{slug}: exercises inline, in order, with dosage."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.services.seed import load_content_files

FILES = load_content_files()


def test_a_programme_lists_its_exercises_inline_and_in_order(client: TestClient) -> None:
    source = next(p for p in FILES.programmes if p.slug == "runner-strength")
    body = client.get("/programmes/runner-strength").json()
    assert [step["exercise"]["slug"] for step in body["items"]] == [
        item.exercise for item in source.items
    ]
    assert [step["position"] for step in body["items"]] == list(range(1, len(source.items) + 1))
    for step, item in zip(body["items"], source.items, strict=True):
        exercise = next(e for e in FILES.exercises if e.slug == item.exercise)
        expected = (item.dosage or exercise.dosage).model_dump(mode="json", exclude_none=True)
        assert {k: v for k, v in step["dosage"].items() if v is not None} == expected
        assert step["exercise"]["steps"] == exercise.steps


def test_a_programme_says_who_it_is_for_and_when_to_stop(client: TestClient) -> None:
    body = client.get("/programmes/acute-episode-first-days").json()
    assert body["audience"]
    assert body["stop_when"]
    assert body["phase"] == "acute"
    assert all("acute" in step["exercise"]["phases"] for step in body["items"])


def test_programmes_can_be_filtered_by_phase(client: TestClient) -> None:
    body = client.get("/programmes", params={"phase": "prevention", "limit": 100}).json()
    expected = sorted(p.slug for p in FILES.programmes if p.phase == "prevention")
    assert [p["slug"] for p in body["items"]] == expected


def test_paging_through_programmes(client: TestClient) -> None:
    slugs: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = client.get("/programmes", params=params).json()
        slugs += [p["slug"] for p in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert slugs == sorted(p.slug for p in FILES.programmes)


def test_unknown_programme_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/programmes/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
