"""An Agents SDK ``Model`` over a lean HTTP client: Chat Completions and the Responses API.

The SDK stays the agent loop (tools, turns, streaming events, usage); this replaces only the
transport it calls, through its documented extension point (``agents.models.interface.Model``).
Measured on a tool turn (two model calls), the openai client's request transform and httpx
were half of the server CPU of a turn. Here a request is encoded once with msgspec (tool
schemas encoded once per tool and embedded raw), posted on a reused connection
(``lean_http``), and the answer decoded with msgspec into the SDK's output items.

What the lean path does not cover (handoffs, structured output, hosted tools, server-side
conversation state, content other than text) goes to the SDK's own model on the openai
client, unchanged: ``fallback``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Literal, cast

import msgspec
from agents.agent_output import AgentOutputSchemaBase
from agents.exceptions import ModelBehaviorError
from agents.handoffs import Handoff
from agents.items import ModelResponse, TResponseInputItem, TResponseOutputItem, TResponseStreamEvent
from agents.model_settings import ModelSettings
from agents.models.chatcmpl_stream_handler import ChatCmplStreamHandler
from agents.models.fake_id import FAKE_RESPONSES_ID
from agents.models.interface import Model, ModelTracing
from agents.tool import FunctionTool, Tool
from agents.usage import Usage
from openai._models import construct_type
from openai.types.chat import ChatCompletionChunk
from openai.types.responses import (
    Response,
    ResponseFunctionToolCall,
    ResponseOutputMessage,
    ResponseOutputRefusal,
    ResponseOutputText,
    ResponseStreamEvent,
)
from pydantic import BaseModel

from adapters.llm.lean_http import HttpClient

Api = Literal["chat", "responses"]
_TOOL_CACHE_LIMIT = 256


def _pydantic(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(exclude_unset=True, mode="json")
    raise TypeError(f"cannot encode {type(value).__name__}")


_encoder = msgspec.json.Encoder(enc_hook=_pydantic)
_decode = msgspec.json.decode


class Unsupported(Exception):
    """The request needs something the lean path does not do: use the SDK's model."""


# The conversation's earlier turns, sent before the run's own input. The SDK copies, converts
# and de-duplicates its whole input at every step of a run; handed only this turn's items, it
# does that work for them alone, and the window is added here, where the request is written.
_history: ContextVar[tuple[TResponseInputItem, ...]] = ContextVar("todo_chat_history", default=())


@contextmanager
def history_before_input(items: list[TResponseInputItem]) -> Iterator[None]:
    """Model calls made in this context (and in tasks started in it) send ``items`` first."""
    token = _history.set(tuple(items))
    try:
        yield
    finally:
        _history.reset(token)


def _with_history(items: str | list[TResponseInputItem]) -> str | list[TResponseInputItem]:
    history = _history.get()
    if not history:
        return items
    if isinstance(items, str):
        return [*history, {"role": "user", "content": items}]
    return [*history, *items]


# -- request bodies ------------------------------------------------------------------------


class ToolEncoder:
    """Each function tool encoded once (schemas do not change between turns), per API."""

    def __init__(self, api: Api) -> None:
        self._api = api
        self._cache: dict[int, tuple[Tool, msgspec.Raw]] = {}

    def __call__(self, tools: list[Tool]) -> list[msgspec.Raw]:
        encoded = []
        for tool in tools:
            hit = self._cache.get(id(tool))
            if hit is None or hit[0] is not tool:
                hit = (tool, self._encode(tool))
                if len(self._cache) >= _TOOL_CACHE_LIMIT:
                    self._cache.clear()  # tools built per turn: keep the cache bounded
                self._cache[id(tool)] = hit
            encoded.append(hit[1])
        return encoded

    def _encode(self, tool: Tool) -> msgspec.Raw:
        if not isinstance(tool, FunctionTool):
            raise Unsupported(f"tool type {type(tool).__name__}")
        function = {"name": tool.name, "description": tool.description or "",
                    "parameters": tool.params_json_schema, "strict": tool.strict_json_schema}
        shaped = {"type": "function", "function": function} if self._api == "chat" else {"type": "function",
                                                                                         **function}
        return msgspec.Raw(_encoder.encode(shaped))


