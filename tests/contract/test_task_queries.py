"""Filtering, sorting, paging and totals agree with the memory store on random data.

The memory store's ``matches`` and sort keys are the reference: every store must return
the same ids, in the same order, with the same total, for any query.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from adapters.memory.store import MemoryStore
from application.ports import UnitOfWorkFactory
from application.queries import TASK_SORTS, TaskQuery
from domain.task import Task
from domain.values import Priority, TaskStatus

START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
WORDS = ["buy", "Buy", "milk", "Äpfel", "äpfel", "call", "mom", "100%", "a_b", "ab", "Straße", "x"]
DAYS = [None, None, *(date(2026, 3, d) for d in (1, 2, 2, 3, 5, 9))]


def random_tasks(rng: random.Random, user: str, count: int) -> list[Task]:
    made = []
    for number in range(1, count + 1):
        # Few distinct timestamps: ties must be broken by id, the same way everywhere.
        created = START + timedelta(minutes=rng.randrange(4))
        task = Task.create(
            user_id=user,
            id=number,
            title=" ".join(rng.sample(WORDS, rng.randint(1, 3))),
            now=created,
            priority=rng.choice(list(Priority)),
            due_date=rng.choice(DAYS),
        )
        if rng.random() < 0.4:
            task.complete(created + timedelta(minutes=rng.randrange(3)))
        made.append(task)
    return made


def random_query(rng: random.Random) -> TaskQuery:
    def maybe(value: object) -> object:
        return value if rng.random() < 0.2 else None

    return TaskQuery(
        status=rng.choice(list(TaskStatus)),
        priority=maybe(rng.choice(list(Priority))),  # type: ignore[arg-type]
        due_before=maybe(rng.choice(DAYS[2:])),  # type: ignore[arg-type]
        due_after=maybe(rng.choice(DAYS[2:])),  # type: ignore[arg-type]
        due_on=maybe(rng.choice(DAYS[2:])),  # type: ignore[arg-type]
        has_due_date=maybe(rng.random() < 0.5),  # type: ignore[arg-type]
        q=maybe(" ".join(w.upper() if rng.random() < 0.3 else w[:3] for w in rng.sample(WORDS, 1))),  # type: ignore[arg-type]
        ids=maybe(tuple(rng.sample(range(1, 50), 8))),  # type: ignore[arg-type]
        sort=rng.choice(TASK_SORTS),
        limit=rng.choice([1, 5, 20, 100]),
        offset=rng.choice([0, 0, 3, 17, 60]),
    )


async def test_random_queries_match_the_memory_reference(uow: UnitOfWorkFactory) -> None:
    rng = random.Random(20260301)
    reference = MemoryStore().unit_of_work
    mine, theirs = random_tasks(rng, "a", 45), random_tasks(rng, "b", 20)
    for store in (uow, reference):
        async with store() as u:
            for task in mine + theirs:
                await u.tasks.add(task)
            await u.commit()
    queries = [random_query(rng) for _ in range(200)] + [TaskQuery(sort=sort, limit=100) for sort in TASK_SORTS]
    async with uow() as u, reference() as r:
        for query in queries:
            got, want = await u.tasks.find("a", query), await r.tasks.find("a", query)
            assert ([t.id for t in got.items], got.total) == ([t.id for t in want.items], want.total), query
            assert got.items == want.items
    assert sum(1 for q in queries if q.q) > 20  # the generator really exercises search
