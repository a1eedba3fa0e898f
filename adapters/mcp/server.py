"""One MCP server whose tools are the tool catalogue, bound per call to the caller.

Built on the SDK's low-level ``Server`` rather than ``MCPServer``: ``MCPServer`` derives
each tool's schema from a Python signature through pydantic, while ours come from the
catalogue (msgspec), the single source the agent also sees. The low-level server takes
the schemas verbatim, so MCP clients and the model are shown exactly the same contract.

The user is never a tool argument: ``user_of_request`` answers who is calling (the
verified bearer token over HTTP, the fixed ``--user`` over stdio), and the catalogue
rejects unknown arguments, so a smuggled ``user_id`` fails validation.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from mcp.server import Server, ServerRequestContext
from mcp.types import (
    CallToolRequestParams,
    CallToolResult,
    ListToolsResult,
    PaginatedRequestParams,
    TextContent,
    Tool,
    ToolAnnotations,
)

from application.errors import Unauthorized
from application.tools import ToolCatalogue, ToolSpec, is_error

SERVER_NAME = "todo-chat"
INSTRUCTIONS = (
    "Manage the signed-in user's to-do list. Tasks are numbered per user from 1; refer to "
    "them by that number (task_id). Dates are YYYY-MM-DD. list_tasks shows what exists."
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


def build_mcp_server(
    catalogue: ToolCatalogue,
    user_of_request: Callable[[], str],
    *,
    name: str = SERVER_NAME,
    version: str = "",
) -> Server[Any]:
    """The MCP server; serve it over stdio (``Server.run``) or HTTP (``McpHttp``).

    ``user_of_request`` is called once per tool call, inside the request, and must
    raise ``Unauthorized`` when nobody is authenticated.
    """
    listing = ListToolsResult(tools=[tool_definition(spec) for spec in catalogue.specs.values()])
    input_schemas = {spec.name: spec.input_schema for spec in catalogue.specs.values()}

    async def list_tools(
        ctx: ServerRequestContext[Any], params: PaginatedRequestParams | None
    ) -> ListToolsResult:
        return listing

    async def call_tool(ctx: ServerRequestContext[Any], params: CallToolRequestParams) -> CallToolResult:
        try:
            user_id = user_of_request()
        except Unauthorized:
            return _error("Authentication required")
        try:
            call = await catalogue.bind(user_id).call(params.name, params.arguments or {})
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

    return Server(
        name,
        version=version,
        title="todo-chat tasks",
        instructions=INSTRUCTIONS,
        get_tool_input_schema=input_schemas.get,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )
