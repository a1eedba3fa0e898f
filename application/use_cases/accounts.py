"""Built-in accounts: register and log in, returning a signed token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from application.errors import Conflict, Unauthorized
from application.ports import Clock, IdGenerator, PasswordHasher, TokenIssuer, UnitOfWorkFactory
from domain.account import Account, check_password, normalise_email
from domain.errors import InvalidValue


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str
    token: str
    expires_at: datetime


class AccountUseCases:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        ids: IdGenerator,
        hasher: PasswordHasher,
        tokens: TokenIssuer,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._ids = ids
        self._hasher = hasher
        self._tokens = tokens
        # Verifying against a real hash for unknown emails keeps both failures equally slow
        # (made on the first login that needs it: hashing is async work).
        self._decoy_hash: str | None = None

    async def register(self, email: str, password: str, name: str | None = None) -> Session:
        address = normalise_email(email)
        password_hash = await self._hasher.hash(check_password(password))
        account = Account(
            user_id=self._ids.new_id().hex,
            email=address,
            password_hash=password_hash,
            name=(name or "").strip()[:120] or None,
            created_at=self._clock.now(),
        )
        async with self._uow() as uow:
            if await uow.accounts.by_email(account.email) is not None:
                raise Conflict("email", "An account with this email already exists")
            await uow.accounts.add(account)
            await uow.commit()
        return self._session(account.user_id)

    async def login(self, email: str, password: str) -> Session:
        try:
            address = normalise_email(email)
        except InvalidValue:
            address = ""
        account = None
        if address:
            async with self._uow(read_only=True) as uow:
                account = await uow.accounts.by_email(address)
        stored = account.password_hash if account else await self._decoy()
        if not await self._hasher.verify(stored, password) or account is None:
            raise Unauthorized("Wrong email or password")
        return self._session(account.user_id)

    async def _decoy(self) -> str:
        if self._decoy_hash is None:
            self._decoy_hash = await self._hasher.hash("decoy-password-never-matches")
        return self._decoy_hash

    def _session(self, user_id: str) -> Session:
        token, expires_at = self._tokens.issue(user_id)
        return Session(user_id, token, expires_at)
