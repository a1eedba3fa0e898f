"""One MCP server over the caller's tasks: the catalogue's tools, resources, prompts,
completion, logging, and change notifications.

Built on the SDK's low-level ``Server`` rather than ``MCPServer``: ``MCPServer`` derives
each tool's schema from a Python signature through pydantic, while ours come from the
catalogue (msgspec), the single source the agent also sees. The low-level server takes
the schemas verbatim, so MCP clients and the model are shown exactly the same contract.

The user is never a tool argument: ``user_of_request`` answers who is calling (the
verified bearer token over HTTP, the fixed ``--user`` over stdio), and the catalogue
rejects unknown arguments, so a smuggled ``user_id`` fails validation. Resources,
prompts, completion and subscriptions ask ``user_of_request`` the same way and read only
through the task use cases, which take the user on every call.

The bulk tools (``application.tools.BULK_TOOLS``) ask the user to confirm through the
client when it can elicit (``adapters.mcp.confirm``) and report progress per task.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from mcp.server import Server, ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp.types import (
    INVALID_PARAMS,
    CallToolRequestParams,
    CallToolResult,
    CompleteRequestParams,
    CompleteResult,
    Completion,
    EmptyResult,
    GetPromptRequestParams,
    GetPromptResult,
    InputRequiredResult,
    ListPromptsResult,
    ListResourcesResult,
    ListResourceTemplatesResult,
    ListToolsResult,
    LoggingLevel,
    PaginatedRequestParams,
    PromptReference,
    ReadResourceRequestParams,
    ReadResourceResult,
    ResourceTemplateReference,
    SetLevelRequestParams,
    TextContent,
    Tool,
    ToolAnnotations,
)

from adapters.mcp import confirm, task_prompts, task_resources
from adapters.mcp.task_subscriptions import TaskSubscriptions
from application.changes import TaskChangeFeed
from application.errors import Unauthorized
from application.tools import BULK_TOOLS, ToolCatalogue, ToolSpec, is_error
from domain.conversation import ToolCall

SERVER_NAME = "todo-chat"
INSTRUCTIONS = (
    "Manage the signed-in user's to-do list. Tasks are numbered per user from 1; refer to "
    "them by that number (task_id). Dates are YYYY-MM-DD. list_tasks shows what exists. "
    "A task may repeat (recurrence, an RRULE) and be on lists (labels); delete_task moves it "
    "to the trash for 30 days, and restore_task brings it back."
)

logger = logging.getLogger(__name__)


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def tool_definition(spec: ToolSpec) -> Tool:
    """The MCP view of one catalogue tool: same name, description and schemas."""
    return Tool(
        name=spec.name,
        title=_title(spec.name),
        description=spec.description,
        input_schema=spec.input_schema,
        output_schema=spec.output_schema,
        annotations=ToolAnnotations(
            title=_title(spec.name),
            read_only_hint=spec.read_only,
            destructive_hint=spec.destructive,
            idempotent_hint=spec.idempotent,
            # The tools touch only this application's own task store.
            open_world_hint=False,
        ),
    )


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


LOG_LEVELS: tuple[LoggingLevel, ...] = (
    "debug", "info", "notice", "warning", "error", "critical", "alert", "emergency",
)
DEFAULT_LOG_LEVEL: LoggingLevel = "info"
LOGGER_NAME = "todo-chat"


def _authenticated(user_of_request: Callable[[], str]) -> str:
    """The caller, or the protocol error a non-tool request gets when there is none."""
    try:
        return user_of_request()
    except Unauthorized:
        raise MCPError(INVALID_PARAMS, "Authentication required") from None


def build_mcp_server(
    catalogue: ToolCatalogue,
    user_of_request: Callable[[], str],
    *,
    changes: TaskChangeFeed | None = None,
    name: str = SERVER_NAME,
    version: str = "",
) -> Server[Any]:
    """The MCP server; serve it over stdio (``Server.run``) or HTTP (``McpHttp``).

    ``user_of_request`` is called once per request, inside it, and must raise
    ``Unauthorized`` when nobody is authenticated. With ``changes``, clients can
    subscribe to the task resources (``resources/subscribe``, ``subscriptions/listen``).
    """
    catalogue = catalogue.without_conversation()  # an MCP client has no conversation here (no undo)
    listing = ListToolsResult(tools=[tool_definition(spec) for spec in catalogue.specs.values()])
    input_schemas = {spec.name: spec.input_schema for spec in catalogue.specs.values()}
    tasks = catalogue.tasks
    # logging/setLevel is per connection (handshake era); on 2026-07-28 each request's
    # _meta carries its level and the SDK filters for us. Weak keys: a stateless HTTP
    # connection lives for one POST and must not leave its level behind. The SDK gives no
    # public handle on the connection behind the per-request session, hence the attribute.
    log_levels: weakref.WeakKeyDictionary[Any, LoggingLevel] = weakref.WeakKeyDictionary()

    async def log(ctx: ServerRequestContext[Any], level: LoggingLevel, data: Any) -> None:
        wanted = log_levels.get(ctx.session._connection, DEFAULT_LOG_LEVEL)
        if LOG_LEVELS.index(level) < LOG_LEVELS.index(wanted):
            return
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecated at 2026-07-28, still what 2025 clients read
            await ctx.session.send_log_message(level, data, logger=LOGGER_NAME, related_request_id=ctx.request_id)

    async def set_logging_level(ctx: ServerRequestContext[Any], params: SetLevelRequestParams) -> EmptyResult:
        _authenticated(user_of_request)
        log_levels[ctx.session._connection] = params.level
        return EmptyResult()

    async def list_tools(
        ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        return listing

    async def call_tool(
        ctx: ServerRequestContext[Any], params: CallToolRequestParams
    ) -> CallToolResult | InputRequiredResult:
        try:
            user_id = user_of_request()
        except Unauthorized:
            return _error("Authentication required")

        async def progress(done: int, total: int) -> None:
            # A no-op unless the client sent a progress token with this call.
            await ctx.session.report_progress(done, total, f"{done} of {total} tasks")

        bound = catalogue.bind(user_id, progress=progress)
        arguments = params.arguments or {}
        try:
            if params.name in BULK_TOOLS:
                outcome = await _bulk(ctx, params, bound.call, arguments)
                if isinstance(outcome, InputRequiredResult):
                    return outcome
                call = outcome
                if not is_error(call) and call.result.get("status") != "preview":
                    await log(ctx, "info", {"tool": params.name, "message": call.result.get("message")})
            else:
                call = await bound.call(params.name, arguments)
        except Exception:
            # The catalogue already turns domain and database failures into messages;
            # anything else is a bug whose details stay in the server log.
            logger.exception("MCP tool %r failed", params.name)
            return _error(f"The tool {params.name} failed unexpectedly; try again later")
        if is_error(call):
            return _error(str(call.result["error"]))
        # Structured content for clients that read it; the same JSON as text for those
        # that only show content blocks (as the MCP spec recommends).
        return CallToolResult(
            content=[TextContent(type="text", text=json.dumps(call.result, ensure_ascii=False))],
            structured_content=call.result,
        )

    async def list_resources(
        ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        user_id = _authenticated(user_of_request)
        return await task_resources.list_resources(tasks, user_id, params.cursor if params else None)

    async def list_resource_templates(
        ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListResourceTemplatesResult:
        _authenticated(user_of_request)
        return task_resources.list_templates()

    async def read_resource(ctx: ServerRequestContext[Any], params: ReadResourceRequestParams) -> ReadResourceResult:
        user_id = _authenticated(user_of_request)
        return await task_resources.read_resource(tasks, user_id, str(params.uri))

    async def list_prompts(ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None) -> ListPromptsResult:
        _authenticated(user_of_request)
        return ListPromptsResult(prompts=task_prompts.PROMPTS)

    async def get_prompt(ctx: ServerRequestContext[Any], params: GetPromptRequestParams) -> GetPromptResult:
        user_id = _authenticated(user_of_request)
        now = catalogue.clock.now()
        return await task_prompts.get_prompt(tasks, user_id, params.name, params.arguments, now)

    async def complete(ctx: ServerRequestContext[Any], params: CompleteRequestParams) -> CompleteResult:
        user_id = _authenticated(user_of_request)
        ref, argument = params.ref, params.argument
        template = isinstance(ref, ResourceTemplateReference) and ref.uri == task_resources.TASK_URI_TEMPLATE
        if template and argument.name == "task_id":
            return CompleteResult(completion=await task_resources.complete_task_id(tasks, user_id, argument.value))
        prompt = isinstance(ref, PromptReference) and ref.name == task_prompts.PLAN_MY_DAY
        if prompt and argument.name == task_prompts.FOCUS:
            return CompleteResult(completion=await task_resources.complete_task_title(tasks, user_id, argument.value))
        # Nothing to suggest for other arguments or references (the spec's empty answer).
        return CompleteResult(completion=Completion(values=[], total=0, has_more=False))

    subscriptions = TaskSubscriptions(changes, user_of_request) if changes is not None else None
    with warnings.catch_warnings():
        # logging/setLevel is deprecated at 2026-07-28, but the handshake-era clients most
        # people use (and the conformance suite) still send it.
        warnings.simplefilter("ignore")
        return Server(
            name,
            version=version,
            title="todo-chat tasks",
            instructions=INSTRUCTIONS,
            get_tool_input_schema=input_schemas.get,
            on_list_tools=list_tools,
            on_call_tool=call_tool,
            on_list_resources=list_resources,
            on_list_resource_templates=list_resource_templates,
            on_read_resource=read_resource,
            on_subscribe_resource=subscriptions.subscribe if subscriptions else None,
            on_unsubscribe_resource=subscriptions.unsubscribe if subscriptions else None,
            on_subscriptions_listen=subscriptions.listen if subscriptions else None,
            on_list_prompts=list_prompts,
            on_get_prompt=get_prompt,
            on_completion=complete,
            on_set_logging_level=set_logging_level,
        )


async def _bulk(
    ctx: ServerRequestContext[Any],
    params: CallToolRequestParams,
    call: Callable[[str, dict[str, Any]], Any],
    arguments: dict[str, Any],
) -> ToolCall | InputRequiredResult:
    """A bulk tool: preview, ask the user when the client can, then change (or not).

    A "yes" counts for the tasks the user was shown: if they changed meanwhile (another
    door added or completed some), the user is asked again about the new set.
    """
    preview: ToolCall = await call(params.name, {**arguments, "confirm": False})
    for _round in range(confirm.MAX_ROUNDS):
        if is_error(preview) or preview.result["count"] == 0:
            return preview
        question = preview.result["message"].split(";")[0] + ". Go ahead?"
        answer = await confirm.ask(ctx, params, question, about=_digest(preview))
        if isinstance(answer, InputRequiredResult):
            return answer
        if answer is confirm.Answer.NO:
            return _unchanged(preview, NOT_CONFIRMED)
        if answer is confirm.Answer.KEPT_CHANGING:
            return _unchanged(preview, KEPT_CHANGING)
        if answer is confirm.Answer.CANNOT_ASK:
            if not arguments.get("confirm"):
                return preview  # says what it would do; confirm: true from the caller goes ahead
            break
        current: ToolCall = await call(params.name, {**arguments, "confirm": False})
        if _digest(current) == _digest(preview):
            break
        preview = current
    else:
        return _unchanged(preview, KEPT_CHANGING)
    return await call(params.name, {**arguments, "confirm": True})


NOT_CONFIRMED = "Nothing changed: the change was not confirmed."
KEPT_CHANGING = "Nothing changed: the tasks kept changing while you were asked; try again."


def _unchanged(preview: ToolCall, message: str) -> ToolCall:
    return ToolCall(preview.tool, preview.arguments, {**preview.result, "status": "preview", "message": message})


def _digest(preview: ToolCall) -> str:
    """Which tasks a preview names (and how many), as a short opaque string."""
    ids = ",".join(str(task["task_id"]) for task in preview.result.get("tasks", []))
    return hashlib.sha256(f"{preview.result.get('count')}:{ids}".encode()).hexdigest()[:32]
