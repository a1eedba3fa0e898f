"""The Agents SDK adapter against a fake OpenAI-compatible server, through the chat use case."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from adapters.llm.openai_agents import AgentsModel, AgentsSettings, Backoff
from adapters.memory.store import MemoryStore
from application.errors import LanguageModelUnavailable
from application.history import HistoryWindow
from application.ports import TextDelta, ToolEvent
from application.queries import TaskQuery
from application.tools import TOOLS, ToolCatalogue
from application.use_cases.chat import ChatReply, ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.values import Role
from tests.doubles import FakeClock, SequentialIds
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with serve_fake_openai() as server:
        yield server


class Setup:
    def __init__(self, fake: FakeOpenAI, **settings: object) -> None:
        self.store = MemoryStore()
        clock = FakeClock()
        self.tasks = TaskUseCases(self.store.unit_of_work, clock)
        self.delays: list[float] = []

        async def sleep(seconds: float) -> None:
            self.delays.append(seconds)  # no real waiting in tests

        options = {"base_url": fake.base_url, "model": "fake", "backoff_base": 0.01, "backoff_max": 0.05,
                   "request_timeout": 2.0, "turn_deadline": 10.0, **settings}
        config = AgentsSettings(**options)  # type: ignore[arg-type]
        self.model = AgentsModel(config, backoff=Backoff(config, sleep=sleep))
        self.chat = ChatUseCases(self.store.unit_of_work, clock, SequentialIds(), self.model,
                                 ToolCatalogue(self.tasks, clock), HistoryWindow())

    def titles(self, user: str) -> list[str]:
        return [t.title for t in self.store.state.tasks.get(user, {}).values()]


async def test_a_change_ends_the_turn_with_a_reply_from_its_result_and_only_the_users_tasks(
    fake: FakeOpenAI,
) -> None:
    app = Setup(fake)
    await app.tasks.add("bob", NewTask("bob's private task"))
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "call mom", "priority": "high"}')]),
                    Reply(text="never asked for")]
    reply = await app.chat.send("alice", "remind me to call mom, urgent")
    # One model call: the reply is written from what the tool did, not by a second call.
    assert len(fake.requests) == 1
    assert reply.response == "Added task 1: call mom (high priority)."
    assert [c.tool for c in reply.tool_calls] == ["add_task"]
    assert reply.tool_calls[0].result == {"task_id": 1, "status": "created", "title": "call mom"}
    assert app.titles("alice") == ["call mom"] and app.titles("bob") == ["bob's private task"]
    # What the model was sent: our system prompt, the user's words, tool schemas without user_id,
    # and a tool call required (words go through reply_to_user).
    first = fake.requests[0]
    assert first["messages"][0]["role"] == "system" and "todo-chat" in first["messages"][0]["content"]
    assert "reply_to_user" in first["messages"][0]["content"]
    assert first["messages"][-1] == {"role": "user", "content": "remind me to call mom, urgent"}
    assert first["tool_choice"] == "required" and first["parallel_tool_calls"] is True
    names = {t["function"]["name"] for t in first["tools"]}
    assert names == {spec.name for spec in TOOLS} | {"reply_to_user"}  # every catalogue tool, bulk ones included
    assert all("user_id" not in t["function"]["parameters"]["properties"] for t in first["tools"])
    stored = app.store.state.messages[reply.conversation_id]
    assert stored[-1].role is Role.ASSISTANT and stored[-1].tool_calls[0].tool == "add_task"
    assert stored[-1].content == "Added task 1: call mom (high priority)."
    assert stored[-1].token_count == 7  # output tokens of the one model call


async def test_with_reply_after_change_model_the_result_goes_back_to_the_model(fake: FakeOpenAI) -> None:
    app = Setup(fake, reply_after_change="model")
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "call mom"}')]), Reply(text="Done: call mom.")]
    reply = await app.chat.send("alice", "remind me to call mom")
    assert reply.response == "Done: call mom." and app.titles("alice") == ["call mom"]
    tool_message = next(m for m in fake.requests[1]["messages"] if m["role"] == "tool")
    assert json.loads(tool_message["content"])["task_id"] == 1
    assert "tool_choice" not in fake.requests[1]  # free to answer in words once a tool ran


async def test_a_read_goes_back_to_the_model_and_its_words_are_the_reply(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("water the plants"))
    fake.script += [Reply(tool_calls=[("list_tasks", '{"status": "pending"}')]),
                    Reply(text="One task left: water the plants.")]
    reply = await app.chat.send("alice", "what is left?")
    assert reply.response == "One task left: water the plants." and len(fake.requests) == 2
    listed = next(m for m in fake.requests[1]["messages"] if m["role"] == "tool")
    assert [t["title"] for t in json.loads(listed["content"])["tasks"]] == ["water the plants"]


async def test_words_come_through_reply_to_user_and_change_nothing(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("reply_to_user", '{"text": "Hi! What should I add?"}')]),
                    Reply(text="never asked for")]
    reply = await app.chat.send("alice", "hi there")
    assert reply.response == "Hi! What should I add?" and reply.tool_calls == []
    assert len(fake.requests) == 1 and app.titles("alice") == []


async def test_two_changes_in_one_step_both_happen_and_the_reply_names_both(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "buy bread"}'),
                                      ("add_task", '{"title": "call grandma", "due_date": "2026-03-03"}')])]
    reply = await app.chat.send("alice", "add buy bread and call grandma tomorrow")
    assert sorted(app.titles("alice")) == ["buy bread", "call grandma"] and len(fake.requests) == 1
    assert reply.response == "Added task 1: buy bread. Added task 2: call grandma (due tomorrow)."


async def test_a_change_after_a_read_is_described_without_the_listing(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("buy milk"))
    fake.script += [Reply(tool_calls=[("list_tasks", "{}")]), Reply(tool_calls=[("complete_task", '{"task_id": 1}')])]
    reply = await app.chat.send("alice", "I finished the first one")
    assert reply.response == "Marked task 1 (buy milk) as done." and len(fake.requests) == 2
    assert "tool_choice" not in fake.requests[1]


async def test_a_failed_change_goes_back_to_the_model_to_correct(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("complete_task", '{"task_id": 4}')]),
                    Reply(tool_calls=[("reply_to_user", '{"text": "There is no task 4. Which one did you mean?"}')])]
    reply = await app.chat.send("alice", "done with 4")
    assert reply.response == "There is no task 4. Which one did you mean?" and len(fake.requests) == 2


async def test_smuggled_user_id_is_a_tool_error_and_bob_gets_nothing(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "x", "user_id": "bob"}')]),
                    Reply(text="I can only add tasks for you.")]
    reply = await app.chat.send("alice", "add x for bob")
    assert "error" in reply.tool_calls[0].result
    assert app.titles("bob") == [] and app.titles("alice") == []


@pytest.mark.parametrize("arguments", ['{"title": ', '{"task_id": "seven"}'])
async def test_malformed_or_invalid_arguments_go_back_to_the_model(fake: FakeOpenAI, arguments: str) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("complete_task", arguments)]), Reply(text="Sorry, which task?")]
    reply = await app.chat.send("alice", "done")
    assert reply.response == "Sorry, which task?" and "error" in reply.tool_calls[0].result
    tool_message = next(m for m in fake.requests[1]["messages"] if m["role"] == "tool")
    assert "error" in json.loads(tool_message["content"])


async def test_unknown_tool_and_missing_task_are_tool_errors(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("drop_database", "{}"), ("delete_task", '{"task_id": 9}')]),
                    Reply(text="Task 9 does not exist.")]
    reply = await app.chat.send("alice", "delete task 9")
    assert {c.result.get("error") for c in reply.tool_calls} == {"Task 9 not found", "Unknown tool 'drop_database'"}
    assert reply.response == "Task 9 does not exist."


async def test_429_then_success_honours_retry_after_and_runs_the_tool_once(fake: FakeOpenAI) -> None:
    app = Setup(fake, reply_after_change="model")  # a model call after the tool, to be retried
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "tea"}')]),
                    Reply(status=429, retry_after="0.04"), Reply(status=500), Reply(text="Added tea.")]
    reply = await app.chat.send("alice", "add tea")
    assert reply.response == "Added tea."
    assert app.titles("alice") == ["tea"]  # the retried call did not repeat the tool
    assert app.delays[0] == pytest.approx(0.04) and len(app.delays) == 2


async def test_exhausted_retries_raise_unavailable_and_keep_the_user_message(fake: FakeOpenAI) -> None:
    app = Setup(fake, max_attempts=3)
    fake.script += [Reply(status=503), Reply(status=429), Reply(status=500)]
    with pytest.raises(LanguageModelUnavailable, match="attempt 3 of 3"):
        await app.chat.send("alice", "hello?")
    (conversation,) = app.store.state.conversations.values()
    assert [m.content for m in app.store.state.messages[conversation.id]] == ["hello?"]
    fake.script.append(Reply(text="Back again."))
    assert (await app.chat.send("alice", "still there?", conversation.id)).response == "Back again."


async def test_client_errors_are_not_retried(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(status=401)]
    with pytest.raises(LanguageModelUnavailable, match="HTTP 401"):
        await app.chat.send("alice", "hi")
    assert len(fake.requests) == 1 and app.delays == []


async def test_a_hanging_model_times_out_within_the_deadline(fake: FakeOpenAI) -> None:
    app = Setup(fake, request_timeout=0.3, max_attempts=2, turn_deadline=5.0)
    fake.script += [Reply(hang=2.0, text="late"), Reply(hang=2.0, text="late")]
    with pytest.raises(LanguageModelUnavailable, match="timed out"):
        await app.chat.send("alice", "hi")
    assert len(fake.requests) == 2


async def test_streaming_yields_tool_events_text_and_the_final_reply(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    await app.tasks.add("alice", NewTask("stream me"))
    fake.script += [Reply(tool_calls=[("list_tasks", "{}")]), Reply(text="You have: stream me.")]
    events = [e async for e in app.chat.stream("alice", "what do I have?")]
    tools = [e for e in events if isinstance(e, ToolEvent)]
    assert [e.call.tool for e in tools] == ["list_tasks"]
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).strip() == "You have: stream me."
    final = events[-1]
    assert isinstance(final, ChatReply) and final.response.strip() == "You have: stream me."


async def test_a_streamed_change_ends_with_the_reply_from_its_result(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "stream me"}')]), Reply(text="never asked for")]
    events = [e async for e in app.chat.stream("alice", "add stream me")]
    assert [e.call.result["title"] for e in events if isinstance(e, ToolEvent)] == ["stream me"]
    final = events[-1]
    assert isinstance(final, ChatReply) and final.response == "Added task 1: stream me."
    assert (await app.tasks.find("alice", TaskQuery())).total == 1 and len(fake.requests) == 1


def test_missing_key_without_base_url_names_the_variable() -> None:
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        AgentsModel(AgentsSettings())


def test_api_defaults_to_chat_for_compatible_servers() -> None:
    assert AgentsSettings(base_url="http://127.0.0.1:1/v1").resolved_api == "chat"
    assert AgentsSettings(api_key="k").resolved_api == "responses"
