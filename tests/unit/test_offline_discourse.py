"""How a message's parts refer to each other (seventh round, issue 13): a topic, then a request that
points back at it; the last add taken back; a rename read as a frame, with the date said beside it;
a task named with only a date or a priority is that task changed.

The sentences are the team's own; none is taken from an evaluation set. Today is Monday 2 March 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from adapters.llm.offline import discourse, edits
from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.unit.offline_chat import state, talk


async def setup(tasks: TaskUseCases, *titles: str, due: date | None = None) -> None:
    for title in titles:
        await tasks.add("alice", NewTask(title, due_date=due))


@pytest.mark.parametrize(("message", "topic", "asked"), [
    ("the barbecue got cancelled, take it off my list", "the barbecue got cancelled", "take it off my list"),
    ("boiler all fixed so just tick that one", "boiler all fixed", "just tick that one"),
    ("hedge: do it on saturday", "hedge", "do it on saturday"),
    ("the tax return is in, delete pls", "the tax return is in", "delete pls"),
])
def test_a_topic_and_the_request_that_points_back(message: str, topic: str, asked: str) -> None:
    found = discourse.split_topic(message)
    assert found is not None
    assert (found.topic, asked.endswith(found.request)) == (topic, True)


@pytest.mark.parametrize("message", [
    "if the barbecue gets cancelled, take it off my list",  # a condition
    "maybe the hedge can wait, move it to sunday",  # a doubt
    "did the plumber call? mark it done",  # a question
    "rename the hedge to trim the hedge and move it to friday",  # two requests, not a topic
    "the barbecue got cancelled, so delete task 3",  # the request names its own task
    "the hedge is on sunday now, can you change it",  # the topic carries the change itself
])
def test_no_topic_where_the_first_part_is_no_plain_statement(message: str) -> None:
    assert discourse.split_topic(message) is None


def test_the_topic_names_one_task_or_none() -> None:
    tasks = [{"id": 1, "title": "trim the hedge"}, {"id": 2, "title": "book the barbecue"},
             {"id": 3, "title": "book a cab"}]
    assert discourse.named_task("the hedge looks awful", tasks) == 1
    assert discourse.named_task("task 3 is sorted", tasks) == 3
    assert discourse.named_task("booking is sorted", tasks) is None  # two bookings: no guess
    assert discourse.named_task("long day today", tasks) is None


@pytest.mark.parametrize(("message", "instead"), [
    ("never mind", ""), ("actually scratch that", ""), ("ugh no, forget it", ""),
    ("never mind that, add order the cake instead", "add order the cake"),
])
def test_taking_back_the_last_add(message: str, instead: str) -> None:
    assert discourse.take_back(message) == instead


def test_other_words_take_nothing_back() -> None:
    assert discourse.take_back("never mind the cake, delete the candles") is None
    assert discourse.take_back("forget about the hedge for now") is None


def _slot(words: str) -> bool:
    return words in {"due friday", "make it due friday", "high priority"}


@pytest.mark.parametrize(("text", "reference", "new", "tail"), [
    ("rename task 4 to ring the council, due friday", "task 4", "ring the council", "due friday"),
    ("change task 2 title to pack for Oslo", "task 2", "pack for Oslo", ""),
    ("task 3: change title to 'Read The Hobbit'", "task 3", "Read The Hobbit", ""),
    ("edit task 1: 'hoover' -> 'hoover the stairs'", "task 1", "hoover the stairs", ""),
    ("hoover -> hoover the stairs and make it due friday", "hoover", "hoover the stairs", "make it due friday"),
])
def test_a_rename_frame(text: str, reference: str, new: str, tail: str) -> None:
    found = edits.read_edit(text, _slot)
    assert found is not None
    assert (found.reference, found.new_title, found.tail) == (reference, new, tail)


def test_a_change_to_only_a_date_is_no_rename() -> None:
    assert edits.read_edit("change the hedge to due friday", _slot) is None
    assert edits.read_edit("hedge -> high priority", _slot) is None


@pytest.mark.parametrize(("message", "expected"), [
    ("the barbecue got cancelled, take it off my list", [("trim the hedge", False)]),
    ("the barbecue is all booked, tick it off", [("trim the hedge", False), ("book the barbecue", True)]),
    ("hedge looks a state, do it tomorrow instead", [("trim the hedge", False), ("book the barbecue", False)]),
])
async def test_a_request_acts_on_the_task_its_topic_names(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str, expected: list[tuple[str, bool]]
) -> None:
    await setup(tasks, "trim the hedge", "book the barbecue")
    await talk(offline_chat, message)
    assert await state(tasks) == expected
    if "tomorrow" in message:
        hedge = (await tasks.find("alice", TaskQuery())).items[0]
        assert hedge.due_date == date(2026, 3, 3)


async def test_a_topic_naming_two_tasks_changes_nothing(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "book the barbecue", "book a cab")
    await talk(offline_chat, "booking is off, delete it")
    assert await state(tasks) == [("book the barbecue", False), ("book a cab", False)]


async def test_never_mind_after_an_add_takes_it_back(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, "add ring the council", "never mind")
    assert await state(tasks) == [("trim the hedge", False)]
    await talk(offline_chat, "add ring the council", "scratch that, add email the council instead")
    assert await state(tasks) == [("trim the hedge", False), ("email the council", False)]


async def test_never_mind_with_nothing_just_added_changes_nothing(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, "never mind")
    assert await state(tasks) == [("trim the hedge", False)]


@pytest.mark.parametrize(("message", "title", "due"), [
    ("rename task 1 to trim the front hedge, due friday", "trim the front hedge", date(2026, 3, 6)),
    ("change task 1 title to Trim The Hedge", "Trim The Hedge", None),
    ("change trim the hedge to trim both hedges and make it due friday", "trim both hedges", date(2026, 3, 6)),
])
async def test_a_rename_frame_renames_and_never_adds(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str, title: str, due: date | None
) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, message)
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert (task.title, task.due_date) == (title, due)


async def test_change_x_to_a_time_is_no_rename(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, "change the hedge to 3pm")
    assert [t for t, _ in await state(tasks)] == ["trim the hedge"]


@pytest.mark.parametrize(("message", "priority", "due"), [
    ("trim the hedge -> low priority", "low", None),
    ("hedge isn't due till friday", "medium", date(2026, 3, 6)),
    ("put trim the hedge to in 3 days", "medium", date(2026, 3, 5)),
    ("change priority of 'trim the hedge' from low to high", "high", None),
])
async def test_a_task_named_with_only_a_date_or_priority_is_changed(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str, priority: str, due: date | None
) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, message)
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert (task.title, task.priority.value, task.due_date) == ("trim the hedge", priority, due)


@pytest.mark.parametrize(("message", "expected"), [
    ("the hedge and the gate are done but not the shed", "the hedge and the gate are done"),
    ("i haven't sanded the shed yet but the gate is painted", "the gate is painted"),
    ("the gate is painted, but i still need to sand the shed", "the gate is painted"),
    ("delete everything but not task 3", "delete everything but not task 3"),  # a bulk change keeps its exception
    ("did i paint the gate but not the shed?", "did i paint the gate but not the shed?"),
])
def test_the_part_a_but_says_is_not_done_is_left_out(message: str, expected: str) -> None:
    assert discourse.without_contrast(message) == expected


async def test_a_deletion_needs_a_word_that_asks_for_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge", "paint the gate")
    await talk(offline_chat, "tick them all off", "yes all of them")
    assert await state(tasks) == [("trim the hedge", True), ("paint the gate", True)]


async def test_both_after_two_adds_is_those_two(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge")
    await talk(offline_chat, "add paint the gate", "add oil the hinges", "both are done now")
    assert await state(tasks) == [("trim the hedge", False), ("paint the gate", True), ("oil the hinges", True)]


async def test_both_after_a_list_of_three_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge", "paint the gate", "oil the hinges")
    await talk(offline_chat, "what's on my list?", "both are done")
    assert [done for _, done in await state(tasks)] == [False, False, False]


async def test_what_was_task_n_shows_that_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "trim the hedge", "paint the gate")
    reply = await talk(offline_chat, "what was task 2 again?")
    assert "paint the gate" in reply and "trim the hedge" not in reply


async def test_a_bracket_left_open_ends_no_title(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add buy wellies for Sam (size 30)")
    ((title, _),) = await state(tasks)
    assert title.startswith("buy wellies for Sam") and title.count("(") == title.count(")")
