"""The outermost ASGI layer: request ids, security headers, early 413, one log line per request.

It wraps the whole Litestar app (including its router), so unknown routes, 405s and
errors get the same headers and log line as everything else. It also refuses what no
handler should see (``request_checks``) and turns any non-JSON error into the error body
(``json_errors``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from entrypoints.http.errors import Problem, error_bytes
from entrypoints.http.json_errors import JsonErrors
from entrypoints.http.request_checks import request_problem

logger = logging.getLogger("todo_chat.http")

_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

# The web UI is plain ES modules and a stylesheet from this origin: nothing inline, nothing remote.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (only under /schema) is served from the installed swagger-ui-bundle wheel and boots
# from a script file; its React components set inline styles, hence style-src 'unsafe-inline' only.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PREFIX = "/schema"


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return uuid.uuid4().hex


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class Edge:
    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        larger_bodies: tuple[tuple[re.Pattern[str], int], ...] = (),
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Paths (full matches) whose route takes a larger body, with their bound (the import).
        self.larger_bodies = larger_bodies

    def body_limit(self, path: str) -> int:
        for pattern, limit in self.larger_bodies:
            if pattern.fullmatch(path):
                return limit
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_from(scope)
        state: dict[str, Any] = scope.setdefault("state", {})  # type: ignore[typeddict-item]
        state["request_id"] = request_id
        path: str = scope["path"]
        csp = DOCS_CSP if path == DOCS_PREFIX or path.startswith(DOCS_PREFIX + "/") else STRICT_CSP
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableScopeHeaders.from_message(message)
                headers["X-Request-ID"] = request_id
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                headers["X-Frame-Options"] = "DENY"
                if "content-security-policy" not in headers:
                    headers["Content-Security-Policy"] = csp
                if path.startswith("/api/") and "cache-control" not in headers:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        try:
            length = _content_length(scope)
            refused = request_problem(scope)
            if length is not None and length > self.body_limit(path):
                await self._too_large(send_with_headers)
            elif refused is not None:
                await self._refuse(refused, send_with_headers)
            else:
                await self.app(scope, receive, JsonErrors(send_with_headers, head=scope.get("method") == "HEAD"))
        finally:
            logger.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path_template") or "<unmatched>",
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "request_id": request_id,
                    "user_id": state.get("user_id"),
                },
            )

    @staticmethod
    async def _refuse(problem: Problem, send: Send) -> None:
        body = error_bytes(problem)
        await send(
            {
                "type": "http.response.start",
                "status": problem.status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})

    @staticmethod
    async def _too_large(send: Send) -> None:
        body = error_bytes(Problem(413, "PAYLOAD_TOO_LARGE", "The request body is too large"))
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body, "more_body": False})
