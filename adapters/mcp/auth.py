"""Bearer auth for MCP over HTTP: the REST API's JWT check behind the SDK's TokenVerifier."""

from __future__ import annotations

from typing import Protocol

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from application.errors import Unauthorized


class BearerVerifier(Protocol):
    """What the HTTP API checks tokens with (``adapters.security.jwt.JwtVerifier``)."""

    async def verify_async(self, token: str) -> str:
        """The token's user id, or ``Unauthorized``; never blocks the loop (JWKS fetches)."""
        ...


class JwtTokenVerifier:
    """The SDK's ``TokenVerifier`` protocol over our JWT verifier.

    The SDK's bearer middleware turns ``None`` into a 401 with ``WWW-Authenticate``.
    The verifier already enforces ``exp``, signature and algorithm; the user is ``sub``.
    """

    def __init__(self, verifier: BearerVerifier) -> None:
        self._verifier = verifier

    async def verify_token(self, token: str) -> AccessToken | None:
        try:
            user_id = await self._verifier.verify_async(token)
        except Unauthorized:
            return None
        return AccessToken(token=token, client_id=user_id, subject=user_id, scopes=[])


def user_of_access_token() -> str:
    """The user of the current MCP HTTP request, from the token the middleware verified."""
    token = get_access_token()
    if token is None or not token.subject:
        raise Unauthorized("no verified bearer token in this request")
    return token.subject
