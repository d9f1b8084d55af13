"""Stored assessments: history (newest first, paged), rule 14 from history, explain, delete,
erasure, purge, batch, and tenant isolation (another client's things are 404, never 403)."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlmodel import Session, col, select

from app.db import utcnow
from app.models import AssessmentRecord
from app.services import assessments
from tests.api.conftest import Caller
from tests.api.test_assess import DESK_WORKER, LOCKED_UP

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NO_PAIN = {"sitting": {"hours_per_day": 4}}


def painful(subject: str, **symptoms: Any) -> dict[str, Any]:
    return {
        "subject_id": subject,
        "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 3, **symptoms},
    }


def post(client: TestClient, caller: Caller, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/assess", json=body, headers=caller.headers)
    assert response.status_code in (200, 201), response.text
    result: dict[str, Any] = response.json()
    return result


def make_older(session: Session, assessment_id: str, *, days: int) -> None:
    """Move a stored assessment `days` into the past."""
    record = session.get(AssessmentRecord, uuid.UUID(assessment_id))
    assert record is not None
    record.created_at = utcnow() - timedelta(days=days)
    session.add(record)
    session.commit()


def test_history_lists_a_subjects_assessments_newest_first(
    client: TestClient, runner_app: Caller
) -> None:
    ids = [post(client, runner_app, painful("runner-7"))["id"] for _ in range(5)]
    post(client, runner_app, painful("someone-else"))
    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"subject_id": "runner-7", "limit": 2}
        if cursor:
            params["cursor"] = cursor
        page = client.get("/assessments", params=params, headers=runner_app.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))


def test_two_earlier_painful_assessments_make_a_recurrence(
    client: TestClient, runner_app: Caller
) -> None:
    first = post(client, runner_app, painful("runner-9"))
    assert "recurrent_episodes" not in [f["code"] for f in first["risk_factors"]]
    post(client, runner_app, painful("runner-9"))
    third = post(client, runner_app, {**painful("runner-9"), "store": False})
    factor = next(f for f in third["risk_factors"] if f["code"] == "recurrent_episodes")
    assert factor["evidence"]["earlier_painful_assessments"] == 2
    assert {"running_technique_analysis", "strength_training"} <= {
        a["code"] for a in third["actions"]
    }


def test_history_ignores_pain_free_and_old_assessments(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    post(client, runner_app, {**NO_PAIN, "subject_id": "runner-3"})
    old = post(client, runner_app, painful("runner-3"))
    make_older(session, old["id"], days=366)
    post(client, runner_app, painful("runner-3"))
    latest = post(client, runner_app, {**painful("runner-3"), "store": False})
    assert "recurrent_episodes" not in [f["code"] for f in latest["risk_factors"]]


def test_history_counts_painful_assessments_inside_the_window(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    for _ in range(2):
        make_older(session, post(client, runner_app, painful("runner-364"))["id"], days=364)
    latest = post(client, runner_app, {**NO_PAIN, "subject_id": "runner-364", "store": False})
    factor = next(f for f in latest["risk_factors"] if f["code"] == "recurrent_episodes")
    assert factor["evidence"]["earlier_painful_assessments"] == 2


def test_history_is_per_client(client: TestClient, runner_app: Caller, other_app: Caller) -> None:
    post(client, other_app, painful("shared-name"))
    post(client, other_app, painful("shared-name"))
    mine = post(client, runner_app, painful("shared-name"))
    assert "recurrent_episodes" not in [f["code"] for f in mine["risk_factors"]]


def test_explain_a_stored_assessment(client: TestClient, runner_app: Caller) -> None:
    stored = post(client, runner_app, LOCKED_UP)
    response = client.get(f"/assessments/{stored['id']}/explain", headers=runner_app.headers)
    body = response.json()
    assert body["assessment_id"] == stored["id"]
    rules = {r["rule"]: r for r in body["explanation"]["rules"]}
    assert len(rules) == 17
    assert rules["R3"]["fired"] is True
    assert rules["R3"]["inputs"]["locked_up"] is True
    assert rules["R1"]["fired"] is False
    assert rules["R1"]["effects"] == {}


def test_delete_an_assessment(client: TestClient, runner_app: Caller) -> None:
    stored = post(client, runner_app, DESK_WORKER)
    path = f"/assessments/{stored['id']}"
    assert client.delete(path, headers=runner_app.headers).status_code == 204
    assert client.get(path, headers=runner_app.headers).status_code == 404
    assert client.delete(path, headers=runner_app.headers).status_code == 404


def test_erasing_a_subject_deletes_everything_stored_for_it(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    for _ in range(3):
        post(client, runner_app, painful("to-forget"))
    keep = post(client, runner_app, painful("to-keep"))
    response = client.delete("/subjects/to-forget", headers=runner_app.headers)
    assert response.status_code == 200
    assert response.json() == {"subject_id": "to-forget", "assessments_deleted": 3}
    left = session.exec(
        select(AssessmentRecord.subject_id).where(col(AssessmentRecord.subject_id).like("to-%"))
    ).all()
    assert left == ["to-keep"]
    assert client.get(f"/assessments/{keep['id']}", headers=runner_app.headers).status_code == 200
    again = client.delete("/subjects/to-forget", headers=runner_app.headers)
    assert again.status_code == 404


def test_another_clients_assessment_is_404_for_get_delete_and_explain(
    client: TestClient, runner_app: Caller, other_app: Caller
) -> None:
    theirs = post(client, other_app, painful("their-runner"))
    for method, path in (
        ("GET", f"/assessments/{theirs['id']}"),
        ("GET", f"/assessments/{theirs['id']}/explain"),
        ("DELETE", f"/assessments/{theirs['id']}"),
        ("DELETE", "/subjects/their-runner"),
    ):
        response = client.request(method, path, headers=runner_app.headers)
        assert response.status_code == 404, (method, path)
        assert response.headers["content-type"] == "application/problem+json"
    # Untouched for its owner.
    assert client.get(f"/assessments/{theirs['id']}", headers=other_app.headers).status_code == 200
    listing = client.get(
        "/assessments", params={"subject_id": "their-runner"}, headers=runner_app.headers
    )
    assert listing.json() == {"items": [], "next_cursor": None}


def test_an_unknown_id_is_404_and_a_malformed_one_422(
    client: TestClient, runner_app: Caller
) -> None:
    missing = client.get(f"/assessments/{uuid.uuid4()}", headers=runner_app.headers)
    assert missing.status_code == 404
    malformed = client.get("/assessments/not-a-uuid", headers=runner_app.headers)
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "assessment_id"


def test_purge_removes_only_assessments_older_than_the_retention(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    old = post(client, runner_app, painful("purge-me"))
    recent = post(client, runner_app, painful("purge-me"))
    make_older(session, old["id"], days=400)
    assert assessments.purge(session=session, older_than_days=365) == 1
    assert session.get(AssessmentRecord, uuid.UUID(old["id"])) is None
    assert session.get(AssessmentRecord, uuid.UUID(recent["id"])) is not None


def test_purge_deletes_a_chunk_at_a_time_each_in_its_own_transaction(
    client: TestClient, runner_app: Caller, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So that storing never waits for a whole purge (on SQLite, for the one write lock)."""
    old = [post(client, runner_app, painful("purge-in-chunks"))["id"] for _ in range(5)]
    kept = post(client, runner_app, painful("purge-in-chunks"))["id"]
    for assessment_id in old:
        make_older(session, assessment_id, days=400)
    commits: list[int] = []
    commit = session.commit
    monkeypatch.setattr(session, "commit", lambda: (commits.append(1), commit())[1])
    assert assessments.purge(session=session, older_than_days=365, chunk=2) == 5
    # 2, 2, 1, and one that finds none left (a short chunk is no end: another purge may be
    # deleting at the same time).
    assert len(commits) == 4
    assert all(session.get(AssessmentRecord, uuid.UUID(i)) is None for i in old)
    assert session.get(AssessmentRecord, uuid.UUID(kept)) is not None


