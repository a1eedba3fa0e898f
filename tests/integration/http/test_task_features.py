"""Repeating tasks, labels and the trash through the REST API (issue 17)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tests.integration.http.conftest import ALICE, BOB, Api, error_of

TASKS = f"/api/{ALICE}/tasks"
TRASH = f"/api/{ALICE}/trash"


async def test_a_repeating_task_moves_on_when_completed(api: Api) -> None:
    task = await api.add_task(title="Water the plants", due_date="2030-01-07", recurrence="rrule:freq=weekly;byday=mo")
    assert (task["recurrence"], task["due_date"]) == ("FREQ=WEEKLY;BYDAY=MO", "2030-01-07")
    done = (await api.request("PATCH", f"{TASKS}/{task['id']}/complete")).json()
    assert (done["completed"], done["due_date"], done["recurrence"]) == (False, "2030-01-14", "FREQ=WEEKLY;BYDAY=MO")
    assert done["last_completed_at"] is not None
    again = (await api.request("PATCH", f"{TASKS}/{task['id']}", json={"completed": True})).json()
    assert (again["completed"], again["due_date"]) == (False, "2030-01-21")


async def test_a_long_overdue_repeating_task_moves_past_today(api: Api) -> None:
    task = await api.add_task(title="Pay rent", due_date="2020-01-01", recurrence="FREQ=MONTHLY;BYMONTHDAY=1")
    done = (await api.request("PATCH", f"{TASKS}/{task['id']}/complete")).json()
    moved = date.fromisoformat(done["due_date"])
    today = datetime.now(UTC).date()
    assert moved.day == 1 and today < moved <= today + timedelta(days=31)


async def test_a_counted_rule_completes_on_its_last_occurrence(api: Api) -> None:
    task = await api.add_task(title="Physio", due_date="2030-03-01", recurrence="FREQ=DAILY;INTERVAL=2;COUNT=2")
    first = (await api.request("PATCH", f"{TASKS}/{task['id']}/complete")).json()
    assert (first["completed"], first["due_date"], first["recurrence"]) == (
        False, "2030-03-03", "FREQ=DAILY;INTERVAL=2;COUNT=1",
    )
    last = (await api.request("PATCH", f"{TASKS}/{task['id']}/complete")).json()
    assert (last["completed"], last["due_date"]) == (True, "2030-03-03")


async def test_a_repeating_task_without_a_date_starts_on_its_first_day(api: Api) -> None:
    task = await api.add_task(title="Gym", recurrence="FREQ=WEEKLY;BYDAY=TU,TH", )
    due = date.fromisoformat(task["due_date"])
    assert due.weekday() in (1, 3) and 0 <= (due - datetime.now(UTC).date()).days < 7


async def test_stop_repeating_and_junk_rules(api: Api) -> None:
    task = await api.add_task(title="Gym", due_date="2030-01-01", recurrence="FREQ=DAILY")
    stopped = (await api.request("PATCH", f"{TASKS}/{task['id']}", json={"recurrence": None})).json()
    assert stopped["recurrence"] is None
    done = (await api.request("PATCH", f"{TASKS}/{task['id']}/complete")).json()
    assert done["completed"] is True
    for junk in ("every monday", "FREQ=HOURLY", "FREQ=WEEKLY;BYDAY=XX", "FREQ=MONTHLY;BYMONTH=13", ""):
        response = await api.post(TASKS, json={"title": "x", "recurrence": junk})
        assert response.status_code == 400, junk
        assert error_of(response)["code"] == "VALIDATION_ERROR"
    assert (await api.request("PATCH", f"{TASKS}/1?timezone=Mars/Base", json={"title": "y"})).status_code == 400


async def test_labels_filter_count_and_stay_as_typed(api: Api) -> None:
    await api.add_task(title="Milk", labels=["Shopping", "shopping", "urgent"])
    await api.add_task(title="Report", labels=["Work"])
    await api.add_task(title="Eggs", labels=["SHOPPING"])
    await api.add_task(user=BOB, title="Bob's", labels=["shopping"])
    milk = (await api.get(f"{TASKS}/1")).json()
    assert milk["labels"] == ["Shopping", "urgent"]
    found = (await api.get(TASKS, params={"label": "shopping"})).json()
    assert [t["title"] for t in found["data"]] == ["Milk", "Eggs"]
    labels = (await api.get(f"/api/{ALICE}/labels")).json()
    assert labels == {"data": [{"name": "Shopping", "count": 2}, {"name": "urgent", "count": 1},
                               {"name": "Work", "count": 1}]}
    changed = (await api.request("PATCH", f"{TASKS}/1", json={"labels": ["home"]})).json()
    assert changed["labels"] == ["home"]
    too_many = await api.post(TASKS, json={"title": "x", "labels": [f"l{i}" for i in range(11)]})
    assert too_many.status_code == 400
    assert (await api.post(TASKS, json={"title": "x", "labels": ["a|b"]})).status_code == 400
    assert (await api.get(f"/api/{BOB}/labels", user=BOB)).json() == {"data": [{"name": "shopping", "count": 1}]}
    assert (await api.get(f"/api/{BOB}/labels", user=ALICE)).status_code == 403


async def test_delete_goes_to_the_trash_and_restore_brings_it_back(api: Api) -> None:
    await api.add_task(title="Keep")
    await api.add_task(title="Oops", labels=["x"])
    assert (await api.delete(f"{TASKS}/2")).status_code == 204
    assert (await api.get(f"{TASKS}/2")).status_code == 404
    listed = (await api.get(TASKS)).json()
    assert [t["id"] for t in listed["data"]] == [1] and listed["total"] == 1
    assert (await api.get(f"/api/{ALICE}/labels")).json() == {"data": []}
    trash = await api.get(TRASH)
    assert trash.headers["X-Total-Count"] == "1"
    [trashed] = trash.json()["data"]
    assert (trashed["id"], trashed["title"]) == (2, "Oops") and trashed["deleted_at"]
    assert (await api.post(f"/api/{BOB}/trash/2/restore", user=BOB)).status_code == 404
    restored = await api.post(f"{TRASH}/2/restore")
    assert restored.status_code == 200 and restored.json()["labels"] == ["x"]
    assert (await api.post(f"{TRASH}/2/restore")).status_code == 404
    assert [t["id"] for t in (await api.get(TASKS)).json()["data"]] == [1, 2]
    third = await api.add_task(title="New")
    assert third["id"] == 3  # numbers are never reused


async def test_a_trashed_task_can_be_deleted_for_good(api: Api) -> None:
    await api.add_task(title="Junk")
    assert (await api.delete(f"{TRASH}/1")).status_code == 404  # not in the trash yet
    await api.delete(f"{TASKS}/1")
    assert (await api.delete(f"{TRASH}/1", user=BOB, headers=None)).status_code == 403
    assert (await api.delete(f"{TRASH}/1")).status_code == 204
    assert (await api.get(TRASH)).json()["total"] == 0
    assert (await api.post(f"{TRASH}/1/restore")).status_code == 404


async def test_the_trash_empties_itself_after_30_days(api: Api) -> None:
    assert api.store is not None
    await api.add_task(title="Old")
    await api.delete(f"{TASKS}/1")
    # Age the trashed row as 31 days passing would.
    stored = api.store.state.tasks[ALICE][1]
    assert stored.deleted_at is not None
    stored.deleted_at -= timedelta(days=31)
    assert (await api.get(TRASH)).json()["total"] == 0
    assert (await api.post(f"{TRASH}/1/restore")).status_code == 404
    await api.add_task(title="Another")
    await api.delete(f"{TASKS}/2")  # deleting purges what is past its 30 days
    assert 1 not in api.store.state.tasks[ALICE]
