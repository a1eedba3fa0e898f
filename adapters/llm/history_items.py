"""The history window as the Agents SDK's standard input items.

Earlier tool calls are replayed as what they were: a ``function_call`` item and its
``function_call_output`` with the same ``call_id`` (the SDK turns them into an assistant
``tool_calls`` message and ``tool`` messages for Chat Completions, and sends them as they are
to the Responses API). Never as prose: a small model copies a text summary of tool calls
into its answer and claims changes no tool made.

The items are plain dicts in the SDK's input format, so any ``Model`` can consume them.
"""

from __future__ import annotations

import json
from typing import Any

from adapters.llm.reply_guard import without_tool_summary
from application.ports import TurnRequest
from domain.conversation import Message
from domain.values import Role


def call_id(message: Message, index: int) -> str:
    """Stable per stored call: the message id and the call's place in it (no id is stored)."""
    return f"call_{message.id.hex}_{index}"


def message_items(message: Message, known_tools: frozenset[str] | None = None) -> list[dict[str, Any]]:
    if message.role is not Role.ASSISTANT:
        return [{"role": message.role.value, "content": message.content}]
    items: list[dict[str, Any]] = []
    for index, call in enumerate(message.tool_calls):
        if known_tools is not None and call.tool not in known_tools:
            continue  # a made-up tool name was the model's mistake: not worth showing again
        ident = call_id(message, index)
        items.append({"type": "function_call", "call_id": ident, "name": call.tool,
                      "arguments": json.dumps(call.arguments, default=str)})
        items.append({"type": "function_call_output", "call_id": ident,
                      "output": json.dumps(call.result, default=str)})
    # Replies stored before tool calls were replayed as items may end with a copied summary.
    text = without_tool_summary(message.content)
    if text or not items:
        items.append({"role": "assistant", "content": text})
    return items


def input_items(request: TurnRequest) -> list[Any]:
    """The request's history, oldest first, ending with the new user message."""
    known = frozenset(request.tools.specs)
    return [item for message in request.history for item in message_items(message, known)]
