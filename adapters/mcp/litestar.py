"""The Litestar route handler that puts ``McpHttp`` at ``/mcp``.

A plain (non-mount) ASGI route, so the SDK sees the request path unchanged and only the
exact path is claimed. The app still has to run ``McpHttp.lifespan()`` in its lifespan.
The metadata (``McpHttp.metadata``) is served ahead of the app, with any-origin CORS
(``entrypoints/http/oauth.py``).
"""

from __future__ import annotations

from litestar.handlers import ASGIRouteHandler, asgi
from litestar.types import Receive, Scope, Send

from adapters.mcp.http import MCP_PATH, McpHttp


def mcp_route_handlers(mcp: McpHttp) -> list[ASGIRouteHandler]:
    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await mcp.endpoint(scope, receive, send)  # type: ignore[arg-type]

    return [
        asgi(MCP_PATH, copy_scope=True, name="mcp")(mcp_endpoint),
    ]
