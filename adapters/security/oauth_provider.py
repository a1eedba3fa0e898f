"""The built-in authorization server behind the ``mcp`` SDK's OAuth handlers.

The SDK's handlers (``mcp.server.auth.handlers``) parse every request, check PKCE S256,
redirect URIs, code expiry and client ids, and answer with RFC 6749 error bodies; this
class is the ``OAuthAuthorizationServerProvider`` they call, keeping state in an
``OAuthStore``. Between ``/authorize`` and the code sits the consent page
(``entrypoints/http/oauth.py``): ``authorize`` sends the browser there with the request
signed into the URL (no server-side state, any replica can finish it), and
``approve``/``deny`` end it with a redirect to the client.

Lifetimes: codes 5 minutes and single use; access tokens short (``lifetime`` of the
codec); refresh tokens rotate on every use, and presenting a retired one (a replay:
someone else has a copy) revokes the whole grant, as does reusing a code.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import jwt
from mcp.server.auth.provider import (
    AccessToken,
    AuthorizationCode,
    AuthorizationParams,
    AuthorizeError,
    IdentityAssertionParams,
    RefreshToken,
    RegistrationError,
    TokenError,
    construct_redirect_uri,
)
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken
from pydantic import AnyUrl

from adapters.security.oauth_clients import (
    PUBLIC_AUTH_METHOD,
    ClientMetadataDocuments,
    ClientRejected,
    check_redirect_uris,
    is_metadata_document_url,
)
from adapters.security.oauth_tokens import AccessTokenCodec
from application.oauth import ALL_SCOPES, ClientRecord, CodeRecord, Grant, OAuthStore, RefreshRecord

CODE_LIFETIME = timedelta(minutes=5)
REQUEST_LIFETIME = timedelta(minutes=15)  # time a person has to sign in on the consent page
DEFAULT_REFRESH_LIFETIME = timedelta(days=30)
CONSENT_PATH = "/oauth/consent"
PURGE_EVERY_S = 3600.0
PURGE_AFTER = timedelta(days=1)
REQUEST_KEY_PURPOSE = b"todo-chat oauth pending authorization v1"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


class GrantedCode(AuthorizationCode):
    grant_id: str


class GrantedRefreshToken(RefreshToken):
    grant_id: str


class PendingRequestInvalid(ValueError):
    """The consent page was given a request that is not ours, or has expired."""


@dataclass(frozen=True, slots=True)
class PendingAuthorization:
    """An authorization request the SDK validated, waiting for the person's consent."""

    client_id: str
    client_name: str
    redirect_uri: str
    redirect_uri_explicit: bool
    code_challenge: str
    state: str | None
    scopes: tuple[str, ...]
    resource: str

    @property
    def redirect_origin(self) -> str:
        parts = urlsplit(self.redirect_uri)
        return f"{parts.scheme}://{parts.netloc}"


