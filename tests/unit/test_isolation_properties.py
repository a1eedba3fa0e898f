from __future__ import annotations

from hypothesis import settings

from adapters.memory.store import MemoryStore
from application.ports import UnitOfWorkFactory
from tests.isolation_machine import build_machine


async def _memory() -> tuple[UnitOfWorkFactory, object]:
    store = MemoryStore()

    async def close() -> None:
        return None

    return store.unit_of_work, close


MemoryIsolation = build_machine(_memory)  # type: ignore[arg-type]
MemoryIsolation.TestCase.settings = settings(max_examples=60, stateful_step_count=30, deadline=None)
TestMemoryIsolation = MemoryIsolation.TestCase
