"""The in-process task change feed (``application.changes.TaskChangeFeed``).

Synchronous fan-out to listeners registered in this process. Listeners must be quick
and must not raise (they enqueue for their own sender); one that raises is logged and
skipped so it cannot fail the use case that published. Per process: another replica's
changes are not heard here (see docs/mcp.md).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from application.changes import TaskChange, TaskChangeListener

logger = logging.getLogger(__name__)


class InProcessTaskChanges:
    def __init__(self) -> None:
        # Keyed by a token so the same callable can be registered twice.
        self._listeners: dict[object, TaskChangeListener] = {}

    def publish(self, change: TaskChange) -> None:
        for listener in list(self._listeners.values()):
            try:
                listener(change)
            except Exception:  # fan-out boundary: one listener must not fail the use case
                logger.exception("task change listener raised; continuing")

    def subscribe(self, listener: TaskChangeListener) -> Callable[[], None]:
        token = object()
        self._listeners[token] = listener

        def unsubscribe() -> None:
            self._listeners.pop(token, None)

        return unsubscribe

    @property
    def listener_count(self) -> int:
        return len(self._listeners)
