"""A small HTTP/1.1 client for the model service: keep-alive connections reused across turns.

The openai client spends more CPU preparing and sending a request than the rest of a turn
(a recursive typed transform of every input item and tool schema, then httpx's layers); a
model call needs none of that: one POST of bytes we already encoded, one JSON or
server-sent-event body back. This client writes the request in one go, reads the head with
one ``readuntil`` and the body by Content-Length or chunks, and keeps the connection for the
next call. Errors are raised as the openai package's exceptions, so retries, ``describe`` and
Retry-After handling treat both clients alike.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx2
import openai

# An idle connection older than this is not reused: servers close idle keep-alive
# connections after a few seconds (uvicorn 5 s, nginx 75 s), and writing into one that the
# server is closing loses the request.
IDLE_SECONDS = 4.0
MAX_IDLE = 128
HEAD_LIMIT = 64 * 1024


@dataclass(slots=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class _Conn:
    __slots__ = ("idle_since", "reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer, self.idle_since = reader, writer, 0.0

    def close(self) -> None:
        self.writer.close()


class StaleConnection(Exception):
    """A reused connection closed before any byte of the answer: safe to send again."""


class HttpClient:
    """POSTs to ``base_url`` + path. One instance per model service, shared by all turns."""

    def __init__(self, base_url: str, headers: dict[str, str], timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https"):
            raise ValueError(f"unsupported model service URL {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if parts.scheme == "https" else 80)
        self._ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self._path = parts.path.rstrip("/")
        netloc = parts.netloc.rsplit("@", 1)[-1]
        fixed = {"Host": netloc, "Accept": "application/json", "Content-Type": "application/json",
                 "User-Agent": "todo-chat", **headers}
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in fixed.items())
        self.timeout = timeout
        self._idle: list[_Conn] = []

    # -- connections -----------------------------------------------------------------------

    async def _connect(self) -> _Conn:
        reader, writer = await asyncio.open_connection(
            self._host, self._port, ssl=self._ssl, server_hostname=self._host if self._ssl else None,
            limit=HEAD_LIMIT * 16)
        return _Conn(reader, writer)

    def _checkout(self) -> _Conn | None:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.idle_since < IDLE_SECONDS and not conn.reader.at_eof() and not conn.writer.is_closing():
                return conn
            conn.close()
        return None

    def _checkin(self, conn: _Conn) -> None:
        if len(self._idle) >= MAX_IDLE:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        self._idle.append(conn)

    async def aclose(self) -> None:
        while self._idle:
            self._idle.pop().close()

    # -- one exchange ----------------------------------------------------------------------

    def _request(self, path: str, body: bytes, accept_stream: bool) -> bytes:
        accept = "Accept: text/event-stream\r\n" if accept_stream else ""
        head = (f"POST {self._path}{path} HTTP/1.1\r\n{self._fixed}{accept}"
                f"Content-Length: {len(body)}\r\n\r\n")
        return head.encode("latin-1") + body

    async def _send(self, path: str, body: bytes, accept_stream: bool) -> tuple[_Conn, int, dict[str, str]]:
        """Sends on a pooled connection (or a new one) and reads the answer's head."""
        data = self._request(path, body, accept_stream)
        for _ in range(2):
            conn = self._checkout()
            reused = conn is not None
            conn = conn or await self._connect()
            try:
                conn.writer.write(data)
                head = await conn.reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError) as error:
                conn.close()
                got_nothing = not isinstance(error, asyncio.IncompleteReadError) or not error.partial
                if reused and got_nothing:
                    continue  # the server had closed the idle connection: send once more, fresh
                raise
            except BaseException:
                conn.close()
                raise
            status, headers = _parse_head(head)
            return conn, status, headers
        raise StaleConnection()  # unreachable: the second try always uses a fresh connection

    async def _read_body(self, conn: _Conn, headers: dict[str, str]) -> tuple[bytes, bool]:
        """The whole body, and whether the connection can be reused."""
        reader = conn.reader
        if "chunked" in headers.get("transfer-encoding", ""):
            parts = [chunk async for chunk in _chunks(reader)]
            return b"".join(parts), True
        length = headers.get("content-length")
        if length is not None:
            return await reader.readexactly(int(length)), True
        return await reader.read(), False

    async def post(self, path: str, body: bytes) -> Answer:
        """One JSON request and its whole answer, bounded by the timeout."""
        try:
            async with asyncio.timeout(self.timeout):
                conn, status, headers = await self._send(path, body, False)
                try:
                    content, reusable = await self._read_body(conn, headers)
                except BaseException:
                    conn.close()
                    raise
        except TimeoutError as error:
            raise openai.APITimeoutError(request=self._describe(path)) from error
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
            raise connection_error(error, self._describe(path)) from error
        self._release(conn, headers, reusable)
        if status >= 400:
            raise status_error(self._describe(path), status, headers, content)
        return Answer(status, headers, content)

    async def stream(self, path: str, body: bytes) -> AsyncIterator[bytes]:
        """Server-sent events: the ``data`` of each event, until the body ends or ``[DONE]``.

        The timeout bounds the wait for the head and for each read, as an idle-read timeout.
        """
        conn: _Conn | None = None
        finished = False
        try:
            try:
                async with asyncio.timeout(self.timeout):
                    conn, status, headers = await self._send(path, body, True)
                    if status >= 400:
                        content, _ = await self._read_body(conn, headers)
                        raise status_error(self._describe(path), status, headers, content)
                chunked = "chunked" in headers.get("transfer-encoding", "")
                source = _chunks(conn.reader) if chunked else _until_eof(conn.reader)
                async for data in _events(source, self.timeout):
                    if data == b"[DONE]":
                        break
                    yield data
                if chunked:
                    async with asyncio.timeout(self.timeout):
                        async for _ in source:  # drain to the last chunk, so the connection can be reused
                            pass
                finished = chunked and "close" not in headers.get("connection", "")
            except TimeoutError as error:
                raise openai.APITimeoutError(request=self._describe(path)) from error
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as error:
                raise connection_error(error, self._describe(path)) from error
        finally:
            if conn is not None:
                if finished:
                    self._checkin(conn)
                else:  # abandoned or failed mid-answer: the connection's state is unknown
                    conn.close()

    def _release(self, conn: _Conn, headers: dict[str, str], reusable: bool) -> None:
        if reusable and "close" not in headers.get("connection", ""):
            self._checkin(conn)
        else:
            conn.close()

    def _describe(self, path: str) -> httpx2.Request:
        # What the openai package's errors carry; built only for an error (2% of a turn's CPU).
        return httpx2.Request("POST", self.base_url + path)


