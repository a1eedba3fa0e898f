"""Fixtures shared by every test layer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.postgres import create_database, drop_database


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    """A fresh, empty Postgres database (asyncpg URL), dropped afterwards."""
    url = await create_database()
    try:
        yield url
    finally:
        await drop_database(url)
