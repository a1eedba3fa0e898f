"""What a reply may claim, judged against the turn's tool calls (replies seen from a real model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from adapters.llm.reply_guard import conversation_text, judge, reply_from_calls, unasked_add
from domain.conversation import Message, ToolCall
from domain.values import Role

ADDED = ToolCall("add_task", {"title": "milk"}, {"task_id": 1, "status": "created", "title": "milk"})
LISTED = ToolCall("list_tasks", {}, {"tasks": [{"id": 1, "title": "milk", "completed": True}], "total": 1})
REOPEN_DONE = ToolCall("update_task", {"task_id": 1, "completed": True},
                       {"task_id": 1, "status": "updated", "title": "milk"})


@pytest.mark.parametrize(("reply", "claimed"), [
    ("I've added 'buy milk' to your list.", {"created"}),
    ("The task 'buy milk' has been added.", {"created"}),
    ("Task 2 has been marked as completed.", {"completed"}),
    ("I have marked task 2 as done.", {"completed"}),
    ("Task 3 is now complete.", {"completed"}),
    ("I have deleted task 4.", {"deleted"}),
    ("The task has been removed from your list.", {"deleted"}),
    ("I've updated the due date of task 1.", {"updated"}),
    ('You added a new task: "Renew my passport" (task number 1).', {"created"}),
    ('You updated the task "Renew my passport" to have a high priority.', {"updated"}),
    ("Your tasks: 1. milk (completed), 2. eggs.", set()),
    ("Which task do you mean?", set()),
    ("Would you like me to add it?", set()),
    ("I undid the last change.", {"undone"}),
    ("The deletion has been undone.", {"undone"}),
])
def test_claims_without_a_tool_call_are_unfounded(reply: str, claimed: set[str]) -> None:
    assert judge(reply, []).unfounded == claimed
    assert judge(reply, [LISTED]).unfounded == claimed


def test_claims_backed_by_a_successful_call_are_fine() -> None:
    assert judge("I've added 'milk' (task 1).", [ADDED]).ok
    assert judge("Task 1 is now complete.", [REOPEN_DONE]).ok
    failed = ToolCall("complete_task", {"task_id": 9}, {"error": "Task 9 not found"})
    assert judge("Task 9 has been marked as done.", [failed]).unfounded == {"completed"}


def test_new_outcomes_back_the_claims_a_reply_words_them_as() -> None:
    moved = ToolCall("complete_task", {"task_id": 1}, {"task_id": 1, "status": "rescheduled", "title": "rent"})
    assert judge("I've marked task 1 as completed; it repeats next month.", [moved]).ok
    back = ToolCall("restore_task", {"task_id": 2}, {"task_id": 2, "status": "restored", "title": "milk"})
    assert judge("I've added 'milk' back (task 2).", [back]).ok
    undone = ToolCall("undo_last_change", {}, {"status": "undone", "undone": [], "message": "Undid it."})
    assert judge("I've deleted the task you just added.", [undone]).ok
    assert judge("I undid the last change.", [undone]).ok and judge("I have restored task 2.", [back]).ok
    nothing = ToolCall("undo_last_change", {}, {"status": "nothing", "undone": [], "message": "Nothing."})
    assert judge("I have deleted that task.", [nothing]).unfounded == {"deleted"}


@pytest.mark.parametrize("reply", ["", "  \n", "<tool_response>{\"a\": 1}</tool_response>", '{"task_id": 1}',
                                   '[{"id": 1}]', '<tool_call>{"name": "add_task"}</tool_call>'])
def test_empty_or_raw_replies_are_unusable(reply: str) -> None:
    assert judge(reply, [ADDED]).unusable


def test_a_copied_summary_is_cut_and_what_is_left_is_judged() -> None:
    verdict = judge("Added milk.\n[tools used: add_task({\"title\": \"milk\"}) -> {...}]", [ADDED])
    assert verdict.ok and verdict.text == "Added milk."


def test_the_sentence_from_tool_results_says_only_what_ran() -> None:
    assert reply_from_calls([ADDED]) == "Added task 1: milk."
    assert reply_from_calls([LISTED], claimed=frozenset({"deleted"})) == (
        "Your tasks (1): 1. milk (done). Nothing else was changed.")
    assert reply_from_calls([]) == "Sorry, I did not get that. Could you say it another way?"


TODAY = datetime(2026, 12, 2, tzinfo=UTC).date()  # a Wednesday


@pytest.mark.parametrize(("call", "sentence"), [
    (ToolCall("add_task", {"title": "call mom", "priority": "high", "due_date": "2026-12-03", "labels": ["family"]},
              {"task_id": 3, "status": "created", "title": "call mom"}),
     "Added task 3: call mom (due tomorrow, high priority, on your family list)."),
    (ToolCall("update_task", {"task_id": 2, "due_date": None, "priority": "low"},
              {"task_id": 2, "status": "updated", "title": "tax"}),
     "Updated task 2: tax (no due date, low priority)."),
    (ToolCall("complete_task", {"task_id": 4},
              {"task_id": 4, "status": "rescheduled", "title": "water plants", "due_date": "2026-12-07"}),
     "Marked task 4 (water plants) as done; it repeats, next due Mon 7 Dec."),
    (ToolCall("restore_task", {"task_id": 5}, {"task_id": 5, "status": "restored", "title": "bank"}),
     "Restored task 5: bank."),
    (ToolCall("undo_last_change", {}, {"status": "undone", "message": "Undid the last change (1 task).",
                                       "undone": [{"task_id": 5, "title": "bank", "action": "restored"}]}),
     "Undid the last change: task 5 (bank) restored."),
])
def test_a_reply_from_a_change_says_what_it_set(call: ToolCall, sentence: str) -> None:
    assert reply_from_calls([call], today=TODAY) == sentence
    assert judge(sentence, [call]).ok  # and the guard accepts it as founded


def test_a_bulk_tool_result_speaks_for_itself() -> None:
    bulk = ToolCall("complete_all_tasks", {"confirm": True},
                    {"status": "completed", "count": 2, "tasks": [], "message": "Completed 2 tasks."})
    assert reply_from_calls([bulk]) == "Completed 2 tasks."
    assert judge("I have marked all your tasks as done.", [bulk]).ok


@pytest.mark.parametrize("reply", ["I have not added it yet: which title?", "Nothing was deleted.",
                                   "I couldn't find it, so nothing has been removed."])
def test_denials_are_not_claims(reply: str) -> None:
    assert judge(reply, []).ok


def test_a_tool_call_written_as_markup_is_unusable() -> None:
    assert judge('<tools> <add_task title="file the tax return" priority="high"/> </tools>', []).unusable
    assert judge('<add_task title="x"/>', []).unusable
    assert judge('add_task {"title": "water the plants"}', []).unusable
    assert judge("delete_task {\"task_id\": <task_id>}", []).unusable
    assert judge("I can call list_tasks first if you like.", []).ok


def _cases(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_every_task_the_phrasing_sets_expect_added_is_titled_in_words_of_the_conversation() -> None:
    # Never block a legitimate add: every accepted title of every case that adds a task.
    checked = 0
    # The sets already measured; a newly sealed one (heldout-4) is left unread until its first measurement.
    names = ("phrasings.jsonl", "heldout.jsonl", "heldout-2.jsonl", "heldout-3.jsonl")
    for path in (Path("eval") / name for name in names):
        for case in _cases(path):
            if case["expect"] == "unchanged":
                continue
            setup = [task["title"] for task in case.get("setup", [])]
            said = "\n".join(case["turns"] + setup)
            for task in case["expect"]:
                for title in task["title"]:
                    if title not in setup:
                        checked += 1
                        assert unasked_add("add_task", {"title": title}, said) is None, (case["id"], title)
    assert checked > 350


@pytest.mark.parametrize(("said", "title"), [
    ("Hi there!", "greet"), ("Hi there!", "Greeting"), ("What can you do?", "list capabilities"),
    ("thanks!", "reply to user"),
])
def test_a_task_nobody_asked_for_is_refused_with_a_reason_for_the_model(said: str, title: str) -> None:
    refused = unasked_add("add_task", {"title": title}, said)
    assert refused is not None and "did not ask" in refused["error"]


@pytest.mark.parametrize(("said", "title"), [
    ("we're out of milk", "buy milk"), ("remind me about the plant", "water plants"),
    ("Would you like me to add 'book flights'?\nyes please", "Book flights"), ("add TV", "TV"),
    ("add 2 things", "2"),
])
def test_a_title_in_the_conversation_s_words_is_added(said: str, title: str) -> None:
    assert unasked_add("add_task", {"title": title}, said) is None


def test_only_adds_are_checked_and_bad_arguments_are_left_to_the_catalogue() -> None:
    assert unasked_add("complete_task", {"task_id": 1}, "Hi there!") is None
    assert unasked_add("add_task", None, "Hi there!") is None  # malformed: the catalogue's to refuse


def test_the_conversation_text_holds_messages_and_earlier_tool_calls() -> None:
    def message(role: Role, content: str, calls: tuple[ToolCall, ...] = ()) -> Message:
        return Message(uuid4(), uuid4(), "alice", role, content, datetime.now(UTC), calls)

    said = conversation_text([message(Role.ASSISTANT, "Done.", (ADDED,)), message(Role.USER, "add the same again")])
    assert "milk" in said and "same again" in said


def test_a_reply_reporting_a_tool_call_that_did_not_run_is_not_shown() -> None:
    # qwen2.5-coder-1.5b for "What's on my list?", with no call and no list.
    assert judge("I called the `list_tasks` tool to get the current list of tasks.", []).unusable
    assert judge("I have used list_tasks: you have no tasks.", [ADDED]).unusable
    assert judge("I called list_tasks: 1. milk (completed).", [LISTED]).ok
    assert judge("I called the dentist for you? No: I can only keep your list.", []).ok
