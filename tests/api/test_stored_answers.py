"""Stored answers are kept compressed against a dictionary made for the ruleset, stored in
the database beside them: what is read back is what was answered, the rows are a fraction
of the answer's size, and an answer whose dictionary is missing or altered is an error,
never a wrong answer."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
import zstandard
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlmodel import Session, select

from app.config import Settings
from app.main import create_app
from app.models import AnswerDictionary, AssessmentRecord
from app.models.assessments import AssessmentRequest
from app.rules.engine import Catalogue, Evaluation, assess
from app.rules.ruleset import Ruleset, load_ruleset
from app.rules.samples import sample_answers
from app.services import stored_answers
from app.services.stored_answers import StoredAnswerError
from tests.api.conftest import Caller
from tests.api.test_assess import DESK_WORKER, LOCKED_UP
from tests.rules.conftest import build_catalogue


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
    assert len(record.result_zstd) < answer_bytes / 8
    ruleset = load_ruleset()
    dictionary = session.get(AnswerDictionary, record.result_dictionary_id)
    assert dictionary is not None
    assert dictionary.content == stored_answers.dictionary_content(ruleset)
    assert dictionary.id == hashlib.sha256(dictionary.content).hexdigest()
    assert dictionary.ruleset_version == ruleset.version


def test_answers_stored_with_a_dictionary_of_plain_words_still_read_back(
    client: TestClient, runner_app: Caller, session: Session
) -> None:
    """Before dictionaries were trained, a dictionary was the ruleset's words, one after
    another (zstd's "raw content"): rows stored with one read back as they were answered."""
    posted = client.post("/assess", json=DESK_WORKER, headers=runner_app.headers).json()
    record = _record(session, posted["id"])
    answer = stored_answers.read(session, record.result_dictionary_id).decompress(
        record.result_zstd
    )
    ruleset = load_ruleset()
    words = b"".join(
        json.dumps(text, ensure_ascii=False).encode()
        for text in (ruleset.disclaimer, ruleset.action("stay_calm").detail)
    )
    old = zstandard.ZstdCompressor(
        level=1,
        dict_data=zstandard.ZstdCompressionDict(words, dict_type=zstandard.DICT_TYPE_RAWCONTENT),
        write_checksum=True,
    )
    name = hashlib.sha256(words).hexdigest()
    session.add(AnswerDictionary(id=name, content=words, ruleset_version=ruleset.version))
    record.result_zstd, record.result_dictionary_id = old.compress(answer), name
    session.add(record)
    session.commit()
    read = client.get(f"/assessments/{posted['id']}", headers=runner_app.headers)
    assert read.status_code == 200
    assert read.json() == posted


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


def test_the_dictionary_is_trained_on_answers_under_its_ruleset() -> None:
    """A zstd dictionary (any zstd reads it), trained on the ruleset's sample answers: the
    same ruleset gives the same bytes, reworded texts another dictionary that holds them."""
    ruleset = load_ruleset()
    content = stored_answers.dictionary_content(ruleset)
    assert content[:4] == bytes.fromhex("37a430ec")  # zstd's dictionary magic number
    assert len(content) == stored_answers.DICTIONARY_BYTES
    assert content == stored_answers.dictionary_content(load_ruleset())
    reworded = ruleset.model_copy(update={"disclaimer": ruleset.disclaimer + " Reworded."})
    assert b"Reworded." in stored_answers.dictionary_content(reworded)
    assert b"Reworded." not in content
    assert json.dumps(ruleset.disclaimer, ensure_ascii=False).encode() in content


def test_answers_compress_to_a_small_part_of_their_size() -> None:
    """Answers not among the samples (other runners, linked to exercises): their part
    compressed for each row takes a small part of its size; the shared endings too."""
    ruleset = load_ruleset()
    dictionary = stored_answers.for_ruleset(ruleset)
    catalogue = Catalogue(build_catalogue())
    answers = [
        assess(AssessmentRequest.model_validate(body), ruleset=ruleset, catalogue=catalogue)
        for body in (DESK_WORKER, LOCKED_UP)
    ]
    # Used as a zstd dictionary (its statistics too), not as plain content: each frame
    # names it.
    dict_id = zstandard.ZstdCompressionDict(dictionary.content).dict_id()
    assert dict_id != 0
    for answer in answers:
        head = answer.json[: len(answer.json) - len(answer.ending)]
        frame = dictionary.compress(head)
        assert zstandard.get_frame_parameters(frame).dict_id == dict_id
        assert len(frame) < len(head) / 10
        ending = dictionary.compress(answer.ending, level=stored_answers.ENDING_LEVEL)
        assert len(ending) < len(answer.ending) / 5
        # Made once an ending, harder: smaller than at the level of the rest.
        assert len(ending) < len(dictionary.compress(answer.ending)) * 0.9


def test_threads_compress_and_decompress_at_once() -> None:
    """zstd contexts are per thread: answers compressed and read back by eight threads at
    once all come back whole."""
    dictionary = stored_answers.for_ruleset(load_ruleset())
    answers = sample_answers(load_ruleset())[:30]

    def round_trips(answer: bytes) -> bool:
        return all(dictionary.decompress(dictionary.compress(answer)) == answer for _ in range(50))

    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(round_trips, answers))


