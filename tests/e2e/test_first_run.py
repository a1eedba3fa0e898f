"""What a new user sees first: the version, start-up output, and a database that cannot be used.

Issue 16's rough edges 2, 3 and 8, through the installed console script.
"""

from __future__ import annotations

import socket
import subprocess
import time
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.support.net import free_port
from tests.support.postgres import server_url, with_database
from tests.support.server import ServerProcess, clean_env, run_cli, todo_chat_command

pytestmark = pytest.mark.e2e

SECRET = "first-run-secret-0123456789-abcdefghijklmnop"
COMMANDS = [("migrate",), ("serve",), ("chat", "--user", "ann")]


def test_version_comes_from_the_installed_package(tmp_path: Path) -> None:
    done = run_cli("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == f"todo-chat {version('todo-chat')}"


def test_mcp_server_info_carries_the_package_version(tmp_path: Path) -> None:
    with ServerProcess(cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET}) as server:
        token = run_cli("token", "ann", cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET}).stdout.strip()
        response = httpx.post(
            server.url + "/mcp",
            json={
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "t", "version": "1"},
                },
            },
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"},
        )
    assert response.status_code == 200, response.text
    info = response.json()["result"]["serverInfo"]
    assert (info["name"], info["version"]) == ("todo-chat", version("todo-chat"))


def test_serve_prints_the_banner_and_nothing_before_it(tmp_path: Path) -> None:
    """A first start applies migrations: said in the banner, not as Alembic's JSON log lines."""
    port = free_port()
    process = subprocess.Popen(
        [*todo_chat_command(), "serve", "--port", str(port)],
        cwd=tmp_path,
        env=clean_env({"BETTER_AUTH_SECRET": SECRET}),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        banner = [process.stdout.readline() for _ in range(6)] if process.stdout else []
        _wait_until_healthy(f"http://127.0.0.1:{port}/health")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert banner[0].startswith(f"todo-chat {version('todo-chat')} listening on http://127.0.0.1:{port}")
    assert any(line.startswith("  schema") and "applied 0001" in line for line in banner), banner
    assert "alembic" not in stderr
    assert "Uvicorn running" not in stderr


def _wait_until_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def test_a_port_in_use_is_one_line_and_nothing_else(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_cli("serve", "--port", str(port), cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET})
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port} (in use, or not an address of this machine)"
    ]
    assert not (tmp_path / "todo-chat.db").exists(), "nothing is migrated before the port is known to be free"


def _unusable_databases() -> list[tuple[str, str]]:
    server = urlsplit(server_url())
    refused = f"postgresql+asyncpg://todo:hunter2@127.0.0.1:{free_port()}/todo"
    host = server.netloc.rpartition("@")[2]  # empty for a Unix socket (then in the query)
    no_role = with_database(urlunsplit(server._replace(netloc=f"nobody_here:hunter2@{host}")), "postgres")
    no_database = with_database(server.geturl(), "todo_chat_missing_database")
    return [
        (refused, "connection refused"),
        (no_role, 'role "nobody_here" does not exist'),
        (no_database, 'database "todo_chat_missing_database" does not exist'),
    ]


@pytest.mark.postgres
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("case", range(3), ids=["down", "role refused", "missing"])
def test_an_unusable_database_is_one_line_naming_database_url(
    tmp_path: Path, command: tuple[str, ...], case: int
) -> None:
    url, cause = _unusable_databases()[case]
    if command == ("serve",):
        command = ("serve", "--port", str(free_port()))
    done = subprocess.run(
        [*todo_chat_command(), *command],
        cwd=tmp_path,
        env=clean_env({"DATABASE_URL": url, "BETTER_AUTH_SECRET": SECRET}),
        input="hello\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: DATABASE_URL postgresql+asyncpg://")
    assert cause in lines[0]
    assert "hunter2" not in done.stderr + done.stdout


def test_the_readme_example_of_a_configuration_error_is_the_real_one(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    example = readme.split("(`error: HISTORY_MESSAGES", 1)[1].split("`", 1)[0]
    done = run_cli("migrate", cwd=tmp_path, env={"HISTORY_MESSAGES": "0"})
    assert done.returncode == 2
    assert done.stderr.strip() == "error: HISTORY_MESSAGES" + example
