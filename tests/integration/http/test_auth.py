"""Bearer tokens on every protected route: forged, expired and malformed tokens are 401."""

from __future__ import annotations

import base64
import json
import time
import warnings
from dataclasses import replace
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from litestar.testing import AsyncTestClient

from adapters.memory.store import MemoryStore
from entrypoints.config import Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.doubles import ScriptedModel
from tests.integration.http.conftest import ALICE, SECRET, Api, configure, error_of, mint
from tests.integration.http.jwks import SigningKey, ec_key, ed_key, jwks_server, rsa_key

CONVERSATION = "00000000-0000-0000-0000-000000000001"
PROTECTED_ROUTES = [
    ("GET", "/tasks", None),
    ("POST", "/tasks", {"title": "x"}),
    ("GET", "/tasks/1", None),
    ("PUT", "/tasks/1", {"title": "x"}),
    ("PATCH", "/tasks/1", {"title": "x"}),
    ("DELETE", "/tasks/1", None),
    ("PATCH", "/tasks/1/complete", None),
    ("POST", "/chat", {"message": "hi"}),
    ("POST", "/chat/stream", {"message": "hi"}),
    ("GET", "/conversations", None),
    ("GET", f"/conversations/{CONVERSATION}", None),
    ("DELETE", f"/conversations/{CONVERSATION}", None),
]


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def unsigned(user_id: str) -> str:
    """``alg: none``: header and claims with an empty signature."""
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64({'sub': user_id, 'exp': int(time.time()) + 3600})}."


def tampered(user_id: str, victim: str) -> str:
    """A valid token for ``user_id`` whose payload is swapped for ``victim``'s, signature kept."""
    header, _, signature = mint(user_id).split(".")
    return f"{header}.{b64({'sub': victim, 'exp': int(time.time()) + 3600})}.{signature}"


def assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert error_of(response)["code"] == "UNAUTHORIZED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED_ROUTES)
async def test_every_route_needs_a_token(api: Api, method: str, path: str, body: Any) -> None:
    response = await api.request(method, f"/api/{ALICE}{path}", user=None, json=body)
    assert_unauthorized(response)


@pytest.mark.parametrize(("method", "path", "body"), PROTECTED_ROUTES)
async def test_another_users_path_is_403(api: Api, method: str, path: str, body: Any) -> None:
    response = await api.request(method, f"/api/bob{path}", user=ALICE, json=body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "FORBIDDEN"


async def test_401_comes_before_body_validation(api: Api) -> None:
    response = await api.client.post(f"/api/{ALICE}/tasks", content=b"{not json")
    assert_unauthorized(response)


RSA = rsa_key()
with warnings.catch_warnings():
    # HS384/HS512 with a 44-byte secret: PyJWT warns about the key length; that is the point.
    warnings.simplefilter("ignore")
    FORGERIES = {
        "alg none": unsigned(ALICE),
        "HS512 with the right secret": mint(ALICE, algorithm="HS512"),
        "HS384 with the right secret": mint(ALICE, algorithm="HS384"),
        "RS256 without a JWKS": RSA.mint(ALICE),
        "wrong secret": mint(ALICE, secret="another-secret-that-is-long-enough-0123456789"),
        "payload swapped": tampered("mallory", ALICE),
        "expired": mint(ALICE, ttl=-120),
        "no sub": mint(None),
        "sub not a string": mint(None, sub=42),
        "empty sub": mint(""),
        "sub with bad characters": mint("alice/../bob"),
        "no exp": jwt.encode({"sub": ALICE}, SECRET, algorithm="HS256"),
        "not yet valid": mint(ALICE, nbf=int(time.time()) + 600),
        "garbage": "not-a-token",
        "two parts": "abc.def",
        "three garbage parts": "abc.def.ghi",
        "huge": "a" * 10_000,
    }


@pytest.mark.parametrize("token", list(FORGERIES.values()), ids=list(FORGERIES))
async def test_forged_and_broken_tokens_are_401(api: Api, token: str) -> None:
    response = await api.get(f"/api/{ALICE}/tasks", token=token)
    assert_unauthorized(response)


@pytest.mark.parametrize(
    "header",
    ["Basic YWxpY2U6cGFzc3dvcmQ=", "Token abc", "Bearer", "Bearer ", "bearer", f"JWT {mint(ALICE)}",
     mint(ALICE)],
)
async def test_wrong_scheme_is_401(api: Api, header: str) -> None:
    response = await api.get(f"/api/{ALICE}/tasks", user=None, headers={"Authorization": header})
    assert_unauthorized(response)


async def test_scheme_is_case_insensitive(api: Api) -> None:
    response = await api.get(
        f"/api/{ALICE}/tasks", user=None, headers={"Authorization": f"bearer {mint(ALICE)}"}
    )
    assert response.status_code == 200


async def test_token_within_clock_skew_is_accepted(api: Api) -> None:
    response = await api.get(
        f"/api/{ALICE}/tasks", user=None, headers={"Authorization": f"Bearer {mint(ALICE, ttl=-5)}"}
    )
    assert response.status_code == 200


async def test_better_auth_style_token_with_audience_and_issuer_is_accepted(api: Api) -> None:
    token = mint(ALICE, aud="http://localhost:3000", iss="http://localhost:3000", iat=int(time.time()))
    response = await api.get(f"/api/{ALICE}/tasks", token=token)
    assert response.status_code == 200


# ------------------------------------------------------------------ configured audience / JWKS


class app_with:
    def __init__(self, tmp_path: Path, **changes: Any) -> None:
        base = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}", secret=SECRET)
        self.settings = replace(base, **changes)

    async def __aenter__(self) -> Api:
        container = build_container(self.settings)
        store = MemoryStore()
        model = ScriptedModel([])
        configure(container, store, model)
        app = create_app(container)
        self.client = AsyncTestClient(app, raise_server_exceptions=False)
        await self.client.__aenter__()
        return Api(self.client, container, store, model, app)

    async def __aexit__(self, *exc: object) -> None:
        await self.client.__aexit__(*exc)


