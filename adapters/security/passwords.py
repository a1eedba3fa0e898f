"""Password hashing with argon2id (argon2-cffi), implementing ``application.ports.PasswordHasher``."""

from __future__ import annotations

from argon2 import PasswordHasher as _Argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Argon2Hasher:
    """argon2id with the library's RFC 9106 "low memory" defaults unless told otherwise.

    Tests pass smaller costs to stay fast; the algorithm and the stored format are the same.
    """

    def __init__(self, *, time_cost: int | None = None, memory_cost: int | None = None) -> None:
        options: dict[str, int] = {}
        if time_cost is not None:
            options["time_cost"] = time_cost
        if memory_cost is not None:
            options["memory_cost"] = memory_cost
        self._argon2 = _Argon2(**options)

    def hash(self, password: str) -> str:
        return self._argon2.hash(password)

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._argon2.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