def test_a_batch_answers_each_item_in_order(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    items = [
        DESK_WORKER,
        {**LOCKED_UP, "store": False},
        {"symptoms": {"pain_now": 12}},
        {},
        painful("batch-runner"),
        5,
    ]
    response = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    assert response.status_code == 200
    body = response.json()
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4, 5]
    assert [r["status"] for r in body["results"]] == [201, 200, 422, 422, 201, 422]
    assert (body["stored"], body["invalid"]) == (2, 3)
    first, unstored, bad, empty, last, number = body["results"]
    assert first["assessment"]["subject_id"] == "runner-4821"
    assert "id" not in unstored["assessment"]
    assert unstored["assessment"]["running"]["advice"] == "stop"
    assert bad["problem"]["errors"] == [
        {"field": "symptoms.pain_now", "detail": "Input should be less than or equal to 10"},
        {"field": "symptoms.onset", "detail": "required when there is pain"},
        {"field": "symptoms.duration_days", "detail": "required when there is pain"},
    ]
    assert [e["field"] for e in number["problem"]["errors"]] == ["body"]
    assert bad["problem"]["instance"] == "/assess/batch#/items/2"
    assert [e["field"] for e in empty["problem"]["errors"]] == ["training", "sitting", "symptoms"]
    stored_ids = {first["assessment"]["id"], last["assessment"]["id"]}
    for assessment_id in stored_ids:
        assert session.get(AssessmentRecord, uuid.UUID(assessment_id)) is not None


