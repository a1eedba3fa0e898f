"""Import of export documents on the memory store: any JSON is imported whole or refused whole."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.memory.store import MemoryStore
from application.todoist import RowsRejected
from application.use_cases.transfer import TransferUseCases
from domain.errors import InvalidValue
from tests.doubles import FakeClock, SequentialIds

SCALARS = st.none() | st.booleans() | st.integers(-3, 40) | st.text(max_size=12) | st.sampled_from(
    ["2026-03-04", "2026-02-30", "FREQ=DAILY", "high", "user", "assistant", "2026-03-02T09:00:00Z"]
)
FIELDS = st.sampled_from(["id", "title", "description", "completed", "priority", "due_date", "recurrence",
                          "labels", "created_at", "deleted_at", "role", "content", "messages", "tool_calls"])
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(FIELDS, inner, max_size=4),
                      max_leaves=10)
ROWS = st.lists(st.dictionaries(FIELDS, VALUES, max_size=6), max_size=4)


@settings(max_examples=200, deadline=None)
@given(tasks=ROWS, trash=ROWS, conversations=ROWS)
def test_any_document_is_imported_whole_or_not_at_all(
    tasks: list[dict[str, Any]], trash: list[dict[str, Any]], conversations: list[dict[str, Any]]
) -> None:
    store = MemoryStore()
    transfer = TransferUseCases(store.unit_of_work, FakeClock(), SequentialIds())
    body = msgspec.json.encode(
        {"format": "todo-chat-export", "version": 1, "tasks": tasks, "trash": trash, "conversations": conversations}
    )
    try:
        result = asyncio.run(transfer.import_document("alice", body))
    except (RowsRejected, InvalidValue):
        assert store.commits == 0 and store.state.tasks == {} and store.state.conversations == {}
        return
    assert store.commits == 1
    assert result.tasks + result.trash == len(store.state.tasks.get("alice", {}))
    assert result.conversations == len(conversations)
