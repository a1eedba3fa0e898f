"""What a 401 tells the client (issue 15: decided; issue 16, edge 7).

The client hears what it can act on: send a token, use the Bearer scheme, sign in again when
the token expired, or wrong credentials. Which check refused a presented token is not said.
"""

from __future__ import annotations

import pytest

from tests.integration.http.conftest import ALICE, Api, error_of, mint

TASKS = f"/api/{ALICE}/tasks"
NOT_VALID = "The token is not valid; sign in again"
OTHER_SECRET = "another-secret-0123456789-abcdefghijklmnop"


async def test_a_wrong_login_says_wrong_email_or_password_and_nothing_more(api: Api) -> None:
    await api.post("/api/auth/register", user=None, json={"email": "ann@example.com", "password": "correct horse"})
    for body in (
        {"email": "ann@example.com", "password": "wrong horse!"},
        {"email": "nobody@example.com", "password": "correct horse"},
    ):
        response = await api.post("/api/auth/login", user=None, json=body)
        assert response.status_code == 401
        assert error_of(response) == {"code": "UNAUTHORIZED", "message": "Wrong email or password", "details": None}


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "Authentication required: send Authorization: Bearer <token>"),
        ("Basic YWxpY2U6cHc=", "Use the Bearer scheme: Authorization: Bearer <token>"),
        (f"Bearer {mint(ALICE, ttl=-3600)}", "The token has expired; sign in again"),
        (f"Bearer {mint(ALICE, secret=OTHER_SECRET)}", NOT_VALID),
        (f"Bearer {mint(ALICE, algorithm='HS512')}", NOT_VALID),
        ("Bearer not-a-jwt", NOT_VALID),
        (f"Bearer {mint(None)}", NOT_VALID),
    ],
    ids=["none", "basic", "expired", "forged", "algorithm", "malformed", "no sub"],
)
async def test_a_refused_token_says_what_to_do_not_which_check_failed(
    api: Api, authorization: str | None, message: str
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = await api.get(TASKS, user=None, headers=headers)
    assert response.status_code == 401
    assert error_of(response)["message"] == message
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


async def test_openapi_describes_the_login_401_as_wrong_credentials(api: Api) -> None:
    schema = (await api.get("/schema/openapi.json", user=None)).json()
    login_401 = schema["paths"]["/api/auth/login"]["post"]["responses"]["401"]["description"]
    assert "wrong email or password" in login_401
    assert "token" not in login_401
    tasks_401 = schema["paths"]["/api/{user_id}/tasks"]["get"]["responses"]["401"]["description"]
    assert "token" in tasks_401
