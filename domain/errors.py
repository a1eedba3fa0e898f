"""Domain errors: every invariant violation names the field it concerns."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the core raises."""


class InvalidValue(DomainError):
    """A value broke an invariant; ``field`` names which one."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFound(DomainError):
    """The thing does not exist for this user (or belongs to someone else)."""

    def __init__(self, kind: str, identifier: object) -> None:
        super().__init__(f"{kind.capitalize()} {identifier} not found")
        self.kind = kind
        self.identifier = identifier