def _settings(model_settings: ModelSettings) -> dict[str, Any]:
    """The model settings a todo-chat agent can carry; anything else takes the SDK's path."""
    fields: dict[str, Any] = {}
    for name in ("temperature", "top_p", "parallel_tool_calls"):
        value = getattr(model_settings, name)
        if value is not None:
            fields[name] = value
    if model_settings.tool_choice is not None:
        if model_settings.tool_choice not in ("auto", "required", "none"):
            raise Unsupported("tool_choice naming a tool")
        fields["tool_choice"] = model_settings.tool_choice
    if model_settings.reasoning is not None or model_settings.extra_headers or model_settings.extra_query:
        raise Unsupported("reasoning or extra headers/query")
    fields.update(model_settings.extra_body or {})  # type: ignore[arg-type]
    fields.update(model_settings.extra_args or {})
    return fields


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for part in content:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind not in ("output_text", "input_text", "text"):
                raise Unsupported(f"content part {kind!r}")
            texts.append(part["text"])
        return "".join(texts)
    raise Unsupported("message content")


def chat_messages(system: str | None, items: str | list[TResponseInputItem]) -> list[dict[str, Any]]:
    """Responses-format input items as Chat Completions messages.

    Consecutive ``function_call`` items join the assistant message before them as its
    ``tool_calls``; each ``function_call_output`` is a ``tool`` message with the same id.
    """
    messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
    if isinstance(items, str):
        messages.append({"role": "user", "content": items})
        return messages
    assistant: dict[str, Any] | None = None
    for raw in items:
        if not isinstance(raw, dict):
            raise Unsupported(f"input item {type(raw).__name__}")
        item: dict[str, Any] = cast(dict[str, Any], raw)
        kind = item.get("type")
        if kind is None or kind == "message":
            role = item.get("role")
            if role not in ("user", "assistant", "system", "developer"):
                raise Unsupported(f"role {role!r}")
            message = {"role": role, "content": _text_of(item.get("content"))}
            messages.append(message)
            assistant = message if role == "assistant" else None
        elif kind == "function_call":
            if assistant is None:
                assistant = {"role": "assistant", "content": None}
                messages.append(assistant)
            assistant.setdefault("tool_calls", []).append(
                {"id": item["call_id"], "type": "function",
                 "function": {"name": item["name"], "arguments": item.get("arguments") or "{}"}})
        elif kind == "function_call_output":
            output = item.get("output")
            if not isinstance(output, str):
                raise Unsupported("non-text tool output")
            messages.append({"role": "tool", "tool_call_id": item["call_id"], "content": output})
            assistant = None
        else:
            raise Unsupported(f"input item type {kind!r}")
    return messages


def responses_input(items: str | list[TResponseInputItem]) -> Any:
    if isinstance(items, str):
        return items
    for item in items:
        kind = item.get("type") if isinstance(item, dict) else "?"
        if kind not in (None, "message", "function_call", "function_call_output"):
            raise Unsupported(f"input item type {kind!r}")
    return items


# -- answers -------------------------------------------------------------------------------


def _message(text: str | None, refusal: str | None = None, ident: str = FAKE_RESPONSES_ID) -> ResponseOutputMessage:
    content: list[Any] = []
    if text:
        content.append(ResponseOutputText(text=text, type="output_text", annotations=[]))
    if refusal:
        content.append(ResponseOutputRefusal(refusal=refusal, type="refusal"))
    return ResponseOutputMessage(id=ident, content=content, role="assistant", status="completed", type="message")


