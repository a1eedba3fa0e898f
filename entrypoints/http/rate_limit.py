"""In-memory sliding-window rate limits (login attempts, chat turns).

Per process: with N replicas or workers a client can get up to N times the limit. That
is enough to stop password guessing and runaway scripts against one process; a shared
store (Redis) would be the next step if exact global limits are ever needed.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable, Hashable

from application.errors import RateLimited
from entrypoints.config import RateLimit

MAX_KEYS = 100_000


class RateLimiter:
    """Allows ``limit.count`` hits per key within any ``limit.period`` seconds; None allows all."""

    def __init__(self, limit: RateLimit | None, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = now
        self._hits: dict[Hashable, deque[float]] = {}

    def hit(self, key: Hashable) -> None:
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

    def reset(self, key: Hashable) -> None:
        self._hits.pop(key, None)

    def _sweep(self, window_start: float) -> None:
        """Forget keys with no hit in the window so memory stays bounded."""
        for key in [k for k, hits in self._hits.items() if not hits or hits[-1] <= window_start]:
            del self._hits[key]
        if len(self._hits) >= MAX_KEYS:
            # Still full of live keys: drop the oldest half rather than grow without bound.
            for key in list(self._hits)[: MAX_KEYS // 2]:
                del self._hits[key]
