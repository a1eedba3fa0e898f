"""The offline model end to end over the in-memory store: what the list looks like after a message."""

from __future__ import annotations

from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.unit.offline_chat import state, talk


async def test_an_unclear_part_of_a_message_keeps_the_whole_message_from_acting(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    for title in ("call the bank", "call the bakery"):
        await tasks.add("alice", NewTask(title))
    reply = await talk(offline_chat, "add buy stamps and delete the call")
    assert await state(tasks) == [("call the bank", False), ("call the bakery", False)]
    assert "Which one do you mean" in reply and "haven't done any of your message" in reply


async def test_several_intents_in_one_message_all_act_when_each_is_clear(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    for title in ("water the plants", "sort the mail", "feed the cat"):
        await tasks.add("alice", NewTask(title))
    await talk(offline_chat, "delete the mail thing and mark task 3 as done")
    assert await state(tasks) == [("water the plants", False), ("feed the cat", True)]


async def test_the_first_two_of_the_last_list_are_the_first_two_shown(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    for title in ("buy a card", "wrap the present", "book the restaurant"):
        await tasks.add("alice", NewTask(title))
    await talk(offline_chat, "what's still open?", "did the first two, tick both")
    assert await state(tasks) == [("buy a card", True), ("wrap the present", True), ("book the restaurant", False)]


async def test_a_later_clause_never_undoes_the_same_message(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await tasks.add("alice", NewTask("call the insurance company"))
    await talk(offline_chat, "I finally called the insurance company, so you can cross that one off")
    assert await state(tasks) == [("call the insurance company", True)]


async def test_a_repeating_task_is_added_with_its_rule_and_the_reply_says_so(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    reply = await talk(offline_chat, "water the plants every monday")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    rule = task.recurrence.rule if task.recurrence else None
    assert (task.title, rule) == ("water the plants", "FREQ=WEEKLY;BYDAY=MO")
    assert "repeats every Monday" in reply


async def test_stop_repeating_clears_the_rule(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "pay rent on the 1st of every month", "stop repeating the rent")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert (task.title, task.recurrence) == ("pay rent", None)


async def test_a_list_name_becomes_a_label_and_taking_it_off_keeps_the_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add milk and bread to my shopping list", "take milk off the shopping list")
    assert [(t.title, t.labels) for t in (await tasks.find("alice", TaskQuery())).items] == [
        ("milk", ()), ("bread", ("shopping",))]


async def test_undo_of_a_delete_brings_the_task_back_with_its_number(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    for title in ("buy stamps", "call the bank"):
        await tasks.add("alice", NewTask(title))
    reply = await talk(offline_chat, "delete task 2", "undo")
    listed = (await tasks.find("alice", TaskQuery())).items
    assert [(t.id, t.title) for t in listed] == [(1, "buy stamps"), (2, "call the bank")]
    assert "task 2" in reply
