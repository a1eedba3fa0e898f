"""The calendar feed's key: a per-user secret that calendar apps send instead of a bearer token.

Only the key's SHA-256 digest is ever stored; the key itself is shown to its owner once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

DIGEST_LENGTH = 64  # hex characters of a SHA-256 digest


def key_digest(key: str) -> str:
    """The stored form of a key (hex SHA-256 of its UTF-8 bytes)."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class CalendarKey:
    """A user's current feed key, as stored: one per user; a new one replaces the old."""

    user_id: str
    key_digest: str
    created_at: datetime
