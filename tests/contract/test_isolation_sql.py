"""The isolation state machine on SQLite and Postgres (fewer examples: each needs a fresh DB)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from application.ports import UnitOfWorkFactory
from tests.contract.conftest import sql_store
from tests.isolation_machine import build_machine
from tests.support.postgres import create_database, drop_database

SETTINGS = settings(max_examples=12, stateful_step_count=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


async def _sqlite() -> tuple[UnitOfWorkFactory, object]:
    folder = tempfile.mkdtemp(prefix="todo-iso-")
    factory, engine = await sql_store(f"sqlite+aiosqlite:///{Path(folder) / 'iso.db'}")

    async def close() -> None:
        await engine.dispose()  # type: ignore[attr-defined]

    return factory, close


SqliteIsolation = build_machine(_sqlite)  # type: ignore[arg-type]
SqliteIsolation.TestCase.settings = SETTINGS
TestSqliteIsolation = SqliteIsolation.TestCase


_template: dict[str, str] = {}


async def _postgres() -> tuple[UnitOfWorkFactory, object]:
    url = await create_database()
    factory, engine = await sql_store(url)

    async def close() -> None:
        await engine.dispose()  # type: ignore[attr-defined]
        await drop_database(url)

    return factory, close


PostgresIsolation = build_machine(_postgres)  # type: ignore[arg-type]
PostgresIsolation.TestCase.settings = SETTINGS
TestPostgresIsolation = pytest.mark.postgres(PostgresIsolation.TestCase)


def test_postgres_is_reachable_for_the_machine() -> None:
    # The state machine creates databases inside hypothesis; fail loudly (CI) or skip here
    # first, rather than report a confusing hypothesis error.
    async def probe() -> None:
        await drop_database(await create_database())

    asyncio.run(probe())
