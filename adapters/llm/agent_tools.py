"""The agent's tools, and when their results end a turn.

- The catalogue's tools as SDK function tools, bound to the authenticated user through the run
  context (``user_id`` is never an argument), with schemas trimmed for the model (``model_schema``).
- ``reply_to_user``: the model's words to the user, as a tool. The first model call of a turn must
  call a tool (``tool_choice: required``), so a model either acts through a tool or answers through
  this one; it cannot promise or report a change in prose instead of making it. A 1.5B model did
  that in 6 of 10 replies (docs/language.md, "Real models"); servers that constrain a required
  call by grammar (llama.cpp, vLLM) make it impossible.
- ``turn_end``: a step whose tool calls all made changes ends the turn with a reply written from
  what they did; a reply_to_user call ends it with its text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from agents import FunctionTool, FunctionToolResult, RunContextWrapper, ToolsToFinalOutputResult
from agents.tool_context import ToolContext

from adapters.llm.grounding import dropped_note, ungrounded_add_fields
from adapters.llm.reply_guard import reply_from_calls, unasked_add
from application.ports import TokenUsage
from application.tools import BoundTools, is_error
from domain.conversation import ToolCall

REPLY_TOOL = "reply_to_user"
REPLY_RULE = (
    "Always answer with a tool call: a change through its tool; anything you say to the user "
    f"(a greeting, an answer, a question such as which task they mean) through {REPLY_TOOL}."
)


@dataclass
class TurnState:
    """The run context: who the tools act for, and what they did."""

    tools: BoundTools
    calls: list[ToolCall] = field(default_factory=list)
    # Non-idempotent calls that succeeded this turn, by name and canonical arguments.
    done: dict[tuple[str, str], str] = field(default_factory=dict)
    usage: TokenUsage = field(default_factory=TokenUsage)
    # What the conversation's window says: an add must be titled in its words (reply_guard.unasked_add).
    said: str = ""
    # The user's message this turn: an add's due date, priority and repeat rule must come from it
    # (grounding.py). None: not known, nothing is left out.
    asked: str | None = None


def _decoded(arguments: str) -> dict[str, Any] | None:
    """The model's arguments as an object, or None when they are not one (the catalogue then
    answers them with its own validation error)."""
    try:
        value = json.loads(arguments or "{}")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def without_blank(arguments: dict[str, Any], required: frozenset[str]) -> dict[str, Any]:
    """The arguments without optional fields given as a blank string.

    Small models fill every field of a schema: ``add_task {"title": "buy milk", "recurrence": ""}``
    (qwen2.5-coder-1.5b) is refused as an invalid RRULE, and the model then asks the user for
    one. A blank optional field says nothing, so it is left out; ``null`` keeps its meaning
    ("remove the due date") and required fields are left to the tool's own validation.
    """
    return {k: v for k, v in arguments.items() if k in required or not (isinstance(v, str) and not v.strip())}


async def _invoke(name: str, ctx: ToolContext[TurnState], arguments: str) -> str:
    state = ctx.context
    spec = state.tools.specs.get(name)
    given = _decoded(arguments)  # decoded once; the catalogue decodes the text it is finally given
    note = None
    if spec is not None and given is not None:
        kept = without_blank(given, frozenset(spec.input_schema.get("required", ())))
        if name == "add_task" and state.asked is not None:
            grounded = ungrounded_add_fields(kept, state.asked, state.said)
            note = dropped_note(kept, grounded)
            kept = grounded
        if kept != given:
            arguments, given = json.dumps(kept), kept
    key = (name, json.dumps(given, sort_keys=True) if given is not None else arguments)
    if spec is not None and not spec.idempotent and key in state.done:
        # A model that repeats the same add in one turn means one task, not two.
        return state.done[key]
    refused = unasked_add(name, given, state.said)
    if refused is not None:  # a task nobody asked for ("Hi there!" -> add "greet"): not added
        state.calls.append(ToolCall(name, given if given is not None else {"raw": arguments}, refused))
        return json.dumps(refused)
    call = await state.tools.call(name, arguments or "{}")
    state.calls.append(call)
    # Errors go back to the model as the tool's output, so it can correct itself.
    output = json.dumps(call.result if note is None or is_error(call) else {**call.result, "note": note}, default=str)
    if spec is not None and not spec.idempotent and not is_error(call):
        state.done[key] = output
    return output


def _arguments_dict(arguments: str) -> dict[str, Any]:
    try:
        value = json.loads(arguments or "{}")
    except ValueError:
        return {"raw": arguments}
    return value if isinstance(value, dict) else {"raw": value}


def record_tool_error(args: Any) -> str | None:
    if args.kind == "tool_not_found" and isinstance(args.run_context.context, TurnState):
        message = f"Unknown tool {args.tool_name!r}"
        args.run_context.context.calls.append(ToolCall(args.tool_name, {}, {"error": message}))
        return message
    return None


# Validation the server does itself (msgspec, on every call): a model needs types, not limits.
_VALIDATION_ONLY = frozenset({"maxLength", "minLength", "maximum", "minimum", "maxItems", "minItems", "default",
                              "additionalProperties", "title"})


def model_schema(schema: Any) -> Any:
    """A tool's JSON schema as a model reads it: without the limits the server checks anyway, and
    an optional field as its one type (``anyOf [X, null]``: "null removes it" stays in the
    description). About 40% fewer prompt tokens for the catalogue; the arguments are still
    decoded against the full schema."""
    if not isinstance(schema, dict):
        return schema
    options = schema.get("anyOf")
    if isinstance(options, list) and len(options) == 2 and {"type": "null"} in options:
        (kept,) = [option for option in options if option != {"type": "null"}]
        return model_schema({**kept, **{k: v for k, v in schema.items() if k != "anyOf"}})
    trimmed: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _VALIDATION_ONLY:
            continue
        if key in ("properties", "$defs") and isinstance(value, dict):  # names, not keywords
            trimmed[key] = {name: model_schema(sub) for name, sub in value.items()}
        elif isinstance(value, list):
            trimmed[key] = [model_schema(item) for item in value]
        else:
            trimmed[key] = model_schema(value)
    return trimmed


def function_tools(tools: BoundTools) -> list[FunctionTool]:
    return [
        FunctionTool(
            name=spec.name,
            description=spec.description,
            params_json_schema=model_schema(spec.input_schema),
            on_invoke_tool=partial(_invoke, spec.name),
            # msgspec schemas use optional fields: not strict-mode shaped.
            strict_json_schema=False,
        )
        for spec in tools.specs.values()
    ]


async def _say(_ctx: ToolContext[TurnState], arguments: str) -> str:
    text = _arguments_dict(arguments).get("text")
    return text if isinstance(text, str) else ""


REPLY = FunctionTool(
    name=REPLY_TOOL,
    description=(
        "Say something to the user without changing the list: answer a greeting, thanks or a question, ask "
        "which task they mean, or answer from tool results above. Never say here that a task was added, "
        "completed, changed or deleted: call that tool instead. Example: 'hi' -> "
        '{"text": "Hi! Tell me what to add, or ask what is on your list."}.'
    ),
    params_json_schema={"type": "object", "properties": {"text": {"type": "string", "description": "The reply."}},
                        "required": ["text"]},
    on_invoke_tool=_say,
    strict_json_schema=False,
)

_NOT_A_CHANGE = ("preview", "nothing")  # a bulk tool's preview, an undo with nothing to undo


def _made_a_change(state: TurnState, result: FunctionToolResult) -> bool:
    spec = state.tools.specs.get(result.tool.name)
    if spec is None or spec.read_only or not isinstance(result.output, str):
        return False
    try:
        output = json.loads(result.output)
    except ValueError:
        return False
    return isinstance(output, dict) and "error" not in output and output.get("status") not in _NOT_A_CHANGE


@dataclass(frozen=True, slots=True)
class TurnEnd:
    """The agent's ``tool_use_behavior``: whether a step's tool results end the turn, and its reply.

    ``from_changes``: a step whose calls all made a change ends the turn with a reply written from
    them, instead of a second model call to write "Added task 3: milk." That call doubles a
    turn's cost and latency, and it is the one in which a small model echoes the tool's JSON,
    answers empty or repeats the add. A step that read (list_tasks), failed, previewed or was
    refused goes back to the model: it has something to read or to correct. Several changes
    asked at once come as several calls of one step (``parallel_tool_calls``).
    """

    from_changes: bool = True

    def __call__(
        self, ctx: RunContextWrapper[TurnState], results: list[FunctionToolResult]
    ) -> ToolsToFinalOutputResult:
        state = ctx.context
        said = [r for r in results if r.tool.name == REPLY_TOOL]
        acted = [r for r in results if r.tool.name != REPLY_TOOL]
        if self.from_changes and acted and all(_made_a_change(state, r) for r in acted):
            specs = state.tools.specs
            changes = [c for c in state.calls if c.tool in specs and not specs[c.tool].read_only and not is_error(c)]
            return ToolsToFinalOutputResult(True, reply_from_calls(changes, today=state.tools.today))
        if said and not acted:
            return ToolsToFinalOutputResult(True, str(said[-1].output))
        # Words said beside a read or a failed call were written before its result: ask again.
        return ToolsToFinalOutputResult(False)
