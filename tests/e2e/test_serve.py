"""The real ``todo-chat serve``: register, chat, REST; restarts and replicas lose nothing."""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.server import ServerProcess, run_cli
from tests.support.sockets import ESTABLISHED, LISTEN, socket_owners

pytestmark = pytest.mark.e2e


def register(client: httpx.Client, email: str = "ann@example.com") -> tuple[str, dict[str, str]]:
    response = client.post("/api/auth/register", json={"email": email, "password": "correct horse battery"})
    assert response.status_code == 201, response.text
    session = response.json()
    return session["user_id"], {"Authorization": f"Bearer {session['token']}"}


def chat(
    client: httpx.Client, user: str, headers: dict[str, str], message: str, conversation: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {"message": message}
    if conversation:
        body["conversation_id"] = conversation
    response = client.post(f"/api/{user}/chat", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


def titles(client: httpx.Client, user: str, headers: dict[str, str], **params: Any) -> list[str]:
    response = client.get(f"/api/{user}/tasks", params={"sort": "id", **params}, headers=headers)
    assert response.status_code == 200, response.text
    return [task["title"].lower() for task in response.json()["data"]]


def messages(
    client: httpx.Client, user: str, headers: dict[str, str], conversation: str
) -> list[tuple[str, str]]:
    path = f"/api/{user}/conversations/{conversation}"
    response = client.get(path, params={"limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    return [(m["role"], m["content"]) for m in response.json()["messages"]["data"]]


def test_out_of_the_box_serve_chat_rest_and_a_stateless_restart(tmp_path: Path) -> None:
    """Nothing configured: SQLite and a kept secret in the working directory, the offline model."""
    with ServerProcess(cwd=tmp_path) as server, server.client() as client:
        assert client.get("/health/ready").status_code == 200
        assert "todo-chat" in client.get("/").text
        user, headers = register(client)
        first = chat(client, user, headers, "add buy milk")
        conversation = first["conversation_id"]
        assert [call["tool"] for call in first["tool_calls"]] == ["add_task"]
        assert titles(client, user, headers) == ["buy milk"]
        streamed = client.post(
            f"/api/{user}/chat/stream", json={"message": "add call mom", "conversation_id": conversation},
            headers=headers,
        )
        assert streamed.status_code == 200
        assert "event: done" in streamed.text
        assert titles(client, user, headers) == ["buy milk", "call mom"]
    assert (tmp_path / "todo-chat.db").exists()
    assert (tmp_path / "todo-chat.db.secret").exists()
    records = server.log_records()
    requests = [r for r in records if r.get("message") == "request"]
    paths = {r["path"] for r in requests}
    assert paths >= {"/api/auth/register", "/api/{user_id}/chat", "/api/{user_id}/tasks"}
    assert all(headers["Authorization"].split()[1] not in line for line in server.logs.splitlines())
    assert "buy milk" not in server.logs

    # A new process on the same directory: the token still works, the conversation goes on.
    with ServerProcess(cwd=tmp_path) as again, again.client() as client:
        assert titles(client, user, headers) == ["buy milk", "call mom"]
        chat(client, user, headers, "add water the plants", conversation)
        history = messages(client, user, headers, conversation)
        assert [role for role, _ in history] == ["user", "assistant"] * 3
        assert [text for role, text in history if role == "user"] == [
            "add buy milk", "add call mom", "add water the plants",
        ]
        assert titles(client, user, headers) == ["buy milk", "call mom", "water the plants"]


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


def test_two_workers_listen_each_share_new_connections_are_replaced_and_stop_cleanly(tmp_path: Path) -> None:
    with ServerProcess(cwd=tmp_path, args=["--workers", "2"]) as server:
        _until(lambda: len(socket_owners(server.port, LISTEN)) == 2, 60, "two workers listening")
        listeners = socket_owners(server.port, LISTEN)
        assert all(count == 1 for count in listeners.values())  # a socket each (SO_REUSEPORT)
        with server.client() as client:
            user, headers = register(client)
        # 24 new connections, kept open: the kernel spreads them over both workers.
        clients = [server.client() for _ in range(24)]
        try:
            for one in clients:
                assert one.get(f"/api/{user}/tasks", headers=headers).status_code == 200
            holders = socket_owners(server.port, ESTABLISHED)
            assert set(holders) == set(listeners) and sum(holders.values()) == 24, holders
        finally:
            for one in clients:
                one.close()
        # A worker that dies is replaced, and the service goes on.
        victim = next(iter(listeners))
        os.kill(victim, signal.SIGKILL)
        _until(lambda: len(socket_owners(server.port, LISTEN)) == 2 and victim not in socket_owners(
            server.port, LISTEN), 60, "a new worker in place of the killed one")
        with server.client() as client:
            assert client.get(f"/api/{user}/tasks", headers=headers).status_code == 200
        assert server.process is not None
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=40) == 0
    assert "workers   2" in server.logs
    assert socket_owners(server.port, LISTEN) == {}


def test_oversized_chunked_upload_is_413_on_a_real_server(tmp_path: Path) -> None:
    def chunks() -> Any:
        for _ in range(100):
            yield b"x" * 1024

    # No database is touched: the body is refused before anything reads it.
    with ServerProcess(cwd=tmp_path, args=["--no-migrate"]) as server, server.client() as client:
        json_type = {"Content-Type": "application/json"}
        response = client.post("/api/auth/login", content=chunks(), headers=json_type)
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_serve_refuses_a_bad_configuration_with_one_line(tmp_path: Path) -> None:
    done = run_cli("serve", "--port", "1", cwd=tmp_path, env={"HISTORY_MESSAGES": "0"}, timeout=30)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: HISTORY_MESSAGES must be between 1 and 1000 (got 0)"
    ]


@pytest.mark.postgres
def test_two_replicas_on_postgres_serve_alternate_turns(tmp_path: Path, postgres_url: str) -> None:
    env = {"DATABASE_URL": postgres_url, "BETTER_AUTH_SECRET": secrets.token_urlsafe(48)}
    migrated = run_cli("migrate", cwd=tmp_path, env=env)
    assert migrated.returncode == 0, migrated.stderr
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    with (
        ServerProcess(cwd=tmp_path / "a", env=env, args=["--no-migrate"]) as a,
        ServerProcess(cwd=tmp_path / "b", env=env, args=["--no-migrate"]) as b,
        a.client() as on_a,
        b.client() as on_b,
    ):
        user, headers = register(on_a)
        said = [f"add write chapter {n}" for n in range(1, 9)]
        conversation = chat(on_a, user, headers, said[0])["conversation_id"]
        for n, message in enumerate(said[1:], start=1):
            chat(on_b if n % 2 else on_a, user, headers, message, conversation)
        for client in (on_a, on_b):
            history = messages(client, user, headers, conversation)
            assert [role for role, _ in history] == ["user", "assistant"] * len(said)
            assert [text for role, text in history if role == "user"] == said
            assert len(titles(client, user, headers)) == len(said)
    assert "migrations skipped" in a.logs
