"""The built-in authorization server on the memory store, without HTTP: consent, codes, purge."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from mcp.server.auth.provider import AuthorizationParams, AuthorizeError
from mcp.shared.auth import OAuthClientInformationFull
from pydantic import AnyUrl

from adapters.memory.oauth import MemoryOAuthStore
from adapters.security.oauth_provider import BuiltinAuthorizationServer, PendingRequestInvalid, digest
from adapters.security.oauth_tokens import AccessTokenCodec
from application.oauth import CodeRecord, Grant

SECRET = "unit-test-secret-with-enough-bytes-for-hs256"
ISSUER = "https://todo.example"
CLIENT = OAuthClientInformationFull(
    client_id="c-1",
    client_name="Tests",
    redirect_uris=[AnyUrl("http://127.0.0.1:9/cb")],
    scope="tasks:read tasks:write",
)


def server(store: MemoryOAuthStore) -> BuiltinAuthorizationServer:
    codec = AccessTokenCodec(SECRET, issuer=ISSUER, lifetime=timedelta(minutes=15))
    return BuiltinAuthorizationServer(store, codec, SECRET, resource=ISSUER + "/mcp")


def params(**changes: object) -> AuthorizationParams:
    base = AuthorizationParams(
        state="st",
        scopes=["tasks:read", "tasks:write"],
        code_challenge="E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
        redirect_uri=AnyUrl("http://127.0.0.1:9/cb"),
        redirect_uri_provided_explicitly=True,
        resource=ISSUER + "/mcp",
    )
    return base.model_copy(update=changes)


def signed_request(url: str) -> str:
    assert url.startswith(ISSUER + "/oauth/consent?")
    return parse_qs(urlsplit(url).query)["request"][0]


async def test_consent_stores_a_hashed_single_grant_and_narrows_scopes() -> None:
    store = MemoryOAuthStore()
    provider = server(store)
    pending = provider.pending(signed_request(await provider.authorize(CLIENT, params())))
    assert pending.client_name == "Tests" and pending.scopes == ("tasks:read", "tasks:write")
    redirect = await provider.approve(pending, "alice", ("tasks:read",))
    query = parse_qs(urlsplit(redirect).query)
    assert query["state"] == ["st"] and query["iss"] == [ISSUER]
    code = query["code"][0]
    (stored,) = store.codes.values()
    assert stored.code_hash == digest(code) and code not in stored.code_hash
    assert stored.scopes == ("tasks:read",)
    (grant,) = store.grants.values()
    assert (grant.user_id, grant.client_id, grant.resource) == ("alice", "c-1", ISSUER + "/mcp")


async def test_another_resource_and_a_tampered_request_are_refused() -> None:
    provider = server(MemoryOAuthStore())
    with pytest.raises(AuthorizeError) as refused:
        await provider.authorize(CLIENT, params(resource="https://other.example/mcp"))
    assert refused.value.error == "invalid_target"
    request = signed_request(await provider.authorize(CLIENT, params()))
    with pytest.raises(PendingRequestInvalid):
        provider.pending(request[:-3] + "abc")
    other = BuiltinAuthorizationServer(
        MemoryOAuthStore(),
        AccessTokenCodec("another-secret-with-enough-bytes-for-hs256", ISSUER, timedelta(minutes=1)),
        "another-secret-with-enough-bytes-for-hs256",
        resource=ISSUER + "/mcp",
    )
    with pytest.raises(PendingRequestInvalid):
        other.pending(request)


async def test_a_consent_purges_expired_codes_and_old_revoked_grants() -> None:
    store = MemoryOAuthStore()
    long_ago = datetime.now(UTC) - timedelta(days=10)
    old_grant = Grant("old", "bob", "c-1", ("tasks:read",), ISSUER + "/mcp", long_ago, revoked_at=long_ago)
    old_code = CodeRecord(
        "x" * 64,
        "old",
        "c-1",
        "bob",
        "http://127.0.0.1:9/cb",
        True,
        "cc",
        ("tasks:read",),
        ISSUER + "/mcp",
        expires_at=long_ago,
    )
    await store.add_grant(old_grant, old_code)
    provider = server(store)
    pending = provider.pending(signed_request(await provider.authorize(CLIENT, params())))
    await provider.approve(pending, "alice", ("tasks:read", "tasks:write"))
    assert "old" not in store.grants and "x" * 64 not in store.codes
    assert len(store.grants) == 1 and len(store.codes) == 1
    # Not again within the hour: a second old code stays until the next purge.
    await store.add_grant(replace(old_grant, grant_id="old2"), replace(old_code, code_hash="y" * 64, grant_id="old2"))
    pending = provider.pending(signed_request(await provider.authorize(CLIENT, params())))
    await provider.approve(pending, "alice", ("tasks:read",))
    assert "y" * 64 in store.codes
