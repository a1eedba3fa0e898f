"""Apply Alembic migrations from code (the CLI's ``migrate`` and ``serve``).

The Alembic ``Config`` is built here, with ``script_location`` taken from the installed
``migrations`` package, so migrating works from any working directory and needs no
``alembic.ini``. On Postgres every run holds a session-level advisory lock: replicas that
start together take turns, and the ones that come second find the schema at head.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import IO, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

import migrations
from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.errors import translated

# Any constant shared by every replica: they serialise on it while migrating.
ADVISORY_LOCK_KEY = 0x70D0C4A7
# Alembic keeps its running context in module globals (alembic.context, alembic.op), so two
# migrations in one process must not interleave, whatever thread or event loop they run on.
_IN_PROCESS = threading.Lock()
# One connection is all a migration needs.
_SETTINGS = EngineSettings(pool_size=1, max_overflow=0)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(migrations.__file__).parent))
    # Config values go through ConfigParser interpolation: a "%" in a password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def _current(connection: Any) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def _lock(connection: AsyncConnection) -> None:
    if connection.dialect.name == "postgresql":
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        await connection.commit()


async def _unlock(connection: AsyncConnection) -> None:
    # A failed migration leaves an aborted transaction behind: end it before unlocking.
    # If the connection is gone, so is the session-level lock.
    with contextlib.suppress(Exception):
        await connection.rollback()
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
            await connection.commit()


@contextlib.asynccontextmanager
async def _one_at_a_time() -> AsyncIterator[None]:
    # Polling, not a blocking acquire in a thread: cancelling the waiter can never leave
    # the lock taken by nobody.
    while not _IN_PROCESS.acquire(blocking=False):  # noqa: ASYNC110 - a threading lock has no Event
        await asyncio.sleep(0.01)
    try:
        yield
    finally:
        _IN_PROCESS.release()


def _sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL (None for Postgres or an in-memory SQLite)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def _lock_file(database: Path) -> IO[str]:
    return open(database.with_name(database.name + ".migrate-lock"), "a", encoding="utf-8")


@contextlib.asynccontextmanager
async def _one_process_at_a_time(url: str) -> AsyncIterator[None]:
    # Postgres serialises replicas with an advisory lock; SQLite has none, and two processes that both read
    # "no revision yet" would both create the tables. An exclusive lock on a file beside the database
    # serialises them (polled, like the in-process lock, so a cancelled waiter holds nothing).
    path = _sqlite_file(url)
    if path is None or not path.parent.exists():
        yield
        return
    import fcntl  # POSIX only; the service runs on Linux

    with _lock_file(path) as handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


async def _run(url: str, action: str, revision: str) -> str | None:
    config = alembic_config(url)
    engine = create_engine(url, _SETTINGS)

    def migrate(sync_connection: Any) -> str | None:
        config.attributes["connection"] = sync_connection
        getattr(command, action)(config, revision)
        return _current(sync_connection)

    try:
        async with _one_at_a_time(), _one_process_at_a_time(url):
            with translated():
                async with engine.connect() as connection:
                    await _lock(connection)
                    try:
                        current = await connection.run_sync(migrate)
                        await connection.commit()
                    finally:
                        await _unlock(connection)
                    return current
    finally:
        await engine.dispose()


async def upgrade_to_head(url: str) -> str | None:
    """Bring the database to the newest revision (idempotent); return that revision."""
    return await _run(url, "upgrade", "head")


async def upgrade_to(url: str, revision: str) -> str | None:
    return await _run(url, "upgrade", revision)


async def downgrade_to(url: str, revision: str) -> str | None:
    """Step down to ``revision`` ("base" for an empty schema); return the new revision."""
    return await _run(url, "downgrade", revision)


async def current_revision(url: str) -> str | None:
    engine = create_engine(url, _SETTINGS)
    try:
        with translated():
            async with engine.connect() as connection:
                return await connection.run_sync(_current)
    finally:
        await engine.dispose()
