"""A failed statement never carries its parameters into an exception message (issue 15).

The outside attack suite's 500 log line held a registering user's email and argon2 hash:
SQLAlchemy renders ``[parameters: (...)]`` into a failed statement's message, and the
traceback of an unhandled error prints it. The engines hide them.
"""

from __future__ import annotations

import traceback
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import create_engine
from tests.support.postgres import create_database, drop_database

SECRET_VALUE = "victim@example.com $argon2id$v=19$m=65536"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'p.db'}" if request.param == "sqlite" else await create_database()
    made = create_engine(url)
    try:
        yield made
    finally:
        await made.dispose()
        if request.param == "postgres":
            await drop_database(url)


async def test_a_failed_statement_does_not_show_its_parameters(engine: AsyncEngine) -> None:
    with pytest.raises(Exception) as failed:  # noqa: PT011 (whichever error the driver raises)
        async with engine.connect() as connection:
            await connection.execute(text("INSERT INTO no_such_table (email) VALUES (:email)"), {"email": SECRET_VALUE})
    printed = "".join(traceback.format_exception(failed.value))
    assert "no_such_table" in printed  # the statement is still there to debug with
    assert "victim@example.com" not in printed and "argon2" not in printed
