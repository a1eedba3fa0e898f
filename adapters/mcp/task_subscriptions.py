"""Task changes, from any door, as MCP change notifications for the user who owns the tasks.

Two protocol eras, one feed (``application.changes.TaskChangeFeed``):

- 2026-07-28 (``subscriptions/listen``): each listen stream is the SDK's ``ListenHandler``
  over a bus that only ever carries the listening user's changes, so no one hears that
  another user's tasks moved;
- handshake era (``resources/subscribe``): the connection's subscribed URIs get
  ``notifications/resources/updated`` (and ``list_changed``) on its standing channel.
  A stateless HTTP connection has none (it ends with its one response): subscribing there
  is accepted and registers nothing; listen streams are the HTTP way.

Per process: see ``application.changes``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.server.session import ServerSession
from mcp.server.subscriptions import ListenHandler, ResourcesListChanged, ResourceUpdated, ServerEvent
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INTERNAL_ERROR,
    EmptyResult,
    SubscribeRequestParams,
    SubscriptionsListenRequestParams,
    SubscriptionsListenResult,
    UnsubscribeRequestParams,
)

from adapters.mcp.task_resources import OPEN_TASKS_URI, task_uri
from application.changes import TaskChange, TaskChangeFeed

logger = logging.getLogger(__name__)


def events_of(change: TaskChange) -> list[ServerEvent]:
    """What a change means to a client: the open list, each task, and the resource list."""
    events: list[ServerEvent] = [ResourceUpdated(uri=task_uri(task_id)) for task_id in change.task_ids]
    events.append(ResourceUpdated(uri=OPEN_TASKS_URI))
    # Adding, deleting, completing or reopening changes which tasks resources/list shows.
    events.append(ResourcesListChanged())
    return events


class _UserBus:
    """A ``SubscriptionBus`` view of the feed carrying one user's changes only."""

    def __init__(self, feed: TaskChangeFeed, user_id: str) -> None:
        self._feed = feed
        self._user_id = user_id

    async def publish(self, event: ServerEvent) -> None:  # nothing publishes MCP events directly
        return None

    def subscribe(self, listener: Callable[[ServerEvent], None]) -> Callable[[], None]:
        def hear(change: TaskChange) -> None:
            if change.user_id == self._user_id:
                for event in events_of(change):
                    listener(event)

        return self._feed.subscribe(hear)


class _LegacySubscriber:
    """One handshake-era connection's subscriptions, sent on its standing channel."""

    def __init__(self, session: ServerSession, user_id: str) -> None:
        self.session = session
        self.user_id = user_id
        self.uris: set[str] = set()
        self.unsubscribe: Callable[[], None] = lambda: None
        self._sending: set[asyncio.Task[None]] = set()

    def hear(self, change: TaskChange) -> None:
        if change.user_id != self.user_id or not self.uris:
            return
        task = asyncio.get_running_loop().create_task(self._send(events_of(change)))
        self._sending.add(task)  # held until done, so it is not collected mid-send
        task.add_done_callback(self._sending.discard)

    async def _send(self, events: list[ServerEvent]) -> None:
        try:
            for event in events:
                if isinstance(event, ResourceUpdated):
                    if event.uri in self.uris:
                        await self.session.send_resource_updated(event.uri)
                else:
                    await self.session.send_resource_list_changed()
        except Exception:  # the client went away: stop hearing changes for it
            logger.debug("resource notification not delivered; dropping the subscriptions", exc_info=True)
            self.unsubscribe()


class TaskSubscriptions:
    """The ``subscriptions/listen``, ``resources/subscribe`` and ``unsubscribe`` handlers."""

    def __init__(self, feed: TaskChangeFeed, user_of_request: Callable[[], str], *, max_streams: int = 1024) -> None:
        self._feed = feed
        self._user_of_request = user_of_request
        self._max_streams = max_streams
        self._streams = 0
        self._legacy: dict[int, _LegacySubscriber] = {}

    async def listen(
        self, ctx: ServerRequestContext[Any], params: SubscriptionsListenRequestParams
    ) -> SubscriptionsListenResult:
        user_id = self._user_of_request()
        # One handler per stream, over a bus of this user's changes; the cap is ours, global.
        handler = ListenHandler(_UserBus(self._feed, user_id), max_subscriptions=1)
        if self._streams >= self._max_streams:
            raise MCPError(INTERNAL_ERROR, "Subscription limit reached")
        self._streams += 1
        try:
            return await handler(ctx, params)
        finally:
            self._streams -= 1

    async def subscribe(self, ctx: ServerRequestContext[Any], params: SubscribeRequestParams) -> EmptyResult:
        user_id = self._user_of_request()
        if not ctx.session.can_send_request:
            # Stateless HTTP: the connection ends with this response, nothing could be sent later.
            return EmptyResult()
        key = _connection_key(ctx.session)
        subscriber = self._legacy.get(key)
        if subscriber is None or subscriber.user_id != user_id:
            subscriber = _LegacySubscriber(ctx.session, user_id)
            stop = self._feed.subscribe(subscriber.hear)

            def unsubscribe() -> None:
                stop()
                self._legacy.pop(key, None)

            subscriber.unsubscribe = unsubscribe
            self._legacy[key] = subscriber
        subscriber.uris.add(str(params.uri))
        return EmptyResult()

    async def unsubscribe(self, ctx: ServerRequestContext[Any], params: UnsubscribeRequestParams) -> EmptyResult:
        self._user_of_request()  # authenticated, as every other request
        subscriber = self._legacy.get(_connection_key(ctx.session))
        if subscriber is not None:
            subscriber.uris.discard(str(params.uri))
            if not subscriber.uris:
                subscriber.unsubscribe()
        return EmptyResult()


def _connection_key(session: ServerSession) -> int:
    # ServerSession is a per-request proxy; the connection behind it is what lasts. The SDK
    # exposes no public handle on it, so the private attribute is read here, in one place.
    return id(session._connection)
