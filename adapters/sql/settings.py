"""The engine's settings and their defaults: the one place they are written.

Standard library only, so the configuration (entrypoints/config.py) takes its defaults
from here without importing the SQL stack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineSettings:
    pool_size: int = 10
    # Overflow connections close as soon as they are returned: under bursts each turn paid
    # for a new connection (TLS included), ~10% of the server's CPU. Queue for the pool instead.
    max_overflow: int = 0
    pool_timeout: float = 10.0
    pool_recycle: int = 1800
    connect_timeout: float = 5.0
    command_timeout: float = 15.0
    # Ping a pooled connection before use only when it sat idle this long (0: every time).
    # asyncpg's ping is BEGIN, a query and ROLLBACK: three round trips that busy
    # connections (reused within milliseconds) do not need, and a restart leaves idle.
    ping_after_idle: float = 1.0
    sqlite_busy_timeout_ms: int = 15_000
    # Run sqlite3 on the event loop's thread (adapters/sql/inline_sqlite.py) instead of
    # aiosqlite's worker thread: the thread round trips cost more than the statements.
    sqlite_inline: bool = True
