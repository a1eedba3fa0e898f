"""Checks on the raw request, before any routing: what no handler should ever have to see.

- A path holding NUL (``/%00``, ``/app.js%00``): no route or file has one, and the file system
  raises on it (``ValueError: embedded null byte``) -> 404.
- A query parameter holding NUL or bytes that are not UTF-8 (a lone surrogate is never valid
  UTF-8): text the database cannot store -> 400 naming the parameter, for every route at once.
- Two ``Authorization`` headers: which one counts would be up to each layer (Litestar reads
  the first) -> 400, so a proxy and the app can never disagree about who is calling.
"""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from litestar.types import Scope

from entrypoints.http.errors import Problem
from entrypoints.http.schemas import FieldProblem

_NUL = b"\x00"


def request_problem(scope: Scope) -> Problem | None:
    """Why this request is refused before routing, or None."""
    if "\x00" in scope["path"]:
        return Problem(404, "NOT_FOUND", "No such route")
    query = scope.get("query_string", b"")
    if query:
        problem = _query_problem(query)
        if problem is not None:
            return problem
    authorizations = sum(1 for name, _ in scope.get("headers", ()) if name == b"authorization")
    if authorizations > 1:
        return _invalid("Authorization", "send one Authorization header, not several")
    return None


def _query_problem(query: bytes) -> Problem | None:
    for pair in query.split(b"&"):
        raw_name, _, raw_value = pair.partition(b"=")
        name = _decoded(raw_name)
        if name is None:
            return _invalid("query", "parameter names must be UTF-8 text without NUL")
        value = _decoded(raw_value)
        if value is None:
            return _invalid(name[:64] or "query", "must be UTF-8 text without NUL characters")
    return None


def _decoded(raw: bytes) -> str | None:
    """The percent-decoded text, or None when it holds NUL or is not UTF-8."""
    data = unquote_to_bytes(raw.replace(b"+", b" ")) if b"%" in raw or b"+" in raw else raw
    if _NUL in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _invalid(field: str, message: str) -> Problem:
    return Problem(400, "VALIDATION_ERROR", f"{field}: {message}", [FieldProblem(field=field, message=message)])
