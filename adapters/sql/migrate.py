"""Apply Alembic migrations from code (the CLI's ``migrate`` and ``serve``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations
from adapters.sql.engine import create_engine

# Any constant shared by every replica: they serialise on it while migrating.
ADVISORY_LOCK_KEY = 0x70D0C4A7


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _current(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _with_lock(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


async def _release_lock(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})


async def _run(url: str, action: str, revision: str) -> str | None:
    config = alembic_config(url)
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await _with_lock(connection)
            await connection.commit()
            try:

                def migrate(sync_connection: Any) -> str | None:
                    config.attributes["connection"] = sync_connection
                    getattr(command, action)(config, revision)
                    return _current(sync_connection)

                current = await connection.run_sync(migrate)
                await connection.commit()
            finally:
                await _release_lock(connection)
                await connection.commit()
            return current
    finally:
        await engine.dispose()


async def upgrade_to_head(url: str) -> str | None:
    """Bring the database to the newest revision (idempotent); return that revision."""
    return await _run(url, "upgrade", "head")


async def upgrade_to(url: str, revision: str) -> str | None:
    return await _run(url, "upgrade", revision)


async def downgrade_to(url: str, revision: str) -> str | None:
    return await _run(url, "downgrade", revision)


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(_current)
    finally:
        await engine.dispose()
