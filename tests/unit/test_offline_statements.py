"""The offline model's reading of statements and compound changes (issue 13): a statement that a task
is done completes the one open task it names; a statement of a date or priority updates the task
named; a statement never adds; two verbs in one clause each change their own task; a list named
after "move"/"put" is a label, never a deletion; a near miss or several candidates ask.

The sentences are the team's own, written for each class; none is taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.unit.offline_chat import state, talk


async def setup(tasks: TaskUseCases, *titles: str) -> None:
    for title in titles:
        await tasks.add("alice", NewTask(title))


@pytest.mark.parametrize("message", [
    "watered the ferns",
    "I've watered the ferns",
    "the fern watering is done",
    "ok the ferns are watered now",
    "finally finished watering the ferns!",
])
async def test_a_statement_of_completion_completes_the_one_task_it_names(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "water the ferns", "post the parcel")
    await talk(offline_chat, message)
    assert await state(tasks) == [("water the ferns", True), ("post the parcel", False)]


async def test_a_statement_of_completion_that_fits_several_tasks_asks_which(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "pay the gas bill", "pay the water bill")
    reply = await talk(offline_chat, "paid the bill")
    assert await state(tasks) == [("pay the gas bill", False), ("pay the water bill", False)]
    assert "task 1 (pay the gas bill)" in reply and "task 2 (pay the water bill)" in reply


@pytest.mark.parametrize("message", ["fixed the gate", "the gate is sorted"])
async def test_a_statement_of_completion_never_adds(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "post the parcel")
    await talk(offline_chat, message)
    assert await state(tasks) == [("post the parcel", False)]


async def test_a_deed_that_does_not_fit_the_task_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "ring the roofer", "post the parcel")
    reply = await talk(offline_chat, "paid the roofer")
    assert await state(tasks) == [("ring the roofer", False), ("post the parcel", False)]
    assert "task 1 (ring the roofer)" in reply


async def test_a_statement_of_a_date_updates_the_task_named(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "service the boiler", "walk the dog")
    await talk(offline_chat, "the boiler service should be due on the 9th of january")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [t.title for t in found] == ["service the boiler", "walk the dog"]
    assert found[0].due_date is not None and (found[0].due_date.month, found[0].due_date.day) == (1, 9)
    assert found[1].due_date is None


async def test_a_statement_of_priority_updates_the_task_named(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "service the boiler", "walk the dog")
    await talk(offline_chat, "walk the dog is low priority now")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, t.priority.value) for t in found] == [("service the boiler", "medium"), ("walk the dog", "low")]


async def test_a_statement_about_no_task_asks_and_adds_nothing(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "walk the dog")
    await talk(offline_chat, "the piano recital should be due friday")
    assert await state(tasks) == [("walk the dog", False)]


async def test_a_statement_about_several_tasks_asks_which(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "email the bank", "call the bank")
    reply = await talk(offline_chat, "the bank thing is urgent")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [t.priority.value for t in found] == ["medium", "medium"]
    assert "task 1 (email the bank)" in reply and "task 2 (call the bank)" in reply


async def test_two_verbs_in_one_clause_each_change_their_own_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "oil the hinge", "sweep the porch", "fix the gate")
    await talk(offline_chat, "show my list", "remove the second and complete the third")
    assert await state(tasks) == [("oil the hinge", False), ("fix the gate", True)]


async def test_finish_one_and_delete_another_by_number(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "oil the hinge", "sweep the porch", "fix the gate")
    await talk(offline_chat, "finish 3 and delete 1")
    assert await state(tasks) == [("sweep the porch", False), ("fix the gate", True)]


async def test_move_to_a_list_relabels_and_never_deletes(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sharpen the saw", "walk the dog")
    await talk(offline_chat, "move the saw to the garage list")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, list(t.labels)) for t in found] == [("sharpen the saw", ["garage"]), ("walk the dog", [])]


async def test_put_an_existing_task_on_a_list_labels_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "post the parcel", "walk the dog")
    await talk(offline_chat, "put the parcel on my errands list")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, t.completed, list(t.labels)) for t in found] == [
        ("post the parcel", False, ["errands"]), ("walk the dog", False, [])]


async def test_a_statement_of_priority_is_no_rename(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "service the boiler", "walk the dog")
    await talk(offline_chat, "task 2 isn't that important anymore, make it low")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, t.priority.value) for t in found] == [("service the boiler", "medium"), ("walk the dog", "low")]


async def test_the_first_one_added_is_the_first_add_of_the_conversation(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "walk the dog")
    await talk(offline_chat, "add descale the kettle", "add oil the hinge", "tick off the first one I added")
    assert await state(tasks) == [("walk the dog", False), ("descale the kettle", True), ("oil the hinge", False)]


@pytest.mark.parametrize("message", [
    "add a note to the kettle task: use the citric acid",
    "note for task 1: use the citric acid",
])
async def test_a_note_for_a_named_task_is_a_note_never_a_new_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "descale the kettle", "walk the dog")
    await talk(offline_chat, message)
    found = (await tasks.find("alice", TaskQuery())).items
    assert [t.title for t in found] == ["descale the kettle", "walk the dog"]
    assert "citric acid" in (found[0].description or "")


async def test_wait_no_undo_that_undoes(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "descale the kettle", "walk the dog")
    await talk(offline_chat, "remove the kettle one", "wait no, undo that")
    assert await state(tasks) == [("descale the kettle", False), ("walk the dog", False)]


async def test_and_with_a_date_goes_on_changing_the_same_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add descale the kettle", "make it low priority", "and due on friday")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.priority.value == "low" and task.due_date is not None and task.due_date.weekday() == 4


@pytest.mark.parametrize(("titles", "message"), [
    (("oat milk", "walk the dog"), "bought the oat milk"),
    (("swap the tyres", "walk the dog"), "I finally got the tyres swapped"),
])
async def test_a_deed_fits_a_title_it_covers(
    offline_chat: ChatUseCases, tasks: TaskUseCases, titles: tuple[str, str], message: str
) -> None:
    await setup(tasks, *titles)
    await talk(offline_chat, message)
    assert await state(tasks) == [(titles[0], True), (titles[1], False)]
