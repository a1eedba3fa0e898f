"""A stateful property: users interleaving every operation never see, change or count
each other's tasks or conversations, and task numbers stay unique and increasing. The
calendar feed opens only with its owner's current key; an import lands only in the
importing user's account.

Store-agnostic: ``build_machine`` takes a factory for a fresh unit-of-work factory, so
the same machine runs on memory, SQLite and Postgres.
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import msgspec
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from adapters.system import UuidGenerator
from application.history import HistoryWindow
from application.ports import TokenUsage, TurnRequest, TurnResult, UnitOfWorkFactory
from application.queries import TaskQuery
from application.tools import ToolCatalogue
from application.use_cases.calendar import CalendarUseCases
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from application.use_cases.transfer import TransferUseCases
from domain.errors import NotFound
from tests.doubles import FakeClock, SequentialIds

USERS = ("alice", "bob", "carol")
users = st.sampled_from(USERS)
titles = st.text(alphabet="abcdefgh xyz", min_size=1, max_size=12).filter(lambda s: s.strip())
numbers = st.integers(min_value=1, max_value=8)


@dataclass
class ListingModel:
    """A model that lists the bound user's tasks: what it sees is checked against the truth."""

    seen: list[tuple[str, Any]]

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        call = await request.tools.call("list_tasks", {"status": "all", "limit": 100})
        self.seen.append((request.tools.user_id, call.result))
        return TurnResult(f"{call.result['total']} tasks", [call], TokenUsage())

    def stream_turn(self, request: TurnRequest) -> Any:  # pragma: no cover - not used
        raise NotImplementedError


