"""Repositories over SQLAlchemy Core. They never commit: the unit of work does."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from uuid import UUID

from sqlalchemy import Integer, Select, bindparam, case, delete, func, insert, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from adapters.sql import mappers
from adapters.sql.errors import guarded
from adapters.sql.tables import accounts, conversations, messages, task_counters, tasks
from application.errors import Conflict
from application.queries import Page, TaskQuery
from domain.account import Account
from domain.conversation import Conversation, Message
from domain.task import Task
from domain.values import TaskStatus, count_labels, label_key

if TYPE_CHECKING:
    from adapters.sql.uow import UncancelledConnection


class _Repository:
    def __init__(self, connection: UncancelledConnection) -> None:
        self._connection = connection

    def _dialect(self) -> str:
        return self._connection.dialect.name

    async def _execute(self, statement: Any) -> Any:
        return await guarded(self._connection.execute(statement))

    async def _execute_with(self, statement: Any, parameters: dict[str, Any]) -> Any:
        """A statement built once (bound parameters), run with this call's values."""
        return await guarded(self._connection.execute(statement, parameters))


_PRIORITY_RANK = case({"high": 0, "medium": 1, "low": 2}, value=tasks.c.priority)
# The memory store's sort keys, column for column (adapters/memory/store.py _SORT_KEYS);
# the contract suite checks that both orders agree.
_TASK_ORDER: dict[str, list[ColumnElement[Any]]] = {
    "id": [tasks.c.id],
    "due_date": [tasks.c.due_date.is_(None), tasks.c.due_date, tasks.c.id],
    "priority": [_PRIORITY_RANK, tasks.c.id],
    "created_at": [tasks.c.created_at, tasks.c.id],
    "updated_at": [tasks.c.updated_at, tasks.c.id],
    "title": [tasks.c.title_key, tasks.c.id],
}
# Everything the mapper needs; title_key and label_keys exist only to search, filter and sort.
_TASK_COLUMNS = [column for column in tasks.c if column.name not in ("title_key", "label_keys")]
_LIVE = tasks.c.deleted_at.is_(None)  # outside the trash


def _task_filters(user_id: str, query: TaskQuery) -> list[ColumnElement[bool]]:
    """The memory store's ``matches`` as SQL, filter for filter."""
    where: list[ColumnElement[bool]] = [tasks.c.user_id == user_id, _LIVE]
    if query.label is not None:
        where.append(tasks.c.label_keys.contains(f"|{label_key(query.label)}|", autoescape=True))
    if query.status is TaskStatus.PENDING:
        where.append(tasks.c.completed.is_(False))
    elif query.status is TaskStatus.COMPLETED:
        where.append(tasks.c.completed.is_(True))
    if query.priority is not None:
        where.append(tasks.c.priority == query.priority.value)
    if query.ids is not None:
        where.append(tasks.c.id.in_(query.ids))
    if query.has_due_date is not None:
        where.append(tasks.c.due_date.is_not(None) if query.has_due_date else tasks.c.due_date.is_(None))
    if query.due_before is not None:
        where.append(tasks.c.due_date < query.due_before)
    if query.due_after is not None:
        where.append(tasks.c.due_date > query.due_after)
    if query.due_on is not None:
        where.append(tasks.c.due_date == query.due_on)
    if query.q:
        where.extend(tasks.c.title_key.contains(word, autoescape=True) for word in query.q.lower().split())
    return where


