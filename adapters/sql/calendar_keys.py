"""The calendar feed's keys over SQLAlchemy Core (table ``calendar_keys``, migration 0003)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from adapters.sql.errors import guarded
from adapters.sql.tables import calendar_keys
from application.errors import Conflict
from domain.calendar_key import CalendarKey

if TYPE_CHECKING:
    from adapters.sql.uow import UncancelledConnection


class SqlCalendarKeyRepository:
    def __init__(self, connection: UncancelledConnection) -> None:
        self._connection = connection

    async def _execute(self, statement: Any) -> Any:
        return await guarded(self._connection.execute(statement))

    async def put(self, key: CalendarKey) -> None:
        # One statement: of two concurrent rotations the later write wins, neither fails
        # on the primary key (a delete-then-insert would race on PostgreSQL).
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        values = {"user_id": key.user_id, "key_digest": key.key_digest, "created_at": key.created_at}
        statement = (
            dialect.insert(calendar_keys)
            .values(values)
            .on_conflict_do_update(
                index_elements=[calendar_keys.c.user_id],
                set_={"key_digest": key.key_digest, "created_at": key.created_at},
            )
        )
        try:
            await self._execute(statement)
        except IntegrityError as error:  # the unique digest: another user's key (never, at 256 bits)
            raise Conflict("key", "This calendar key is taken") from error

    async def get(self, user_id: str) -> CalendarKey | None:
        row = (await self._execute(select(calendar_keys).where(calendar_keys.c.user_id == user_id))).first()
        if row is None:
            return None
        return CalendarKey(user_id=row.user_id, key_digest=row.key_digest, created_at=row.created_at)

    async def delete(self, user_id: str) -> bool:
        result = await self._execute(delete(calendar_keys).where(calendar_keys.c.user_id == user_id))
        return bool(result.rowcount)
