"""OAuth for MCP sign-in: registered clients, grants, authorization codes, refresh tokens.

Codes and refresh tokens are stored as SHA-256 digests only.

Revision ID: 0002_oauth
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_oauth"
down_revision = "0001"
branch_labels = None
depends_on = None

# Self-contained on purpose, like 0001.
UtcDateTime = sa.DateTime(timezone=True)
ClientId = sa.String(2048)
Digest = sa.String(64)


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("client_id", ClientId, nullable=False),
        sa.Column("metadata_json", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.PrimaryKeyConstraint("client_id", name="pk_oauth_clients"),
    )
    op.create_table(
        "oauth_grants",
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("client_id", ClientId, nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("revoked_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("grant_id", name="pk_oauth_grants"),
    )
    op.create_index("ix_oauth_grants_user_id", "oauth_grants", ["user_id"])
    op.create_table(
        "oauth_codes",
        sa.Column("code_hash", Digest, nullable=False),
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("client_id", ClientId, nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("redirect_uri_explicit", sa.Boolean(), nullable=False),
        sa.Column("code_challenge", sa.String(128), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("consumed_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("code_hash", name="pk_oauth_codes"),
    )
    op.create_table(
        "oauth_refresh_tokens",
        sa.Column("token_hash", Digest, nullable=False),
        sa.Column("grant_id", sa.String(36), nullable=False),
        sa.Column("client_id", ClientId, nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("resource", sa.Text(), nullable=False),
        sa.Column("expires_at", UtcDateTime, nullable=False),
        sa.Column("rotated_at", UtcDateTime, nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_oauth_refresh_tokens"),
    )
    op.create_index("ix_oauth_refresh_tokens_grant_id", "oauth_refresh_tokens", ["grant_id"])


def downgrade() -> None:
    op.drop_index("ix_oauth_refresh_tokens_grant_id", table_name="oauth_refresh_tokens")
    op.drop_table("oauth_refresh_tokens")
    op.drop_table("oauth_codes")
    op.drop_index("ix_oauth_grants_user_id", table_name="oauth_grants")
    op.drop_table("oauth_grants")
    op.drop_table("oauth_clients")
