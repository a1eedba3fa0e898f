"""Task use cases. Each opens its own unit of work and commits only on success."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Literal

from msgspec import UNSET, UnsetType

from application.changes import ChangeKind, NoTaskChanges, TaskChange, TaskChangeNotifier
from application.ports import Clock, TaskRepository, UnitOfWorkFactory
from application.queries import Page, TaskQuery, check_paging
from domain.errors import InvalidValue, NotFound
from domain.recurrence import Recurrence
from domain.task import TRASH_DAYS, Task
from domain.values import Priority, check_timezone, check_user_id


@dataclass(frozen=True, slots=True)
class NewTask:
    title: str
    description: str | None = None
    priority: Priority | str | None = None
    due_date: date | None = None
    recurrence: str | None = None  # an RRULE (domain/recurrence.py)
    labels: tuple[str, ...] | list[str] = ()


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """A partial update: ``UNSET`` leaves a field alone, ``None`` clears it where allowed."""

    title: str | UnsetType = UNSET
    description: str | UnsetType | None = UNSET
    priority: Priority | str | UnsetType = UNSET
    due_date: date | UnsetType | None = UNSET
    completed: bool | UnsetType = UNSET
    recurrence: str | UnsetType | None = UNSET  # None: stop repeating
    labels: tuple[str, ...] | list[str] | UnsetType = UNSET  # replaces them all
    add_labels: tuple[str, ...] | list[str] = field(default=())
    remove_labels: tuple[str, ...] | list[str] = field(default=())

    def is_empty(self) -> bool:
        return not self.add_labels and not self.remove_labels and all(
            value is UNSET
            for value in (
                self.title, self.description, self.priority, self.due_date, self.completed, self.recurrence,
                self.labels,
            )
        )


@dataclass(frozen=True, slots=True)
class LabelCount:
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class BulkItem:
    task_id: int
    ok: bool
    title: str | None = None
    error: str | None = None
    before: Task | None = None  # the task as it was, and as it is now, when it changed
    after: Task | None = None


@dataclass(frozen=True, slots=True)
class Revert:
    """One step of an undo: trash a task, restore one, or change fields back."""

    action: Literal["trash", "restore", "change"]
    task_id: int
    changes: TaskChanges = TaskChanges()


BulkAction = Literal["complete", "reopen", "delete"]
# Called after each item of a bulk change with (done, total); awaited, so it may send.
BulkProgress = Callable[[int, int], Awaitable[None]]


class TaskUseCases:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, changes: TaskChangeNotifier | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._changes = changes or NoTaskChanges()

    def today_in(self, timezone: str | None) -> date | None:
        """The date now in an IANA time zone (a user's "today"); ``None`` for none given (UTC)."""
        if timezone is None:
            return None
        return self._clock.now().astimezone(check_timezone(timezone)).date()

    def _changed(self, user_id: str, kind: ChangeKind, *task_ids: int) -> None:
        # After the commit only: subscribers must never hear of a rolled-back change.
        if task_ids:
            self._changes.publish(TaskChange(user_id, kind, task_ids))

    async def add(self, user_id: str, new: NewTask, *, today: date | None = None) -> Task:
        """``today`` is the user's local date (a repeating task with no due date starts from it)."""
        check_user_id(user_id)
        # Validate before allocating a number so a bad title never burns an id.
        now = self._clock.now()
        task = Task.create(
            user_id=user_id,
            id=0,
            title=new.title,
            description=new.description,
            priority=new.priority or Priority.MEDIUM,
            due_date=new.due_date,
            recurrence=Recurrence.parse(new.recurrence) if new.recurrence is not None else None,
            labels=new.labels,
            now=now,
            today=today or now.date(),
        )
        # Numbered and stored in one statement where the store can: it commits as it runs.
        async with self._uow(autocommit=True) as uow:
            task.id = await uow.tasks.add_numbered(task)
            await uow.commit()
        self._changed(user_id, "created", task.id)
        return task

    async def get(self, user_id: str, task_id: int) -> Task:
        async with self._uow(read_only=True) as uow:
            return await _load(uow.tasks, user_id, task_id)

    async def find(self, user_id: str, query: TaskQuery) -> Page[Task]:
        async with self._uow(read_only=True) as uow:
            return await uow.tasks.find(user_id, query)

    # Every change reads the task locked (for_update) and writes it in the same unit of work:
    # concurrent changes to one task take turns, so none is lost (issue 15, item 2).

    async def update(self, user_id: str, task_id: int, changes: TaskChanges, *, today: date | None = None) -> Task:
        """A repeating task completed here moves to its next occurrence (see ``Task.complete``):
        the returned task is then still pending, with its new due date."""
        return (await self.change(user_id, task_id, changes, today=today))[1]

    async def change(
        self, user_id: str, task_id: int, changes: TaskChanges, *, today: date | None = None
    ) -> tuple[Task, Task]:
        """``update`` that also returns the task as it was before (what an undo puts back)."""
        async with self._uow() as uow:
            task = await _load(uow.tasks, user_id, task_id, for_update=True)
            before = replace(task)
            apply_changes(task, changes, self._clock, today=today)
            await uow.tasks.save(task)
            await uow.commit()
        self._changed(user_id, "updated", task.id)
        return before, task

    async def revert(self, user_id: str, steps: list[Revert]) -> list[BulkItem]:
        """Put back what earlier changes did, all in one transaction (an undo is whole or nothing
        per task: a step whose task is gone is reported and the others still apply)."""
        now = self._clock.now()
        results: list[BulkItem] = []
        async with self._uow() as uow:
            for step in steps:
                task: Task | None
                if step.action == "trash":
                    task = await uow.tasks.trash(user_id, step.task_id, now)
                elif step.action == "restore":
                    task = await uow.tasks.restore(user_id, step.task_id, self._trash_cutoff(now))
                else:
                    task = await uow.tasks.get(user_id, step.task_id, for_update=True)
                    if task is not None:
                        apply_changes(task, step.changes, self._clock)
                        await uow.tasks.save(task)
                if task is None:
                    results.append(BulkItem(step.task_id, ok=False, error=f"Task {step.task_id} is gone"))
                else:
                    results.append(BulkItem(step.task_id, ok=True, title=task.title))
            await uow.commit()
        for item in results:
            if item.ok:
                self._changed(user_id, "updated", item.task_id)
        return results

    async def complete(self, user_id: str, task_id: int, *, today: date | None = None) -> Task:
        return await self.update(user_id, task_id, TaskChanges(completed=True), today=today)

    async def reopen(self, user_id: str, task_id: int) -> Task:
        return await self.update(user_id, task_id, TaskChanges(completed=False))

    async def toggle(self, user_id: str, task_id: int, *, today: date | None = None) -> Task:
        async with self._uow() as uow:
            task = await _load(uow.tasks, user_id, task_id, for_update=True)
            task.toggle(self._clock.now(), today)
            await uow.tasks.save(task)
            await uow.commit()
        self._changed(user_id, "updated", task.id)
        return task

    def _trash_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=TRASH_DAYS)

    async def delete(self, user_id: str, task_id: int) -> Task:
        """Move the task to the trash, where it can be restored for ``TRASH_DAYS`` days."""
        now = self._clock.now()
        async with self._uow() as uow:
            # One statement: of concurrent deletes of a task, only one gets it back.
            task = await uow.tasks.trash(user_id, task_id, now)
            if task is None:
                raise NotFound("task", task_id)
            await uow.tasks.purge_trash(user_id, self._trash_cutoff(now))
            await uow.commit()
        self._changed(user_id, "deleted", task.id)
        return task

    async def restore(self, user_id: str, task_id: int) -> Task:
        """Take a task out of the trash, with its number and everything it had."""
        now = self._clock.now()
        async with self._uow() as uow:
            task = await uow.tasks.restore(user_id, task_id, self._trash_cutoff(now))
            if task is None:
                raise NotFound("task in the trash", task_id)
            await uow.commit()
        self._changed(user_id, "created", task.id)
        return task

    async def trash(self, user_id: str, limit: int, offset: int) -> Page[Task]:
        """What the trash holds, the most recently deleted first (older than 30 days: gone)."""
        check_paging(limit, offset)
        cutoff = self._trash_cutoff(self._clock.now())
        async with self._uow(read_only=True) as uow:
            return await uow.tasks.find_trash(user_id, cutoff, limit, offset)

    async def purge(self, user_id: str, task_id: int) -> Task:
        """Delete a task in the trash for good."""
        async with self._uow() as uow:
            task = await uow.tasks.delete(user_id, task_id)
            if task is None:
                raise NotFound("task in the trash", task_id)
            await uow.commit()
        return task

    async def labels(self, user_id: str) -> list[LabelCount]:
        async with self._uow(read_only=True) as uow:
            return [LabelCount(name, count) for name, count in await uow.tasks.label_counts(user_id)]

    async def bulk(
        self,
        user_id: str,
        action: BulkAction,
        *,
        ids: list[int] | None = None,
        query: TaskQuery | None = None,
        progress: BulkProgress | None = None,
        today: date | None = None,
    ) -> list[BulkItem]:
        """Apply ``action`` to the given ids or to every task matching ``query``, in one transaction.

        Missing ids are reported per item and do not stop the others. ``progress`` hears
        each item as it is done (inside the transaction: nothing is committed until the end).
        """
        if (ids is None) == (query is None):
            raise InvalidValue("ids", "give either ids or a filter")
        now = self._clock.now()
        today = today or now.date()
        results: list[BulkItem] = []
        async with self._uow() as uow:
            # Locked as read, like a single change: nothing changed meanwhile is overwritten.
            if ids is not None:
                wanted = list(dict.fromkeys(ids))
                found = {t.id: t for t in await uow.tasks.find_for_update(user_id, TaskQuery(ids=tuple(wanted)))}
            else:
                assert query is not None
                matched = await uow.tasks.find_for_update(user_id, query)
                wanted = [t.id for t in matched]
                found = {t.id: t for t in matched}
            for task_id in wanted:
                task = found.get(task_id)
                if task is None:
                    results.append(BulkItem(task_id, ok=False, error=f"Task {task_id} not found"))
                    continue
                before = replace(task)
                if action == "delete":
                    await uow.tasks.trash(user_id, task_id, now)
                else:
                    if action == "complete":
                        task.complete(now, today)
                    else:
                        task.reopen(now)
                    await uow.tasks.save(task)
                results.append(BulkItem(task_id, ok=True, title=task.title, before=before, after=task))
                if progress is not None:
                    await progress(len(results), len(wanted))
            await uow.commit()
        changed = tuple(item.task_id for item in results if item.ok)
        self._changed(user_id, "deleted" if action == "delete" else "updated", *changed)
        return results


