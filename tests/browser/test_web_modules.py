"""The web chat's pure modules, run in Chromium as the page loads them (no Node here)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

PARSE = """async (chunks) => {
  const { SseParser } = await import("/sse.js");
  const parser = new SseParser();
  const events = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.end());
  return events;
}"""


def parse(page: Any, chunks: list[str]) -> list[dict[str, str]]:
    return list(page.evaluate(PARSE, chunks))


def test_sse_parser_handles_split_crlf_multiline_data_and_comments(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    stream = (
        ": keep-alive\r\n\r\n"
        'event: conversation\r\ndata: {"conversation_id": "c1"}\r\n\r\n'
        "event: delta\r\ndata: line one\r\ndata: line two\r\n\r\n"
        "data:no space\n\n"
        "event: done\rdata: {}\r\r"
        "event: cut\r\ndata: never finished"
    )
    expected = [
        {"event": "conversation", "data": '{"conversation_id": "c1"}'},
        {"event": "delta", "data": "line one\nline two"},
        {"event": "message", "data": "no space"},
        {"event": "done", "data": "{}"},
    ]
    assert parse(page, [stream]) == expected
    # The same bytes cut at every position (including between \r and \n) parse the same.
    for cut in range(1, len(stream)):
        assert parse(page, [stream[:cut], stream[cut:]]) == expected, cut


DESCRIBE = """async (call) => {
  const { describeToolCall } = await import("/format.js");
  return describeToolCall(call, "2026-03-02");
}"""


@pytest.mark.parametrize(
    ("call", "text", "ok"),
    [
        (
            {
                "tool": "add_task",
                "arguments": {"title": "call mom", "due_date": "2026-03-03", "priority": "high"},
                "result": {"task_id": 4, "status": "created", "title": "call mom"},
            },
            "Added task 4: call mom, due tomorrow, high priority",
            True,
        ),
        (
            {"tool": "complete_task", "arguments": {"task_id": 2}, "result": {"task_id": 2, "title": "milk"}},
            "Completed task 2: milk",
            True,
        ),
        (
            {
                "tool": "update_task",
                "arguments": {"task_id": 2, "due_date": None, "completed": False},
                "result": {"task_id": 2, "status": "updated", "title": "milk"},
            },
            "Updated task 2: milk (no due date, reopened)",
            True,
        ),
        (
            {"tool": "list_tasks", "arguments": {"status": "pending"}, "result": {"tasks": [], "total": 3}},
            "Listed 3 pending tasks",
            True,
        ),
        (
            {"tool": "list_tasks", "arguments": {"overdue": True}, "result": {"tasks": [], "total": 0}},
            "Listed 0 overdue tasks",
            True,
        ),
        (
            {"tool": "delete_task", "arguments": {"task_id": 9}, "result": {"error": "Task 9 not found"}},
            "Deleting a task failed: Task 9 not found",
            False,
        ),
    ],
)
def test_tool_calls_read_as_one_line(new_page: Any, call: dict[str, Any], text: str, ok: bool) -> None:
    page = new_page()
    page.goto("/")
    assert page.evaluate(DESCRIBE, call) == {"text": text, "ok": ok}
