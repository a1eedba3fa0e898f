"""uvicorn's HTTP protocol with the two deadlines it lacks: for the headers and for the body.

uvicorn only times out idle keep-alive connections. A client that opens a connection and
sends nothing, or sends its headers or body a byte a second, holds a connection (and its
memory) for as long as it likes; 200 of them were still open after 7 s in the attack run.
Here each request must finish its headers within ``header_timeout`` seconds of its first
byte (or of the connection opening) and its body within ``body_timeout`` seconds of the
headers; otherwise the client gets a 408 (if nothing was answered yet) and the connection
is closed. The idle time between requests stays uvicorn's ``timeout_keep_alive``.

``serve`` passes this class to uvicorn (``http=``); workers import it by name, and the
deadlines come from the settings (``HTTP_HEADER_TIMEOUT``, ``HTTP_BODY_TIMEOUT``).
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from entrypoints.http.errors import Problem, error_bytes


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


class DeadlineHttpProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout, self._body_timeout = deadlines()
        self._deadline: asyncio.TimerHandle | None = None
        self._reading_body = False

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
        super().on_headers_complete()
        self._arm(self._body_timeout)
        self._reading_body = True

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
