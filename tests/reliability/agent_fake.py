"""A fake OpenAI-compatible model that answers from each request itself.

``tests.support.fake_openai.FakeOpenAI`` replays a script in arrival order, which mixes
replies up when several turns run at once. This one reads the request it is answering:

- last message from the user, ``add <title>``: a tool call ``add_task {"title": <title>}``;
- last message a tool result: the text ``Added task <id>: <title>.``;
- any other user message: the text ``Noted: <message>``.

A scripted reply (429, 500, a hang) still goes first while ``script`` is not empty, and a
turn whose user message contains a marker of ``hang_before_tool`` / ``hang_after_tool``
hangs that many seconds on its first model call / on the call after its tool ran.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tests.support.fake_openai import FakeOpenAI, Reply


def last_user_text(request: dict[str, Any]) -> str:
    for message in reversed(request.get("messages", [])):
        if message.get("role") == "user":
            return str(message.get("content") or "")
    return ""


def user_texts(request: dict[str, Any]) -> list[str]:
    """Every user message the model was shown (the history window and the new message)."""
    return [str(m.get("content")) for m in request.get("messages", []) if m.get("role") == "user"]


@dataclass
class AgentFake(FakeOpenAI):
    hang_before_tool: dict[str, float] = field(default_factory=dict)
    hang_after_tool: dict[str, float] = field(default_factory=dict)

    def next(self) -> Reply:
        if self.script:
            return self.script.pop(0)
        # The request being answered was appended just before this call (no await between).
        request = self.requests[-1]
        messages = request.get("messages", [])
        said = last_user_text(request)
        if messages and messages[-1].get("role") == "tool":
            try:
                result = json.loads(messages[-1].get("content") or "{}")
            except ValueError:
                result = {}
            text = f"Added task {result.get('task_id')}: {result.get('title')}."
            return Reply(text=text, hang=self._hang(self.hang_after_tool, said))
        if said.startswith("add "):
            call = ("add_task", json.dumps({"title": said.removeprefix("add ")}))
            return Reply(tool_calls=[call], hang=self._hang(self.hang_before_tool, said))
        return Reply(text=f"Noted: {said}")

    @staticmethod
    def _hang(markers: dict[str, float], said: str) -> float:
        return next((seconds for marker, seconds in markers.items() if marker in said), 0.0)

    def saw(self, predicate: Any) -> bool:
        return any(predicate(request) for request in list(self.requests))