def apply_changes(task: Task, changes: TaskChanges, clock: Clock, *, today: date | None = None) -> None:
    if changes.is_empty():
        raise InvalidValue("changes", "nothing to update")
    now = clock.now()
    today = today or now.date()
    if not isinstance(changes.title, UnsetType):
        task.rename(changes.title, now)
    if not isinstance(changes.description, UnsetType):
        task.describe(changes.description, now)
    if not isinstance(changes.priority, UnsetType):
        task.reprioritise(changes.priority, now)
    if not isinstance(changes.due_date, UnsetType):
        task.reschedule(changes.due_date, now)
    if not isinstance(changes.labels, UnsetType):
        task.relabel(changes.labels, now)
    if changes.add_labels:
        task.add_labels(changes.add_labels, now)
    if changes.remove_labels:
        task.remove_labels(changes.remove_labels, now)
    if not isinstance(changes.recurrence, UnsetType):
        rule = Recurrence.parse(changes.recurrence) if changes.recurrence is not None else None
        task.repeat(rule, now, today=today)
    if not isinstance(changes.completed, UnsetType):
        if changes.completed:
            task.complete(now, today)
        else:
            task.reopen(now)


async def _load(tasks: TaskRepository, user_id: str, task_id: int, *, for_update: bool = False) -> Task:
    task = await tasks.get(user_id, task_id, for_update=for_update)
    if task is None:
        raise NotFound("task", task_id)
    return task

