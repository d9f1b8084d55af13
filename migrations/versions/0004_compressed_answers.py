"""compressed answers

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 01:00:00.000000

A stored answer was kept as JSON (about 10 KB, mostly the ruleset's own words, repeated in
every row). From here it is kept zstd-compressed (`result_zstd`), against a dictionary
made from the ruleset that wrote it (table `answer_dictionary`, named by the SHA-256 of its
content; `result_dictionary_id`). The service writes the dictionaries; the answers already
stored are compressed here without one (`result_dictionary_id` NULL), and the downgrade
turns every answer back into JSON, with or without its dictionary.
"""

import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
import zstandard
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Rows converted per round trip: bounded memory, whatever the table's size.
CHUNK = 500

assessment = sa.table(
    "assessment",
    sa.column("id", sa.Uuid()),
    sa.column("result", sa.JSON()),
    sa.column("result_zstd", sa.LargeBinary()),
    sa.column("result_dictionary_id", sa.String()),
)
answer_dictionary = sa.table(
    "answer_dictionary", sa.column("id", sa.String()), sa.column("content", sa.LargeBinary())
)


def _chunks(
    connection: sa.Connection, *columns: sa.ColumnClause[Any]
) -> Iterator[list[tuple[Any, ...]]]:
    """Every assessment's `columns` (id first), CHUNK rows at a time, in id order."""
    last = None
    while True:
        query = sa.select(assessment.c.id, *columns).order_by(assessment.c.id).limit(CHUNK)
        if last is not None:
            query = query.where(assessment.c.id > last)
        rows = [tuple(row) for row in connection.execute(query)]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        "answer_dictionary",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("ruleset_version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_dictionary")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_zstd", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("result_dictionary_id", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessment_result_dictionary_id_answer_dictionary"),
            "answer_dictionary",
            ["result_dictionary_id"],
            ["id"],
            ondelete="RESTRICT",
        )
    connection = op.get_bind()
    # With a checksum, as the service writes them: a damaged row is an error, not an answer.
    compressor = zstandard.ZstdCompressor(level=3, write_checksum=True)
    update = (
        sa.update(assessment)
        .where(assessment.c.id == sa.bindparam("row_id"))
        .values(result_zstd=sa.bindparam("packed"))
    )
    for rows in _chunks(connection, assessment.c.result):
        connection.execute(
            update,
            [
                {"row_id": row_id, "packed": compressor.compress(_json(result))}
                for row_id, result in rows
            ],
        )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.alter_column("result_zstd", existing_type=sa.LargeBinary(), nullable=False)
        batch_op.drop_column("result")


def _frames(decompressor: zstandard.ZstdDecompressor, packed: bytes) -> bytes:
    """A stored answer: its frames' contents, joined (later versions store an answer as
    more than one frame; see app.services.stored_answers)."""
    parts = []
    while True:
        frame = decompressor.decompressobj()
        parts.append(frame.decompress(packed))
        if not frame.eof:
            raise RuntimeError("a stored answer ends inside a zstd frame")
        packed = frame.unused_data
        if not packed:
            return b"".join(parts)


def downgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result", sa.JSON(), nullable=True))
    connection = op.get_bind()
    dictionaries = {}
    for name, content in connection.execute(
        sa.select(answer_dictionary.c.id, answer_dictionary.c.content)
    ):
        if hashlib.sha256(content).hexdigest() != name:
            raise RuntimeError(f"answer_dictionary {name}: its content does not match its id")
        # Plain content, or a trained zstd dictionary (later versions train theirs): zstd
        # tells them apart by the magic number a trained one begins with.
        dictionaries[name] = zstandard.ZstdDecompressor(
            dict_data=zstandard.ZstdCompressionDict(content, dict_type=zstandard.DICT_TYPE_AUTO)
        )
    plain = zstandard.ZstdDecompressor()
    update = (
        sa.update(assessment)
        .where(assessment.c.id == sa.bindparam("row_id"))
        .values(result=sa.bindparam("answer", type_=sa.JSON()))
    )
    for rows in _chunks(connection, assessment.c.result_zstd, assessment.c.result_dictionary_id):
        connection.execute(
            update,
            [
                {
                    "row_id": row_id,
                    "answer": json.loads(
                        _frames(dictionaries[name] if name is not None else plain, packed)
                    ),
                }
                for row_id, packed, name in rows
            ],
        )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.alter_column("result", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_constraint(
            batch_op.f("fk_assessment_result_dictionary_id_answer_dictionary"),
            type_="foreignkey",
        )
        batch_op.drop_column("result_dictionary_id")
        batch_op.drop_column("result_zstd")
    op.drop_table("answer_dictionary")


def _json(value: object) -> bytes:
    # As the service writes it: compact, UTF-8.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
