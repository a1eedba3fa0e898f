"""The calendar key repository behaves the same on memory, SQLite and Postgres."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from application.errors import Conflict
from application.ports import UnitOfWorkFactory
from domain.calendar_key import CalendarKey, key_digest

NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def key(user: str, secret: str, at: datetime = NOW) -> CalendarKey:
    return CalendarKey(user_id=user, key_digest=key_digest(secret), created_at=at)


async def test_put_get_round_trips_in_utc(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        assert await u.calendar_keys.get("alice") is None
        await u.calendar_keys.put(key("alice", "one"))
        await u.commit()
    async with uow(read_only=True) as u:
        loaded = await u.calendar_keys.get("alice")
    assert loaded == key("alice", "one")
    assert loaded is not None and loaded.created_at.utcoffset() == timedelta(0)


async def test_a_new_key_replaces_the_old_one(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "one"))
        await u.commit()
    later = NOW + timedelta(minutes=5)
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "two", later))
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.calendar_keys.get("alice") == key("alice", "two", later)


async def test_keys_are_per_user_and_delete_touches_only_the_owner(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "a"))
        await u.calendar_keys.put(key("bob", "b"))
        await u.commit()
    async with uow() as u:
        assert await u.calendar_keys.delete("alice") is True
        assert await u.calendar_keys.delete("alice") is False
        assert await u.calendar_keys.delete("carol") is False
        await u.commit()
    async with uow(read_only=True) as u:
        assert await u.calendar_keys.get("alice") is None
        assert await u.calendar_keys.get("bob") == key("bob", "b")


async def test_uncommitted_keys_are_not_kept(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "a"))
        await u.commit()
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "b"))
        await u.calendar_keys.delete("bob")
    async with uow(read_only=True) as u:
        assert await u.calendar_keys.get("alice") == key("alice", "a")


async def test_one_digest_belongs_to_one_user(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.calendar_keys.put(key("alice", "same"))
        await u.commit()
    with pytest.raises(Conflict):
        async with uow() as u:
            await u.calendar_keys.put(key("bob", "same"))
            await u.commit()
    async with uow(read_only=True) as u:
        assert await u.calendar_keys.get("bob") is None


async def test_concurrent_rotations_leave_exactly_one_of_the_keys(uow: UnitOfWorkFactory) -> None:
    async def rotate(secret: str) -> None:
        async with uow() as u:
            await u.calendar_keys.put(key("alice", secret))
            await u.commit()

    secrets = [f"k{i}" for i in range(10)]
    await asyncio.gather(*(rotate(s) for s in secrets))
    async with uow(read_only=True) as u:
        stored = await u.calendar_keys.get("alice")
    assert stored is not None and stored.key_digest in {key_digest(s) for s in secrets}
