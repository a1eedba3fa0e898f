"""The task change notifier port: who hears that a user's tasks changed.

The task use cases publish one ``TaskChange`` after every committed change, whichever
door it came through (REST, chat, MCP), so subscribers such as the MCP server's resource
subscriptions can tell their clients to re-read. Publishing happens only after the
commit: a rolled-back change is never announced.

Delivery is a hint, not a log: a listener that misses a change re-reads the resource and
sees the current state. The in-process implementation reaches only listeners in this
process; across replicas each process hears its own changes only (a Postgres
LISTEN/NOTIFY adapter behind this same port would fan them out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

ChangeKind = Literal["created", "updated", "deleted"]


@dataclass(frozen=True, slots=True)
class TaskChange:
    """Tasks of one user that changed in one committed unit of work."""

    user_id: str
    kind: ChangeKind
    task_ids: tuple[int, ...]


TaskChangeListener = Callable[[TaskChange], None]


class TaskChangeNotifier(Protocol):
    def publish(self, change: TaskChange) -> None:
        """Tell every listener; never raises and never blocks (listeners only enqueue)."""
        ...


class TaskChangeFeed(TaskChangeNotifier, Protocol):
    def subscribe(self, listener: TaskChangeListener) -> Callable[[], None]:
        """Register ``listener`` for every change; returns an idempotent unsubscribe."""
        ...


class NoTaskChanges:
    """The notifier when nobody listens."""

    def publish(self, change: TaskChange) -> None:
        return None
