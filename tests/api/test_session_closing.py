"""Request sessions are closed on threads of their own (app.api.deps._closing), and closed
even when their request is cancelled while it waits for one."""

from __future__ import annotations

import threading

import anyio
from anyio import create_task_group, sleep
from fastapi.testclient import TestClient
from sqlmodel import Session
from starlette.types import Message, Receive, Scope, Send

from app.api.deps import CLOSING_THREADS, _closing, _closing_limiter
from tests.conftest import AppFactory


class FakeSession:
    """What _closing uses of a Session: a transaction under way, and close()."""

    def __init__(self) -> None:
        self.closed_on: str | None = None

    def in_transaction(self) -> bool:
        return True

    def close(self) -> None:
        self.closed_on = threading.current_thread().name


def test_a_session_is_closed_on_a_thread_of_its_own() -> None:
    session = FakeSession()

    async def request() -> None:
        async with _closing(session):  # type: ignore[arg-type]
            pass

    anyio.run(request)
    assert session.closed_on not in (None, threading.current_thread().name)


def test_a_request_cancelled_while_it_waits_to_close_its_session_closes_it_still() -> None:
    session = FakeSession()

    async def scenario() -> None:
        limiter = _closing_limiter()
        holders = [object() for _ in range(CLOSING_THREADS)]
        for holder in holders:  # every closing thread busy
            await limiter.acquire_on_behalf_of(holder)

        async def request() -> None:
            async with _closing(session):  # type: ignore[arg-type]
                pass

        async with create_task_group() as group:
            group.start_soon(request)
            await sleep(0.05)
            assert session.closed_on is None  # waiting for a closing thread
            group.cancel_scope.cancel()  # the request is cancelled (the server stopping)
            for holder in holders:
                limiter.release_on_behalf_of(holder)

    anyio.run(scenario)
    assert session.closed_on is not None


def test_a_request_session_is_closed_before_the_answer_starts(make_app: AppFactory) -> None:
    # SessionDep's "function" scope: the session (and its connection) is given back when
    # the endpoint returns, not after the client has read the answer.
    app = make_app()
    sessions: list[Session] = []
    closed: list[Session] = []
    make_session = app.state.session_factory

    def tracked(**options: bool) -> Session:
        session = make_session(**options)
        close = session.close

        def closing() -> None:
            closed.append(session)
            close()

        session.close = closing  # type: ignore[method-assign]
        sessions.append(session)
        return session

    app.state.session_factory = tracked
    closed_at_start: list[int] = []

    async def observed(scope: Scope, receive: Receive, send: Send) -> None:
        async def watch(message: Message) -> None:
            if message["type"] == "http.response.start":
                closed_at_start.append(len(closed))
            await send(message)

        await app(scope, receive, watch)

    with TestClient(observed) as client:
        answer = client.get("/exercises", params={"limit": 2})
    assert answer.status_code == 200
    assert len(answer.json()["items"]) == 2
    assert len(sessions) == 1
    assert closed_at_start == [1]
