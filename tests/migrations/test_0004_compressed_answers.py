"""Migration 0004 compresses the answers already stored as JSON, and its downgrade turns
every answer back into JSON (those stored with a dictionary too), on the database under
test, over more rows than the migration converts at a time."""

from __future__ import annotations

import importlib.util
import json
import uuid
from datetime import timedelta
from types import ModuleType
from typing import Any

import sqlalchemy as sa
import zstandard
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from app.db import MIGRATIONS_DIR, downgrade, upgrade, utcnow
from app.models.assessments import AssessmentRequest
from app.models.clients import Principal, Scope
from app.rules.engine import assess
from app.rules.ruleset import load_ruleset
from app.services import assessments


def _migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "migration_0004", MIGRATIONS_DIR / "versions" / "0004_compressed_answers.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# More than two of the rows the migration converts at a time, and a part of one more.
ROWS = 2 * _migration().CHUNK + 3

api_client = sa.table(
    "api_client",
    sa.column("id", sa.Uuid()),
    sa.column("name", sa.String()),
    sa.column("scopes", sa.JSON()),
    sa.column("key_prefix", sa.String()),
    sa.column("key_hash", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
assessment_0003 = sa.table(
    "assessment",
    sa.column("id", sa.Uuid()),
    sa.column("client_id", sa.Uuid()),
    sa.column("subject_id", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("ruleset_version", sa.String()),
    sa.column("severity", sa.String()),
    sa.column("triage_level", sa.String()),
    sa.column("any_pain", sa.Boolean()),
    sa.column("earlier_painful_assessments", sa.Integer()),
    sa.column("request", sa.JSON()),
    sa.column("result", sa.JSON()),
)
BODY = {
    "sitting": {"hours_per_day": 9, "longest_bout_minutes": 120},
    "symptoms": {"pain_now": 3, "onset": "gradual", "duration_days": 6},
}


def _answer(index: int) -> dict[str, Any]:
    """A real answer, made different per row (and not all ASCII)."""
    answer: dict[str, Any] = json.loads(
        assess(AssessmentRequest.model_validate(BODY), ruleset=load_ruleset(), catalogue=[]).json
    )
    answer["triage"]["reason"] += f" (row {index}, café)"
    return answer


def _stored_json(engine: Engine) -> dict[uuid.UUID, Any]:
    with engine.connect() as connection:
        table = sa.table("assessment", sa.column("id", sa.Uuid()), sa.column("result", sa.JSON()))
        return dict(connection.execute(sa.select(table.c.id, table.c.result)).all())


def test_answers_survive_the_upgrade_and_the_downgrade(fresh_engine: Engine) -> None:
    upgrade(fresh_engine, "0003")
    client_id = uuid.uuid4()
    now = utcnow()
    answers = {uuid.uuid4(): _answer(index) for index in range(ROWS)}
    with fresh_engine.begin() as connection:
        connection.execute(
            api_client.insert().values(
                id=client_id,
                name="runner-app",
                scopes=["assess"],
                key_prefix="bp_test",
                key_hash="0" * 64,
                created_at=now,
            )
        )
        connection.execute(
            assessment_0003.insert(),
            [
                {
                    "id": answer_id,
                    "client_id": client_id,
                    "subject_id": "runner-1",
                    "created_at": now - timedelta(minutes=index),
                    "ruleset_version": answer["ruleset_version"],
                    "severity": answer["severity"],
                    "triage_level": answer["triage"]["level"],
                    "any_pain": True,
                    "earlier_painful_assessments": 0,
                    "request": BODY,
                    "result": answer,
                }
                for index, (answer_id, answer) in enumerate(answers.items())
            ],
        )

    upgrade(fresh_engine)
    columns = {c["name"] for c in inspect(fresh_engine).get_columns("assessment")}
    assert "result" not in columns
    assert {"result_zstd", "result_dictionary_id"} <= columns
    packed = sa.table(
        "assessment",
        sa.column("id", sa.Uuid()),
        sa.column("result_zstd", sa.LargeBinary()),
        sa.column("result_dictionary_id", sa.String()),
    )
    with fresh_engine.connect() as connection:
        rows = connection.execute(sa.select(packed)).all()
    assert len(rows) == ROWS
    plain = zstandard.ZstdDecompressor()
    for answer_id, blob, dictionary in rows:
        assert dictionary is None
        assert json.loads(plain.decompress(blob)) == answers[answer_id]

    # Read through the service as any stored answer is; then stored anew, with a dictionary.
    caller = Principal(id=client_id, name="runner-app", scopes=frozenset({Scope.assess}))
    some_id = next(iter(answers))
    with Session(fresh_engine) as session:
        read = assessments.get_assessment(session=session, client=caller, assessment_id=some_id)
        assert (
            read.model_dump(mode="json", exclude={"id", "created_at", "subject_id"})
            == (answers[some_id])
        )
        (outcome,) = assessments.run_batch(
            session=session,
            client=caller,
            requests=[AssessmentRequest.model_validate(BODY)],
            ruleset=load_ruleset(),
        )
    assert outcome.stored is not None
    with fresh_engine.connect() as connection:
        (named,) = connection.execute(
            sa.select(packed.c.result_dictionary_id).where(packed.c.id == outcome.stored.id)
        ).one()
    assert named is not None

    downgrade(fresh_engine, "0003")
    assert "answer_dictionary" not in inspect(fresh_engine).get_table_names()
    assert _stored_json(fresh_engine) == {
        **answers,
        outcome.stored.id: json.loads(outcome.evaluation.json),
    }
