"""Any error response that is not JSON becomes the error body, whoever produced it.

Litestar's OpenAPI controller answers ``/schema/<unknown>`` with an HTML 404, the MCP SDK's
Host check with a ``text/plain`` 421: parts we do not write. Rather than chase each, the
outermost layer rewrites every 4xx/5xx that is not already JSON into
``{"error": {"code", "message", "details"}}``, keeping its status and its other headers
(``Allow``, ``WWW-Authenticate``, ``Retry-After``).
"""

from __future__ import annotations

from http import HTTPStatus

from litestar.types import Message, Send

from entrypoints.http.errors import Problem, error_bytes

CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    409: "CONFLICT",
    413: "PAYLOAD_TOO_LARGE",
    421: "MISDIRECTED_REQUEST",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}
_DROPPED = {b"content-type", b"content-length", b"transfer-encoding"}
_MESSAGE_MAX = 200


def is_json(content_type: str) -> bool:
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class JsonErrors:
    """Wraps ``send`` for one response: passes it through, or turns a non-JSON error into JSON."""

    def __init__(self, send: Send, *, head: bool = False) -> None:
        self._send = send
        self._head = head
        self._start: Message | None = None
        self._body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if message["status"] >= 400 and not is_json(_header(message, b"content-type")):
                self._start = message  # held until the body is complete
                return
        elif message["type"] == "http.response.body" and self._start is not None:
            self._body.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._send_json()
            return
        await self._send(message)

    async def _send_json(self) -> None:
        assert self._start is not None
        status = self._start["status"]
        original = b"".join(self._body)
        text_plain = _header(self._start, b"content-type").lower().startswith("text/plain")
        body = error_bytes(Problem(status, CODES.get(status, _code_of(status)), _message(status, original, text_plain)))
        headers = [(n, v) for n, v in self._start.get("headers", []) if n.lower() not in _DROPPED]
        headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await self._send({**self._start, "headers": headers})
        await self._send({"type": "http.response.body", "body": b"" if self._head else body, "more_body": False})


def _header(message: Message, name: bytes) -> str:
    for key, value in message.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return ""


def _code_of(status: int) -> str:
    try:
        return HTTPStatus(status).name
    except ValueError:
        return "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR"


def _message(status: int, original: bytes, text_plain: bool) -> str:
    """A short plain-text body says what went wrong ("Invalid Host header"); HTML never does."""
    if text_plain and original:
        text = original.decode("utf-8", "replace").strip()
        if text and len(text) <= _MESSAGE_MAX and text.isprintable():
            return text
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
