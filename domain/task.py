"""The Task entity: a user's to-do with its invariants and behaviour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from domain.recurrence import Recurrence
from domain.values import Priority, clean_description, clean_labels, clean_title, label_key

TRASH_DAYS = 30  # a deleted task can be restored for this long, then it is purged


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
    recurrence: Recurrence | None = None
    labels: tuple[str, ...] = ()
    last_completed_at: datetime | None = None
    deleted_at: datetime | None = None  # in the trash since then

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
        recurrence: Recurrence | None = None,
        labels: tuple[str, ...] | list[str] = (),
        today: date | None = None,
    ) -> Task:
        task = cls(
            user_id=user_id,
            id=id,
            title=clean_title(title),
            description=clean_description(description),
            priority=Priority.parse(priority),
            due_date=due_date,
            labels=clean_labels(labels),
            created_at=now,
            updated_at=now,
        )
        task.repeat(recurrence, now, today=today or now.date())
        return task

    @property
    def repeats(self) -> bool:
        return self.recurrence is not None

    def complete(self, now: datetime, today: date | None = None) -> date | None:
        """Mark it done; a repeating task instead moves to its next occurrence and stays pending.

        Returns the new due date when it moved; ``None`` when the task is now completed
        (it does not repeat, or its rule has ended).
        """
        self.updated_at = now
        if self.recurrence is not None and not self.completed:
            self.last_completed_at = now
            moved = self.recurrence.next_due(self.due_date or today or now.date(), today or now.date())
            if moved is not None:
                self.due_date, self.recurrence = moved
                return self.due_date
        self.completed = True
        return None

    def reopen(self, now: datetime) -> None:
        self.completed = False
        self.updated_at = now

    def toggle(self, now: datetime, today: date | None = None) -> date | None:
        if self.completed:
            self.reopen(now)
            return None
        return self.complete(now, today)

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

    def repeat(self, recurrence: Recurrence | None, now: datetime, *, today: date | None = None) -> None:
        """Set or clear (``None``: stop repeating) the rule; a repeating task without a due date
        becomes due on the rule's first occurrence from ``today``."""
        self.recurrence = recurrence
        self.updated_at = now
        if recurrence is not None and self.due_date is None:
            self.due_date = recurrence.first_on_or_after(today or now.date())

    def relabel(self, labels: tuple[str, ...] | list[str], now: datetime) -> None:
        self.labels = clean_labels(labels)
        self.updated_at = now

    def add_labels(self, labels: tuple[str, ...] | list[str], now: datetime) -> None:
        self.relabel((*self.labels, *labels), now)

    def remove_labels(self, labels: tuple[str, ...] | list[str], now: datetime) -> None:
        gone = {label_key(label) for label in labels}
        self.relabel([label for label in self.labels if label_key(label) not in gone], now)

    def has_label(self, label: str) -> bool:
        return label_key(label) in {label_key(own) for own in self.labels}

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    # Trashing and restoring are not edits: updated_at keeps the time of the last change.
    def trash(self, now: datetime) -> None:
        self.deleted_at = now

    def restore(self) -> None:
        self.deleted_at = None

    def is_overdue(self, today: date) -> bool:
        return not self.completed and self.due_date is not None and self.due_date < today
