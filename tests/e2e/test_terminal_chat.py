"""`todo-chat chat` driven through a pipe, as a person would type into it.

In process on a temporary SQLite database (the default), and against a running server
with --url and a token. The task state is checked through the REST API of a real server
on the same database, not through the chat's own words alone.
"""

from __future__ import annotations

import secrets
import subprocess
import uuid
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from rich.console import Console

from entrypoints.terminal_chat import describe_rule, describe_tool_call, label_table, task_table
from tests.support.net import free_port
from tests.support.server import ServerProcess, clean_env, run_cli, todo_chat_command

pytestmark = pytest.mark.e2e

TIMEOUT_S = 60


def chat(workdir: Path, env: dict[str, str], *args: str, lines: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `todo-chat chat ARGS`, feed it LINES through a pipe, return what it printed."""
    return subprocess.run(
        [*todo_chat_command(), "chat", *args],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=workdir,
        env=clean_env({**env, "TERM": "dumb", "COLUMNS": "100"}),
        timeout=TIMEOUT_S,
        check=False,
    )


def mint_token(workdir: Path, env: dict[str, str], user: str) -> str:
    done = run_cli("token", user, cwd=workdir, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1].strip()


def tasks_over_rest(server: ServerProcess, workdir: Path, env: dict[str, str], user: str) -> list[dict[str, Any]]:
    token = mint_token(workdir, env, user)
    response = httpx.get(
        f"{server.url}/api/{user}/tasks", params={"sort": "id"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("terminal-chat")


@pytest.fixture(scope="module")
def env(workdir: Path) -> dict[str, str]:
    """One SQLite file and one secret shared by the chat processes, the server and `token`."""
    return {
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'todo-chat.db'}",
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(32),
    }


@pytest.fixture(scope="module")
def server(workdir: Path, env: dict[str, str]) -> Iterator[ServerProcess]:
    """A real server on the database the chat processes use, to check their work over REST.

    One for the module: every test talks as its own users.
    """
    with ServerProcess(cwd=workdir, env=env) as running:
        yield running


def test_alice_adds_lists_and_completes_tasks_in_process(
    workdir: Path, env: dict[str, str], server: ServerProcess
) -> None:

    first = chat(
        workdir,
        env,
        "--user",
        "alice",
        lines=[
            "remind me to call mom tomorrow",
            "add buy oat milk",
            "what's left?",
            "done with task 1",
            "exit",
        ],
    )
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "alice" in out  # the prompt and the banner show who is talking
    assert "Added task 1: call mom, due tomorrow" in out
    assert "Added task 2: buy oat milk" in out
    assert "Completed task 1: call mom" in out
    # The listing is a table: a header row and one row per task.
    assert "Task" in out
    assert "Due" in out
    assert any("call mom" in line and "tomorrow" in line for line in out.splitlines())
    assert any("buy oat milk" in line and "│" in line for line in out.splitlines())
    assert out.rstrip().endswith("Bye.")

    tasks = tasks_over_rest(server, workdir, env, "alice")
    assert [(t["id"], t["title"], t["completed"]) for t in tasks] == [
        (1, "call mom", True),
        (2, "buy oat milk", False),
    ]
    assert tasks[0]["due_date"] is not None

    # A second session (Ctrl-D instead of exit) sees the same tasks; bob sees none of them.
    again = chat(workdir, env, "--user", "alice", lines=["what's done?"])
    assert again.returncode == 0, again.stderr
    assert "call mom" in again.stdout
    bob = chat(workdir, env, "--user", "bob", lines=["list my tasks"])
    assert bob.returncode == 0, bob.stderr
    assert "call mom" not in bob.stdout
    assert "oat milk" not in bob.stdout
    assert tasks_over_rest(server, workdir, env, "bob") == []


def test_one_conversation_per_session(workdir: Path, env: dict[str, str], server: ServerProcess) -> None:
    done = chat(workdir, env, "--user", "carol", lines=["add water the plants", "delete it"])
    assert done.returncode == 0, done.stderr
    assert "Deleted task 1: water the plants" in done.stdout  # "it" resolved from this session's history
    token = mint_token(workdir, env, "carol")
    conversations = httpx.get(
        f"{server.url}/api/carol/conversations", headers={"Authorization": f"Bearer {token}"}
    ).json()["data"]
    assert len(conversations) == 1


def test_against_a_running_server_with_url_and_token(workdir: Path, env: dict[str, str], server: ServerProcess) -> None:
    user = f"dave-{uuid.uuid4().hex[:6]}"
    token = mint_token(workdir, env, user)
    # A different working directory and no database settings: everything goes over HTTP.
    remote_env = {k: v for k, v in env.items() if k not in {"DATABASE_URL", "BETTER_AUTH_SECRET"}}
    elsewhere = workdir / "elsewhere"
    elsewhere.mkdir()
    done = chat(
        elsewhere,
        remote_env,
        "--url",
        server.url,
        "--token",
        token,
        lines=["remind me to pay rent on 1 March, high priority", "complete task 1"],
    )
    assert done.returncode == 0, done.stderr
    assert user in done.stdout  # the user comes from the token's sub
    assert "Added task 1: pay rent" in done.stdout
    assert "Completed task 1: pay rent" in done.stdout
    tasks = tasks_over_rest(server, workdir, env, user)
    assert [(t["title"], t["completed"], t["priority"]) for t in tasks] == [("pay rent", True, "high")]
    assert not (elsewhere / "todo-chat.db").exists()


def test_a_bad_token_is_refused_with_one_clear_line(workdir: Path, env: dict[str, str], server: ServerProcess) -> None:
    forged = mint_token(workdir, {**env, "BETTER_AUTH_SECRET": secrets.token_urlsafe(32)}, "eve")
    done = chat(workdir, env, "--url", server.url, "--token", forged, lines=["list my tasks"])
    assert done.returncode != 0
    assert "refused the token" in done.stdout + done.stderr


def test_a_garbage_token_is_one_line_said_once(workdir: Path, env: dict[str, str], server: ServerProcess) -> None:
    for args in (("--token", "garbage"), ("--token", "garbage", "--user", "ann")):
        done = chat(workdir, env, "--url", server.url, *args, lines=["list my tasks"])
        assert done.returncode != 0, args
        said = [line for line in (done.stdout + done.stderr).splitlines() if "token" in line.lower()]
        assert len(said) == 1, (args, done.stdout, done.stderr)


def test_an_unreachable_url_exits_non_zero_before_the_session(workdir: Path, env: dict[str, str]) -> None:
    token = mint_token(workdir, env, "ann")
    nobody = f"http://127.0.0.1:{free_port()}"
    done = chat(workdir, env, "--url", nobody, "--token", token, lines=["list my tasks"])
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"Can't reach {nobody}: All connection attempts failed"]


def test_a_turn_that_fails_makes_the_session_exit_non_zero(workdir: Path, env: dict[str, str]) -> None:
    """The server goes away mid-session: said once, and a script sees a failure status."""
    token = mint_token(workdir, env, "ann")
    with ServerProcess(cwd=workdir, env=env) as short_lived:
        url = short_lived.url
        process = subprocess.Popen(
            [*todo_chat_command(), "chat", "--url", url, "--token", token],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=workdir,
            env=clean_env({**env, "TERM": "dumb"}),
        )
        assert process.stdout is not None
        assert "todo-chat" in process.stdout.readline()  # connected: the banner
    out, err = process.communicate("list my tasks\n", timeout=TIMEOUT_S)
    assert process.returncode == 1, (out, err)
    assert f"Can't reach {url}" in out


# --------------------------------------------------------------------------- lists, repeats, the trash (issue 17)


def rest_call(server: ServerProcess, token: str, method: str, path: str, **kwargs: Any) -> Any:
    response = httpx.request(method, server.url + path, headers={"Authorization": f"Bearer {token}"}, **kwargs)
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


def row_of(out: str, title: str) -> str:
    (line,) = [line for line in out.splitlines() if title in line and "│" in line]
    return line


def test_tables_show_lists_and_the_repeat_mark(workdir: Path, env: dict[str, str], server: ServerProcess) -> None:
    user = f"gina-{uuid.uuid4().hex[:6]}"
    token = mint_token(workdir, env, user)
    tasks = f"/api/{user}/tasks"
    plants = rest_call(
        server,
        token,
        "POST",
        tasks,
        json={"title": "water the plants", "recurrence": "FREQ=WEEKLY;BYDAY=MO", "labels": ["home"]},
    )
    rest_call(server, token, "POST", tasks, json={"title": "milk and eggs", "labels": ["shopping", "Errands"]})
    rest_call(server, token, "POST", tasks, json={"title": "call the bank"})
    rest_call(server, token, "POST", tasks, json={"title": "old receipts"})
    rest_call(server, token, "DELETE", f"{tasks}/4")

    done = chat(workdir, env, "--user", user, lines=["what's left?", "done with task 1"])
    assert done.returncode == 0, done.stderr
    out = done.stdout
    header = next(line for line in out.splitlines() if "Task" in line and "Due" in line)
    assert "Repeats" in header and "Lists" in header
    assert "↻ every Monday" in row_of(out, "water the plants")
    assert "home" in row_of(out, "water the plants")
    assert "shopping, Errands" in row_of(out, "milk and eggs")
    assert "↻" not in row_of(out, "call the bank")
    assert "old receipts" not in out  # the trash is not listed

    # Ticking off a repeating task says where it moved; REST agrees.
    moved = date.fromisoformat(plants["due_date"]) + timedelta(days=7)
    assert "Completed task 1: water the plants, repeats: next due" in out
    stored = rest_call(server, token, "GET", f"{tasks}/1")
    assert (stored["due_date"], stored["completed"]) == (moved.isoformat(), False)

    # Another user's chat sees none of it.
    other = chat(workdir, env, "--user", f"hal-{uuid.uuid4().hex[:6]}", lines=["what's left?"])
    assert other.returncode == 0, other.stderr
    assert "water the plants" not in other.stdout
    assert "shopping" not in other.stdout


def render(*tables: Any) -> str:
    console = Console(record=True, width=120, color_system=None)
    for table in tables:
        console.print(table)
    return console.export_text()


def test_the_tables_and_tool_lines_read_as_the_web_chat_says_them() -> None:
    today = date(2026, 3, 2)  # a Monday
    tasks = [
        {
            "id": 1,
            "title": "pay rent",
            "completed": False,
            "priority": "high",
            "due_date": "2026-04-01",
            "recurrence": "FREQ=MONTHLY;BYMONTHDAY=1",
            "labels": ["home", "money"],
        },
        {
            "id": 2,
            "title": "gym",
            "completed": False,
            "priority": "medium",
            "due_date": "2026-03-03",
            "recurrence": "FREQ=WEEKLY;BYDAY=TU,TH",
            "labels": [],
        },
        {
            "id": 3,
            "title": "odd one",
            "completed": True,
            "priority": "low",
            "due_date": None,
            "recurrence": "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            "labels": [],
        },
    ]
    text = render(task_table(tasks, today))
    assert "↻ every month on the 1st" in row_of(text, "pay rent")
    assert "home, money" in row_of(text, "pay rent")
    assert "↻ every Tuesday and Thursday" in row_of(text, "gym")
    assert "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1" in text  # said as it is when words cannot
    plain = render(
        task_table(
            [
                {
                    "id": 4,
                    "title": "tea",
                    "completed": False,
                    "priority": "low",
                    "due_date": None,
                    "recurrence": None,
                    "labels": [],
                }
            ],
            today,
        )
    )
    assert "Repeats" not in plain and "Lists" not in plain

    words = [word for word in render(label_table([{"name": "shopping", "count": 2}])).split() if word.isalnum()]
    assert words == ["List", "Tasks", "shopping", "2"]
    calls = [
        (
            {
                "tool": "complete_task",
                "arguments": {"task_id": 2},
                "result": {
                    "task_id": 2,
                    "status": "rescheduled",
                    "title": "gym",
                    "due_date": "2026-03-05",
                    "repeats": True,
                },
            },
            "Completed task 2: gym, repeats: next due Thursday",
        ),
        (
            {
                "tool": "add_task",
                "arguments": {"title": "water", "recurrence": "FREQ=WEEKLY;BYDAY=MO", "labels": ["home"]},
                "result": {"task_id": 5, "status": "created", "title": "water"},
            },
            "Added task 5: water, repeats every Monday, on home",
        ),
        (
            {
                "tool": "restore_task",
                "arguments": {"task_id": 3},
                "result": {"task_id": 3, "status": "restored", "title": "odd one"},
            },
            "Restored task 3: odd one",
        ),
        ({"tool": "list_trash", "arguments": {}, "result": {"tasks": [], "total": 2}}, "Listed 2 tasks in the trash"),
        (
            {
                "tool": "undo_last_change",
                "arguments": {},
                "result": {"status": "nothing", "undone": [], "message": "There is nothing to undo."},
            },
            "There is nothing to undo.",
        ),
        (
            {"tool": "list_labels", "arguments": {}, "result": {"labels": [{"name": "home", "count": 1}]}},
            "Listed 1 list",
        ),
    ]
    for call, line in calls:
        assert describe_tool_call(call, today) == (line, True)
    for rule, words in {
        "FREQ=DAILY;INTERVAL=2": "every 2 days",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR": "every weekday",
        "FREQ=MONTHLY;BYDAY=-1FR": "every month on the last Friday",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=22": "every year on 22 March",
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3": "every Monday, 3 times left",
        "FREQ=DAILY;UNTIL=20270312": "every day, until 12 Mar 2027",
        "FREQ=YEARLY;BYWEEKNO=20": "FREQ=YEARLY;BYWEEKNO=20",
    }.items():
        assert describe_rule(rule) == words, rule
