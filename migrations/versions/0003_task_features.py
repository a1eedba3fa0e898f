"""Repeating tasks, labels, the trash and the calendar feed's keys (issue 17).

Revision ID: 0003_task_features
Revises: 0002_oauth
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_task_features"
down_revision = "0002_oauth"
branch_labels = None
depends_on = None

# Self-contained on purpose, like 0001.
UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    # batch_alter_table: SQLite cannot add columns with defaults or drop them in place.
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("recurrence", sa.Text(), nullable=True))
        batch.add_column(sa.Column("labels", sa.Text(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("label_keys", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("last_completed_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("deleted_at", UtcDateTime, nullable=True))
    op.create_index("ix_tasks_user_id_deleted_at", "tasks", ["user_id", "deleted_at"])
    op.create_table(
        "calendar_keys",
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("key_digest", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("user_id", name="pk_calendar_keys"),
        sa.UniqueConstraint("key_digest", name="uq_calendar_keys_key_digest"),
    )


def downgrade() -> None:
    op.drop_table("calendar_keys")
    op.drop_index("ix_tasks_user_id_deleted_at", table_name="tasks")
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("last_completed_at")
        batch.drop_column("label_keys")
        batch.drop_column("labels")
        batch.drop_column("recurrence")
