"""The one table from exceptions to HTTP error responses.

Every error body is ``{"error": {"code", "message", "details"}}``. Anything not in the
table is a 500 ``INTERNAL_ERROR`` whose body carries only the request id; the stack
trace goes to the log under the same id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    SerializationException,
    ValidationException,
)
from litestar.exceptions import (
    NotAuthorizedException as LitestarNotAuthorized,
)
from litestar.exceptions import (
    PermissionDeniedException as LitestarPermissionDenied,
)
from litestar.exceptions import (
    TooManyRequestsException as LitestarTooManyRequests,
)
from litestar.exceptions.http_exceptions import RequestEntityTooLarge

from application.errors import (
    Conflict,
    DatabaseUnavailable,
    Forbidden,
    LanguageModelUnavailable,
    RateLimited,
    Unauthorized,
)
from domain.errors import InvalidValue, NotFound
from entrypoints.http.schemas import ErrorBody, ErrorDetail, FieldProblem

logger = logging.getLogger("todo_chat.http")

WWW_AUTHENTICATE = 'Bearer realm="todo-chat"'

# What a 401 tells the client (issue 15: decided). The client is told what it can act on: send
# a token, use the Bearer scheme, sign in again when the token expired, or its credentials were
# wrong. Which verification check refused a presented token (signature, algorithm, key, claim)
# helps only someone crafting tokens, so every other reason reads the same; the log keeps it.
_SAID_AS_IS = frozenset({"Wrong email or password"})
_TOLD = {
    "missing bearer token": "Authentication required: send Authorization: Bearer <token>",
    "use the Bearer scheme: Authorization: Bearer <token>": "Use the Bearer scheme: Authorization: Bearer <token>",
    "token has expired": "The token has expired; sign in again",
}
TOKEN_NOT_VALID = "The token is not valid; sign in again"  # noqa: S105 - a message, not a secret
_auth_log = logging.getLogger("todo_chat.auth")


def told_to_client(reason: str) -> str:
    """The 401 message for an authentication failure whose internal reason is ``reason``."""
    if reason in _SAID_AS_IS:
        return reason
    if reason in _TOLD:
        return _TOLD[reason]
    _auth_log.info("token refused", extra={"reason": reason})
    return TOKEN_NOT_VALID


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    code: str
    message: str
    details: list[FieldProblem] | dict[str, Any] | None = None
    headers: dict[str, str] | None = None


def error_body(problem: Problem) -> ErrorBody:
    return ErrorBody(error=ErrorDetail(code=problem.code, message=problem.message, details=problem.details))


def error_bytes(problem: Problem) -> bytes:
    return msgspec.json.encode(error_body(problem))


def request_id_of(scope: Any) -> str:
    state = scope.get("state") or {}
    return str(state.get("request_id", "-"))


# ----------------------------------------------------------------------- the table

_MSGSPEC_PATH = re.compile(r"\s*-\s*at\s*`\$(?:\.(?P<field>[A-Za-z_][\w]*))?[^`]*`\s*$")
_UNKNOWN_FIELD = re.compile(r"unknown field `(?P<field>[^`]+)`")
_MISSING_FIELD = re.compile(r"missing required field `(?P<field>[^`]+)`")
_UNSTORABLE = re.compile(r"invalid text in `(?P<field>[^`]+)`: ")  # domain.text.UnstorableText


def _field_problem(message: str, fallback: str = "body") -> FieldProblem:
    """``Expected `str` of length <= 255 - at `$.title``` -> field ``title``."""
    field = fallback
    for pattern in (_UNSTORABLE, _UNKNOWN_FIELD, _MISSING_FIELD, _MSGSPEC_PATH):
        match = pattern.search(message)
        if match and match.group("field"):
            field = match.group("field")
            break
    text = _UNSTORABLE.sub("", _MSGSPEC_PATH.sub("", message)).strip() or "is invalid"
    return FieldProblem(field=field, message=text)


def _validation(problems: list[FieldProblem]) -> Problem:
    first = problems[0]
    return Problem(400, "VALIDATION_ERROR", f"{first.field}: {first.message}", problems)


def _from_litestar_validation(exc: ValidationException) -> Problem:
    problems: list[FieldProblem] = []
    extra = exc.extra if isinstance(exc.extra, list) else [exc.extra] if exc.extra else []
    for item in extra:
        if isinstance(item, dict):
            message = str(item.get("message") or exc.detail)
            key = item.get("key")
            problem = _field_problem(message, fallback=str(key) if key else "body")
            if key and problem.field == "body":
                problem = FieldProblem(field=str(key), message=problem.message)
            problems.append(problem)
    if not problems:
        detail = str(exc.detail or "")
        if "malformed" in detail.lower() or "json" in detail.lower():
            problems.append(FieldProblem(field="body", message="is not valid JSON"))
        else:
            problems.append(_field_problem(detail or "is invalid"))
    return _validation(problems)


def _problem_for(exc: Exception) -> Problem | None:
    """The response for a known exception; None means an internal error."""
    match exc:
        case InvalidValue():
            return _validation([FieldProblem(field=exc.field, message=exc.message)])
        case msgspec.ValidationError():
            return _validation([_field_problem(str(exc))])
        case ValidationException():
            return _from_litestar_validation(exc)
        case SerializationException() | msgspec.DecodeError():
            return _validation([FieldProblem(field="body", message="is not valid JSON")])
        case UnicodeDecodeError():
            # msgspec decodes JSON strings as it parses: bytes that are not UTF-8 inside a string
            # ("\xed\xa0\x80", an encoded surrogate) surface as this instead of a DecodeError.
            return _validation([FieldProblem(field="body", message="is not valid UTF-8")])
        case RecursionError() if "deserializ" in str(exc):
            # msgspec gives up on JSON nested deeper than it can decode ([[[[...]]]] x 10,000):
            # the client's body is at fault, not the server.
            return _validation([FieldProblem(field="body", message="is nested too deeply")])
        case NotFound():
            return Problem(404, "NOT_FOUND", str(exc))
        case Unauthorized() | LitestarNotAuthorized():
            reason = str(exc.detail if isinstance(exc, HTTPException) else exc) or "authentication required"
            return Problem(
                401, "UNAUTHORIZED", told_to_client(reason), headers={"WWW-Authenticate": WWW_AUTHENTICATE}
            )
        case Forbidden() | LitestarPermissionDenied():
            return Problem(403, "FORBIDDEN", str(exc.detail if isinstance(exc, HTTPException) else exc))
        case Conflict():
            return Problem(409, "CONFLICT", str(exc), [FieldProblem(field=exc.field, message=str(exc))])
        case RequestEntityTooLarge():
            return Problem(413, "PAYLOAD_TOO_LARGE", "The request body is too large")
        case RateLimited():
            return Problem(
                429, "RATE_LIMITED", str(exc), {"retry_after": exc.retry_after},
                headers={"Retry-After": str(exc.retry_after)},
            )
        case LitestarTooManyRequests():
            return Problem(429, "RATE_LIMITED", "Too many requests")
        case LanguageModelUnavailable():
            return Problem(
                503,
                "LLM_UNAVAILABLE",
                "The language model is unavailable; your message was kept. Try again shortly.",
            )
        case DatabaseUnavailable():
            return Problem(503, "DATABASE_UNAVAILABLE", "The database is unavailable; try again shortly.",
                           headers={"Retry-After": "5"})
        case NotFoundException():
            return Problem(404, "NOT_FOUND", "No such route")
        case MethodNotAllowedException():
            return Problem(405, "METHOD_NOT_ALLOWED", "Method not allowed",
                           headers=dict(exc.headers or {}))
        case HTTPException() if "client disconnected" in str(exc.detail):
            # Litestar's 500 for a body cut short (the client went away, or missed the body
            # deadline): the client's doing, and nobody is left to read the answer.
            return Problem(400, "VALIDATION_ERROR", "body: the request body did not arrive in full",
                           [FieldProblem(field="body", message="did not arrive in full")])
        case HTTPException() if exc.status_code == 400:
            # Litestar's own 400s: undecodable JSON, a body of the wrong media type, bad params.
            return _validation([_field_problem(str(exc.detail or "is invalid"))])
        case HTTPException() if 400 <= exc.status_code < 500:
            return Problem(exc.status_code, "BAD_REQUEST", str(exc.detail))
    return None


def problem_for(exc: Exception, request_id: str) -> Problem:
    problem = _problem_for(exc)
    if problem is not None:
        return problem
    return Problem(
        500,
        "INTERNAL_ERROR",
        f"Something went wrong on our side. Quote request id {request_id} when reporting it.",
        {"request_id": request_id},
    )


def handle_exception(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    request_id = request_id_of(request.scope)
    problem = problem_for(exc, request_id)
    if problem.status >= 500 and problem.code == "INTERNAL_ERROR":
        logger.error(
            "unhandled error",
            exc_info=exc,
            extra={"request_id": request_id, "path": request.scope.get("path", "")},
        )
    elif problem.status >= 500:
        logger.warning(
            "%s: %s", problem.code, exc, extra={"request_id": request_id}
        )
    return Response(
        content=error_bytes(problem),
        status_code=problem.status,
        media_type=MediaType.JSON,
        headers=problem.headers,
    )


EXCEPTION_HANDLERS: dict[type[Exception] | int, Callable[..., Response[Any]]] = {Exception: handle_exception}
"""Litestar looks a handler up by exception type (MRO); ``Exception`` catches everything,
and ``problem_for`` is the table."""
