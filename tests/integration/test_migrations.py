"""Migrations: the stairway on both backends, models == migrations, concurrent and
CWD-independent upgrades, and a restart that loses nothing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Integer, MetaData, inspect

from adapters.sql.engine import create_engine
from adapters.sql.migrate import (
    current_revision,
    downgrade_to,
    head_revision,
    revisions,
    upgrade_to,
    upgrade_to_head,
)
from adapters.sql.tables import metadata
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock
from tests.support.postgres import create_database, drop_database

TABLES = {"accounts", "task_counters", "tasks", "conversations", "messages"}


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


async def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return set(await connection.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def schema_diffs(url: str, target: MetaData) -> list[object]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync, opts={"compare_type": True}), target)
            )
    finally:
        await engine.dispose()


async def test_stairway_upgrade_downgrade_upgrade_each_revision(database_url: str) -> None:
    previous: str | None = None
    for revision in revisions():
        # Up to this revision, back down to the one before, and up again.
        assert await upgrade_to(database_url, revision) == revision
        assert await current_revision(database_url) == revision
        await downgrade_to(database_url, previous or "base")
        assert await current_revision(database_url) == previous
        await upgrade_to(database_url, revision)
        previous = revision
    assert await current_revision(database_url) == head_revision()
    assert await table_names(database_url) >= TABLES
    await downgrade_to(database_url, "base")
    assert await current_revision(database_url) is None
    assert await table_names(database_url) == {"alembic_version"}


async def test_models_and_migrations_agree(database_url: str) -> None:
    await upgrade_to_head(database_url)
    assert await schema_diffs(database_url, metadata) == []


async def test_the_comparison_would_notice_a_difference(database_url: str) -> None:
    # Guards the test above against comparing nothing: a model the migrations lack is a diff.
    await upgrade_to_head(database_url)
    drifted = MetaData()
    for table in metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["tasks"].append_column(Column("estimate", Integer))
    diffs = await schema_diffs(database_url, drifted)
    assert [(diff[0], diff[3].name) for diff in diffs] == [("add_column", "estimate")]  # type: ignore[index]


async def test_upgrade_is_idempotent_and_replicas_can_start_together(database_url: str) -> None:
    # On Postgres the advisory lock serialises them; the later ones find nothing to do.
    results = await asyncio.gather(*(upgrade_to_head(database_url) for _ in range(4)))
    assert results == [head_revision()] * 4
    assert await upgrade_to_head(database_url) == head_revision()
    assert await schema_diffs(database_url, metadata) == []


MIGRATE = (
    "import asyncio, sys; from adapters.sql.migrate import upgrade_to_head;"
    "print(asyncio.run(upgrade_to_head(sys.argv[1])))"
)


async def test_replica_processes_migrating_together_all_succeed(database_url: str, tmp_path: Path) -> None:
    # What `todo-chat serve` does on several replicas at once; run from a foreign directory.
    async def replica() -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            MIGRATE,
            database_url,
            cwd=tmp_path,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        return process.returncode or 0, (out or err).decode().strip()

    results = await asyncio.gather(*(replica() for _ in range(3)))
    assert results == [(0, head_revision())] * 3
    assert await schema_diffs(database_url, metadata) == []


async def test_migrating_does_not_depend_on_the_working_directory(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "somewhere" / "else"
    elsewhere.mkdir(parents=True)
    monkeypatch.chdir(elsewhere)
    assert await upgrade_to_head(database_url) == head_revision()
    assert await table_names(database_url) >= TABLES


async def test_restart_loses_nothing(database_url: str) -> None:
    await upgrade_to_head(database_url)
    first = create_engine(database_url)
    tasks = TaskUseCases(partial(SqlUnitOfWork, session_factory(first)), FakeClock())
    await tasks.add("a", NewTask("survive the restart"))
    await first.dispose()

    second = create_engine(database_url)
    tasks = TaskUseCases(partial(SqlUnitOfWork, session_factory(second)), FakeClock())
    page = await tasks.find("a", TaskQuery())
    assert [t.title for t in page.items] == ["survive the restart"]
    assert (await tasks.add("a", NewTask("next"))).id == 2
    await second.dispose()
