"""In-memory sliding-window rate limits: the limiter for SQLite (one process) and tests.

Per process: with N processes a client could get N times the limit, which is why
PostgreSQL deployments (the ones that run replicas) count in the database instead
(``adapters/sql/rate_limits.py``). The memory is bounded: past ``MAX_KEYS`` keys, keys
with no hit left in the window are forgotten, then the oldest half if still full.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from application.errors import RateLimited
from application.rate_limits import Limit, RateKey

MAX_KEYS = 100_000


class MemoryRateLimiter:
    """Allows ``limit.count`` hits per key within any ``limit.period`` seconds; None allows all."""

    def __init__(self, limit: Limit | None, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = now
        self._hits: dict[RateKey, deque[float]] = {}

    async def hit(self, key: RateKey) -> None:
        """Record one hit for ``key``, or raise ``RateLimited`` (the hit is not recorded)."""
        if self.limit is None:
            return
        now = self._now()
        window_start = now - self.limit.period
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self._sweep(window_start)
            hits = self._hits[key] = deque()
        while hits and hits[0] <= window_start:
            hits.popleft()
        if len(hits) >= self.limit.count:
            retry_after = max(1, math.ceil(hits[0] + self.limit.period - now))
            raise RateLimited(retry_after)
        hits.append(now)

    async def reset(self, key: RateKey) -> None:
        self._hits.pop(key, None)

    def _sweep(self, window_start: float) -> None:
        """Forget keys with no hit in the window so memory stays bounded."""
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= window_start]:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:
            # Still full of live keys: drop the oldest half rather than grow without bound.
            for key in list(self._hits)[: MAX_KEYS // 2]:
                del self._hits[key]
