"""Readiness: can we reach the database right now?"""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def database_ready(engine: AsyncEngine, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
    try:
        async with asyncio.timeout(timeout), engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
