"""Task use cases. Each opens its own unit of work and commits only on success."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from msgspec import UNSET, UnsetType

from application.changes import ChangeKind, NoTaskChanges, TaskChange, TaskChangeNotifier
from application.ports import Clock, TaskRepository, UnitOfWorkFactory
from application.queries import Page, TaskQuery
from domain.errors import InvalidValue, NotFound
from domain.task import Task
from domain.values import Priority, check_user_id


@dataclass(frozen=True, slots=True)
class NewTask:
    title: str
    description: str | None = None
    priority: Priority | str | None = None
    due_date: date | None = None


@dataclass(frozen=True, slots=True)
class TaskChanges:
    """A partial update: ``UNSET`` leaves a field alone, ``None`` clears it where allowed."""

    title: str | UnsetType = UNSET
    description: str | UnsetType | None = UNSET
    priority: Priority | str | UnsetType = UNSET
    due_date: date | UnsetType | None = UNSET
    completed: bool | UnsetType = UNSET

    def is_empty(self) -> bool:
        return all(
            value is UNSET
            for value in (self.title, self.description, self.priority, self.due_date, self.completed)
        )


@dataclass(frozen=True, slots=True)
class BulkItem:
    task_id: int
    ok: bool
    title: str | None = None
    error: str | None = None


BulkAction = Literal["complete", "reopen", "delete"]
# Called after each item of a bulk change with (done, total); awaited, so it may send.
BulkProgress = Callable[[int, int], Awaitable[None]]


class TaskUseCases:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, changes: TaskChangeNotifier | None = None) -> None:
        self._uow = uow
        self._clock = clock
        self._changes = changes or NoTaskChanges()

    def _changed(self, user_id: str, kind: ChangeKind, *task_ids: int) -> None:
        # After the commit only: subscribers must never hear of a rolled-back change.
        if task_ids:
            self._changes.publish(TaskChange(user_id, kind, task_ids))

    async def add(self, user_id: str, new: NewTask) -> Task:
        check_user_id(user_id)
        async with self._uow() as uow:
            # Validate before allocating a number so a bad title never burns an id.
            task = Task.create(
                user_id=user_id,
                id=0,
                title=new.title,
                description=new.description,
                priority=new.priority or Priority.MEDIUM,
                due_date=new.due_date,
                now=self._clock.now(),
            )
            task.id = await uow.tasks.next_id(user_id)
            await uow.tasks.add(task)
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

    async def update(self, user_id: str, task_id: int, changes: TaskChanges) -> Task:
        async with self._uow() as uow:
            task = await _load(uow.tasks, user_id, task_id, for_update=True)
            apply_changes(task, changes, self._clock)
            await uow.tasks.save(task)
            await uow.commit()
        self._changed(user_id, "updated", task.id)
        return task

    async def complete(self, user_id: str, task_id: int) -> Task:
        return await self.update(user_id, task_id, TaskChanges(completed=True))

    async def reopen(self, user_id: str, task_id: int) -> Task:
        return await self.update(user_id, task_id, TaskChanges(completed=False))

    async def toggle(self, user_id: str, task_id: int) -> Task:
        async with self._uow() as uow:
            task = await _load(uow.tasks, user_id, task_id, for_update=True)
            task.toggle(self._clock.now())
            await uow.tasks.save(task)
            await uow.commit()
        self._changed(user_id, "updated", task.id)
        return task

    async def delete(self, user_id: str, task_id: int) -> Task:
        async with self._uow() as uow:
            # One statement: of concurrent deletes of a task, only one gets it back.
            task = await uow.tasks.delete(user_id, task_id)
            if task is None:
                raise NotFound("task", task_id)
            await uow.commit()
        self._changed(user_id, "deleted", task.id)
        return task

    async def bulk(
        self,
        user_id: str,
        action: BulkAction,
        *,
        ids: list[int] | None = None,
        query: TaskQuery | None = None,
        progress: BulkProgress | None = None,
    ) -> list[BulkItem]:
        """Apply ``action`` to the given ids or to every task matching ``query``, in one transaction.

        Missing ids are reported per item and do not stop the others. ``progress`` hears
        each item as it is done (inside the transaction: nothing is committed until the end).
        """
        if (ids is None) == (query is None):
            raise InvalidValue("ids", "give either ids or a filter")
        now = self._clock.now()
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
                if action == "delete":
                    await uow.tasks.delete(user_id, task_id)
                else:
                    (task.complete if action == "complete" else task.reopen)(now)
                    await uow.tasks.save(task)
                results.append(BulkItem(task_id, ok=True, title=task.title))
                if progress is not None:
                    await progress(len(results), len(wanted))
            await uow.commit()
        changed = tuple(item.task_id for item in results if item.ok)
        self._changed(user_id, "deleted" if action == "delete" else "updated", *changed)
        return results


def apply_changes(task: Task, changes: TaskChanges, clock: Clock) -> None:
    if changes.is_empty():
        raise InvalidValue("changes", "nothing to update")
    now = clock.now()
    if not isinstance(changes.title, UnsetType):
        task.rename(changes.title, now)
    if not isinstance(changes.description, UnsetType):
        task.describe(changes.description, now)
    if not isinstance(changes.priority, UnsetType):
        task.reprioritise(changes.priority, now)
    if not isinstance(changes.due_date, UnsetType):
        task.reschedule(changes.due_date, now)
    if not isinstance(changes.completed, UnsetType):
        (task.complete if changes.completed else task.reopen)(now)


async def _load(tasks: TaskRepository, user_id: str, task_id: int, *, for_update: bool = False) -> Task:
    task = await tasks.get(user_id, task_id, for_update=for_update)
    if task is None:
        raise NotFound("task", task_id)
    return task

