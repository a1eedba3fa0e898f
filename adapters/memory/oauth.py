"""In-memory ``OAuthStore``: for unit tests and the memory contract run.

Every method runs without an ``await`` between its read and its write, so on one event
loop each is atomic, as the SQL store's single statements are.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from application.oauth import ClientRecord, CodeRecord, Grant, RefreshRecord


class MemoryOAuthStore:
    def __init__(self) -> None:
        self.clients: dict[str, ClientRecord] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, CodeRecord] = {}
        self.refresh_tokens: dict[str, RefreshRecord] = {}

    async def add_client(self, client: ClientRecord) -> None:
        self.clients[client.client_id] = client

    async def client(self, client_id: str) -> ClientRecord | None:
        return self.clients.get(client_id)

    async def add_grant(self, grant: Grant, code: CodeRecord) -> None:
        self.grants[grant.grant_id] = grant
        self.codes[code.code_hash] = code

    async def grant(self, grant_id: str) -> Grant | None:
        return self.grants.get(grant_id)

    async def revoke_grant(self, grant_id: str, at: datetime) -> None:
        grant = self.grants.get(grant_id)
        if grant is not None and grant.revoked_at is None:
            self.grants[grant_id] = replace(grant, revoked_at=at)

    async def code(self, code_hash: str) -> CodeRecord | None:
        return self.codes.get(code_hash)

    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        code = self.codes.get(code_hash)
        if code is None or code.consumed_at is not None:
            return False
        self.codes[code_hash] = replace(code, consumed_at=at)
        return True

    async def add_refresh(self, token: RefreshRecord) -> None:
        self.refresh_tokens[token.token_hash] = token

    async def refresh(self, token_hash: str) -> RefreshRecord | None:
        return self.refresh_tokens.get(token_hash)

    async def rotate_refresh(self, token_hash: str, at: datetime, successor: RefreshRecord) -> bool:
        token = self.refresh_tokens.get(token_hash)
        if token is None or token.rotated_at is not None:
            return False
        self.refresh_tokens[token_hash] = replace(token, rotated_at=at)
        self.refresh_tokens[successor.token_hash] = successor
        return True

    async def purge(self, before: datetime) -> int:
        codes = [k for k, code in self.codes.items() if code.expires_at < before]
        tokens = [k for k, token in self.refresh_tokens.items() if token.expires_at < before]
        grants = [k for k, grant in self.grants.items() if grant.revoked_at is not None and grant.revoked_at < before]
        for table, keys in ((self.codes, codes), (self.refresh_tokens, tokens), (self.grants, grants)):
            for key in keys:
                del table[key]
        return len(codes) + len(tokens) + len(grants)
