"""A user's due tasks as an RFC 5545 calendar that calendar apps can subscribe to.

Each pending task with a due date is one all-day VEVENT (not a VTODO): Google Calendar and
Apple Calendar ignore VTODOs in a subscribed calendar, Thunderbird shows events as well as
tasks, so events are what every one of them shows (docs/adr/0010-calendar-feed-and-export.md). An
all-day event is a floating date: no time zone to get wrong, and a task due "on the 3rd"
sits on the 3rd wherever the calendar is read.

The body depends only on the tasks (DTSTAMP is the task's last change, not the time of the
request), so an unchanged list gives byte-identical feeds and an ETag that matches.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import timedelta

from icalendar import Calendar, Event, vDuration, vRecur

from domain.task import Task
from domain.values import Priority

PRODID = "-//todo-chat//Tasks feed//EN"
# RFC 5545 PRIORITY: 1 is the highest, 5 medium, 9 the lowest (0 would mean "undefined").
ICAL_PRIORITY = {Priority.HIGH: 1, Priority.MEDIUM: 5, Priority.LOW: 9}
# How often a subscriber should fetch again (RFC 7986 REFRESH-INTERVAL; X-PUBLISHED-TTL is the
# older spelling Apple and Outlook read).
REFRESH = timedelta(hours=1)


class FeedRenderer:
    """Renders feeds off the event loop and remembers recent bodies by what went into them.

    icalendar takes about a millisecond per event; calendar apps fetch the same unchanged feed
    again and again. The fingerprint covers every input of ``render_feed`` (each task's every
    field, the user, the host), so it is also the ETag: a revalidation is answered without
    rendering, and an unchanged feed is rendered once per process.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    @staticmethod
    def fingerprint(tasks: Sequence[Task], *, user_id: str, host: str) -> str:
        digest = hashlib.sha256(f"{PRODID}\n{user_id}\n{host}".encode())
        for task in tasks:
            digest.update(b"\n" + repr(task).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:32]

    async def render(self, tasks: Sequence[Task], *, user_id: str, host: str, fingerprint: str) -> bytes:
        body = self._bodies.get(fingerprint)
        if body is None:
            body = await asyncio.to_thread(render_feed, list(tasks), user_id=user_id, host=host)
            self._bodies[fingerprint] = body
            while len(self._bodies) > self._size:
                self._bodies.popitem(last=False)
        else:
            self._bodies.move_to_end(fingerprint)
        return body


def user_hash(user_id: str) -> str:
    """A stable, opaque stand-in for the user in event UIDs (the user id itself stays out of them)."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:16]


def event_uid(task: Task, host: str) -> str:
    """Stable per task: a calendar app updates the same event as the task changes."""
    return f"task-{task.id}-{user_hash(task.user_id)}@{host}"


def render_feed(tasks: Iterable[Task], *, user_id: str, host: str, name: str = "todo-chat tasks") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-caldesc", "Pending tasks with a due date, from todo-chat")
    calendar.add("name", name)  # RFC 7986
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))
    for task in tasks:
        if task.due_date is None or task.completed or task.user_id != user_id:
            continue  # the use case sends only these; the feed never shows anything else
        calendar.add_component(_event(task, host))
    return calendar.to_ical()


def _event(task: Task, host: str) -> Event:
    event = Event()
    event.add("uid", event_uid(task, host))
    event.add("dtstamp", task.updated_at)
    event.add("created", task.created_at)
    event.add("last-modified", task.updated_at)
    event.add("summary", task.title)
    assert task.due_date is not None
    event.add("dtstart", task.due_date)  # a date: VALUE=DATE, an all-day event
    event.add("dtend", task.due_date + timedelta(days=1))
    event.add("transp", "TRANSPARENT")  # a due task does not make its owner busy that day
    event.add("priority", ICAL_PRIORITY[task.priority])
    description = _description(task)
    if description:
        event.add("description", description)
    if task.labels:
        event.add("categories", list(task.labels))
    if task.recurrence is not None:
        # The rule is anchored at the current due date (domain/recurrence.py): DTSTART is it, and
        # COUNT already counts what is left from there. UNTIL is a date, as DTSTART is.
        event.add("rrule", vRecur.from_ical(task.recurrence.rule))
    return event


def _description(task: Task) -> str:
    lines = [task.description] if task.description else []
    details = [f"Priority: {task.priority.value}"]
    if task.labels:
        details.append("Lists: " + ", ".join(task.labels))
    if task.recurrence is not None:
        details.append(f"Repeats: {task.recurrence.rule}")
    details.append(f"Task {task.id}")
    if lines:
        lines.append("")
    lines.append(" · ".join(details))
    return "\n".join(lines)
