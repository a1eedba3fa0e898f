"""MCP sign-in end to end: the official ``mcp`` client's OAuth provider against the served app
(discovery, dynamic registration, PKCE, the consent page over HTTP, tools, refresh), and every
refusal the authorization server owes: wrong verifier, reused code, foreign redirect URI,
expired, revoked and foreign-resource tokens, and a read-only grant calling a write tool."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import httpx2
import jwt
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from adapters.memory.oauth import MemoryOAuthStore
from adapters.security.oauth_clients import ClientMetadataDocuments, ClientRejected
from adapters.security.oauth_tokens import AccessTokenCodec
from application.queries import TaskQuery
from application.use_cases.tasks import NewTask
from entrypoints.config import RateLimit
from entrypoints.http.app import create_app
from tests.integration.mcp.conftest import SECRET, Served, memory_container, serve
from tests.integration.mcp.oauth_flow import (
    REDIRECT_URI,
    Browser,
    MemoryTokenStorage,
    hidden_request,
    oauth_provider,
    pkce,
    register_account,
)
from tests.support.net import free_port

ACCEPT = {"Accept": "application/json, text/event-stream"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


def call(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": 3, "method": "tools/call", "params": {"name": name, "arguments": arguments}}


@contextlib.asynccontextmanager
async def served_app(**settings: Any) -> AsyncIterator[Served]:
    port = free_port()
    container, store = memory_container(port, **settings)
    async with serve(create_app(container), port) as base_url:
        yield Served(base_url, store, container)


@contextlib.asynccontextmanager
async def signed_in_client(mcp_url: str, browser: Browser, storage: MemoryTokenStorage) -> AsyncIterator[Client]:
    auth = oauth_provider(mcp_url, browser, storage)
    async with (
        httpx2.AsyncClient(auth=auth, timeout=10) as http,
        Client(streamable_http_client(mcp_url, http_client=http)) as client,
    ):
        yield client


async def register_client(http: httpx.AsyncClient, base_url: str, **extra: Any) -> dict[str, Any]:
    body = {"client_name": "raw", "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none", **extra}
    registered = await http.post(base_url + "/register", json=body)
    assert registered.status_code == 201, registered.text
    return dict(registered.json())


async def authorization_code(
    http: httpx.AsyncClient,
    base_url: str,
    client_id: str,
    challenge: str,
    email: str,
    *,
    scopes: tuple[str, ...] = ("tasks:read", "tasks:write"),
    resource: str | None = None,
) -> str:
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        "state": "xyz",
        "scope": " ".join(scopes),
        "resource": resource or base_url + "/mcp",
    }
    authorize = await http.get(base_url + "/authorize", params=params)
    assert authorize.status_code == 302, authorize.text
    page = await http.get(authorize.headers["location"])
    form = {
        "request": hidden_request(page.text),
        "email": email,
        "password": "correct horse battery staple",
        "action": "allow",
        "scope": list(scopes),
    }
    answer = await http.post(base_url + "/oauth/consent", data=form)
    assert answer.status_code == 303, answer.text
    query = httpx.URL(answer.headers["location"]).params
    assert query["state"] == "xyz"
    assert query["iss"] == base_url
    return str(query["code"])


async def exchange(http: httpx.AsyncClient, base_url: str, client_id: str, code: str, verifier: str) -> httpx.Response:
    return await http.post(
        base_url + "/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "client_id": client_id,
            "code_verifier": verifier,
        },
    )


async def test_the_official_client_signs_in_lists_calls_and_refreshes() -> None:
    async with served_app(oauth_access_lifetime=timedelta(seconds=2)) as served, httpx.AsyncClient() as http:
        user_id = await register_account(http, served.base_url, "ada@example.com")
        browser = Browser(email="ada@example.com")
        storage = MemoryTokenStorage()
        async with signed_in_client(served.mcp_url, browser, storage) as client:
            tools = {tool.name for tool in (await client.list_tools()).tools}
            assert {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"} <= tools
            added = await client.call_tool("add_task", {"title": "Sign in with OAuth"})
            assert added.structured_content == {"task_id": 1, "status": "created", "title": "Sign in with OAuth"}

            # The client registered itself (RFC 7591) as a public client and went through consent once.
            assert storage.client_info is not None
            assert storage.client_info.token_endpoint_auth_method == "none"
            assert storage.client_info.client_secret is None
            assert len(browser.pages) == 1
            assert "todo-chat tests" in browser.pages[0]
            first = storage.tokens
            assert first is not None and first.refresh_token and first.expires_in == 2
            assert set((first.scope or "").split()) == {"tasks:read", "tasks:write"}

            await asyncio.sleep(2.5)  # the access token expires; the client refreshes on its own
            listed = await client.call_tool("list_tasks", {})
            assert listed.structured_content is not None
            assert [t["title"] for t in listed.structured_content["tasks"]] == ["Sign in with OAuth"]
            assert len(browser.pages) == 1, "a refresh, not a second sign-in"
            second = storage.tokens
            assert second is not None and second.access_token != first.access_token
            assert second.refresh_token != first.refresh_token, "refresh tokens rotate"

        # The task is the account's own, seen through REST with the account's token.
        assert [t.title for t in (await served.tasks.find(user_id, TaskQuery())).items] == ["Sign in with OAuth"]

        # The rotated-out refresh token is refused, and its reuse ends the whole grant.
        replay = await http.post(
            served.base_url + "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": first.refresh_token,
                "client_id": storage.client_info.client_id,
            },
        )
        assert replay.status_code == 400
        assert replay.json()["error"] == "invalid_grant"
        bearer = {**ACCEPT, "Authorization": f"Bearer {second.access_token}"}
        refused = await http.post(served.mcp_url, json=LIST, headers=bearer)
        assert refused.status_code == 401


async def test_metadata_is_from_the_configuration_and_names_this_server() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        resource = (await http.get(served.base_url + "/.well-known/oauth-protected-resource/mcp")).json()
        assert resource["resource"] == served.mcp_url
        assert resource["authorization_servers"] == [served.base_url]
        assert resource["scopes_supported"] == ["tasks:read", "tasks:write"]
        server = (await http.get(served.base_url + "/.well-known/oauth-authorization-server")).json()
        assert server["issuer"] == served.base_url
        assert server["authorization_endpoint"] == served.base_url + "/authorize"
        assert server["token_endpoint"] == served.base_url + "/token"
        assert server["registration_endpoint"] == served.base_url + "/register"
        assert server["revocation_endpoint"] == served.base_url + "/revoke"
        assert server["code_challenge_methods_supported"] == ["S256"]
        assert server["token_endpoint_auth_methods_supported"] == ["none"]
        assert server["client_id_metadata_document_supported"] is True


async def test_a_foreign_host_is_refused_before_auth_and_never_echoed() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        anonymous = await http.post(served.mcp_url, json=LIST, headers={**ACCEPT, "Host": "evil.example"})
        assert anonymous.status_code == 421
        assert "evil.example" not in anonymous.text
        assert "www-authenticate" not in anonymous.headers
        metadata = await http.get(
            served.base_url + "/.well-known/oauth-protected-resource/mcp", headers={"Host": "evil.example"}
        )
        assert "evil.example" not in metadata.text
        assert metadata.json()["resource"] == served.mcp_url
        server = await http.get(
            served.base_url + "/.well-known/oauth-authorization-server", headers={"Host": "evil.example"}
        )
        assert "evil.example" not in server.text
        # A legitimate Host without a token still gets the pointer, built from the configuration.
        local = await http.post(served.mcp_url, json=LIST, headers=ACCEPT)
        assert local.status_code == 401
        pointer = served.base_url + "/.well-known/oauth-protected-resource/mcp"
        assert f'resource_metadata="{pointer}"' in local.headers["www-authenticate"]


async def test_wrong_verifier_and_reused_code_are_refused() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        await register_account(http, served.base_url, "bo@example.com")
        client = await register_client(http, served.base_url)
        verifier, challenge = pkce()
        code = await authorization_code(http, served.base_url, client["client_id"], challenge, "bo@example.com")

        wrong = await exchange(http, served.base_url, client["client_id"], code, pkce()[0])
        assert wrong.status_code == 400
        assert wrong.json() == {"error": "invalid_grant", "error_description": "incorrect code_verifier"}

        good = await exchange(http, served.base_url, client["client_id"], code, verifier)
        assert good.status_code == 200, good.text
        tokens = good.json()
        assert tokens["token_type"] == "Bearer"
        assert good.headers["cache-control"] == "no-store"
        bearer = {**ACCEPT, "Authorization": f"Bearer {tokens['access_token']}"}
        assert (await http.post(served.mcp_url, json=LIST, headers=bearer)).status_code == 200

        reused = await exchange(http, served.base_url, client["client_id"], code, verifier)
        assert reused.status_code == 400
        assert reused.json()["error"] == "invalid_grant"
        # The replay revoked what the code started: its access and refresh tokens are dead.
        assert (await http.post(served.mcp_url, json=LIST, headers=bearer)).status_code == 401
        refreshed = await http.post(
            served.base_url + "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": client["client_id"],
            },
        )
        assert refreshed.status_code == 400
        assert refreshed.json()["error"] == "invalid_grant"


async def test_redirect_uris_must_be_registered_and_safe() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        for unsafe in ("http://evil.example/callback", "javascript:alert(1)", "https://x.example/cb#frag"):
            refused = await http.post(
                served.base_url + "/register",
                json={"redirect_uris": [unsafe], "token_endpoint_auth_method": "none"},
            )
            assert refused.status_code == 400, unsafe
            assert refused.json()["error"] in {"invalid_redirect_uri", "invalid_client_metadata"}
        client = await register_client(http, served.base_url)
        _, challenge = pkce()
        foreign = await http.get(
            served.base_url + "/authorize",
            params={
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": "https://evil.example/callback",
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        # Never redirected to an unregistered URI: an error body to the person instead.
        assert foreign.status_code == 400
        assert foreign.json()["error"] == "invalid_request"
        assert "location" not in foreign.headers
        plain = await http.get(
            served.base_url + "/authorize",
            params={
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "code_challenge": challenge,
                "code_challenge_method": "plain",
            },
        )
        assert plain.status_code == 302
        assert "error=invalid_request" in plain.headers["location"]


async def test_a_confidential_registration_becomes_a_public_client() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        registered = await http.post(served.base_url + "/register", json={"redirect_uris": [REDIRECT_URI]})
        assert registered.status_code == 201
        assert registered.json()["token_endpoint_auth_method"] == "none"
        assert "client_secret" not in registered.json()


async def test_revoked_expired_and_foreign_resource_tokens_are_refused() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        await register_account(http, served.base_url, "cy@example.com")
        client = await register_client(http, served.base_url)
        verifier, challenge = pkce()
        code = await authorization_code(http, served.base_url, client["client_id"], challenge, "cy@example.com")
        tokens = (await exchange(http, served.base_url, client["client_id"], code, verifier)).json()
        bearer = {**ACCEPT, "Authorization": f"Bearer {tokens['access_token']}"}
        assert (await http.post(served.mcp_url, json=LIST, headers=bearer)).status_code == 200

        # A token for another resource, signed with the right key: refused by its audience.
        codec = AccessTokenCodec(SECRET, issuer=served.base_url, lifetime=timedelta(minutes=5))
        claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
        other, _ = codec.issue(
            user_id=claims["sub"],
            client_id=client["client_id"],
            scopes=("tasks:read", "tasks:write"),
            resource="https://other.example/mcp",
            grant_id=claims["gid"],
        )
        assert (
            await http.post(served.mcp_url, json=LIST, headers={**ACCEPT, "Authorization": f"Bearer {other}"})
        ).status_code == 401
        # Expired (an hour ago, past any leeway).
        expired = jwt.encode(
            {**claims, "exp": claims["iat"] - 3600},
            codec._key,
            algorithm="HS256",
            headers={"typ": "at+jwt"},
        )
        assert (
            await http.post(served.mcp_url, json=LIST, headers={**ACCEPT, "Authorization": f"Bearer {expired}"})
        ).status_code == 401
        # The MCP access token is not a REST token.
        rest = await http.get(
            served.base_url + f"/api/{claims['sub']}/tasks",
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        assert rest.status_code == 401

        # Revocation (RFC 7009) ends the grant: the access token and the refresh token.
        revoked = await http.post(
            served.base_url + "/revoke", data={"token": tokens["refresh_token"], "client_id": client["client_id"]}
        )
        assert revoked.status_code == 200
        assert (await http.post(served.mcp_url, json=LIST, headers=bearer)).status_code == 401
        refreshed = await http.post(
            served.base_url + "/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": tokens["refresh_token"],
                "client_id": client["client_id"],
            },
        )
        assert refreshed.json()["error"] == "invalid_grant"

        # A resource other than this server's /mcp cannot even be asked for.
        _, challenge = pkce()
        target = await http.get(
            served.base_url + "/authorize",
            params={
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "code_challenge": challenge,
                "resource": "https://other.example/mcp",
                "state": "s",
            },
        )
        assert target.status_code == 302
        assert "error=invalid_target" in target.headers["location"]


async def test_a_read_only_grant_cannot_call_a_write_tool() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        user_id = await register_account(http, served.base_url, "di@example.com")
        await served.tasks.add(user_id, NewTask(title="Already here"))
        client = await register_client(http, served.base_url)
        verifier, challenge = pkce()
        code = await authorization_code(
            http, served.base_url, client["client_id"], challenge, "di@example.com", scopes=("tasks:read",)
        )
        tokens = (await exchange(http, served.base_url, client["client_id"], code, verifier)).json()
        assert tokens["scope"] == "tasks:read"
        bearer = {**ACCEPT, "Authorization": f"Bearer {tokens['access_token']}"}
        listed = await http.post(served.mcp_url, json=call("list_tasks", {}), headers=bearer)
        assert listed.status_code == 200
        assert listed.json()["result"]["structuredContent"]["total"] == 1
        for name, arguments in [("delete_task", {"task_id": 1}), ("add_task", {"title": "Sneaky"})]:
            refused = await http.post(served.mcp_url, json=call(name, arguments), headers=bearer)
            assert refused.status_code == 403
            challenge_header = refused.headers["www-authenticate"]
            assert 'error="insufficient_scope"' in challenge_header
            assert "tasks:write" in challenge_header
        remaining = await served.tasks.find(user_id, TaskQuery())
        assert [t.title for t in remaining.items] == ["Already here"]


async def test_the_consent_page_keeps_the_csp_and_a_wrong_password_shows_it_again() -> None:
    async with served_app() as served, httpx.AsyncClient() as http:
        await register_account(http, served.base_url, "ed@example.com")
        client = await register_client(http, served.base_url)
        _, challenge = pkce()
        authorize = await http.get(
            served.base_url + "/authorize",
            params={
                "response_type": "code",
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "code_challenge": challenge,
                "state": "s1",
            },
        )
        page = await http.get(authorize.headers["location"])
        assert page.status_code == 200
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "form-action 'self' http://127.0.0.1:9" in csp
        assert "<script" not in page.text and "style=" not in page.text
        request = hidden_request(page.text)
        wrong = await http.post(
            served.base_url + "/oauth/consent",
            data={"request": request, "email": "ed@example.com", "password": "nope", "action": "allow"},
        )
        assert wrong.status_code == 200, "the form again, for the person to retry"
        assert "Wrong email or password" in wrong.text
        assert "location" not in wrong.headers
        denied = await http.post(served.base_url + "/oauth/consent", data={"request": request, "action": "deny"})
        assert denied.status_code == 303
        assert "error=access_denied" in denied.headers["location"]
        assert "state=s1" in denied.headers["location"]
        forged = await http.post(
            served.base_url + "/oauth/consent", data={"request": request[:-2] + "xx", "action": "allow"}
        )
        assert forged.status_code == 400


async def test_bearer_jwts_from_the_cli_still_work_on_mcp_with_every_scope(served: Served) -> None:
    bearer = {**ACCEPT, "Authorization": "Bearer " + served.token("alice")}
    async with httpx.AsyncClient() as http:
        added = await http.post(served.mcp_url, json=call("add_task", {"title": "Still works"}), headers=bearer)
        assert added.status_code == 200
        assert added.json()["result"]["structuredContent"]["status"] == "created"


async def test_an_identity_provider_replaces_the_built_in_server() -> None:
    async with (
        served_app(jwks_url="https://idp.example/.well-known/jwks.json", jwt_issuer="https://idp.example") as served,
        httpx.AsyncClient() as http,
    ):
        metadata = (await http.get(served.base_url + "/.well-known/oauth-protected-resource/mcp")).json()
        assert metadata["authorization_servers"] == ["https://idp.example"]
        assert (await http.get(served.base_url + "/.well-known/oauth-authorization-server")).status_code == 404
        assert (await http.post(served.base_url + "/register", json={})).status_code in {404, 405}


async def test_oauth_state_is_shared_through_the_store() -> None:
    """Two apps (replicas) on one store: a code from one is redeemed at the other."""
    shared = MemoryOAuthStore()
    port_a, port_b = free_port(), free_port()
    # Same public URL (one service behind a balancer), same stores.
    container_a, store = memory_container(port_a)
    container_b, _ = memory_container(port_a)
    for container in (container_a, container_b):
        container.oauth_store.override(shared)
    container_b.unit_of_work.override(container_a.unit_of_work)
    app_a, app_b = create_app(container_a), create_app(container_b)
    async with serve(app_a, port_a) as base_a, serve(app_b, port_b) as base_b, httpx.AsyncClient() as http:
        await register_account(http, base_a, "fi@example.com")
        client = await register_client(http, base_a)
        verifier, challenge = pkce()
        code = await authorization_code(http, base_a, client["client_id"], challenge, "fi@example.com")
        tokens = await exchange(http, base_b, client["client_id"], code, verifier)
        assert tokens.status_code == 200, tokens.text
        bearer = {
            **ACCEPT,
            "Authorization": f"Bearer {tokens.json()['access_token']}",
            "Host": f"127.0.0.1:{port_a}",
        }
        assert (await http.post(base_b + "/mcp", json=LIST, headers=bearer)).status_code == 200
        assert len(shared.grants) == 1 and store.commits >= 1


def document_host(documents: dict[str, dict[str, Any]]) -> httpx.MockTransport:
    """A stand-in for the clients' web servers: serves each metadata document at its URL."""

    def answer(request: httpx.Request) -> httpx.Response:
        found = documents.get(str(request.url))
        return httpx.Response(200, json=found) if found is not None else httpx.Response(404)

    return httpx.MockTransport(answer)


