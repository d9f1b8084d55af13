"""GET /advice and /advice/{slug}: topics in display order, Markdown bodies, links."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.services.seed import load_content_files

FILE_ADVICE = load_content_files().advice


def test_topics_are_listed_in_display_order(client: TestClient) -> None:
    body = client.get("/advice", params={"limit": 100}).json()
    expected = [item.slug for item in sorted(FILE_ADVICE, key=lambda item: item.order)]
    assert [item["slug"] for item in body["items"]] == expected
    assert body["next_cursor"] is None


def test_paging_through_topics(client: TestClient) -> None:
    first = client.get("/advice", params={"limit": 3}).json()
    second = client.get("/advice", params={"limit": 3, "cursor": first["next_cursor"]}).json()
    slugs = [i["slug"] for i in first["items"] + second["items"]]
    expected = [item.slug for item in sorted(FILE_ADVICE, key=lambda item: item.order)]
    assert slugs == expected[:6]


def test_a_topic_has_markdown_sources_and_resolving_exercise_links(client: TestClient) -> None:
    body = client.get("/advice/sudden-locked-up-back").json()
    assert body["title"]
    assert body["summary"]
    assert "\n" in body["body"]  # Markdown, not a single line
    assert "not a diagnosis" in body["body"].lower()
    assert {s["key"] for s in body["sources"]} >= {"mlh-physio-runners-lbp"}
    assert body["related_exercises"]
    for link in body["related_exercises"]:
        exercise = client.get(link["href"])
        assert exercise.status_code == 200
        assert exercise.json()["name"] == link["name"]


def test_urgent_care_topic_names_the_emergency_signs(client: TestClient) -> None:
    body = client.get("/advice/when-to-seek-urgent-care").json()["body"].lower()
    for sign in ("urine", "bowels", "numbness", "both legs", "a&e"):
        assert sign in body
    assert {"nice-ng59", "nhs-cauda-equina"} <= {
        s["key"] for s in client.get("/advice/when-to-seek-urgent-care").json()["sources"]
    }


def test_unknown_topic_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/advice/not-a-topic")
    assert response.status_code == 404
    assert response.json()["detail"] == "No advice topic with slug 'not-a-topic'."