class BuiltinAuthorizationServer:
    """``OAuthAuthorizationServerProvider`` for the app's own accounts."""

    def __init__(
        self,
        store: OAuthStore,
        codec: AccessTokenCodec,
        secret: str,
        *,
        resource: str,
        refresh_lifetime: timedelta = DEFAULT_REFRESH_LIFETIME,
        documents: ClientMetadataDocuments | None = None,
        registration_gate: Callable[[str], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._codec = codec
        self._request_key = hmac.new(secret.encode(), REQUEST_KEY_PURPOSE, hashlib.sha256).digest()
        self.issuer = codec.issuer
        self.resource = resource
        self._refresh_lifetime = refresh_lifetime
        self._documents = documents or ClientMetadataDocuments()
        # Counts one registration by client address, or raises RateLimited: registering is
        # unauthenticated and writes a row.
        self.registration_gate = registration_gate
        self._next_purge = 0.0

    # -- clients --------------------------------------------------------------------------

    async def get_client(self, client_id: str) -> OAuthClientInformationFull | None:
        if is_metadata_document_url(client_id):
            try:
                return await self._documents.client(client_id)
            except ClientRejected:
                return None
        record = await self._store.client(client_id)
        return None if record is None else OAuthClientInformationFull.model_validate_json(record.metadata_json)

    async def register_client(self, client_info: OAuthClientInformationFull) -> None:
        try:
            check_redirect_uris(str(uri) for uri in client_info.redirect_uris or [])
        except ClientRejected as exc:
            raise RegistrationError("invalid_redirect_uri", str(exc)) from None
        # Public clients only (RFC 7591 §3.2.1 lets the server replace requested values; the
        # SDK answers with this very object, so the client sees the substitution): no secret
        # to keep, hashed or not.
        client_info.token_endpoint_auth_method = PUBLIC_AUTH_METHOD
        client_info.client_secret = None
        client_info.client_secret_expires_at = None
        client_info.grant_types = [g for g in client_info.grant_types if g in ("authorization_code", "refresh_token")]
        await self._store.add_client(
            ClientRecord(client_info.client_id, client_info.model_dump_json(exclude_none=True), _now())
        )

    # -- authorization request and consent ------------------------------------------------

    async def authorize(self, client: OAuthClientInformationFull, params: AuthorizationParams) -> str:
        if params.resource is not None and params.resource.rstrip("/") != self.resource:
            raise AuthorizeError("invalid_target", f"this server issues tokens only for {self.resource}")
        scopes = [s for s in (params.scopes or ALL_SCOPES) if s]
        unknown = [s for s in scopes if s not in ALL_SCOPES]
        if unknown:
            raise AuthorizeError("invalid_scope", f"unknown scope {unknown[0]!r}")
        claims = {
            "cid": client.client_id,
            "cn": client.client_name or "",
            "ru": str(params.redirect_uri),
            "rux": params.redirect_uri_provided_explicitly,
            "cc": params.code_challenge,
            "st": params.state,
            "sc": " ".join(scopes),
            "res": self.resource,
            "exp": int(time.time() + REQUEST_LIFETIME.total_seconds()),
        }
        request = jwt.encode(claims, self._request_key, algorithm="HS256")
        return f"{self.issuer}{CONSENT_PATH}?request={request}"

    def pending(self, request: str) -> PendingAuthorization:
        try:
            claims: dict[str, Any] = jwt.decode(
                request, self._request_key, algorithms=["HS256"], options={"require": ["exp", "cid", "ru"]}
            )
        except jwt.ExpiredSignatureError:
            raise PendingRequestInvalid("This sign-in request has expired; start again from your app.") from None
        except jwt.PyJWTError:
            raise PendingRequestInvalid("This sign-in request is not valid; start again from your app.") from None
        return PendingAuthorization(
            client_id=claims["cid"],
            client_name=claims.get("cn") or claims["cid"],
            redirect_uri=claims["ru"],
            redirect_uri_explicit=bool(claims.get("rux")),
            code_challenge=claims["cc"],
            state=claims.get("st"),
            scopes=tuple(str(claims.get("sc", "")).split()),
            resource=claims["res"],
        )

    async def approve(self, pending: PendingAuthorization, user_id: str, scopes: tuple[str, ...]) -> str:
        """Store the grant and its code; the client's redirect URI with the code."""
        granted = tuple(s for s in pending.scopes if s in scopes)
        if not granted:
            return self.deny(pending)
        now = _now()
        code = secrets.token_urlsafe(32)
        grant = Grant(
            grant_id=secrets.token_hex(16),
            user_id=user_id,
            client_id=pending.client_id,
            scopes=granted,
            resource=pending.resource,
            created_at=now,
        )
        await self._store.add_grant(
            grant,
            CodeRecord(
                code_hash=digest(code),
                grant_id=grant.grant_id,
                client_id=pending.client_id,
                user_id=user_id,
                redirect_uri=pending.redirect_uri,
                redirect_uri_explicit=pending.redirect_uri_explicit,
                code_challenge=pending.code_challenge,
                scopes=granted,
                resource=pending.resource,
                expires_at=now + CODE_LIFETIME,
            ),
        )
        await self._purge_now_and_then(now)
        # RFC 9207: iss tells the client which server answered (mix-up attacks).
        return construct_redirect_uri(pending.redirect_uri, code=code, state=pending.state, iss=self.issuer)

    async def _purge_now_and_then(self, now: datetime) -> None:
        """At most hourly per process, on a consent (not on the hot path of tokens): drop
        expired codes and refresh tokens and grants revoked a day ago, so the tables do not
        grow with every sign-in and refresh."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_EVERY_S
        await self._store.purge(now - PURGE_AFTER)

    def deny(self, pending: PendingAuthorization) -> str:
        return construct_redirect_uri(
            pending.redirect_uri,
            error="access_denied",
            error_description="The user did not allow access",
            state=pending.state,
            iss=self.issuer,
        )

    # -- token endpoint ----------------------------------------------------------------------

    async def load_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: str
    ) -> GrantedCode | None:
        record = await self._store.code(digest(authorization_code))
        if record is None or record.client_id != client.client_id:
            return None
        return GrantedCode(
            code=authorization_code,
            scopes=list(record.scopes),
            expires_at=record.expires_at.timestamp(),
            client_id=record.client_id,
            code_challenge=record.code_challenge,
            redirect_uri=AnyUrl(record.redirect_uri),
            redirect_uri_provided_explicitly=record.redirect_uri_explicit,
            resource=record.resource,
            subject=record.user_id,
            grant_id=record.grant_id,
        )

    async def exchange_authorization_code(
        self, client: OAuthClientInformationFull, authorization_code: GrantedCode
    ) -> OAuthToken:
        now = _now()
        if not await self._store.consume_code(digest(authorization_code.code), now):
            # RFC 6749 §4.1.2: a code used twice was stolen or replayed; end what it started.
            await self._store.revoke_grant(authorization_code.grant_id, now)
            raise TokenError("invalid_grant", "authorization code was already used")
        grant = await self._store.grant(authorization_code.grant_id)
        if grant is None or not grant.active:
            raise TokenError("invalid_grant", "this authorization was revoked")
        return await self._tokens(grant, grant.scopes, previous=None)

    async def load_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: str
    ) -> GrantedRefreshToken | None:
        record = await self._store.refresh(digest(refresh_token))
        if record is None or record.client_id != client.client_id:
            return None
        if record.rotated_at is not None:
            # A retired refresh token came back: two parties hold this grant. End it.
            await self._store.revoke_grant(record.grant_id, _now())
            return None
        grant = await self._store.grant(record.grant_id)
        if grant is None or not grant.active:
            return None
        return GrantedRefreshToken(
            token=refresh_token,
            client_id=record.client_id,
            scopes=list(record.scopes),
            expires_at=int(record.expires_at.timestamp()),
            resource=record.resource,
            subject=record.user_id,
            grant_id=record.grant_id,
        )

    async def exchange_refresh_token(
        self, client: OAuthClientInformationFull, refresh_token: GrantedRefreshToken, scopes: list[str]
    ) -> OAuthToken:
        grant = await self._store.grant(refresh_token.grant_id)
        if grant is None or not grant.active:
            raise TokenError("invalid_grant", "this authorization was revoked")
        narrowed = tuple(s for s in grant.scopes if s in scopes)
        return await self._tokens(grant, narrowed, previous=refresh_token.token)

    async def _tokens(self, grant: Grant, scopes: tuple[str, ...], previous: str | None) -> OAuthToken:
        now = _now()
        refresh = secrets.token_urlsafe(32)
        record = RefreshRecord(
            token_hash=digest(refresh),
            grant_id=grant.grant_id,
            client_id=grant.client_id,
            user_id=grant.user_id,
            scopes=grant.scopes,  # a narrower access token does not narrow the grant
            resource=grant.resource,
            expires_at=now + self._refresh_lifetime,
        )
        if previous is None:
            await self._store.add_refresh(record)
        elif not await self._store.rotate_refresh(digest(previous), now, record):
            await self._store.revoke_grant(grant.grant_id, now)
            raise TokenError("invalid_grant", "refresh token was already used")
        access, lifetime = self._codec.issue(
            user_id=grant.user_id,
            client_id=grant.client_id,
            scopes=scopes,
            resource=grant.resource,
            grant_id=grant.grant_id,
        )
        return OAuthToken(
            access_token=access,
            token_type="Bearer",  # noqa: S106 (the token type's name)
            expires_in=lifetime,
            scope=" ".join(scopes),
            refresh_token=refresh,
        )

    async def exchange_identity_assertion(
        self, client: OAuthClientInformationFull, params: IdentityAssertionParams
    ) -> OAuthToken:
        raise TokenError("unsupported_grant_type", "only authorization_code and refresh_token are supported")

    # -- resource side and revocation --------------------------------------------------------

    async def load_access_token(self, token: str) -> AccessToken | None:
        claims = self._codec.verify(token, self.resource)
        if claims is None:
            return None
        grant = await self._store.grant(claims.grant_id)
        if grant is None or not grant.active:
            return None
        return AccessToken(
            token=token,
            client_id=claims.client_id,
            scopes=list(claims.scopes),
            expires_at=claims.expires_at,
            resource=claims.resource,
            subject=claims.user_id,
            claims={"iss": self.issuer, "gid": claims.grant_id},
        )

    async def revoke_token(self, token: AccessToken | RefreshToken) -> None:
        if isinstance(token, GrantedRefreshToken):
            grant_id: object = token.grant_id
        else:
            grant_id = (getattr(token, "claims", None) or {}).get("gid")
        if isinstance(grant_id, str):
            await self._store.revoke_grant(grant_id, _now())