CIMD_URL = "https://app.example/oauth/client.json"


async def test_a_client_id_metadata_document_replaces_registration() -> None:
    document = {
        "client_id": CIMD_URL,
        "client_name": "Example App",
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "none",
    }
    port = free_port()
    container, _ = memory_container(port)
    container.client_documents.override(ClientMetadataDocuments(transport=document_host({CIMD_URL: document})))
    async with serve(create_app(container), port) as base_url, httpx.AsyncClient() as http:
        await register_account(http, base_url, "gu@example.com")
        browser = Browser(email="gu@example.com")
        storage = MemoryTokenStorage()
        auth = oauth_provider(base_url + "/mcp", browser, storage, client_metadata_url=CIMD_URL)
        async with (
            httpx2.AsyncClient(auth=auth, timeout=10) as mcp_http,
            Client(streamable_http_client(base_url + "/mcp", http_client=mcp_http)) as client,
        ):
            added = await client.call_tool("add_task", {"title": "From a metadata document"})
            assert added.structured_content is not None and added.structured_content["task_id"] == 1
        assert storage.client_info is not None and storage.client_info.client_id == CIMD_URL
        assert "Example App" in browser.pages[0]
        assert container.oauth_store().clients == {}, "nothing was registered"


@pytest.mark.parametrize(
    ("document", "why"),
    [
        ({"client_id": "https://other.example/c.json", "redirect_uris": [REDIRECT_URI]}, "another client_id"),
        ({"client_id": CIMD_URL, "redirect_uris": ["http://evil.example/cb"]}, "http on a public host"),
        (
            {
                "client_id": CIMD_URL,
                "redirect_uris": [REDIRECT_URI],
                "token_endpoint_auth_method": "client_secret_basic",
            },
            "a secret",
        ),
        (None, "no document"),
    ],
)
async def test_a_bad_metadata_document_is_no_client(document: dict[str, Any] | None, why: str) -> None:
    port = free_port()
    container, _ = memory_container(port)
    documents = {CIMD_URL: document} if document is not None else {}
    container.client_documents.override(ClientMetadataDocuments(transport=document_host(documents)))
    async with serve(create_app(container), port) as base_url, httpx.AsyncClient() as http:
        _, challenge = pkce()
        refused = await http.get(
            base_url + "/authorize",
            params={
                "response_type": "code",
                "client_id": CIMD_URL,
                "redirect_uri": REDIRECT_URI,
                "code_challenge": challenge,
            },
        )
        assert refused.status_code == 400, why
        assert refused.json()["error"] == "invalid_request"
        assert "location" not in refused.headers


