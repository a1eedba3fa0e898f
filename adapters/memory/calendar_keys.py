"""The calendar feed's keys in memory (the memory store's ``calendar_keys`` dict)."""

from __future__ import annotations

from application.errors import Conflict
from domain.calendar_key import CalendarKey


class MemoryCalendarKeyRepository:
    def __init__(self, keys: dict[str, CalendarKey]) -> None:
        self._keys = keys

    async def put(self, key: CalendarKey) -> None:
        # The SQL store's unique index on key_digest, for the memory run of the contract.
        if any(k.key_digest == key.key_digest and k.user_id != key.user_id for k in self._keys.values()):
            raise Conflict("key", "This calendar key is taken")
        self._keys[key.user_id] = key

    async def get(self, user_id: str) -> CalendarKey | None:
        return self._keys.get(user_id)

    async def delete(self, user_id: str) -> bool:
        return self._keys.pop(user_id, None) is not None
