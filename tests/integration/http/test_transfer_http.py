"""Export and import through the HTTP app: the round trip, Todoist CSV, per-row errors, limits."""

from __future__ import annotations

import json
from typing import Any

from tests.doubles import Step
from tests.integration.http.conftest import ALICE, BOB, Api, error_of

CAROL = "carol"
CSV = "text/csv"
TASK_FIELDS = ("title", "description", "completed", "priority", "due_date", "recurrence", "labels",
               "created_at", "updated_at", "last_completed_at")


async def export(api: Api, user: str = ALICE) -> dict[str, Any]:
    response = await api.get(f"/api/{user}/export", user)
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    return dict(response.json())


async def import_(api: Api, user: str, body: bytes | str, media: str = "application/json", **params: str) -> Any:
    content = body.encode() if isinstance(body, str) else body
    return await api.post(
        f"/api/{user}/import", user, content=content, headers={"Content-Type": media}, params=params
    )


async def fill_alice(api: Api) -> None:
    await api.add_task(title="Water the plants", due_date="2026-03-09", recurrence="FREQ=WEEKLY;BYDAY=MO",
                       labels=["home", "Garden"], priority="high", description="ferns too")
    done = await api.add_task(title="Pay rent", due_date="2026-03-01")
    await api.request("PATCH", f"/api/{ALICE}/tasks/{done['id']}", json={"completed": True})
    await api.add_task(title="Plain")
    binned = await api.add_task(title="Old idea", labels=["someday"])
    assert (await api.delete(f"/api/{ALICE}/tasks/{binned['id']}")).status_code == 204
    api.steps(Step(calls=[("add_task", {"title": "call mom"})], reply="Added task 5: call mom"))
    response = await api.post(f"/api/{ALICE}/chat", json={"message": "remind me to call mom"})
    assert response.status_code == 200, response.text


