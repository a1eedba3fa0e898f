"""Export and import: everything of a user's as one versioned JSON document, and back.

The document (``format: "todo-chat-export"``, ``version: 1``) holds the tasks (with labels,
recurrence, completion and dates), the trash and the conversations with their messages. An
import takes such a document, or a Todoist CSV export (``application/todoist.py``), and:

- checks every row first; any bad row rejects the whole import (``RowsRejected`` names each);
- writes everything in one unit of work: all or nothing;
- gives imported tasks new numbers from the user's counter (numbers are never reused), and
  conversations and messages new ids; the tool calls stored with imported messages name the
  new task numbers (null for a task the document does not hold), so "undo" in an imported
  conversation acts on the task it meant or on none;
- never takes a user id from the document: everything goes to the signed-in user.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from uuid import UUID
from zoneinfo import ZoneInfo

import msgspec

from application.changes import NoTaskChanges, TaskChange, TaskChangeNotifier
from application.ports import Clock, IdGenerator, UnitOfWork, UnitOfWorkFactory
from application.queries import LIMIT_MAX, TaskQuery
from application.todoist import RowProblem, RowsRejected, TaskDraft, read_todoist_csv
from domain.conversation import Conversation, Message, ToolCall, derive_title, estimate_tokens
from domain.errors import InvalidValue
from domain.recurrence import Recurrence
from domain.task import TRASH_DAYS, Task
from domain.text import unstorable_reason
from domain.values import MESSAGE_MAX, TITLE_MAX, Role, TaskStatus, check_user_id, clean_message, clean_title

FORMAT = "todo-chat-export"
VERSION = 1
TASKS_MAX = 10_000  # tasks and trash together, per import
CONVERSATIONS_MAX = 1_000
MESSAGES_MAX = 20_000  # over all conversations
PROBLEMS_SHOWN = 100  # an answer lists at most this many problems

AwareDatetime = Annotated[datetime, msgspec.Meta(tz=True)]


class TaskRecord(msgspec.Struct, kw_only=True, omit_defaults=False):
    """A task in the document. ``id`` is its number in the export; an import gives a new one."""

    id: int | None = None
    title: str
    description: str | None = None
    completed: bool = False
    priority: str = "medium"
    due_date: date | None = None
    recurrence: str | None = None
    labels: list[str] = msgspec.field(default_factory=list)
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    last_completed_at: AwareDatetime | None = None
    deleted_at: AwareDatetime | None = None


class ToolCallRecord(msgspec.Struct, kw_only=True):
    tool: str
    arguments: dict[str, Any] = msgspec.field(default_factory=dict)
    result: dict[str, Any] = msgspec.field(default_factory=dict)


class MessageRecord(msgspec.Struct, kw_only=True):
    role: Literal["user", "assistant"]
    content: str
    created_at: AwareDatetime | None = None
    tool_calls: list[ToolCallRecord] = msgspec.field(default_factory=list)
    token_count: int | None = None


class ConversationRecord(msgspec.Struct, kw_only=True):
    id: UUID | None = None
    title: str = ""
    created_at: AwareDatetime | None = None
    updated_at: AwareDatetime | None = None
    messages: list[MessageRecord] = msgspec.field(default_factory=list)


class ExportDocument(msgspec.Struct, kw_only=True):
    format: str = FORMAT
    version: int = VERSION
    exported_at: datetime
    # Whose export it was; informational only: an import never reads it.
    user_id: str | None = None
    tasks: list[TaskRecord] = msgspec.field(default_factory=list)
    trash: list[TaskRecord] = msgspec.field(default_factory=list)
    conversations: list[ConversationRecord] = msgspec.field(default_factory=list)


class _Envelope(msgspec.Struct, kw_only=True):
    """The document read loosely, so each row can be checked on its own."""

    format: str
    version: int
    tasks: list[msgspec.Raw] = msgspec.field(default_factory=list)
    trash: list[msgspec.Raw] = msgspec.field(default_factory=list)
    conversations: list[msgspec.Raw] = msgspec.field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportResult:
    source: Literal["todo-chat-export", "todoist-csv"]
    tasks: int
    trash: int
    conversations: int
    messages: int
    task_ids: list[int]  # the numbers the imported tasks (trash included) got, in the order given


class TransferUseCases:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, ids: IdGenerator, changes: TaskChangeNotifier | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._changes = changes or NoTaskChanges()

    # ------------------------------------------------------------------ export

    async def export(self, user_id: str) -> ExportDocument:
        check_user_id(user_id)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            tasks = await _all_tasks(uow, user_id)
            trash = await _all_trash(uow, user_id, now - timedelta(days=TRASH_DAYS))
            conversations = await _all_conversations(uow, user_id)
        return ExportDocument(
            exported_at=now,
            user_id=user_id,
            tasks=[task_record(task) for task in tasks],
            trash=[task_record(task) for task in trash],
            conversations=conversations,
        )

    # ------------------------------------------------------------------ import

    async def import_document(self, user_id: str, body: bytes) -> ImportResult:
        """Import an export document (its JSON bytes) into ``user_id``'s tasks and conversations."""
        check_user_id(user_id)
        now = self._clock.now()
        # Decoding and checking 10,000 rows is CPU work: off the event loop, in a worker thread.
        tasks, trash, conversations = await asyncio.to_thread(_checked_document, body, user_id, now)
        cutoff = now - timedelta(days=TRASH_DAYS)
        trash = [(old, task) for old, task in trash if task.deleted_at is not None and task.deleted_at >= cutoff]
        # In the export's numbering order (trash included), so an import into a new account gives
        # every task the number it had; records without a number come last, in document order.
        ordered = sorted([*tasks, *trash], key=lambda item: (item[0] is None, item[0] or 0))
        numbers: dict[int, int] = {}
        async with self._uow() as uow:
            await uow.imports.add_tasks(user_id, [task for _, task in ordered])
            for old, task in ordered:
                if old is not None:
                    numbers.setdefault(old, task.id)
            messages = 0
            for record in conversations:
                messages += await self._add_conversation(uow, user_id, record, numbers, now)
            await uow.commit()
        task_ids = [task.id for _, task in ordered]
        if task_ids:
            self._changes.publish(TaskChange(user_id, "created", tuple(task_ids)))
        return ImportResult("todo-chat-export", len(tasks), len(trash), len(conversations), messages, task_ids)

    async def import_todoist(self, user_id: str, text: str, timezone: str = "UTC") -> ImportResult:
        """Import a Todoist CSV export; dates without a year and ``every ...`` rules are read
        from today in ``timezone``."""
        check_user_id(user_id)
        now = self._clock.now()
        today = now.astimezone(_zone(timezone)).date()
        tasks = await asyncio.to_thread(_checked_csv, text, user_id, now, today)
        async with self._uow() as uow:
            await uow.imports.add_tasks(user_id, tasks)
            await uow.commit()
        task_ids = [task.id for task in tasks]
        if task_ids:
            self._changes.publish(TaskChange(user_id, "created", tuple(task_ids)))
        return ImportResult("todoist-csv", len(tasks), 0, 0, 0, task_ids)

    async def _add_conversation(
        self, uow: UnitOfWork, user_id: str, record: ConversationRecord, numbers: dict[int, int], now: datetime
    ) -> int:
        started = record.created_at or (record.messages[0].created_at if record.messages else None) or now
        first = next((m.content for m in record.messages if m.role == "user"), "")
        title = clean_title(record.title) if record.title.strip() else derive_title(first)
        conversation_id = self._ids.new_id()
        thread: list[Message] = []
        latest = started
        for item in record.messages:
            content = clean_message(item.content) if item.role == "user" else item.content
            # Times never go backwards along a conversation (as add_message stamps them).
            latest = max(latest, item.created_at or latest)
            thread.append(
                Message(
                    id=self._ids.new_id(),
                    conversation_id=conversation_id,
                    user_id=user_id,
                    role=Role(item.role),
                    content=content,
                    created_at=latest,
                    tool_calls=tuple(
                        ToolCall(call.tool, _renumbered(call.arguments, numbers), _renumbered(call.result, numbers))
                        for call in item.tool_calls
                    ),
                    token_count=item.token_count if item.token_count is not None else estimate_tokens(content),
                )
            )
        conversation = Conversation(
            id=conversation_id,
            user_id=user_id,
            title=title[:TITLE_MAX],
            created_at=started,
            updated_at=max(latest, record.updated_at or latest),
        )
        await uow.imports.add_conversation(conversation, thread)
        return len(thread)


