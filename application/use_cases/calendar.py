"""The calendar feed: a per-user key (created, rotated, turned off) and the tasks the feed shows.

Calendar apps subscribe to a URL and cannot send a bearer token, so the URL carries a secret
key. Only its SHA-256 digest is stored; a new key replaces the old one in the same statement,
so the old URL stops working at once. A wrong key, no key and an unknown user all get the
same ``NotFound``, and the digests are compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from application.ports import Clock, UnitOfWorkFactory
from application.queries import LIMIT_MAX, TaskQuery
from domain.calendar_key import DIGEST_LENGTH, CalendarKey, key_digest
from domain.errors import InvalidValue, NotFound
from domain.task import Task
from domain.values import TaskStatus, check_user_id

KEY_BYTES = 32  # 256 bits of randomness: guessing is hopeless, so a wrong key needs no lockout
KEY_MAX_LENGTH = 128  # a longer "key" is not one of ours: refused without hashing it
FEED_MAX_TASKS = 500  # the feed's bound: the earliest-due pending tasks, this many at most
_NO_DIGEST = "0" * DIGEST_LENGTH  # compared against when the user has no key: same work, same answer


@dataclass(frozen=True, slots=True)
class NewCalendarKey:
    """A freshly made key: the only time the key itself is seen."""

    key: str
    created_at: datetime


class FeedNotFound(NotFound):
    """No feed for this user and key (wrong key, no key, feed off or unknown user: one answer)."""

    def __init__(self) -> None:
        super().__init__("calendar", "feed")


class CalendarUseCases:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def create_key(self, user_id: str) -> NewCalendarKey:
        """A new key for the user's feed; any earlier key stops working when this commits."""
        check_user_id(user_id)
        key = secrets.token_urlsafe(KEY_BYTES)
        now = self._clock.now()
        async with self._uow() as uow:
            await uow.calendar_keys.put(CalendarKey(user_id=user_id, key_digest=key_digest(key), created_at=now))
            await uow.commit()
        return NewCalendarKey(key=key, created_at=now)

    async def current_key(self, user_id: str) -> CalendarKey | None:
        """The stored key (its digest and age), or None while the feed is off."""
        async with self._uow(read_only=True) as uow:
            return await uow.calendar_keys.get(user_id)

    async def delete_key(self, user_id: str) -> bool:
        """Turn the feed off; False when it was already off."""
        async with self._uow() as uow:
            deleted = await uow.calendar_keys.delete(user_id)
            await uow.commit()
        return deleted

    async def feed(self, user_id: str, key: str | None) -> list[Task]:
        """The pending tasks with a due date (earliest first, at most ``FEED_MAX_TASKS``) of the
        user whose feed ``key`` opens; ``FeedNotFound`` otherwise."""
        try:
            check_user_id(user_id)
        except InvalidValue:
            raise FeedNotFound from None  # no such user: the same answer as a wrong key
        async with self._uow(read_only=True) as uow:
            stored = await uow.calendar_keys.get(user_id)
            if not _opens(stored, key):
                raise FeedNotFound
            tasks: list[Task] = []
            while len(tasks) < FEED_MAX_TASKS:
                page = await uow.tasks.find(
                    user_id,
                    TaskQuery(
                        status=TaskStatus.PENDING,
                        has_due_date=True,
                        sort="due_date",
                        limit=min(LIMIT_MAX, FEED_MAX_TASKS - len(tasks)),
                        offset=len(tasks),
                    ),
                )
                tasks.extend(page.items)
                if len(page.items) < page.limit:
                    break
            return tasks


def _opens(stored: CalendarKey | None, key: str | None) -> bool:
    """Whether ``key`` is the stored key, in time that does not depend on where they differ."""
    presented = key_digest(key) if key and len(key) <= KEY_MAX_LENGTH else _NO_DIGEST
    expected = stored.key_digest if stored is not None else _NO_DIGEST
    matches = hmac.compare_digest(presented.encode(), expected.encode())
    return matches and stored is not None and presented != _NO_DIGEST
