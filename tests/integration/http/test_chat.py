"""Chat over HTTP: one turn, the SSE stream, model failures, limits; conversations."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from dependency_injector import providers

from adapters.memory.rate_limits import MemoryRateLimiter
from domain.values import Role
from entrypoints.config import RateLimit
from tests.doubles import Step
from tests.integration.http.conftest import ALICE, Api, error_of

CHAT = f"/api/{ALICE}/chat"
STREAM = f"/api/{ALICE}/chat/stream"
CONVERSATIONS = f"/api/{ALICE}/conversations"


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


async def stored_messages(api: Api, user: str, conversation_id: str) -> list[tuple[str, str]]:
    assert api.store is not None
    return [
        (m.role.value, m.content)
        for m in api.store.state.messages.get(uuid.UUID(conversation_id), [])
        if m.user_id == user
    ]


async def test_a_turn_runs_tools_for_the_user_and_answers(api: Api) -> None:
    api.steps(Step(calls=[("add_task", {"title": "Call mom", "priority": "high"})], reply="Added Call mom."))
    response = await api.post(CHAT, json={"message": "remind me to call mom, high priority"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"conversation_id", "response", "tool_calls"}
    assert body["response"] == "Added Call mom."
    assert body["tool_calls"] == [
        {
            "tool": "add_task",
            "arguments": {"title": "Call mom", "priority": "high"},
            "result": {"task_id": 1, "status": "created", "title": "Call mom"},
        }
    ]
    tasks = (await api.get(f"/api/{ALICE}/tasks")).json()["data"]
    assert [(t["title"], t["priority"]) for t in tasks] == [("Call mom", "high")]


async def test_a_conversation_continues_with_its_history(api: Api) -> None:
    api.steps(Step(reply="Hello!"), Step(reply="Still here."))
    first = (await api.post(CHAT, json={"message": "hi"})).json()
    second = await api.post(CHAT, json={"message": "again", "conversation_id": first["conversation_id"]})
    assert second.status_code == 200
    assert second.json()["conversation_id"] == first["conversation_id"]
    shown = api.model.seen[-1].history
    assert [(m.role, m.content) for m in shown] == [
        (Role.USER, "hi"), (Role.ASSISTANT, "Hello!"), (Role.USER, "again"),
    ]


async def test_timezone_decides_today(api: Api) -> None:
    api.steps(Step(reply="ok"), Step(reply="ok"))
    await api.post(CHAT, json={"message": "hi", "timezone": "Pacific/Kiritimati"})
    await api.post(CHAT, json={"message": "hi", "timezone": "Pacific/Pago_Pago"})
    kiritimati, pago_pago = (request.tools.today for request in api.model.seen)
    assert (kiritimati - pago_pago).days in {1, 2}


async def test_unknown_conversation_is_404(api: Api) -> None:
    response = await api.post(CHAT, json={"message": "hi", "conversation_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert error_of(response)["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"message": ""}, "message"),
        ({"message": "   "}, "message"),
        ({"message": "x" * 5001}, "message"),
        ({}, "message"),
        ({"message": 3}, "message"),
        ({"message": "hi", "conversation_id": "nope"}, "conversation_id"),
        ({"message": "hi", "timezone": "Mars/Olympus"}, "timezone"),
        ({"message": "hi", "timezone": "x" * 65}, "timezone"),
        ({"message": "hi", "user_id": "bob"}, "user_id"),
    ],
)
@pytest.mark.parametrize("path", [CHAT, STREAM])
async def test_chat_validation_names_the_field(api: Api, path: str, body: dict[str, Any], field: str) -> None:
    response = await api.post(path, json=body)
    assert response.status_code == 400, response.text
    assert error_of(response)["details"][0]["field"] == field


async def test_model_failure_is_503_and_the_message_is_kept(api: Api) -> None:
    api.steps(Step(reply="first"), Step(fail=True))
    conversation = (await api.post(CHAT, json={"message": "hello"})).json()["conversation_id"]
    response = await api.post(CHAT, json={"message": "add milk", "conversation_id": conversation})
    assert response.status_code == 503
    assert error_of(response)["code"] == "LLM_UNAVAILABLE"
    assert await stored_messages(api, ALICE, conversation) == [
        ("user", "hello"), ("assistant", "first"), ("user", "add milk"),
    ]


async def test_the_stream_sends_conversation_tools_deltas_and_done(api: Api) -> None:
    api.steps(Step(calls=[("add_task", {"title": "Tea"})], reply="Added Tea for you."))
    response = await api.post(STREAM, json={"message": "add tea"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[0] == "conversation"
    assert names[-1] == "done"
    assert "tool" in names
    assert "delta" in names
    conversation_id = events[0][1]["conversation_id"]
    done = events[-1][1]
    assert done["conversation_id"] == conversation_id
    assert done["response"] == "Added Tea for you."
    assert "".join(data["text"] for name, data in events if name == "delta").strip() == "Added Tea for you."
    assert [data for name, data in events if name == "tool"] == done["tool_calls"]
    assert await stored_messages(api, ALICE, conversation_id) == [
        ("user", "add tea"), ("assistant", done["response"]),
    ]


async def test_the_stream_reports_model_failure_as_an_error_event(api: Api) -> None:
    api.steps(Step(fail=True))
    response = await api.post(STREAM, json={"message": "hi"})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert [name for name, _ in events] == ["conversation", "error"]
    assert events[-1][1]["error"]["code"] == "LLM_UNAVAILABLE"
    assert await stored_messages(api, ALICE, events[0][1]["conversation_id"]) == [("user", "hi")]


async def test_stream_problems_before_the_turn_are_plain_json(api: Api) -> None:
    response = await api.post(STREAM, json={"message": "hi", "conversation_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


async def test_chat_turns_are_rate_limited_per_user(api: Api) -> None:
    api.container.chat_limiter.override(providers.Object(MemoryRateLimiter(RateLimit(2, 60))))
    api.steps(Step(reply="1"), Step(reply="2"), Step(reply="bob"))
    assert (await api.post(CHAT, json={"message": "one"})).status_code == 200
    assert (await api.post(STREAM, json={"message": "two"})).status_code == 200
    limited = await api.post(CHAT, json={"message": "three"})
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "RATE_LIMITED"
    assert int(limited.headers["Retry-After"]) >= 1
    assert (await api.post(STREAM, json={"message": "four"})).status_code == 429
    assert (await api.post("/api/bob/chat", user="bob", json={"message": "hi"})).status_code == 200


# ------------------------------------------------------------------------ conversations


async def chat_turns(api: Api, *messages: str, conversation: str | None = None) -> str:
    for message in messages:
        api.steps(Step(reply=f"re: {message}"))
        body: dict[str, Any] = {"message": message}
        if conversation:
            body["conversation_id"] = conversation
        response = await api.post(CHAT, json=body)
        assert response.status_code == 200, response.text
        conversation = response.json()["conversation_id"]
    assert conversation is not None
    return conversation


async def test_conversations_are_listed_newest_first_and_paged(api: Api) -> None:
    first = await chat_turns(api, "first topic")
    second = await chat_turns(api, "second topic")
    third = await chat_turns(api, "third topic")
    await chat_turns(api, "back to the first", conversation=first)
    response = await api.get(CONVERSATIONS)
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body["data"]] == [first, third, second]
    assert (body["total"], body["limit"], body["offset"]) == (3, 20, 0)
    assert response.headers["X-Total-Count"] == "3"
    assert set(body["data"][0]) == {"id", "title", "created_at", "updated_at"}
    assert body["data"][0]["title"] == "first topic"
    page = (await api.get(CONVERSATIONS, params={"limit": 1, "offset": 1})).json()
    assert [c["id"] for c in page["data"]] == [third]


async def test_a_conversation_with_its_messages_oldest_first(api: Api) -> None:
    api.steps(Step(calls=[("add_task", {"title": "Tea"})], reply="Added."))
    conversation = (await api.post(CHAT, json={"message": "add tea"})).json()["conversation_id"]
    await chat_turns(api, "thanks", conversation=conversation)
    response = await api.get(f"{CONVERSATIONS}/{conversation}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "title", "created_at", "updated_at", "messages"}
    messages = body["messages"]
    assert (messages["total"], messages["limit"], messages["offset"]) == (4, 50, 0)
    assert response.headers["X-Total-Count"] == "4"
    assert [(m["role"], m["content"]) for m in messages["data"]] == [
        ("user", "add tea"), ("assistant", "Added."), ("user", "thanks"), ("assistant", "re: thanks"),
    ]
    assert messages["data"][1]["tool_calls"][0]["tool"] == "add_task"
    assert set(messages["data"][0]) == {"id", "role", "content", "tool_calls", "created_at"}
    page = (await api.get(f"{CONVERSATIONS}/{conversation}", params={"limit": 2, "offset": 2})).json()
    assert [m["content"] for m in page["messages"]["data"]] == ["thanks", "re: thanks"]


async def test_delete_a_conversation(api: Api) -> None:
    conversation = await chat_turns(api, "hello")
    response = await api.delete(f"{CONVERSATIONS}/{conversation}")
    assert response.status_code == 204
    assert (await api.get(f"{CONVERSATIONS}/{conversation}")).status_code == 404
    assert (await api.delete(f"{CONVERSATIONS}/{conversation}")).status_code == 404
    assert (await api.get(CONVERSATIONS)).json()["total"] == 0
    assert await stored_messages(api, ALICE, conversation) == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}, {"limit": "x"}])
async def test_conversation_paging_is_validated(api: Api, params: dict[str, Any]) -> None:
    conversation = await chat_turns(api, "hello")
    for path in (CONVERSATIONS, f"{CONVERSATIONS}/{conversation}"):
        response = await api.get(path, params=params)
        assert response.status_code == 400
        assert error_of(response)["details"][0]["field"] in params


async def test_malformed_conversation_id_is_4xx(api: Api) -> None:
    response = await api.get(f"{CONVERSATIONS}/not-a-uuid")
    assert response.status_code in {400, 404}
    assert error_of(response)["code"] in {"VALIDATION_ERROR", "NOT_FOUND"}
