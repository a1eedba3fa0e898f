"""Access tokens of the built-in authorization server: short-lived JWTs (RFC 9068 profile).

Signed HS256 with a key derived from ``BETTER_AUTH_SECRET`` for this one purpose, so an
MCP access token is not a REST token: the REST API's verifier (plain secret) refuses its
signature, and these are accepted only where ``McpTokenVerifier`` looks for them. The
audience is the resource the grant was made for (RFC 8707); ``gid`` names the grant, so a
revoked grant's tokens are refused before they expire.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 (RFC 9068 media type)
ALGORITHM = "HS256"
KEY_PURPOSE = b"todo-chat oauth access token v1"
LEEWAY_SECONDS = 5


def derive_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), KEY_PURPOSE, hashlib.sha256).digest()


def is_access_token(token: str) -> bool:
    """Whether ``token`` claims to be one of ours (its header says ``typ: at+jwt``)."""
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        return False
    return str(header.get("typ", "")).lower() == ACCESS_TOKEN_TYPE


@dataclass(frozen=True, slots=True)
class AccessClaims:
    user_id: str
    client_id: str
    scopes: tuple[str, ...]
    resource: str
    grant_id: str
    expires_at: int


class AccessTokenCodec:
    def __init__(self, secret: str, issuer: str, lifetime: timedelta) -> None:
        self._key = derive_key(secret)
        self.issuer = issuer
        self.lifetime = lifetime

    def issue(
        self, *, user_id: str, client_id: str, scopes: tuple[str, ...], resource: str, grant_id: str
    ) -> tuple[str, int]:
        """The token and its lifetime in seconds."""
        now = datetime.now(UTC).replace(microsecond=0)
        claims = {
            "iss": self.issuer,
            "sub": user_id,
            "aud": resource,
            "client_id": client_id,
            "scope": " ".join(scopes),
            "gid": grant_id,
            "jti": secrets.token_urlsafe(12),
            "iat": int(now.timestamp()),
            "exp": int((now + self.lifetime).timestamp()),
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM, headers={"typ": ACCESS_TOKEN_TYPE})
        return token, int(self.lifetime.total_seconds())

    def verify(self, token: str, resource: str) -> AccessClaims | None:
        """The claims of a valid, unexpired token for ``resource``; None for anything else."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=resource,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "sub", "aud", "iss", "gid"]},
            )
        except jwt.PyJWTError:
            return None
        values = (claims.get("sub"), claims.get("client_id"), claims.get("scope"), claims.get("gid"))
        if not all(isinstance(value, str) for value in values) or not isinstance(claims.get("exp"), int):
            return None
        return AccessClaims(
            user_id=claims["sub"],
            client_id=claims["client_id"],
            scopes=tuple(str(claims["scope"]).split()),
            resource=resource,
            grant_id=claims["gid"],
            expires_at=claims["exp"],
        )
