"""Export and import on every store (memory, SQLite, Postgres): the round trip keeps everything,
a rejected import leaves no trace, and nothing crosses to another user."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID

import msgspec
import pytest

from application.ports import UnitOfWorkFactory
from application.todoist import RowsRejected
from application.use_cases.tasks import NewTask, TaskUseCases
from application.use_cases.transfer import ExportDocument, TransferUseCases
from domain.conversation import Conversation, Message, ToolCall
from tests.doubles import FakeClock, SequentialIds

HEADER = "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"


def without_ids(document: ExportDocument) -> dict[str, object]:
    data = msgspec.to_builtins(document)
    assert isinstance(data, dict)
    data.pop("user_id"), data.pop("exported_at")
    for conversation in data["conversations"]:
        conversation.pop("id")
    return data


async def fill(uow: UnitOfWorkFactory, clock: FakeClock, tasks: TaskUseCases) -> None:
    await tasks.add("alice", NewTask("Water the plants", due_date=date(2026, 3, 9),
                                     recurrence="FREQ=WEEKLY;BYDAY=MO", labels=["home", "Garden"]))
    rent = await tasks.add("alice", NewTask("Pay rent", "the flat", "high", date(2026, 3, 1)))
    await tasks.complete("alice", rent.id)
    old = await tasks.add("alice", NewTask("Old idea", labels=["someday"]))
    clock.advance(minutes=5)
    await tasks.delete("alice", old.id)
    await tasks.add("alice", NewTask("Plain"))
    async with uow() as u:
        conversation = Conversation.start(id=UUID(int=900), user_id="alice", first_message="hi", now=clock.now())
        await u.conversations.add(conversation)
        await u.conversations.add_message(Message.from_user(
            id=UUID(int=901), conversation_id=conversation.id, user_id="alice", content="add tea", now=clock.now()))
        await u.conversations.add_message(Message.from_assistant(
            id=UUID(int=902), conversation_id=conversation.id, user_id="alice", content="Added task 4: tea",
            now=clock.now() + timedelta(seconds=1),
            tool_calls=(ToolCall("add_task", {"title": "tea"}, {"task_id": 4, "status": "created"}),)))
        await u.commit()


async def test_round_trip_into_a_new_account_keeps_everything(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    tasks = TaskUseCases(uow, clock)
    transfer = TransferUseCases(uow, clock, SequentialIds())
    await fill(uow, clock, tasks)
    document = await transfer.export("alice")
    assert [t.title for t in document.tasks] == ["Water the plants", "Pay rent", "Plain"]
    assert [t.title for t in document.trash] == ["Old idea"]

    result = await transfer.import_document("carol", msgspec.json.encode(document))
    assert (result.tasks, result.trash, result.conversations, result.messages) == (3, 1, 1, 2)
    copy = await transfer.export("carol")
    assert without_ids(copy) == without_ids(document)  # numbers, dates, labels, rules, messages, tool calls
    assert copy.conversations[0].id != document.conversations[0].id
    assert [t.title for t in (await tasks.trash("carol", 10, 0)).items] == ["Old idea"]
    assert without_ids(await transfer.export("alice")) == without_ids(document)  # the source is untouched


async def test_a_rejected_import_writes_nothing_and_burns_no_number(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    tasks = TaskUseCases(uow, clock)
    transfer = TransferUseCases(uow, clock, SequentialIds())
    await tasks.add("alice", NewTask("mine"))
    with pytest.raises(RowsRejected):
        await transfer.import_todoist("alice", HEADER + "task,fine,,1,,,,,,\ntask,bad,,9,,,,,,\n")
    body = b'{"format": "todo-chat-export", "version": 1, "tasks": [{"title": "ok"}, {"title": ""}]}'
    with pytest.raises(RowsRejected):
        await transfer.import_document("alice", body)
    assert [t.title for t in (await transfer.export("alice")).tasks] == ["mine"]
    assert (await tasks.add("alice", NewTask("next"))).id == 2


async def test_a_todoist_import_lands_with_its_rules_and_labels(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()  # Monday 2 March 2026
    transfer = TransferUseCases(uow, clock, SequentialIds())
    csv = HEADER + "task,Gym @health,,2,,,,every tue and thu,en,\ntask,Milk,,1,,,,Mar 5,en,\n"
    result = await transfer.import_todoist("bob", csv, "Europe/Berlin")
    assert result.task_ids == [1, 2]
    gym, milk = (await transfer.export("bob")).tasks
    assert (gym.recurrence, gym.labels, gym.due_date) == ("FREQ=WEEKLY;BYDAY=TU,TH", ["health"], date(2026, 3, 3))
    assert (milk.priority, milk.due_date) == ("high", date(2026, 3, 5))
    assert (await transfer.export("alice")).tasks == []


async def test_after_an_import_numbers_and_messages_go_on_in_order(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    tasks = TaskUseCases(uow, clock)
    transfer = TransferUseCases(uow, clock, SequentialIds())
    await fill(uow, clock, tasks)
    await tasks.add("bob", NewTask("bob's first"))
    document = await transfer.export("alice")
    result = await transfer.import_document("bob", msgspec.json.encode(document))
    assert result.task_ids == [2, 3, 4, 5]
    assert (await tasks.add("bob", NewTask("after"))).id == 6
    (conversation,) = (await transfer.export("bob")).conversations
    assert conversation.id is not None
    clock.advance(hours=1)
    async with uow() as u:
        await u.conversations.add_message(Message.from_user(
            id=UUID(int=999), conversation_id=conversation.id, user_id="bob", content="and milk", now=clock.now()))
        await u.commit()
    async with uow(read_only=True) as u:
        thread = await u.conversations.messages("bob", conversation.id, 10, 0)
        recent = await u.conversations.recent_messages("bob", conversation.id, 2)
    assert [m.content for m in thread.items] == ["add tea", "Added task 4: tea", "and milk"]
    assert [m.content for m in recent] == ["Added task 4: tea", "and milk"]
    assert thread.items[1].tool_calls[0].result["task_id"] == 5  # alice's task 4 is bob's task 5


async def test_a_tool_call_naming_a_task_outside_the_export_names_none_after_import(uow: UnitOfWorkFactory) -> None:
    clock = FakeClock()
    transfer = TransferUseCases(uow, clock, SequentialIds())
    calls = [{"tool": "delete_task", "arguments": {"task_id": 99}, "result": {"task_id": 99, "status": "deleted"}},
             {"tool": "add_task", "arguments": {"title": "tea"}, "result": {"task_id": 7, "status": "created"}}]
    body = msgspec.json.encode({
        "format": "todo-chat-export", "version": 1, "tasks": [{"id": 7, "title": "tea"}],
        "conversations": [{"title": "t", "messages": [
            {"role": "user", "content": "hi"}, {"role": "assistant", "content": "done", "tool_calls": calls}]}],
    })
    await transfer.import_document("dave", body)
    (conversation,) = (await transfer.export("dave")).conversations
    gone, tea = conversation.messages[1].tool_calls
    assert (gone.arguments["task_id"], gone.result["task_id"]) == (None, None)
    assert tea.result["task_id"] == 1
