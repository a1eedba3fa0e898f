"""One contract for every store: memory, SQLite and Postgres behave the same."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from application.errors import Conflict
from application.ports import UnitOfWorkFactory
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.account import Account
from domain.conversation import Conversation, Message, ToolCall
from domain.recurrence import Recurrence
from domain.task import Task
from domain.values import Priority, TaskStatus
from tests.doubles import FakeClock

NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def task(user: str, number: int, title: str, **kw: object) -> Task:
    return Task.create(user_id=user, id=number, title=title, now=NOW, **kw)  # type: ignore[arg-type]


async def test_numbers_are_per_user_and_never_reused(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        assert [await u.tasks.next_id("a"), await u.tasks.next_id("a"), await u.tasks.next_id("b")] == [1, 2, 1]
        await u.commit()
    async with uow() as u:
        await u.tasks.next_id("a")  # rolled back: the number comes back
    async with uow() as u:
        assert await u.tasks.next_id("a") == 3


async def test_add_get_round_trips_every_field_in_utc(uow: UnitOfWorkFactory) -> None:
    original = task("a", 1, "Buy milk", description="2 l", priority=Priority.HIGH, due_date=date(2026, 3, 4))
    async with uow() as u:
        await u.tasks.add(original)
        await u.commit()
    async with uow() as u:
        loaded = await u.tasks.get("a", 1)
    assert loaded == original
    assert loaded is not None and loaded.created_at.tzinfo is not None
    assert loaded.created_at.utcoffset() == timedelta(0)


async def test_nothing_is_visible_without_commit(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "x"))
    async with uow() as u:
        assert await u.tasks.get("a", 1) is None


async def test_exception_rolls_back(uow: UnitOfWorkFactory) -> None:
    with pytest.raises(RuntimeError):
        async with uow() as u:
            await u.tasks.add(task("a", 1, "x"))
            raise RuntimeError("boom")
    async with uow() as u:
        assert (await u.tasks.find("a", TaskQuery())).total == 0


async def test_explicit_rollback_discards(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "x"))
        await u.rollback()
        await u.tasks.add(task("a", 2, "y"))
        await u.commit()
    async with uow() as u:
        assert [t.id for t in (await u.tasks.find("a", TaskQuery())).items] == [2]


async def test_every_task_method_is_scoped_to_the_owner(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "alice's"))
        await u.commit()
    async with uow() as u:
        assert await u.tasks.get("b", 1) is None
        assert (await u.tasks.find("b", TaskQuery())).total == 0
        assert await u.tasks.delete("b", 1) is None
        assert await u.tasks.trash("b", 1, NOW) is None
        assert await u.tasks.restore("b", 1, NOW - timedelta(days=1)) is None
        assert await u.tasks.label_counts("b") == []
        assert await u.tasks.get("b", 1, for_update=True) is None
        assert await u.tasks.find_for_update("b", TaskQuery()) == []
        intruder = task("b", 1, "hijacked")
        await u.tasks.save(intruder)
        await u.commit()
    async with uow() as u:
        kept = await u.tasks.get("a", 1)
        assert kept is not None and kept.title == "alice's"


async def test_save_and_delete(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "x"))
        await u.commit()
    async with uow() as u:
        t = await u.tasks.get("a", 1)
        assert t is not None
        later = NOW + timedelta(hours=1)
        t.rename("y", later)
        t.complete(later)
        t.reschedule(None, later)
        await u.tasks.save(t)
        await u.commit()
    async with uow() as u:
        t2 = await u.tasks.get("a", 1)
        assert t2 is not None and (t2.title, t2.completed, t2.updated_at) == ("y", True, NOW + timedelta(hours=1))
        assert t2.created_at == NOW
        assert await u.tasks.delete("a", 1) is None  # only a trashed task can be deleted for good
        trashed = await u.tasks.trash("a", 1, later)
        assert trashed == replace(t2, deleted_at=later)  # the task as it was, now in the trash
        assert await u.tasks.trash("a", 1, later) is None
        assert await u.tasks.delete("a", 1) == trashed
        assert await u.tasks.delete("a", 1) is None
        await u.commit()


async def test_new_fields_round_trip(uow: UnitOfWorkFactory) -> None:
    original = task(
        "a", 1, "Water the plants", due_date=date(2026, 3, 2), recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO"),
        labels=("Home", "garden é"),
    )
    original.last_completed_at = NOW
    async with uow() as u:
        await u.tasks.add(original)
        await u.commit()
    async with uow() as u:
        assert await u.tasks.get("a", 1) == original


async def test_the_trash_hides_restores_and_purges(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        for number, title in enumerate(["keep", "bin me", "old", "bin me too"], start=1):
            await u.tasks.add(task("a", number, title, labels=("x",)))
        await u.commit()
    async with uow() as u:
        assert await u.tasks.trash("a", 3, NOW - timedelta(days=40)) is not None
        assert await u.tasks.trash("a", 2, NOW) is not None
        assert await u.tasks.trash("a", 4, NOW + timedelta(seconds=1)) is not None
        await u.commit()
    since = NOW - timedelta(days=30)
    async with uow() as u:
        assert [t.id for t in (await u.tasks.find("a", TaskQuery())).items] == [1]
        assert await u.tasks.get("a", 2) is None and await u.tasks.get("a", 2, for_update=True) is None
        assert [t.id for t in await u.tasks.find_for_update("a", TaskQuery())] == [1]
        assert await u.tasks.label_counts("a") == [("x", 1)]
        page = await u.tasks.find_trash("a", since, 10, 0)
        assert ([t.id for t in page.items], page.total) == ([4, 2], 2)  # newest first; 3 is too old
        assert [t.id for t in (await u.tasks.find_trash("a", since, 1, 1)).items] == [2]
        assert await u.tasks.restore("a", 3, since) is None  # past the 30 days
        restored = await u.tasks.restore("a", 2, since)
        assert restored is not None and (restored.id, restored.title, restored.deleted_at) == (2, "bin me", None)
        assert await u.tasks.restore("a", 2, since) is None
        assert await u.tasks.purge_trash("a", since) == 1
        await u.commit()
    async with uow() as u:
        assert [t.id for t in (await u.tasks.find("a", TaskQuery())).items] == [1, 2]
        assert (await u.tasks.find_trash("a", NOW - timedelta(days=100), 10, 0)).total == 1  # 3 is gone


async def test_labels_filter_and_count_case_insensitively(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "milk", labels=("Shopping",)))
        await u.tasks.add(task("a", 2, "report", labels=("work", "shopping_list")))
        await u.tasks.add(task("a", 3, "eggs", labels=("shopping", "Urgent%")))
        await u.tasks.add(task("a", 4, "none"))
        await u.tasks.add(task("b", 1, "theirs", labels=("shopping",)))
        await u.commit()
    async with uow() as u:
        found = await u.tasks.find("a", TaskQuery(label="SHOPPING"))
        assert [t.id for t in found.items] == [1, 3]
        assert [t.id for t in (await u.tasks.find("a", TaskQuery(label="shopping_list"))).items] == [2]
        assert [t.id for t in (await u.tasks.find("a", TaskQuery(label=" shopping "))).items] == [1, 3]
        assert [t.id for t in (await u.tasks.find("a", TaskQuery(label="urgent%"))).items] == [3]
        assert (await u.tasks.find("a", TaskQuery(label="shop"))).total == 0  # whole labels only
        assert (await u.tasks.find("a", TaskQuery(label="%"))).total == 0
        assert await u.tasks.label_counts("a") == [
            ("Shopping", 2), ("shopping_list", 1), ("Urgent%", 1), ("work", 1),
        ]


QUERIES = [
    (TaskQuery(), [1, 2, 3, 4]),
    (TaskQuery(status=TaskStatus.PENDING), [1, 2, 4]),
    (TaskQuery(status=TaskStatus.COMPLETED), [3]),
    (TaskQuery(priority=Priority.HIGH), [2]),
    (TaskQuery(due_before=date(2026, 3, 3)), [1]),
    (TaskQuery(due_after=date(2026, 3, 1)), [2]),
    (TaskQuery(due_on=date(2026, 3, 1)), [1]),
    (TaskQuery(has_due_date=True), [1, 2]),
    (TaskQuery(has_due_date=False), [3, 4]),
    (TaskQuery(q="BUY"), [1, 3]),
    (TaskQuery(q="100%"), [4]),
    (TaskQuery(q="_"), []),
    (TaskQuery(ids=(2, 4, 9)), [2, 4]),
    (TaskQuery(sort="-id"), [4, 3, 2, 1]),
    (TaskQuery(sort="priority"), [2, 3, 4, 1]),
    (TaskQuery(sort="-priority"), [1, 4, 3, 2]),
    (TaskQuery(sort="due_date"), [1, 2, 3, 4]),
    (TaskQuery(sort="-due_date"), [4, 3, 2, 1]),
    (TaskQuery(sort="title"), [4, 3, 1, 2]),
    (TaskQuery(limit=2, offset=1), [2, 3]),
    (TaskQuery(limit=2, offset=10), []),
]


@pytest.mark.parametrize(("query", "expected"), QUERIES)
async def test_find_filters_sorts_and_pages_alike(
    uow: UnitOfWorkFactory, query: TaskQuery, expected: list[int]
) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "buy milk", priority=Priority.LOW, due_date=date(2026, 3, 1)))
        await u.tasks.add(task("a", 2, "call mom", priority=Priority.HIGH, due_date=date(2026, 3, 5)))
        done = task("a", 3, "buy bread")
        done.complete(NOW)
        await u.tasks.add(done)
        await u.tasks.add(task("a", 4, "100% effort"))
        await u.tasks.add(task("b", 1, "buy milk"))
        await u.commit()
    async with uow() as u:
        page = await u.tasks.find("a", query)
    assert [t.id for t in page.items] == expected
    base = TaskQuery(
        status=query.status,
        priority=query.priority,
        due_before=query.due_before,
        due_after=query.due_after,
        due_on=query.due_on,
        has_due_date=query.has_due_date,
        q=query.q,
        ids=query.ids,
        limit=100,
    )
    async with uow() as u:
        assert page.total == len((await u.tasks.find("a", base)).items)
        # The locking read for changes: the same filters and order, every match, no paging.
        unpaged = await u.tasks.find("a", replace(query, limit=100, offset=0))
        assert await u.tasks.find_for_update("a", query) == unpaged.items


def conversation(user: str, at: datetime, text: str = "hello") -> Conversation:
    return Conversation.start(id=uuid.uuid4(), user_id=user, first_message=text, now=at)


def message(conv: Conversation, content: str, at: datetime, role: str = "user") -> Message:
    if role == "user":
        return Message.from_user(
            id=uuid.uuid4(), conversation_id=conv.id, user_id=conv.user_id, content=content, now=at
        )
    return Message.from_assistant(
        id=uuid.uuid4(),
        conversation_id=conv.id,
        user_id=conv.user_id,
        content=content,
        now=at,
        tool_calls=(ToolCall("add_task", {"title": "x"}, {"task_id": 1, "status": "created", "title": "x"}),),
        token_count=7,
    )


async def test_conversations_and_messages_round_trip_scoped_and_ordered(uow: UnitOfWorkFactory) -> None:
    c1, c2, other = conversation("a", NOW), conversation("a", NOW + timedelta(minutes=1)), conversation("b", NOW)
    async with uow() as u:
        for c in (c1, c2, other):
            await u.conversations.add(c)
        # Equal timestamps: insertion order must still hold.
        for i in range(5):
            await u.conversations.add_message(message(c1, f"m{i}", NOW, role="user" if i % 2 == 0 else "assistant"))
        await u.commit()
    async with uow() as u:
        assert await u.conversations.get("b", c1.id) is None
        assert await u.conversations.get("a", c1.id) == c1
        page = await u.conversations.find("a", 10, 0)
        assert [c.id for c in page.items] == [c2.id, c1.id] and page.total == 2
        assert (await u.conversations.find("a", 1, 5)).total == 2
        msgs = await u.conversations.messages("a", c1.id, 2, 1)
        assert [m.content for m in msgs.items] == ["m1", "m2"] and msgs.total == 5
        assert msgs.items[0].tool_calls[0].result["task_id"] == 1 and msgs.items[0].token_count == 7
        assert [m.content for m in await u.conversations.recent_messages("a", c1.id, 3)] == ["m2", "m3", "m4"]
        assert await u.conversations.recent_messages("b", c1.id, 3) == []
        assert (await u.conversations.messages("b", c1.id, 10, 0)).total == 0


async def test_new_messages_reorder_conversations_and_delete_cascades(uow: UnitOfWorkFactory) -> None:
    c1, c2 = conversation("a", NOW), conversation("a", NOW + timedelta(minutes=1))
    async with uow() as u:
        await u.conversations.add(c1)
        await u.conversations.add(c2)
        await u.conversations.add_message(message(c1, "hi", NOW))
        await u.commit()
    async with uow() as u:
        await u.conversations.add_message(message(c1, "later", NOW + timedelta(hours=1)))
        assert await u.conversations.delete("b", c2.id) is False
        await u.commit()
    async with uow() as u:
        assert [c.id for c in (await u.conversations.find("a", 10, 0)).items] == [c1.id, c2.id]
        assert await u.conversations.delete("a", c1.id) is True
        await u.commit()
    async with uow() as u:
        assert await u.conversations.get("a", c1.id) is None
        assert (await u.conversations.messages("a", c1.id, 10, 0)).total == 0
        assert await u.conversations.get("a", c2.id) is not None


async def test_a_message_is_its_conversations_latest_activity_never_earlier(uow: UnitOfWorkFactory) -> None:
    older, newer = conversation("a", NOW), conversation("a", NOW + timedelta(minutes=1))
    async with uow() as u:
        await u.conversations.add(older)
        await u.conversations.add(newer)
        await u.conversations.add_message(message(older, "later", NOW + timedelta(hours=1)))
        await u.commit()
    async with uow() as u:
        # A message stamped earlier (a slower concurrent turn) does not move it back.
        await u.conversations.add_message(message(older, "stale", NOW + timedelta(minutes=30)))
        await u.commit()
    async with uow() as u:
        page = await u.conversations.find("a", 10, 0)
        stored = await u.conversations.get("a", older.id)
    assert [c.id for c in page.items] == [older.id, newer.id]
    assert stored is not None and stored.updated_at == NOW + timedelta(hours=1)


async def test_a_read_only_unit_of_work_reads_committed_state_and_refuses_to_commit(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    await tasks.add("a", NewTask("kept"))
    async with uow(read_only=True) as reader:
        assert [t.title for t in (await reader.tasks.find("a", TaskQuery())).items] == ["kept"]
        with pytest.raises(RuntimeError, match="read-only"):
            await reader.commit()
    assert [t.title for t in (await tasks.find("a", TaskQuery())).items] == ["kept"]


async def test_accounts(uow: UnitOfWorkFactory) -> None:
    account = Account(user_id="u1", email="ann@example.com", password_hash="h", created_at=NOW, name="Ann")
    async with uow() as u:
        await u.accounts.add(account)
        await u.commit()
    async with uow() as u:
        assert await u.accounts.by_email("ann@example.com") == account
        assert await u.accounts.by_email("bob@example.com") is None
    twin = Account(user_id="u2", email="ann@example.com", password_hash="h2", created_at=NOW)
    async with uow() as u:
        with pytest.raises(Conflict):
            await u.accounts.add(twin)
    async with uow() as u:
        assert await u.accounts.by_email("ann@example.com") == account


async def test_fifty_concurrent_adds_get_exactly_one_to_fifty(uow: UnitOfWorkFactory) -> None:
    tasks = TaskUseCases(uow, FakeClock())
    created = await asyncio.gather(*(tasks.add("a", NewTask(f"t{i}")) for i in range(50)))
    assert sorted(t.id for t in created) == list(range(1, 51))
    page = await tasks.find("a", TaskQuery(limit=100))
    assert sorted(t.id for t in page.items) == list(range(1, 51)) and page.total == 50


async def test_twenty_concurrent_messages_all_stored_in_stable_order(uow: UnitOfWorkFactory) -> None:
    conv = conversation("a", NOW)
    async with uow() as u:
        await u.conversations.add(conv)
        await u.commit()

    async def post(i: int) -> None:
        async with uow() as u:
            await u.conversations.add_message(message(conv, f"m{i}", NOW))
            await u.commit()

    await asyncio.gather(*(post(i) for i in range(20)))
    async with uow() as u:
        first = [m.content for m in (await u.conversations.messages("a", conv.id, 50, 0)).items]
        second = [m.content for m in (await u.conversations.messages("a", conv.id, 50, 0)).items]
        recent = [m.content for m in await u.conversations.recent_messages("a", conv.id, 20)]
    assert sorted(first) == sorted(f"m{i}" for i in range(20))
    assert first == second == recent


async def test_conversation_writes_are_scoped_to_the_owner(uow: UnitOfWorkFactory) -> None:
    mine = conversation("a", NOW)
    async with uow() as u:
        await u.conversations.add(mine)
        await u.conversations.add_message(message(mine, "hello", NOW))
        await u.commit()
    hijack = Conversation(id=mine.id, user_id="b", title="hijacked", created_at=NOW, updated_at=NOW + timedelta(days=1))
    async with uow() as u:
        with pytest.raises(LookupError):
            await u.conversations.add_message(message(hijack, "injected", NOW + timedelta(days=1)))
        assert (await u.conversations.find("b", 10, 0)).total == 0
        await u.commit()
    async with uow() as u:
        assert await u.conversations.get("a", mine.id) == mine
        assert [m.content for m in await u.conversations.recent_messages("a", mine.id, 10)] == ["hello"]


async def test_a_message_needs_an_existing_conversation(uow: UnitOfWorkFactory) -> None:
    ghost = conversation("a", NOW)
    async with uow() as u:
        with pytest.raises(LookupError):
            await u.conversations.add_message(message(ghost, "nobody home", NOW))
        # The failed add leaves the transaction usable.
        await u.conversations.add(ghost)
        await u.conversations.add_message(message(ghost, "now there is", NOW))
        await u.commit()
    async with uow() as u:
        assert [m.content for m in await u.conversations.recent_messages("a", ghost.id, 10)] == ["now there is"]


async def test_a_commit_keeps_what_came_before_it_only(uow: UnitOfWorkFactory) -> None:
    async with uow() as u:
        await u.tasks.add(task("a", 1, "kept"))
        await u.commit()
        await u.tasks.add(task("a", 2, "dropped"))
    async with uow() as u:
        assert [t.title for t in (await u.tasks.find("a", TaskQuery())).items] == ["kept"]


async def test_times_round_trip_as_aware_utc_everywhere(uow: UnitOfWorkFactory) -> None:
    conv = conversation("a", NOW)
    msg = message(conv, "hi", NOW + timedelta(microseconds=1))
    async with uow() as u:
        await u.conversations.add(conv)
        await u.conversations.add_message(msg)
        await u.commit()
    async with uow() as u:
        loaded = await u.conversations.get("a", conv.id)
        (stored,) = await u.conversations.recent_messages("a", conv.id, 1)
    assert loaded is not None
    pairs = ((loaded.created_at, NOW), (loaded.updated_at, msg.created_at), (stored.created_at, msg.created_at))
    for moment, expected in pairs:
        assert moment == expected and moment.utcoffset() == timedelta(0)


async def test_tool_calls_keep_their_json_shape(uow: UnitOfWorkFactory) -> None:
    conv = conversation("a", NOW)
    calls = (
        ToolCall(
            "list_tasks",
            {"status": "pending", "limit": 5},
            {"tasks": [{"id": 1, "title": "Äpfel 🍎", "due_date": None}], "total": 1},
        ),
        ToolCall("complete_task", {"task_id": 9}, {"error": "Task 9 not found"}),
    )
    reply = Message.from_assistant(
        id=uuid.uuid4(), conversation_id=conv.id, user_id="a", content="done", now=NOW, tool_calls=calls, token_count=42
    )
    async with uow() as u:
        await u.conversations.add(conv)
        await u.conversations.add_message(reply)
        await u.commit()
    async with uow() as u:
        assert await u.conversations.recent_messages("a", conv.id, 5) == [reply]


async def test_conversation_and_message_paging(uow: UnitOfWorkFactory) -> None:
    convs = [conversation("a", NOW + timedelta(minutes=i)) for i in range(5)]
    async with uow() as u:
        for c in convs:
            await u.conversations.add(c)
        for i in range(7):
            await u.conversations.add_message(message(convs[0], f"m{i}", NOW))
        await u.commit()
    async with uow() as u:
        page = await u.conversations.find("a", 2, 1)
        assert [c.id for c in page.items] == [convs[3].id, convs[2].id]
        assert (page.total, page.limit, page.offset) == (5, 2, 1)
        assert [m.content for m in (await u.conversations.messages("a", convs[0].id, 3, 5)).items] == ["m5", "m6"]
        beyond = await u.conversations.messages("a", convs[0].id, 3, 50)
        assert (beyond.items, beyond.total) == ([], 7)
        assert len(await u.conversations.recent_messages("a", convs[0].id, 100)) == 7
        assert await u.conversations.recent_messages("a", convs[1].id, 20) == []


UNICODE_TITLES = [
    "Äpfel kaufen",
    "äpfel schälen",
    "ZEBRA crossing",
    "apple pie",
    "a b",
    "ab",
    "Straße fegen",
    "ΣΟΦΙΑ",
    "_under",
    "b",
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (TaskQuery(q="ÄPFEL"), [1, 2]),
        (TaskQuery(q="zebra CROSS"), [3]),
        (TaskQuery(q="straße"), [7]),
        (TaskQuery(q="σοφια"), [8]),
        (TaskQuery(q="_"), [9]),
        (TaskQuery(q="a b"), [3, 5, 6]),
        # Code-point order of the lower-cased titles, as Python sorts them.
        (TaskQuery(sort="title"), [9, 5, 6, 4, 10, 7, 3, 1, 2, 8]),
        (TaskQuery(sort="-title"), [8, 2, 1, 3, 7, 10, 4, 6, 5, 9]),
    ],
)
async def test_search_and_title_sort_agree_beyond_ascii(
    uow: UnitOfWorkFactory, query: TaskQuery, expected: list[int]
) -> None:
    async with uow() as u:
        for number, title in enumerate(UNICODE_TITLES, start=1):
            await u.tasks.add(task("a", number, title))
        await u.commit()
    async with uow() as u:
        assert [t.id for t in (await u.tasks.find("a", query)).items] == expected
