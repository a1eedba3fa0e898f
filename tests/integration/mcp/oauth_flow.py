"""Drive MCP sign-in as a person would, over HTTP: the official client's OAuth provider,
and a 'browser' that follows /authorize to the consent page, signs in and allows.

Nothing here talks to the server other than through its public URLs.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import httpx
from mcp.client.auth import OAuthClientProvider
from mcp.shared.auth import AuthorizationCodeResult, OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

REDIRECT_URI = "http://127.0.0.1:9/callback"  # loopback; never listened on: the browser stops at it
PASSWORD = "correct horse battery staple"


class MemoryTokenStorage:
    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None
        self.history: list[OAuthToken] = []

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens
        self.history.append(tokens)

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


def hidden_request(page: str) -> str:
    found = re.search(r'name="request" value="([^"]+)"', page)
    assert found, page
    return found.group(1)


@dataclass
class Browser:
    """Follows the authorization URL to the consent page and answers it."""

    email: str
    password: str = PASSWORD
    scopes: Sequence[str] = ("tasks:read", "tasks:write")
    action: str = "allow"
    pages: list[str] = field(default_factory=list)
    callback: dict[str, str] = field(default_factory=dict)

    async def open(self, authorization_url: str) -> None:
        async with httpx.AsyncClient(timeout=10) as http:
            authorize = await http.get(authorization_url)
            assert authorize.status_code == 302, authorize.text
            consent_url = authorize.headers["location"]
            page = await http.get(consent_url)
            assert page.status_code == 200, page.text
            self.pages.append(page.text)
            form = {
                "request": hidden_request(page.text),
                "email": self.email,
                "password": self.password,
                "action": self.action,
                "scope": list(self.scopes),
            }
            answer = await http.post(urlsplit(consent_url)._replace(query="").geturl(), data=form)
            assert answer.status_code == 303, answer.text
            location = answer.headers["location"]
            assert location.startswith(REDIRECT_URI)
            self.callback = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}

    async def result(self) -> AuthorizationCodeResult:
        return AuthorizationCodeResult(
            code=self.callback["code"], state=self.callback.get("state"), iss=self.callback.get("iss")
        )


def oauth_provider(
    mcp_url: str, browser: Browser, storage: MemoryTokenStorage, client_metadata_url: str | None = None
) -> OAuthClientProvider:
    metadata = OAuthClientMetadata(
        client_name="todo-chat tests",
        redirect_uris=[REDIRECT_URI],  # type: ignore[list-item]
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    return OAuthClientProvider(
        server_url=mcp_url,
        client_metadata=metadata,
        storage=storage,
        redirect_handler=browser.open,
        callback_handler=browser.result,
        client_metadata_url=client_metadata_url,
    )


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


async def register_account(http: httpx.AsyncClient, base_url: str, email: str) -> str:
    created = await http.post(base_url + "/api/auth/register", json={"email": email, "password": PASSWORD})
    assert created.status_code == 201, created.text
    return str(created.json()["user_id"])
