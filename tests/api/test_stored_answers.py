"""Stored answers are kept compressed against a dictionary made from the ruleset, stored in
the database beside them: what is read back is what was answered, the rows are a fraction
of the answer's size, and an answer whose dictionary is missing or altered is an error,
never a wrong answer."""

from __future__ import annotations

import hashlib
import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from app.models import AnswerDictionary, AssessmentRecord
from app.rules.engine import answer_dictionary
from app.rules.ruleset import load_ruleset
from app.services import stored_answers
from app.services.stored_answers import StoredAnswerError
from tests.api.conftest import Caller
from tests.api.test_assess import DESK_WORKER, LOCKED_UP


def _record(session: Session, assessment_id: str) -> AssessmentRecord:
    record = session.get(AssessmentRecord, uuid.UUID(assessment_id))
    assert record is not None
    return record


def test_a_stored_answer_reads_back_as_answered_from_a_row_a_fraction_of_its_size(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    posted = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers)
    assert posted.status_code == 201, posted.text
    read = client.get(posted.headers["Location"], headers=runner_app.headers)
    assert read.status_code == 200
    assert read.json() == posted.json()

    record = _record(session, posted.json()["id"])
    answer = {k: v for k, v in posted.json().items() if k not in {"id", "created_at"}}
    answer.pop("subject_id")
    answer_bytes = len(json.dumps(answer, separators=(",", ":")).encode())
    assert answer_bytes > 5000  # the answer is big: texts, sources, exercises
    assert len(record.result_zstd) < answer_bytes / 5
    ruleset = load_ruleset()
    dictionary = session.get(AnswerDictionary, record.result_dictionary_id)
    assert dictionary is not None
    assert dictionary.content == answer_dictionary(ruleset)
    assert dictionary.id == hashlib.sha256(dictionary.content).hexdigest()
    assert dictionary.ruleset_version == ruleset.version


def test_one_dictionary_serves_every_answer_of_a_ruleset(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    for body in (DESK_WORKER, LOCKED_UP):
        assert client.post("/assess", json=body, headers=runner_app.headers).status_code == 201
    batch = client.post(
        "/assess/batch", json={"items": [DESK_WORKER, LOCKED_UP]}, headers=runner_app.headers
    )
    assert batch.json()["stored"] == 2
    assert len(session.exec(select(AnswerDictionary)).all()) == 1
    mine = select(AssessmentRecord).where(AssessmentRecord.client_id == runner_app.client.id)
    named = {record.result_dictionary_id for record in session.exec(mine).all()}
    assert len(named) == 1
    assert None not in named


def test_an_answer_without_its_dictionary_is_an_error_not_a_wrong_answer(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    posted = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers).json()
    record = _record(session, posted["id"])
    # Read with no dictionary (or the wrong one), the bytes do not make an answer.
    with pytest.raises(StoredAnswerError):
        stored_answers.read(session, None).decompress(record.result_zstd)
    with pytest.raises(StoredAnswerError, match="missing"):
        stored_answers.read(session, "0" * 64)


def test_a_dictionary_altered_in_the_database_is_refused(session: Session) -> None:
    content = b"some words an answer is made of"
    name = hashlib.sha256(content).hexdigest()
    session.add(AnswerDictionary(id=name, content=content, ruleset_version="2026.1.1"))
    session.commit()
    session.execute(
        update(AnswerDictionary)
        .where(AnswerDictionary.id == name)  # type: ignore[arg-type]
        .values(content=b"other words")
    )
    session.commit()
    with pytest.raises(StoredAnswerError, match="does not match"):
        stored_answers.read(session, name)


def test_the_dictionary_is_written_again_when_the_database_lost_it(
    app: FastAPI, client: TestClient, runner_app: Caller, session: Session
) -> None:
    """Asked in every group that stores: a dictionary this process wrote once, then lost (a
    transaction rolled back around it, a database restored), is written again, and no
    answer is stored without it. (Under a ruleset of this test's own, so that no other
    test's dictionary is already there.)"""
    ruleset = load_ruleset()
    app.state.ruleset = ruleset.model_copy(
        update={"disclaimer": f"{ruleset.disclaimer} ({uuid.uuid4()})"}
    )
    dictionary = stored_answers.for_ruleset(app.state.ruleset)
    assert not stored_answers.is_stored(session.connection(), dictionary)
    for _ in range(2):
        around = session.begin_nested()
        session.connection()  # sends the SAVEPOINT now (begin_nested waits for a use)
        posted = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers)
        assert posted.status_code == 201, posted.text
        assert stored_answers.is_stored(session.connection(), dictionary)
        around.rollback()
        assert not stored_answers.is_stored(session.connection(), dictionary)


def test_the_dictionary_follows_the_ruleset_texts() -> None:
    ruleset = load_ruleset()
    assert answer_dictionary(ruleset) == answer_dictionary(load_ruleset())
    reworded = ruleset.model_copy(update={"disclaimer": ruleset.disclaimer + " Reworded."})
    assert b"Reworded." in answer_dictionary(reworded)
    assert b"Reworded." not in answer_dictionary(ruleset)
    for words in (ruleset.disclaimer, ruleset.action("stay_calm").detail):
        assert json.dumps(words, ensure_ascii=False).encode() in answer_dictionary(ruleset)


def test_threads_compress_and_decompress_at_once() -> None:
    """zstd contexts are per thread: answers compressed and read back by eight threads at
    once all come back whole."""
    dictionary = stored_answers.for_ruleset(load_ruleset())
    answers = [answer_dictionary(load_ruleset())[i : i + 9000] for i in range(0, 9000, 300)]

    def round_trips(answer: bytes) -> bool:
        return all(dictionary.decompress(dictionary.compress(answer)) == answer for _ in range(50))

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trips, answers))
