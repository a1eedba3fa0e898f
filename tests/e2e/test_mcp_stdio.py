"""`todo-chat mcp --user alice` as a desktop client runs it: a subprocess speaking stdio."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client, StdioServerParameters
from mcp.types import ElicitRequestParams, ElicitResult, ResourceUpdatedNotification

from application.tools import SESSIONLESS_TOOLS
from tests.support.server import clean_env, run_cli, todo_chat_command

pytestmark = pytest.mark.e2e


def stdio_params(workdir: Path, user: str, database_url: str) -> StdioServerParameters:
    """What a desktop client's config says: the console script, its arguments, DATABASE_URL."""
    command, *args = todo_chat_command()
    return StdioServerParameters(
        command=command,
        args=[*args, "mcp", "--user", user],
        env=clean_env({"DATABASE_URL": database_url}),
        cwd=workdir,
    )


async def test_stdio_lists_tools_adds_and_lists_a_task(tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}"
    async with Client(stdio_params(tmp_path, "alice", database_url), mode="legacy") as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert sorted(tools) == sorted(spec.name for spec in SESSIONLESS_TOOLS)
        assert tools["delete_task"].annotations.destructive_hint is True  # type: ignore[union-attr]

        added = await client.call_tool("add_task", {"title": "Water the plants", "due_date": "2026-06-01"})
        assert added.structured_content == {"task_id": 1, "status": "created", "title": "Water the plants"}
        listed = await client.call_tool("list_tasks", {})
        assert listed.structured_content is not None
        assert [(t["id"], t["title"], t["due_date"]) for t in listed.structured_content["tasks"]] == [
            (1, "Water the plants", "2026-06-01")
        ]
        missing = await client.call_tool("delete_task", {"task_id": 9})
        assert missing.is_error

    # The same database, another user: a fresh process sees nothing of alice's.
    async with Client(stdio_params(tmp_path, "bob", database_url), mode="legacy") as bob:
        assert (await bob.call_tool("list_tasks", {})).structured_content == {"tasks": [], "total": 0}
    # And alice's task survived the restart.
    async with Client(stdio_params(tmp_path, "alice", database_url)) as alice:
        again = await alice.call_tool("list_tasks", {})
        assert again.structured_content is not None
        assert again.structured_content["total"] == 1
    assert not (tmp_path / "todo-chat.db").exists(), "DATABASE_URL must win over the default file"


async def test_stdio_subscriptions_elicitation_and_progress(tmp_path: Path) -> None:
    """A desktop client over stdio: subscribed resources change, a bulk change is confirmed."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'tasks.db'}"
    updated: list[str] = []
    asked: list[str] = []
    progress: list[tuple[float, float | None]] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, ResourceUpdatedNotification):
            updated.append(str(message.params.uri))

    async def confirm(context: Any, params: ElicitRequestParams) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True})

    async def on_progress(done: float, total: float | None, message: str | None) -> None:
        progress.append((done, total))

    params = stdio_params(tmp_path, "alice", database_url)
    async with Client(params, mode="legacy", message_handler=on_message, elicitation_callback=confirm) as client:
        assert client.server_capabilities.resources.subscribe is True  # type: ignore[union-attr]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            await client.subscribe_resource("tasks://open")
        for title in ("Tea", "Coffee"):
            await client.call_tool("add_task", {"title": title})
        done = await client.call_tool("complete_all_tasks", {}, progress_callback=on_progress)
        assert done.structured_content["count"] == 2  # type: ignore[index]
        with anyio.fail_after(10):
            while len(updated) < 3:
                await anyio.sleep(0.02)
        opened = await client.read_resource("tasks://open")
    assert asked == ["This would complete 2 tasks. Go ahead?"]
    assert progress == [(1, 2), (2, 2)]
    assert updated[:3] == ["tasks://open"] * 3
    assert '"total": 0' in opened.contents[0].text  # type: ignore[union-attr]


def test_a_bad_user_or_setting_exits_with_one_line_and_no_protocol_output(tmp_path: Path) -> None:
    bad_user = run_cli("mcp", "--user", "no spaces allowed", cwd=tmp_path, timeout=30)
    assert bad_user.returncode != 0
    assert bad_user.stdout == ""
    assert "--user" in bad_user.stderr
    bad_url = run_cli("mcp", "--user", "alice", cwd=tmp_path, env={"DATABASE_URL": "mysql://x/y"}, timeout=30)
    assert bad_url.returncode == 2
    assert bad_url.stdout == ""
    assert "DATABASE_URL" in bad_url.stderr
