"""The offline model's acting policy, guards against wrong changes (issue 13): a correction right
after an add puts that task right; a reading that leaves words unexplained, glues a title from
pieces or carries a date in its title asks; a second request hidden in a clause asks.

The sentences are the team's own, written for each class of wrong change; none is taken from
an evaluation set.
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


# -- 1. a correction right after an add puts the task just added right -------------------------

@pytest.mark.parametrize(("first", "fix", "title"), [
    ("add ring the plumber", "no wait, ring the electrician instead", "ring the electrician"),
    ("add email the bank", "sorry, I meant email the school", "email the school"),
    ("add buy paint for the shed", "no sorry, for the fence", "buy paint for the fence"),
    ("add order bread", "actually make it rye bread", "order rye bread"),
])
async def test_a_correction_right_after_an_add_renames_that_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases, first: str, fix: str, title: str
) -> None:
    await talk(offline_chat, first, fix)
    assert await state(tasks) == [(title, False)]


async def test_a_date_and_priority_right_after_an_add_go_on_that_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add visit the museum on monday", "actually tuesday, and it's urgent")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.title == "visit the museum" and task.priority.value == "high"
    assert task.due_date is not None and task.due_date.weekday() == 1


async def test_a_correction_that_fits_no_part_of_the_title_asks(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    reply = await talk(offline_chat, "add water the plants", "oops, the kitchen")
    assert await state(tasks) == [("water the plants", False)]
    assert "haven't changed anything" in reply


async def test_a_new_request_after_an_add_is_no_correction(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add wash the car", "oh and add wax the car too")
    assert [t for t, _ in await state(tasks)] == ["wash the car", "wax the car"]


# -- 2. an add whose reading leaves words unexplained asks; a swallowed title word goes back ---

@pytest.mark.parametrize(("message", "right"), [
    ("add ship parcel #88 to Bristol Ltd", ["ship parcel #88 to Bristol Ltd"]),  # glued around "to" if misread
    ("add paint the gate low priority and oil the hinges high priority", ["paint the gate", "oil the hinges"]),
    ("add 3 jobs: sweep the patio and wash the bins", ["sweep the patio", "wash the bins"]),  # a count header
    ("add finish the report on thurzdy", ["finish the report"]),  # a day typed with two slips
    ("remind me to post the cards by christmas eve", ["post the cards"]),  # a deadline left in the title
])
async def test_an_add_either_reads_clean_or_asks(offline_chat: ChatUseCases, tasks: TaskUseCases,
                                                 message: str, right: list[str]) -> None:
    """Whatever the reader makes of these, the list never changes wrongly: the right tasks, or none and a question."""
    reply = await talk(offline_chat, message)
    titles = [t for t, _ in await state(tasks)]
    assert titles in ([], right)
    if not titles:
        assert "haven't" in reply


async def test_a_title_word_the_date_swallowed_goes_back_to_the_title(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add oil the creaky gate day after tomorrow")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.title == "oil the creaky gate" and task.due_date is not None


async def test_a_calendar_date_left_at_the_end_of_a_title_is_the_due_date(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add optician appointment 9 August")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.title == "optician appointment"
    assert task.due_date is not None and (task.due_date.month, task.due_date.day) == (8, 9)


async def test_too_at_the_end_of_an_add_is_no_title_word(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add buy stamps", "and add buy envelopes too")
    assert [t for t, _ in await state(tasks)] == ["buy stamps", "buy envelopes"]


# -- 3. a part of a message that takes back, hides or drops a change makes the message ask ----

async def test_a_change_taken_back_in_the_same_message_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "water the ferns", "feed the fish")
    reply = await talk(offline_chat, "tick off task 2. actually no, undo that, I meant task 1")
    assert await state(tasks) == [("water the ferns", False), ("feed the fish", False)]
    assert "haven't" in reply


async def test_a_statement_about_a_task_is_not_added(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "draft the newsletter")
    await talk(offline_chat, "newsletter isn't important anymore, make it low")
    assert [t for t, _ in await state(tasks)] == ["draft the newsletter"]


async def test_a_new_title_that_stops_short_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "lunch with Ann")
    reply = await talk(offline_chat, "rename task 1 to lunch with Ann &")
    assert [t for t, _ in await state(tasks)] == ["lunch with Ann"]
    assert "haven't changed anything" in reply


async def test_a_phrase_between_the_title_and_its_date_stays_in_the_title(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add ring the council about the parking permit on thursday")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.title == "ring the council about the parking permit" and task.due_date is not None


async def test_also_and_a_bare_title_right_after_an_add_adds_one_more(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "add swim tomorrow", "also laundry")
    assert [t for t, _ in await state(tasks)] == ["swim", "laundry"]


async def test_a_bare_note_right_after_a_change_goes_on_that_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await talk(offline_chat, "remind me to renew the car tax friday", "and add a note: reg AB12 CDE")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.title == "renew the car tax" and "AB12" in (task.description or "")
