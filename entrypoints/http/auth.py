"""Bearer-token guard for ``/api/{user_id}/...``: 401 without a valid token, 403 for someone else.

A guard (not a dependency) so it runs before the body and the query are parsed: a caller
without a token learns nothing about what the route would have accepted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from application.errors import Forbidden, Unauthorized


class TokenVerifier(Protocol):
    async def verify_async(self, token: str) -> str: ...


def bearer_token(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    header = connection.headers.get("authorization")
    if not header:
        raise Unauthorized("missing bearer token")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("use the Bearer scheme: Authorization: Bearer <token>")
    return token.strip()


Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], Awaitable[None]]


def owner_guard(verifier: Callable[[], TokenVerifier]) -> Guard:
    """Only the token's subject may use routes under their own ``user_id``."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        user = await verifier().verify_async(bearer_token(connection))
        connection.scope["state"]["user_id"] = user
        if connection.path_params.get("user_id") != user:
            raise Forbidden("This token belongs to another user")

    return guard
