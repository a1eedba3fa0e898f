"""``/api/{user_id}/conversations``: list, read (with messages) and delete."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter

from application.queries import LIMIT_MAX, OFFSET_MAX
from application.use_cases.chat import ChatUseCases
from entrypoints.http.docs import PROTECTED, TOTAL_COUNT, errors
from entrypoints.http.schemas import (
    ConversationDetail,
    ConversationPage,
    conversation_detail,
    conversation_page,
)

Limit = Annotated[int, QueryParameter(ge=1, le=LIMIT_MAX)]
Offset = Annotated[int, QueryParameter(ge=0, le=OFFSET_MAX)]

Chat = NamedDependency[ChatUseCases]
ConversationId = FromPath[UUID]
UserId = FromPath[str]


class ConversationController(Controller):
    path = "/conversations"
    tags = ("conversations",)

    @get("/", responses=errors(*PROTECTED), response_headers=TOTAL_COUNT, summary="List conversations")
    async def list_conversations(
        self, user_id: UserId, chat: Chat, limit: Limit = 20, offset: Offset = 0
    ) -> Response[ConversationPage]:
        """Newest activity first."""
        page = await chat.conversations(user_id, limit, offset)
        return Response(conversation_page(page), headers={"X-Total-Count": str(page.total)})

    @get(
        "/{conversation_id:uuid}",
        responses=errors(*PROTECTED, 404),
        response_headers=[*TOTAL_COUNT],
        summary="A conversation with its messages",
    )
    async def get_conversation(
        self,
        user_id: UserId,
        conversation_id: ConversationId,
        chat: Chat,
        limit: Limit = 50,
        offset: Offset = 0,
    ) -> Response[ConversationDetail]:
        """Messages are paged oldest first; ``X-Total-Count`` counts the messages."""
        conversation, messages = await chat.conversation(user_id, conversation_id, limit, offset)
        return Response(
            conversation_detail(conversation, messages), headers={"X-Total-Count": str(messages.total)}
        )

    @delete("/{conversation_id:uuid}", responses=errors(*PROTECTED, 404), summary="Delete a conversation")
    async def delete_conversation(self, user_id: UserId, conversation_id: ConversationId, chat: Chat) -> None:
        """Deletes the conversation and its messages."""
        await chat.delete_conversation(user_id, conversation_id)
