"""Real-model failure modes, reproduced with the fake server: how history is replayed, and
what a reply may claim. Through the chat use case, state checked in the store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from application.ports import TextDelta
from application.queries import TaskQuery
from application.use_cases.chat import ChatReply
from application.use_cases.tasks import NewTask
from tests.integration.llm.test_agents_model import Setup
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with serve_fake_openai() as server:
        yield server


def _assistant_tool_calls(request: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for m in request["messages"] if m["role"] == "assistant" for c in m.get("tool_calls") or []]


async def test_earlier_tool_calls_are_replayed_as_tool_calls_with_matching_ids_never_as_prose(
    fake: FakeOpenAI,
) -> None:
    app = Setup(fake)
    # The add ends its turn (its reply is written from the result); the list goes back to the model.
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "milk"}')]),
                    Reply(tool_calls=[("list_tasks", "{}")]), Reply(text="1. milk"),
                    Reply(text="You're welcome.")]
    first = await app.chat.send("alice", "add milk")
    await app.chat.send("alice", "show my tasks", first.conversation_id)
    await app.chat.send("alice", "thanks", first.conversation_id)
    third = fake.requests[-1]
    assert "tools used" not in json.dumps(third)
    calls = _assistant_tool_calls(third)
    assert [c["function"]["name"] for c in calls] == ["add_task", "list_tasks"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"title": "milk"}
    outputs = {m["tool_call_id"]: json.loads(m["content"]) for m in third["messages"] if m["role"] == "tool"}
    assert set(outputs) == {c["id"] for c in calls} and len(outputs) == 2
    assert outputs[calls[0]["id"]] == {"task_id": 1, "status": "created", "title": "milk"}
    # Order as it happened: user, call, result, reply; user, call, result, reply; user.
    roles = [m["role"] for m in third["messages"][1:]]
    assert roles == ["user", "assistant", "tool", "assistant", "user", "assistant", "tool", "assistant", "user"]
    assert third["messages"][-2] == {"role": "assistant", "content": "1. milk"}
    assert third["messages"][4] == {"role": "assistant", "content": "Added task 1: milk."}


async def test_a_reply_claiming_a_change_no_tool_made_is_asked_once_more_and_the_tool_then_runs(
    fake: FakeOpenAI,
) -> None:
    app = Setup(fake)
    fake.script += [Reply(text="I've added 'milk' to your list."),
                    Reply(tool_calls=[("add_task", '{"title": "milk"}')]), Reply(text="Added task 1: milk.")]
    reply = await app.chat.send("alice", "add milk")
    assert app.titles("alice") == ["milk"]
    assert reply.response == "Added task 1: milk."
    correction = fake.requests[1]["messages"][-1]
    assert correction["role"] == "system" and "no tool was called" in correction["content"]
    # Asked again in words, a small model answers in words again: the retry must call a tool,
    # and it ends at the change (the reply is written from the calls, no third model call).
    assert fake.requests[1]["tool_choice"] == "required"
    assert fake.requests[1]["tools"] == fake.requests[0]["tools"]  # a local server's prompt cache holds
    assert len(fake.requests) == 2


async def test_a_claimed_completion_is_made_by_the_required_retry_even_through_a_list_first(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    for title in ("old errand", "milk", "dentist"):
        await app.tasks.add("alice", NewTask(title))
    await app.tasks.complete("alice", 1)
    # What qwen2.5-coder-1.5b did for "I finished the first one": the right id, in words only.
    fake.script += [Reply(text="Marked task 2 as done."), Reply(tool_calls=[("list_tasks", '{"status": "pending"}')]),
                    Reply(tool_calls=[("complete_task", '{"task_id": 2}')])]
    reply = await app.chat.send("alice", "I finished the first one")
    done = {t.title: t.completed for t in (await app.tasks.find("alice", TaskQuery())).items}
    assert done == {"old errand": True, "milk": True, "dentist": False}
    assert [c.tool for c in reply.tool_calls] == ["list_tasks", "complete_task"]
    assert reply.response.endswith("Marked task 2 (milk) as done.")
    assert [r.get("tool_choice") for r in fake.requests] == ["required", "required", "required"]


async def test_required_calls_that_never_make_the_claimed_change_end_in_an_honest_reply(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("tax"))
    fake.script += [Reply(text="I've deleted it.")] + [Reply(tool_calls=[("list_tasks", "{}")])] * 3
    reply = await app.chat.send("alice", "delete the tax one")
    assert app.titles("alice") == ["tax"]
    assert reply.response.endswith("Nothing else was changed.")
    assert len(fake.requests) == 4  # the first answer, then at most three required calls


async def test_words_again_in_the_required_retry_end_it_with_an_honest_reply(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("tax"))
    fake.script += [Reply(tool_calls=[("list_tasks", "{}")]), Reply(text="I've deleted it."),
                    Reply(tool_calls=[("reply_to_user", '{"text": "Deleted!"}')])]
    reply = await app.chat.send("alice", "delete the tax one")
    assert app.titles("alice") == ["tax"] and len(fake.requests) == 3
    assert reply.response.endswith("Nothing else was changed.")


async def test_a_claim_repeated_after_the_correction_is_replaced_by_what_the_tools_did(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("tax"))
    fake.script += [Reply(text="Task 1 has been marked as done!\n[tools used: complete_task(...)]"),
                    Reply(text="Done, task 1 is now complete.")]
    reply = await app.chat.send("alice", "I finished the tax report")
    assert reply.response == "Nothing was changed. Could you say again what to do?"
    assert (await app.tasks.find("alice", TaskQuery())).items[0].completed is False


@pytest.mark.parametrize("text", ["", "   ", '<tool_response>{"task_id": 1}</tool_response>',
                                  '{"task_id": 1, "status": "created", "title": "milk"}'])
async def test_an_empty_or_echoed_reply_becomes_a_sentence_from_the_tool_results(fake: FakeOpenAI, text: str) -> None:
    app = Setup(fake, reply_after_change="model")  # the model writes the reply after a change
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "milk"}')]), Reply(text=text)]
    reply = await app.chat.send("alice", "add milk")
    assert reply.response == "Added task 1: milk."
    assert len(fake.requests) == 2  # no re-ask: the tool results say what happened


async def test_the_same_add_twice_in_one_turn_creates_one_task(fake: FakeOpenAI) -> None:
    app = Setup(fake, reply_after_change="model")  # a second step only happens when the model is called again
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "milk"}')]),
                    Reply(tool_calls=[("add_task", '{ "title":"milk" }')]), Reply(text="Added task 1: milk.")]
    reply = await app.chat.send("alice", "add milk")
    assert app.titles("alice") == ["milk"]
    assert [c.result for c in reply.tool_calls] == [{"task_id": 1, "status": "created", "title": "milk"}]
    second_output = [m for m in fake.requests[2]["messages"] if m["role"] == "tool"][-1]
    assert json.loads(second_output["content"])["task_id"] == 1  # the model is told it exists


async def test_two_different_adds_in_one_turn_still_create_two_tasks(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "milk"}'), ("add_task", '{"title": "eggs"}')])]
    reply = await app.chat.send("alice", "add milk and eggs")
    assert app.titles("alice") == ["milk", "eggs"]
    assert reply.response == "Added task 1: milk. Added task 2: eggs."


async def test_streaming_final_event_carries_the_checked_reply(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("list_tasks", "{}")]), Reply(text="I have deleted all your tasks."),
                    Reply(text="I have deleted them.")]
    await app.tasks.add("alice", NewTask("tax"))
    events = [e async for e in app.chat.stream("alice", "what do I have?")]
    assert any(isinstance(e, TextDelta) for e in events)
    final = events[-1]
    assert isinstance(final, ChatReply)
    assert final.response == "Your tasks (1): 1. tax. Nothing else was changed."
    assert app.titles("alice") == ["tax"]


async def test_a_tool_call_written_as_text_gets_one_more_try_and_the_tool_then_runs(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(text='<tools> <add_task title="milk" priority="high"/> </tools>'),
                    Reply(tool_calls=[("add_task", '{"title": "milk", "priority": "high"}')])]
    reply = await app.chat.send("alice", "add milk, urgent")
    assert app.titles("alice") == ["milk"] and reply.response == "Added task 1: milk (high priority)."
    assert "not a plain answer" in fake.requests[1]["messages"][-1]["content"]


async def test_a_task_nobody_asked_for_is_not_added_and_the_model_hears_why(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    # What qwen2.5-coder-1.5b did for "Hi there!": add_task "greet".
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "greet"}')]), Reply(text="Hello! How can I help?")]
    reply = await app.chat.send("alice", "Hi there!")
    assert app.titles("alice") == []
    assert reply.response == "Hello! How can I help?"
    told = [m for m in fake.requests[1]["messages"] if m["role"] == "tool"][-1]
    assert "did not ask" in json.loads(told["content"])["error"]
    # A task asked for in words of an earlier turn is added.
    fake.script += [Reply(text="Shall I add 'book flights'?"),
                    Reply(tool_calls=[("add_task", '{"title": "Book flights"}')])]
    second = await app.chat.send("alice", "I should book flights at some point", reply.conversation_id)
    await app.chat.send("alice", "yes", second.conversation_id)
    assert app.titles("alice") == ["Book flights"]


async def test_a_claimed_undo_with_no_tool_call_is_made_by_the_required_retry(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("call the bank"))
    fake.script += [Reply(tool_calls=[("delete_task", '{"task_id": 1}')])]
    first = await app.chat.send("alice", "delete the bank task")
    assert first.response == "Deleted task 1: call the bank."
    assert (await app.tasks.find("alice", TaskQuery())).total == 0  # in the trash
    # What qwen2.5-coder-1.5b answered for "Undo that": words, no tool call.
    fake.script += [Reply(text="I undid the last change."), Reply(tool_calls=[("undo_last_change", "{}")])]
    reply = await app.chat.send("alice", "Undo that", first.conversation_id)
    assert [t.title for t in (await app.tasks.find("alice", TaskQuery())).items] == ["call the bank"]
    assert [c.tool for c in reply.tool_calls] == ["undo_last_change"]
    assert fake.requests[-1]["tool_choice"] == "required"