def same_tasks(tasks: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [tuple(t[f] for f in TASK_FIELDS) for t in tasks]


async def test_export_then_import_into_a_fresh_user_gives_the_same_everything(api: Api) -> None:
    await fill_alice(api)
    document = await export(api)
    assert (document["format"], document["version"]) == ("todo-chat-export", 1)
    assert [t["title"] for t in document["tasks"]] == ["Water the plants", "Pay rent", "Plain", "call mom"]
    assert [t["title"] for t in document["trash"]] == ["Old idea"]
    assert document["trash"][0]["deleted_at"] is not None
    (conversation,) = document["conversations"]
    assert [m["role"] for m in conversation["messages"]] == ["user", "assistant"]

    response = await import_(api, CAROL, json.dumps(document))
    assert response.status_code == 200, response.text
    counts = response.json()
    assert {k: counts[k] for k in ("source", "tasks", "trash", "conversations", "messages")} == {
        "source": "todo-chat-export", "tasks": 4, "trash": 1, "conversations": 1, "messages": 2,
    }
    assert counts["task_ids"] == [1, 2, 3, 4, 5]  # carol's own counter, from 1, in the export's order

    copied = await export(api, CAROL)
    assert copied["user_id"] == CAROL
    assert same_tasks(copied["tasks"]) == same_tasks(document["tasks"])
    assert same_tasks(copied["trash"]) == same_tasks(document["trash"])
    # A new account and an export without gaps: every task keeps its number too.
    assert [t["id"] for t in copied["tasks"] + copied["trash"]] == [1, 2, 3, 5, 4]
    (copy,) = copied["conversations"]
    assert copy["id"] != conversation["id"] and copy["title"] == conversation["title"]
    assert [(m["role"], m["content"], m["tool_calls"]) for m in copy["messages"]] == [
        (m["role"], m["content"], m["tool_calls"]) for m in conversation["messages"]
    ]
    # Alice's own data is untouched, and the trash restores in carol's account.
    assert len((await export(api))["tasks"]) == 4
    restored = await api.post(f"/api/{CAROL}/trash/4/restore", CAROL)
    assert restored.status_code == 200 and restored.json()["title"] == "Old idea"


async def test_import_numbers_after_the_users_own_tasks_and_renumbers_tool_calls(api: Api) -> None:
    await fill_alice(api)
    document = await export(api)
    for _ in range(3):
        await api.add_task(BOB, title="bob's own")
    counts = (await import_(api, BOB, json.dumps(document))).json()
    assert counts["task_ids"] == [4, 5, 6, 7, 8]  # never a number bob used
    (conversation,) = (await export(api, BOB))["conversations"]
    (call,) = conversation["messages"][1]["tool_calls"]
    assert call["result"]["task_id"] == 8  # alice's task 5 ("call mom") is bob's task 8


async def test_import_ignores_the_user_id_in_the_document(api: Api) -> None:
    document = {"format": "todo-chat-export", "version": 1, "user_id": BOB,
                "tasks": [{"title": "mine", "user_id": BOB}]}
    assert (await import_(api, ALICE, json.dumps(document))).status_code == 200
    assert [t["title"] for t in (await export(api))["tasks"]] == ["mine"]
    assert (await export(api, BOB))["tasks"] == []


async def test_a_bad_row_imports_nothing_and_every_bad_row_is_named(api: Api) -> None:
    await api.add_task(title="already here")
    document = {
        "format": "todo-chat-export",
        "version": 1,
        "tasks": [
            {"title": "fine"},
            {"title": "bad date", "due_date": "2026-02-30"},
            {"title": "  "},
            {"title": "bad rule", "recurrence": "FREQ=HOURLY"},
            {"title": "bad priority", "priority": "urgent"},
        ],
        "trash": [{"title": 5}],
    }
    response = await import_(api, ALICE, json.dumps(document))
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert [(d["row"], d["field"]) for d in error["details"]] == [
        (2, "tasks.due_date"), (3, "tasks.title"), (4, "tasks.recurrence"), (5, "tasks.priority"), (1, "trash.title"),
    ]
    assert all(set(d) == {"row", "field", "message"} for d in error["details"])
    assert [t["title"] for t in (await export(api))["tasks"]] == ["already here"]
    assert (await api.add_task(title="next"))["id"] == 2  # no number was burnt


async def test_todoist_csv_import(api: Api) -> None:
    csv = (
        "TYPE,CONTENT,DESCRIPTION,PRIORITY,INDENT,AUTHOR,RESPONSIBLE,DATE,DATE_LANG,TIMEZONE\n"
        "task,Buy milk @shopping,,1,1,,,2026-03-10,en,\n"
        "task,Water plants,,4,1,,,every monday,en,\n"
        "task,Think,,3,1,,,every last friday,en,\n"
    )
    response = await import_(api, ALICE, csv, CSV)
    assert response.status_code == 200, response.text
    assert response.json()["source"] == "todoist-csv" and response.json()["tasks"] == 3
    milk, plants, think = (await export(api))["tasks"]
    assert (milk["title"], milk["labels"], milk["priority"], milk["due_date"]) == (
        "Buy milk", ["shopping"], "high", "2026-03-10",
    )
    assert plants["recurrence"] == "FREQ=WEEKLY;BYDAY=MO" and plants["due_date"] is not None
    assert (think["priority"], think["recurrence"], think["description"]) == (
        "low", None, "Todoist date: every last friday",
    )


async def test_a_bad_csv_row_imports_nothing(api: Api) -> None:
    csv = "TYPE,CONTENT,PRIORITY,DATE\ntask,ok,1,\ntask,bad,9,\ntask,worse,1,2026-13-01\n"
    response = await import_(api, ALICE, csv, CSV)
    assert response.status_code == 400
    details = error_of(response)["details"]
    assert [(d["row"], d["field"]) for d in details] == [(3, "PRIORITY"), (4, "DATE")]
    assert (await export(api))["tasks"] == []


async def test_wrong_format_version_media_type_and_json_are_400(api: Api) -> None:
    cases = [
        ({"format": "other", "version": 1}, "format"),
        ({"format": "todo-chat-export", "version": 2}, "version"),
    ]
    for body, field in cases:
        response = await import_(api, ALICE, json.dumps(body))
        assert response.status_code == 400 and error_of(response)["details"][0]["field"] == field
    assert (await import_(api, ALICE, "{not json")).status_code == 400
    wrong_type = await import_(api, ALICE, "x", "text/plain")
    assert wrong_type.status_code == 400 and error_of(wrong_type)["details"][0]["field"] == "Content-Type"


async def test_import_bodies_larger_than_the_usual_limit_are_taken_up_to_5_mb(api: Api) -> None:
    tasks = [{"title": f"task {i}", "description": "x" * 1000} for i in range(200)]  # ~220 KB > 64 KB
    response = await import_(api, ALICE, json.dumps({"format": "todo-chat-export", "version": 1, "tasks": tasks}))
    assert response.status_code == 200, response.text
    assert response.json()["tasks"] == 200
    too_big = await import_(api, ALICE, b'{"format": "' + b"x" * (5 * 1024 * 1024) + b'"}')
    assert too_big.status_code == 413
    assert error_of(too_big)["code"] == "PAYLOAD_TOO_LARGE"
    # Other routes keep the usual bound.
    big_task = await api.post(f"/api/{ALICE}/tasks", json={"title": "t", "description": "x" * 70_000})
    assert big_task.status_code == 413


async def test_export_and_import_need_the_owners_token(api: Api) -> None:
    assert (await api.get(f"/api/{ALICE}/export", user=None)).status_code == 401
    assert (await api.get(f"/api/{ALICE}/export", user=BOB)).status_code == 403
    body = json.dumps({"format": "todo-chat-export", "version": 1, "tasks": [{"title": "x"}]}).encode()
    refused = await api.post(f"/api/{ALICE}/import", BOB, content=body, headers={"Content-Type": "application/json"})
    assert refused.status_code == 403
    assert (await export(api))["tasks"] == []


async def test_exports_and_imports_are_limited_per_user(api: Api) -> None:
    body = json.dumps({"format": "todo-chat-export", "version": 1, "tasks": []})
    for _ in range(15):
        assert (await api.get(f"/api/{ALICE}/export")).status_code == 200
        assert (await import_(api, ALICE, body)).status_code == 200
    limited = await import_(api, ALICE, body)
    assert limited.status_code == 429 and "retry-after" in limited.headers
    assert error_of(limited)["code"] == "RATE_LIMITED"
    assert (await api.get(f"/api/{BOB}/export", BOB)).status_code == 200  # counted per user


async def test_text_a_database_cannot_store_is_a_row_problem_not_a_500(api: Api) -> None:
    nul = "a\u0000b"
    document = {"format": "todo-chat-export", "version": 1, "conversations": [
        {"title": "fine", "messages": [{"role": "assistant", "content": nul}]},
        {"title": "x" * 300, "messages": []},
        {"title": "t", "messages": [{"role": "assistant", "content": "ok", "tool_calls": [
            {"tool": "add_task", "arguments": {"title": nul}, "result": {nul: 1}}]}]},
    ]}
    response = await import_(api, ALICE, json.dumps(document))
    assert response.status_code == 400, response.text
    assert [(d["row"], d["field"]) for d in error_of(response)["details"]] == [
        (1, "conversations.messages.content"), (2, "conversations.title"), (3, "conversations.messages.tool_calls"),
    ]
    assert (await export(api))["conversations"] == []
