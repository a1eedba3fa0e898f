"""The JSON shapes of the HTTP API (msgspec Structs), and how domain objects become them.

Request Structs carry the contract's limits, so a wrong type or a too-long field is a
400 that names the field before any use case runs; the domain checks again (after
trimming), and its errors name the field too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from msgspec import UNSET, Meta, Struct, UnsetType

from application.queries import Page
from application.task_shape import Labels, PriorityName, Rule, TaskShape, task_fields
from application.use_cases.accounts import Session
from application.use_cases.chat import ChatReply
from domain.conversation import Conversation, Message, ToolCall
from domain.task import Task
from domain.text import check_storable
from domain.values import DESCRIPTION_MAX, MESSAGE_MAX, TITLE_MAX

Title = Annotated[
    str, Meta(min_length=1, max_length=TITLE_MAX, description="1..255 characters after trimming.")
]
Description = Annotated[str, Meta(max_length=DESCRIPTION_MAX, description="Up to 4000 characters.")]
DueDate = Annotated[date, Meta(description="A date, YYYY-MM-DD.")]


class _Request(Struct, forbid_unknown_fields=True, kw_only=True):
    """Unknown fields are refused, so a misspelt field is an error and not silently ignored.

    Every string field is checked for text the database cannot store (NUL, lone surrogates):
    here, once for every request shape, so no new field can forget it.
    """

    def __post_init__(self) -> None:
        check_storable({name: getattr(self, name) for name in self.__struct_fields__})


# ----------------------------------------------------------------------------- tasks


class TaskCreate(_Request):
    title: Title
    description: Description | None = None
    priority: PriorityName | None = None
    due_date: DueDate | None = None
    recurrence: Rule | None = None
    labels: Labels = []


class TaskReplace(_Request):
    """PUT: every editable field; an omitted one goes back to its default."""

    title: Title
    description: Description | None = None
    priority: PriorityName = "medium"
    due_date: DueDate | None = None
    completed: bool | UnsetType = UNSET
    recurrence: Rule | None = None
    labels: Labels = []


class TaskPatch(_Request):
    """PATCH: only the fields given change; null clears description, due_date and recurrence."""

    title: Title | UnsetType = UNSET
    description: Description | UnsetType | None = UNSET
    priority: PriorityName | UnsetType = UNSET
    due_date: DueDate | UnsetType | None = UNSET
    completed: bool | UnsetType = UNSET
    recurrence: Rule | UnsetType | None = UNSET
    labels: Labels | UnsetType = UNSET


class TaskOut(TaskShape, kw_only=True):
    """A task (application/task_shape.py) with its times."""

    created_at: datetime
    updated_at: datetime
    last_completed_at: datetime | None


class TrashedTaskOut(TaskOut, kw_only=True):
    deleted_at: datetime


class TrashPage(Struct, kw_only=True):
    data: list[TrashedTaskOut]
    total: int
    limit: int
    offset: int


class LabelOut(Struct, kw_only=True):
    name: str
    count: int


class LabelsOut(Struct, kw_only=True):
    data: list[LabelOut]


class TaskPage(Struct, kw_only=True):
    data: list[TaskOut]
    total: int
    limit: int
    offset: int


def _times(task: Task) -> dict[str, Any]:
    return {"created_at": task.created_at, "updated_at": task.updated_at, "last_completed_at": task.last_completed_at}


def task_out(task: Task) -> TaskOut:
    return TaskOut(**task_fields(task), **_times(task))


def trash_page(page: Page[Task]) -> TrashPage:
    data = [TrashedTaskOut(**task_fields(t), **_times(t), deleted_at=t.deleted_at) for t in page.items]
    return TrashPage(data=data, total=page.total, limit=page.limit, offset=page.offset)


def task_page(page: Page[Task]) -> TaskPage:
    return TaskPage(
        data=[task_out(t) for t in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


# ------------------------------------------------------------------------------ chat


class ChatRequest(_Request):
    message: Annotated[str, Meta(min_length=1, max_length=MESSAGE_MAX, description="1..5000 characters.")]
    conversation_id: UUID | None = None
    timezone: Annotated[
        str, Meta(min_length=1, max_length=64, description="IANA time zone, e.g. Europe/Paris (default UTC).")
    ] = "UTC"


class ToolCallOut(Struct, kw_only=True):
    tool: str
    arguments: dict[str, Any]
    result: dict[str, Any]


class ChatResponse(Struct, kw_only=True):
    conversation_id: UUID
    response: str
    tool_calls: list[ToolCallOut]


class ConversationEvent(Struct, kw_only=True):
    """SSE ``conversation``: the turn's conversation (created if new), sent first."""

    conversation_id: UUID


