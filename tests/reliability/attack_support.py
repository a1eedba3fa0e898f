"""Shared by the abuse and cross-user modules: a live server with tokens, and checks on error bodies.

Everything here talks to a real ``todo-chat serve`` (tests/support/server.py) on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import secrets
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import jwt

from tests.support.server import ServerProcess

ERROR_CODES = {
    "VALIDATION_ERROR",
    "UNAUTHORIZED",
    "FORBIDDEN",
    "NOT_FOUND",
    "METHOD_NOT_ALLOWED",
    "CONFLICT",
    "PAYLOAD_TOO_LARGE",
    "RATE_LIMITED",
    "BAD_REQUEST",
}

# What a stack trace, an ORM or a database driver would put in a body: never in ours.
LEAK_MARKERS = (
    "Traceback",
    'File "',
    "site-packages",
    "sqlalchemy",
    "asyncpg",
    "aiosqlite",
    "sqlite3",
    "psycopg",
    "[SQL:",
    "[parameters:",
    "OperationalError",
    "IntegrityError",
    "ProgrammingError",
    "DataError",
    "RecursionError",
    "KeyError",
    "TypeError",
    "AttributeError",
)


@dataclass
class Live:
    """A running server and the secret its tokens are signed with."""

    server: ServerProcess
    secret: str

    @property
    def url(self) -> str:
        return self.server.url

    def token(self, user_id: str, *, ttl: float = 3600, **claims: Any) -> str:
        payload = {"sub": user_id, "exp": int(time.time() + ttl), **claims}
        return jwt.encode(payload, self.secret, algorithm="HS256")

    def headers(self, user_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(user_id)}"}

    def client(self, user_id: str | None = None, **kwargs: Any) -> httpx.Client:
        headers = {**(self.headers(user_id) if user_id else {}), **kwargs.pop("headers", {})}
        return httpx.Client(base_url=self.url, headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def async_client(self, user_id: str | None = None, **kwargs: Any) -> httpx.AsyncClient:
        headers = {**(self.headers(user_id) if user_id else {}), **kwargs.pop("headers", {})}
        return httpx.AsyncClient(base_url=self.url, headers=headers, timeout=kwargs.pop("timeout", 30), **kwargs)

    def raw(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None, body: bytes | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        """Send ``path`` byte for byte (httpx would normalise ``..`` away)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()


@contextlib.contextmanager
def live_server(workdir: Path, env: Mapping[str, str] | None = None) -> Iterator[Live]:
    """``todo-chat serve`` in ``workdir`` with its own secret; stopped even when the test fails."""
    secret = secrets.token_urlsafe(48)
    settings = {"BETTER_AUTH_SECRET": secret, **(env or {})}
    settings.setdefault("DATABASE_URL", f"sqlite+aiosqlite:///{workdir / 'todo.db'}")
    server = ServerProcess(cwd=workdir, env=settings)
    server.start()
    try:
        yield Live(server, secret)
    finally:
        server.stop()


def assert_no_leak(text: str) -> None:
    for marker in LEAK_MARKERS:
        assert marker not in text, f"{marker!r} leaked in {text[:500]!r}"


def assert_error(response: httpx.Response, status: int | None = None, code: str | None = None) -> dict[str, Any]:
    """A 4xx with the DESIGN.md error body and nothing from the inside; returns the error object."""
    assert response.status_code < 500, f"{response.status_code}: {response.text[:500]}"
    if status is not None:
        assert response.status_code == status, response.text[:500]
    assert response.status_code >= 400, response.text[:500]
    return check_error_body(response.text, code)


def check_error_body(text: str, code: str | None = None) -> dict[str, Any]:
    body = json.loads(text)
    assert isinstance(body, dict) and set(body) == {"error"}, text[:500]
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, text[:500]
    assert isinstance(error["message"], str) and error["message"], text[:500]
    assert error["code"] in ERROR_CODES, text[:500]
    if code is not None:
        assert error["code"] == code, text[:500]
    assert_no_leak(text)
    return dict(error)
