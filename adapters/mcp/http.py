"""Streamable HTTP for the MCP server: stateless, JSON responses, bearer auth.

``McpHttp`` owns the SDK pieces the SDK's own Starlette app would wire (session
manager, bearer-auth middleware, RFC 9728 protected-resource metadata) and exposes
them as two plain ASGI apps plus a lifespan, so the Litestar app can mount them at
``/mcp`` and ``/.well-known/oauth-protected-resource/mcp`` next to its own routes.

The resource URL in ``WWW-Authenticate`` and in the metadata is the configured public
URL, or, when none is configured, the URL the request itself arrived at (its Host was
already checked against the allowed hosts by the time a client can use it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

from mcp.server import Server
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend, RequireAuthMiddleware
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from mcp.server.auth.settings import AuthSettings
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.middleware.authentication import AuthenticationMiddleware
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

MCP_PATH = "/mcp"
METADATA_PATH = "/.well-known/oauth-protected-resource" + MCP_PATH
DEFAULT_ALLOWED_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")


def allowed_origins(hosts: Sequence[str]) -> list[str]:
    """Browser origins matching the allowed hosts (the web UI, the MCP Inspector)."""
    return [f"{scheme}://{host}" for host in hosts for scheme in ("http", "https")]


@lru_cache(maxsize=32)
def auth_settings(base_url: str) -> AuthSettings:
    """The SDK's resource-server settings for the app served at ``base_url``.

    The same app issues the tokens (``/api/auth/login``, ``todo-chat token``), so it is
    named as the authorization server; it offers no OAuth flows, clients bring a token.
    """
    base = base_url.rstrip("/")
    # Validated from strings so the settings keep a path-less issuer without a slash.
    return AuthSettings.model_validate(
        {
            "issuer_url": base,
            "resource_server_url": base + MCP_PATH,
            # Our JWTs carry no audience: the verifier checks signature, algorithm and expiry.
            "validate_token_resource": False,
            "required_scopes": None,
        }
    )


def _request_base_url(scope: Scope) -> str:
    host = Headers(scope=scope).get("host") or "127.0.0.1"
    return f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}"


class McpHttp:
    """The MCP endpoint and its metadata as ASGI apps; ``lifespan()`` runs the session manager."""

    def __init__(
        self,
        server: Server[Any],
        verifier: TokenVerifier,
        *,
        allowed_hosts: Sequence[str] = DEFAULT_ALLOWED_HOSTS,
        public_url: str | None = None,
    ) -> None:
        self.server = server
        self.security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=list(allowed_hosts),
            allowed_origins=allowed_origins(allowed_hosts),
        )
        self.public_url = public_url
        self._manager: StreamableHTTPSessionManager | None = None
        # Starlette's AuthenticationMiddleware sets scope["user"] from the SDK backend
        # (401 later if it is not an AuthenticatedUser); AuthContextMiddleware puts the
        # token in the contextvar the tool handler reads the user from.
        self._authenticated = AuthenticationMiddleware(
            AuthContextMiddleware(self._require_auth), backend=BearerAuthBackend(verifier)
        )

    def _settings(self, scope: Scope) -> AuthSettings:
        return auth_settings(self.public_url or _request_base_url(scope))

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
        """``/mcp``: bearer auth, then the streamable HTTP transport."""
        await self._authenticated(scope, receive, send)

    async def _require_auth(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = self._settings(scope)
        assert settings.resource_server_url is not None
        metadata_url = build_resource_metadata_url(settings.resource_server_url)
        guard = RequireAuthMiddleware(self._transport, settings.required_scopes or [], metadata_url)
        await guard(scope, receive, send)

    async def _transport(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            # Stateless: no session to delete and no server-initiated messages, so no GET
            # stream either (the spec's 405 answer; left to the SDK, a GET would hang open).
            await PlainTextResponse("Method Not Allowed", 405, {"Allow": "POST"})(scope, receive, send)
            return
        if self._manager is None:
            await PlainTextResponse("MCP is not running", status_code=503)(scope, receive, send)
            return
        await self._manager.handle_request(scope, receive, send)

    async def metadata(self, scope: Scope, receive: Receive, send: Send) -> None:
        """RFC 9728 protected-resource metadata, served by the SDK's own handler."""
        settings = self._settings(scope)
        assert settings.resource_server_url is not None
        (route,) = create_protected_resource_routes(
            resource_url=settings.resource_server_url,
            authorization_servers=[settings.issuer_url],
            scopes_supported=settings.required_scopes,
            resource_name="todo-chat tasks",
        )
        await route.handle(scope, receive, send)
