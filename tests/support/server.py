"""A real ``todo-chat serve`` process for end-to-end tests.

    with ServerProcess(cwd=tmp_path, env={"BETTER_AUTH_SECRET": secret}) as server:
        httpx.get(server.url + "/health")
    print(server.logs)

Starts the installed console script on a free 127.0.0.1 port in ``cwd``, with a clean
environment (no model keys, database or secret leaking in from the developer's shell;
the offline model unless ``env`` says otherwise), waits until ``/health`` answers, and on
exit terminates it (SIGTERM, then SIGKILL after a grace period). Everything the process
printed is kept in ``cwd/server-<port>.log`` and returned by ``stop()`` / ``logs``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from tests.support.net import free_port

START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0
SCRUBBED_PREFIXES = (
    "OPENAI_", "LLM_", "JWT_", "DATABASE_", "BETTER_AUTH_", "MCP_", "CORS_", "HISTORY_", "PUBLIC_URL", "OAUTH_",
    "TRUSTED_PROXIES", "AUTH_CLIENT_", "HTTP_HEADER_", "HTTP_BODY_", "HTTP_KEEP_", "HTTP_MAX_",
)


def todo_chat_command() -> list[str]:
    """The ``todo-chat`` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "todo-chat"
    if script.exists():
        return [str(script)]
    found = shutil.which("todo-chat")
    return [found] if found else [sys.executable, "-m", "entrypoints.cli"]


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The current environment without todo-chat settings, plus the offline model and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED_PREFIXES)}
    env |= {"LLM_PROVIDER": "offline", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
    env |= dict(extra or {})
    return env


class ServerProcess:
    def __init__(
        self,
        *,
        cwd: Path,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
        args: Sequence[str] = (),
        start_timeout: float = START_TIMEOUT_S,
    ) -> None:
        self.cwd = cwd
        self.env = clean_env(env)
        self.port = port or free_port()
        self.args = list(args)
        self.start_timeout = start_timeout
        self.log_path = cwd / f"server-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_records(self) -> list[dict[str, Any]]:
        """The JSON log lines (banner lines and anything else are skipped)."""
        records = []
        for line in self.logs.splitlines():
            if line.startswith("{"):
                try:
                    records.append(json.loads(line))
                except ValueError:
                    continue
        return records

    def start(self) -> Self:
        command = [*todo_chat_command(), "serve", "--host", "127.0.0.1", "--port", str(self.port), *self.args]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"todo-chat serve exited with {self.process.returncode}:\n{self.logs}")
            try:
                if httpx.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"todo-chat serve did not answer /health within {self.start_timeout} s:\n{self.logs}"
        )

    def stop(self) -> str:
        """Terminate the server (if running) and return everything it logged."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.logs

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=kwargs.pop("timeout", 30), **kwargs)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``todo-chat ARGS`` to completion in ``cwd`` with a clean environment."""
    return subprocess.run(
        [*todo_chat_command(), *args],
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
