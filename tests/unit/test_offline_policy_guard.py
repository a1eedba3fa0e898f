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
