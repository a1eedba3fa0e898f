"""The authorization server's endpoints: the ``mcp`` SDK's handlers as plain ASGI apps.

The SDK's ``create_auth_routes`` would publish confidential-client auth methods and no
client ID metadata document support; this assembles the same handlers with metadata
that says what this server does: public clients (``none``), PKCE S256, refresh tokens,
revocation, client ID metadata documents and RFC 9207 ``iss`` in the redirect.
Endpoints that browsers' scripts call (metadata, token, register, revoke) allow CORS, as
the SDK does; ``/authorize`` is a navigation and does not.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from mcp.server.auth.handlers.authorize import AuthorizationHandler
from mcp.server.auth.handlers.metadata import MetadataHandler
from mcp.server.auth.handlers.register import RegistrationHandler
from mcp.server.auth.handlers.token import TokenHandler
from mcp.server.auth.middleware.client_auth import AuthenticationError, ClientAuthenticator
from mcp.server.auth.routes import cors_middleware
from mcp.server.auth.settings import ClientRegistrationOptions
from mcp.server.transport_security import DEFAULT_MAX_REQUEST_BODY_SIZE, RequestBodyLimitMiddleware
from mcp.shared.auth import OAuthMetadata
from mcp.shared.inbound import MCP_PROTOCOL_VERSION_HEADER
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import request_response
from starlette.types import ASGIApp, Receive, Scope, Send

from adapters.security.oauth_provider import BuiltinAuthorizationServer
from application.errors import DatabaseUnavailable, RateLimited
from application.oauth import ALL_SCOPES

METADATA_PATH = "/.well-known/oauth-authorization-server"
AUTHORIZE_PATH = "/authorize"
TOKEN_PATH = "/token"  # noqa: S105 (a path)
REGISTER_PATH = "/register"
REVOKE_PATH = "/revoke"


def server_metadata(issuer: str) -> OAuthMetadata:
    """RFC 8414 metadata; URLs validated from strings so a path-less issuer keeps no slash
    (issuers are compared as strings, RFC 8414 §3.3)."""
    base = issuer.rstrip("/")
    return OAuthMetadata.model_validate(
        {
            "issuer": issuer,
            "authorization_endpoint": base + AUTHORIZE_PATH,
            "token_endpoint": base + TOKEN_PATH,
            "registration_endpoint": base + REGISTER_PATH,
            "revocation_endpoint": base + REVOKE_PATH,
            "scopes_supported": list(ALL_SCOPES),
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["none"],
            "revocation_endpoint_auth_methods_supported": ["none"],
            "client_id_metadata_document_supported": True,
            "authorization_response_iss_parameter_supported": True,
        }
    )


def _cors(app: ASGIApp, methods: list[str]) -> ASGIApp:
    return CORSMiddleware(
        app=app, allow_origins="*", allow_methods=methods, allow_headers=[MCP_PROTOCOL_VERSION_HEADER]
    )


def _limited(handler: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    return RequestBodyLimitMiddleware(request_response(handler), DEFAULT_MAX_REQUEST_BODY_SIZE)


def _only(methods: tuple[str, ...], app: ASGIApp) -> ASGIApp:
    """Other methods get an RFC 6749 style error body, not Starlette's plain-text 405."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") not in (*methods, "OPTIONS"):
            response = _error(405, "invalid_request", f"use {' or '.join(methods)}")
            response.headers["Allow"] = ", ".join(methods)
            await response(scope, receive, send)
            return
        await app(scope, receive, send)

    return guarded


def _gated(app: ASGIApp, gate: Callable[[str], Awaitable[None]] | None) -> ASGIApp:
    """``gate(client address)`` before each POST; past the limit a 429 with ``Retry-After``;
    a 503 when the limiter's store (the database) cannot be reached."""
    if gate is None:
        return app

    async def gated(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") == "POST":
            client = scope.get("client")
            try:
                await gate(str(client[0]) if client else "-")
            except RateLimited as exc:
                response = _error(
                    429, "temporarily_unavailable", f"too many registrations; retry after {exc.retry_after} s"
                )
                response.headers["Retry-After"] = str(exc.retry_after)
                await response(scope, receive, send)
                return
            except DatabaseUnavailable:
                response = _error(503, "temporarily_unavailable", "the database is unavailable; retry later")
                response.headers["Retry-After"] = "1"
                await response(scope, receive, send)
                return
        await app(scope, receive, send)

    return gated


@dataclass(frozen=True)
class Revocation:
    """RFC 7009 revocation for public clients.

    The SDK's ``RevocationHandler`` requires a ``client_secret`` form field (declared
    ``str | None`` without a default), which a public client does not send; the rest
    matches it: unknown or foreign tokens are a silent 200, as RFC 7009 §2.2 says.
    """

    provider: BuiltinAuthorizationServer
    authenticator: ClientAuthenticator

    async def handle(self, request: Request) -> Response:
        try:
            client = await self.authenticator.authenticate_request(request)
        except AuthenticationError as exc:
            return _error(401, "invalid_client", exc.message)
        form = await request.form()
        token = form.get("token")
        if not isinstance(token, str) or not token:
            return _error(400, "invalid_request", "the token to revoke is missing")
        found = await self.provider.load_access_token(token) or await self.provider.load_refresh_token(client, token)
        if found is not None and found.client_id == client.client_id:
            await self.provider.revoke_token(found)
        return Response(status_code=200, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


@dataclass(frozen=True)
class OAuthEndpoints:
    """Path -> ASGI app for every endpoint of the authorization server."""

    apps: dict[str, ASGIApp]


def oauth_endpoints(provider: BuiltinAuthorizationServer) -> OAuthEndpoints:
    metadata = server_metadata(provider.issuer)
    authenticator = ClientAuthenticator(provider)
    registration = RegistrationHandler(
        provider,
        ClientRegistrationOptions(enabled=True, valid_scopes=list(ALL_SCOPES), default_scopes=list(ALL_SCOPES)),
    )
    return OAuthEndpoints(
        {
            METADATA_PATH: _only(("GET",), cors_middleware(MetadataHandler(metadata).handle, ["GET", "OPTIONS"])),
            AUTHORIZE_PATH: _only(("GET", "POST"), _limited(AuthorizationHandler(provider).handle)),
            TOKEN_PATH: _only(
                ("POST",), _cors(_limited(TokenHandler(provider, authenticator).handle), ["POST", "OPTIONS"])
            ),
            REGISTER_PATH: _only(
                ("POST",), _cors(_gated(_limited(registration.handle), provider.registration_gate), ["POST", "OPTIONS"])
            ),
            REVOKE_PATH: _only(
                ("POST",), _cors(_limited(Revocation(provider, authenticator).handle), ["POST", "OPTIONS"])
            ),
        }
    )