# ---------------------------------------------------------------------- records


def task_record(task: Task) -> TaskRecord:
    return TaskRecord(
        id=task.id,
        title=task.title,
        description=task.description,
        completed=task.completed,
        priority=task.priority.value,
        due_date=task.due_date,
        recurrence=task.recurrence.rule if task.recurrence is not None else None,
        labels=list(task.labels),
        created_at=task.created_at,
        updated_at=task.updated_at,
        last_completed_at=task.last_completed_at,
        deleted_at=task.deleted_at,
    )


def message_record(message: Message) -> MessageRecord:
    return MessageRecord(
        role="user" if message.role is Role.USER else "assistant",
        content=message.content,
        created_at=message.created_at,
        tool_calls=[ToolCallRecord(tool=c.tool, arguments=c.arguments, result=c.result) for c in message.tool_calls],
        token_count=message.token_count,
    )


async def _all_tasks(uow: UnitOfWork, user_id: str) -> list[Task]:
    found: dict[int, Task] = {}
    offset = 0
    while True:
        page = await uow.tasks.find(
            user_id, TaskQuery(status=TaskStatus.ALL, sort="id", limit=LIMIT_MAX, offset=offset)
        )
        found.update((task.id, task) for task in page.items)
        offset += len(page.items)
        if len(page.items) < LIMIT_MAX:
            return list(found.values())


