"""Resources, prompts, completion, logging, elicitation, progress and change notifications,
through the official client in process, in both protocol eras, always as one user."""

from __future__ import annotations

import json
import warnings
from datetime import date
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.server import Server
from mcp.shared.exceptions import MCPError
from mcp.types import (
    ElicitRequestParams,
    ElicitResult,
    LoggingMessageNotificationParams,
    PromptReference,
    ResourceTemplateReference,
    ResourceUpdatedNotification,
    TextContent,
    TextResourceContents,
)

from adapters.events import InProcessTaskChanges
from adapters.mcp import build_mcp_server
from adapters.memory.store import MemoryStore
from application.queries import TaskQuery
from application.tools import ToolCatalogue
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from tests.doubles import FakeClock

MODES = ["auto", "legacy"]


class World:
    """One store, one change feed, one server acting for ``alice``; bob's tasks beside hers."""

    def __init__(self, user: str = "alice") -> None:
        self.store = MemoryStore()
        self.clock = FakeClock()
        self.changes = InProcessTaskChanges()
        self.tasks = TaskUseCases(self.store.unit_of_work, self.clock, changes=self.changes)
        self.catalogue = ToolCatalogue(self.tasks, self.clock)

    def server(self, user: str = "alice") -> Server[Any]:
        return build_mcp_server(self.catalogue, lambda: user, changes=self.changes)

    async def titles(self, user: str, status: str = "all") -> list[str]:
        from domain.values import TaskStatus

        page = await self.tasks.find(user, TaskQuery(status=TaskStatus(status)))
        return [t.title for t in page.items]


@pytest.fixture
async def world() -> World:
    w = World()
    today = w.clock.now().date()
    await w.tasks.add("alice", NewTask("Pay rent", priority="high", due_date=date(today.year, today.month, 1)))
    await w.tasks.add("alice", NewTask("Buy milk", due_date=today))
    await w.tasks.add("alice", NewTask("Water plants"))
    await w.tasks.complete("alice", 3)
    await w.tasks.add("bob", NewTask("Bob secret plan"))
    await w.tasks.add("bob", NewTask("Bob other"))
    await w.tasks.add("bob", NewTask("Bob third"))
    await w.tasks.add("bob", NewTask("Bob fourth"))
    return w


def text_of(contents: list[Any]) -> Any:
    (content,) = contents
    assert isinstance(content, TextResourceContents)
    assert content.mime_type == "application/json"
    return json.loads(content.text)


@pytest.mark.parametrize("mode", MODES)
async def test_resources_are_the_users_open_tasks_and_each_task(world: World, mode: str) -> None:
    async with Client(world.server(), mode=mode) as client:
        listed = [str(r.uri) for r in (await client.list_resources()).resources]
        assert listed == ["tasks://open", "tasks://task/1", "tasks://task/2"]  # task 3 is done
        (template,) = (await client.list_resource_templates()).resource_templates
        assert template.uri_template == "tasks://task/{task_id}"

        open_tasks = text_of((await client.read_resource("tasks://open")).contents)
        assert [t["title"] for t in open_tasks["tasks"]] == ["Pay rent", "Buy milk"]
        assert open_tasks["total"] == 2
        done = text_of((await client.read_resource("tasks://task/3")).contents)
        assert done["title"] == "Water plants" and done["completed"] is True


@pytest.mark.parametrize("mode", MODES)
async def test_a_task_number_only_alice_lacks_is_not_found_never_bobs(world: World, mode: str) -> None:
    async with Client(world.server(), mode=mode) as client:
        # Bob has a task 4; for alice it does not exist, and nothing of bob's shows.
        with pytest.raises(MCPError) as missing:
            await client.read_resource("tasks://task/4")
        assert missing.value.error.code == -32002
        assert "Bob" not in str(missing.value)
        for uri in ("tasks://task/0", "tasks://elsewhere", "file:///etc/passwd"):
            with pytest.raises(MCPError):
                await client.read_resource(uri)
        everything = json.dumps(text_of((await client.read_resource("tasks://open")).contents))
        assert "Bob" not in everything


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_are_built_from_the_users_tasks(world: World, mode: str) -> None:
    async with Client(world.server(), mode=mode) as client:
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert set(prompts) == {"plan_my_day", "weekly_review"}
        assert all(p.description for p in prompts.values())

        plan = await client.get_prompt("plan_my_day", {"focus": "Buy milk"})
        (message,) = plan.messages
        assert message.role == "user" and isinstance(message.content, TextContent)
        text = message.content.text
        assert "Overdue:\n- Task 1: Pay rent (high priority)" in text
        assert "Due today:\n- Task 2: Buy milk" in text
        assert "I want to start with:\n- Task 2: Buy milk" in text
        assert "Water plants" not in text  # done: not part of today's plan
        assert "Bob" not in text

        review = await client.get_prompt("weekly_review")
        review_text = review.messages[0].content.text  # type: ignore[union-attr]
        assert "Done in the last 7 days:\n- Task 3: Water plants" in review_text
        assert "Late (due before today, not done):\n- Task 1: Pay rent" in review_text
        assert "Bob" not in review_text

        with pytest.raises(MCPError):
            await client.get_prompt("someone_elses_prompt")


