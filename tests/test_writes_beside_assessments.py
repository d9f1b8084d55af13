"""Writing requests under load, on a live server, on SQLite and PostgreSQL: those that read
and then write (a content edit, deleting a stored assessment) succeed while the server
stores assessments as fast as it can, and a burst of them is answered at once.

On SQLite a transaction that has read and then writes fails at once ("database is
locked") if another writer committed in between, and assessments are committed every few
milliseconds under load; so every request that may change something begins its
transaction holding the write lock (BEGIN IMMEDIATE), and waits its turn there instead.
A live server, on a database of its own.
"""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx

from tests.live import backpain, serving, site_database

STORING_THREADS = 3
EDITS = 30
RUNNER = {
    "subject_id": "runner-7",
    "training": {"weekly_distance_km": 50, "baseline_weekly_distance_km": 35},
    "symptoms": {"pain_now": 2, "onset": "gradual", "duration_days": 4},
}


def test_edits_and_deletions_succeed_while_assessments_are_stored(tmp_path: Path) -> None:
    with site_database(tmp_path) as url:
        for command in (("migrate",), ("seed",)):
            done = backpain(*command, database_url=url)
            assert done.returncode == 0, done.stderr
        created = backpain(
            *("clients", "create", "--name", "busy", "--scope", "assess"),
            *("--scope", "content:write"),
            database_url=url,
        )
        assert created.returncode == 0, created.stderr
        headers = {"X-API-Key": created.stdout.strip()}
        with serving(url, RATE_LIMIT_PER_MINUTE="1000000") as base:
            stop = threading.Event()
            stored: list[str] = []
            storing_failures: list[str] = []

            def store() -> None:
                with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                    while not stop.is_set():
                        answer = http.post("/assess", json=RUNNER)
                        if answer.status_code != 201:
                            storing_failures.append(f"{answer.status_code} {answer.text[:200]}")
                            return
                        stored.append(answer.json()["id"])

            threads = [threading.Thread(target=store) for _ in range(STORING_THREADS)]
            for thread in threads:
                thread.start()
            answers: list[tuple[str, int, str]] = []
            try:
                with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
                    while len(stored) < 20 and not storing_failures:
                        stop.wait(0.01)
                    for edit in range(EDITS):
                        # Reads the exercise (and what links it), then writes it and the audit.
                        changed = http.patch(
                            "/exercises/bird-dog", json={"summary": f"Edited under load, {edit}."}
                        )
                        answers.append(("PATCH", changed.status_code, changed.text[:200]))
                        # Reads the assessment (is it the caller's?), then deletes it.
                        deleted = http.delete(f"/assessments/{stored[edit]}")
                        answers.append(("DELETE", deleted.status_code, deleted.text[:200]))
            finally:
                stop.set()
                for thread in threads:
                    thread.join()
            assert storing_failures == []
            assert [(method, status) for method, status, _ in answers] == [
                ("PATCH", 200),
                ("DELETE", 204),
            ] * EDITS, [answer for answer in answers if answer[1] not in (200, 204)][:3]
            with httpx.Client(base_url=base, headers=headers) as http:
                exercise = http.get("/exercises/bird-dog").json()
                assert exercise["summary"] == f"Edited under load, {EDITS - 1}."
                assert http.get(f"/assessments/{stored[0]}").status_code == 404
                assert http.get(f"/assessments/{stored[-1]}").status_code == 200


BURST = 80


def test_a_burst_of_writing_requests_is_answered_without_waiting_for_the_pool(
    tmp_path: Path,
) -> None:
    """More writing requests at once than the thread pool has threads: each endpoint thread
    waits for a database connection, and the connections are held by sessions waiting to
    be closed. Closing has threads of its own, so the burst is answered at once; it used to
    stall for the pool's 30 s timeout and end in 503s."""
    with site_database(tmp_path) as url:
        assert backpain("migrate", database_url=url).returncode == 0
        created = backpain(
            "clients", "create", "--name", "burst", "--scope", "assess", database_url=url
        )
        assert created.returncode == 0, created.stderr
        headers = {"X-API-Key": created.stdout.strip()}
        with serving(url, RATE_LIMIT_PER_MINUTE="1000000") as base:

            async def burst() -> list[int]:
                limits = httpx.Limits(max_connections=BURST)
                async with httpx.AsyncClient(
                    base_url=base, headers=headers, timeout=60, limits=limits
                ) as http:
                    missing = "/assessments/0190a4b2-0000-7000-8000-000000000000"
                    answers = await asyncio.gather(*(http.delete(missing) for _ in range(BURST)))
                    return [answer.status_code for answer in answers]

            started = time.monotonic()
            statuses = asyncio.run(burst())
            elapsed = time.monotonic() - started
    assert statuses == [404] * BURST
    assert elapsed < 15, f"the burst took {elapsed:.1f} s"