async def test_configured_audience_and_issuer_are_enforced(tmp_path: Path) -> None:
    async with app_with(tmp_path, jwt_audience="todo-chat", jwt_issuer="https://id.example") as api:

        async def status(token: str) -> int:
            response = await api.get(f"/api/{ALICE}/tasks", token=token)
            return int(response.status_code)

        assert await status(mint(ALICE, aud="todo-chat", iss="https://id.example")) == 200
        assert await status(mint(ALICE, aud="other", iss="https://id.example")) == 401
        assert await status(mint(ALICE, aud="todo-chat", iss="https://evil.example")) == 401
        assert await status(mint(ALICE)) == 401


@pytest.fixture(scope="module")
def idp_keys() -> list[SigningKey]:
    return [rsa_key(), ec_key(), ed_key()]


async def test_jwks_tokens_of_every_supported_algorithm(tmp_path: Path, idp_keys: list[SigningKey]) -> None:
    stranger = rsa_key("rsa-1")  # same kid as the real key, different key: a forgery
    with jwks_server([key.public_jwk for key in idp_keys]) as url:
        async with app_with(tmp_path, jwks_url=url) as api:

            async def status(token: str, user: str = ALICE) -> int:
                response = await api.get(f"/api/{user}/tasks", token=token)
                return int(response.status_code)

            for key in idp_keys:
                assert await status(key.mint(ALICE)) == 200, key.algorithm
                assert await status(key.mint(ALICE, ttl=-120)) == 401, key.algorithm
                assert await status(key.mint(None)) == 401, key.algorithm
                assert await status(key.mint("bob")) == 403, key.algorithm
            assert await status(stranger.mint(ALICE)) == 401
            assert await status(idp_keys[0].mint(ALICE, kid="unknown-kid")) == 401
            # The shared secret keeps working next to the identity provider.
            assert await status(mint(ALICE)) == 200
            # Algorithm confusion: an HS256 token "signed" with the RSA public key is not accepted.
            public_pem = (
                idp_keys[0]
                .private.public_key()
                .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            )
            confused = _hs256_with_raw_key(public_pem, {"sub": ALICE, "exp": int(time.time()) + 600})
            assert await status(confused) == 401


def _hs256_with_raw_key(key: bytes, claims: dict[str, Any]) -> str:
    import hashlib
    import hmac

    signing_input = f"{b64({'alg': 'HS256', 'typ': 'JWT', 'kid': 'rsa-1'})}.{b64(claims)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


async def test_unreachable_jwks_is_401_not_500(tmp_path: Path) -> None:
    from tests.support.net import free_port

    async with app_with(tmp_path, jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json") as api:
        token = rsa_key().mint(ALICE)
        response = await api.get(f"/api/{ALICE}/tasks", token=token)
        assert_unauthorized(response)


# ------------------------------------------------------------------ the verifier's memory


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_verified_token_is_remembered_until_it_expires() -> None:
    from adapters.security.jwt import LEEWAY_SECONDS, JwtVerifier

    clock = Clock()
    verifier = JwtVerifier(SECRET, clock=clock)
    token = mint(ALICE, ttl=60)
    assert verifier.remembered(token) is None
    assert verifier.verify(token) == ALICE
    assert verifier.remembered(token) == ALICE
    clock.now += 60 + LEEWAY_SECONDS
    assert verifier.remembered(token) is None


def test_remembering_never_outlasts_five_minutes_nor_covers_failures() -> None:
    from adapters.security.jwt import CACHE_SECONDS, JwtVerifier
    from application.errors import Unauthorized

    clock = Clock()
    verifier = JwtVerifier(SECRET, clock=clock)
    token = mint(ALICE, ttl=86400)
    verifier.verify(token)
    clock.now += CACHE_SECONDS
    assert verifier.remembered(token) is None
    forged = mint(ALICE, secret="another-secret-that-is-long-enough-0123456789")
    with pytest.raises(Unauthorized):
        verifier.verify(forged)
    assert verifier.remembered(forged) is None