def _answers_with_the_same_actions() -> tuple[Evaluation, Evaluation]:
    """Two different answers whose actions are the same (only this week's distance, and so
    the load ratio in the evidence, differs)."""
    catalogue = Catalogue(build_catalogue())
    first, second = (
        assess(
            AssessmentRequest.model_validate(
                {**DESK_WORKER, "training": {**DESK_WORKER["training"], "weekly_distance_km": km}}
            ),
            ruleset=load_ruleset(),
            catalogue=catalogue,
            explain=False,
        )
        for km in (48, 49)
    )
    assert first.json != second.json
    return first, second


def test_an_answer_is_stored_as_two_frames_its_shared_ending_compressed_once() -> None:
    """An answer's ending (its actions on) is one object for answers with the same actions,
    compressed once: every such answer's row ends with the same frame, and reads back whole,
    with this service's reader and with any zstd reader that reads frame after frame."""
    first, second = _answers_with_the_same_actions()
    assert first.ending is second.ending
    assert first.json.endswith(first.ending)
    assert first.ending.startswith(b'"actions":[')
    shared = stored_answers.for_ruleset(load_ruleset())
    dictionary = stored_answers.Dictionary("fresh", shared.content, shared.ruleset_version)
    compressed: list[bytes] = []
    compress = dictionary.compress

    def counting(data: bytes, *, level: int = stored_answers.LEVEL) -> bytes:
        compressed.append(bytes(data))
        return compress(data, level=level)

    dictionary.compress = counting  # type: ignore[method-assign]
    packed = [dictionary.compress_answer(e.json, e.ending) for e in (first, second)]
    assert compressed.count(first.ending) == 1  # once, for both rows
    assert len(compressed) == 3
    ending_frame = compress(first.ending, level=stored_answers.ENDING_LEVEL)
    assert all(row.endswith(ending_frame) for row in packed)
    assert [dictionary.decompress(row) for row in packed] == [first.json, second.json]
    # Any zstd reader that reads frame after frame (the `zstd` command does) reads it whole.
    content = zstandard.ZstdCompressionDict(dictionary.content)
    reader = zstandard.ZstdDecompressor(dict_data=content).decompressobj(read_across_frames=True)
    assert reader.decompress(packed[0]) == first.json


def test_an_ending_that_is_not_the_answers_end_is_refused() -> None:
    first, _ = _answers_with_the_same_actions()
    dictionary = stored_answers.for_ruleset(load_ruleset())
    with pytest.raises(ValueError, match="does not end with"):
        dictionary.compress_answer(first.json, first.ending + b" ")
    assert dictionary.compress_answer(first.json, b"") == dictionary.compress(first.json) + (
        dictionary.compress(b"", level=stored_answers.ENDING_LEVEL)
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda row: row[:-3], "ends inside a frame"),
        (lambda row: row[: len(row) // 2], "ends inside a frame"),
        (lambda row: row + b"more", "does not decompress"),
    ],
    ids=["cut in the last frame", "cut in the first frame", "bytes after the last frame"],
)
def test_a_row_cut_short_or_with_bytes_after_its_frames_is_an_error(
    damage: Callable[[bytes], bytes], message: str
) -> None:
    first, _ = _answers_with_the_same_actions()
    dictionary = stored_answers.for_ruleset(load_ruleset())
    row = dictionary.compress_answer(first.json, first.ending)
    with pytest.raises(StoredAnswerError, match=message):
        dictionary.decompress(damage(row))


def test_the_app_makes_its_dictionary_as_it_starts(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before any request, so that the first group that stores does not train it while it
    holds the database's write lock."""
    made: list[object] = []
    make = stored_answers.for_ruleset

    def recording(ruleset: Ruleset) -> stored_answers.Dictionary:
        made.append(ruleset)
        return make(ruleset)

    monkeypatch.setattr(stored_answers, "for_ruleset", recording)
    application = create_app(settings)
    assert made == []
    with TestClient(application):
        assert made == [application.state.ruleset]
