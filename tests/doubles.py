"""Test doubles that record state (no call-asserting mocks)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from application.errors import LanguageModelUnavailable
from application.ports import TextDelta, TokenUsage, ToolEvent, TurnDone, TurnEvent, TurnRequest, TurnResult


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


class SequentialIds:
    def __init__(self) -> None:
        self.count = 0

    def new_id(self) -> uuid.UUID:
        self.count += 1
        return uuid.UUID(int=self.count)


@dataclass
class Step:
    """One scripted model turn: the tool calls to make, then the reply (or a failure)."""

    calls: Sequence[tuple[str, dict[str, Any] | str]] = ()
    reply: str = "ok"
    fail: bool = False


@dataclass
class ScriptedModel:
    """Plays a script of turns through the bound tools, recording what it was shown."""

    steps: list[Step]
    seen: list[TurnRequest] = field(default_factory=list)
    observed_commits: list[int] = field(default_factory=list)
    store: Any = None

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        self.seen.append(request)
        if self.store is not None:
            self.observed_commits.append(self.store.commits)
        step = self.steps.pop(0)
        if step.fail:
            raise LanguageModelUnavailable("scripted failure")
        calls = [await request.tools.call(name, args) for name, args in step.calls]
        return TurnResult(step.reply, calls, TokenUsage(input_tokens=10, output_tokens=len(step.reply)))

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[TurnEvent]:
        result = await self.run_turn(request)
        for call in result.tool_calls:
            yield ToolEvent(call)
        for word in result.reply.split(" "):
            yield TextDelta(word + " ")
        yield TurnDone(result)
