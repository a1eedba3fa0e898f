"""Text a database can store: what every string from outside is checked against at the edge.

PostgreSQL ``text`` cannot hold NUL (U+0000), and no UTF-8 encoder can write a lone
surrogate (U+D800..U+DFFF, which JSON's ``\\ud800`` escapes and Python strings allow).
Either one reaching a query is a driver error, a 500 and a log line holding the statement's
parameters; refused at the edge they are a 400 that names the field.
"""

from __future__ import annotations

NUL = "\x00"


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored as database text, or None when it can."""
    if NUL in text:
        return "must not contain NUL characters"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "must be valid Unicode text (no lone surrogates)"
    return None


def unstorable_field(fields: dict[str, object]) -> tuple[str, str] | None:
    """The first ``(name, reason)`` among string values (and lists of them) that cannot be stored."""
    for name, value in fields.items():
        values = value if isinstance(value, (list, tuple)) else (value,)
        for item in values:
            if isinstance(item, str):
                reason = unstorable_reason(item)
                if reason is not None:
                    return name, reason
    return None


class UnstorableText(ValueError):
    """Raised from a shape's ``__post_init__`` (msgspec reports it as a validation error with this text)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"invalid text in `{field}`: {reason}")
        self.field = field
        self.reason = reason


def check_storable(fields: dict[str, object]) -> None:
    """Raise ``UnstorableText`` for the first string value that cannot be stored."""
    found = unstorable_field(fields)
    if found is not None:
        raise UnstorableText(*found)
