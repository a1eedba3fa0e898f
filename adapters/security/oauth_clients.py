"""Who may ask for a sign-in: redirect-URI rules and client ID metadata documents.

A client is either registered here (RFC 7591, stored) or names itself by an https URL that
serves its metadata (a client ID metadata document, the MCP 2025-11-25 default): that
document is fetched with httpx (a transport can be injected, for tests and proxies),
checked and kept for a few minutes. Every client is public: PKCE, the exact redirect URI
and the user's consent protect the flow, not a secret.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Iterable
from urllib.parse import urlsplit

import httpx
from mcp.shared.auth import OAuthClientInformationFull
from pydantic import ValidationError

from application.oauth import ALL_SCOPES

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
MAX_DOCUMENT_BYTES = 16 * 1024
DOCUMENT_TIMEOUT_S = 5.0
DOCUMENT_CACHE_S = 300.0
PUBLIC_AUTH_METHOD = "none"
DEFAULT_SCOPE = " ".join(ALL_SCOPES)


class ClientRejected(ValueError):
    """A redirect URI or metadata document that is not acceptable; the message says why."""


def check_redirect_uri(uri: str) -> None:
    """https anywhere, or http on a loopback address (native apps, RFC 8252 §7.3); no fragment."""
    parts = urlsplit(uri)
    if parts.fragment:
        raise ClientRejected(f"redirect URI {uri!r} must not have a fragment")
    host = (parts.hostname or "").lower()
    if not host:
        raise ClientRejected(f"redirect URI {uri!r} has no host")
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and host in LOOPBACK_HOSTS:
        return
    raise ClientRejected(f"redirect URI {uri!r} must be https, or http on 127.0.0.1, [::1] or localhost")


def check_redirect_uris(uris: Iterable[str]) -> None:
    listed = list(uris)
    if not listed:
        raise ClientRejected("at least one redirect URI is required")
    for uri in listed:
        check_redirect_uri(uri)


def is_metadata_document_url(client_id: str) -> bool:
    parts = urlsplit(client_id)
    return parts.scheme == "https" and parts.path not in ("", "/")


def _refuse_internal_address(url: str) -> None:
    # A client id is chosen by whoever starts a sign-in: do not let it point this server at
    # its own network. Names are not resolved here (see ADR 0006 for the limits of this).
    host = urlsplit(url).hostname or ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        if host.lower() == "localhost" or host.lower().endswith(".localhost"):
            raise ClientRejected("client ID metadata documents are not fetched from localhost") from None
        return
    if not address.is_global:
        raise ClientRejected("client ID metadata documents are not fetched from internal addresses")


class ClientMetadataDocuments:
    """Fetches, checks and caches client ID metadata documents."""

    def __init__(self, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport
        self._cache: dict[str, tuple[float, OAuthClientInformationFull]] = {}

    async def client(self, client_id: str) -> OAuthClientInformationFull:
        """The client a document describes, or ``ClientRejected`` saying what is wrong."""
        cached = self._cache.get(client_id)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        _refuse_internal_address(client_id)
        document = await self._fetch(client_id)
        client = client_from_document(client_id, document)
        self._cache[client_id] = (time.monotonic() + DOCUMENT_CACHE_S, client)
        if len(self._cache) > 1024:
            self._cache.pop(next(iter(self._cache)))
        return client

    async def _fetch(self, url: str) -> bytes:
        try:
            async with (
                httpx.AsyncClient(
                    transport=self._transport, timeout=DOCUMENT_TIMEOUT_S, follow_redirects=False
                ) as http,
                http.stream("GET", url, headers={"Accept": "application/json"}) as response,
            ):
                if response.status_code != 200:
                    raise ClientRejected(f"client metadata document answered HTTP {response.status_code}")
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_DOCUMENT_BYTES:
                        raise ClientRejected("client metadata document is too large")
                return body
        except httpx.HTTPError as exc:
            raise ClientRejected(f"client metadata document could not be fetched: {type(exc).__name__}") from None


def client_from_document(client_id: str, body: bytes) -> OAuthClientInformationFull:
    try:
        document = json.loads(body)
    except ValueError:
        raise ClientRejected("client metadata document is not JSON") from None
    if not isinstance(document, dict):
        raise ClientRejected("client metadata document is not a JSON object")
    if document.get("client_id") != client_id:
        raise ClientRejected("client metadata document names another client_id")
    if document.get("client_secret") is not None or document.get("client_secret_expires_at") is not None:
        raise ClientRejected("client metadata document must not carry a client secret")
    method = document.get("token_endpoint_auth_method", PUBLIC_AUTH_METHOD)
    if method != PUBLIC_AUTH_METHOD:
        raise ClientRejected("only public clients (token_endpoint_auth_method 'none') are supported")
    uris = document.get("redirect_uris")
    if not isinstance(uris, list) or not all(isinstance(uri, str) for uri in uris):
        raise ClientRejected("client metadata document needs a list of redirect_uris")
    check_redirect_uris(uris)
    try:
        return OAuthClientInformationFull.model_validate(
            {
                "client_id": client_id,
                "client_name": document.get("client_name") if isinstance(document.get("client_name"), str) else None,
                "redirect_uris": uris,
                "token_endpoint_auth_method": PUBLIC_AUTH_METHOD,
                "grant_types": ["authorization_code", "refresh_token"],
                "response_types": ["code"],
                "scope": DEFAULT_SCOPE,
            }
        )
    except ValidationError as exc:
        raise ClientRejected(f"client metadata document is not valid: {exc.errors()[0]['msg']}") from None
