"""uvicorn's HTTP protocol with the two deadlines it lacks: for the headers and for the body.

uvicorn only times out idle keep-alive connections. A client that opens a connection and
sends nothing, or sends its headers or body a byte a second, holds a connection (and its
memory) for as long as it likes; 200 of them were still open after 7 s in the attack run.
Here each request must finish its headers within ``header_timeout`` seconds of its first
byte (or of the connection opening) and its body within ``body_timeout`` seconds of the
headers; otherwise the client gets a 408 (if nothing was answered yet) and the connection
is closed. The idle time between requests stays uvicorn's ``timeout_keep_alive``.

It also answers with the error body what uvicorn itself would answer in plain text: past
``limit_concurrency`` (``HTTP_MAX_CONNECTIONS``) uvicorn sends ``503 Service Unavailable`` as
``text/plain``, and a request it cannot parse gets ``400 Invalid HTTP request received.``.
Those answers never reach the app (and its JSON error layer), so they are made JSON here,
where they are made: the connection-limit check is this class's own (uvicorn's is switched
off for it), and the 400 is written by ``send_400_response``.

``serve`` passes this class to uvicorn (``http=``); workers import it by name, and the
deadlines come from the settings (``HTTP_HEADER_TIMEOUT``, ``HTTP_BODY_TIMEOUT``).
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from entrypoints.http.errors import Problem, error_bytes
from entrypoints.http.json_errors import CODES


@cache
def deadlines() -> tuple[float, float]:
    """(header, body) seconds, read once per process from the settings."""
    from entrypoints.config import load_settings

    settings = load_settings()
    return settings.http_header_timeout, settings.http_body_timeout


def _timeout_response() -> bytes:
    body = error_bytes(Problem(408, "REQUEST_TIMEOUT", "The request took too long to arrive"))
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


_OVERLOADED = error_bytes(Problem(503, CODES[503], "Too many connections; retry shortly"))
_UNPARSABLE = error_bytes(Problem(400, CODES[400], "Invalid HTTP request"))


async def _overloaded(scope: Any, receive: Any, send: Any) -> None:
    """What uvicorn's ``service_unavailable`` says, as the error body."""
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_OVERLOADED)).encode()),
        (b"retry-after", b"1"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": _OVERLOADED, "more_body": False})


class DeadlineHttpProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout, self._body_timeout = deadlines()
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_body = False
        # The same limit, checked in on_headers_complete below with a JSON answer.
        self._max_connections, self.limit_concurrency = self.limit_concurrency, None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._header_timeout)  # a connection that never sends a request

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:  # the next request on a kept-alive connection
            self._arm(self._header_timeout)

    def on_headers_complete(self) -> None:
        self._disarm()
        limit = self._max_connections
        if limit is not None and (len(self.connections) >= limit or len(self.tasks) >= limit):
            # uvicorn's own check, word for word, but the request goes to _overloaded.
            self.logger.warning("Exceeded concurrency limit.")
            app, self.app = self.app, _overloaded
            try:
                super().on_headers_complete()
            finally:
                self.app = app
        else:
            super().on_headers_complete()
        self._arm(self._body_timeout)
        self._reading_body = True

    def send_400_response(self, msg: str) -> None:
        """A request uvicorn cannot parse: the error body instead of its plain-text ``msg``."""
        content = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(_UNPARSABLE)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                _UNPARSABLE,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()

    def on_message_complete(self) -> None:
        self._disarm()
        self._reading_body = False
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _timed_out(self) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        cycle = self.cycle
        # Answer only when nothing is being answered: a new request's headers (any earlier
        # response is complete), or a body the app is still waiting for.
        if self._reading_body:
            answer = cycle is not None and not cycle.response_started
        else:
            answer = cycle is None or cycle.response_complete
        if answer:
            self.transport.write(_timeout_response())
        self.transport.close()
