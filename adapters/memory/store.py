"""In-memory store with real transactions: fast fakes for tests and the memory contract run.

Transactions are serialised by a lock and work on a copy of the state that replaces
the shared state only on commit, so a failed use case leaves no trace.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from types import TracebackType
from typing import Self
from uuid import UUID

from adapters.memory.calendar_keys import MemoryCalendarKeyRepository
from adapters.memory.imports import MemoryImportRepository
from application.errors import Conflict
from application.queries import Page, TaskQuery
from domain.account import Account
from domain.calendar_key import CalendarKey
from domain.conversation import Conversation, Message
from domain.task import Task
from domain.values import TaskStatus, count_labels


@dataclass
class MemoryState:
    tasks: dict[str, dict[int, Task]] = field(default_factory=dict)
    task_counters: dict[str, int] = field(default_factory=dict)
    conversations: dict[UUID, Conversation] = field(default_factory=dict)
    messages: dict[UUID, list[Message]] = field(default_factory=dict)
    accounts: dict[str, Account] = field(default_factory=dict)
    calendar_keys: dict[str, CalendarKey] = field(default_factory=dict)


class MemoryStore:
    """The shared state all units of work commit to."""

    def __init__(self) -> None:
        self.state = MemoryState()
        self.lock = asyncio.Lock()
        self.commits = 0

    def unit_of_work(self, *, read_only: bool = False, autocommit: bool = False) -> MemoryUnitOfWork:
        # autocommit: the memory store applies a unit of work's changes at commit() either way.
        return MemoryUnitOfWork(self, read_only=read_only)


def _priority_rank(task: Task) -> int:
    return task.priority.rank


_SORT_KEYS = {
    "id": lambda t: t.id,
    "due_date": lambda t: (t.due_date is None, t.due_date or 0, t.id),
    "priority": lambda t: (_priority_rank(t), t.id),
    "created_at": lambda t: (t.created_at, t.id),
    "updated_at": lambda t: (t.updated_at, t.id),
    "title": lambda t: (t.title.lower(), t.id),
}


def matches(task: Task, query: TaskQuery) -> bool:
    if task.in_trash:
        return False
    if query.label is not None and not task.has_label(query.label):
        return False
    if query.status is TaskStatus.PENDING and task.completed:
        return False
    if query.status is TaskStatus.COMPLETED and not task.completed:
        return False
    if query.priority is not None and task.priority is not query.priority:
        return False
    if query.ids is not None and task.id not in query.ids:
        return False
    due = task.due_date
    if query.has_due_date is not None and (due is not None) != query.has_due_date:
        return False
    if query.due_before is not None and (due is None or due >= query.due_before):
        return False
    if query.due_after is not None and (due is None or due <= query.due_after):
        return False
    if query.due_on is not None and due != query.due_on:
        return False
    if query.q:
        title = task.title.lower()
        return all(word in title for word in query.q.lower().split())
    return True


class MemoryTaskRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def next_id(self, user_id: str) -> int:
        number = self._state.task_counters.get(user_id, 0) + 1
        self._state.task_counters[user_id] = number
        return number

    async def add(self, task: Task) -> None:
        self._state.tasks.setdefault(task.user_id, {})[task.id] = copy.copy(task)

    async def add_numbered(self, task: Task) -> int:
        number = await self.next_id(task.user_id)
        numbered = copy.copy(task)
        numbered.id = number
        await self.add(numbered)
        return number

    async def get(self, user_id: str, task_id: int, *, for_update: bool = False) -> Task | None:
        # Units of work take turns (the store's lock): everything read is as good as locked.
        task = self._state.tasks.get(user_id, {}).get(task_id)
        return copy.copy(task) if task and not task.in_trash else None

    def _matching(self, user_id: str, query: TaskQuery) -> list[Task]:
        found = [t for t in self._state.tasks.get(user_id, {}).values() if matches(t, query)]
        key = query.sort.lstrip("-")
        found.sort(key=_SORT_KEYS[key], reverse=query.sort.startswith("-"))
        return found

    async def find(self, user_id: str, query: TaskQuery) -> Page[Task]:
        found = self._matching(user_id, query)
        window = found[query.offset : query.offset + query.limit]
        return Page([copy.copy(t) for t in window], len(found), query.limit, query.offset)

    async def find_for_update(self, user_id: str, query: TaskQuery) -> list[Task]:
        return [copy.copy(t) for t in self._matching(user_id, query)]

    async def save(self, task: Task) -> None:
        tasks = self._state.tasks.get(task.user_id, {})
        if task.id in tasks:
            tasks[task.id] = copy.copy(task)

    async def trash(self, user_id: str, task_id: int, now: datetime) -> Task | None:
        task = self._state.tasks.get(user_id, {}).get(task_id)
        if task is None or task.in_trash:
            return None
        task.trash(now)
        return copy.copy(task)

    def _trashed(self, user_id: str, since: datetime) -> list[Task]:
        found = [t for t in self._state.tasks.get(user_id, {}).values() if t.deleted_at and t.deleted_at >= since]
        found.sort(key=lambda t: (t.deleted_at, t.id), reverse=True)
        return found

    async def restore(self, user_id: str, task_id: int, since: datetime) -> Task | None:
        task = self._state.tasks.get(user_id, {}).get(task_id)
        if task is None or task.deleted_at is None or task.deleted_at < since:
            return None
        task.restore()
        return copy.copy(task)

    async def find_trash(self, user_id: str, since: datetime, limit: int, offset: int) -> Page[Task]:
        found = self._trashed(user_id, since)
        return Page([copy.copy(t) for t in found[offset : offset + limit]], len(found), limit, offset)

    async def purge_trash(self, user_id: str, before: datetime) -> int:
        mine = self._state.tasks.get(user_id, {})
        doomed = [t.id for t in mine.values() if t.deleted_at is not None and t.deleted_at < before]
        for task_id in doomed:
            del mine[task_id]
        return len(doomed)

    async def delete(self, user_id: str, task_id: int) -> Task | None:
        mine = self._state.tasks.get(user_id, {})
        task = mine.get(task_id)
        return mine.pop(task_id) if task is not None and task.in_trash else None

    async def label_counts(self, user_id: str) -> list[tuple[str, int]]:
        mine = sorted(self._state.tasks.get(user_id, {}).values(), key=lambda t: t.id)
        return count_labels(t.labels for t in mine if not t.in_trash)


class MemoryConversationRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    def _owned(self, user_id: str, conversation_id: UUID) -> Conversation | None:
        conversation = self._state.conversations.get(conversation_id)
        return conversation if conversation and conversation.user_id == user_id else None

    async def add(self, conversation: Conversation) -> None:
        self._state.conversations[conversation.id] = replace(conversation)
        self._state.messages[conversation.id] = []

    async def get(self, user_id: str, conversation_id: UUID) -> Conversation | None:
        found = self._owned(user_id, conversation_id)
        return replace(found) if found else None

    async def find(self, user_id: str, limit: int, offset: int) -> Page[Conversation]:
        mine = [c for c in self._state.conversations.values() if c.user_id == user_id]
        mine.sort(key=lambda c: (c.updated_at, c.created_at), reverse=True)
        return Page([replace(c) for c in mine[offset : offset + limit]], len(mine), limit, offset)

    async def delete(self, user_id: str, conversation_id: UUID) -> bool:
        if not self._owned(user_id, conversation_id):
            return False
        del self._state.conversations[conversation_id]
        del self._state.messages[conversation_id]
        return True

    async def add_message(self, message: Message) -> None:
        conversation = self._owned(message.user_id, message.conversation_id)
        if conversation is None:
            raise LookupError(f"conversation {message.conversation_id} does not belong to the user")
        conversation.touch(message.created_at)
        # Stamped with the conversation's latest activity, as the SQL store does: message
        # times never go backwards along the conversation's order.
        self._state.messages[message.conversation_id].append(replace(message, created_at=conversation.updated_at))

    async def messages(self, user_id: str, conversation_id: UUID, limit: int, offset: int) -> Page[Message]:
        if not self._owned(user_id, conversation_id):
            return Page([], 0, limit, offset)
        stored = self._state.messages[conversation_id]
        return Page(stored[offset : offset + limit], len(stored), limit, offset)

    async def recent_messages(self, user_id: str, conversation_id: UUID, limit: int) -> list[Message]:
        if not self._owned(user_id, conversation_id):
            return []
        return self._state.messages[conversation_id][-limit:]


class MemoryAccountRepository:
    def __init__(self, state: MemoryState) -> None:
        self._state = state

    async def add(self, account: Account) -> None:
        if account.email in self._state.accounts:  # the unique email index of the SQL store
            raise Conflict("email", "An account with this email already exists")
        self._state.accounts[account.email] = account

    async def by_email(self, email: str) -> Account | None:
        return self._state.accounts.get(email)


class MemoryUnitOfWork:
    def __init__(self, store: MemoryStore, *, read_only: bool = False) -> None:
        self._store = store
        self._read_only = read_only
        self._committed = False

    async def __aenter__(self) -> Self:
        await self._store.lock.acquire()
        self._working = copy.deepcopy(self._store.state)
        self.tasks = MemoryTaskRepository(self._working)
        self.conversations = MemoryConversationRepository(self._working)
        self.accounts = MemoryAccountRepository(self._working)
        self.calendar_keys = MemoryCalendarKeyRepository(self._working.calendar_keys)
        self.imports = MemoryImportRepository(self._working)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Uncommitted work is simply dropped with the working copy.
        self._store.lock.release()

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("commit() in a read-only unit of work")
        self._store.state = self._working
        self._store.commits += 1
        # Later writes in this block start from a fresh copy, as after a real commit.
        self._working = copy.deepcopy(self._working)
        self._rebind()

    async def rollback(self) -> None:
        self._working = copy.deepcopy(self._store.state)
        self._rebind()

    def _rebind(self) -> None:
        self.tasks = MemoryTaskRepository(self._working)
        self.conversations = MemoryConversationRepository(self._working)
        self.accounts = MemoryAccountRepository(self._working)
        self.calendar_keys = MemoryCalendarKeyRepository(self._working.calendar_keys)
        self.imports = MemoryImportRepository(self._working)
