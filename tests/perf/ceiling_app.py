"""The ceiling: a bare Litestar endpoint doing as many asyncpg round trips as a chat turn.

A chat turn with the offline model adding a task is three short transactions:
store the user message (BEGIN, upsert conversation, insert message, read window, COMMIT),
the tool (BEGIN, allocate number, insert task, COMMIT) and the reply (BEGIN, insert
message, update conversation, COMMIT): 13 round trips. This app does exactly that many
trivial ones, with auth and JSON but no validation, use cases or ORM layer.
Run: DATABASE_URL=postgresql://... uvicorn tests.perf.ceiling_app:app
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from litestar import Litestar, post

ROUND_TRIPS = (("BEGIN", "SELECT 1", "SELECT 1", "SELECT 1", "COMMIT"),
               ("BEGIN", "SELECT 1", "SELECT 1", "COMMIT"),
               ("BEGIN", "SELECT 1", "SELECT 1", "COMMIT"))
pool: asyncpg.Pool | None = None


@asynccontextmanager
async def lifespan(_: Litestar) -> AsyncIterator[None]:
    global pool
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=5, max_size=10)
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