def chat_output(answer: dict[str, Any]) -> tuple[list[TResponseOutputItem], Usage]:
    choices = answer.get("choices") or []
    if not choices:
        raise ModelBehaviorError(f"ChatCompletion response has no choices: {answer.get('error')}")
    choice = choices[0]
    message = choice.get("message") or {}
    items: list[TResponseOutputItem] = []
    text, refusal, calls = message.get("content"), message.get("refusal"), message.get("tool_calls") or []
    if choice.get("finish_reason") == "length" and not text and not refusal and not calls:
        raise ModelBehaviorError("Chat Completions response terminated with finish_reason='length' "
                                 "but produced no assistant text, tool call, or refusal.")
    if text or refusal:
        items.append(_message(text, refusal))
    for call in calls:
        function = call.get("function") or {}
        items.append(ResponseFunctionToolCall(
            id=FAKE_RESPONSES_ID, call_id=call.get("id") or "", name=function.get("name") or "",
            arguments=function.get("arguments") or "{}", type="function_call"))
    usage = answer.get("usage") or {}
    return items, Usage(requests=1, input_tokens=usage.get("prompt_tokens") or 0,
                        output_tokens=usage.get("completion_tokens") or 0,
                        total_tokens=usage.get("total_tokens") or 0)


def responses_output(answer: dict[str, Any], body: bytes) -> tuple[list[TResponseOutputItem], Usage, str | None]:
    usage = answer.get("usage") or {}
    counted = Usage(requests=1, input_tokens=usage.get("input_tokens") or 0,
                    output_tokens=usage.get("output_tokens") or 0, total_tokens=usage.get("total_tokens") or 0)
    raw = answer.get("output") or []
    if all(isinstance(item, dict) and item.get("type") in ("message", "function_call") for item in raw):
        items: list[TResponseOutputItem] = []
        for item in raw:
            if item["type"] == "function_call":
                items.append(ResponseFunctionToolCall(
                    id=item.get("id"), call_id=item["call_id"], name=item["name"],
                    arguments=item.get("arguments") or "{}", type="function_call", status=item.get("status")))
            else:
                parts = item.get("content") or []
                text = "".join(p.get("text", "") for p in parts if p.get("type") == "output_text")
                refusal = "".join(p.get("refusal", "") for p in parts if p.get("type") == "refusal")
                items.append(_message(text, refusal or None, item.get("id") or FAKE_RESPONSES_ID))
        return items, counted, answer.get("id")
    # Reasoning items and the like: the full typed model, as the SDK's own path builds it.
    full = Response.model_validate_json(body)
    return list(full.output), counted, full.id


# -- the model -----------------------------------------------------------------------------


