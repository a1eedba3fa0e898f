"""The history window: the last N messages that fit a token budget.

An assistant message carries the tool calls of its turn; the model is shown them again as
real tool calls and results, so they count against the budget too. When the oldest message
that still fits only partly fits, its oldest call/result groups go first: a call is never
kept without its result.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from domain.conversation import Message, ToolCall, estimate_tokens
from domain.errors import InvalidValue


def tool_call_tokens(call: ToolCall) -> int:
    """What one call and its result cost when replayed (name, arguments, result, framing)."""
    text = json.dumps(call.arguments, default=str) + json.dumps(call.result, default=str)
    return estimate_tokens(call.tool + text) + 8


def message_tokens(message: Message) -> int:
    return message.token_count + sum(tool_call_tokens(c) for c in message.tool_calls)


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
            cost = message_tokens(message)
            if kept and tokens + cost > self.max_tokens:
                partial = _newest_groups_within(message, self.max_tokens - tokens)
                if partial is not None:
                    kept.append(partial)
                break
            kept.append(message)
            tokens += cost
        kept.reverse()
        return kept


def _newest_groups_within(message: Message, budget: int) -> Message | None:
    """The message with its oldest tool call/result groups dropped until it fits, if its text does."""
    if not message.tool_calls or message.token_count > budget:
        return None
    calls = list(message.tool_calls)
    while calls and message.token_count + sum(tool_call_tokens(c) for c in calls) > budget:
        calls.pop(0)
    return replace(message, tool_calls=tuple(calls)) if calls else None
