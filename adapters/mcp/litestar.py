"""Litestar route handlers that put ``McpHttp`` at ``/mcp`` and its metadata route.

Plain (non-mount) ASGI routes, so the SDK sees the request path unchanged and only the
exact paths are claimed. The app still has to run ``McpHttp.lifespan()`` in its lifespan.
"""

from __future__ import annotations

from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Receive, Scope, Send

from adapters.mcp.http import MCP_PATH, METADATA_PATH, McpHttp


def mcp_route_handlers(mcp: McpHttp) -> list[ASGIRouteHandler]:
    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await mcp.endpoint(scope, receive, send)  # type: ignore[arg-type]

    async def mcp_resource_metadata(scope: Scope, receive: Receive, send: Send) -> None:
        await mcp.metadata(scope, receive, send)  # type: ignore[arg-type]

    return [
        asgi(MCP_PATH, copy_scope=True, name="mcp")(mcp_endpoint),
        asgi(METADATA_PATH, copy_scope=True, name="mcp-resource-metadata")(mcp_resource_metadata),
    ]