async def _all_trash(uow: UnitOfWork, user_id: str, since: datetime) -> list[Task]:
    found: dict[int, Task] = {}
    offset = 0
    while True:
        page = await uow.tasks.find_trash(user_id, since, LIMIT_MAX, offset)
        found.update((task.id, task) for task in page.items)
        offset += len(page.items)
        if len(page.items) < LIMIT_MAX:
            # Oldest deletion first, so an import refills the trash in the order it filled.
            return sorted(found.values(), key=lambda t: (t.deleted_at or t.updated_at, t.id))


async def _all_conversations(uow: UnitOfWork, user_id: str) -> list[ConversationRecord]:
    conversations: dict[UUID, Conversation] = {}
    offset = 0
    while True:
        page = await uow.conversations.find(user_id, LIMIT_MAX, offset)
        conversations.update((c.id, c) for c in page.items)
        offset += len(page.items)
        if len(page.items) < LIMIT_MAX:
            break
    records = []
    for conversation in sorted(conversations.values(), key=lambda c: (c.created_at, str(c.id))):
        messages: list[Message] = []
        while True:
            page_of = await uow.conversations.messages(user_id, conversation.id, 500, len(messages))
            messages.extend(page_of.items)
            if len(page_of.items) < 500:
                break
        records.append(
            ConversationRecord(
                id=conversation.id,
                title=conversation.title,
                created_at=conversation.created_at,
                updated_at=conversation.updated_at,
                messages=[message_record(m) for m in messages],
            )
        )
    return records


# ---------------------------------------------------------------------- checking


_PATH = re.compile(r"\s*-\s*at\s*`\$(?P<path>[^`]*)`\s*$")


