"""Rate-limit counters shared by every replica (issue 15).

One row per limiter key and fixed window; ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``
counts a hit atomically. Created on every backend (one schema), used on PostgreSQL.

Revision ID: 0004_rate_limits
Revises: 0003_task_features
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_rate_limits"
down_revision = "0003_task_features"
branch_labels = None
depends_on = None

# Self-contained on purpose, like 0001.
UtcDateTime = sa.DateTime(timezone=True)


def upgrade() -> None:
    # UNLOGGED on PostgreSQL: a count is not worth a WAL write and its flush at every hit. The
    # table is emptied after a crash and not copied to standbys: limits start afresh there.
    unlogged = ["UNLOGGED"] if op.get_bind().dialect.name == "postgresql" else []
    op.create_table(
        "rate_limits",
        sa.Column("key", sa.String(80), nullable=False),
        sa.Column("window_start", UtcDateTime, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name="pk_rate_limits"),
        prefixes=unlogged,
    )
    op.create_index("ix_rate_limits_expires_at", "rate_limits", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_rate_limits_expires_at", table_name="rate_limits")
    op.drop_table("rate_limits")
