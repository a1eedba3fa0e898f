"""Migrations: the stairway on both backends, models == migrations, restart keeps data."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from adapters.sql.engine import create_engine
from adapters.sql.migrate import (
    alembic_config,
    current_revision,
    downgrade_to,
    head_revision,
    upgrade_to,
    upgrade_to_head,
)
from adapters.sql.tables import metadata
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock
from tests.support.postgres import create_database, drop_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    url = await create_database()
    try:
        yield url
    finally:
        await drop_database(url)


def revisions() -> list[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


async def test_stairway_upgrade_downgrade_upgrade_each_revision(database_url: str) -> None:
    previous: str | None = None
    for revision in revisions():
        # Up to this revision, back down to the one before, and up again.
        await upgrade_to(database_url, revision)
        assert await current_revision(database_url) == revision
        await downgrade_to(database_url, previous or "base")
        assert await current_revision(database_url) == previous
        await upgrade_to(database_url, revision)
        previous = revision
    assert await current_revision(database_url) == head_revision()
    await downgrade_to(database_url, "base")
    assert await current_revision(database_url) is None


async def test_models_and_migrations_agree(database_url: str) -> None:
    await upgrade_to_head(database_url)
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        diffs = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), metadata)
        )
    await engine.dispose()
    assert diffs == []


async def test_restart_loses_nothing(database_url: str) -> None:
    await upgrade_to_head(database_url)
    first = create_engine(database_url)
    tasks = TaskUseCases(lambda: SqlUnitOfWork(session_factory(first)), FakeClock())
    await tasks.add("a", NewTask("survive the restart"))
    await first.dispose()

    second = create_engine(database_url)
    tasks = TaskUseCases(lambda: SqlUnitOfWork(session_factory(second)), FakeClock())
    page = await tasks.find("a", TaskQuery())
    assert [t.title for t in page.items] == ["survive the restart"]
    assert (await tasks.add("a", NewTask("next"))).id == 2
    await second.dispose()
