"""A task named by its title is found in the message, and only where the link is safe."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.llm.offline.linking import find_links, linked_copy


def tasks(*titles: str, done: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    return [{"id": n, "title": t, "completed": n in done} for n, t in enumerate(titles, 1)]


def copy(message: str, *titles: str) -> str:
    return linked_copy(message, find_links(message, tasks(*titles)))


@pytest.mark.parametrize(("message", "titles", "expected"), [
    ("dishes r low prio ngl", ("laundry", "dishes"), "task 2 r low prio ngl"),
    ("book venue can wait til next week", ("book venue",), "task 1 can wait til next week"),
    ("take dentist off my list", ("dentist", "gym"), "take task 1 off my list"),
    ("scrap the Henderson task, deal fell through", ("prep Henderson pitch", "update CRM"),
     "scrap task 1, deal fell through"),
    ("took out the trash and delete the plants one", ("water plants", "take out trash"),
     "took out the trash and delete task 1"),
    ("write tests done, deploy to staging is now high priority", ("write tests", "deploy to staging"),
     "task 1 done, task 2 is now high priority"),
    ("JIRA-77 is resolved", ("fix JIRA-77", "fix JIRA-78"), "task 1 is resolved"),
    ("and hotel's high priority", ("book flights", "book hotel"), "and task 2's high priority"),  # one word said of
    ("and hotel high priority", ("book flights", "book hotel"), "and hotel high priority"),  # one word, no frame: left
])
def test_a_title_named_in_the_message_is_written_as_its_number(
        message: str, titles: tuple[str, ...], expected: str) -> None:
    assert copy(message, *titles) == expected


@pytest.mark.parametrize(("message", "titles"), [
    ("add call mom", ("call mom",)),  # a new task's words, even a duplicate's, are no name
    ("remind me to call mom friday", ("call mom",)),
    ("buy two plants for the office", ("buy a plant for the office",)),  # a number before: a new phrase
    ("dentist", ("dentist",)),  # nothing else to read
    ("dentist tomorrow", ("dentist",)),  # a new task as likely as a move
    ("when is the dentist due?", ("dentist checkup",)),  # questions are answered by title
    ("write report: due friday", ("write report",)),  # the topic form is read elsewhere
    ("delete task 2 and task 3", ("task a", "task b", "task c")),  # "task" starts no name
    ("mark call mom done", ("call mom", "call mom")),  # two tasks of that name: for the person to say
    ("call the dentist tomorrow", ("dentist",)),  # an open verb before: the object of a new call
])
def test_no_link_where_the_words_may_be_something_else(message: str, titles: tuple[str, ...]) -> None:
    assert find_links(message, tasks(*titles)) == []


def test_each_task_is_linked_once_and_a_rename_target_is_left_as_typed() -> None:
    assert copy("rename dentist to dentist appointment please", "dentist") == (
        "rename task 1 to dentist appointment please")


def test_a_note_names_its_task_after_to() -> None:
    assert copy("add a note to the passport task that photos are needed", "renew passport") == (
        "add a note to task 1 that photos are needed")
