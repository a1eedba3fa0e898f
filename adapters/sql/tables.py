"""Table definitions (SQLAlchemy Core). The domain never sees these."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Identity,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out, on every backend (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


USER_ID = String(128)
# The lower-cased title that search and the title sort use. Python lowers it (in the mapper)
# so every store agrees: SQLite's lower() is ASCII-only and Postgres' follows the server
# locale. Binary ("C") order on Postgres matches Python's code-point order and SQLite's.
# Text, not String(255): lowering can lengthen a string ("İ" -> "i̇").
TitleKey = Text().with_variant(Text(collation="C"), "postgresql")
ToolCallsJson = JSON().with_variant(JSONB(), "postgresql")

accounts = Table(
    "accounts",
    metadata,
    Column("user_id", USER_ID, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("name", String(120)),
    Column("created_at", UtcDateTime(), nullable=False),
)

task_counters = Table(
    "task_counters",
    metadata,
    Column("user_id", USER_ID, primary_key=True),
    Column("last_id", Integer, nullable=False),
)

tasks = Table(
    "tasks",
    metadata,
    Column("user_id", USER_ID, nullable=False),
    Column("id", Integer, nullable=False, autoincrement=False),
    Column("title", String(255), nullable=False),
    Column("title_key", TitleKey, nullable=False),
    Column("description", Text),
    Column("completed", Boolean, nullable=False, default=False),
    Column("priority", String(6), nullable=False, default="medium"),
    Column("due_date", Date),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    # Issue 17 (migration 0003_task_features). The RRULE text, normalised (domain/recurrence.py).
    Column("recurrence", Text),
    # Labels as typed, a JSON list; label_keys holds them lower-cased as "|shopping|work|" so
    # a label filter is one LIKE on the row itself on every backend (no join, no JSON operators).
    Column("labels", Text, nullable=False, default="[]"),
    Column("label_keys", Text, nullable=False, default=""),
    Column("last_completed_at", UtcDateTime()),
    # Set while the task is in the trash; the list, counts and search skip such rows.
    Column("deleted_at", UtcDateTime()),
    PrimaryKeyConstraint("user_id", "id"),
    CheckConstraint("priority IN ('high', 'medium', 'low')", name="priority"),
    Index(None, "user_id", "completed", "due_date"),
    Index(None, "user_id", "deleted_at"),
)

# A per-user secret for the calendar feed (calendar apps cannot send a bearer token);
# only its SHA-256 digest is kept.
calendar_keys = Table(
    "calendar_keys",
    metadata,
    Column("user_id", USER_ID, primary_key=True),
    Column("key_digest", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime(), nullable=False),
)

conversations = Table(
    "conversations",
    metadata,
    Column("id", Uuid(), primary_key=True),
    Column("user_id", USER_ID, nullable=False),
    Column("title", String(255), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("updated_at", UtcDateTime(), nullable=False),
    Index(None, "user_id", "updated_at"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Uuid(), primary_key=True),
    # Strictly increasing within a conversation, so order is stable even when timestamps tie.
    # Postgres numbers it with an identity; SQLite (which has no identity and serialises
    # writers) takes the conversation's last seq + 1 in the insert itself (repositories.py).
    # Deliberately no index on seq alone: Postgres would then read one conversation's newest
    # messages by scanning seq backwards through every other conversation's newer rows.
    Column("seq", BigInteger, Identity(always=False), nullable=False),
    Column(
        "conversation_id",
        Uuid(),
        ForeignKey("conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("user_id", USER_ID, nullable=False),
    Column("role", String(9), nullable=False),
    Column("content", Text, nullable=False),
    Column("tool_calls", ToolCallsJson, nullable=False),
    Column("token_count", Integer, nullable=False, default=0),
    Column("created_at", UtcDateTime(), nullable=False),
    CheckConstraint("role IN ('user', 'assistant')", name="role"),
    Index(None, "conversation_id", "seq", unique=True),
)

# The built-in OAuth authorization server (MCP sign-in, migration 0002_oauth).
CLIENT_ID = String(2048)  # a client ID metadata document's URL can be long
DIGEST = String(64)  # hex SHA-256

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("client_id", CLIENT_ID, primary_key=True),
    Column("metadata_json", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
)

oauth_grants = Table(
    "oauth_grants",
    metadata,
    Column("grant_id", String(36), primary_key=True),
    Column("user_id", USER_ID, nullable=False),
    Column("client_id", CLIENT_ID, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("resource", Text, nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("revoked_at", UtcDateTime()),
    Index(None, "user_id"),
)

oauth_codes = Table(
    "oauth_codes",
    metadata,
    Column("code_hash", DIGEST, primary_key=True),
    Column("grant_id", String(36), nullable=False),
    Column("client_id", CLIENT_ID, nullable=False),
    Column("user_id", USER_ID, nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("redirect_uri_explicit", Boolean, nullable=False),
    Column("code_challenge", String(128), nullable=False),
    Column("scopes", Text, nullable=False),
    Column("resource", Text, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("consumed_at", UtcDateTime()),
)

oauth_refresh_tokens = Table(
    "oauth_refresh_tokens",
    metadata,
    Column("token_hash", DIGEST, primary_key=True),
    Column("grant_id", String(36), nullable=False),
    Column("client_id", CLIENT_ID, nullable=False),
    Column("user_id", USER_ID, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("resource", Text, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("rotated_at", UtcDateTime()),
    Index(None, "grant_id"),
)

# Rate-limit counters that every replica shares (PostgreSQL; adapters/sql/rate_limits.py):
# one row per limiter key and fixed window. The key is the limiter's name and a digest of what
# it counts, so no email or address is stored in clear. Expired rows are deleted as hits go by.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(80), nullable=False),
    Column("window_start", UtcDateTime(), nullable=False),
    Column("hits", Integer, nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    PrimaryKeyConstraint("key", "window_start"),
    Index(None, "expires_at"),
)
