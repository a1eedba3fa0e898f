"""``LLM_TOOLS=mcp``: the Agents SDK reaches the task tools through our own ``/mcp``.

Instead of in-process function tools, each turn connects an ``MCPServerStreamableHttp``
to this app's MCP endpoint with a token minted for the turn's user, so the agent uses
exactly what any other MCP client gets (same schemas, same auth, same isolation): the
user is fixed by the token, never by the model. Every call is recorded as a ``ToolCall``
so the chat turn stores and streams it as it does in-process calls.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any, Protocol

from agents.mcp import MCPServer, MCPServerStreamableHttp
from mcp.types import CallToolResult, TextContent

from application.errors import LanguageModelUnavailable
from application.tools import BoundTools
from domain.conversation import ToolCall

logger = logging.getLogger(__name__)


class ShortTokenIssuer(Protocol):
    """``adapters.security.jwt.JwtIssuer``: signs a token for a user, here a short-lived one."""

    def issue(self, user_id: str, lifetime: timedelta | None = None) -> tuple[str, Any]: ...


def _as_tool_call(name: str, arguments: dict[str, Any] | None, result: CallToolResult) -> ToolCall:
    if result.is_error:
        text = " ".join(block.text for block in result.content if isinstance(block, TextContent))
        return ToolCall(name, dict(arguments or {}), {"error": text or "The tool failed"})
    structured = result.structured_content
    if structured is None:  # not ours, but keep whatever the tool said
        texts = [block.text for block in result.content if isinstance(block, TextContent)]
        structured = {"text": "\n".join(texts)}
    return ToolCall(name, dict(arguments or {}), json.loads(json.dumps(structured)))


class _RecordingServer(MCPServerStreamableHttp):
    """The SDK's streamable HTTP client, noting each call for the chat transcript."""

    def __init__(self, calls: list[ToolCall], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._calls = calls

    async def call_tool(
        self, tool_name: str, arguments: dict[str, Any] | None, meta: dict[str, Any] | None = None
    ) -> CallToolResult:
        result = await super().call_tool(tool_name, arguments, meta)
        self._calls.append(_as_tool_call(tool_name, arguments, result))
        return result


class McpAgentTools:
    """Opens, per turn, an MCP connection to ``url`` acting as the turn's user."""

    def __init__(
        self,
        url: str,
        issuer: ShortTokenIssuer,
        *,
        token_lifetime: timedelta = timedelta(minutes=5),
        timeout: float = 10.0,
    ) -> None:
        self.url = url
        self._issuer = issuer
        self._token_lifetime = token_lifetime
        self._timeout = timeout

    @asynccontextmanager
    async def connect(self, tools: BoundTools, calls: list[ToolCall]) -> AsyncIterator[list[MCPServer]]:
        # A fresh token per turn, valid a few minutes: enough for one turn, useless after.
        token, _expires = self._issuer.issue(tools.user_id, self._token_lifetime)
        server = _RecordingServer(
            calls,
            params={
                "url": self.url,
                "headers": {"Authorization": f"Bearer {token}"},
                "timeout": self._timeout,
            },
            name="todo-chat",
            cache_tools_list=True,
            # The model gets the result JSON as the tool output, as with in-process tools
            # (errors keep their text: the SDK prefers content when isError is set).
            use_structured_content=True,
            client_session_timeout_seconds=self._timeout,
        )
        try:
            await server.connect()
        except Exception as error:
            await server.cleanup()
            logger.warning("the MCP tool server at %s could not be reached: %r", self.url, error)
            raise LanguageModelUnavailable("the task tools (MCP) could not be reached") from error
        try:
            yield [server]
        finally:
            await server.cleanup()
