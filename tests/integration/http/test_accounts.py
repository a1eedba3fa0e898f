"""Built-in accounts: register, log in, and the limit on login attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from dependency_injector import providers

from adapters.memory.rate_limits import MemoryRateLimiter
from entrypoints.config import RateLimit
from tests.integration.http.conftest import SECRET, Api, error_of

REGISTER = "/api/auth/register"
LOGIN = "/api/auth/login"


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


PASSWORD = "correct horse"


async def register(api: Api, email: str = "ann@example.com", password: str = PASSWORD, **extra: Any) -> Any:
    return await api.post(REGISTER, user=None, json={"email": email, "password": password, **extra})


async def login(api: Api, email: str = "ann@example.com", password: str = PASSWORD) -> Any:
    return await api.post(LOGIN, user=None, json={"email": email, "password": password})


async def test_register_returns_a_working_token(api: Api) -> None:
    response = await register(api, name="Ann")
    assert response.status_code == 201, response.text
    session = response.json()
    assert set(session) == {"user_id", "token", "expires_at"}
    claims = jwt.decode(session["token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == session["user_id"]
    expires_at = datetime.fromisoformat(session["expires_at"])
    assert timedelta(days=6, hours=23) < expires_at - datetime.now(UTC) <= timedelta(days=7)
    tasks = await api.get(f"/api/{session['user_id']}/tasks", token=session["token"])
    assert tasks.status_code == 200


async def test_login_returns_the_same_user(api: Api) -> None:
    user_id = (await register(api)).json()["user_id"]
    response = await login(api, email="  ANN@example.com ")
    assert response.status_code == 200
    assert response.json()["user_id"] == user_id


async def test_wrong_password_and_unknown_email_look_the_same(api: Api) -> None:
    await register(api)
    wrong = await login(api, password="wrong password")
    unknown = await login(api, email="nobody@example.com")
    malformed = await login(api, email="not-an-email")
    for response in (wrong, unknown, malformed):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert error_of(wrong) == error_of(unknown) == error_of(malformed)
    assert error_of(wrong)["code"] == "UNAUTHORIZED"


async def test_duplicate_email_is_409(api: Api) -> None:
    await register(api)
    response = await register(api, email="Ann@Example.com")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "CONFLICT"
    assert error["details"][0]["field"] == "email"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email", "password": "long enough"}, "email"),
        ({"email": "a@b.co", "password": "short"}, "password"),
        ({"email": "a@b.co", "password": "x" * 1025}, "password"),
        ({"email": "a@b.co"}, "password"),
        ({"password": "long enough"}, "email"),
        ({"email": "a@b.co", "password": "long enough", "name": "n" * 121}, "name"),
        ({"email": "a@b.co", "password": "long enough", "user_id": "root"}, "user_id"),
        ({"email": 7, "password": "long enough"}, "email"),
    ],
)
async def test_register_validation_names_the_field(api: Api, body: dict[str, Any], field: str) -> None:
    response = await api.post(REGISTER, user=None, json=body)
    assert response.status_code == 400, response.text
    assert error_of(response)["details"][0]["field"] == field


async def test_login_attempts_are_limited_per_email_and_address(api: Api) -> None:
    clock = Ticker()
    api.container.login_limiter.override(providers.Object(MemoryRateLimiter(RateLimit(3, 60), now=clock)))
    await register(api)  # an attempt for ann's address too: registering is limited like logging in
    for _ in range(2):
        assert (await login(api, password="wrong password")).status_code == 401
    limited = await login(api)  # even the right password waits
    assert limited.status_code == 429
    assert error_of(limited)["code"] == "RATE_LIMITED"
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    # Another email from the same address is not locked out by ann's attempts.
    assert (await login(api, email="bob@example.com")).status_code == 401
    clock.now += 61
    assert (await login(api)).status_code == 200


async def test_token_lifetime_follows_the_settings(api: Api) -> None:
    from adapters.security.jwt import JwtIssuer

    api.container.token_issuer.override(providers.Object(JwtIssuer(SECRET, timedelta(hours=1))))
    # The account use cases were not built yet, so they pick the override up.
    session = (await register(api)).json()
    claims = jwt.decode(session["token"], SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 3600
