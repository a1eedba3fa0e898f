"""SQL-only storage behaviour: engine set-up, UTC normalisation, duplicate emails, reads
during an open writer, and the history window staying an index scan."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.sql.engine import EngineSettings, create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.repositories import RECENT_MESSAGES
from adapters.sql.tables import conversations, messages
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.errors import Conflict
from application.queries import TaskQuery
from domain.account import Account
from domain.task import Task
from tests.support.postgres import create_database, drop_database

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = f"sqlite+aiosqlite:///{tmp_path / 's.db'}" if request.param == "sqlite" else await create_database()
    try:
        await upgrade_to_head(url)
        made = create_engine(url)
        yield made
        await made.dispose()
    finally:
        if request.param == "postgres":
            await drop_database(url)


async def test_sqlite_engine_creates_its_folder_and_sets_its_pragmas(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'deep' / 'er' / 'todo.db'}")
    async with engine.connect() as connection:
        pragmas = [
            (await connection.execute(text(f"PRAGMA {name}"))).scalar_one()
            for name in ("journal_mode", "foreign_keys", "busy_timeout")
        ]
    await engine.dispose()
    # busy_timeout 0: waiting for another process's write lock is the inline driver's
    # asynchronous retry (adapters/sql/inline_sqlite.py), not a sleep on the loop's thread.
    assert pragmas == ["wal", 1, 0]
    assert (tmp_path / "deep" / "er" / "todo.db").exists()


async def test_a_write_waits_for_another_process_lock_without_stalling_the_loop(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    await upgrade_to_head(url)
    engine = create_engine(url, EngineSettings(sqlite_busy_timeout_ms=5_000))
    other = sqlite3.connect(tmp_path / "shared.db", isolation_level=None)  # "another process"
    other.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def release_later() -> None:
        await asyncio.sleep(0.3)
        other.execute("ROLLBACK")

    ticker = asyncio.create_task(tick())
    try:
        releaser = asyncio.create_task(release_later())
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            await uow.tasks.add(Task.create(user_id="a", id=1, title="after the lock", now=NOW))
            await uow.commit()
        await releaser
        # The loop kept running while the write waited (about 30 ticks of 10 ms in 0.3 s).
        assert ticks >= 10
        async with SqlUnitOfWork(session_factory(engine)) as uow:
            assert [task.title for task in (await uow.tasks.find("a", TaskQuery())).items] == ["after the lock"]
    finally:
        ticker.cancel()
        other.close()
        await engine.dispose()


async def test_other_offsets_are_stored_and_returned_as_utc(engine: AsyncEngine) -> None:
    kolkata = timezone(timedelta(hours=5, minutes=30))
    local = datetime(2026, 3, 2, 15, 0, 0, 250, tzinfo=kolkata)
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as uow:
        await uow.tasks.add(Task.create(user_id="a", id=1, title="x", now=local))
        await uow.commit()
    async with SqlUnitOfWork(sessions) as uow:
        loaded = await uow.tasks.get("a", 1)
    assert loaded is not None
    assert loaded.created_at == local and loaded.created_at.tzinfo is UTC
    assert loaded.created_at == datetime(2026, 3, 2, 9, 30, 0, 250, tzinfo=UTC)


async def test_a_naive_datetime_is_refused_not_guessed(engine: AsyncEngine) -> None:
    async with SqlUnitOfWork(session_factory(engine)) as uow:
        with pytest.raises(Exception, match="naive datetime"):
            await uow.tasks.add(Task.create(user_id="a", id=1, title="x", now=datetime(2026, 3, 2, 9, 30)))


async def test_racing_registrations_of_one_email_give_one_account_and_conflicts(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)

    async def register(number: int) -> str:
        account = Account(user_id=f"u{number}", email="same@example.com", password_hash="h", created_at=NOW)
        async with SqlUnitOfWork(sessions) as uow:
            try:
                await uow.accounts.add(account)
                await uow.commit()
            except Conflict:
                return "conflict"
        return "created"

    outcomes = await asyncio.gather(*(register(n) for n in range(5)))
    assert sorted(outcomes) == ["conflict"] * 4 + ["created"]


async def test_a_commit_is_visible_while_the_writer_block_is_still_open(engine: AsyncEngine) -> None:
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as writer:
        await writer.tasks.add(Task.create(user_id="a", id=1, title="fresh", now=NOW))
        await writer.commit()
        async with SqlUnitOfWork(sessions, read_only=True) as reader:
            found = await reader.tasks.get("a", 1)
    assert found is not None and found.title == "fresh"


async def test_readers_neither_wait_for_an_open_writer_nor_see_its_uncommitted_rows(
    tmp_path: Path, engine: AsyncEngine
) -> None:
    sessions = session_factory(engine)
    async with SqlUnitOfWork(sessions) as uow:
        await uow.tasks.add(Task.create(user_id="a", id=1, title="committed", now=NOW))
        await uow.commit()
    async with SqlUnitOfWork(sessions) as writer:
        await writer.tasks.add(Task.create(user_id="a", id=2, title="in flight", now=NOW))
        # On SQLite the writer holds the write lock (BEGIN IMMEDIATE); a writer-mode read
        # would queue behind it for the busy timeout, a read-only one reads its snapshot.
        async with asyncio.timeout(2), SqlUnitOfWork(sessions, read_only=True) as reader:
            seen = [t.title for t in (await reader.tasks.find("a", TaskQuery())).items]
        await writer.commit()
    assert seen == ["committed"]
    async with SqlUnitOfWork(sessions, read_only=True) as reader:
        assert (await reader.tasks.find("a", TaskQuery())).total == 2


async def test_a_connection_a_reader_used_rolls_back_a_writers_uncommitted_work(engine: AsyncEngine) -> None:
    # One pooled connection: the writer gets the very connection the reader ran in autocommit.
    single = create_engine(engine.url.render_as_string(hide_password=False), EngineSettings(pool_size=1))
    sessions = session_factory(single)
    async with SqlUnitOfWork(sessions, read_only=True) as reader:
        await reader.tasks.find("a", TaskQuery())
    async with SqlUnitOfWork(sessions) as writer:
        await writer.tasks.add(Task.create(user_id="a", id=1, title="never committed", now=NOW))
    async with SqlUnitOfWork(sessions, read_only=True) as reader:
        total = (await reader.tasks.find("a", TaskQuery())).total
    await single.dispose()
    assert total == 0


async def test_units_of_work_get_connections_in_arrival_order(tmp_path: Path, engine: AsyncEngine) -> None:
    narrow = create_engine(
        str(engine.url.render_as_string(hide_password=False)), EngineSettings(pool_size=1, max_overflow=0)
    )
    sessions = session_factory(narrow)
    order: list[int] = []

    async def unit(number: int) -> None:
        async with SqlUnitOfWork(sessions, read_only=True) as uow:
            await uow.tasks.find("a", TaskQuery())
            order.append(number)

    async with SqlUnitOfWork(sessions) as holder:
        await holder.tasks.find("a", TaskQuery())
        waiting = [asyncio.create_task(unit(n)) for n in range(5)]
        await asyncio.sleep(0.05)  # all five queued behind the holder
    # The holder goes straight on to its next unit of work without yielding, as a chat
    # turn does from storing the message to running a tool: it must queue behind them.
    await unit(5)
    await asyncio.gather(*waiting)
    await narrow.dispose()
    assert order == [0, 1, 2, 3, 4, 5]


async def test_the_history_window_reads_the_index_backwards_without_sorting(engine: AsyncEngine) -> None:
    # An old conversation (its messages first) and many newer ones: only the
    # (conversation_id, seq) index gives its newest messages without scanning or sorting.
    ids = [uuid.uuid4() for _ in range(30)]
    conversation_id = ids[0]
    async with engine.begin() as connection:
        await connection.execute(
            insert(conversations),
            [{"id": c, "user_id": "a", "title": "t", "created_at": NOW, "updated_at": NOW} for c in ids],
        )
        rows = [
            {"id": uuid.uuid4(), "conversation_id": ids[min(i // 200, len(ids) - 1)], "user_id": "a", "role": "user",
             "content": f"m{i}", "tool_calls": [], "token_count": 1, "created_at": NOW, "seq": i + 1}
            for i in range(6000)
        ]  # fmt: skip
        await connection.execute(insert(messages), rows)
        await connection.execute(text("ANALYZE"))
    statement = RECENT_MESSAGES.params(p_user_id="a", p_conversation_id=conversation_id, p_limit=20)
    compiled = statement.compile(engine.sync_engine, compile_kwargs={"literal_binds": True})
    literal = str(compiled)
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(row[-1]) for row in await connection.execute(text(f"EXPLAIN QUERY PLAN {literal}")))
            assert "USING INDEX ix_messages_conversation_id_seq" in plan and "TEMP B-TREE" not in plan, plan
        else:
            plan = " ".join(row[0] for row in await connection.execute(text(f"EXPLAIN {literal}")))
            assert "Index Scan Backward using ix_messages_conversation_id_seq" in plan and "Sort" not in plan, plan


@pytest.mark.parametrize("url", ["sqlite+aiosqlite://", "sqlite+aiosqlite:///:memory:"])
def test_in_memory_sqlite_is_refused_with_a_clear_message(url: str) -> None:
    with pytest.raises(ValueError, match="use a file"):
        create_engine(url)
