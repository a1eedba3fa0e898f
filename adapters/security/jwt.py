"""JWT issue and verification (PyJWT).

``JwtVerifier`` accepts exactly two kinds of token:

- HS256 signed with the shared secret (``BETTER_AUTH_SECRET``): our own tokens and those of
  a Better Auth frontend configured with the same secret;
- when a JWKS URL is configured, RS256 / ES256 / EdDSA tokens signed by a key of that set
  (an identity provider, Better Auth's JWT plugin).

The algorithm is pinned per key kind, so an RS256 token is never checked against the HMAC
secret (algorithm confusion) and ``alg: none`` or any other algorithm is refused outright.
``exp`` and ``sub`` are required; ``nbf``/``iat`` are checked when present; all three must be
JSON numbers.

Clients send the same token with every request, and checking one costs more than the rest
of a simple request (PyJWT validates every base64 character), so a token that passed is
remembered, by its exact text, until it expires or for at most five minutes (as long as
the JWKS itself is cached), whichever comes first.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from jwt import PyJWKClient

from application.errors import Unauthorized
from domain.errors import InvalidValue
from domain.values import check_user_id

HS_ALGORITHM = "HS256"
ASYMMETRIC_ALGORITHMS = frozenset({"RS256", "ES256", "EdDSA"})
DEFAULT_LIFETIME = timedelta(days=7)
MAX_TOKEN_LENGTH = 8192
LEEWAY_SECONDS = 30
CACHE_SIZE = 4096
CACHE_SECONDS = 300.0


class JwtVerifier:
    """Checks a bearer token and returns its subject (the user id)."""

    def __init__(
        self,
        secret: str,
        *,
        jwks_url: str | None = None,
        audience: str | None = None,
        issuer: str | None = None,
        jwks_client: PyJWKClient | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secret = secret
        self._clock = clock
        self._audience = audience
        self._issuer = issuer
        self._jwks = jwks_client or (
            PyJWKClient(jwks_url, cache_keys=True, lifespan=CACHE_SECONDS, timeout=5) if jwks_url else None
        )
        # token -> (subject, remember until): only tokens that passed every check.
        self._passed: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def uses_jwks(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> str:
        """The token's ``sub``, or ``Unauthorized`` saying what is wrong with it.

        With a JWKS URL the first token of a new key fetches the key set (blocking I/O);
        async callers should use ``verify_async``.
        """
        remembered = self.remembered(token)
        if remembered is not None:
            return remembered
        header = self._header(token)
        algorithm = header.get("alg")
        if algorithm == HS_ALGORITHM:
            key: Any = self._secret
        elif algorithm in ASYMMETRIC_ALGORITHMS and self._jwks is not None:
            key = self._signing_key(token, algorithm)
        else:
            raise Unauthorized(f"token algorithm {algorithm!r} is not accepted")
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=LEEWAY_SECONDS,
                options={
                    "require": ["exp", "sub"],
                    # Without a configured audience the claim is not ours to judge
                    # (Better Auth sets it to its own base URL).
                    "verify_aud": self._audience is not None,
                },
            )
        except jwt.ExpiredSignatureError:
            raise Unauthorized("token has expired") from None
        except jwt.MissingRequiredClaimError as exc:
            raise Unauthorized(f"token has no {exc.claim!r} claim") from None
        except jwt.InvalidSignatureError:
            raise Unauthorized("token signature is invalid") from None
        except jwt.PyJWTError as exc:
            raise Unauthorized(f"token is invalid: {exc}") from None
        _check_numeric_dates(claims)
        subject = _subject(claims)
        self._remember(token, subject, float(claims["exp"]))
        return subject

    async def verify_async(self, token: str) -> str:
        """``verify`` without blocking the event loop on a JWKS fetch."""
        remembered = self.remembered(token)
        if remembered is not None:
            return remembered
        if self._jwks is not None and self._header(token).get("alg") in ASYMMETRIC_ALGORITHMS:
            return await asyncio.to_thread(self.verify, token)
        return self.verify(token)

    def remembered(self, token: str) -> str | None:
        """The subject of ``token`` if it passed recently and has not expired since."""
        with self._lock:
            entry = self._passed.get(token)
            if entry is None:
                return None
            subject, until = entry
            if self._clock() >= until:
                del self._passed[token]
                return None
            self._passed.move_to_end(token)
            return subject

    def _remember(self, token: str, subject: str, expires: float) -> None:
        until = min(expires + LEEWAY_SECONDS, self._clock() + CACHE_SECONDS)
        with self._lock:
            self._passed[token] = (subject, until)
            self._passed.move_to_end(token)
            while len(self._passed) > CACHE_SIZE:
                self._passed.popitem(last=False)

    @staticmethod
    def _header(token: str) -> dict[str, Any]:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise Unauthorized("token is missing or too long")
        try:
            return dict(jwt.get_unverified_header(token))
        except jwt.PyJWTError:
            raise Unauthorized("token is not a well-formed JWT") from None

    def _signing_key(self, token: str, algorithm: str) -> Any:
        assert self._jwks is not None
        try:
            signing_key = self._jwks.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            raise Unauthorized("the identity provider's keys could not be fetched") from None
        except jwt.PyJWTError:
            raise Unauthorized("token was not signed by a known key") from None
        if signing_key.key_type == "oct" or signing_key.algorithm_name != algorithm:
            # A symmetric key published in a JWKS, or a key of another algorithm: never use it.
            raise Unauthorized("token algorithm does not match its key")
        return signing_key.key


NUMERIC_DATE_CLAIMS = ("exp", "nbf", "iat")


def _check_numeric_dates(claims: dict[str, Any]) -> None:
    """RFC 7519 NumericDate claims are JSON numbers. PyJWT reads ``"exp": "9999999999"`` with
    int(), so a string would pass its checks; refuse it (and booleans, which are ints in Python)."""
    for name in NUMERIC_DATE_CLAIMS:
        if name in claims:
            value = claims[name]
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise Unauthorized(f"token claim {name!r} must be a number")


def _subject(claims: dict[str, Any]) -> str:
    subject = claims.get("sub")
    if not isinstance(subject, str):
        raise Unauthorized("token subject must be a string")
    try:
        return check_user_id(subject)
    except InvalidValue:
        raise Unauthorized("token subject is not a valid user id") from None


class JwtIssuer:
    """Signs HS256 tokens for built-in accounts and ``todo-chat token`` (``TokenIssuer`` port)."""

    def __init__(self, secret: str, lifetime: timedelta = DEFAULT_LIFETIME, clock: Any = None) -> None:
        if lifetime <= timedelta(0):
            raise ValueError("token lifetime must be positive")
        self._secret = secret
        self._lifetime = lifetime
        self._clock = clock

    def issue(self, user_id: str, lifetime: timedelta | None = None) -> tuple[str, datetime]:
        now = self._clock.now() if self._clock is not None else datetime.now(UTC)
        now = now.replace(microsecond=0)
        expires_at = now + (lifetime or self._lifetime)
        claims = {"sub": user_id, "iat": int(now.timestamp()), "exp": int(expires_at.timestamp())}
        return jwt.encode(claims, self._secret, algorithm=HS_ALGORITHM), expires_at
