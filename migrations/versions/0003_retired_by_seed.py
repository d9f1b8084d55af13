"""retired by seed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 10:00:00.000000

The seed tells its own deletions (an entry that left the content files) from an editor's,
so that it can bring back the first kind when the entry returns and never the second.
Rows deleted before this revision are classified from the audit trail: an editor's deletion
always wrote a `delete` entry in the same transaction, stamped at the row's `deleted_at` or
just after it; the seed of that time wrote none. So a seeded row is deleted by an editor when
a `delete` entry is at least as new as its `deleted_at`, and otherwise retired by the seed,
even when an editor deleted it once before (it was re-created since, then retired).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = {"exercise": "exercise", "advice": "advice", "programme": "programme"}


def upgrade() -> None:
    for table in TABLES:
        # The default fills existing rows; it is dropped afterwards because the application
        # always writes the column (the model declares no server default).
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "retired_by_seed", sa.Boolean(), nullable=False, server_default=sa.false()
                )
            )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("retired_by_seed", server_default=None)
    for table, resource in TABLES.items():
        op.execute(
            sa.text(
                f"UPDATE {table} SET retired_by_seed = :yes "  # noqa: S608 (fixed names)
                "WHERE deleted_at IS NOT NULL AND seed_hash IS NOT NULL AND NOT EXISTS ("
                "SELECT 1 FROM audit_entry a WHERE a.item_id = "
                f"{table}.id AND a.resource = :resource AND a.action = 'delete' "
                f"AND a.created_at >= {table}.deleted_at)"
            ).bindparams(yes=True, resource=resource)
        )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("retired_by_seed")
