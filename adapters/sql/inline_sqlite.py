"""An aiosqlite-shaped driver that runs sqlite3 on the event loop's own thread.

aiosqlite runs every call (cursor, execute, fetch, close, commit) on a worker thread and
wakes the loop for each result: about 80 thread round trips per chat turn, which cost more
CPU than the statements themselves (a turn's statements are index lookups of tens of
microseconds in WAL mode). SQLAlchemy's aiosqlite dialect is kept and given this module
instead (``create_async_engine(..., module=...)``), so the SQL, the pool and the dialect's
behaviour do not change; only where the C calls run does.

The one call that can wait is taking the write lock while another *process* holds it (in
this process writers already queue on ``Sessions.writer_turn``). SQLite's own busy handler
would sleep inside the call and stall the loop, so connections open with a zero busy
timeout and a "database is locked" is retried here with ``asyncio.sleep`` until the
configured busy timeout has passed. A statement that failed with SQLITE_BUSY did nothing,
so running it again is what SQLite's busy handler does too.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator, Iterable
from typing import Any

# The names SQLAlchemy's aiosqlite dialect reads off the driver module.
DatabaseError = sqlite3.DatabaseError
Error = sqlite3.Error
IntegrityError = sqlite3.IntegrityError
NotSupportedError = sqlite3.NotSupportedError
OperationalError = sqlite3.OperationalError
ProgrammingError = sqlite3.ProgrammingError
sqlite_version = sqlite3.sqlite_version
sqlite_version_info = sqlite3.sqlite_version_info

# First pause after SQLITE_BUSY; doubled up to the cap (another process's write
# transaction is a few milliseconds long).
FIRST_PAUSE = 0.001
LONGEST_PAUSE = 0.05


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error)
    return "database is locked" in text or "database table is locked" in text


class _Now:
    """Stands in for aiosqlite's job queue: SQLAlchemy's isolation-level setter puts
    ``(future, function)`` on it; here the function runs at once."""

    __slots__ = ()

    def put_nowait(self, job: tuple[asyncio.Future[Any], Callable[[], Any]]) -> None:
        future, function = job
        try:
            future.set_result(function())
        except BaseException as error:  # handed to the awaiting caller, as aiosqlite does
            future.set_exception(error)


class Cursor:
    __slots__ = ("_connection", "_cursor")

    def __init__(self, connection: Connection, cursor: sqlite3.Cursor) -> None:
        self._connection = connection
        self._cursor = cursor

    async def __aenter__(self) -> Cursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        run = self._cursor.execute
        if parameters is None:
            await self._connection.retry_busy(run, sql)
        else:
            await self._connection.retry_busy(run, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> Cursor:
        await self._connection.retry_busy(self._cursor.executemany, sql, list(parameters))
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class Connection:
    """What SQLAlchemy's aiosqlite adapter uses of ``aiosqlite.Connection``."""

    __slots__ = ("_busy_timeout", "_connection", "_tx")

    def __init__(self, connection: sqlite3.Connection, busy_timeout: float) -> None:
        self._connection: sqlite3.Connection | None = connection
        self._busy_timeout = busy_timeout
        self._tx = _Now()

    @property
    def _conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("no active connection")
        return self._connection

    async def retry_busy(self, call: Callable[..., Any], *arguments: Any) -> Any:
        try:
            return call(*arguments)
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or self._busy_timeout <= 0:
                raise
        deadline, pause = time.monotonic() + self._busy_timeout, FIRST_PAUSE
        while True:
            await asyncio.sleep(pause)
            try:
                return call(*arguments)
            except sqlite3.OperationalError as error:
                if not _is_busy(error) or time.monotonic() >= deadline:
                    raise
            pause = min(pause * 2, LONGEST_PAUSE)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: str | None) -> None:
        self._conn.isolation_level = value

    def cursor(self) -> Cursor:  # SQLAlchemy enters it with ``async with``, never awaits it
        return Cursor(self, self._conn.cursor())

    async def execute(self, sql: str, parameters: Any = None) -> Cursor:
        return await self.cursor().execute(sql, parameters)

    async def commit(self) -> None:
        await self.retry_busy(self._conn.commit)

    async def rollback(self) -> None:
        self._conn.rollback()

    async def create_function(self, name: str, arguments: int, function: Callable[..., Any], **kw: Any) -> None:
        self._conn.create_function(name, arguments, function, **kw)

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:  # also SQLAlchemy's forced terminate
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class _Connecting:
    """``aiosqlite.connect(...)``: awaitable, opens the connection when awaited."""

    __slots__ = ("_database", "_options")

    def __init__(self, database: str, options: dict[str, Any]) -> None:
        self._database = database
        self._options = options

    def __await__(self) -> Generator[Any, None, Connection]:
        return self._open().__await__()

    async def _open(self) -> Connection:
        options = dict(self._options)
        busy_timeout = float(options.pop("timeout", 5.0))
        # Never let sqlite3 sleep in its busy handler on the loop's thread (see above). The pool
        # hands a connection to one unit of work at a time, which may be on another thread's
        # loop than the one that opened it (a test client's portal, a CLI's asyncio.run).
        options.setdefault("check_same_thread", False)
        connection = sqlite3.connect(self._database, timeout=0, **options)
        return Connection(connection, busy_timeout)


def connect(database: str, **options: Any) -> _Connecting:
    return _Connecting(database, options)
