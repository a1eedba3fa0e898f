"""Bulk writes of an import in memory (``ImportRepository``)."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import TYPE_CHECKING

from domain.conversation import Conversation, Message
from domain.task import Task

if TYPE_CHECKING:
    from adapters.memory.store import MemoryState


class MemoryImportRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add_tasks(self, user_id: str, new: list[Task]) -> None:
        first = self._state.task_counters.get(user_id, 0) + 1
        self._state.task_counters[user_id] = first + len(new) - 1
        mine = self._state.tasks.setdefault(user_id, {})
        for number, task in enumerate(new, start=first):
            task.id = number
            mine[number] = copy.copy(task)

    async def add_conversation(self, conversation: Conversation, thread: list[Message]) -> None:
        self._state.conversations[conversation.id] = replace(conversation)
        self._state.messages[conversation.id] = [replace(message) for message in thread]
