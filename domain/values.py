"""Value objects and the validation rules shared by entities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.errors import InvalidValue

TITLE_MAX = 255
DESCRIPTION_MAX = 4000
MESSAGE_MAX = 5000
USER_ID_MAX = 128
_USER_ID = re.compile(r"[A-Za-z0-9_.@-]{1,128}")


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Sort key: high first."""
        return _PRIORITY_RANK[self]

    @classmethod
    def parse(cls, value: str | Priority) -> Priority:
        try:
            return cls(value)
        except ValueError:
            raise InvalidValue("priority", "must be one of high, medium, low") from None


_PRIORITY_RANK = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2}


class Role(StrEnum):
    USER = "user"
    ASSISTANT = "assistant"


class TaskStatus(StrEnum):
    ALL = "all"
    PENDING = "pending"
    COMPLETED = "completed"


def _printable(value: str) -> str:
    # NUL and other C0 controls (bar tab/newline) break terminals, logs and Postgres text.
    return "".join(ch for ch in value if ch >= " " or ch in "\t\n")


def clean_title(value: str) -> str:
    title = " ".join(_printable(value).split())
    if not title:
        raise InvalidValue("title", "must not be empty")
    if len(title) > TITLE_MAX:
        raise InvalidValue("title", f"must be at most {TITLE_MAX} characters")
    return title


def clean_description(value: str | None) -> str | None:
    if value is None:
        return None
    text = _printable(value).strip()
    if len(text) > DESCRIPTION_MAX:
        raise InvalidValue("description", f"must be at most {DESCRIPTION_MAX} characters")
    return text or None


def clean_message(value: str) -> str:
    text = _printable(value).strip()
    if not text:
        raise InvalidValue("message", "must not be empty")
    if len(text) > MESSAGE_MAX:
        raise InvalidValue("message", f"must be at most {MESSAGE_MAX} characters")
    return text


def check_user_id(value: str) -> str:
    if not _USER_ID.fullmatch(value):
        raise InvalidValue("user_id", "must be 1..128 characters of A-Z a-z 0-9 _ . @ -")
    return value


LABELS_MAX = 10
LABEL_MAX = 32


def clean_labels(values: Iterable[str]) -> tuple[str, ...]:
    """Labels as typed (spaces collapsed), de-duplicated case-insensitively, first spelling kept."""
    labels: dict[str, str] = {}
    for value in values:
        label = " ".join(_printable(value).split())
        if not label:
            raise InvalidValue("labels", "a label must not be empty")
        if len(label) > LABEL_MAX:
            raise InvalidValue("labels", f"a label must be at most {LABEL_MAX} characters")
        if "|" in label:
            raise InvalidValue("labels", "a label must not contain '|'")
        labels.setdefault(label_key(label), label)
    if len(labels) > LABELS_MAX:
        raise InvalidValue("labels", f"a task has at most {LABELS_MAX} labels")
    return tuple(labels.values())


def label_key(label: str) -> str:
    """How labels compare: case-insensitively, spaces collapsed as when stored."""
    return " ".join(label.split()).casefold()


def count_labels(label_sets: Iterable[Iterable[str]]) -> list[tuple[str, int]]:
    """How many of the given tasks' label sets hold each label (case-insensitively), spelled
    as it first appears, sorted by name."""
    spelling: dict[str, str] = {}
    counts: dict[str, int] = {}
    for labels in label_sets:
        for label in labels:
            key = label_key(label)
            spelling.setdefault(key, label)
            counts[key] = counts.get(key, 0) + 1
    return [(spelling[key], counts[key]) for key in sorted(counts)]


def check_timezone(name: str) -> ZoneInfo:
    """An IANA time zone by name (the user's, for "today" and "tomorrow")."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue("timezone", f"unknown time zone {name!r}") from None
