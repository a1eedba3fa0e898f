"""Bearer auth for MCP over HTTP: which tokens ``/mcp`` accepts, behind the SDK's TokenVerifier.

Two kinds, told apart by the JWT header:

- access tokens of the built-in authorization server (``typ: at+jwt``): checked by the
  server that issued them (signature with their own key, audience = this ``/mcp``,
  issuer, expiry, grant not revoked); they carry the scopes the user consented to;
- every other bearer JWT the REST API accepts (``todo-chat token``, ``/api/auth/login``,
  Better Auth, an identity provider's JWKS): the REST API's verifier; such a token is the
  user's own full credential, so it gets every scope.
"""

from __future__ import annotations

from typing import Protocol

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

from adapters.security.oauth_tokens import is_access_token
from application.errors import Unauthorized
from application.oauth import ALL_SCOPES


class BearerVerifier(Protocol):
    """What the HTTP API checks tokens with (``adapters.security.jwt.JwtVerifier``)."""

    async def verify_async(self, token: str) -> str:
        """The token's user id, or ``Unauthorized``; never blocks the loop (JWKS fetches)."""
        ...


class AccessTokenLoader(Protocol):
    """The built-in authorization server's side of token checks."""

    async def load_access_token(self, token: str) -> AccessToken | None: ...


class JwtTokenVerifier:
    """The SDK's ``TokenVerifier`` protocol over our verifiers.

    The SDK's bearer middleware turns ``None`` into a 401 with ``WWW-Authenticate``.
    """

    def __init__(
        self,
        verifier: BearerVerifier,
        oauth: AccessTokenLoader | None = None,
        resource: str | None = None,
    ) -> None:
        self._verifier = verifier
        self._oauth = oauth
        self._resource = resource

    async def verify_token(self, token: str) -> AccessToken | None:
        if self._oauth is not None and is_access_token(token):
            return await self._oauth.load_access_token(token)
        try:
            user_id = await self._verifier.verify_async(token)
        except Unauthorized:
            return None
        return AccessToken(
            token=token, client_id=user_id, subject=user_id, scopes=list(ALL_SCOPES), resource=self._resource
        )


def user_of_access_token() -> str:
    """The user of the current MCP HTTP request, from the token the middleware verified."""
    token = get_access_token()
    if token is None or not token.subject:
        raise Unauthorized("no verified bearer token in this request")
    return token.subject


def scopes_of_access_token() -> frozenset[str]:
    token = get_access_token()
    return frozenset(token.scopes) if token is not None else frozenset()
