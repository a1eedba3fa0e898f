"""The rate-limit port: how many hits a key may make per period, whoever counts them.

Every door that counts hits (log-in and registration per email and client, per client,
OAuth client registration, chat turns per user) holds one ``RateLimiter`` per limit. Two
adapters: in process memory (``adapters/memory/rate_limits.py``: SQLite, one process) and
in the database (``adapters/sql/rate_limits.py``: PostgreSQL, every replica counts in the
same rows, so N replicas still give a client the limit once, not N times).
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

# What a hit is counted under: a client address, a user id, or (email, client address).
RateKey = str | tuple[str, ...]


class Limit(Protocol):
    """At most ``count`` hits per ``period`` seconds (``entrypoints.config.RateLimit``)."""

    @property
    def count(self) -> int: ...

    @property
    def period(self) -> float: ...


@runtime_checkable  # the HTTP layer checks what it is handed by isinstance
class RateLimiter(Protocol):
    """Counts hits per key under one limit; no limit (None) allows every hit."""

    @property
    def limit(self) -> Limit | None: ...

    async def hit(self, key: RateKey) -> None:
        """Count one hit for ``key``, or raise ``RateLimited`` (then the hit is not counted).

        A store that cannot be reached raises ``DatabaseUnavailable``: the caller is refused
        (503), never let through uncounted.
        """
        ...

    async def reset(self, key: RateKey) -> None:
        """Forget the hits counted for ``key``."""
        ...