async def test_metadata_documents_are_not_fetched_from_internal_addresses() -> None:
    fetched: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        fetched.append(str(request.url))
        return httpx.Response(200, json={})

    documents = ClientMetadataDocuments(transport=httpx.MockTransport(answer))
    for url in (
        "https://127.0.0.1/c.json",
        "https://10.0.0.8/c.json",
        "https://[::1]/c.json",
        "https://localhost/c.json",
    ):
        with pytest.raises(ClientRejected):
            await documents.client(url)
    assert fetched == []


async def test_browser_clients_on_any_origin_can_discover_register_and_exchange() -> None:
    """A client running in a browser (the Inspector's web UI) is not in CORS_ORIGINS; the
    sign-in endpoints answer its preflights anyway, as the SDK's handlers intend."""
    async with served_app() as served, httpx.AsyncClient() as http:
        origin = {"Origin": "http://localhost:6274"}
        for path, method in [
            ("/.well-known/oauth-protected-resource/mcp", "GET"),
            ("/.well-known/oauth-authorization-server", "GET"),
            ("/register", "POST"),
            ("/token", "POST"),
            ("/revoke", "POST"),
        ]:
            preflight = await http.options(
                served.base_url + path,
                headers={
                    **origin,
                    "Access-Control-Request-Method": method,
                    "Access-Control-Request-Headers": "content-type",
                },
            )
            assert preflight.status_code == 200, (path, preflight.text)
            assert preflight.headers["access-control-allow-origin"] == "*"
        registered = await http.post(
            served.base_url + "/register", json={"redirect_uris": [REDIRECT_URI]}, headers=origin
        )
        assert registered.status_code == 201
        assert registered.headers["access-control-allow-origin"] == "*"
        # The REST API keeps its own policy.
        api = await http.options(
            served.base_url + "/api/auth/login", headers={**origin, "Access-Control-Request-Method": "POST"}
        )
        assert api.status_code == 400


async def test_registrations_are_limited_per_client_address() -> None:
    async with served_app(auth_client_rate_limit=RateLimit(2, 60)) as served, httpx.AsyncClient() as http:
        body = {"redirect_uris": [REDIRECT_URI]}
        statuses = [(await http.post(served.base_url + "/register", json=body)).status_code for _ in range(2)]
        assert statuses == [201, 201]
        refused = await http.post(served.base_url + "/register", json=body)
        assert refused.status_code == 429
        assert refused.json()["error"] == "temporarily_unavailable"
        assert int(refused.headers["retry-after"]) >= 1
        assert len(served.container.oauth_store().clients) == 2
