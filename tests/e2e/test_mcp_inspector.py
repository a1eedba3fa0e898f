"""The MCP Inspector CLI (2.12, from npm, on Node 22) signs in to a real ``todo-chat serve``
with OAuth, as docs/mcp.md tells people to: discovery, dynamic registration, PKCE, the
consent page (answered here over HTTP, as the person's browser would), its loopback
callback; then tools/list, and a tools/call that reuses the stored sign-in non-interactively."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.integration.mcp.oauth_flow import PASSWORD, hidden_request
from tests.support.inspector import run_inspector
from tests.support.net import free_port
from tests.support.server import ServerProcess

pytestmark = pytest.mark.e2e


def consent_in_browser(base_url: str, email: str, visited: list[str]) -> Callable[[str], None]:
    def browse(authorization_url: str) -> None:
        visited.append(authorization_url)
        with httpx.Client(timeout=30) as http:
            authorize = http.get(authorization_url)
            assert authorize.status_code == 302, authorize.text
            page = http.get(authorize.headers["location"])
            answer = http.post(
                base_url + "/oauth/consent",
                data={
                    "request": hidden_request(page.text),
                    "email": email,
                    "password": PASSWORD,
                    "action": "allow",
                    "scope": ["tasks:read", "tasks:write"],
                },
            )
            assert answer.status_code == 303, answer.text
            callback = http.get(answer.headers["location"])  # the Inspector's own listener
            assert callback.status_code < 400, callback.text

    return browse


def json_document(output: str) -> dict[str, object]:
    """The JSON result the CLI prints after its status lines."""
    start = output.index("\n{") + 1
    return dict(json.loads(output[start : output.rindex("}") + 1]))


def test_the_inspector_cli_signs_in_lists_and_calls(tmp_path: Path) -> None:
    env = {
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}",
    }
    home = tmp_path / "home"
    home.mkdir()
    callback = f"http://127.0.0.1:{free_port()}/oauth/callback"
    with ServerProcess(cwd=tmp_path, env=env) as server:
        created = httpx.post(
            server.url + "/api/auth/register", json={"email": "insp@example.com", "password": PASSWORD}, timeout=30
        )
        assert created.status_code == 201, created.text
        visited: list[str] = []
        listed = run_inspector(
            home,
            [server.url + "/mcp", "--method", "tools/list", "--callback-url", callback],
            browse=consent_in_browser(server.url, "insp@example.com", visited),
        )
        assert listed.returncode == 0, listed.output
        assert len(visited) == 1 and "code_challenge_method=S256" in visited[0]
        tools = {tool["name"] for tool in json_document(listed.output)["tools"]}  # type: ignore[attr-defined]
        assert {"add_task", "list_tasks", "complete_task", "delete_task", "update_task"} <= tools

        called = run_inspector(
            home,
            [
                server.url + "/mcp",
                "--method",
                "tools/call",
                "--tool-name",
                "add_task",
                "--tool-arg",
                "title=From the Inspector",
                "--stored-auth-only",
            ],
        )
        assert called.returncode == 0, called.output
        result = json_document(called.output)
        assert result["structuredContent"] == {"task_id": 1, "status": "created", "title": "From the Inspector"}
        assert not re.search(r"navigate to", called.output, re.IGNORECASE), "no second sign-in"
