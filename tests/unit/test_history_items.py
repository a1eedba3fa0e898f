"""The history window with tool calls, and the input items it becomes for the Agents SDK."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from adapters.llm.history_items import call_id, message_items
from application.history import HistoryWindow, message_tokens, tool_call_tokens
from domain.conversation import Message, ToolCall

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CONVERSATION = uuid.UUID(int=1)


def user(text: str) -> Message:
    return Message.from_user(id=uuid.uuid4(), conversation_id=CONVERSATION, user_id="u", content=text, now=NOW)


def assistant(text: str, *calls: ToolCall) -> Message:
    return Message.from_assistant(id=uuid.uuid4(), conversation_id=CONVERSATION, user_id="u", content=text,
                                  now=NOW, tool_calls=calls)


def added(task_id: int, title: str) -> ToolCall:
    return ToolCall("add_task", {"title": title}, {"task_id": task_id, "status": "created", "title": title})


def test_tool_calls_count_against_the_budget() -> None:
    reply = assistant("Added three.", added(1, "a" * 40), added(2, "b" * 40), added(3, "c" * 40))
    assert message_tokens(reply) == reply.token_count + sum(tool_call_tokens(c) for c in reply.tool_calls)
    window = HistoryWindow(max_messages=10, max_tokens=message_tokens(reply) + 5)
    question = user("and now?")  # 2 tokens: the whole reply still fits beside it
    assert window.trim([reply, question]) == [reply, question]


def test_an_older_reply_that_only_partly_fits_loses_its_oldest_call_groups_first() -> None:
    reply = assistant("Added three.", added(1, "a" * 40), added(2, "b" * 40), added(3, "c" * 40))
    newest = user("x" * 40)  # 10 tokens
    budget = newest.token_count + reply.token_count + tool_call_tokens(reply.tool_calls[2]) + 1
    kept = HistoryWindow(max_messages=10, max_tokens=budget).trim([user("add"), reply, newest])
    assert [m.content for m in kept] == ["Added three.", "x" * 40]
    assert [c.result["task_id"] for c in kept[0].tool_calls] == [3]


def test_a_reply_whose_text_does_not_fit_is_dropped_whole() -> None:
    reply = assistant("y" * 400, added(1, "a"))
    kept = HistoryWindow(max_messages=10, max_tokens=20).trim([reply, user("hi")])
    assert [m.content for m in kept] == ["hi"]


def test_a_reply_becomes_call_and_output_items_with_one_id_then_its_text() -> None:
    reply = assistant("Added task 1: milk.", added(1, "milk"),
                      ToolCall("drop_database", {}, {"error": "Unknown tool 'drop_database'"}))
    items = message_items(reply, frozenset({"add_task"}))
    assert items == [
        {"type": "function_call", "call_id": call_id(reply, 0), "name": "add_task",
         "arguments": '{"title": "milk"}'},
        {"type": "function_call_output", "call_id": call_id(reply, 0),
         "output": json.dumps({"task_id": 1, "status": "created", "title": "milk"})},
        {"role": "assistant", "content": "Added task 1: milk."},
    ]
    assert call_id(reply, 0) == call_id(reply, 0) != call_id(reply, 1)


def test_a_stored_reply_with_a_copied_tool_summary_is_replayed_without_it() -> None:
    reply = assistant("Done! [tools used: complete_task({\"task_id\": 1}) -> {}]")
    assert message_items(reply) == [{"role": "assistant", "content": "Done!"}]
    assert message_items(user("[tools used: x]")) == [{"role": "user", "content": "[tools used: x]"}]
