"""The calendar feed and export/import through the app on the real SQL stack (SQLite and
PostgreSQL, migrated): what the memory-store HTTP tests check, with the SQL adapters and,
on PostgreSQL, the database-backed rate limiters."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from icalendar import Calendar

from entrypoints.container import shutdown
from tests.integration.http.conftest import ALICE, BOB, Api
from tests.integration.http.test_sql_stack import real_api
from tests.support.postgres import create_database, drop_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def sql_api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Api]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'stack.db'}" if request.param == "sqlite" else await create_database()
    try:
        api, client = await real_api(tmp_path, url)
        async with client:
            yield api
        await shutdown(api.container)
    finally:
        if request.param == "postgres":
            await drop_database(url)


async def test_feed_rotation_and_isolation_on_sql(sql_api: Api) -> None:
    api = sql_api
    await api.add_task(title="Water the plants", due_date="2026-03-09", recurrence="FREQ=WEEKLY;BYDAY=MO")
    await api.add_task(BOB, title="bob's", due_date="2026-03-09")
    old = (await api.post(f"/api/{ALICE}/calendar/key")).json()["key"]
    bobs = (await api.post(f"/api/{BOB}/calendar/key", BOB)).json()["key"]
    feed = f"/api/{ALICE}/calendar.ics"
    got = await api.get(feed, user=None, params={"key": old})
    assert got.status_code == 200, got.text
    (event,) = Calendar.from_ical(got.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Water the plants"
    new = (await api.post(f"/api/{ALICE}/calendar/key")).json()["key"]
    assert (await api.get(feed, user=None, params={"key": old})).status_code == 404
    assert (await api.get(feed, user=None, params={"key": bobs})).status_code == 404
    assert (await api.get(feed, user=None, params={"key": new})).status_code == 200


async def test_export_import_round_trip_on_sql(sql_api: Api) -> None:
    api = sql_api
    await api.add_task(title="Pay rent", due_date="2026-03-01", labels=["home"], priority="high")
    binned = await api.add_task(title="Old idea")
    await api.delete(f"/api/{ALICE}/tasks/{binned['id']}")
    await api.add_task(title="Plain", description="x" * 3000)
    document = (await api.get(f"/api/{ALICE}/export")).json()
    document["tasks"] *= 40  # 80 tasks, ~250 KB: past the usual body limit, under the import's
    body = json.dumps(document).encode()
    imported = await api.post(
        f"/api/{BOB}/import", BOB, content=body, headers={"Content-Type": "application/json"}
    )
    assert imported.status_code == 200, imported.text
    counts = imported.json()
    assert (counts["tasks"], counts["trash"]) == (80, 1)
    assert sorted(counts["task_ids"]) == list(range(1, 82))
    copied = (await api.get(f"/api/{BOB}/export", BOB)).json()
    assert len(copied["tasks"]) == 80 and [t["title"] for t in copied["trash"]] == ["Old idea"]
    assert {t["title"] for t in copied["tasks"]} == {"Pay rent", "Plain"}
    assert (await api.add_task(BOB, title="next"))["id"] == 82
    bad = await api.post(
        f"/api/{BOB}/import", BOB, content=b"TYPE,CONTENT,PRIORITY\ntask,ok,1\ntask,bad,0\n",
        headers={"Content-Type": "text/csv"},
    )
    assert bad.status_code == 400
    assert (await api.add_task(BOB, title="after"))["id"] == 83  # the rejected import took no number
