"""Message times agree with message order in one conversation (issue 15, "also found").

The order is ``seq``; each message's time came from the clock of the replica that wrote
it, so with two replicas a later message could carry a time up to 100 ms earlier. Now a
message is stored with its conversation's latest activity (its own time, or later).
"""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import UTC, datetime, timedelta

from application.ports import UnitOfWorkFactory
from domain.conversation import Conversation, Message

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _message(conversation: Conversation, content: str, at: datetime) -> Message:
    return Message.from_user(
        id=uuid.uuid4(), conversation_id=conversation.id, user_id=conversation.user_id, content=content, now=at
    )


async def _stored(uow: UnitOfWorkFactory, conversation: Conversation) -> list[Message]:
    async with uow(read_only=True) as u:
        return list((await u.conversations.messages("a", conversation.id, 100, 0)).items)


async def test_a_message_from_a_clock_behind_is_not_stored_earlier_than_the_one_before(uow: UnitOfWorkFactory) -> None:
    conversation = Conversation.start(id=uuid.uuid4(), user_id="a", first_message="hi", now=NOW)
    async with uow() as u:
        await u.conversations.add(conversation)
        await u.conversations.add_message(_message(conversation, "from the replica ahead", NOW + timedelta(seconds=1)))
        await u.commit()
    async with uow() as u:
        await u.conversations.add_message(_message(conversation, "from the replica behind", NOW))
        await u.commit()
    stored = await _stored(uow, conversation)
    assert [(m.content, m.created_at) for m in stored] == [
        ("from the replica ahead", NOW + timedelta(seconds=1)),
        ("from the replica behind", NOW + timedelta(seconds=1)),
    ]


async def test_concurrent_messages_with_skewed_clocks_have_times_in_their_order(uow: UnitOfWorkFactory) -> None:
    conversation = Conversation.start(id=uuid.uuid4(), user_id="a", first_message="hi", now=NOW)
    async with uow() as u:
        await u.conversations.add(conversation)
        await u.commit()
    skew = random.Random(3)

    async def write(n: int) -> None:
        async with uow() as u:
            at = NOW + timedelta(milliseconds=skew.randint(0, 100))  # replicas up to 100 ms apart
            await u.conversations.add_message(_message(conversation, f"m{n}", at))
            await u.commit()

    await asyncio.gather(*(write(n) for n in range(20)))
    times = [m.created_at for m in await _stored(uow, conversation)]
    assert len(times) == 20
    assert times == sorted(times)
