"""A real `todo-chat serve` for the browser tests and the screenshot script.

Starts the installed console script on a free 127.0.0.1 port with its own SQLite file,
the offline model and a known secret (so tests can mint short-lived tokens), waits for
/health, and stops it afterwards.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.net import free_port

START_TIMEOUT_S = 30


@dataclass(frozen=True)
class Served:
    url: str
    secret: str
    database_url: str


def todo_chat_command() -> list[str]:
    script = Path(sys.executable).parent / "todo-chat"
    if script.exists():
        return [str(script)]
    found = shutil.which("todo-chat")
    return [found] if found else [sys.executable, "-m", "entrypoints.cli"]


@contextmanager
def served(workdir: Path) -> Iterator[Served]:
    port = free_port()
    secret = secrets.token_urlsafe(32)
    database_url = f"sqlite+aiosqlite:///{workdir / 'todo-chat.db'}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OPENAI_", "LLM_", "JWT_", "DATABASE_", "BETTER_AUTH_"))
    }
    env |= {
        "DATABASE_URL": database_url,
        "BETTER_AUTH_SECRET": secret,
        "LLM_PROVIDER": "offline",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*todo_chat_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log_path)
        yield Served(url, secret, database_url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"todo-chat serve exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    log = log_path.read_text()
    raise RuntimeError(f"todo-chat serve did not answer /health in {START_TIMEOUT_S} s:\n{log}")