def test_a_batch_counts_earlier_items_as_history(client: TestClient, runner_app: Caller) -> None:
    items = [painful("batch-history"), painful("batch-history"), painful("batch-history")]
    body = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers).json()
    third = body["results"][2]["assessment"]
    assert "recurrent_episodes" in [f["code"] for f in third["risk_factors"]]
    first = body["results"][0]["assessment"]
    assert "recurrent_episodes" not in [f["code"] for f in first["risk_factors"]]


def test_calls_for_one_runner_at_the_same_moment_count_each_other(
    app: FastAPI, client: TestClient, runner_app: Caller, session: Session
) -> None:
    """Ten calls in flight at once for the same runner: each counts the ones that reached
    the server before it, as if they had been sent in order."""
    post(client, runner_app, NO_PAIN)  # the key is now known: no database work to authenticate

    async def together() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            calls = [
                http.post("/assess", json=painful("same-moment"), headers=runner_app.headers)
                for _ in range(10)
            ]
            return await asyncio.gather(*calls)

    responses = asyncio.run(together())
    assert [r.status_code for r in responses] == [201] * 10
    counts = session.exec(
        select(AssessmentRecord.earlier_painful_assessments).where(
            AssessmentRecord.subject_id == "same-moment"
        )
    ).all()
    assert sorted(counts) == list(range(10))


