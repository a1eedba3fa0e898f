"""``/api/{user_id}/chat`` and its Server-Sent Events twin."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import msgspec
from litestar import Controller, Request, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.response import ServerSentEvent, ServerSentEventMessage

from application.ports import TextDelta, ToolEvent
from application.rate_limits import RateLimiter
from application.use_cases.chat import ChatEvent, ChatReply, ChatUseCases, ConversationStarted
from entrypoints.http.docs import PROTECTED, errors
from entrypoints.http.errors import error_body, problem_for, request_id_of
from entrypoints.http.schemas import (
    ChatRequest,
    ChatResponse,
    ConversationEvent,
    DeltaEvent,
    chat_response,
    tool_call_out,
)

logger = logging.getLogger("todo_chat.http")

CHAT_ERRORS = errors(*PROTECTED, 404, 429)

Chat = NamedDependency[ChatUseCases]
Limiter = NamedDependency[RateLimiter]
UserId = FromPath[str]


class ChatController(Controller):
    path = "/chat"
    tags = ("chat",)

    @post("/", status_code=200, responses=CHAT_ERRORS, summary="One chat turn")
    async def chat(
        self, user_id: UserId, data: JSONBody[ChatRequest], chat: Chat, chat_limiter: Limiter
    ) -> ChatResponse:
        """Send a message; the model answers and may call task tools for this user.

        Without ``conversation_id`` a new conversation starts. If the model fails, the
        message is kept and the answer is 503 ``LLM_UNAVAILABLE``.
        """
        await chat_limiter.hit(user_id)
        reply = await chat.send(user_id, data.message, data.conversation_id, data.timezone)
        return chat_response(reply)

    @post(
        "/stream",
        status_code=200,
        responses=CHAT_ERRORS,
        summary="One chat turn, streamed as Server-Sent Events",
        media_type="text/event-stream",
        response_description=(
            "text/event-stream. Events: `conversation` {conversation_id} first; `delta` {text} as the reply "
            "grows; `tool` {tool, arguments, result} per tool call; finally `done` with the same object as "
            "POST /chat, or `error` with the error body."
        ),
    )
    async def chat_stream(
        self,
        request: Request,  # type: ignore[type-arg]
        user_id: UserId,
        data: JSONBody[ChatRequest],
        chat: Chat,
        chat_limiter: Limiter,
    ) -> ServerSentEvent:
        """Like POST /chat, streamed. Problems found before the turn starts are ordinary JSON errors."""
        await chat_limiter.hit(user_id)
        events = chat.stream(user_id, data.message, data.conversation_id, data.timezone)
        # The first step stores the message (or fails with 400/404) before any byte is sent.
        first = await anext(events)
        return ServerSentEvent(
            _sse(first, events, request_id_of(request.scope)),
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )


def _message(event: str, payload: msgspec.Struct) -> ServerSentEventMessage:
    return ServerSentEventMessage(event=event, data=msgspec.json.encode(payload).decode())


def _encode(event: ChatEvent) -> ServerSentEventMessage:
    match event:
        case ConversationStarted():
            return _message("conversation", ConversationEvent(conversation_id=event.conversation_id))
        case TextDelta():
            return _message("delta", DeltaEvent(text=event.text))
        case ToolEvent():
            return _message("tool", tool_call_out(event.call))
        case ChatReply():
            return _message("done", chat_response(event))
    raise TypeError(f"unknown chat event {event!r}")


async def _sse(
    first: ChatEvent, events: AsyncIterator[ChatEvent], request_id: str
) -> AsyncIterator[ServerSentEventMessage]:
    try:
        yield _encode(first)
        async for event in events:
            yield _encode(event)
    except Exception as exc:
        problem = problem_for(exc, request_id)
        if problem.code == "INTERNAL_ERROR":
            logger.error("unhandled error in chat stream", exc_info=exc, extra={"request_id": request_id})
        else:
            logger.warning("%s in chat stream: %s", problem.code, exc, extra={"request_id": request_id})
        yield _message("error", error_body(problem))
    finally:
        await events.aclose()  # type: ignore[attr-defined]
