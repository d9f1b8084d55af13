"""Group commit for /assess: concurrent requests that need the database share the work.

A request that stores its answer or reads its subject's history needs the database, and
one at a time each would pay for its own thread hop, history query, transaction and
commit (and, on SQLite, wait for the one writer). Queued instead, the requests waiting at
any moment run together: one hop to a thread, one history query per client, one insert,
one commit. Under no load a group is a single request and nothing waits; under load the
groups grow and each request costs less.

Nothing is acknowledged before its group has committed, and a group that fails to commit
fails every request in it (each answered with its error), so nothing acknowledged is lost.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from app.metrics import observe_group
from app.rules.ruleset import Ruleset
from app.services.assessments import Job, Outcome, run_group

# A bound on one group, so that a burst does not become one huge transaction.
MAX_GROUP = 500


class AssessmentQueue:
    """One per application (per worker process), used from one event loop at a time. Runs
    groups one after another."""

    def __init__(self, *, sessions: Callable[[], Session], ruleset: Callable[[], Ruleset]) -> None:
        self._sessions = sessions
        self._ruleset = ruleset
        self._pending: list[tuple[Job, asyncio.Future[Outcome]]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: asyncio.Task[None] | None = None

    async def run(self, job: Job) -> Outcome:
        """The job's outcome, once its group has been assessed and committed.

        A caller that goes away (cancelled) while its group runs is not told, but its
        assessment may still be stored, as with any request cut off after it was sent."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests start several): start afresh
            self._loop, self._pending, self._runner = loop, [], None
        future: asyncio.Future[Outcome] = loop.create_future()
        self._pending.append((job, future))
        if self._runner is None or self._runner.done():
            # In a context of its own: the runner outlives the request that started it, and
            # must not log with that request's id.
            self._runner = loop.create_task(self._drain(), context=contextvars.Context())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            group, self._pending = self._pending[:MAX_GROUP], self._pending[MAX_GROUP:]
            try:
                outcomes = await run_in_threadpool(self._run, [job for job, _ in group])
                for (_, future), outcome in zip(group, outcomes, strict=True):
                    if future.done():  # its request was cancelled (the caller went away)
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(_raisable(outcome))
                    else:
                        future.set_result(outcome)
            except asyncio.CancelledError:  # shutting down: no one is left to answer
                waiting, self._pending = group + self._pending, []
                for _, future in waiting:
                    future.cancel()
                raise
            except Exception as error:  # the database failed: every request in the group
                for _, future in group:
                    if not future.done():
                        future.set_exception(error)
            finally:  # whatever happened, no request of the group is left waiting
                for _, future in group:
                    if not future.done():
                        future.set_exception(RuntimeError("the assessment group stopped"))

    def _run(self, jobs: list[Job]) -> list[Outcome | Exception]:
        observe_group(len(jobs))
        with self._sessions() as session:
            return run_group(session=session, jobs=jobs, ruleset=self._ruleset())


def _raisable(error: Exception) -> Exception:
    # A future refuses StopIteration (it would end the awaiting coroutine's generator).
    if isinstance(error, StopIteration):
        return RuntimeError(f"StopIteration raised while assessing: {error!r}")
    return error
