"""SQL ``OAuthStore``: the OAuth state in the application's database, shared by every replica.

Each method is one short unit of work (the same queueing, pool and SQLite writer turn as
the use cases'). Single use is one conditional UPDATE (``... WHERE consumed_at IS NULL``):
of two concurrent redemptions of a code or refresh token, the database lets exactly one
change the row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Self

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Row

from adapters.sql.errors import guarded
from adapters.sql.tables import oauth_clients, oauth_codes, oauth_grants, oauth_refresh_tokens
from adapters.sql.uow import Sessions, SqlUnitOfWork
from application.oauth import ClientRecord, CodeRecord, Grant, RefreshRecord


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


class _Unit(SqlUnitOfWork):
    """A unit of work that hands its connection to the OAuth statements below."""

    async def __aenter__(self) -> Self:
        await super().__aenter__()
        self.connection = self._connection
        return self


class SqlOAuthStore:
    def __init__(self, sessions: Sessions) -> None:
        self._sessions = sessions

    def _unit(self, read_only: bool = False) -> _Unit:
        return _Unit(self._sessions, read_only=read_only)

    async def _read(self, statement: Any) -> Row[Any] | None:
        async with self._unit(read_only=True) as unit:
            result = await guarded(unit.connection.execute(statement))
            return result.first()

    async def _write(self, *statements: Any) -> int:
        """Run the statements in one transaction; the row count of the first."""
        async with self._unit() as unit:
            counts = []
            for statement in statements:
                result = await guarded(unit.connection.execute(statement))
                counts.append(result.rowcount)
                if counts[0] == 0:
                    break  # a conditional first statement that matched nothing: change nothing
            await unit.commit()
            return counts[0]

    async def add_client(self, client: ClientRecord) -> None:
        await self._write(
            insert(oauth_clients).values(
                client_id=client.client_id, metadata_json=client.metadata_json, created_at=client.created_at
            )
        )

    async def client(self, client_id: str) -> ClientRecord | None:
        row = await self._read(select(oauth_clients).where(oauth_clients.c.client_id == client_id))
        return None if row is None else ClientRecord(row.client_id, row.metadata_json, row.created_at)

    async def add_grant(self, grant: Grant, code: CodeRecord) -> None:
        await self._write(
            insert(oauth_grants).values(
                grant_id=grant.grant_id,
                user_id=grant.user_id,
                client_id=grant.client_id,
                scopes=" ".join(grant.scopes),
                resource=grant.resource,
                created_at=grant.created_at,
                revoked_at=grant.revoked_at,
            ),
            insert(oauth_codes).values(
                code_hash=code.code_hash,
                grant_id=code.grant_id,
                client_id=code.client_id,
                user_id=code.user_id,
                redirect_uri=code.redirect_uri,
                redirect_uri_explicit=code.redirect_uri_explicit,
                code_challenge=code.code_challenge,
                scopes=" ".join(code.scopes),
                resource=code.resource,
                expires_at=code.expires_at,
                consumed_at=code.consumed_at,
            ),
        )

    async def grant(self, grant_id: str) -> Grant | None:
        row = await self._read(select(oauth_grants).where(oauth_grants.c.grant_id == grant_id))
        if row is None:
            return None
        return Grant(
            grant_id=row.grant_id,
            user_id=row.user_id,
            client_id=row.client_id,
            scopes=_scopes(row.scopes),
            resource=row.resource,
            created_at=row.created_at,
            revoked_at=row.revoked_at,
        )

    async def revoke_grant(self, grant_id: str, at: datetime) -> None:
        await self._write(
            update(oauth_grants)
            .where(oauth_grants.c.grant_id == grant_id, oauth_grants.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    async def code(self, code_hash: str) -> CodeRecord | None:
        row = await self._read(select(oauth_codes).where(oauth_codes.c.code_hash == code_hash))
        if row is None:
            return None
        return CodeRecord(
            code_hash=row.code_hash,
            grant_id=row.grant_id,
            client_id=row.client_id,
            user_id=row.user_id,
            redirect_uri=row.redirect_uri,
            redirect_uri_explicit=row.redirect_uri_explicit,
            code_challenge=row.code_challenge,
            scopes=_scopes(row.scopes),
            resource=row.resource,
            expires_at=row.expires_at,
            consumed_at=row.consumed_at,
        )

    async def consume_code(self, code_hash: str, at: datetime) -> bool:
        changed = await self._write(
            update(oauth_codes)
            .where(oauth_codes.c.code_hash == code_hash, oauth_codes.c.consumed_at.is_(None))
            .values(consumed_at=at)
        )
        return changed == 1

    async def add_refresh(self, token: RefreshRecord) -> None:
        await self._write(insert(oauth_refresh_tokens).values(**_refresh_values(token)))

    async def refresh(self, token_hash: str) -> RefreshRecord | None:
        row = await self._read(select(oauth_refresh_tokens).where(oauth_refresh_tokens.c.token_hash == token_hash))
        if row is None:
            return None
        return RefreshRecord(
            token_hash=row.token_hash,
            grant_id=row.grant_id,
            client_id=row.client_id,
            user_id=row.user_id,
            scopes=_scopes(row.scopes),
            resource=row.resource,
            expires_at=row.expires_at,
            rotated_at=row.rotated_at,
        )

    async def rotate_refresh(self, token_hash: str, at: datetime, successor: RefreshRecord) -> bool:
        changed = await self._write(
            update(oauth_refresh_tokens)
            .where(oauth_refresh_tokens.c.token_hash == token_hash, oauth_refresh_tokens.c.rotated_at.is_(None))
            .values(rotated_at=at),
            insert(oauth_refresh_tokens).values(**_refresh_values(successor)),
        )
        return changed == 1


    async def purge(self, before: datetime) -> int:
        async with self._unit() as unit:
            removed = 0
            for statement in (
                delete(oauth_codes).where(oauth_codes.c.expires_at < before),
                delete(oauth_refresh_tokens).where(oauth_refresh_tokens.c.expires_at < before),
                delete(oauth_grants).where(oauth_grants.c.revoked_at < before),
            ):
                removed += (await guarded(unit.connection.execute(statement))).rowcount
            await unit.commit()
            return removed


def _refresh_values(token: RefreshRecord) -> dict[str, Any]:
    return {
        "token_hash": token.token_hash,
        "grant_id": token.grant_id,
        "client_id": token.client_id,
        "user_id": token.user_id,
        "scopes": " ".join(token.scopes),
        "resource": token.resource,
        "expires_at": token.expires_at,
        "rotated_at": token.rotated_at,
    }
