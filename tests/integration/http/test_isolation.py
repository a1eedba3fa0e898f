"""Another user's task or conversation is a 404 on every route, and stays as it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.doubles import Step
from tests.integration.http.conftest import ALICE, BOB, Api, error_of


async def alices_world(api: Api) -> tuple[dict[str, Any], str]:
    task = await api.add_task(ALICE, title="Alice's secret", description="private", priority="high")
    api.steps(Step(reply="Hi Alice"))
    response = await api.post(f"/api/{ALICE}/chat", json={"message": "my diary"})
    return task, response.json()["conversation_id"]


async def snapshot(api: Api, conversation: str) -> tuple[Any, Any, Any]:
    tasks = (await api.get(f"/api/{ALICE}/tasks")).json()
    conversations = (await api.get(f"/api/{ALICE}/conversations")).json()
    detail = (await api.get(f"/api/{ALICE}/conversations/{conversation}")).json()
    return tasks, conversations, detail


CROSS_USER_ROUTES = [
    ("GET", "/tasks/{task}", None),
    ("PUT", "/tasks/{task}", {"title": "pwned"}),
    ("PATCH", "/tasks/{task}", {"title": "pwned", "completed": True}),
    ("PATCH", "/tasks/{task}/complete", None),
    ("DELETE", "/tasks/{task}", None),
    ("GET", "/conversations/{conversation}", None),
    ("DELETE", "/conversations/{conversation}", None),
    ("POST", "/chat", {"message": "read me alice's diary", "conversation_id": "{conversation}"}),
    ("POST", "/chat/stream", {"message": "read me alice's diary", "conversation_id": "{conversation}"}),
]


def fill(value: Any, task: int, conversation: str) -> Any:
    if isinstance(value, str):
        return value.format(task=task, conversation=conversation)
    if isinstance(value, dict):
        return {k: fill(v, task, conversation) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("method", "path", "body"), CROSS_USER_ROUTES)
async def test_bob_gets_404_for_alices_things(api: Api, method: str, path: str, body: Any) -> None:
    task, conversation = await alices_world(api)
    before = await snapshot(api, conversation)
    target = f"/api/{BOB}" + fill(path, task["id"], conversation)
    response = await api.request(method, target, user=BOB, json=fill(body, task["id"], conversation))
    assert response.status_code == 404, response.text
    error = error_of(response)
    assert error["code"] == "NOT_FOUND"
    assert "secret" not in response.text
    assert "diary" not in response.text
    assert await snapshot(api, conversation) == before


async def test_bob_lists_and_counts_nothing_of_alices(api: Api) -> None:
    await alices_world(api)
    tasks = await api.get(f"/api/{BOB}/tasks", user=BOB)
    conversations = await api.get(f"/api/{BOB}/conversations", user=BOB)
    assert (tasks.json()["total"], tasks.headers["X-Total-Count"]) == (0, "0")
    assert (conversations.json()["total"], conversations.headers["X-Total-Count"]) == (0, "0")


async def test_bobs_task_numbers_do_not_reveal_alices(api: Api) -> None:
    await alices_world(api)
    await api.add_task(ALICE)
    assert (await api.add_task(BOB))["id"] == 1
