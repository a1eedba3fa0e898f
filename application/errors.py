"""Application errors: failures of the outside world, named in our terms."""

from __future__ import annotations


class ApplicationError(Exception):
    """Base of errors raised by use cases (domain errors pass through unchanged)."""


class DatabaseUnavailable(ApplicationError):
    """The store could not be reached or dropped the connection; retrying later may work."""


class LanguageModelUnavailable(ApplicationError):
    """The model failed after its retries; the user's message is kept."""


class Unauthorized(ApplicationError):
    """No valid credentials."""


class Forbidden(ApplicationError):
    """Valid credentials for somebody else."""


class Conflict(ApplicationError):
    """The thing already exists (an email already registered)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RateLimited(ApplicationError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"Too many requests; retry after {retry_after} s")
        self.retry_after = retry_after
