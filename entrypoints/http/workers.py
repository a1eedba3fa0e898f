"""Several worker processes, each accepting on its own listening socket (``SO_REUSEPORT``).

uvicorn's workers share one listening socket, and whichever wakes first accepts a whole burst
of new connections: 50 conversations arriving at once went mostly to one of two workers
(docs/benchmarks.md, "Workers"). With a socket per worker in one ``SO_REUSEPORT`` group the
kernel spreads new connections over the workers by their addresses. This supervisor starts
the workers, replaces one that dies, and on SIGTERM or SIGINT stops them gracefully (each
finishes its requests in flight, as one uvicorn process does) and exits 0.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess
from types import FrameType

import uvicorn

logger = logging.getLogger("todo_chat.workers")

# A worker that dies this soon after starting, this many times in a row, is not replaced:
# it cannot start (a bad database, a model that cannot be built), and the error is in its log.
_QUICK_EXIT_SECONDS = 5.0
_QUICK_EXITS_ALLOWED = 3


def reuse_port_supported() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A socket of the port's ``SO_REUSEPORT`` group, bound and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def _work(config: uvicorn.Config) -> None:
    sock = listening_socket(config.host, config.port, config.backlog)
    uvicorn.Server(config).run(sockets=[sock])


class Workers:
    """``count`` uvicorn workers of ``config``, each on its own socket."""

    def __init__(self, config: uvicorn.Config, count: int) -> None:
        self._config = config
        self._count = count
        self._context = multiprocessing.get_context("spawn")
        self._stopping = threading.Event()
        self._processes: list[tuple[BaseProcess, float]] = []

    def _start(self) -> tuple[BaseProcess, float]:
        process = self._context.Process(target=_work, args=(self._config,), name="todo-chat-worker")
        process.start()
        return process, time.monotonic()

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        self._stopping.set()

    def run(self) -> int:
        """Serve until a signal; the exit status (0 after a clean stop, 1 if workers cannot start)."""
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        failed = False
        try:
            self._processes = [self._start() for _ in range(self._count)]
            quick_exits = 0
            while not self._stopping.wait(0.2):
                for index, (process, started) in enumerate(self._processes):
                    if process.is_alive():
                        continue
                    quick_exits = quick_exits + 1 if time.monotonic() - started < _QUICK_EXIT_SECONDS else 0
                    if quick_exits > _QUICK_EXITS_ALLOWED:
                        logger.error("workers keep exiting at start-up (status %s); stopping", process.exitcode)
                        failed = True
                        self._stopping.set()
                        break
                    logger.warning("worker %s exited (status %s); starting another", process.pid, process.exitcode)
                    self._processes[index] = self._start()
            self._shutdown()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        return 1 if failed else 0

    def _shutdown(self) -> None:
        for process, _ in self._processes:
            if process.is_alive() and process.pid is not None:
                os.kill(process.pid, signal.SIGTERM)  # each finishes its requests in flight
        deadline = time.monotonic() + (self._config.timeout_graceful_shutdown or 30) + 5
        for process, _ in self._processes:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(5)
