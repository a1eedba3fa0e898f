"""Built-in accounts for people who do not bring their own identity provider."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.errors import InvalidValue

_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{1,63}")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024


@dataclass(frozen=True, slots=True)
class Account:
    user_id: str
    email: str
    password_hash: str
    created_at: datetime
    name: str | None = None


def normalise_email(value: str) -> str:
    email = value.strip().lower()
    if len(email) > 254 or not _EMAIL.fullmatch(email):
        raise InvalidValue("email", "is not a valid email address")
    return email


def check_password(value: str) -> str:
    if len(value) < PASSWORD_MIN:
        raise InvalidValue("password", f"must be at least {PASSWORD_MIN} characters")
    if len(value) > PASSWORD_MAX:
        raise InvalidValue("password", f"must be at most {PASSWORD_MAX} characters")
    return value
