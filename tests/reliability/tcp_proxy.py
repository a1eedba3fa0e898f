"""A TCP proxy on 127.0.0.1 that a test can cut and restore, to take a database away.

    with TcpProxy("127.0.0.1", 5432) as proxy:      # listens on proxy.port
        ...                                          # point DATABASE_URL at proxy.port
        proxy.cut()      # every open connection is reset; new ones are refused
        proxy.restore()  # listening again on the same port

It runs its own event loop in a daemon thread, so it works the same under synchronous
and asynchronous tests (whose own loop it never touches). Every method is thread-safe
and returns only once the proxy is in the new state.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from concurrent.futures import Future
from types import TracebackType
from typing import Any, Self

from tests.support.net import free_port

CHUNK = 64 * 1024
CALL_TIMEOUT_S = 10.0


class TcpProxy:
    def __init__(
        self, target_host: str, target_port: int, *, port: int | None = None, unix_socket: str | None = None
    ) -> None:
        """``unix_socket``: forward to that socket instead (a PostgreSQL that has no TCP port)."""
        self.target = (target_host, target_port)
        self.unix_socket = unix_socket
        self.port = port or free_port()
        self.accepted = 0  # connections accepted since start (a test can see traffic went through)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._pipes: set[asyncio.Task[None]] = set()

    # -- public, called from the test's thread ---------------------------------------------

    def start(self) -> Self:
        self._thread.start()
        self._call(self._listen())
        return self

    def cut(self) -> None:
        """Reset every open connection and stop listening (new connections are refused)."""
        self._call(self._cut())

    def restore(self) -> None:
        """Listen again on the same port; new connections reach the target."""
        self._call(self._listen())

    @property
    def open_connections(self) -> int:
        return len(self._writers) // 2

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        with contextlib.suppress(Exception):
            self._call(self._cut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=CALL_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- inside the proxy's loop --------------------------------------------------------------

    def _call(self, coroutine: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        return future.result(timeout=CALL_TIMEOUT_S)

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for writer in list(self._writers):
            writer.transport.abort()  # RST, not a polite FIN: the peer sees the link die
        self._writers.clear()
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        if self._server is None:  # accepted a moment before a cut
            client_writer.transport.abort()
            return
        self.accepted += 1
        try:
            if self.unix_socket is not None:
                upstream_reader, upstream_writer = await asyncio.open_unix_connection(self.unix_socket)
            else:
                upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.transport.abort()
            return
        if self._server is None:  # cut while connecting upstream
            client_writer.transport.abort()
            upstream_writer.transport.abort()
            return
        self._writers |= {client_writer, upstream_writer}
        pipes = [
            asyncio.ensure_future(self._pipe(client_reader, upstream_writer)),
            asyncio.ensure_future(self._pipe(upstream_reader, client_writer)),
        ]
        self._pipes.update(pipes)
        try:
            await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            self._pipes.difference_update(pipes)
            for writer in (client_writer, upstream_writer):
                self._writers.discard(writer)
                writer.transport.abort()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(CHUNK):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            # One side finished: close the other so neither end waits on a half-open link.
            writer.transport.abort()
