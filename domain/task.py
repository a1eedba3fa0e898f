"""The Task entity: a user's to-do with its invariants and behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.values import Priority, clean_description, clean_title


@dataclass(slots=True)
class Task:
    """A to-do. ``id`` is numbered per user from 1, so people can say "task 3"."""

    user_id: str
    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    description: str | None = None
    completed: bool = False
    priority: Priority = Priority.MEDIUM
    due_date: date | None = None

    @classmethod
    def create(
        cls,
        *,
        user_id: str,
        id: int,
        title: str,
        now: datetime,
        description: str | None = None,
        priority: Priority | str = Priority.MEDIUM,
        due_date: date | None = None,
    ) -> Task:
        return cls(
            user_id=user_id,
            id=id,
            title=clean_title(title),
            description=clean_description(description),
            priority=Priority.parse(priority),
            due_date=due_date,
            created_at=now,
            updated_at=now,
        )

    def complete(self, now: datetime) -> None:
        self.completed = True
        self.updated_at = now

    def reopen(self, now: datetime) -> None:
        self.completed = False
        self.updated_at = now

    def toggle(self, now: datetime) -> None:
        self.completed = not self.completed
        self.updated_at = now

    def rename(self, title: str, now: datetime) -> None:
        self.title = clean_title(title)
        self.updated_at = now

    def describe(self, description: str | None, now: datetime) -> None:
        self.description = clean_description(description)
        self.updated_at = now

    def reprioritise(self, priority: Priority | str, now: datetime) -> None:
        self.priority = Priority.parse(priority)
        self.updated_at = now

    def reschedule(self, due_date: date | None, now: datetime) -> None:
        self.due_date = due_date
        self.updated_at = now

    def is_overdue(self, today: date) -> bool:
        return not self.completed and self.due_date is not None and self.due_date < today
