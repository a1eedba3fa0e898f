"""Rate limits counted in the database, so every replica shares one count (PostgreSQL).

A hit is one statement, its own transaction (never inside a use case's unit of work; it
queues for the pool like them). On PostgreSQL it runs on the pool's autocommit engine, one
round trip, and the table is UNLOGGED (migration 0004): no WAL flush per hit, and after a
crash or on a promoted standby the counts start afresh, which a limit can afford:

    INSERT INTO rate_limits (key, window_start, hits, expires_at)
        SELECT :key, :window, 1, :expires WHERE <carried> <= :count - 1
    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1
        WHERE rate_limits.hits + <carried> <= :count - 1
    RETURNING hits

where <carried> is the previous window's hits (a subquery on the same table) times the
share of that window still inside the last ``period`` seconds: a sliding-window estimate
over two fixed windows (``floor(now / period)``), one row per key and window. The database
serialises concurrent hits on the row, so whichever replica sends them, no more hits get a
row back than the estimate allows; a hit past it changes nothing and gets no row:
``RateLimited``. Unlike plain fixed windows, a burst just before a window ends still counts
in full just after it (the estimate rounds the carried hits up), and fades out over the
next window. It is an estimate: it assumes the previous window's hits were spread evenly,
so a burst at the very end of one window and another near the end of the next can pass up
to nearly twice the limit within one period, never more than the limit per window (the
in-memory limiter keeps every hit's time and is exact). Window starts come from each
replica's clock (keep them in sync, NTP); a few seconds of skew only moves a boundary.

Expired windows are deleted now and then (at most once per ``sweep_every`` seconds per
process), in their own transaction, with ``FOR UPDATE SKIP LOCKED`` so replicas sweeping
together never wait for or deadlock on each other; a failed sweep is logged and retried
later. A database that cannot be reached fails the hit with ``DatabaseUnavailable`` (503,
like every other door that needs it): the limited doors (log-in, registration, chat) need
the database anyway, and a hit the store did not count is never let through.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Self

from sqlalchemy import Float, Integer, String, bindparam, delete, func, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite

from adapters.sql.errors import guarded
from adapters.sql.tables import UtcDateTime, rate_limits
from adapters.sql.uow import Sessions, SqlUnitOfWork
from application.errors import RateLimited
from application.rate_limits import Limit, RateKey

logger = logging.getLogger("todo_chat.rate_limits")

SWEEP_EVERY = 60.0
SWEEP_BATCH = 1000
NAME_MAX = 15


class _Unit(SqlUnitOfWork):
    """A unit of work that hands its connection to the statements below."""

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.connection = self._connection
        return self


def row_key(name: str, key: RateKey) -> str:
    """The limiter's name and a digest of the key: bounded length, no email in clear."""
    parts = [key] if isinstance(key, str) else list(key)
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()
    return f"{name}:{digest}"


def _counting_statement(insert: Any) -> Any:
    """Count one hit in the window ``:window`` if the estimate has room (built once).

    Estimate = hits in this window + hits in the previous one (``:prior``) x ``:share``, the
    part of the previous window still inside the last ``period`` seconds. Room: estimate <=
    count - 1 (``:room``), which is ``hits + ceil(carried) < count`` without a ceil (SQLite
    may lack one): a burst just before a window ends still counts in full just after it.
    """
    previous = rate_limits.alias("previous")
    carried = func.coalesce(
        select(previous.c.hits)
        .where(previous.c.key == bindparam("key"), previous.c.window_start == bindparam("prior", type_=UtcDateTime()))
        .scalar_subquery(),
        0,
    ) * bindparam("share", type_=Float())
    room = bindparam("room", type_=Integer())
    first = select(
        bindparam("key", type_=String()),
        bindparam("window", type_=UtcDateTime()),
        literal(1, Integer()),
        bindparam("expires", type_=UtcDateTime()),
    ).where(carried <= room)
    statement = insert(rate_limits).from_select(["key", "window_start", "hits", "expires_at"], first)
    return statement.on_conflict_do_update(
        index_elements=[rate_limits.c.key, rate_limits.c.window_start],
        set_={"hits": rate_limits.c.hits + 1},
        where=rate_limits.c.hits + carried <= room,
    ).returning(rate_limits.c.hits)


class SqlRateLimiter:
    """``limit.count`` hits per key per fixed window of ``limit.period`` seconds, shared by
    every process on the database; None allows all (and touches nothing)."""

    def __init__(
        self,
        sessions: Sessions,
        name: str,
        limit: Limit | None,
        *,
        now: Callable[[], float] = time.time,
        sweep_every: float = SWEEP_EVERY,
    ) -> None:
        if not name or len(name) > NAME_MAX or ":" in name:
            raise ValueError(f"a limiter name is 1-{NAME_MAX} characters without ':'")
        self._sessions = sessions
        self.name = name
        self.limit = limit
        self._now = now
        self._sweep_every = sweep_every
        self._next_sweep = 0.0
        dialect = sessions.writer.dialect.name
        # PostgreSQL: the one statement is its own transaction, on the pool's autocommit engine
        # (no BEGIN, no COMMIT: one round trip). SQLite: a write transaction, in the writers' turn.
        self._autocommit = dialect == "postgresql"
        self._counted = _counting_statement(postgresql.insert if dialect == "postgresql" else sqlite.insert)

    async def hit(self, key: RateKey) -> None:
        limit = self.limit
        if limit is None:
            return
        now = self._now()
        start = math.floor(now / limit.period) * limit.period
        parameters = {
            "key": row_key(self.name, key),
            "window": datetime.fromtimestamp(start, UTC),
            "prior": datetime.fromtimestamp(start - limit.period, UTC),
            # Kept a window longer: it is the next window's previous one.
            "expires": datetime.fromtimestamp(start + 2 * limit.period, UTC),
            "share": (start + limit.period - now) / limit.period,
            "room": limit.count - 1,
        }
        async with _Unit(self._sessions, read_only=self._autocommit) as unit:
            hits = (await guarded(unit.connection.execute(self._counted, parameters))).scalar()
            if not self._autocommit:
                await unit.commit()
        if now >= self._next_sweep:
            self._next_sweep = now + self._sweep_every
            await self.sweep(now)
        if hits is None:
            # The current window's end is when the estimate is sure to be under the limit again.
            raise RateLimited(max(1, math.ceil(start + limit.period - now)))

    async def reset(self, key: RateKey) -> None:
        async with _Unit(self._sessions) as unit:
            statement = delete(rate_limits).where(rate_limits.c.key == row_key(self.name, key))
            await guarded(unit.connection.execute(statement))
            await unit.commit()

    async def sweep(self, now: float | None = None) -> int:
        """Delete up to ``SWEEP_BATCH`` expired windows (any limiter's); how many went. Never raises."""
        moment = datetime.fromtimestamp(self._now() if now is None else now, UTC)
        expired = (
            select(rate_limits.c.key, rate_limits.c.window_start)
            .where(rate_limits.c.expires_at <= moment)
            .limit(SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        )
        statement = delete(rate_limits).where(tuple_(rate_limits.c.key, rate_limits.c.window_start).in_(expired))
        try:
            async with _Unit(self._sessions) as unit:
                deleted = (await guarded(unit.connection.execute(statement))).rowcount
                await unit.commit()
        except Exception:  # best effort: the next sweep tries again
            logger.warning("deleting expired rate-limit windows failed", exc_info=True)
            return 0
        return int(deleted)
