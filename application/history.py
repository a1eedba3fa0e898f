"""The history window: the last N messages that fit a token budget."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.conversation import Message
from domain.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class HistoryWindow:
    max_messages: int = 20
    max_tokens: int = 8000

    def __post_init__(self) -> None:
        if self.max_messages < 1:
            raise InvalidValue("HISTORY_MESSAGES", "must be at least 1")
        if self.max_tokens < 1:
            raise InvalidValue("HISTORY_TOKENS", "must be at least 1")

    def trim(self, recent: Sequence[Message]) -> list[Message]:
        """Keep the newest messages (oldest first) within both limits.

        The newest message is always kept, even alone over budget: the model must see
        what it is answering.
        """
        kept: list[Message] = []
        tokens = 0
        for message in reversed(recent[-self.max_messages :]):
            if kept and tokens + message.token_count > self.max_tokens:
                break
            kept.append(message)
            tokens += message.token_count
        kept.reverse()
        return kept
