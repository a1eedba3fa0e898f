"""The offline model's slot and policy mechanisms of the sixth round (issue 13): a title is one
stretch of words, a date turned down is not the date meant, a task named again after "no sorry"
replaces the first, opening words are no part of a task's name, the words around a task's own
name can say what to do with it, and a passive "got moved to" is a move.

The sentences are the team's own; none is taken from an evaluation set. Today is Monday 2 March 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from adapters.llm.offline.engine import _fill_title_holes, load
from adapters.llm.offline.slots import read_date
from adapters.llm.offline.text import tokenize
from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.unit.offline_chat import state, talk

TODAY = date(2026, 3, 2)


async def setup(tasks: TaskUseCases, *titles: str, due: date | None = None) -> None:
    for title in titles:
        await tasks.add("alice", NewTask(title, due_date=due))


@pytest.mark.parametrize(("words", "tags", "expected"), [
    ("write a get - well card to Nan", "TTTCCCTT", "TTTTTTTT"),  # a hole of words inside one title
    ("buy milk , then eggs", "TTCCT", "TTCCT"),  # punctuation or a joiner is a real break
    ("call mom please call dad", "TTCTT", "TTCTT"),
    ("fix the bike in the shed at home", "TTTCCCCT", "TTTCCCCT"),  # four words apart: two pieces, not one
])
def test_a_title_is_one_stretch_of_words(words: str, tags: str, expected: str) -> None:
    tokens = tokenize(words)
    assert "".join(_fill_title_holes(tokens, list(tags))) == expected


@pytest.mark.parametrize(("words", "expected"), [
    ("due on friday not tuesday", date(2026, 3, 6)),
    ("thursday rather than wednesday", date(2026, 3, 5)),
    ("tuesday, no wait, wednesday", date(2026, 3, 4)),  # a correction still takes the later one
    ("not monday, tuesday", date(2026, 3, 3)),
])
def test_a_date_turned_down_is_not_the_date_meant(words: str, expected: date) -> None:
    assert read_date(words, TODAY) == expected


def test_the_reader_leaves_a_turned_down_date_out() -> None:
    (reading,) = load().read("move it to thursday, not wednesday")
    assert reading.date == "thursday"


def test_a_task_named_again_after_a_correction_replaces_the_first() -> None:
    (reading,) = load().read("delete task 4, no sorry, task 5")
    assert reading.references == ("task 5",)


async def test_a_date_turned_down_in_a_statement_moves_to_the_other(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "hand in the lab report", due=date(2026, 3, 4))
    await talk(offline_chat, "actually the lab report is due on friday not wednesday")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.due_date == date(2026, 3, 6)


async def test_a_passive_move_is_a_move(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "lunch with Priya", due=date(2026, 3, 3))
    await talk(offline_chat, "lunch with Priya got moved to thursday")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert (task.due_date, task.completed) == (date(2026, 3, 5), False)


@pytest.mark.parametrize(("message", "expected"), [
    ("sweep the yard - done", [("sweep the yard", True), ("wash the van", False)]),
    ("sweep the yard ✅", [("sweep the yard", True), ("wash the van", False)]),
    ("take wash the van off my list", [("sweep the yard", False)]),
    ("get rid of wash the van", [("sweep the yard", False)]),
])
async def test_the_words_around_a_tasks_own_name_say_what_to_do(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str, expected: list[tuple[str, bool]]
) -> None:
    await setup(tasks, "sweep the yard", "wash the van")
    await talk(offline_chat, message)
    assert await state(tasks) == expected


async def test_a_tasks_name_with_other_words_still_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sweep the yard", "wash the van")
    reply = await talk(offline_chat, "sweep the yard again maybe")
    assert await state(tasks) == [("sweep the yard", False), ("wash the van", False)]
    assert "haven't changed anything" in reply


async def test_wrong_one_undo_takes_the_change_back(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "oil the gate", "paint the gate")
    await talk(offline_chat, "done with task 2", "oops wrong one, undo")
    assert await state(tasks) == [("oil the gate", False), ("paint the gate", False)]


async def test_asking_what_a_numbered_task_is_is_no_injection(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "oil the gate", "paint the gate")
    assert "paint the gate" in await talk(offline_chat, "what's task 2?")
    assert "only see and change your own" in await talk(offline_chat, "what's in bob's task 2?")


@pytest.mark.parametrize("message", ["remind me to sand the door", "i have to sand the door"])
async def test_an_add_that_repeats_an_open_task_asks(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "sand the door", "buy hinges")
    reply = await talk(offline_chat, message)
    assert [t for t, _ in await state(tasks)].count("sand the door") == 1
    assert len(await state(tasks)) == 2 and "haven't changed anything" in reply


async def test_add_again_still_adds(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the door")
    await talk(offline_chat, "add sand the door")
    assert await state(tasks) == [("sand the door", False), ("sand the door", False)]


async def test_a_wh_question_never_adds(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the door")
    await talk(offline_chat, "what's the biggest job on my list this week")
    assert await state(tasks) == [("sand the door", False)]


async def test_a_rename_to_only_small_words_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the door")
    await talk(offline_chat, "change the priority of 'sand the door' from medium to high")
    assert [t for t, _ in await state(tasks)] == ["sand the door"]


async def test_a_change_verb_and_an_open_tasks_title_change_that_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "sand the door", "buy hinges")
    await talk(offline_chat, "raise the priority on sand the door to high")
    (first, second) = (await tasks.find("alice", TaskQuery())).items
    assert (first.title, first.priority.value, second.title) == ("sand the door", "high", "buy hinges")


@pytest.mark.parametrize("message", [
    "remove the deadline from sand the door",
    "get rid of the deadline on sand the door",
    "delete the due date from sand the door",
])
async def test_removing_a_deadline_keeps_the_task(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "sand the door", "buy hinges", due=date(2026, 3, 6))
    await talk(offline_chat, message)
    items = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, t.due_date) for t in items] == [("sand the door", None), ("buy hinges", date(2026, 3, 6))]


async def test_removing_another_part_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the door")
    reply = await talk(offline_chat, "remove the note from sand the door")
    assert await state(tasks) == [("sand the door", False)] and "haven't changed anything" in reply


async def test_a_turned_down_relative_date_is_not_the_date_meant(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "feed the fish", due=date(2026, 3, 4))
    await talk(offline_chat, "feed the fish should be tomorrow not in 2 days")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.due_date == date(2026, 3, 3)


async def test_the_day_after_is_a_day_after_the_date_it_has(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add return the parcel tomorrow", "no wait, make it the day after")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert (task.title, task.due_date) == ("return the parcel", date(2026, 3, 4))


def test_the_day_after_and_before_are_shifts() -> None:
    from adapters.llm.offline.slots import Shift

    assert read_date("the day after", TODAY) == Shift(1)
    assert read_date("day before", TODAY) == Shift(-1)
    assert read_date("the day after tomorrow", TODAY) == date(2026, 3, 4)


@pytest.mark.parametrize(("message", "done"), [
    ("hedge trimmed", "trim the hedge"),
    ("gutters cleaned!!", "clean the gutters"),
    ("library books returned yesterday", "return the library books"),
])
async def test_a_task_and_its_state_with_no_verb_between_is_done(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str, done: str
) -> None:
    await setup(tasks, "trim the hedge", "clean the gutters", "return the library books")
    await talk(offline_chat, message)
    assert [t for t, completed in await state(tasks) if completed] == [done]


async def test_a_state_that_names_no_task_changes_nothing(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, "kitchen painted")
    assert await state(tasks) == [("trim the hedge", False)]


@pytest.mark.parametrize("message", [
    "we're not going anymore so delete the camping trip",
    "bin the camping trip, it's been called off",
    "delete the camping trip, i dont need it any more",
])
async def test_a_reason_beside_a_request_is_no_part_of_it(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "plan the camping trip", "renew the car tax")
    await talk(offline_chat, message)
    assert await state(tasks) == [("renew the car tax", False)]


async def test_a_doubt_beside_a_request_is_kept(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "plan the camping trip", "renew the car tax")
    await talk(offline_chat, "delete the camping trip, im not sure yet")
    assert len(await state(tasks)) == 2


async def test_show_me_task_n_shows_that_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "oil the gate", "paint the gate")
    reply = await talk(offline_chat, "show me task 2")
    assert "paint the gate" in reply and "oil the gate" not in reply


async def test_a_part_word_inside_a_title_is_no_part(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "book the date night table", "buy hinges", due=date(2026, 3, 6))
    await talk(offline_chat, "remove the date night table")
    # whatever it does with the task, it never reads "date" as the task's due date to clear
    assert all(t.due_date == date(2026, 3, 6) for t in (await tasks.find("alice", TaskQuery())).items)
