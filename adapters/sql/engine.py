"""Engine creation for PostgreSQL (asyncpg) and SQLite (aiosqlite's dialect, sqlite3 on the loop's thread)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_dbapi
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sql import inline_sqlite
from adapters.sql.settings import EngineSettings as EngineSettings  # re-exported: callers import it from here

DEFAULT_URL = "sqlite+aiosqlite:///./todo-chat.db"
# Task numbering uses INSERT .. ON CONFLICT DO UPDATE .. RETURNING (adapters/sql/repositories.py).
SQLITE_MINIMUM = (3, 35, 0)
# Execution option marking an engine whose transactions only read (adapters/sql/uow.py).
READ_ONLY = "todo_chat_read_only"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def runs_inline(engine: AsyncEngine) -> bool:
    """Whether the engine's driver calls finish without giving the loop a turn (inline SQLite):
    a cancellation cannot then cut one short, except while it waits for another process's lock,
    and there the statement has not run."""
    return isinstance(engine.dialect.dbapi, _InlineSqlite)


def create_engine(url: str, settings: EngineSettings | None = None) -> AsyncEngine:
    settings = settings or EngineSettings()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, settings)
    connect_args: dict[str, Any] = {
        "timeout": settings.connect_timeout,
        "command_timeout": settings.command_timeout,
        "server_settings": {"application_name": "todo-chat"},
    }
    engine = create_async_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        pool_recycle=settings.pool_recycle,
        connect_args=connect_args,
        # A failed statement's message would carry its parameters (emails, password hashes,
        # message text) into every log line and traceback that prints it.
        hide_parameters=True,
    )
    _ping_idle_connections(engine, settings.ping_after_idle)
    return engine


def _ping_idle_connections(engine: AsyncEngine, after_idle: float) -> None:
    """SQLAlchemy's pre-ping, but only for connections idle longer than ``after_idle``.

    A failed ping invalidates the whole pool (a restarted server dropped them all) and the
    pool retries the checkout with a new connection, so requests after a database restart
    succeed without the service restarting.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < after_idle:
            return  # new, or busy a moment ago
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise InvalidatePoolError(f"stale pooled connection: {error}") from error


def _sqlite_engine(url: str, settings: EngineSettings) -> AsyncEngine:
    if sqlite3.sqlite_version_info < SQLITE_MINIMUM:
        raise RuntimeError(
            f"SQLite {sqlite3.sqlite_version} is too old: todo-chat needs 3.35 or newer (UPSERT .. RETURNING)"
        )
    database = make_url(url).database
    if not database or database == ":memory:" or "mode=memory" in url:
        # Every pooled connection would open its own empty database, and the migration's
        # engine takes its schema with it when it closes: fail loudly instead.
        raise ValueError(
            "in-memory SQLite is not supported (each connection sees its own empty database); "
            "use a file, e.g. sqlite+aiosqlite:///./todo-chat.db"
        )
    Path(database.removeprefix("file:")).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_timeout=settings.pool_timeout,
        connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000},
        hide_parameters=True,  # never log statement parameters (see above)
        **({"module": _InlineSqlite()} if settings.sqlite_inline else {}),
    )
    # With the inline driver, waiting for another process's write lock is the driver's
    # (asynchronous) retry, not SQLite's busy handler, which would sleep on the loop's thread.
    busy_timeout_ms = 0 if settings.sqlite_inline else int(settings.sqlite_busy_timeout_ms)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN itself (below) instead of the driver's deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front: concurrent writers queue on the busy
        # timeout instead of failing with "database is locked" on lock upgrade. Readers
        # take no lock: in WAL mode they read a snapshot while a writer works.
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


class _InlineSqlite(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI adapter over ``inline_sqlite`` (no worker thread)."""

    def __init__(self) -> None:
        super().__init__(inline_sqlite, sqlite3)  # type: ignore[arg-type]

    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        from sqlalchemy.util.concurrency import await_

        return AsyncAdapt_aiosqlite_connection(self, await_(inline_sqlite.connect(*arg, **kw)))
