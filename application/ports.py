"""Ports: what the application needs from the outside world, as Protocols.

Every repository method takes the owning ``user_id`` and never returns another
user's rows. Repositories never commit; the unit of work owns the transaction.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, Self
from uuid import UUID

from application.queries import Page, TaskQuery
from domain.account import Account
from domain.calendar_key import CalendarKey
from domain.conversation import Conversation, Message, ToolCall
from domain.task import Task

if TYPE_CHECKING:
    from application.tools import BoundTools


class TaskRepository(Protocol):
    async def next_id(self, user_id: str) -> int:
        """Allocate the user's next task number (1, 2, ...), safe under concurrency."""

    async def add(self, task: Task) -> None: ...

    async def add_numbered(self, task: Task) -> int:
        """Store ``task`` under the user's next task number (``next_id`` and ``add`` as one
        step: one statement where the store can); that number. ``task.id`` is not read."""

    async def get(self, user_id: str, task_id: int, *, for_update: bool = False) -> Task | None:
        """The task; ``for_update`` locks it against other writers until the unit of work
        ends, so a read-change-save in it never loses a concurrent change (or acts on a task
        another unit of work deleted meanwhile)."""

    async def find(self, user_id: str, query: TaskQuery) -> Page[Task]: ...

    async def find_for_update(self, user_id: str, query: TaskQuery) -> list[Task]:
        """Every task matching ``query``'s filters (its sort; no paging), each locked as by
        ``get(..., for_update=True)`` and matching when locked."""

    async def save(self, task: Task) -> None:
        """Persist changes made to a task obtained from this repository (lock it first)."""

    async def trash(self, user_id: str, task_id: int, now: datetime) -> Task | None:
        """Move the task to the trash (``deleted_at = now``) and return it; ``None`` when it is
        not there to trash (of concurrent deletes of one task, exactly one gets it).

        Every other read (get, find, find_for_update, label_counts) skips trashed tasks."""

    async def restore(self, user_id: str, task_id: int, since: datetime) -> Task | None:
        """Take the task out of the trash if it was trashed at or after ``since``; ``None`` when
        there is no such task in the trash (of concurrent restores, exactly one gets it)."""

    async def find_trash(self, user_id: str, since: datetime, limit: int, offset: int) -> Page[Task]:
        """Tasks trashed at or after ``since``, the most recently deleted first."""

    async def purge_trash(self, user_id: str, before: datetime) -> int:
        """Delete for good the tasks trashed before ``before``; how many went."""

    async def delete(self, user_id: str, task_id: int) -> Task | None:
        """Delete a trashed task for good and return it as it was; ``None`` when the trash
        holds no such task."""

    async def label_counts(self, user_id: str) -> list[tuple[str, int]]:
        """Each label on the user's tasks (outside the trash) with how many tasks carry it,
        labels compared case-insensitively, spelled as on the lowest-numbered task, by name."""


class ConversationRepository(Protocol):
    async def add(self, conversation: Conversation) -> None: ...

    async def get(self, user_id: str, conversation_id: UUID) -> Conversation | None: ...

    async def find(self, user_id: str, limit: int, offset: int) -> Page[Conversation]:
        """Newest activity first."""

    async def delete(self, user_id: str, conversation_id: UUID) -> bool:
        """Delete the conversation and, with it, its messages."""

    async def add_message(self, message: Message) -> None:
        """Append to the author's conversation and make it the conversation's latest activity
        (``updated_at`` becomes the message time unless already later). The message is stored
        with that latest activity as its time, so message times never go backwards along the
        conversation's order, even when replicas' clocks disagree.

        Raises ``LookupError`` when the conversation is not the author's (or does not exist).
        """

    async def messages(self, user_id: str, conversation_id: UUID, limit: int, offset: int) -> Page[Message]:
        """Oldest first."""

    async def recent_messages(self, user_id: str, conversation_id: UUID, limit: int) -> list[Message]:
        """The last ``limit`` messages, returned oldest first."""


class AccountRepository(Protocol):
    async def add(self, account: Account) -> None: ...

    async def by_email(self, email: str) -> Account | None: ...


class CalendarKeyRepository(Protocol):
    """The calendar feed's keys (digests only), one per user."""

    async def put(self, key: CalendarKey) -> None:
        """Store the user's key, replacing any earlier one at once (a rotation)."""

    async def get(self, user_id: str) -> CalendarKey | None: ...

    async def delete(self, user_id: str) -> bool:
        """Remove the user's key (the feed is off); False when there was none."""


class ImportRepository(Protocol):
    """Bulk writes of an import (export documents, Todoist CSV): a few statements for many rows."""

    async def add_tasks(self, user_id: str, new: list[Task]) -> None:
        """Number the tasks from the user's counter, in order (setting each ``id``, the numbers
        never used before), and store them."""

    async def add_conversation(self, conversation: Conversation, thread: list[Message]) -> None:
        """Store a new conversation with its messages as given: in order, their times already
        non-decreasing and none after the conversation's ``updated_at``."""


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without ``commit()`` rolls back."""

    tasks: TaskRepository
    conversations: ConversationRepository
    accounts: AccountRepository
    calendar_keys: CalendarKeyRepository
    imports: ImportRepository

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False, autocommit: bool = False) -> UnitOfWork:
        """A new unit of work. ``read_only`` promises that the block only reads, so a
        store may skip the write transaction (no write lock, fewer round trips);
        committing one is a programming error. ``autocommit`` promises that each of the
        block's statements stands alone (none needs another undone with it), so a store
        may commit each as it runs (PostgreSQL: no BEGIN and COMMIT round trips); call
        ``commit()`` at the end all the same."""
        ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC now."""


class IdGenerator(Protocol):
    def new_id(self) -> UUID: ...


@dataclass(frozen=True, slots=True)
class TokenUsage:
    input_tokens: int = 0
    output_tokens: int = 0


@dataclass(frozen=True, slots=True)
class TurnRequest:
    """Everything a model needs for one agent turn; ``history`` ends with the new user message."""

    system_prompt: str
    history: Sequence[Message]
    tools: BoundTools
    now: datetime
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class TurnResult:
    reply: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    usage: TokenUsage = field(default_factory=TokenUsage)


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ToolEvent:
    call: ToolCall


@dataclass(frozen=True, slots=True)
class TurnDone:
    result: TurnResult


TurnEvent = TextDelta | ToolEvent | TurnDone


class LanguageModel(Protocol):
    """Runs one agent turn with tools bound to one user."""

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        """Raise ``LanguageModelUnavailable`` once retries are exhausted."""

    def stream_turn(self, request: TurnRequest) -> AsyncIterator[TurnEvent]:
        """Yield deltas and tool events, ending with exactly one ``TurnDone``."""


class PasswordHasher(Protocol):
    """Deliberately slow work (argon2: tens of ms of CPU): implementations keep it off the event
    loop and bound how much runs at once, so sign-ins never stall everyone else's requests."""

    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str, password: str) -> bool: ...


class TokenIssuer(Protocol):
    def issue(self, user_id: str) -> tuple[str, datetime]:
        """A signed token for ``user_id`` and when it expires."""


JsonDict = dict[str, Any]
