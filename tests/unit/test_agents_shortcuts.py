"""The two shortcuts adapters/llm/openai_agents.py takes through the Agents SDK's per-run
bookkeeping give the SDK's own answers (and leave what they do not cover to it)."""

from __future__ import annotations

from typing import Any

import pytest
from agents import Agent, FunctionTool, handoff
from agents import _tool_identity as tool_identity
from agents.exceptions import UserError
from agents.run_internal import tool_use_tracker

from adapters.llm.openai_agents import AgentsModel, AgentsSettings, function_tools
from adapters.memory.store import MemoryStore
from application.tools import ToolCatalogue
from application.use_cases.tasks import TaskUseCases
from tests.doubles import FakeClock


@pytest.fixture(autouse=True)
def installed() -> None:
    AgentsModel(AgentsSettings(base_url="http://127.0.0.1:9/v1", api_key="x"))  # installs them


def catalogue_tools() -> list[FunctionTool]:
    clock = FakeClock()
    catalogue = ToolCatalogue(TaskUseCases(MemoryStore().unit_of_work, clock), clock)
    return function_tools(catalogue.bind("alice"))


def test_an_agent_without_handoffs_is_named_as_the_sdk_names_it() -> None:
    shortcut = tool_use_tracker._build_agent_identity_keys_by_id
    sdk = shortcut.__wrapped__  # type: ignore[attr-defined]
    agent: Agent[Any] = Agent(name="todo-chat", instructions="be brief", tools=list(catalogue_tools()))
    assert shortcut(agent) == sdk(agent) == {id(agent): "todo-chat"}


def test_agents_with_handoffs_are_named_by_the_sdk() -> None:
    shortcut = tool_use_tracker._build_agent_identity_keys_by_id
    sdk = shortcut.__wrapped__  # type: ignore[attr-defined]
    twin: Agent[Any] = Agent(name="todo-chat", instructions="the other one")
    agent: Agent[Any] = Agent(name="todo-chat", instructions="be brief", handoffs=[handoff(twin)])
    names = shortcut(agent)
    assert names == sdk(agent)
    assert sorted(names.values()) == ["todo-chat", "todo-chat#2"]


def test_a_tool_list_that_passed_passes_again_and_an_ambiguous_one_fails_every_time() -> None:
    validate = tool_identity.validate_function_tool_lookup_configuration
    assert hasattr(validate, "__wrapped__")
    tools = catalogue_tools()
    assert validate(tools) is None
    assert validate(tools) is None
    first = catalogue_tools()[0]
    twin = FunctionTool(name=first.name, description="same name", params_json_schema=first.params_json_schema,
                        on_invoke_tool=first.on_invoke_tool, defer_loading=True)
    ambiguous = [twin, FunctionTool(name=first.name, description="again", params_json_schema=first.params_json_schema,
                                    on_invoke_tool=first.on_invoke_tool, defer_loading=True)]
    for _ in range(2):
        with pytest.raises(UserError):
            validate(ambiguous)


async def test_a_catalogue_agent_lists_the_tools_the_sdk_lists() -> None:
    from agents import RunContextWrapper

    from adapters.llm.openai_agents import CatalogueAgent

    tools = catalogue_tools()
    context: RunContextWrapper[Any] = RunContextWrapper(context=None)
    ours = await CatalogueAgent(name="todo-chat", tools=list(tools)).get_all_tools(context)
    sdk = await Agent(name="todo-chat", tools=list(tools)).get_all_tools(context)
    assert [t.name for t in ours] == [t.name for t in sdk] == [t.name for t in tools]
    assert all(a is b for a, b in zip(ours, tools, strict=True))


async def test_a_tool_that_can_be_disabled_goes_to_the_sdk() -> None:
    from agents import RunContextWrapper

    from adapters.llm.openai_agents import CatalogueAgent

    first, *rest = catalogue_tools()
    switched = FunctionTool(name=first.name, description=first.description, params_json_schema=first.params_json_schema,
                            on_invoke_tool=first.on_invoke_tool, strict_json_schema=False, is_enabled=lambda *_: False)
    context: RunContextWrapper[Any] = RunContextWrapper(context=None)
    listed = await CatalogueAgent(name="todo-chat", tools=[switched, *rest]).get_all_tools(context)
    assert [t.name for t in listed] == [t.name for t in rest]
