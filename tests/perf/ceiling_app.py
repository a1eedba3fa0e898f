"""The ceiling: a bare Litestar endpoint doing as many asyncpg round trips as a chat turn.

A chat turn with the offline model adding a task is three short transactions:
store the user message (BEGIN, stamp the conversation and insert the message in one
statement, read the history window, COMMIT), the tool (BEGIN, allocate the number, insert
the task, COMMIT) and the reply (BEGIN, insert the message, COMMIT): 11 round trips. This
app does exactly that many, each transaction writing one small row so that its COMMIT
waits for the WAL flush as ours do, with JSON but no auth, validation, use cases or ORM.
Run: DATABASE_URL=postgresql://... uvicorn tests.perf.ceiling_app:app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar, post

WRITE = "INSERT INTO ceiling_writes DEFAULT VALUES"
ROUND_TRIPS = (("BEGIN", WRITE, "SELECT 1", "COMMIT"),
               ("BEGIN", WRITE, "SELECT 1", "COMMIT"),
               ("BEGIN", WRITE, "COMMIT"))
pool: asyncpg.Pool | None = None


async def _no_reset(_: asyncpg.Connection) -> None:
    return None


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    global pool
    # No reset query on release: SQLAlchemy's pool does not send one either.
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=5, max_size=10, reset=_no_reset)
    await pool.execute("CREATE TABLE IF NOT EXISTS ceiling_writes (id bigserial PRIMARY KEY)")
    yield
    await pool.close()


@post("/api/{user_id:str}/chat", status_code=200)
async def chat(user_id: str, data: dict[str, str]) -> dict[str, str]:
    assert pool is not None
    for transaction in ROUND_TRIPS:
        async with pool.acquire() as connection:
            for statement in transaction:
                await connection.execute(statement)
    return {"conversation_id": "00000000-0000-0000-0000-000000000000", "response": "ok"}


app = Litestar([chat], lifespan=[lifespan])