class LeanModel(Model):
    """One model name on one service, speaking ``api``; shared by every turn of the process."""

    def __init__(self, model: str, http: HttpClient, api: Api, fallback: Callable[[], Model],
                 *, include_usage_in_stream: bool = False) -> None:
        self.model = model
        self.api = api
        self._http = http
        self._tools = ToolEncoder(api)
        self._fallback_factory = fallback
        self._fallback: Model | None = None
        self._include_usage = include_usage_in_stream

    def fallback(self) -> Model:
        if self._fallback is None:
            self._fallback = self._fallback_factory()
        return self._fallback

    def _body(self, system: str | None, items: str | list[TResponseInputItem], settings: ModelSettings,
              tools: list[Tool], output_schema: AgentOutputSchemaBase | None, handoffs: list[Handoff],
              stream: bool, previous_response_id: str | None, conversation_id: str | None,
              prompt: Any) -> bytes:
        if handoffs or prompt or previous_response_id or conversation_id:
            raise Unsupported("handoffs, prompts or server-side conversation state")
        if output_schema is not None and not output_schema.is_plain_text():
            raise Unsupported("structured output")
        payload: dict[str, Any] = {"model": self.model}
        if self.api == "chat":
            payload["messages"] = chat_messages(system, items)
        else:
            payload["input"] = responses_input(items)
            if system:
                payload["instructions"] = system
        if tools:
            payload["tools"] = self._tools(tools)
        payload.update(_settings(settings))
        if stream:
            payload["stream"] = True
            if self.api == "chat" and self._include_usage:
                payload["stream_options"] = {"include_usage": True}
        return _encoder.encode(payload)

    @property
    def _path(self) -> str:
        return "/chat/completions" if self.api == "chat" else "/responses"

    async def get_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any = None,
    ) -> ModelResponse:
        input = _with_history(input)
        try:
            body = self._body(system_instructions, input, model_settings, tools, output_schema, handoffs,
                              False, previous_response_id, conversation_id, prompt)
        except Unsupported:
            return await self.fallback().get_response(
                system_instructions, input, model_settings, tools, output_schema, handoffs, tracing,
                previous_response_id=previous_response_id, conversation_id=conversation_id, prompt=prompt)
        answer = await self._http.post(self._path, body)
        decoded = _decode(answer.body)
        request_id = answer.headers.get("x-request-id")
        if self.api == "chat":
            items, usage = chat_output(decoded)
            return ModelResponse(output=items, usage=usage, response_id=None, request_id=request_id)
        items, usage, response_id = responses_output(decoded, answer.body)
        return ModelResponse(output=items, usage=usage, response_id=response_id, request_id=request_id)

    async def stream_response(
        self,
        system_instructions: str | None,
        input: str | list[TResponseInputItem],
        model_settings: ModelSettings,
        tools: list[Tool],
        output_schema: AgentOutputSchemaBase | None,
        handoffs: list[Handoff],
        tracing: ModelTracing,
        *,
        previous_response_id: str | None = None,
        conversation_id: str | None = None,
        prompt: Any = None,
    ) -> AsyncIterator[TResponseStreamEvent]:
        input = _with_history(input)
        try:
            body = self._body(system_instructions, input, model_settings, tools, output_schema, handoffs,
                              True, previous_response_id, conversation_id, prompt)
        except Unsupported:
            async for event in self.fallback().stream_response(
                system_instructions, input, model_settings, tools, output_schema, handoffs, tracing,
                previous_response_id=previous_response_id, conversation_id=conversation_id, prompt=prompt,
            ):
                yield event
            return
        events = self._http.stream(self._path, body)
        if self.api == "responses":
            async for data in events:
                # As the openai client reads its stream: by the event's type, without validation.
                yield cast(TResponseStreamEvent, construct_type(type_=ResponseStreamEvent, value=_decode(data)))
            return
        chunks = (ChatCompletionChunk.model_validate_json(data) async for data in events)
        async for event in ChatCmplStreamHandler.handle_stream(
            self._stream_response(), chunks, model=self.model,  # type: ignore[arg-type]
            raise_on_length_truncation=True,
        ):
            yield event

    def _stream_response(self) -> Response:
        # The response a streamed Chat Completion is assembled into, as the SDK's own model makes it.
        return Response(id=FAKE_RESPONSES_ID, created_at=time.time(), model=self.model, object="response",
                        output=[], tool_choice="auto", tools=[], parallel_tool_calls=False)

    async def close(self) -> None:
        await self._http.aclose()
        if self._fallback is not None:
            await self._fallback.close()


OPENAI_URL = "https://api.openai.com/v1"


def lean_model(settings: Any, fallback: Callable[[], Model]) -> LeanModel:
    """The lean model for ``AgentsSettings`` (api key, base URL, model, API, request timeout)."""
    base_url = settings.base_url or OPENAI_URL
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    http = HttpClient(base_url, headers, settings.request_timeout)
    # OpenAI's own service reports streamed usage only when asked, as the SDK asks it.
    return LeanModel(settings.model, http, settings.resolved_api, fallback,
                     include_usage_in_stream=base_url.startswith(OPENAI_URL))
