"""The OpenAI Agents SDK model: OpenAI or any OpenAI-compatible server (Ollama, vLLM, LiteLLM).

- Tools are the catalogue's, bound to the authenticated user through the run context;
  ``user_id`` is never a tool argument.
- Retries wrap each *model call* (exponential backoff, full jitter, Retry-After), never the
  whole run, so a tool that already ran is never run again.
- One deadline bounds the whole turn; afterwards the failure is LanguageModelUnavailable.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, Literal, Protocol

import openai
from agents import Agent, FunctionTool, ModelSettings, RunConfig, RunContextWrapper, Runner, StopAtTools, Tool
from agents._public_agent import get_public_agent
from agents.exceptions import AgentsException, MaxTurnsExceeded
from agents.mcp import MCPServer
from agents.models.interface import Model
from agents.models.openai_chatcompletions import OpenAIChatCompletionsModel
from agents.models.openai_responses import OpenAIResponsesModel
from agents.run_internal.agent_tool_configuration import register_agent_tool_configuration, snapshot_agent_tools
from openai import AsyncOpenAI
from openai.types.responses import ResponseTextDeltaEvent

from adapters.llm.agent_tools import (
    REPLY,
    REPLY_RULE,
    REPLY_TOOL,
    TurnEnd,
    TurnState,
    function_tools,
    record_tool_error,
)
from adapters.llm.history_items import input_items
from adapters.llm.lean_model import history_before_input, lean_model
from adapters.llm.reply_guard import (
    UNUSABLE_CORRECTION,
    Change,
    conversation_text,
    correction,
    judge,
    reply_from_calls,
)
from application.errors import LanguageModelUnavailable
from application.ports import TextDelta, TokenUsage, ToolEvent, TurnDone, TurnEvent, TurnRequest, TurnResult
from application.tools import BoundTools
from domain.conversation import ToolCall
from domain.values import Role

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentsSettings:
    api_key: str | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    api: Literal["chat", "responses"] | None = None
    max_attempts: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 8.0
    request_timeout: float = 30.0
    turn_deadline: float = 60.0
    tracing: bool = False
    max_turns: int = 8
    # The lean HTTP client (adapters/llm/lean_model.py) instead of the openai client's.
    lean_client: bool = True
    # "tools": a model step whose tool calls all made changes ends the turn, and the reply is
    # written from what they did; "model": the model is called again to write it.
    reply_after_change: Literal["tools", "model"] = "tools"

    @property
    def resolved_api(self) -> Literal["chat", "responses"]:
        return self.api or ("chat" if self.base_url else "responses")


# -- retries ---------------------------------------------------------------------------------


def retry_after_seconds(error: BaseException) -> float | None:
    # openai's transport is httpx2; read the header without depending on either client.
    headers = getattr(getattr(error, "response", None), "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def is_transient(error: BaseException) -> bool:
    if isinstance(error, (openai.APITimeoutError, openai.APIConnectionError, TimeoutError)):
        return True
    if isinstance(error, openai.APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return False


def describe(error: BaseException) -> str:
    if isinstance(error, openai.APIStatusError):
        return f"the model service answered HTTP {error.status_code}"
    if isinstance(error, (openai.APITimeoutError, TimeoutError)):
        return "the model service timed out"
    if isinstance(error, openai.APIConnectionError):
        return "the model service could not be reached"
    return f"the model failed ({type(error).__name__})"


@dataclass
class Backoff:
    settings: AgentsSettings
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, error: BaseException) -> float:
        # Full jitter keeps many clients from retrying in lock-step; Retry-After wins when given.
        ceiling = min(self.settings.backoff_max, self.settings.backoff_base * 2 ** (attempt - 1))
        hinted = retry_after_seconds(error)
        if hinted is not None:
            return min(hinted, self.settings.backoff_max)
        return self.rng.uniform(0, ceiling)


class RetryingModel(Model):
    """Wraps one SDK model; retries transient failures of a single model call."""

    def __init__(self, inner: Model, backoff: Backoff) -> None:
        self._inner = inner
        self._backoff = backoff

    async def _failed(self, attempt: int, error: Exception) -> None:
        attempts = self._backoff.settings.max_attempts
        if not is_transient(error) or attempt >= attempts:
            raise LanguageModelUnavailable(f"{describe(error)} (attempt {attempt} of {attempts})") from error
        delay = self._backoff.delay(attempt, error)
        logger.warning("model call failed (%s); retry %d in %.2f s", describe(error), attempt, delay)
        await self._backoff.sleep(delay)

    async def get_response(self, *args: Any, **kwargs: Any) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._inner.get_response(*args, **kwargs)
            except (openai.OpenAIError, TimeoutError) as error:
                await self._failed(attempt, error)

    async def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:  # type: ignore[override]
        attempt = 0
        while True:
            attempt += 1
            started = False
            try:
                async for event in self._inner.stream_response(*args, **kwargs):
                    started = True
                    yield event
                return
            except (openai.OpenAIError, TimeoutError) as error:
                if started:  # text already reached the person: a retry would repeat it
                    raise LanguageModelUnavailable(describe(error)) from error
                await self._failed(attempt, error)

    async def close(self) -> None:
        await self._inner.close()


# -- the port --------------------------------------------------------------------------------


class ToolServers(Protocol):
    """Where the agent's tools come from instead of in-process function tools (``LLM_TOOLS=mcp``):
    MCP servers opened for one turn, acting for ``tools.user_id``, appending each call to ``calls``."""

    def connect(
        self, tools: BoundTools, calls: list[ToolCall]
    ) -> AbstractAsyncContextManager[list[MCPServer]]: ...


def _single_agent_identities(original: Callable[[Any], dict[int, str]]) -> Callable[[Any], dict[int, str]]:
    """The SDK's ``_build_agent_identity_keys_by_id`` with a shortcut for an agent without handoffs.

    The SDK runs it twice a run (its sandbox session manager and tool-use tracker) to name
    each agent of the handoff graph; for a graph of one agent the answer is that agent's name,
    but it first builds a signature of the whole agent (every tool's JSON schema, normalised
    and JSON-encoded) to sort a group of one: a fifth of a turn's CPU. Same answer, no
    signature; graphs with handoffs go to the SDK's own code.
    """

    def identities(initial_agent: Any) -> dict[int, str]:
        if not initial_agent.handoffs:
            return {id(initial_agent): initial_agent.name}
        return original(initial_agent)

    setattr(identities, "__wrapped__", original)  # noqa: B010 (marks it: installed once)
    return identities


def _validated_once(original: Callable[[Any], None]) -> Callable[[Any], None]:
    """The SDK's ``validate_function_tool_lookup_configuration`` remembering the tool lists it passed.

    The SDK checks the agent's tools for ambiguous names on every model call and tool step
    (about a tenth of a turn's CPU with the catalogue's tools); the agent and its tools are
    built once (``AgentsModel._agent``) and never changed, so a list of the very same tool
    objects that passed once passes again. The lists are held, so their ids stay theirs;
    anything else (and any list that fails) goes to the SDK's check.
    """
    passed: dict[tuple[int, ...], list[Any]] = {}

    def validate(tools: Any) -> None:
        key = tuple(map(id, tools))
        if key in passed:
            return
        original(tools)
        if len(passed) >= 64:
            passed.clear()
        passed[key] = list(tools)

    setattr(validate, "__wrapped__", original)  # noqa: B010 (marks it: installed once)
    return validate


class CatalogueAgent(Agent[TurnState]):
    """The SDK's ``Agent`` with a shortcut through ``get_all_tools`` for a fixed catalogue.

    The SDK asks each tool whether it is enabled, one task per tool, at every step: twelve tasks
    a step for tools whose ``is_enabled`` is the constant ``True``. With no MCP servers and only
    such tools, the answer is the agent's tools, taken through the SDK's own registration and
    snapshot (which guard against tools changed mid-run); anything else goes to the SDK.
    """

    async def get_all_tools(self, run_context: RunContextWrapper[TurnState]) -> list[Tool]:
        if self.mcp_servers or not all(isinstance(t, FunctionTool) and t.is_enabled is True for t in self.tools):
            return await super().get_all_tools(run_context)
        public = get_public_agent(self)
        register_agent_tool_configuration(public)
        return list(snapshot_agent_tools(public))


def _install_identity_shortcut() -> None:
    """Two shortcuts through the SDK's per-run bookkeeping, each giving the SDK's own answer."""
    import agents._tool_identity as tool_identity
    import agents.run_internal.tool_use_tracker as tracker
    import agents.sandbox.runtime_session_manager as sessions

    for module in (tracker, sessions):
        original = getattr(module, "_build_agent_identity_keys_by_id", None)
        if original is not None and not hasattr(original, "__wrapped__"):
            setattr(module, "_build_agent_identity_keys_by_id", _single_agent_identities(original))  # noqa: B010
    validate = getattr(tool_identity, "validate_function_tool_lookup_configuration", None)
    if validate is not None and not hasattr(validate, "__wrapped__"):
        setattr(tool_identity, "validate_function_tool_lookup_configuration", _validated_once(validate))  # noqa: B010


class AgentsModel:
    def __init__(
        self, settings: AgentsSettings, *, backoff: Backoff | None = None, tool_servers: ToolServers | None = None
    ) -> None:
        if not settings.api_key and not settings.base_url:
            raise ValueError("OPENAI_API_KEY is required when LLM_PROVIDER=openai (or set OPENAI_BASE_URL)")
        self.settings = settings
        _install_identity_shortcut()
        inner = lean_model(settings, partial(_sdk_model, settings)) if settings.lean_client else _sdk_model(settings)
        self._model = RetryingModel(inner, backoff or Backoff(settings))
        self._agents: dict[tuple[str, int], tuple[Agent[TurnState], object]] = {}
        self._tool_servers = tool_servers
        self._run_config = RunConfig(
            tracing_disabled=not settings.tracing,
            # A made-up tool name is the model's mistake: tell it, don't fail the turn.
            tool_not_found_behavior="return_error_to_model",
            tool_error_formatter=record_tool_error,
        )

    def _agent(self, request: TurnRequest, servers: list[MCPServer]) -> Agent[TurnState]:
        if servers:  # MCP tool servers are opened per turn: so is their agent
            return self._new_agent(request, servers)
        # Tools act through the run context, so one agent serves every user with the same
        # prompt and catalogue (the prompt changes with the date): built once, not per turn.
        key = (request.system_prompt, id(request.tools.specs))
        cached = self._agents.get(key)
        if cached is None or cached[1] is not request.tools.specs:
            if len(self._agents) >= 64:
                self._agents.clear()
            cached = self._agents[key] = (self._new_agent(request, servers), request.tools.specs)
        return cached[0]

    def _new_agent(self, request: TurnRequest, servers: list[MCPServer]) -> Agent[TurnState]:
        return CatalogueAgent(
            name="todo-chat",
            instructions=f"{request.system_prompt}{REPLY_RULE}\n",
            tools=[REPLY] if servers else [*function_tools(request.tools), REPLY],
            mcp_servers=servers,
            model=self._model,
            tool_use_behavior=TurnEnd(from_changes=self.settings.reply_after_change == "tools"),
            # The first call of a turn must call a tool (reply_to_user for words); the SDK lets the
            # model answer freely once a tool ran. Several changes come as several calls of a step.
            model_settings=ModelSettings(tool_choice="required", parallel_tool_calls=True),
        )

    def _servers(self, state: TurnState) -> AbstractAsyncContextManager[list[MCPServer]]:
        if self._tool_servers is None:
            return nullcontext([])
        return self._tool_servers.connect(state.tools, state.calls)

    @asynccontextmanager
    async def _bounded_turn(self, state: TurnState) -> AsyncIterator[Any]:
        """The turn deadline and tool servers; every model failure as LanguageModelUnavailable."""
        try:
            async with asyncio.timeout(self.settings.turn_deadline), self._servers(state) as servers:
                yield servers
        except LanguageModelUnavailable:
            raise
        except TimeoutError as error:
            raise LanguageModelUnavailable("the model did not finish the turn in time") from error
        except (openai.OpenAIError, AgentsException) as error:
            raise LanguageModelUnavailable(describe(error)) from error

    def _run(self, agent: Agent[TurnState], items: list[Any], state: TurnState) -> Any:
        return Runner.run(agent, items, context=state, max_turns=self.settings.max_turns, run_config=self._run_config)

    async def _settle(
        self, agent: Agent[TurnState], reply: str, history: Callable[[], list[Any]], state: TurnState
    ) -> str:
        """The reply to show: checked against the tool calls that really ran.

        ``history`` gives the run's items as the next input (``to_input_list``): only a retry
        needs them, and converting them costs as much CPU as a model call's request.

        A reply reporting a change no tool made, or unusable text (empty, raw JSON, a tool call
        written as markup) when no tool ran, gets one more model call with a correction (the
        model may still call the tool); if that fails too, or unusable text follows tool calls,
        the reply is written from the tool calls instead.
        """
        verdict = judge(reply, state.calls)
        if verdict.ok:
            return verdict.text
        # Unusable text after tools ran is answered from their results; with no tool run the
        # model may have written a call as text instead of making it: one more try.
        if verdict.unfounded:
            return await self._make_claimed_change(agent, verdict.unfounded, history(), state)
        if not state.calls:
            logger.info("reply not shown as is (unusable, no tool ran); asking once more")
            again = await self._run(agent, [*history(), {"role": "system", "content": UNUSABLE_CORRECTION}], state)
            _add_usage(state, again)
            retried = judge(str(again.final_output or ""), state.calls)
            if retried.ok:
                return retried.text
        return reply_from_calls(state.calls, claimed=verdict.unfounded, today=state.tools.today)

    async def _make_claimed_change(self, agent: Agent[TurnState], claimed: frozenset[Change],
                                   items: list[Any], state: TurnState) -> str:
        """The model said it made a change and called no tool for it: one more try, with a tool call required.

        A small model often answers "Marked task 1 as done." in words, knowing the right call
        (docs/language.md, "Real models"); asked again in words it writes words again. So the
        retry must call a tool (``tool_choice: required``: it may still pick a read-only one
        such as list_tasks first) and stops at the first change a tool makes, or after
        ``_CLAIM_RETRY_TURNS`` model calls. The reply is then written from the tool calls.
        """
        logger.info("reply claims %s with no tool call; asking once more with a tool call required", sorted(claimed))
        changing = [spec.name for spec in state.tools.specs.values() if not spec.read_only]
        # The same tools as the first call, so a local server's prompt cache still holds; words
        # (reply_to_user) end the retry as a change does, and the reply says what really ran.
        forced = agent.clone(model_settings=ModelSettings(tool_choice="required", parallel_tool_calls=True),
                             reset_tool_choice=False,
                             tool_use_behavior=StopAtTools(stop_at_tool_names=[*changing, REPLY_TOOL]))
        note: Any = {"role": "system", "content": correction(claimed)}
        try:
            again = await Runner.run(forced, [*items, note], context=state, max_turns=_CLAIM_RETRY_TURNS,
                                     run_config=self._run_config)
            _add_usage(state, again)
        except MaxTurnsExceeded:
            logger.info("the required tool calls made no change in %d model calls", _CLAIM_RETRY_TURNS)
        return reply_from_calls(state.calls, claimed=claimed, today=state.tools.today)

    def _input(self, request: TurnRequest) -> tuple[list[Any], list[Any]]:
        """(earlier turns, this turn's input). With the lean model the SDK is given only the new
        message and the model sends the window before it (``history_before_input``): the SDK
        copies and converts its whole input at every step, so the window cost CPU per item per step."""
        items = input_items(request)
        if not self.settings.lean_client:
            return [], items
        return items[:-1], items[-1:]

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        state = TurnState(request.tools, said=conversation_text(request.history), asked=_asked(request))
        earlier, items = self._input(request)
        async with self._bounded_turn(state) as servers:
            agent = self._agent(request, servers)
            with history_before_input(earlier):
                result = await self._run(agent, items, state)
                _add_usage(state, result)
                reply = await self._settle(agent, str(result.final_output or ""), result.to_input_list, state)
        return TurnResult(reply, state.calls, state.usage)

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[TurnEvent]:
        state = TurnState(request.tools, said=conversation_text(request.history), asked=_asked(request))
        text: list[str] = []
        reported = 0
        earlier, items = self._input(request)
        async with self._bounded_turn(state) as servers:
            agent = self._agent(request, servers)
            with history_before_input(earlier):  # the run's task copies the context as it starts
                streamed = Runner.run_streamed(
                    agent, items, context=state, max_turns=self.settings.max_turns, run_config=self._run_config,
                )
            async for event in streamed.stream_events():
                if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
                    text.append(event.data.delta)
                    yield TextDelta(event.data.delta)
                while reported < len(state.calls):
                    yield ToolEvent(state.calls[reported])
                    reported += 1
            _add_usage(state, streamed)
            # The deltas already shown are the model's words; the final event carries the checked reply.
            raw = str(streamed.final_output or "".join(text))
            with history_before_input(earlier):
                reply = await self._settle(agent, raw, streamed.to_input_list, state)
        for call in state.calls[reported:]:
            yield ToolEvent(call)
        yield TurnDone(TurnResult(reply, state.calls, state.usage))


# Model calls a retry with a required tool call may make: e.g. list_tasks, then the change.
_CLAIM_RETRY_TURNS = 3


def _sdk_model(settings: AgentsSettings) -> Model:
    """The SDK's own model over the openai client."""
    client = AsyncOpenAI(
        api_key=settings.api_key or "unused",  # local OpenAI-compatible servers need none
        base_url=settings.base_url,
        max_retries=0,  # our retries, once, per model call
        timeout=settings.request_timeout,
    )
    if settings.resolved_api == "chat":
        return OpenAIChatCompletionsModel(settings.model, client)
    return OpenAIResponsesModel(settings.model, client)


def _asked(request: TurnRequest) -> str | None:
    """The user's message this turn (the window's last message)."""
    last = request.history[-1] if request.history else None
    return last.content if last is not None and last.role is Role.USER else None


def _add_usage(state: TurnState, result: Any) -> None:
    usage = result.context_wrapper.usage
    state.usage = TokenUsage(state.usage.input_tokens + usage.input_tokens,
                             state.usage.output_tokens + usage.output_tokens)
