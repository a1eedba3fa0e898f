"""Concurrent changes to one task against a real ``todo-chat serve`` on SQLite and
PostgreSQL (issue 15, item 2), as the outside attack suite sent them: 20 toggles are 20
flips, a priority set among 20 title-only PATCHes sticks, one of 10 DELETEs is 204 and the
others 404. The use-case level proof on every store is tests/contract/test_concurrent_changes.py."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.reliability.attack_support import Live, live_server
from tests.support.postgres import create_database, drop_database

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def live(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    workdir = tmp_path_factory.mktemp(f"changes-{request.param}")
    url = f"sqlite+aiosqlite:///{workdir / 'todo.db'}" if request.param == "sqlite" else asyncio.run(create_database())
    try:
        with live_server(workdir, {"DATABASE_URL": url}) as server:
            yield server
    finally:
        if request.param == "postgres":
            asyncio.run(drop_database(url))


async def _new_task(live: Live, user: str, **body: str) -> str:
    async with live.async_client(user) as client:
        created = await client.post(f"/api/{user}/tasks", json={"title": "contested", **body})
        assert created.status_code == 201, created.text
        return f"/api/{user}/tasks/{created.json()['id']}"


async def test_twenty_concurrent_toggles_are_twenty_flips(live: Live) -> None:
    task = await _new_task(live, "toggler")
    async with live.async_client("toggler") as client:
        answers = await asyncio.gather(*(client.patch(f"{task}/complete") for _ in range(20)))
        assert [a.status_code for a in answers] == [200] * 20
        assert sum(a.json()["completed"] for a in answers) == 10
        assert (await client.get(task)).json()["completed"] is False


async def test_a_priority_among_concurrent_title_patches_sticks(live: Live) -> None:
    task = await _new_task(live, "patcher", priority="low")
    async with live.async_client("patcher") as client:
        titles = [client.patch(task, json={"title": f"title {n}"}) for n in range(20)]
        answers = await asyncio.gather(*titles[:10], client.patch(task, json={"priority": "high"}), *titles[10:])
        assert [a.status_code for a in answers] == [200] * 21
        assert (await client.get(task)).json()["priority"] == "high"


async def test_one_of_ten_concurrent_deletes_is_204(live: Live) -> None:
    task = await _new_task(live, "deleter")
    async with live.async_client("deleter") as client:
        answers = await asyncio.gather(*(client.delete(task) for _ in range(10)))
        assert sorted(a.status_code for a in answers) == [204] + [404] * 9
