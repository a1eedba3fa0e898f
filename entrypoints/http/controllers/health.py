"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from litestar import Controller, get
from litestar.di import NamedDependency

from application.errors import DatabaseUnavailable
from entrypoints.http.docs import errors
from entrypoints.http.schemas import HealthOut, ReadyOut

READY_TIMEOUT_S = 3.0


class HealthController(Controller):
    path = "/health"
    tags = ("health",)

    @get("/", summary="The process is up", cache_control=None)
    async def health(self) -> HealthOut:
        """Never touches the database: a liveness probe must not restart a healthy process."""
        return HealthOut()

    @get("/ready", responses=errors(503), summary="The database is reachable")
    async def ready(self, database_ready: NamedDependency[Callable[[], Awaitable[bool]]]) -> ReadyOut:
        try:
            ok = await asyncio.wait_for(database_ready(), READY_TIMEOUT_S)
        except (TimeoutError, DatabaseUnavailable, OSError):
            ok = False
        if not ok:
            raise DatabaseUnavailable("readiness check failed")
        return ReadyOut()
