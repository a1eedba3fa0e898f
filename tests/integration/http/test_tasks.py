"""The task REST API: every route, its shapes, filters, paging and validation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.http.conftest import ALICE, Api, error_of

TASKS = f"/api/{ALICE}/tasks"
TASK_KEYS = {
    "id", "title", "description", "completed", "priority", "due_date", "created_at", "updated_at", "recurrence",
    "labels", "last_completed_at",
}


async def test_create_returns_201_and_the_task(api: Api) -> None:
    response = await api.post(
        TASKS, json={"title": "  Call mom  ", "description": "about Sunday", "priority": "high",
                     "due_date": "2026-03-03"}
    )
    assert response.status_code == 201
    task = response.json()
    assert set(task) == TASK_KEYS
    assert task["id"] == 1
    assert task["title"] == "Call mom"
    assert (task["description"], task["priority"], task["due_date"], task["completed"]) == (
        "about Sunday", "high", "2026-03-03", False,
    )
    assert task["created_at"].endswith("Z") or task["created_at"].endswith("+00:00")


async def test_defaults_when_only_a_title_is_given(api: Api) -> None:
    task = await api.add_task(title="Tea")
    assert (task["description"], task["priority"], task["due_date"], task["completed"]) == (
        None, "medium", None, False,
    )


async def test_ids_count_per_user_from_one(api: Api) -> None:
    assert [(await api.add_task())["id"] for _ in range(3)] == [1, 2, 3]
    assert (await api.add_task("bob"))["id"] == 1


async def test_get_one(api: Api) -> None:
    created = await api.add_task(title="Read")
    response = await api.get(f"{TASKS}/1")
    assert response.status_code == 200
    assert response.json() == created


async def test_list_has_envelope_and_total_header(api: Api) -> None:
    for title in ("a", "b", "c"):
        await api.add_task(title=title)
    response = await api.get(TASKS, params={"limit": 2, "offset": 1})
    assert response.status_code == 200
    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 1)
    assert [t["title"] for t in body["data"]] == ["b", "c"]
    assert response.headers["X-Total-Count"] == "3"


async def test_list_filters(api: Api) -> None:
    await api.add_task(title="buy milk", priority="high", due_date="2026-03-01")
    await api.add_task(title="buy bread", priority="low", due_date="2026-04-01")
    await api.add_task(title="walk dog")
    await api.request("PATCH", f"{TASKS}/3/complete")

    async def titles(**params: Any) -> list[str]:
        response = await api.get(TASKS, params=params)
        assert response.status_code == 200, response.text
        return [t["title"] for t in response.json()["data"]]

    assert await titles(status="pending") == ["buy milk", "buy bread"]
    assert await titles(status="completed") == ["walk dog"]
    assert await titles(status="all") == ["buy milk", "buy bread", "walk dog"]
    assert await titles(priority="high") == ["buy milk"]
    assert await titles(due_before="2026-03-15") == ["buy milk"]
    assert await titles(q="buy") == ["buy milk", "buy bread"]
    assert await titles(q="BREAD") == ["buy bread"]
    assert await titles(sort="-id") == ["walk dog", "buy bread", "buy milk"]
    assert await titles(sort="priority") == ["buy milk", "walk dog", "buy bread"]
    assert await titles(sort="title") == ["buy bread", "buy milk", "walk dog"]


async def test_put_replaces_every_editable_field(api: Api) -> None:
    await api.add_task(title="Old", description="notes", priority="high", due_date="2026-03-01")
    response = await api.request("PUT", f"{TASKS}/1", json={"title": "New"})
    assert response.status_code == 200, response.text
    task = response.json()
    # Omitted fields go back to their defaults: that is what makes PUT a replace.
    assert (task["title"], task["description"], task["priority"], task["due_date"], task["completed"]) == (
        "New", None, "medium", None, False,
    )
    response = await api.request(
        "PUT",
        f"{TASKS}/1",
        json={"title": "Newer", "priority": "low", "due_date": "2026-05-05", "completed": True},
    )
    assert (response.json()["priority"], response.json()["due_date"], response.json()["completed"]) == (
        "low", "2026-05-05", True,
    )


async def test_put_needs_a_title(api: Api) -> None:
    await api.add_task()
    response = await api.request("PUT", f"{TASKS}/1", json={"priority": "low"})
    assert response.status_code == 400
    assert error_of(response)["details"][0]["field"] == "title"


async def test_patch_changes_only_what_is_given(api: Api) -> None:
    await api.add_task(title="Keep", description="notes", priority="high", due_date="2026-03-01")
    response = await api.request("PATCH", f"{TASKS}/1", json={"priority": "low"})
    assert response.status_code == 200
    task = response.json()
    assert (task["title"], task["description"], task["priority"], task["due_date"]) == (
        "Keep", "notes", "low", "2026-03-01",
    )
    response = await api.request("PATCH", f"{TASKS}/1", json={"due_date": None, "description": None})
    assert (response.json()["due_date"], response.json()["description"]) == (None, None)
    response = await api.request("PATCH", f"{TASKS}/1", json={"completed": True})
    assert response.json()["completed"] is True
    response = await api.request("PATCH", f"{TASKS}/1", json={"completed": False, "title": "Renamed"})
    assert (response.json()["completed"], response.json()["title"]) == (False, "Renamed")


async def test_empty_patch_is_a_validation_error(api: Api) -> None:
    await api.add_task()
    response = await api.request("PATCH", f"{TASKS}/1", json={})
    assert response.status_code == 400
    assert error_of(response)["code"] == "VALIDATION_ERROR"


async def test_complete_toggles(api: Api) -> None:
    await api.add_task()
    first = await api.request("PATCH", f"{TASKS}/1/complete")
    second = await api.request("PATCH", f"{TASKS}/1/complete")
    assert (first.status_code, first.json()["completed"]) == (200, True)
    assert (second.status_code, second.json()["completed"]) == (200, False)


async def test_delete_is_204_then_404(api: Api) -> None:
    await api.add_task()
    response = await api.request("DELETE", f"{TASKS}/1")
    assert response.status_code == 204
    assert response.content == b""
    again = await api.request("DELETE", f"{TASKS}/1")
    assert again.status_code == 404
    assert error_of(again) == {"code": "NOT_FOUND", "message": "Task 1 not found", "details": None}


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/7"), ("PUT", "/7"), ("PATCH", "/7"), ("DELETE", "/7"), ("PATCH", "/7/complete")],
)
async def test_missing_task_is_404(api: Api, method: str, path: str) -> None:
    body = {"title": "x"} if method in {"PUT", "PATCH"} else None
    response = await api.request(method, TASKS + path, json=body)
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": 5}, "title"),
        ({"title": None}, "title"),
        ({}, "title"),
        ({"title": "ok", "description": "d" * 4001}, "description"),
        ({"title": "ok", "description": 3}, "description"),
        ({"title": "ok", "priority": "urgent"}, "priority"),
        ({"title": "ok", "due_date": "tomorrow"}, "due_date"),
        ({"title": "ok", "due_date": "2026-02-30"}, "due_date"),
        ({"title": "ok", "user_id": "bob"}, "user_id"),
        ({"title": "ok", "completed": True}, "completed"),
    ],
)
async def test_create_validation_names_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = await api.post(TASKS, json=body)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == field
    assert error["message"].startswith(field)


@pytest.mark.parametrize("body", [[], "title", 3, None])
async def test_body_that_is_not_an_object_is_400(api: Api, body: Any) -> None:
    response = await api.post(TASKS, json=body)
    assert response.status_code == 400
    assert error_of(response)["code"] == "VALIDATION_ERROR"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**12}, "offset"),
        ({"status": "done"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"due_before": "soon"}, "due_before"),
        ({"sort": "colour"}, "sort"),
        ({"q": "x" * 256}, "q"),
    ],
)
async def test_list_validation_names_the_parameter(api: Api, params: dict[str, Any], field: str) -> None:
    response = await api.get(TASKS, params=params)
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == field


async def test_limit_bounds_are_inclusive(api: Api) -> None:
    for limit in (1, 100):
        response = await api.get(TASKS, params={"limit": limit})
        assert response.status_code == 200
        assert response.json()["limit"] == limit


@pytest.mark.parametrize("task_id", ["0", "-1", "2147483648", "99999999999999999999999"])
async def test_task_ids_out_of_range_are_4xx(api: Api, task_id: str) -> None:
    response = await api.get(f"{TASKS}/{task_id}")
    assert response.status_code in {400, 404}
    assert error_of(response)["code"] in {"VALIDATION_ERROR", "NOT_FOUND"}


@pytest.mark.parametrize("task_id", ["abc", "%D9%A1", "%EF%BC%91", "+1", "00001", "1%20", "%201", "1_0", "1.0"])
async def test_a_task_id_is_ascii_digits_only(api: Api, task_id: str) -> None:
    """Python's int() reads Arabic-Indic and full-width digits, signs, leading zeros and spaces:
    all of these were task 1 before; a task number in a path is written in ASCII digits."""
    await api.add_task(title="task one")
    response = await api.get(f"{TASKS}/{task_id}")
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR" and error["details"][0]["field"] == "task_id"
    for method in ("PUT", "PATCH", "DELETE"):
        assert (await api.request(method, f"{TASKS}/{task_id}", json={"title": "x"})).status_code == 400
    assert (await api.request("PATCH", f"{TASKS}/{task_id}/complete")).status_code == 400
    assert (await api.get(f"{TASKS}/1")).json()["title"] == "task one"  # untouched
