"""The chat turn, in three steps with no transaction held across the model call.

1. Store the user's message (creating the conversation if needed); commit.
2. Run the model on the history window with tools bound to this user; each tool call
   runs in its own unit of work.
3. Store the reply with its tool calls and token usage; commit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from uuid import UUID

from application.errors import LanguageModelUnavailable
from application.history import HistoryWindow
from application.ports import (
    Clock,
    IdGenerator,
    LanguageModel,
    TextDelta,
    ToolEvent,
    TurnDone,
    TurnRequest,
    TurnResult,
    UnitOfWork,
    UnitOfWorkFactory,
)
from application.prompts import system_prompt
from application.queries import Page, check_paging
from application.tools import ToolCatalogue
from domain.conversation import Conversation, Message, ToolCall
from domain.errors import NotFound
from domain.values import Role, check_timezone, check_user_id, clean_message


@dataclass(frozen=True, slots=True)
class ChatReply:
    conversation_id: UUID
    response: str
    tool_calls: list[ToolCall]


@dataclass(frozen=True, slots=True)
class ConversationStarted:
    """First event of a stream: which conversation the turn belongs to."""

    conversation_id: UUID


ChatEvent = ConversationStarted | TextDelta | ToolEvent | ChatReply


class ChatUseCases:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        model: LanguageModel,
        tools: ToolCatalogue,
        history: HistoryWindow,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._model = model
        self._tools = tools
        self._history = history

    async def send(
        self,
        user_id: str,
        message: str,
        conversation_id: UUID | None = None,
        timezone: str = "UTC",
    ) -> ChatReply:
        request, conversation_id = await self._begin(user_id, message, conversation_id, timezone)
        result = await self._model.run_turn(request)
        return await self._finish(user_id, conversation_id, result)

    async def stream(
        self,
        user_id: str,
        message: str,
        conversation_id: UUID | None = None,
        timezone: str = "UTC",
    ) -> AsyncIterator[ChatEvent]:
        request, conversation_id = await self._begin(user_id, message, conversation_id, timezone)
        yield ConversationStarted(conversation_id)
        result: TurnResult | None = None
        async for event in self._model.stream_turn(request):
            if isinstance(event, TurnDone):
                result = event.result
            else:
                yield event
        if result is None:
            raise LanguageModelUnavailable("the model ended the turn without a result")
        yield await self._finish(user_id, conversation_id, result)

    async def _begin(
        self, user_id: str, message: str, conversation_id: UUID | None, timezone: str
    ) -> tuple[TurnRequest, UUID]:
        check_user_id(user_id)
        text = clean_message(message)
        zone = check_timezone(timezone)
        now = self._clock.now()
        recent: list[Message]
        if conversation_id is None:
            # A new conversation and its first message, together or not at all; the window is that message.
            conversation_id = self._ids.new_id()
            first = Message.from_user(
                id=self._ids.new_id(), conversation_id=conversation_id, user_id=user_id, content=text, now=now
            )
            async with self._uow() as uow:
                await uow.conversations.add(
                    Conversation.start(id=conversation_id, user_id=user_id, first_message=text, now=now)
                )
                await _append(uow, first)
                await uow.commit()
            recent = [first]
        else:
            # One transaction: in autocommit, a turn sent at the same moment in the same conversation
            # could store its message between ours and the window read, and the model would answer it.
            mine = Message.from_user(
                id=self._ids.new_id(), conversation_id=conversation_id, user_id=user_id, content=text, now=now
            )
            async with self._uow() as uow:
                # Owner-checked, and it stamps the conversation's activity: no read first.
                await _append(uow, mine)
                recent = await uow.conversations.recent_messages(
                    user_id, conversation_id, self._history.max_messages
                )
                await uow.commit()
            # The turn's history ends at its own message, whatever a concurrent turn stored after it.
            ours = next((i for i, m in enumerate(recent) if m.id == mine.id), None)
            if ours is not None:
                recent = recent[: ours + 1]
        local_today = now.astimezone(zone).date()
        request = TurnRequest(
            system_prompt=system_prompt(local_today.isoformat(), local_today.strftime("%A")),
            history=self._history.trim(recent),
            tools=self._tools.bind(
                user_id, timezone, earlier_turns=tuple(m.tool_calls for m in recent if m.role is Role.ASSISTANT)
            ),
            now=now,
            timezone=timezone,
        )
        return request, conversation_id

    async def _finish(self, user_id: str, conversation_id: UUID, result: TurnResult) -> ChatReply:
        reply = Message.from_assistant(
            id=self._ids.new_id(),
            conversation_id=conversation_id,
            user_id=user_id,
            content=result.reply,
            now=self._clock.now(),
            tool_calls=tuple(result.tool_calls),
            token_count=(result.usage.output_tokens or None),
        )
        # One statement on PostgreSQL (the conversation stamped and the reply inserted): it commits as it runs.
        async with self._uow(autocommit=True) as uow:
            await _append(uow, reply)
            await uow.commit()
        return ChatReply(conversation_id, result.reply, list(result.tool_calls))

    async def conversations(self, user_id: str, limit: int = 20, offset: int = 0) -> Page[Conversation]:
        check_paging(limit, offset)
        async with self._uow(read_only=True) as uow:
            return await uow.conversations.find(user_id, limit, offset)

    async def conversation(
        self, user_id: str, conversation_id: UUID, limit: int = 50, offset: int = 0
    ) -> tuple[Conversation, Page[Message]]:
        check_paging(limit, offset)
        async with self._uow(read_only=True) as uow:
            conversation = await uow.conversations.get(user_id, conversation_id)
            if conversation is None:
                raise NotFound("conversation", conversation_id)
            return conversation, await uow.conversations.messages(user_id, conversation_id, limit, offset)

    async def delete_conversation(self, user_id: str, conversation_id: UUID) -> None:
        async with self._uow() as uow:
            if not await uow.conversations.delete(user_id, conversation_id):
                raise NotFound("conversation", conversation_id)
            await uow.commit()


async def _append(uow: UnitOfWork, message: Message) -> None:
    """Store a message in its author's conversation; someone else's or a deleted one is not found."""
    try:
        await uow.conversations.add_message(message)
    except LookupError:
        raise NotFound("conversation", message.conversation_id) from None