def _envelope(body: bytes) -> _Envelope:
    try:
        envelope = msgspec.json.decode(body, type=_Envelope)
    except msgspec.ValidationError as exc:
        field, message = _where(str(exc))
        raise InvalidValue(field or "body", message) from None
    except msgspec.DecodeError:
        raise InvalidValue("body", "is not valid JSON") from None
    if envelope.format != FORMAT:
        raise InvalidValue("format", f"must be {FORMAT!r} (an export of this app), or send a Todoist CSV as text/csv")
    if envelope.version != VERSION:
        raise InvalidValue("version", f"version {envelope.version} is not known here (this app reads {VERSION})")
    if len(envelope.tasks) + len(envelope.trash) > TASKS_MAX:
        raise InvalidValue("tasks", f"an import holds at most {TASKS_MAX} tasks (trash included)")
    if len(envelope.conversations) > CONVERSATIONS_MAX:
        raise InvalidValue("conversations", f"an import holds at most {CONVERSATIONS_MAX} conversations")
    return envelope


def _where(message: str) -> tuple[str, str]:
    """``Expected `str`, got `int` - at `$.title``` -> (``title``, ``Expected `str`, got `int```)."""
    match = _PATH.search(message)
    if match is None:
        return "", message
    path = match.group("path").lstrip(".")
    return path, _PATH.sub("", message).strip() or "is invalid"


def _decode_row(raw: msgspec.Raw, kind: type[Any], section: str, row: int, problems: list[RowProblem]) -> Any:
    try:
        return msgspec.json.decode(raw, type=kind)
    except msgspec.ValidationError as exc:
        field, message = _where(str(exc))
        problems.append(RowProblem(row, f"{section}.{field}" if field else section, message))
        return None


def _tasks_of(
    rows: list[msgspec.Raw], section: str, user_id: str, now: datetime, problems: list[RowProblem], *, trashed: bool
) -> list[tuple[int | None, Task]]:
    tasks: list[tuple[int | None, Task]] = []
    for row, raw in enumerate(rows, start=1):
        record = _decode_row(raw, TaskRecord, section, row, problems)
        if record is None:
            continue
        try:
            task = _task_from_record(record, user_id, now)
        except InvalidValue as exc:
            problems.append(RowProblem(row, f"{section}.{exc.field}", exc.message))
            continue
        if trashed and task.deleted_at is None:
            task.deleted_at = task.updated_at
        if not trashed and task.deleted_at is not None:
            problems.append(RowProblem(row, f"{section}.deleted_at", "a deleted task belongs in trash"))
            continue
        tasks.append((record.id, task))
    return tasks


def _task_from_record(record: TaskRecord, user_id: str, now: datetime) -> Task:
    created = record.created_at or now
    task = Task.create(
        user_id=user_id,
        id=0,
        title=record.title,
        now=created,
        description=record.description,
        priority=record.priority,
        due_date=record.due_date,
        recurrence=Recurrence.parse(record.recurrence) if record.recurrence is not None else None,
        labels=record.labels,
        today=record.due_date or created.date(),
    )
    task.completed = record.completed
    task.updated_at = max(record.updated_at or created, created)
    task.last_completed_at = record.last_completed_at
    task.deleted_at = record.deleted_at
    return task


