from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from adapters.memory.store import MemoryStore
from application.errors import Conflict, Unauthorized
from application.use_cases.accounts import AccountUseCases
from domain.errors import InvalidValue
from tests.doubles import FakeClock, SequentialIds


class PlainHasher:
    """Not secure: a stand-in that keeps hashes readable in assertions."""

    async def hash(self, password: str) -> str:
        return "hashed:" + password[::-1]

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash == await self.hash(password)


class CountingIssuer:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.issued: list[str] = []

    def issue(self, user_id: str) -> tuple[str, datetime]:
        self.issued.append(user_id)
        return f"token-{len(self.issued)}-{user_id}", self.clock.now() + timedelta(days=7)


@pytest.fixture
def accounts(store: MemoryStore, clock: FakeClock) -> AccountUseCases:
    return AccountUseCases(store.unit_of_work, clock, SequentialIds(), PlainHasher(), CountingIssuer(clock))


async def test_register_stores_a_hashed_password_and_returns_a_session(
    accounts: AccountUseCases, store: MemoryStore, clock: FakeClock
) -> None:
    session = await accounts.register("  Ann@Example.com ", "correct horse", name=" Ann ")
    stored = store.state.accounts["ann@example.com"]
    assert stored.password_hash == "hashed:esroh tcerroc" and stored.name == "Ann"
    assert session.user_id == stored.user_id and session.token.endswith(stored.user_id)
    assert session.expires_at == clock.now() + timedelta(days=7)


async def test_duplicate_email_is_a_conflict(accounts: AccountUseCases, store: MemoryStore) -> None:
    await accounts.register("ann@example.com", "correct horse")
    with pytest.raises(Conflict):
        await accounts.register("ANN@example.com", "another password")
    assert len(store.state.accounts) == 1


@pytest.mark.parametrize(
    ("email", "password", "field"), [("nope", "correct horse", "email"), ("a@b.co", "short", "password")]
)
async def test_invalid_registration_names_the_field(
    accounts: AccountUseCases, store: MemoryStore, email: str, password: str, field: str
) -> None:
    with pytest.raises(InvalidValue) as error:
        await accounts.register(email, password)
    assert error.value.field == field and store.state.accounts == {}


async def test_login_succeeds_and_failures_are_indistinguishable(accounts: AccountUseCases) -> None:
    registered = await accounts.register("ann@example.com", "correct horse")
    assert (await accounts.login("ANN@example.com", "correct horse")).user_id == registered.user_id
    messages = set()
    for email, password in [("ann@example.com", "wrong horse"), ("bob@example.com", "correct horse"),
                            ("not an email", "correct horse")]:
        with pytest.raises(Unauthorized) as error:
            await accounts.login(email, password)
        messages.add(str(error.value))
    assert messages == {"Wrong email or password"}