@pytest.mark.parametrize("mode", MODES)
async def test_completion_offers_the_users_own_task_ids_and_titles(world: World, mode: str) -> None:
    async with Client(world.server(), mode=mode) as client:
        template = ResourceTemplateReference(uri="tasks://task/{task_id}")
        ids = await client.complete(template, {"name": "task_id", "value": ""})
        assert ids.completion.values == ["1", "2", "3"]  # open first, then done; never bob's 4
        by_word = await client.complete(template, {"name": "task_id", "value": "mil"})
        assert by_word.completion.values == ["2"]
        assert (await client.complete(template, {"name": "task_id", "value": "bob"})).completion.values == []

        focus = PromptReference(name="plan_my_day")
        titles = await client.complete(focus, {"name": "focus", "value": "r"})
        assert titles.completion.values == ["Pay rent"]
        unknown = await client.complete(PromptReference(name="nope"), {"name": "x", "value": "a"})
        assert unknown.completion.values == []


async def test_elicitation_confirms_a_bulk_delete_before_anything_changes(world: World) -> None:
    asked: list[str] = []

    async def say_yes(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    for mode in MODES:
        added = await world.tasks.add("alice", NewTask(f"done in {mode}"))
        await world.tasks.complete("alice", added.id)
        async with Client(world.server(), mode=mode, elicitation_callback=say_yes) as client:
            result = await client.call_tool("delete_completed_tasks", {})
        assert not result.is_error
        assert result.structured_content["status"] == "deleted"  # type: ignore[index]
    assert asked == ["This would delete 2 tasks. Go ahead?", "This would delete 1 task. Go ahead?"]
    assert await world.titles("alice", "completed") == []
    assert await world.titles("bob") == ["Bob secret plan", "Bob other", "Bob third", "Bob fourth"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "answer", [ElicitResult(action="decline"), ElicitResult(action="accept", content={"confirm": False})]
)
async def test_a_declined_confirmation_changes_nothing(world: World, mode: str, answer: ElicitResult) -> None:
    async def refuse(context: Any, params: ElicitRequestParams) -> ElicitResult:
        return answer

    async with Client(world.server(), mode=mode, elicitation_callback=refuse) as client:
        # Even an explicit confirm from the model does not skip the user's answer.
        result = await client.call_tool("complete_all_tasks", {"confirm": True})
    assert result.structured_content["status"] == "preview"  # type: ignore[index]
    assert "Nothing changed" in result.structured_content["message"]  # type: ignore[index]
    assert await world.titles("alice", "pending") == ["Pay rent", "Buy milk"]


@pytest.mark.parametrize("mode", MODES)
async def test_without_elicitation_a_bulk_tool_says_what_it_would_do(world: World, mode: str) -> None:
    async with Client(world.server(), mode=mode) as client:
        preview = await client.call_tool("complete_all_tasks", {})
        assert preview.structured_content == {
            "status": "preview",
            "count": 2,
            "tasks": [{"task_id": 1, "title": "Pay rent"}, {"task_id": 2, "title": "Buy milk"}],
            "message": "This would complete 2 tasks; nothing has changed yet. "
            "Call again with confirm: true to go ahead.",
        }
        assert await world.titles("alice", "pending") == ["Pay rent", "Buy milk"]
        done = await client.call_tool("complete_all_tasks", {"confirm": True})
        assert done.structured_content["status"] == "completed"  # type: ignore[index]
        assert done.structured_content["count"] == 2  # type: ignore[index]
    assert await world.titles("alice", "pending") == []
    assert len(await world.titles("bob", "pending")) == 4


@pytest.mark.parametrize("mode", MODES)
async def test_bulk_changes_report_progress_per_task(world: World, mode: str) -> None:
    seen: list[tuple[float, float | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        seen.append((progress, total))

    async with Client(world.server(), mode=mode) as client:
        result = await client.call_tool("complete_all_tasks", {"confirm": True}, progress_callback=on_progress)
    assert result.structured_content["count"] == 2  # type: ignore[index]
    assert seen == [(1, 2), (2, 2)]


async def test_set_level_filters_the_log_of_bulk_changes(world: World) -> None:
    logged: list[LoggingMessageNotificationParams] = []

    async def on_log(params: LoggingMessageNotificationParams) -> None:
        logged.append(params)

    async with Client(world.server(), mode="legacy", logging_callback=on_log) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert (await client.set_logging_level("warning")).model_dump(exclude_none=True) == {}
        await client.call_tool("complete_all_tasks", {"confirm": True})
        assert logged == []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await client.set_logging_level("info")
        await world.tasks.reopen("alice", 1)
        await client.call_tool("complete_all_tasks", {"confirm": True})
    assert [(m.level, m.logger, m.data["message"]) for m in logged] == [("info", "todo-chat", "Completed 1 task.")]


async def test_legacy_subscribers_hear_changes_from_any_door_for_their_own_tasks_only(world: World) -> None:
    heard: dict[str, list[str]] = {"alice": [], "bob": []}

    def handler_for(user: str) -> Any:
        async def on_message(message: Any) -> None:
            if isinstance(message, ResourceUpdatedNotification):
                heard[user].append(str(message.params.uri))

        return on_message

    async with (
        Client(world.server("alice"), mode="legacy", message_handler=handler_for("alice")) as alice,
        Client(world.server("bob"), mode="legacy", message_handler=handler_for("bob")) as bob,
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await alice.subscribe_resource("tasks://task/1")
            await alice.subscribe_resource("tasks://open")
            await bob.subscribe_resource("tasks://task/1")  # bob's own task 1
            await bob.subscribe_resource("tasks://open")
        # Alice's task 1 changes through the use cases, as REST and chat change it.
        await world.tasks.update("alice", 1, TaskChanges(title="Pay the rent"))
        await world.tasks.update("alice", 2, TaskChanges(priority="low"))  # not subscribed to task 2
        with anyio.fail_after(5):
            while len(heard["alice"]) < 3:
                await anyio.sleep(0.01)
        await anyio.sleep(0.05)
    assert heard["alice"] == ["tasks://task/1", "tasks://open", "tasks://open"]
    assert heard["bob"] == []


async def test_listen_streams_carry_the_listening_users_changes_only(world: World) -> None:
    events: dict[str, list[Any]] = {"alice": [], "bob": []}

    async def listen(client: Client, user: str, ready: anyio.Event) -> None:
        async with client.listen(resources_list_changed=True, resource_subscriptions=["tasks://open"]) as sub:
            ready.set()
            async for event in sub:
                events[user].append(event)

    async with (
        Client(world.server("alice")) as alice,
        Client(world.server("bob")) as bob,
        anyio.create_task_group() as group,
    ):
        ready = [anyio.Event(), anyio.Event()]
        group.start_soon(listen, alice, "alice", ready[0])
        group.start_soon(listen, bob, "bob", ready[1])
        for event in ready:
            await event.wait()
        await world.tasks.add("alice", NewTask("Call mom"))
        with anyio.fail_after(5):
            while len(events["alice"]) < 2:
                await anyio.sleep(0.01)
        await anyio.sleep(0.05)
        group.cancel_scope.cancel()
    kinds = sorted(type(e).__name__ for e in events["alice"])
    assert kinds == ["ResourceUpdated", "ResourcesListChanged"]
    assert events["bob"] == []
    assert world.changes.listener_count == 0  # streams that end unsubscribe


@pytest.mark.parametrize("mode", MODES)
async def test_a_yes_counts_only_for_the_tasks_the_user_was_shown(world: World, mode: str) -> None:
    asked: list[str] = []

    async def yes_while_another_door_completes_a_task(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        if len(asked) == 1:  # while the user reads the question, the web chat completes task 1
            await world.tasks.complete("alice", 1)
        return ElicitResult(action="accept", content={"confirm": True})

    async with Client(world.server(), mode=mode, elicitation_callback=yes_while_another_door_completes_a_task) as c:
        result = await c.call_tool("delete_completed_tasks", {})
    assert asked == ["This would delete 1 task. Go ahead?", "This would delete 2 tasks. Go ahead?"]
    assert result.structured_content["tasks"] == [  # type: ignore[index]
        {"task_id": 1, "title": "Pay rent"},
        {"task_id": 3, "title": "Water plants"},
    ]


@pytest.mark.parametrize("mode", MODES)
async def test_tasks_that_keep_changing_under_the_question_are_left_alone(world: World, mode: str) -> None:
    asked: list[str] = []

    async def yes_but_something_always_changes(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        added = await world.tasks.add("alice", NewTask(f"late {len(asked)}"))
        await world.tasks.complete("alice", added.id)
        return ElicitResult(action="accept", content={"confirm": True})

    async with Client(world.server(), mode=mode, elicitation_callback=yes_but_something_always_changes) as c:
        result = await c.call_tool("delete_completed_tasks", {})
    assert result.structured_content["status"] == "preview"  # type: ignore[index]
    assert "kept changing" in result.structured_content["message"]  # type: ignore[index]
    assert len(asked) == 3
    assert "Water plants" in await world.titles("alice", "completed")