def _page_with_total(
    table: Any, columns: list[Any], where: Any, order: list[Any], limit: int, offset: int
) -> Select[Any]:
    """A page of rows and how many match, in one statement (one snapshot).

    Reads run outside a transaction on PostgreSQL (autocommit, adapters/sql/uow.py): a
    second statement counting an empty page could see rows the first did not, so ``total``
    disagreed with the page under concurrent writes. The count is a one-row subquery the
    page is left-joined to, so an empty page is one row of NULLs carrying the total.
    """
    total = select(func.count().label("total")).select_from(table).where(*where).subquery("matching")
    page = (
        select(*columns, func.row_number().over(order_by=order).label("position"))
        .where(*where)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return select(page, total.c.total).select_from(total.outerjoin(page, true())).order_by(page.c.position)


async def _page_rows(repository: _Repository, statement: Select[Any]) -> tuple[list[Any], int]:
    rows = (await repository._execute(statement)).all()
    return [row for row in rows if row.position is not None], int(rows[0].total)


def _order(query: TaskQuery) -> list[ColumnElement[Any]]:
    order = _TASK_ORDER[query.sort.lstrip("-")]
    return [column.desc() for column in order] if query.sort.startswith("-") else order


# The hot path's statements are built once, with bound parameters: building one per call
# (and its compile-cache key) cost more CPU than running it. Parameters take a ``p_``
# prefix where a column of the same name would clash.

# The history window: newest first, read backwards along (conversation_id, seq).
RECENT_MESSAGES = (
    select(messages)
    .where(messages.c.conversation_id == bindparam("p_conversation_id"), messages.c.user_id == bindparam("p_user_id"))
    .order_by(messages.c.seq.desc())
    .limit(bindparam("p_limit", type_=Integer))
)
_TASK_BY_ID = (tasks.c.user_id == bindparam("p_user_id"), tasks.c.id == bindparam("p_id"))
_GET_TASK = select(*_TASK_COLUMNS).where(*_TASK_BY_ID, _LIVE)
# Postgres locks the row until the transaction ends (a concurrent change waits, then reads
# what this one wrote). SQLite has no FOR UPDATE, and needs none: a write transaction
# holds the whole file (BEGIN IMMEDIATE, engine.py).
_GET_TASK_FOR_UPDATE = _GET_TASK.with_for_update()
_TRASHED = tasks.c.deleted_at.is_not(None)
_DELETE_TASK = delete(tasks).where(*_TASK_BY_ID, _TRASHED).returning(*_TASK_COLUMNS)
# One statement each: of concurrent deletes (restores) of one task, exactly one changes the row.
_TRASH_TASK = (
    update(tasks).where(*_TASK_BY_ID, _LIVE).values(deleted_at=bindparam("p_now", type_=tasks.c.deleted_at.type))
    .returning(*_TASK_COLUMNS)
)
_RESTORE_TASK = (
    update(tasks)
    .where(*_TASK_BY_ID, tasks.c.deleted_at >= bindparam("p_since", type_=tasks.c.deleted_at.type))
    .values(deleted_at=None)
    .returning(*_TASK_COLUMNS)
)
_SAVE_TASK = update(tasks).where(*_TASK_BY_ID)  # SET from the parameters named as columns
_INSERT_TASK = insert(tasks)
_INSERT_CONVERSATION = insert(conversations)


@cache
def _next_task_number(dialect: str) -> Any:
    upsert = (sqlite if dialect == "sqlite" else postgresql).insert(task_counters)
    return (
        upsert.values(user_id=bindparam("p_user_id"), last_id=1)
        .on_conflict_do_update(index_elements=[task_counters.c.user_id], set_={"last_id": task_counters.c.last_id + 1})
        .returning(task_counters.c.last_id)
    )


_MESSAGE_COLUMNS = [column.name for column in messages.c if column.name != "seq"]
_NUMBERED_TASK_COLUMNS = [column.name for column in tasks.c if column.name not in ("user_id", "id")]


@cache
def _add_numbered_task() -> Any:
    """PostgreSQL: take the user's next number and insert the task under it, one statement.

    Parameters: ``p_user_id`` and the task row's other columns with a ``p_`` prefix.
    """
    numbered = _next_task_number("postgresql").cte("numbered")
    values = [bindparam(f"p_{name}", type_=tasks.c[name].type) for name in _NUMBERED_TASK_COLUMNS]
    rows = select(
        bindparam("p_user_id", type_=tasks.c.user_id.type).label("user_id"),
        numbered.c.last_id.label("id"),
        *(value.label(name) for name, value in zip(_NUMBERED_TASK_COLUMNS, values, strict=True)),
    )
    columns = ["user_id", "id", *_NUMBERED_TASK_COLUMNS]
    return insert(tasks).from_select(columns, rows.select_from(numbered)).add_cte(numbered).returning(tasks.c.id)


@cache
def _append_message(dialect: str) -> tuple[Any, ...]:
    """Statements that stamp the author's conversation with the message time and insert it.

    Each changes no row when the conversation is not the author's; built once per dialect.
    Parameters are the message row's keys with a ``p_`` prefix (a bound parameter of an
    INSERT or UPDATE may not share a column's name).
    """
    owner = (conversations.c.id == bindparam("p_conversation_id"), conversations.c.user_id == bindparam("p_user_id"))
    stamp = bindparam("p_created_at", type_=conversations.c.updated_at.type)
    values = [bindparam(f"p_{name}", type_=messages.c[name].type) for name in _MESSAGE_COLUMNS]
    if dialect == "sqlite":
        latest = func.max(conversations.c.updated_at, stamp)  # SQLite's two-argument max()
        touch = update(conversations).where(*owner).values(updated_at=latest)
        # No identity on SQLite, but its writers are serialised (BEGIN IMMEDIATE), so the
        # conversation's last seq + 1 cannot be taken twice; (conversation_id, seq) is indexed.
        last_seq = select(func.coalesce(func.max(messages.c.seq), 0) + 1).where(
            messages.c.conversation_id == bindparam("p_conversation_id", type_=messages.c.conversation_id.type)
        )
        # The message's time is the conversation's activity just stamped (see below).
        stamped = select(conversations.c.updated_at).where(*owner).scalar_subquery()
        insert_message = insert(messages).values(
            {
                **dict(zip(_MESSAGE_COLUMNS, values, strict=True)),
                "created_at": stamped,
                "seq": last_seq.scalar_subquery(),
            }
        )
        return touch, insert_message
    # The touch locks the conversation's row until commit, so messages of one conversation
    # are numbered (seq) one writer at a time, and each is stamped with the conversation's
    # latest activity including its own time: replicas whose clocks disagree can no longer
    # store a later message with an earlier time (issue 15).
    touched = (
        update(conversations)
        .where(*owner)
        .values(updated_at=func.greatest(conversations.c.updated_at, stamp))
        .returning(conversations.c.id, conversations.c.updated_at)
        .cte("touched")
    )
    columns: dict[str, Any] = dict(zip(_MESSAGE_COLUMNS, values, strict=True))
    columns["created_at"] = touched.c.updated_at
    rows = select(*(value.label(name) for name, value in columns.items())).select_from(touched)
    return (insert(messages).from_select(list(columns), rows).add_cte(touched),)


class SqlTaskRepository(_Repository):
    async def next_id(self, user_id: str) -> int:
        result = await self._execute_with(_next_task_number(self._dialect()), {"p_user_id": user_id})
        return int(result.scalar_one())

    async def add(self, task: Task) -> None:
        await self._execute_with(_INSERT_TASK, mappers.task_row(task))

    async def add_numbered(self, task: Task) -> int:
        if self._dialect() != "postgresql":
            # SQLite: its writers are serialised (BEGIN IMMEDIATE), so two statements are as one.
            number = await self.next_id(task.user_id)
            await self._execute_with(_INSERT_TASK, {**mappers.task_row(task), "id": number})
            return number
        row = mappers.task_row(task)
        values = {"p_user_id": task.user_id, **{f"p_{name}": row[name] for name in _NUMBERED_TASK_COLUMNS}}
        return int((await self._execute_with(_add_numbered_task(), values)).scalar_one())

    async def get(self, user_id: str, task_id: int, *, for_update: bool = False) -> Task | None:
        statement = _GET_TASK_FOR_UPDATE if for_update else _GET_TASK
        row = (await self._execute_with(statement, {"p_user_id": user_id, "p_id": task_id})).first()
        return mappers.task(row) if row else None

    async def find_for_update(self, user_id: str, query: TaskQuery) -> list[Task]:
        # Postgres re-checks the filters on the row it locks: a task changed meanwhile so
        # that it no longer matches is left out.
        statement = select(*_TASK_COLUMNS).where(*_task_filters(user_id, query)).order_by(*_order(query))
        rows = (await self._execute(statement.with_for_update())).all()
        return [mappers.task(row) for row in rows]

    async def find(self, user_id: str, query: TaskQuery) -> Page[Task]:
        where = _task_filters(user_id, query)
        statement = _page_with_total(tasks, _TASK_COLUMNS, where, _order(query), query.limit, query.offset)
        rows, total = await _page_rows(self, statement)
        return Page([mappers.task(row) for row in rows], total, query.limit, query.offset)

    async def save(self, task: Task) -> None:
        row = mappers.task_row(task)
        del row["user_id"], row["id"], row["created_at"]
        await self._execute_with(_SAVE_TASK, {"p_user_id": task.user_id, "p_id": task.id, **row})

    async def trash(self, user_id: str, task_id: int, now: datetime) -> Task | None:
        row = (await self._execute_with(_TRASH_TASK, {"p_user_id": user_id, "p_id": task_id, "p_now": now})).first()
        return mappers.task(row) if row else None

    async def restore(self, user_id: str, task_id: int, since: datetime) -> Task | None:
        parameters = {"p_user_id": user_id, "p_id": task_id, "p_since": since}
        row = (await self._execute_with(_RESTORE_TASK, parameters)).first()
        return mappers.task(row) if row else None

    async def find_trash(self, user_id: str, since: datetime, limit: int, offset: int) -> Page[Task]:
        where = [tasks.c.user_id == user_id, tasks.c.deleted_at >= since]
        order = [tasks.c.deleted_at.desc(), tasks.c.id.desc()]
        rows, total = await _page_rows(self, _page_with_total(tasks, _TASK_COLUMNS, where, order, limit, offset))
        return Page([mappers.task(row) for row in rows], total, limit, offset)

    async def purge_trash(self, user_id: str, before: datetime) -> int:
        result = await self._execute(delete(tasks).where(tasks.c.user_id == user_id, tasks.c.deleted_at < before))
        return int(result.rowcount or 0)

    async def delete(self, user_id: str, task_id: int) -> Task | None:
        # One statement: of concurrent deletes, the one the database lets remove the row gets it.
        row = (await self._execute_with(_DELETE_TASK, {"p_user_id": user_id, "p_id": task_id})).first()
        return mappers.task(row) if row else None

    async def label_counts(self, user_id: str) -> list[tuple[str, int]]:
        # Labels live on the rows (tables.tasks): count them here; a user has few labelled tasks.
        statement = (
            select(tasks.c.labels)
            .where(tasks.c.user_id == user_id, _LIVE, tasks.c.label_keys != "")
            .order_by(tasks.c.id)
        )
        rows = (await self._execute(statement)).all()
        return count_labels(json.loads(labels) for (labels,) in rows)


class SqlConversationRepository(_Repository):
    async def add(self, conversation: Conversation) -> None:
        await self._execute_with(_INSERT_CONVERSATION, mappers.conversation_row(conversation))

    async def get(self, user_id: str, conversation_id: UUID) -> Conversation | None:
        row = (
            await self._execute(
                select(conversations).where(conversations.c.id == conversation_id, conversations.c.user_id == user_id)
            )
        ).first()
        return mappers.conversation(row) if row else None

    async def find(self, user_id: str, limit: int, offset: int) -> Page[Conversation]:
        # The id only breaks exact ties, so pages never overlap.
        order = [conversations.c.updated_at.desc(), conversations.c.created_at.desc(), conversations.c.id.desc()]
        where = [conversations.c.user_id == user_id]
        statement = _page_with_total(conversations, list(conversations.c), where, order, limit, offset)
        rows, total = await _page_rows(self, statement)
        return Page([mappers.conversation(row) for row in rows], total, limit, offset)

    async def delete(self, user_id: str, conversation_id: UUID) -> bool:
        # Messages go with it through ON DELETE CASCADE (foreign keys are on for SQLite too).
        result = await self._execute(
            delete(conversations).where(conversations.c.id == conversation_id, conversations.c.user_id == user_id)
        )
        return bool(result.rowcount)

    async def add_message(self, message: Message) -> None:
        statements = _append_message(self._dialect())
        values = {f"p_{name}": value for name, value in mappers.message_row(message).items()}
        # Owner check, activity stamp and insert without a read-then-write race: on Postgres
        # one round trip; on SQLite (in process, writers serialised) two statements.
        for statement in statements:
            result = await self._execute_with(statement, values)
            if not result.rowcount:
                raise LookupError(f"conversation {message.conversation_id} does not belong to the user")

    async def messages(self, user_id: str, conversation_id: UUID, limit: int, offset: int) -> Page[Message]:
        where = [messages.c.conversation_id == conversation_id, messages.c.user_id == user_id]
        statement = _page_with_total(messages, list(messages.c), where, [messages.c.seq], limit, offset)
        rows, total = await _page_rows(self, statement)
        return Page([mappers.message(row) for row in rows], total, limit, offset)

    async def recent_messages(self, user_id: str, conversation_id: UUID, limit: int) -> list[Message]:
        parameters = {"p_user_id": user_id, "p_conversation_id": conversation_id, "p_limit": limit}
        rows = (await self._execute_with(RECENT_MESSAGES, parameters)).all()
        return [mappers.message(row) for row in reversed(rows)]


class SqlAccountRepository(_Repository):
    async def add(self, account: Account) -> None:
        try:
            await self._execute(insert(accounts).values(mappers.account_row(account)))
        except IntegrityError as error:
            # Two registrations of one email racing past the use case's by_email check.
            raise Conflict("email", "An account with this email already exists") from error

    async def by_email(self, email: str) -> Account | None:
        row = (await self._execute(select(accounts).where(accounts.c.email == email))).first()
        return mappers.account(row) if row else None
