"""Streamable HTTP for the MCP server: stateless, JSON responses, bearer auth, scopes.

``McpHttp`` owns the SDK pieces the SDK's own Starlette app would wire (session
manager, bearer-auth middleware, RFC 9728 protected-resource metadata) and exposes
them as two plain ASGI apps plus a lifespan, so the Litestar app can mount them at
``/mcp`` and ``/.well-known/oauth-protected-resource/mcp`` next to its own routes.

Order on ``/mcp``: the Host (and Origin) check first, so a foreign Host gets a 421
before anything else is said (DNS rebinding); then the bearer token (401 with the
``resource_metadata`` pointer); then scopes: a ``tools/call`` of a tool that changes
tasks needs ``tasks:write`` (403 ``insufficient_scope``, the MCP spec's step-up answer).

Every URL this module publishes (the resource, its metadata, the authorization server)
comes from configuration (``PUBLIC_URL``), never from the request's Host header: these
answers are cacheable, and a Host an attacker chose must not end up in them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Sequence
from contextlib import asynccontextmanager
from typing import Any

from mcp.server import Server
from mcp.server.auth.handlers.metadata import ProtectedResourceMetadataHandler
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.routes import build_resource_metadata_url, cors_middleware
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import (
    DEFAULT_MAX_REQUEST_BODY_SIZE,
    TransportSecurityMiddleware,
    TransportSecuritySettings,
)
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from adapters.mcp.auth import scopes_of_access_token
from application.oauth import ALL_SCOPES, SCOPE_WRITE

MCP_PATH = "/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource" + MCP_PATH
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"


def allowed_origins(hosts: Sequence[str]) -> list[str]:
    """Browser origins matching the allowed hosts (the web UI, the MCP Inspector)."""
    return [f"{scheme}://{host}" for host in hosts for scheme in ("http", "https")]


def _url(value: str) -> AnyHttpUrl:
    return AnyHttpUrl(value)


class McpHttp:
    """The MCP endpoint and its metadata as ASGI apps; ``lifespan()`` runs the session manager."""

    def __init__(
        self,
        server: Server[Any],
        verifier: TokenVerifier,
        *,
        allowed_hosts: Sequence[str] = DEFAULT_ALLOWED_HOSTS,
        public_url: str | None = None,
        authorization_server: str | None = None,
        write_tools: Collection[str] = (),
    ) -> None:
        self.server = server
        self.security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(allowed_hosts),
            allowed_origins=allowed_origins(allowed_hosts),
        )
        self._host_check = TransportSecurityMiddleware(self.security)
        base = (public_url or DEFAULT_PUBLIC_URL).rstrip("/")
        self.resource_url = base + MCP_PATH
        self.metadata_url = str(build_resource_metadata_url(_url(self.resource_url)))
        self.authorization_server = (authorization_server or base).rstrip("/")
        self.write_tools = frozenset(write_tools)
        self._manager: StreamableHTTPSessionManager | None = None
        # Starlette's AuthenticationMiddleware sets scope["user"] from the SDK backend
        # (401 later if it is not an AuthenticatedUser); AuthContextMiddleware puts the
        # token in the contextvar the tool handler reads the user from.
        guard = RequireAuthMiddleware(self._transport, [], _url(self.metadata_url))
        self._authenticated = AuthenticationMiddleware(
            AuthContextMiddleware(guard), backend=BearerAuthBackend(verifier)
        )
        # Validated from strings, so a path-less authorization server keeps no trailing slash
        # (clients compare it with the issuer in its metadata as strings).
        resource_metadata = ProtectedResourceMetadata.model_validate(
            {
                "resource": self.resource_url,
                "authorization_servers": [self.authorization_server],
                "scopes_supported": list(ALL_SCOPES),
                "resource_name": "todo-chat tasks",
            }
        )
        self._metadata_app = cors_middleware(
            ProtectedResourceMetadataHandler(resource_metadata).handle, ["GET", "OPTIONS"]
        )

    @asynccontextmanager
    async def lifespan(self) -> AsyncIterator[None]:
        """Run a fresh session manager (the SDK's can run only once) for the app's lifetime."""
        manager = StreamableHTTPSessionManager(
            app=self.server,
            json_response=True,
            stateless=True,
            security_settings=self.security,
        )
        async with manager.run():
            self._manager = manager
            try:
                yield
            finally:
                self._manager = None

    async def endpoint(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``/mcp``: Host and Origin, then bearer auth, then scopes, then the transport."""
        refused = await self._host_check.validate_request(Request(scope), is_post=False)
        if refused is not None:
            await refused(scope, receive, send)
            return
        await self._authenticated(scope, receive, send)

    async def _transport(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            # Stateless: no session to delete and no server-initiated messages, so no GET
            # stream either (the spec's 405 answer; left to the SDK, a GET would hang open).
            await PlainTextResponse("Method Not Allowed", 405, {"Allow": "POST"})(scope, receive, send)
            return
        if self._manager is None:
            await PlainTextResponse("MCP is not running", status_code=503)(scope, receive, send)
            return
        if SCOPE_WRITE not in scopes_of_access_token():
            # Only a read-only grant pays for reading the body first.
            body, receive = await _buffered(receive, DEFAULT_MAX_REQUEST_BODY_SIZE)
            if body is None:
                await PlainTextResponse("Request body too large", status_code=413)(scope, receive, send)
                return
            if self._calls_write_tool(body):
                await self._insufficient_scope(scope, receive, send)
                return
        await self._manager.handle_request(scope, receive, send)

    def _calls_write_tool(self, body: bytes) -> bool:
        try:
            message = json.loads(body)
        except ValueError:
            return False  # the transport answers malformed JSON itself
        messages = message if isinstance(message, list) else [message]
        for item in messages:
            if not isinstance(item, dict) or item.get("method") != "tools/call":
                continue
            params = item.get("params")
            name = params.get("name") if isinstance(params, dict) else None
            if name in self.write_tools:
                return True
        return False

    async def _insufficient_scope(self, scope: Scope, receive: Receive, send: Send) -> None:
        challenge = (
            f'Bearer error="insufficient_scope", scope="{" ".join(ALL_SCOPES)}", '
            f'resource_metadata="{self.metadata_url}", '
            'error_description="This sign-in allows reading tasks only; sign in again and allow changes"'
        )
        response = JSONResponse(
            {
                "error": "insufficient_scope",
                "error_description": f"changing tasks needs the {SCOPE_WRITE} scope",
            },
            status_code=403,
            headers={"WWW-Authenticate": challenge, "Cache-Control": "no-store"},
        )
        await response(scope, receive, send)

    async def metadata(self, scope: Scope, receive: Receive, send: Send) -> None:
        """RFC 9728 protected-resource metadata, served by the SDK's own handler."""
        await self._metadata_app(scope, receive, send)


async def _buffered(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """The whole request body (None past ``limit`` bytes), and a ``receive`` that replays it."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # disconnected: replay what there is, the transport will notice
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
