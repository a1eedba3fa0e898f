"""MCP sign-in: what the built-in OAuth authorization server keeps, and the port it keeps it behind.

The protocol itself (RFC 6749 requests and errors, PKCE, RFC 7591 registration) is the
``mcp`` SDK's, in ``adapters/security/oauth_provider.py``. The application owns what must
survive a restart and be shared by replicas: registered clients, authorization codes,
grants (one per consent, revocable as a whole) and refresh tokens. Codes and refresh
tokens are stored only as SHA-256 digests: the database never holds a usable secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

SCOPE_READ = "tasks:read"
SCOPE_WRITE = "tasks:write"
ALL_SCOPES = (SCOPE_READ, SCOPE_WRITE)


@dataclass(frozen=True, slots=True)
class ClientRecord:
    """A dynamically registered client: its id and its RFC 7591 metadata as JSON text."""

    client_id: str
    metadata_json: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Grant:
    """What one user allowed one client, at one consent; revoking it ends every token from it."""

    grant_id: str
    user_id: str
    client_id: str
    scopes: tuple[str, ...]
    resource: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class CodeRecord:
    """An authorization code (by digest): single use, short-lived, bound to its PKCE challenge."""

    code_hash: str
    grant_id: str
    client_id: str
    user_id: str
    redirect_uri: str
    redirect_uri_explicit: bool
    code_challenge: str
    scopes: tuple[str, ...]
    resource: str
    expires_at: datetime
    consumed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RefreshRecord:
    """A refresh token (by digest). Used once: a refresh rotates it, a second use revokes the grant."""

    token_hash: str
    grant_id: str
    client_id: str
    user_id: str
    scopes: tuple[str, ...]
    resource: str
    expires_at: datetime
    rotated_at: datetime | None = None


class OAuthStore(Protocol):
    """Shared OAuth state. Every method is its own transaction; the ``consume``/``rotate``
    methods are atomic, so of two concurrent uses exactly one wins."""

    async def add_client(self, client: ClientRecord) -> None: ...

    async def client(self, client_id: str) -> ClientRecord | None: ...

    async def add_grant(self, grant: Grant, code: CodeRecord) -> None:
        """A new grant and the authorization code that will start it."""

    async def grant(self, grant_id: str) -> Grant | None: ...

    async def revoke_grant(self, grant_id: str, at: datetime) -> None:
        """End the grant: its refresh tokens stop working, its access tokens are refused."""

    async def code(self, code_hash: str) -> CodeRecord | None: ...

    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        """Mark the code used; False if it was already used (a replay)."""

    async def add_refresh(self, token: RefreshRecord) -> None: ...

    async def refresh(self, token_hash: str) -> RefreshRecord | None: ...

    async def rotate_refresh(self, token_hash: str, at: datetime, successor: RefreshRecord) -> bool:
        """Retire ``token_hash`` and store its successor, atomically; False if it was already retired."""

    async def purge(self, before: datetime) -> int:
        """Forget what can no longer be used: codes and refresh tokens that expired, and grants
        revoked, before ``before``. The number of rows removed."""
