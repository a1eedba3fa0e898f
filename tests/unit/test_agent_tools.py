"""The agent's tools as the model sees them: trimmed schemas, the reply tool, when a step ends a turn."""

from __future__ import annotations

import json
from typing import Any

from agents import FunctionToolResult, RunContextWrapper

from adapters.llm.agent_tools import REPLY, TurnEnd, TurnState, function_tools, model_schema
from adapters.memory.store import MemoryStore
from application.tools import TOOLS, ToolCatalogue
from application.use_cases.tasks import TaskUseCases
from tests.doubles import FakeClock


def test_a_model_schema_keeps_types_and_words_and_drops_what_the_server_checks() -> None:
    schema = {"type": "object", "additionalProperties": False, "required": ["task_id"], "properties": {
        "task_id": {"type": "integer", "minimum": 1, "maximum": 2147483647, "description": "The task number."},
        "due_date": {"description": "null removes it.", "anyOf": [{"type": "string", "format": "date"},
                                                                  {"type": "null"}]},
        "labels": {"type": "array", "items": {"type": "string", "maxLength": 32}, "maxItems": 10, "default": []},
    }}
    assert model_schema(schema) == {"type": "object", "required": ["task_id"], "properties": {
        "task_id": {"type": "integer", "description": "The task number."},
        "due_date": {"type": "string", "format": "date", "description": "null removes it."},
        "labels": {"type": "array", "items": {"type": "string"}},
    }}


def _bound() -> Any:
    clock = FakeClock()
    return ToolCatalogue(TaskUseCases(MemoryStore().unit_of_work, clock), clock).bind("alice")


def test_the_catalogue_reaches_the_model_at_least_a_third_smaller_with_every_field_and_description() -> None:
    tools = {t.name: t for t in function_tools(_bound())}
    full = sum(len(json.dumps(spec.input_schema)) for spec in TOOLS)
    trimmed = sum(len(json.dumps(tool.params_json_schema)) for tool in tools.values())
    assert trimmed <= full * 2 / 3
    for spec in TOOLS:
        assert tools[spec.name].params_json_schema.get("properties", {}).keys() == spec.input_schema.get(
            "properties", {}).keys()
    assert "description" in tools["update_task"].params_json_schema["properties"]["due_date"]


async def test_limits_dropped_from_the_schema_are_still_enforced_by_the_tool() -> None:
    bound = _bound()
    tool = {t.name: t for t in function_tools(bound)}["add_task"]
    state = TurnState(bound, said="add " + "x" * 300)
    ctx = RunContextWrapper(context=state)
    output = json.loads(await tool.on_invoke_tool(ctx, json.dumps({"title": "x" * 300})))  # type: ignore[arg-type]
    assert "error" in output and state.calls[0].result == output


def _result(name: str, output: dict[str, Any]) -> FunctionToolResult:
    tool = REPLY if name == REPLY.name else next(t for t in function_tools(_bound()) if t.name == name)
    return FunctionToolResult(tool=tool, output=json.dumps(output) if name != REPLY.name else output["text"],
                              run_item=None)  # type: ignore[arg-type]


def test_which_steps_end_the_turn() -> None:
    state = TurnState(_bound())
    ctx = RunContextWrapper(context=state)
    end = TurnEnd()
    added = {"task_id": 1, "status": "created", "title": "milk"}
    assert end(ctx, [_result("add_task", added)]).is_final_output
    assert not end(ctx, [_result("list_tasks", {"tasks": [], "total": 0})]).is_final_output
    assert not end(ctx, [_result("complete_task", {"error": "Task 9 not found"})]).is_final_output
    preview = {"status": "preview", "count": 2, "tasks": [], "message": "This would complete 2 tasks."}
    assert not end(ctx, [_result("complete_all_tasks", preview)]).is_final_output
    said = end(ctx, [_result(REPLY.name, {"text": "Which one?"})])
    assert said.is_final_output and said.final_output == "Which one?"
    # Words written beside a read were written before its result: back to the model.
    assert not end(ctx, [_result("list_tasks", {"tasks": [], "total": 0}), _result(REPLY.name, {"text": "x"})]
                   ).is_final_output
    assert not TurnEnd(from_changes=False)(ctx, [_result("add_task", added)]).is_final_output


async def test_a_blank_optional_field_is_left_out_and_null_keeps_its_meaning() -> None:
    bound = _bound()
    tools = {t.name: t for t in function_tools(bound)}
    state = TurnState(bound, said="add buy milk")
    ctx = RunContextWrapper(context=state)
    added = json.loads(await tools["add_task"].on_invoke_tool(  # type: ignore[arg-type]
        ctx, json.dumps({"title": "buy milk", "recurrence": "", "due_date": " ", "priority": ""})))
    assert added["status"] == "created" and state.calls[0].arguments == {"title": "buy milk"}
    blank_title = json.loads(await tools["add_task"].on_invoke_tool(ctx, json.dumps({"title": ""})))  # type: ignore[arg-type]
    assert "error" in blank_title  # a required field is the tool's to refuse
    cleared = json.loads(await tools["update_task"].on_invoke_tool(  # type: ignore[arg-type]
        ctx, json.dumps({"task_id": 1, "due_date": None})))
    assert cleared["status"] == "updated"