@pytest.mark.parametrize("count", [0, 501])
def test_a_batch_needs_1_to_500_items(client: TestClient, runner_app: Caller, count: int) -> None:
    response = client.post(
        "/assess/batch", json={"items": [NO_PAIN] * count}, headers=runner_app.headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["field"] == "items"
    assert "500" in body["errors"][0]["detail"] or "at least 1" in body["errors"][0]["detail"]


def test_a_batch_refuses_fields_beside_items_and_stores_nothing(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    # `store` belongs in each item: beside `items` it would otherwise be ignored, and the
    # items stored against the caller's wish.
    item = {**NO_PAIN, "subject_id": "misplaced-store"}
    response = client.post(
        "/assess/batch", json={"store": False, "items": [item]}, headers=runner_app.headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == ["store"]
    stored = session.exec(
        select(AssessmentRecord).where(AssessmentRecord.subject_id == "misplaced-store")
    ).all()
    assert stored == []


def test_a_batchs_items_are_listed_newest_first_in_reverse_order(
    client: TestClient, runner_app: Caller
) -> None:
    items = [painful("batch-order", pain_now=n) for n in (1, 2, 3, 4)]
    results = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    ids = [item["assessment"]["id"] for item in results.json()["results"]]
    listing = client.get(
        "/assessments", params={"subject_id": "batch-order"}, headers=runner_app.headers
    ).json()
    assert [item["id"] for item in listing["items"]] == list(reversed(ids))


def test_stored_ids_are_time_ordered_uuids_of_their_created_at(
    client: TestClient, runner_app: Caller
) -> None:
    """Ids are UUID version 7 (time first, so the primary key's index is appended to): a
    later call's id sorts after a batch's (within one millisecond ids are random), and each
    carries its own created_at to the millisecond."""
    items = [painful("time-ordered", pain_now=n) for n in (1, 2, 3)]
    batch = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    answers = [item["assessment"] for item in batch.json()["results"]]
    time.sleep(0.002)  # the next millisecond at least
    answers.append(post(client, runner_app, painful("time-ordered")))
    ids = [uuid.UUID(answer["id"]) for answer in answers]
    assert {each.version for each in ids} == {7}
    assert {each.variant for each in ids} == {uuid.RFC_4122}
    for each, answer in zip(ids, answers, strict=True):
        created = datetime.fromisoformat(answer["created_at"])
        assert each.int >> 80 == (created - EPOCH) // timedelta(milliseconds=1)
    assert ids[-1] > max(ids[:-1])
    assert ids[-1].hex > max(each.hex for each in ids[:-1])  # as SQLite stores them
    assert len(set(ids)) == len(ids)


def test_a_batch_of_500_is_accepted(client: TestClient, runner_app: Caller) -> None:
    items = [{**NO_PAIN, "store": False}] * 500
    response = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 500


def test_an_answer_from_another_ruleset_version_is_not_explained(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    stored = post(client, runner_app, LOCKED_UP)
    record = session.get(AssessmentRecord, uuid.UUID(stored["id"]))
    assert record is not None
    record.ruleset_version = "2000.1.1"
    session.add(record)
    session.commit()
    response = client.get(f"/assessments/{stored['id']}/explain", headers=runner_app.headers)
    assert response.status_code == 409
    assert "2000.1.1" in response.json()["detail"]


def test_the_explanation_of_a_stored_answer_matches_the_one_given_at_once(
    client: TestClient, runner_app: Caller
) -> None:
    for _ in range(2):
        post(client, runner_app, painful("explained"))
    inline = client.post(
        "/assess",
        params={"explain": "true"},
        json=painful("explained"),
        headers=runner_app.headers,
    ).json()
    later = client.get(f"/assessments/{inline['id']}/explain", headers=runner_app.headers)
    assert later.json()["explanation"] == inline["explanation"]
    r14 = next(r for r in inline["explanation"]["rules"] if r["rule"] == "R14")
    assert r14["fired"] is True
    assert r14["inputs"]["earlier_painful_assessments"] == 2


def test_a_batch_may_exceed_64_kib_up_to_its_own_limit(
    client: TestClient, runner_app: Caller
) -> None:
    items = [{**DESK_WORKER, "store": False}] * 400  # about 130 KiB
    ok = client.post("/assess/batch", json={"items": items}, headers=runner_app.headers)
    assert ok.status_code == 200
    huge = {"items": [{**NO_PAIN, "subject_id": "x" * 120, "pad": "y" * 3000}] * 400}
    too_big = client.post("/assess/batch", json=huge, headers=runner_app.headers)
    assert too_big.status_code == 413
    assert too_big.headers["content-type"] == "application/problem+json"


def test_impossible_subject_and_client_names_are_404(
    client: TestClient, runner_app: Caller, admin: Caller
) -> None:
    assert client.delete("/subjects/a%00b", headers=runner_app.headers).status_code == 404
    assert client.get("/clients/a%00b", headers=admin.headers).status_code == 404
    assert client.delete("/clients/a%00b", headers=admin.headers).status_code == 404


def test_a_tiny_baseline_is_stored_like_starting_from_zero(
    client: TestClient, runner_app: Caller
) -> None:
    body = {"training": {"weekly_distance_km": 500, "baseline_weekly_distance_km": 1e-320}}
    response = client.post("/assess", json=body, headers=runner_app.headers)
    assert response.status_code == 201, response.text
    spike = response.json()["risk_factors"][0]
    assert spike["level"] == "high"
    assert spike["evidence"]["load_ratio"] is None
