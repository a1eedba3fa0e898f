"""Conversations and their messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.errors import InvalidValue
from domain.values import MESSAGE_MAX, Role, clean_message

TITLE_LENGTH = 60


@dataclass(frozen=True, slots=True)
class ToolCall:
    """One tool the model called during a turn, with what it returned."""

    tool: str
    arguments: dict[str, Any]
    result: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "arguments": self.arguments, "result": self.result}


@dataclass(slots=True)
class Conversation:
    id: UUID
    user_id: str
    title: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def start(cls, *, id: UUID, user_id: str, first_message: str, now: datetime) -> Conversation:
        return cls(id=id, user_id=user_id, title=derive_title(first_message), created_at=now, updated_at=now)

    def touch(self, now: datetime) -> None:
        """Record activity at ``now``; the last activity never moves back in time."""
        self.updated_at = max(self.updated_at, now)


def derive_title(first_message: str) -> str:
    """The first line of the first message, cut at a word boundary."""
    text = " ".join(first_message.split())
    if len(text) <= TITLE_LENGTH:
        return text or "New conversation"
    cut = text[:TITLE_LENGTH].rsplit(" ", 1)[0] or text[:TITLE_LENGTH]
    return cut + "…"


@dataclass(frozen=True, slots=True)
class Message:
    id: UUID
    conversation_id: UUID
    user_id: str
    role: Role
    content: str
    created_at: datetime
    tool_calls: tuple[ToolCall, ...] = field(default=())
    token_count: int = 0

    @classmethod
    def from_user(cls, *, id: UUID, conversation_id: UUID, user_id: str, content: str, now: datetime) -> Message:
        text = clean_message(content)
        return cls(
            id=id,
            conversation_id=conversation_id,
            user_id=user_id,
            role=Role.USER,
            content=text,
            created_at=now,
            token_count=estimate_tokens(text),
        )

    @classmethod
    def from_assistant(
        cls,
        *,
        id: UUID,
        conversation_id: UUID,
        user_id: str,
        content: str,
        now: datetime,
        tool_calls: tuple[ToolCall, ...] = (),
        token_count: int | None = None,
    ) -> Message:
        # Replies are not trimmed to the user limit, but an unbounded model reply is a bug.
        if len(content) > MESSAGE_MAX * 4:
            raise InvalidValue("content", "assistant reply is too long")
        return cls(
            id=id,
            conversation_id=conversation_id,
            user_id=user_id,
            role=Role.ASSISTANT,
            content=content,
            created_at=now,
            tool_calls=tool_calls,
            token_count=estimate_tokens(content) if token_count is None else token_count,
        )


def estimate_tokens(text: str) -> int:
    """About four characters a token: good enough to budget a history window."""
    return max(1, (len(text) + 3) // 4)
