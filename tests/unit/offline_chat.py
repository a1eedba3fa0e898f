"""Helpers for talking to the offline model over the in-memory store as alice, and reading her list."""

from __future__ import annotations

from typing import Any

from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import TaskUseCases


async def state(tasks: TaskUseCases) -> list[tuple[str, bool]]:
    """Alice's tasks as (title, completed), in list order."""
    return [(t.title, t.completed) for t in (await tasks.find("alice", TaskQuery())).items]


async def talk(chat: ChatUseCases, *turns: str) -> str:
    """Send the turns in one conversation; the last reply."""
    conversation: Any = None
    reply = ""
    for turn in turns:
        answer = await chat.send("alice", turn, conversation)
        conversation, reply = answer.conversation_id, answer.response
    return reply
