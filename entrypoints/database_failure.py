"""Why the database could not be used at start-up, in the words of one line.

``serve``, ``migrate`` and ``chat`` touch the database before anything else; a server that is
down, a database that does not exist or a role it refuses must read as one line naming
``DATABASE_URL`` (password masked) and the cause, not as a traceback.
"""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import Iterator

from sqlalchemy import exc as sa_exc

from application.errors import DatabaseUnavailable


def _links(error: BaseException) -> Iterator[BaseException]:
    """The error, what caused it, what that wraps (SQLAlchemy's ``orig``), and so on."""
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        link = pending.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        if isinstance(link, sa_exc.DBAPIError) and isinstance(link.orig, BaseException):
            pending.append(link.orig)
        for nested in (link.__cause__, link.__context__):
            if nested is not None:
                pending.append(nested)
        pending.extend(getattr(link, "exceptions", ()))  # an ExceptionGroup, or asyncpg's several hosts


def _os_cause(error: OSError) -> str:
    if isinstance(error, socket.gaierror):
        return "unknown host"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(error, TimeoutError):
        return "timed out connecting"
    return (error.strerror or str(error)).strip().lower() or type(error).__name__


def database_failure(error: BaseException) -> str | None:
    """The cause in a few words when ``error`` is the database failing, else None (a bug: re-raise it)."""
    links = list(_links(error))
    for link in links:
        module = type(link).__module__
        # The server's own words: 'role "x" does not exist', 'database "y" does not exist', ...
        if module.startswith("asyncpg") and hasattr(link, "sqlstate") and str(link):
            return str(link).splitlines()[0]
        if isinstance(link, sqlite3.Error):
            return str(link)
    for link in links:
        if isinstance(link, OSError):
            return _os_cause(link)
    for link in links:
        if isinstance(link, sa_exc.DBAPIError | DatabaseUnavailable):
            return str(link).splitlines()[0]
    return None
