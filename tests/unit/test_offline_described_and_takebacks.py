"""Tenth-session mechanisms of the offline model (ADR 0019): tasks named by what they are like (a state, a
shared word, "both", a duplicate) or several at once; a message that takes itself back; a question
tagged onto a statement; someone else's duty; "yes" to an offer; an add corrected in the same breath;
a reason given with a request; labels and money in an add.

The sentences are the team's own, written for each class; none is taken from an evaluation set.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from adapters.llm.offline import discourse
from adapters.llm.offline.described import described_tasks, joined_tasks
from adapters.llm.offline.references import Snapshot
from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.task import Task
from domain.values import Priority
from tests.unit.offline_chat import state, talk

MONDAY = date(2026, 3, 2)  # the FakeClock's today


def snapshot(*tasks: tuple[str, str, str | None, bool]) -> Snapshot:
    """(title, priority, due date, completed) per task, numbered from 1."""
    return Snapshot([{"id": n, "title": t, "priority": p, "due_date": d, "completed": c}
                     for n, (t, p, d, c) in enumerate(tasks, 1)])


TODAY = "2026-03-02"
LIST = snapshot(("renew the visa", "medium", "2026-02-27", False),
                ("plan the bike ride", "high", None, False),
                ("fix the bike chain", "low", "2026-03-02", False),
                ("call the vet", "low", None, False),
                ("call the vet", "low", None, False),
                ("pay the late fee", "medium", None, False))


async def setup(tasks: TaskUseCases, *titles: str, priority: dict[str, Priority] | None = None,
                due: dict[str, date] | None = None) -> None:
    for title in titles:
        await tasks.add("alice", NewTask(title, priority=(priority or {}).get(title, Priority.MEDIUM),
                                         due_date=(due or {}).get(title)))


async def listed(tasks: TaskUseCases) -> list[Task]:
    return list((await tasks.find("alice", TaskQuery())).items)


# -- tasks named by what they are like ------------------------------------------------------------

@pytest.mark.parametrize(("phrase", "ids", "ambiguous"), [
    ("overdue one", (1,), 0),              # the one task in that state
    ("urgent one", (2,), 0),
    ("low priority stuff", (3, 4, 5), 0),  # a group: every task in the state
    ("bike stuff", (2, 3), 0),             # a group: every task sharing the word
    ("both bike tasks", (2, 3), 0),
    ("duplicate call the vet", (5,), 0),   # the later of two copies
    ("low priority one", (), 3),           # one asked for, three fit: ask which
])
def test_described_tasks(phrase: str, ids: tuple[int, ...], ambiguous: int) -> None:
    found = described_tasks(phrase, LIST, date.fromisoformat(TODAY))
    assert found is not None
    assert found.ids == ids
    assert len(found.ambiguous) == ambiguous


def test_a_phrase_that_describes_nothing_is_left_to_the_title_match() -> None:
    today = date.fromisoformat(TODAY)
    assert described_tasks("the visa", LIST, today) is None
    assert described_tasks("both", LIST, today) is None  # a pronoun's business
    assert described_tasks("late fee one", LIST, today) is None  # "late" is the title's word here


def test_several_tasks_named_at_once() -> None:
    tasks = Snapshot([{"id": 1, "title": "dentist"}, {"id": 2, "title": "gym"},
                      {"id": 3, "title": "buy salt and pepper"}, {"id": 4, "title": "buy salt"}])
    assert joined_tasks("dentist and gym", tasks) is not None
    assert joined_tasks("dentist n gym", tasks).ids == (1, 2)  # type: ignore[union-attr]
    assert joined_tasks("salt and pepper", tasks) is None  # a title that holds the whole phrase
    assert joined_tasks("took out the gym and delete the dentist", tasks) is None  # a second request


async def test_a_group_named_by_a_shared_word_is_deleted_whole(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "plan the bike ride", "fix the bike chain", "water the ferns")
    await talk(offline_chat, "get rid of the bike stuff")
    assert await state(tasks) == [("water the ferns", False)]


async def test_a_task_named_by_its_state_is_completed(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "file the tax return", "water the ferns", priority={"file the tax return": Priority.HIGH})
    await talk(offline_chat, "the urgent one is finished")
    assert await state(tasks) == [("file the tax return", True), ("water the ferns", False)]


async def test_two_deeds_told_with_a_text_and_complete_both(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "wash the car", "walk the dog", "water the ferns")
    await talk(offline_chat, "washed the car n walked the dog")
    assert await state(tasks) == [("wash the car", True), ("walk the dog", True), ("water the ferns", False)]


async def test_overdue_and_due_tomorrow_are_listed_together(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "renew the visa", "fix the bike chain", "water the ferns",
                due={"renew the visa": MONDAY - timedelta(days=2), "fix the bike chain": MONDAY + timedelta(days=1),
                     "water the ferns": MONDAY + timedelta(days=5)})
    reply = await talk(offline_chat, "whats overdue n whats due tomorrow")
    assert "renew the visa" in reply and "fix the bike chain" in reply and "water the ferns" not in reply


# -- a message that takes itself back; a tag question; someone else's duty; yes to an offer ---------

@pytest.mark.parametrize(("message", "taken_back"), [
    ("add order a cake... actually never mind", True),
    ("delete the ferns, on second thought don't", True),
    ("move the vet to friday - scratch that", True),
    ("buy a charger, I always forget it", False),  # no correcting word: "forget it" is the task's talk
    ("never mind", False),                          # nothing before it: the previous turn's business
])
def test_takes_itself_back(message: str, taken_back: bool) -> None:
    assert discourse.takes_itself_back(message) is taken_back


async def test_an_add_taken_back_in_the_same_message_adds_nothing(
        offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add order a cake... actually never mind")
    assert await state(tasks) == []


async def test_a_tag_question_is_answered_and_changes_nothing(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "take the cat to the vet", due={"take the cat to the vet": MONDAY + timedelta(days=3)})
    reply = await talk(offline_chat, "the vet is on friday, right?")
    assert "take the cat to the vet" in reply and "Thu" in reply
    assert [t.due_date for t in await listed(tasks)] == [MONDAY + timedelta(days=3)]


async def test_someone_elses_duty_is_offered_and_yes_adds_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    reply = await talk(offline_chat, "Priya needs to sign the lease")
    assert "sign the lease" in reply and await state(tasks) == []
    await talk(offline_chat, "Priya needs to sign the lease", "yes please")
    assert await state(tasks) == [("sign the lease", False)]


# -- an add corrected in the same breath; a reason; a label; money ----------------------------------

async def test_an_add_corrected_in_the_same_breath_adds_the_second(
        offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add water the ferns tomorrow, no wait, water the orchids")
    added = await listed(tasks)
    assert [(t.title, t.due_date) for t in added] == [("water the orchids", MONDAY + timedelta(days=1))]


async def test_a_reason_is_no_part_of_the_title(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add ring the council because the bins were missed again")
    assert await state(tasks) == [("ring the council", False)]


async def test_a_reason_that_says_the_priority_sets_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add renew the parking permit cos it's urgent")
    assert [(t.title, t.priority) for t in await listed(tasks)] == [("renew the parking permit", Priority.HIGH)]


async def test_a_tagged_add_goes_on_that_list(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add buy a lamp for the Study, tagged home")
    added = await listed(tasks)
    assert [(t.title, [str(label) for label in t.labels]) for t in added] == [("buy a lamp for the Study", ["home"])]


async def test_money_in_an_add_stays_in_the_title(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "remind me to pay Omar back $15 tomorrow")
    assert [(t.title, t.due_date) for t in await listed(tasks)] == [("pay Omar back $15", MONDAY + timedelta(days=1))]


# -- a verb that reads the list; a what-if; the priority after its word; "they're due ..." ---------

@pytest.mark.parametrize("message", ["show all my tasks", "list all my tasks", "can you show me all my tasks please"])
async def test_a_verb_that_reads_the_list_never_changes_it(
        offline_chat: ChatUseCases, tasks: TaskUseCases, message: str) -> None:
    await setup(tasks, "water the ferns", "call the vet")
    reply = await talk(offline_chat, message)
    assert await state(tasks) == [("water the ferns", False), ("call the vet", False)]
    assert "water the ferns" in reply and "call the vet" in reply


@pytest.mark.parametrize("message", ["what would you say if I asked you to delete everything?",
                                     "what if I marked the vet one done", "delete the vet task - no wait, keep it"])
async def test_a_what_if_or_a_kept_task_changes_nothing(
        offline_chat: ChatUseCases, tasks: TaskUseCases, message: str) -> None:
    await setup(tasks, "water the ferns", "call the vet")
    await talk(offline_chat, message)
    assert await state(tasks) == [("water the ferns", False), ("call the vet", False)]


async def test_the_level_after_the_word_priority_is_set(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "water the ferns")
    await talk(offline_chat, "task 1: set priority low and due tomorrow")
    assert [(t.priority, t.due_date) for t in await listed(tasks)] == [(Priority.LOW, MONDAY + timedelta(days=1))]


async def test_a_pronoun_that_says_the_date_is_no_title_word(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add return the drill to Sam, it's due in 3 days")
    added = [(t.title, t.due_date) for t in await listed(tasks)]
    assert added == [("return the drill to Sam", MONDAY + timedelta(days=3))]


async def test_two_adds_with_the_same_verb_are_two_tasks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add email the school and email the coach")
    assert await state(tasks) == [("email the school", False), ("email the coach", False)]
