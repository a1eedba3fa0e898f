"""Password hashing with argon2id (argon2-cffi), implementing ``application.ports.PasswordHasher``.

One argon2id hash costs tens of milliseconds of CPU. Run on the event loop, 20 concurrent
logins with unknown emails held every other request of the process for seconds (issue 15).
So hashing runs in worker threads (argon2-cffi releases the GIL while it works), at most
``concurrency`` at a time so the event loop keeps a core, and at most ``max_waiting`` more
queue for a slot: past that a sign-in is refused at once with ``RateLimited`` instead of
piling up behind the others.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import TypeVar

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from application.errors import RateLimited

DEFAULT_MAX_WAITING = 32
T = TypeVar("T")


def default_concurrency() -> int:
    """Half the cores (at least one): the other half keep serving everything else."""
    return max(1, (os.cpu_count() or 2) // 2)


class Argon2Hasher:
    """argon2id with the library's RFC 9106 "low memory" defaults unless told otherwise.

    Tests pass smaller costs to stay fast; the algorithm and the stored format are the same.
    """

    def __init__(
        self,
        *,
        time_cost: int | None = None,
        memory_cost: int | None = None,
        concurrency: int | None = None,
        max_waiting: int = DEFAULT_MAX_WAITING,
    ) -> None:
        options: dict[str, int] = {}
        if time_cost is not None:
            options["time_cost"] = time_cost
        if memory_cost is not None:
            options["memory_cost"] = memory_cost
        self._argon2 = _Argon2(**options)
        self.concurrency = concurrency or default_concurrency()
        self._max_in_flight = self.concurrency + max_waiting
        self._in_flight = 0
        # Created on first use, inside the running loop (a uvicorn worker's, a test's).
        self._slots: asyncio.Semaphore | None = None

    async def hash(self, password: str) -> str:
        return await self._run(self._argon2.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        return await self._run(self._verify, password_hash, password)

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _run(self, work: Callable[..., T], *args: str) -> T:
        if self._in_flight >= self._max_in_flight:
            raise RateLimited(1)
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        self._in_flight += 1
        try:
            async with self._slots:
                return await asyncio.to_thread(work, *args)
        finally:
            self._in_flight -= 1