def connection_error(error: BaseException, request: httpx2.Request) -> openai.APIConnectionError:
    return openai.APIConnectionError(message=f"Connection error: {error!r}", request=request)


def status_error(request: httpx2.Request, status: int, headers: dict[str, str], body: bytes) -> openai.APIStatusError:
    response = httpx2.Response(status, headers=headers, content=body, request=request)
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = body.decode("utf-8", "replace")
    detail = parsed.get("error", parsed) if isinstance(parsed, dict) else parsed
    message = detail.get("message", detail) if isinstance(detail, dict) else detail
    return openai.APIStatusError(f"Error code: {status} - {message}", response=response, body=parsed)


def _parse_head(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    if status == 100:
        raise ValueError("unexpected 100 Continue")
    return status, headers


async def _chunks(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while True:
        size_line = await reader.readuntil(b"\r\n")
        size = int(size_line.split(b";", 1)[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the blank line
                pass
            return
        chunk = await reader.readexactly(size + 2)
        yield chunk[:-2]


async def _until_eof(reader: asyncio.StreamReader) -> AsyncIterator[bytes]:
    while chunk := await reader.read(65536):
        yield chunk


async def _events(source: AsyncIterator[bytes], idle_seconds: float) -> AsyncIterator[bytes]:
    """The ``data:`` payload of each server-sent event (multi-line data joined with newlines)."""
    buffer = b""
    data: list[bytes] = []
    iterator = aiter(source)
    while True:
        try:
            async with asyncio.timeout(idle_seconds):
                chunk = await anext(iterator)
        except StopAsyncIteration:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        for raw in lines:
            line = raw.rstrip(b"\r")
            if not line:
                if data:
                    yield b"\n".join(data)
                    data = []
            elif line.startswith(b"data:"):
                data.append(line[5:].lstrip(b" ") if line[5:6] == b" " else line[5:])
    if data:
        yield b"\n".join(data)
