"""Losing the database: 503 problems with Retry-After (never a 500), /healthz stays up, the
service recovers by itself, and nothing acknowledged is lost.

Runs a real server (two workers) against PostgreSQL through a TCP forwarder that the test
breaks: stopped (connections reset, new ones refused) or frozen (silence: nothing passed
on, every socket left open, as when a network drops packets).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.exc import OperationalError

from app.config import load_settings
from app.db import CommitOutcomeUnknown, create_db_engine, throwaway_postgres_database
from tests.live import TcpForwarder, backpain, serving

pytestmark = pytest.mark.slow

# DB_CONNECT_TIMEOUT_SECONDS for the server under test: short, so that the test is.
TIMEOUT = 1
# The longest a request may wait on a frozen database (see app.db.postgres_limits): its
# pooled connection's pre-ping gets no answer for 4 x TIMEOUT, then a new connection gets
# none within the connect timeout (libpq waits 2 s at the least); plus slack for a
# loaded machine.
FROZEN_BOUND_SECONDS = 4 * TIMEOUT + max(2, TIMEOUT) + 4


@pytest.fixture(scope="module")
def postgres_url(database_url: str) -> Iterator[str]:
    """One database for the module's tests (each leaves the forwarder as it found it)."""
    url = make_url(database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("the forwarder sits in front of PostgreSQL (run with TEST_DATABASE_URL)")
    with throwaway_postgres_database(database_url) as fresh:
        yield fresh


@pytest.fixture(scope="module")
def running_forwarder(postgres_url: str) -> Iterator[TcpForwarder]:
    url = make_url(postgres_url)
    proxy = TcpForwarder(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def forwarder(running_forwarder: TcpForwarder) -> Iterator[TcpForwarder]:
    yield running_forwarder
    running_forwarder.thaw()  # whatever the test did, the next one finds it passing bytes
    running_forwarder.start()


def through(forwarder: TcpForwarder, postgres_url: str) -> str:
    """The database URL that reaches the database through the forwarder."""
    return make_url(postgres_url).set(host="127.0.0.1", port=forwarder.port).render_as_string(False)


@dataclass(frozen=True)
class Site:
    base: str
    key: str


@pytest.fixture(scope="module")
def live_site(postgres_url: str, running_forwarder: TcpForwarder) -> Iterator[Site]:
    """A migrated, seeded database, a key that may assess, and a server (two workers)
    reaching the database only through the forwarder."""
    assert backpain("migrate", database_url=postgres_url).returncode == 0
    assert backpain("seed", database_url=postgres_url).returncode == 0
    created = backpain(
        "clients", "create", "--name", "fault-test", "--scope", "assess", database_url=postgres_url
    )
    assert created.returncode == 0, created.stderr
    with serving(
        through(running_forwarder, postgres_url),
        "--workers",
        "2",
        DB_CONNECT_TIMEOUT_SECONDS=str(TIMEOUT),
        RATE_LIMIT_PER_MINUTE="1000000",  # the writers below are not what is tested
    ) as base:
        yield Site(base, created.stdout.strip())


@pytest.fixture
def site(live_site: Site, forwarder: TcpForwarder) -> Site:
    wait_until_ready(live_site)  # after whatever the test before did
    return live_site


def assess(site: Site, subject: str, client: httpx.Client | None = None) -> httpx.Response:
    return (client or httpx).post(
        f"{site.base}/assess",
        json={"subject_id": subject, "sitting": {"hours_per_day": 9}},
        headers={"X-API-Key": site.key},
        timeout=30,
    )


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) > 0
    body = response.json()
    assert body["type"] == "/problems/service-unavailable"
    assert "Traceback" not in response.text
    assert "psycopg" not in response.text


def wait_until_ready(site: Site, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while httpx.get(f"{site.base}/readyz", timeout=within).status_code != 200:
        assert time.monotonic() < deadline, f"did not recover within {within} seconds"
        time.sleep(0.5)


def stored_subjects(postgres_url: str, prefix: str = "") -> dict[str, str]:
    """subject_id -> assessment id of every stored assessment whose subject starts with
    `prefix`, read straight from the database (not through the forwarder)."""
    engine = create_db_engine(load_settings(database_url=postgres_url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT subject_id, id FROM assessment WHERE starts_with(subject_id, :p)"),
                {"p": prefix},
            ).all()
    finally:
        engine.dispose()
    return {subject: str(assessment_id) for subject, assessment_id in rows}


def test_the_service_survives_losing_its_database(
    site: Site, forwarder: TcpForwarder, postgres_url: str
) -> None:
    acknowledged = []
    for n in range(4):
        response = assess(site, f"stop-before-{n}")
        assert response.status_code == 201
        acknowledged.append(response.json()["id"])

    forwarder.stop()
    assert httpx.get(f"{site.base}/healthz").json() == {"status": "ok"}
    # Every request that needs the database: a 503 problem, from each worker.
    for _ in range(4):
        assert_unavailable(httpx.get(f"{site.base}/readyz"))
        assert_unavailable(assess(site, "stop-during"))
        assert_unavailable(httpx.get(f"{site.base}/exercises"))
        assert_unavailable(
            httpx.get(f"{site.base}/assessments/{acknowledged[0]}", headers={"X-API-Key": site.key})
        )
    assert httpx.get(f"{site.base}/healthz").status_code == 200

    forwarder.start()
    wait_until_ready(site)
    for n in range(4):  # every worker, every pooled connection, is healthy again
        response = assess(site, f"stop-after-{n}")
        assert response.status_code == 201, response.text
        acknowledged.append(response.json()["id"])
    for assessment_id in acknowledged:
        response = httpx.get(
            f"{site.base}/assessments/{assessment_id}", headers={"X-API-Key": site.key}
        )
        assert response.status_code == 200, assessment_id
    assert "stop-during" not in stored_subjects(postgres_url, "stop-")


def test_a_silent_network_cut_answers_503_within_the_timeouts_and_recovers(
    site: Site, forwarder: TcpForwarder, postgres_url: str
) -> None:
    """Frozen, the database's sockets stay open and nothing answers: without deadlines of
    its own the service would wait for ever on its pooled connections."""
    with httpx.Client() as client:  # connections in both workers' pools
        for n in range(6):
            response = client.get(f"{site.base}/exercises", headers={"Connection": "close"})
            assert response.status_code == 200
            assert assess(site, f"freeze-before-{n}").status_code == 201

    forwarder.freeze()

    def timed(request: str) -> tuple[httpx.Response, float]:
        started = time.monotonic()
        if request == "assess":
            response = assess(site, "freeze-during")
        else:
            response = httpx.get(f"{site.base}{request}", timeout=30)
        return response, time.monotonic() - started

    requests = ["/readyz", "/exercises", "assess", "/readyz", "/exercises", "assess"]
    with ThreadPoolExecutor(len(requests)) as pool:
        answers = pool.map(timed, requests)
        started = time.monotonic()
        health = httpx.get(f"{site.base}/healthz", timeout=5)
        health_took = time.monotonic() - started
        answered = list(answers)
    assert health.json() == {"status": "ok"}
    assert health_took < 1
    for request, (response, took) in zip(requests, answered, strict=True):
        assert_unavailable(response)
        assert took < FROZEN_BOUND_SECONDS, f"{request} took {took:.1f} s"

    forwarder.thaw()
    wait_until_ready(site)
    for n in range(4):
        assert assess(site, f"freeze-after-{n}").status_code == 201
    stored = stored_subjects(postgres_url, "freeze-")
    assert set(stored) == {f"freeze-before-{n}" for n in range(6)} | {
        f"freeze-after-{n}" for n in range(4)
    }


@dataclass
class Outcome:
    status: int | None = None  # None: no answer (the connection failed or timed out)
    assessment_id: str | None = None
    problem: str | None = None  # what was wrong with a 503, if anything


def test_writes_in_flight_when_the_database_goes_are_acknowledged_only_when_stored(
    site: Site, forwarder: TcpForwarder, postgres_url: str
) -> None:
    """Writers keep posting while the database is cut and restored, both ways: every 201
    is in the database, and nothing answered 503 is. A request that got no answer at all
    may or may not be stored (its commit may have happened and the reply been lost)."""
    outcomes: dict[str, Outcome] = {}
    done = threading.Event()

    def writer(name: str) -> None:
        with httpx.Client() as client:
            n = 0
            while not done.is_set():
                subject, n = f"writer-{name}-{n}", n + 1
                outcome = outcomes[subject] = Outcome()
                try:
                    response = assess(site, subject, client)
                except httpx.TransportError:
                    time.sleep(0.1)
                    continue
                outcome.status = response.status_code
                if response.status_code == 201:
                    outcome.assessment_id = response.json()["id"]
                    continue
                if response.status_code == 503:
                    try:
                        assert_unavailable(response)
                    except AssertionError as error:
                        outcome.problem = str(error)
                time.sleep(0.1)  # a client that was told to retry later waits a little

    writers = [threading.Thread(target=writer, args=(f"w{n}",)) for n in range(4)]
    for thread in writers:
        thread.start()
    try:
        for cut, restore in [
            (forwarder.stop, forwarder.start),
            (forwarder.freeze, forwarder.thaw),
            (forwarder.stop, forwarder.start),
        ]:
            time.sleep(1.5)
            cut()
            # A freeze outlasts the deadline on answers (4 x TIMEOUT), or nothing fails.
            time.sleep(2 if cut == forwarder.stop else 4 * TIMEOUT + 1)
            restore()
        time.sleep(1.5)
    finally:
        done.set()
        for thread in writers:
            thread.join(timeout=60)
    wait_until_ready(site)

    stored = stored_subjects(postgres_url, "writer-")
    by_status: dict[int | None, int] = {}
    for outcome in outcomes.values():
        by_status[outcome.status] = by_status.get(outcome.status, 0) + 1
    assert set(by_status) <= {201, 503, None}, by_status
    assert by_status.get(201, 0) > 20, by_status  # the writers wrote
    assert by_status.get(503, 0) > 0, by_status  # and the cuts were felt
    assert [o.problem for o in outcomes.values() if o.problem] == []
    for subject, outcome in outcomes.items():
        if outcome.status == 201:
            assert stored.get(subject) == outcome.assessment_id, f"{subject} acknowledged, lost"
        elif outcome.status == 503:
            assert subject not in stored, f"{subject} answered 503 but stored"
    assert set(stored) <= set(outcomes)


# --- A COMMIT cut off: settled with the database, never guessed -------------------------


@pytest.fixture
def notes(postgres_url: str, forwarder: TcpForwarder) -> Iterator[Engine]:
    """A serving engine (as the server's) that reaches a table `note` through the forwarder."""
    direct = create_db_engine(load_settings(database_url=postgres_url))
    with direct.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS note (body text)"))
        connection.execute(text("DELETE FROM note"))
    direct.dispose()
    settings = load_settings(
        database_url=through(forwarder, postgres_url), db_connect_timeout_seconds=TIMEOUT
    )
    engine = create_db_engine(settings)
    yield engine
    engine.dispose()


def write_across_a_freeze_at_commit(
    engine: Engine,
    forwarder: TcpForwarder,
    *,
    deliver: bool,
    frozen_seconds: float = 4 * TIMEOUT + 1,  # past the deadline on the COMMIT's answer
) -> Exception | None:
    """Insert a note and commit, the forwarder freezing as the COMMIT goes by, delivered
    or not; thawed after `frozen_seconds`. What commit() raised."""
    # The COMMIT statement as sent (a simple query ends with a NUL byte): not the BEGIN,
    # whose "ISOLATION LEVEL READ COMMITTED" holds the word too.
    forwarder.freeze_at(b"COMMIT\x00", deliver=deliver)
    raised: list[Exception] = []

    def write() -> None:
        try:
            with engine.connect() as connection:
                connection.execute(text("INSERT INTO note VALUES ('written')"))
                connection.commit()
        except Exception as error:
            raised.append(error)

    writer = threading.Thread(target=write)
    started = time.monotonic()
    writer.start()
    time.sleep(frozen_seconds)
    forwarder.thaw()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert time.monotonic() - started < frozen_seconds + 2 * FROZEN_BOUND_SECONDS
    return raised[0] if raised else None


def stored_notes(postgres_url: str) -> list[str]:
    engine = create_db_engine(load_settings(database_url=postgres_url))
    try:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT body FROM note")).scalars())
    finally:
        engine.dispose()


def test_a_commit_whose_answer_is_lost_is_confirmed_by_the_database(
    notes: Engine, forwarder: TcpForwarder, postgres_url: str
) -> None:
    """The database got the COMMIT and carried it out; only its answer was lost. Saying
    "not saved" would be a lie that the client's retry turns into a duplicate."""
    assert write_across_a_freeze_at_commit(notes, forwarder, deliver=True) is None
    assert stored_notes(postgres_url) == ["written"]


def test_a_commit_that_never_arrived_is_reported_as_not_saved(
    notes: Engine, forwarder: TcpForwarder, postgres_url: str
) -> None:
    error = write_across_a_freeze_at_commit(notes, forwarder, deliver=False)
    assert isinstance(error, OperationalError)
    assert stored_notes(postgres_url) == []


def test_a_commit_that_cannot_be_settled_is_reported_as_of_unknown_outcome(
    notes: Engine, forwarder: TcpForwarder
) -> None:
    """Frozen past the deadline on the answer and past the time given to asking the
    database: the commit may or may not have happened, and the error says exactly that
    (answered as its own 503, never "nothing was saved")."""
    error = write_across_a_freeze_at_commit(
        notes, forwarder, deliver=False, frozen_seconds=8 * TIMEOUT + 2
    )
    assert isinstance(error, OperationalError)
    assert isinstance(error.orig, CommitOutcomeUnknown)