def build_machine(
    make_store: Callable[[], Awaitable[tuple[UnitOfWorkFactory, Callable[[], Awaitable[None]]]]],
) -> type[RuleBasedStateMachine]:
    class IsolationMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            # A private loop on its own thread: independent of any loop the caller runs.
            self.loop = asyncio.new_event_loop()
            self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
            self.thread.start()
            uow, self._close = self.run(make_store())
            clock = FakeClock()
            self.tasks = TaskUseCases(uow, clock)
            self.seen: list[tuple[str, Any]] = []
            self.chat = ChatUseCases(
                uow, clock, SequentialIds(), ListingModel(self.seen), ToolCatalogue(self.tasks, clock),
                HistoryWindow(),
            )
            self.calendar = CalendarUseCases(uow, clock)
            self.transfer = TransferUseCases(uow, clock, UuidGenerator())
            self.feed_keys: dict[str, str] = {}
            self.dated: dict[str, set[int]] = {u: set() for u in USERS}
            self.expected: dict[str, dict[int, tuple[str, bool]]] = {u: {} for u in USERS}
            self.trashed: dict[str, dict[int, tuple[str, bool]]] = {u: {} for u in USERS}
            self.labels: dict[str, dict[int, set[str]]] = {u: {} for u in USERS}  # casefolded, live tasks
            self.highest: dict[str, int] = dict.fromkeys(USERS, 0)
            self.conversations: dict[str, list[uuid.UUID]] = {u: [] for u in USERS}

        def run(self, coro: Awaitable[Any]) -> Any:
            return asyncio.run_coroutine_threadsafe(coro, self.loop).result()  # type: ignore[arg-type]

        def teardown(self) -> None:
            self.run(self._close())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join()
            self.loop.close()

        @rule(user=users, title=titles)
        def add(self, user: str, title: str) -> None:
            task = self.run(self.tasks.add(user, NewTask(title)))
            assert task.id > self.highest[user], "task numbers must increase per user"
            self.highest[user] = task.id
            self.expected[user][task.id] = (task.title, False)

        @rule(user=users, title=titles)
        def add_dated(self, user: str, title: str) -> None:
            task = self.run(self.tasks.add(user, NewTask(title, due_date=date(2026, 3, 9))))
            assert task.id > self.highest[user], "task numbers must increase per user"
            self.highest[user] = task.id
            self.expected[user][task.id] = (task.title, False)
            self.dated[user].add(task.id)

        @rule(user=users)
        def new_feed_key(self, user: str) -> None:
            self.feed_keys[user] = self.run(self.calendar.create_key(user)).key

        @rule(user=users)
        def feed_off(self, user: str) -> None:
            self.run(self.calendar.delete_key(user))
            self.feed_keys.pop(user, None)

        @rule(user=users, key_of=users)
        def read_feed(self, user: str, key_of: str) -> None:
            key = self.feed_keys.get(key_of)
            try:
                tasks = self.run(self.calendar.feed(user, key))
            except NotFound:
                assert key is None or key_of != user, "the owner's current key must open the feed"
                return
            assert key_of == user, "another user's key opened a feed"
            assert {t.user_id for t in tasks} <= {user}
            pending = {n for n, (_, done) in self.expected[user].items() if not done and n in self.dated[user]}
            assert {t.id for t in tasks} == pending

        @rule(user=users, source=users)
        def import_export_of(self, user: str, source: str) -> None:
            if len(self.expected[user]) + len(self.expected[source]) > 60:
                return  # the invariants read one page of 100
            document = self.run(self.transfer.export(source))
            before = {c.id for c in self.run(self.chat.conversations(user, limit=100)).items}
            result = self.run(self.transfer.import_document(user, msgspec.json.encode(document)))
            # Numbered in the export's order (trash included) after everything the user had.
            olds = sorted([(t.id, False) for t in document.tasks] + [(t.id, True) for t in document.trash])
            assert len(result.task_ids) == len(olds)
            assert all(n > self.highest[user] for n in result.task_ids), "imported tasks reuse no number"
            for (old, trashed), new in zip(olds, result.task_ids, strict=True):
                if trashed:
                    self.trashed[user][new] = self.trashed[source][old]
                else:
                    self.expected[user][new] = self.expected[source][old]
                    if old in self.dated[source]:
                        self.dated[user].add(new)
                    if self.labels[source].get(old):
                        self.labels[user][new] = set(self.labels[source][old])
            self.highest[user] = max([self.highest[user], *result.task_ids])
            after = {c.id for c in self.run(self.chat.conversations(user, limit=100)).items}
            assert before <= after and len(after - before) == len(document.conversations)
            self.conversations[user].extend(after - before)

        def _attempt(self, user: str, number: int, action: Callable[[], Awaitable[Any]]) -> bool:
            try:
                self.run(action())
            except NotFound:
                assert number not in self.expected[user]
                return False
            assert number in self.expected[user]
            return True

        @rule(user=users, number=numbers)
        def complete(self, user: str, number: int) -> None:
            if self._attempt(user, number, lambda: self.tasks.complete(user, number)):
                self.expected[user][number] = (self.expected[user][number][0], True)

        @rule(user=users, number=numbers)
        def reopen(self, user: str, number: int) -> None:
            if self._attempt(user, number, lambda: self.tasks.toggle(user, number)):
                title, done = self.expected[user][number]
                self.expected[user][number] = (title, not done)

        @rule(user=users, number=numbers, title=titles)
        def rename(self, user: str, number: int, title: str) -> None:
            if self._attempt(user, number, lambda: self.tasks.update(user, number, TaskChanges(title=title))):
                self.expected[user][number] = (" ".join(title.split()), self.expected[user][number][1])

        @rule(user=users, number=numbers)
        def delete(self, user: str, number: int) -> None:
            if self._attempt(user, number, lambda: self.tasks.delete(user, number)):
                self.trashed[user][number] = self.expected[user].pop(number)

        @rule(user=users, number=numbers)
        def restore(self, user: str, number: int) -> None:
            try:
                task = self.run(self.tasks.restore(user, number))
            except NotFound:
                assert number not in self.trashed[user], "the owner's trashed task must come back"
                return
            assert number in self.trashed[user], "restored a task that is not in the user's own trash"
            assert task.user_id == user and task.id == number
            self.expected[user][number] = self.trashed[user].pop(number)

        @rule(user=users, number=numbers, label=st.sampled_from(["home", "Work", "HOME"]))
        def label(self, user: str, number: int, label: str) -> None:
            changes = TaskChanges(add_labels=[label])
            if self._attempt(user, number, lambda: self.tasks.update(user, number, changes)):
                self.labels[user].setdefault(number, set()).add(label.casefold())

        @rule(user=users)
        def bulk_complete(self, user: str) -> None:
            self.run(self.tasks.bulk(user, "complete", query=TaskQuery()))
            self.expected[user] = {n: (t, True) for n, (t, _) in self.expected[user].items()}

        @rule(user=users, data=st.data())
        def chat(self, user: str, data: st.DataObject) -> None:
            mine = self.conversations[user]
            target = data.draw(st.sampled_from([None, *mine, *self.conversations[_other(user)]]))
            try:
                reply = self.run(self.chat.send(user, "what do I have?", target))
            except NotFound:
                assert target not in mine
                return
            assert target is None or target in mine
            if target is None:
                mine.append(reply.conversation_id)
            seen_user, result = self.seen[-1]
            assert seen_user == user
            assert result["total"] == len(self.expected[user])
            assert {t["id"] for t in result["tasks"]} == set(self.expected[user])

        @invariant()
        def each_user_sees_exactly_their_own(self) -> None:
            for user in USERS:
                page = self.run(self.tasks.find(user, TaskQuery(limit=100)))
                assert page.total == len(self.expected[user])
                assert {t.id: (t.title, t.completed) for t in page.items} == self.expected[user]
                trash = self.run(self.tasks.trash(user, limit=100, offset=0))
                assert {t.id: (t.title, t.completed) for t in trash.items} == self.trashed[user]
                assert {t.user_id for t in trash.items} <= {user}
                counts: dict[str, int] = {}
                for number, names in self.labels[user].items():
                    if number in self.expected[user]:
                        for name in names:
                            counts[name] = counts.get(name, 0) + 1
                labels = self.run(self.tasks.labels(user))
                assert {lc.name.casefold(): lc.count for lc in labels} == counts
                conversations = self.run(self.chat.conversations(user, limit=100))
                assert {c.id for c in conversations.items} == set(self.conversations[user])
                assert conversations.total == len(self.conversations[user])

    return IsolationMachine


def _other(user: str) -> str:
    return USERS[(USERS.index(user) + 1) % len(USERS)]
