"""Query and page shapes shared by ports and use cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from domain.errors import InvalidValue
from domain.values import Priority, TaskStatus

T = TypeVar("T")

LIMIT_MAX = 100
LIMIT_DEFAULT = 50
# The largest offset any edge accepts (REST and the tools): far past any real list, and small
# enough for every database's integer types.
OFFSET_MAX = 1_000_000_000
TASK_SORTS = ("id", "-id", "due_date", "-due_date", "priority", "-priority", "created_at",
              "-created_at", "updated_at", "-updated_at", "title", "-title")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass(frozen=True, slots=True)
class TaskQuery:
    """Filters for a user's tasks. ``due_before``/``due_after`` are exclusive bounds."""

    status: TaskStatus = TaskStatus.ALL
    priority: Priority | None = None
    due_before: date | None = None
    due_after: date | None = None
    due_on: date | None = None
    has_due_date: bool | None = None
    q: str | None = None
    label: str | None = None  # only tasks carrying this label (case-insensitive)
    ids: tuple[int, ...] | None = None
    sort: str = "id"
    limit: int = LIMIT_DEFAULT
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= LIMIT_MAX:
            raise InvalidValue("limit", f"must be between 1 and {LIMIT_MAX}")
        if self.offset < 0:
            raise InvalidValue("offset", "must not be negative")
        if self.sort not in TASK_SORTS:
            raise InvalidValue("sort", "must be one of " + ", ".join(TASK_SORTS))
        if self.q is not None and len(self.q) > 255:
            raise InvalidValue("q", "must be at most 255 characters")


def check_paging(limit: int, offset: int) -> None:
    if not 1 <= limit <= LIMIT_MAX:
        raise InvalidValue("limit", f"must be between 1 and {LIMIT_MAX}")
    if offset < 0:
        raise InvalidValue("offset", "must not be negative")
