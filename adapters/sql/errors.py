"""One translation of storage failures into the application's DatabaseUnavailable."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Iterator
from typing import TypeVar

from sqlalchemy import exc as sa_exc

from application.errors import DatabaseUnavailable

T = TypeVar("T")

# Connection refused/dropped, timeouts, pool exhaustion, a locked SQLite file.
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.TimeoutError,
    OSError,
    TimeoutError,
)


# SQLite reports schema and syntax mistakes as OperationalError too: those are bugs.
_PROGRAMMING_HINTS = ("no such table", "no such column", "syntax error", "has no column")


# Postgres SQLSTATEs that mean "not now" rather than "wrong": connection exceptions (08),
# insufficient resources such as too many connections (53), shutdown or start-up in
# progress (57P01-57P03) and a cancelled statement (57014). SQLAlchemy wraps most of these
# in a plain DBAPIError, so the class alone does not tell.
_UNAVAILABLE_SQLSTATE_PREFIXES = ("08", "53", "57P", "57014")


def _sqlstate(error: BaseException) -> str:
    original = error.orig if isinstance(error, sa_exc.DBAPIError) else error
    return str(getattr(original, "sqlstate", None) or "")


def is_unavailable(error: BaseException) -> bool:
    if isinstance(error, sa_exc.OperationalError) and any(h in str(error) for h in _PROGRAMMING_HINTS):
        return False
    if isinstance(error, _UNAVAILABLE):
        return True
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    if _sqlstate(error).startswith(_UNAVAILABLE_SQLSTATE_PREFIXES):
        return True
    # The next call in a transaction whose connection died ("can't reconnect until invalid
    # transaction is rolled back", SQLAlchemy error code 8s2b) is the same outage.
    if isinstance(error, sa_exc.PendingRollbackError) and error.code == "8s2b":
        return True
    # asyncpg raises its own connection errors; avoid importing it for SQLite users.
    return type(error).__module__.startswith("asyncpg") and "Connection" in type(error).__name__


@contextlib.contextmanager
def translated() -> Iterator[None]:
    """Re-raise storage outages inside the block as DatabaseUnavailable; anything else as is."""
    try:
        yield
    except Exception as error:
        if is_unavailable(error):
            raise DatabaseUnavailable(f"database unavailable: {type(error).__name__}") from error
        raise


async def guarded(operation: Awaitable[T]) -> T:
    with translated():
        return await operation