class DeltaEvent(Struct, kw_only=True):
    """SSE ``delta``: more reply text."""

    text: str


def tool_call_out(call: ToolCall) -> ToolCallOut:
    return ToolCallOut(tool=call.tool, arguments=dict(call.arguments), result=dict(call.result))


def chat_response(reply: ChatReply) -> ChatResponse:
    return ChatResponse(
        conversation_id=reply.conversation_id,
        response=reply.response,
        tool_calls=[tool_call_out(c) for c in reply.tool_calls],
    )


# ---------------------------------------------------------------------- conversations


class ConversationOut(Struct, kw_only=True):
    id: UUID
    title: str
    created_at: datetime
    updated_at: datetime


class ConversationPage(Struct, kw_only=True):
    data: list[ConversationOut]
    total: int
    limit: int
    offset: int


class MessageOut(Struct, kw_only=True):
    id: UUID
    role: Literal["user", "assistant"]
    content: str
    tool_calls: list[ToolCallOut]
    created_at: datetime


class MessagePage(Struct, kw_only=True):
    data: list[MessageOut]
    total: int
    limit: int
    offset: int


class ConversationDetail(Struct, kw_only=True):
    id: UUID
    title: str
    created_at: datetime
    updated_at: datetime
    messages: MessagePage


def conversation_out(conversation: Conversation) -> ConversationOut:
    return ConversationOut(
        id=conversation.id,
        title=conversation.title,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
    )


def conversation_page(page: Page[Conversation]) -> ConversationPage:
    return ConversationPage(
        data=[conversation_out(c) for c in page.items], total=page.total, limit=page.limit, offset=page.offset
    )


def message_out(message: Message) -> MessageOut:
    return MessageOut(
        id=message.id,
        role="user" if message.role.value == "user" else "assistant",
        content=message.content,
        tool_calls=[tool_call_out(c) for c in message.tool_calls],
        created_at=message.created_at,
    )


def conversation_detail(conversation: Conversation, messages: Page[Message]) -> ConversationDetail:
    return ConversationDetail(
        id=conversation.id,
        title=conversation.title,
        created_at=conversation.created_at,
        updated_at=conversation.updated_at,
        messages=MessagePage(
            data=[message_out(m) for m in messages.items],
            total=messages.total,
            limit=messages.limit,
            offset=messages.offset,
        ),
    )


# ------------------------------------------------------------------------------ auth


class RegisterRequest(_Request):
    email: Annotated[str, Meta(min_length=3, max_length=254, description="Your email address.")]
    password: Annotated[str, Meta(min_length=8, max_length=1024, description="At least 8 characters.")]
    name: Annotated[str, Meta(max_length=120)] | None = None


class LoginRequest(_Request):
    email: Annotated[str, Meta(max_length=254)]
    password: Annotated[str, Meta(max_length=1024)]


class SessionOut(Struct, kw_only=True):
    user_id: str
    token: str
    expires_at: datetime


def session_out(session: Session) -> SessionOut:
    return SessionOut(user_id=session.user_id, token=session.token, expires_at=session.expires_at)


# ---------------------------------------------------------------------------- health


class HealthOut(Struct, kw_only=True):
    status: Literal["ok"] = "ok"


class ReadyOut(Struct, kw_only=True):
    status: Literal["ready"] = "ready"
    database: Literal["ok"] = "ok"


# ---------------------------------------------------------------------------- errors


class FieldProblem(Struct, kw_only=True):
    field: str
    message: str


class ErrorDetail(Struct, kw_only=True):
    code: str
    message: str
    details: list[FieldProblem] | dict[str, Any] | None = None


class ErrorBody(Struct, kw_only=True):
    """Every error: ``{"error": {"code", "message", "details"}}``."""

    error: ErrorDetail
