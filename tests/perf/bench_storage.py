"""Storage benchmark: ``python -m tests.perf.bench_storage [--iterations N] [--no-write]``.

Measures the two reads on the chat and REST hot paths, through the real repositories, on
SQLite and PostgreSQL (a throwaway database on ``TEST_DATABASE_URL`` or 127.0.0.1:5432;
skipped with a note when unreachable):

- the history window: the last 20 of a conversation's 10,000 messages. The conversation is
  an old one, with 20 newer conversations' messages stored after it, so a plan that scans
  messages in seq order instead of using the (conversation_id, seq) index shows up here;
- task listing: 50 of a user's 1,000 tasks with the total (another user owns 1,000 more).

Each read is timed twice: the statement alone inside an open unit of work, and a whole
read-only unit of work around it as the use cases open one (pool checkout; on PostgreSQL the
statement in autocommit, on SQLite a deferred BEGIN and ROLLBACK),
which is what a use case pays. p50/p95/p99 over ``--iterations`` (>= 200) runs after a
warm-up. The table replaces the marked storage section of docs/benchmarks.md (added at the
end when missing, where ``tests/perf/bench.py`` keeps it on its re-runs).

Named bench_*.py so pytest never collects it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.ports import UnitOfWork
from application.queries import TaskQuery
from domain.conversation import Conversation, Message, ToolCall
from domain.task import Task
from domain.values import Priority, TaskStatus

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- storage benchmark: begin (python -m tests.perf.bench_storage) -->"
END = "<!-- storage benchmark: end -->"
USER, OTHER = "bench", "someone-else"
MESSAGES, OTHER_CONVERSATIONS, OTHER_MESSAGES, TASKS = 10_000, 20, 250, 1_000
START = datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
WARM_UP = 30
TARGET_WINDOW_MS = 5.0


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def cells(samples: list[float]) -> str:
    return " | ".join(f"{percentile(samples, q):.2f}" for q in (0.5, 0.95, 0.99))


async def seed(uow: Callable[[], UnitOfWork]) -> uuid.UUID:
    rng = random.Random(7)
    old = Conversation.start(id=uuid.uuid4(), user_id=USER, first_message="the long one", now=START)
    async with uow() as u:
        await u.conversations.add(old)
        await u.commit()
    for first in range(0, MESSAGES, 1_000):
        async with uow() as u:
            for i in range(first, first + 1_000):
                await u.conversations.add_message(message(old, i, START + timedelta(seconds=i)))
            await u.commit()
    # Newer conversations stored after the long one: its messages are the oldest rows.
    for n in range(OTHER_CONVERSATIONS):
        newer = Conversation.start(id=uuid.uuid4(), user_id=USER, first_message=f"newer {n}", now=START)
        async with uow() as u:
            await u.conversations.add(newer)
            for i in range(OTHER_MESSAGES):
                await u.conversations.add_message(message(newer, i, START + timedelta(days=1, seconds=i)))
            await u.commit()
    async with uow() as u:
        for user in (USER, OTHER):
            for number in range(1, TASKS + 1):
                task = Task.create(
                    user_id=user,
                    id=number,
                    title=f"{rng.choice(['buy', 'call', 'write', 'fix'])} thing {number}",
                    now=START + timedelta(minutes=number),
                    priority=rng.choice(list(Priority)),
                    due_date=rng.choice([None, date(2026, 1, 1) + timedelta(days=rng.randrange(60))]),
                )
                if rng.random() < 0.3:
                    task.complete(task.created_at)
                await u.tasks.add(task)
        await u.commit()
    return old.id


def message(conversation: Conversation, i: int, at: datetime) -> Message:
    if i % 2 == 0:
        return Message.from_user(
            id=uuid.uuid4(), conversation_id=conversation.id, user_id=USER, content=f"add task number {i}", now=at
        )
    call = ToolCall("add_task", {"title": f"task number {i}"}, {"task_id": i, "status": "created", "title": "t"})
    return Message.from_assistant(
        id=uuid.uuid4(),
        conversation_id=conversation.id,
        user_id=USER,
        content=f"Added task {i}.",
        now=at,
        tool_calls=(call,),
        token_count=12,
    )


Read = Callable[[UnitOfWork], Awaitable[Any]]


async def timed(uow: Callable[[], UnitOfWork], read: Read, iterations: int) -> tuple[list[float], list[float]]:
    """(statement alone in an open read-only unit of work, whole unit of work) in milliseconds.

    Read-only, as the use cases that read open them (no write transaction).
    """
    statement: list[float] = []
    whole: list[float] = []
    async with uow() as u:
        for i in range(WARM_UP + iterations):
            began = time.perf_counter()
            await read(u)
            if i >= WARM_UP:
                statement.append((time.perf_counter() - began) * 1000)
    for i in range(WARM_UP + iterations):
        began = time.perf_counter()
        async with uow() as u:
            await read(u)
        if i >= WARM_UP:
            whole.append((time.perf_counter() - began) * 1000)
    return statement, whole


async def measure(url: str, label: str, iterations: int) -> list[str]:
    await upgrade_to_head(url)
    engine = create_engine(url)
    sessions = session_factory(engine)

    def uow() -> UnitOfWork:
        return SqlUnitOfWork(sessions)

    def reader() -> UnitOfWork:
        return SqlUnitOfWork(sessions, read_only=True)

    try:
        seeding = time.perf_counter()
        conversation_id = await seed(uow)
        print(f"{label}: seeded in {time.perf_counter() - seeding:.1f} s", file=sys.stderr)
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE"))

        async def window(u: UnitOfWork) -> None:
            found = await u.conversations.recent_messages(USER, conversation_id, 20)
            assert len(found) == 20 and found[-1].content == f"Added task {MESSAGES - 1}."

        def listing(query: TaskQuery) -> Read:
            async def read(u: UnitOfWork) -> None:
                page = await u.tasks.find(USER, query)
                assert page.items and page.total > 0

            return read

        reads: list[tuple[str, Read]] = [
            (f"history window: last 20 of {MESSAGES:,} messages", window),
            (f"list 50 of {TASKS:,} tasks, first page, with total", listing(TaskQuery(limit=50))),
            ("list 50 pending by due date, with total", listing(TaskQuery(status=TaskStatus.PENDING, sort="due_date"))),
            ("list 50 of 1,000, offset 500, with total", listing(TaskQuery(limit=50, offset=500))),
        ]
        rows = []
        for name, read in reads:
            statement, whole = await timed(reader, read, iterations)
            rows.append(f"| {label} | {name} | {cells(statement)} | {cells(whole)} |")
            print(rows[-1], file=sys.stderr)
        return rows
    finally:
        await engine.dispose()


async def postgres_version(url: str) -> str:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            version = (await connection.execute(text("SHOW server_version"))).scalar_one()
            return f"PostgreSQL {str(version).split()[0]}"
    finally:
        await engine.dispose()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


async def run(iterations: int) -> str:
    from tests.support.postgres import create_database, drop_database

    rows: list[str] = []
    notes: list[str] = [f"SQLite {sqlite3.sqlite_version} (aiosqlite, WAL)"]
    with tempfile.TemporaryDirectory(prefix="bench-storage-") as folder:
        rows += await measure(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", "sqlite", iterations)
    try:
        url = await create_database("todo_chat_bench")
    except BaseException as error:  # pytest.skip outside pytest is an exception too
        notes.append(f"PostgreSQL not measured: {error}")
    else:
        try:
            notes.append(await postgres_version(url) + " (asyncpg), same machine")
            rows += await measure(url, "postgres", iterations)
        finally:
            await drop_database(url)
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{os.cpu_count()} cores (`nproc`), {cpu_model()}, Python {platform.python_version()}"
    window = [row for row in rows if "history window" in row]
    verdict = (
        "met"
        if window and all(float(row.split("|")[4]) < TARGET_WINDOW_MS for row in window)
        else "NOT met (statement p95)"
    )
    return "\n".join(
        [
            BEGIN,
            "## Storage: repository reads (`python -m tests.perf.bench_storage`)",
            "",
            f"Measured {when} on {machine}; {'; '.join(notes)}.",
            f"{iterations} timed runs after {WARM_UP} warm-up runs, milliseconds. *statement*: the repository"
            " call inside an open unit of work; *unit of work*: opening a read-only one around it, as a use"
            " case that reads does (pool checkout; PostgreSQL: the statement alone, in autocommit; SQLite:"
            " deferred BEGIN, statement, ROLLBACK). The conversation is the"
            f" oldest of {OTHER_CONVERSATIONS + 1}; a second user owns another {TASKS:,} tasks.",
            "",
            "| store | read | statement p50 | p95 | p99 | unit of work p50 | p95 | p99 |",
            "|---|---|---|---|---|---|---|---|",
            *rows,
            "",
            f"Target: history window under {TARGET_WINDOW_MS:g} ms: {verdict}. The machine is shared with other"
            " work (tests, other benchmarks), so treat single runs as indicative.",
            END,
        ]
    )


def write(section: str) -> None:
    current = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        updated = before + section + after
    else:
        updated = current.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=300, help="timed runs per read (>= 200)")
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if args.iterations < 200:
        parser.error("--iterations must be at least 200")
    section = asyncio.run(run(args.iterations))
    print(section)
    if not args.no_write:
        write(section)
        print(f"wrote {REPORT.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
