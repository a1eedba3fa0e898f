"""A lean HTTP/1.1 load generator for the benchmarks.

The client shares the 2-core machine with the server and the database, so its own CPU
use lowers what the server can reach: httpx spends ~1.5–4 ms of CPU per request under
concurrency, about as much as the server spends on a whole chat turn. One keep-alive
connection per simulated user, requests written in one go, responses read by
Content-Length: enough for the JSON routes under test, a fraction of the cost.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self
from urllib.parse import urlsplit


class HttpError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    def raise_for_status(self) -> None:
        if self.status >= 400:
            raise HttpError(f"HTTP {self.status}: {self.body[:300]!r}")


class Connection:
    """One persistent connection to ``base`` (``http://127.0.0.1:PORT``)."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base)
        self._host, self._port = parts.hostname or "127.0.0.1", parts.port or 80
        self._fixed = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Self:
        self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._writer is not None:
            self._writer.close()

    async def request(
        self, method: str, path: str, payload: Any = None, headers: dict[str, str] | None = None
    ) -> Response:
        assert self._reader is not None and self._writer is not None, "use `async with Connection(...)`"
        body = b"" if payload is None else json.dumps(payload).encode()
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self._host}:{self._port}\r\n{self._fixed}{extra}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self._writer.write(head.encode() + body)
        status_line, _, header_block = (await self._reader.readuntil(b"\r\n\r\n")).partition(b"\r\n")
        length = 0
        for line in header_block.split(b"\r\n"):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"transfer-encoding":
                raise HttpError("chunked responses are not supported by this load generator")
        return Response(int(status_line.split(b" ", 2)[1]), await self._reader.readexactly(length))
