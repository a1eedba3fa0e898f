"""Security adapters: JWT issue/verify (PyJWT) and password hashing (argon2)."""

from adapters.security.jwt import JwtIssuer, JwtVerifier
from adapters.security.passwords import Argon2Hasher

__all__ = ["Argon2Hasher", "JwtIssuer", "JwtVerifier"]