def _conversations_of(rows: list[msgspec.Raw], problems: list[RowProblem]) -> list[ConversationRecord]:
    records: list[ConversationRecord] = []
    messages = 0
    for row, raw in enumerate(rows, start=1):
        record = _decode_row(raw, ConversationRecord, "conversations", row, problems)
        if record is None:
            continue
        messages += len(record.messages)
        if record.title.strip():
            try:
                clean_title(record.title)
            except InvalidValue as exc:
                problems.append(RowProblem(row, "conversations.title", exc.message))
        for item in record.messages:
            if item.role == "user":
                try:
                    clean_message(item.content)
                except InvalidValue as exc:
                    problems.append(RowProblem(row, f"conversations.messages.{exc.field}", exc.message))
            elif len(item.content) > MESSAGE_MAX * 4:
                problems.append(RowProblem(row, "conversations.messages.content", "assistant reply is too long"))
            elif (reason := unstorable_reason(item.content)) is not None:
                problems.append(RowProblem(row, "conversations.messages.content", reason))
            for call in item.tool_calls:
                reason = _unstorable_in([call.tool, call.arguments, call.result])
                if reason is not None:
                    problems.append(RowProblem(row, "conversations.messages.tool_calls", reason))
        records.append(record)
    if messages > MESSAGES_MAX:
        limit = f"an import holds at most {MESSAGES_MAX} messages"
        problems.append(RowProblem(len(rows), "conversations.messages", limit))
    return records


Checked = tuple[list[tuple[int | None, Task]], list[tuple[int | None, Task]], list[ConversationRecord]]


def _checked_document(body: bytes, user_id: str, now: datetime) -> Checked:
    """The document's tasks, trash and conversations, every row checked; ``RowsRejected`` otherwise."""
    envelope = _envelope(body)
    problems: list[RowProblem] = []
    tasks = _tasks_of(envelope.tasks, "tasks", user_id, now, problems, trashed=False)
    trash = _tasks_of(envelope.trash, "trash", user_id, now, problems, trashed=True)
    conversations = _conversations_of(envelope.conversations, problems)
    _reject_if(problems)
    return tasks, trash, conversations


def _checked_csv(text: str, user_id: str, now: datetime, today: date) -> list[Task]:
    drafts = read_todoist_csv(text, today)
    if len(drafts) > TASKS_MAX:
        raise RowsRejected([RowProblem(drafts[TASKS_MAX].row, "row", f"an import holds at most {TASKS_MAX} tasks")])
    return [_from_draft(draft, user_id, now, today) for draft in drafts]


def _unstorable_in(value: Any) -> str | None:
    """Why some string in ``value`` (keys included) cannot be stored as database text, or None."""
    if isinstance(value, str):
        return unstorable_reason(value)
    if isinstance(value, dict):
        items: list[Any] = [*value.keys(), *value.values()]
    elif isinstance(value, list):
        items = value
    else:
        return None
    for item in items:
        reason = _unstorable_in(item)
        if reason is not None:
            return reason
    return None


def _reject_if(problems: list[RowProblem]) -> None:
    if problems:
        raise RowsRejected(problems[:PROBLEMS_SHOWN])


def _from_draft(draft: TaskDraft, user_id: str, now: datetime, today: date) -> Task:
    return Task.create(
        user_id=user_id,
        id=0,
        title=draft.title,
        now=now,
        description=draft.description,
        priority=draft.priority,
        due_date=draft.due_date,
        recurrence=draft.recurrence,
        labels=draft.labels,
        today=today,
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        raise InvalidValue("timezone", "must be an IANA time zone such as Europe/Berlin") from None


def _renumbered(value: dict[str, Any], numbers: dict[int, int]) -> dict[str, Any]:
    """A stored tool call's arguments or result with the export's task numbers replaced by the
    imported tasks' numbers (``task_id``, ``task_ids``, and ``id`` of the items of ``tasks``).

    A number of a task the export does not hold (purged, or never exported) becomes null: in the
    importing account it could name an unrelated task, which an "undo" would then change."""

    def walk(item: Any, key: str | None = None, in_tasks: bool = False) -> Any:
        if isinstance(item, dict):
            return {k: walk(v, k, in_tasks) for k, v in item.items()}
        if isinstance(item, list):
            return [walk(v, key, key == "tasks") for v in item]
        is_number = isinstance(item, int) and not isinstance(item, bool)
        if is_number and (key in {"task_id", "task_ids"} or (in_tasks and key == "id")):
            return numbers.get(item)
        return item

    result = walk(value)
    assert isinstance(result, dict)
    return result
