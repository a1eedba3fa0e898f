"""The calendar feed's iCalendar, parsed back with icalendar, and the key use cases on memory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from adapters.calendar.ics import FeedRenderer, event_uid, render_feed, user_hash
from adapters.memory.store import MemoryStore
from application.use_cases.calendar import CalendarUseCases, FeedNotFound
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.calendar_key import key_digest
from domain.recurrence import Recurrence
from domain.task import Task
from domain.values import Priority
from tests.doubles import FakeClock

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def task(number: int, title: str, **fields: object) -> Task:
    return Task.create(user_id="alice", id=number, title=title, now=NOW, **fields)  # type: ignore[arg-type]


def parsed(body: bytes) -> Calendar:
    return Calendar.from_ical(body)


def test_each_due_task_is_an_all_day_event_with_its_fields() -> None:
    plants = task(
        1, "Water the plants", due_date=date(2026, 3, 9), recurrence=Recurrence.parse("FREQ=WEEKLY;BYDAY=MO"),
        labels=["home", "Garden"], description="the ferns too", priority=Priority.HIGH,
    )
    tax = task(2, "Taxes; forms, all", due_date=date(2026, 4, 30), priority=Priority.LOW)
    calendar = parsed(render_feed([plants, tax], user_id="alice", host="tasks.example.com"))
    assert str(calendar["X-WR-CALNAME"]) == "todo-chat tasks"
    assert str(calendar["VERSION"]) == "2.0"
    assert b"X-PUBLISHED-TTL:PT1H" in render_feed([], user_id="alice", host="h")
    assert calendar.decoded("REFRESH-INTERVAL") == timedelta(hours=1)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert not calendar.walk("VTODO")
    first = events[f"task-1-{user_hash('alice')}@tasks.example.com"]
    assert str(first["SUMMARY"]) == "Water the plants"
    assert first.decoded("DTSTART") == date(2026, 3, 9)  # a date, not a datetime: all day
    assert first.decoded("DTEND") == date(2026, 3, 10)
    assert first["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=MO"
    assert int(first["PRIORITY"]) == 1
    assert "the ferns too" in str(first["DESCRIPTION"])
    assert "Lists: home, Garden" in str(first["DESCRIPTION"])
    assert [str(c) for c in first["CATEGORIES"].cats] == ["home", "Garden"]
    assert str(first["TRANSP"]) == "TRANSPARENT"
    second = events[event_uid(tax, "tasks.example.com")]
    assert str(second["SUMMARY"]) == "Taxes; forms, all"  # escaped on the wire, intact when read
    assert int(second["PRIORITY"]) == 9
    assert "RRULE" not in second


def test_uids_are_stable_and_the_body_depends_only_on_the_tasks() -> None:
    tasks = [task(3, "Call mom", due_date=date(2026, 3, 3))]
    one = render_feed(tasks, user_id="alice", host="h")
    assert render_feed(tasks, user_id="alice", host="h") == one  # the same list, the same bytes (ETag)
    assert event_uid(tasks[0], "h") == f"task-3-{user_hash('alice')}@h"
    assert user_hash("alice") != user_hash("bob") and "alice" not in event_uid(tasks[0], "h")


def test_done_undated_and_foreign_tasks_are_left_out() -> None:
    done = task(1, "done", due_date=date(2026, 3, 3))
    done.complete(NOW)
    undated = task(2, "someday")
    foreign = Task.create(user_id="bob", id=3, title="bob's", now=NOW, due_date=date(2026, 3, 3))
    calendar = parsed(render_feed([done, undated, foreign], user_id="alice", host="h"))
    assert calendar.walk("VEVENT") == []


def test_a_counted_rule_and_an_until_rule_keep_their_end() -> None:
    counted = task(1, "pills", due_date=date(2026, 3, 2), recurrence=Recurrence.parse("FREQ=DAILY;COUNT=5"))
    until = task(2, "gym", due_date=date(2026, 3, 3), recurrence=Recurrence.parse("FREQ=WEEKLY;UNTIL=20260601"))
    events = parsed(render_feed([counted, until], user_id="alice", host="h")).walk("VEVENT")
    assert events[0]["RRULE"]["COUNT"] == [5]
    assert events[1]["RRULE"]["UNTIL"] == [date(2026, 6, 1)]


@pytest.fixture
def use_cases() -> tuple[CalendarUseCases, TaskUseCases, MemoryStore]:
    store = MemoryStore()
    clock = FakeClock(NOW)
    return CalendarUseCases(store.unit_of_work, clock), TaskUseCases(store.unit_of_work, clock), store


async def test_only_a_digest_is_stored_and_a_new_key_replaces_the_old(
    use_cases: tuple[CalendarUseCases, TaskUseCases, MemoryStore],
) -> None:
    calendar, tasks, store = use_cases
    await tasks.add("alice", NewTask("Call mom", due_date=date(2026, 3, 3)))
    first = await calendar.create_key("alice")
    assert len(first.key) >= 40
    stored = store.state.calendar_keys["alice"]
    assert stored.key_digest == key_digest(first.key) and first.key not in stored.key_digest
    assert [t.title for t in await calendar.feed("alice", first.key)] == ["Call mom"]
    second = await calendar.create_key("alice")
    assert second.key != first.key
    with pytest.raises(FeedNotFound):
        await calendar.feed("alice", first.key)
    assert len(await calendar.feed("alice", second.key)) == 1


@pytest.mark.parametrize("key", [None, "", "wrong", "x" * 10_000])
async def test_wrong_missing_or_absurd_keys_and_unknown_users_get_the_same_answer(
    use_cases: tuple[CalendarUseCases, TaskUseCases, MemoryStore], key: str | None
) -> None:
    calendar, _, _ = use_cases
    real = await calendar.create_key("alice")
    with pytest.raises(FeedNotFound) as wrong:
        await calendar.feed("alice", key)
    with pytest.raises(FeedNotFound) as unknown:
        await calendar.feed("nobody", real.key)
    with pytest.raises(FeedNotFound) as junk:
        await calendar.feed("not a user id!" * 20, real.key)
    assert str(wrong.value) == str(unknown.value) == str(junk.value)


async def test_the_feed_turned_off_stays_off_and_lists_pending_dated_tasks_earliest_first(
    use_cases: tuple[CalendarUseCases, TaskUseCases, MemoryStore],
) -> None:
    calendar, tasks, _ = use_cases
    for title, due in (("later", 10), ("none", None), ("sooner", 1), ("done", 2)):
        added = await tasks.add(
            "alice", NewTask(title, due_date=NOW.date() + timedelta(days=due) if due is not None else None)
        )
        if title == "done":
            await tasks.complete("alice", added.id)
    trashed = await tasks.add("alice", NewTask("binned", due_date=NOW.date()))
    await tasks.delete("alice", trashed.id)
    key = (await calendar.create_key("alice")).key
    assert [t.title for t in await calendar.feed("alice", key)] == ["sooner", "later"]
    assert await calendar.delete_key("alice") is True
    assert await calendar.delete_key("alice") is False
    with pytest.raises(FeedNotFound):
        await calendar.feed("alice", key)
    assert await calendar.current_key("alice") is None


async def test_the_renderer_fingerprints_every_input_and_reuses_unchanged_bodies() -> None:
    renderer = FeedRenderer(size=2)
    tasks = [task(1, "Call mom", due_date=date(2026, 3, 3))]
    mark = renderer.fingerprint(tasks, user_id="alice", host="h")
    body = await renderer.render(tasks, user_id="alice", host="h", fingerprint=mark)
    assert body == render_feed(tasks, user_id="alice", host="h")
    assert await renderer.render(tasks, user_id="alice", host="h", fingerprint=mark) is body  # not rendered again
    renamed = [task(1, "Call dad", due_date=date(2026, 3, 3))]
    assert renderer.fingerprint(renamed, user_id="alice", host="h") != mark
    assert renderer.fingerprint(tasks, user_id="alice", host="other") != mark
    later = [task(1, "Call mom", due_date=date(2026, 3, 4))]
    assert renderer.fingerprint(later, user_id="alice", host="h") != mark
