"""Rows <-> domain objects. The only place that knows both shapes."""

from __future__ import annotations

import json
from typing import Any

from domain.account import Account
from domain.conversation import Conversation, Message, ToolCall
from domain.recurrence import Recurrence
from domain.task import Task
from domain.values import Priority, Role, label_key


def task_row(task: Task) -> dict[str, Any]:
    return {
        "user_id": task.user_id,
        "id": task.id,
        "title": task.title,
        # Same lowering as the memory store's search and title sort (see tables.TitleKey).
        "title_key": task.title.lower(),
        "description": task.description,
        "completed": task.completed,
        "priority": task.priority.value,
        "due_date": task.due_date,
        "created_at": task.created_at,
        "updated_at": task.updated_at,
        "recurrence": task.recurrence.rule if task.recurrence else None,
        "labels": json.dumps(list(task.labels), ensure_ascii=False),
        "label_keys": label_keys(task.labels),
        "last_completed_at": task.last_completed_at,
        "deleted_at": task.deleted_at,
    }


def label_keys(labels: tuple[str, ...]) -> str:
    """``|shopping|work|``: one LIKE ``%|key|%`` finds a label (see tables.tasks)."""
    return "|" + "|".join(label_key(label) for label in labels) + "|" if labels else ""


def task(row: Any) -> Task:
    return Task(
        user_id=row.user_id,
        id=row.id,
        title=row.title,
        description=row.description,
        completed=bool(row.completed),
        priority=Priority(row.priority),
        due_date=row.due_date,
        created_at=row.created_at,
        updated_at=row.updated_at,
        # Stored rules were validated on the way in: no re-parse on every read.
        recurrence=Recurrence(row.recurrence) if row.recurrence else None,
        labels=tuple(json.loads(row.labels)) if row.labels and row.labels != "[]" else (),
        last_completed_at=row.last_completed_at,
        deleted_at=row.deleted_at,
    )


def conversation_row(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "user_id": conversation.user_id,
        "title": conversation.title[:255],
        "created_at": conversation.created_at,
        "updated_at": conversation.updated_at,
    }


def conversation(row: Any) -> Conversation:
    return Conversation(
        id=row.id, user_id=row.user_id, title=row.title, created_at=row.created_at, updated_at=row.updated_at
    )


def message_row(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "conversation_id": message.conversation_id,
        "user_id": message.user_id,
        "role": message.role.value,
        "content": message.content,
        "tool_calls": [call.as_dict() for call in message.tool_calls],
        "token_count": message.token_count,
        "created_at": message.created_at,
    }


def message(row: Any) -> Message:
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        user_id=row.user_id,
        role=Role(row.role),
        content=row.content,
        created_at=row.created_at,
        tool_calls=tuple(
            ToolCall(call["tool"], call.get("arguments") or {}, call.get("result") or {})
            for call in row.tool_calls or ()
        ),
        token_count=row.token_count,
    )


def account_row(account: Account) -> dict[str, Any]:
    return {
        "user_id": account.user_id,
        "email": account.email,
        "password_hash": account.password_hash,
        "name": account.name,
        "created_at": account.created_at,
    }


def account(row: Any) -> Account:
    return Account(
        user_id=row.user_id,
        email=row.email,
        password_hash=row.password_hash,
        name=row.name,
        created_at=row.created_at,
    )
