"""The ``todo-chat`` console script: help everywhere, dev tokens, configuration errors."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import jwt
import pytest

from tests.support.server import run_cli

pytestmark = pytest.mark.e2e

SECRET = "cli-test-secret-0123456789-abcdefghijklmnop"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((), "serve"),
        (("serve",), "--no-migrate"),
        (("migrate",), "migrations"),
        (("token",), "--expires-in"),
        (("chat",), "--url"),
        (("mcp",), "--user"),
    ],
)
def test_help_everywhere(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    done = run_cli(*args, "--help", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout


def test_token_is_signed_with_the_configured_secret(tmp_path: Path) -> None:
    done = run_cli("token", "alice", cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET})
    assert done.returncode == 0, done.stderr
    token = done.stdout.strip()
    assert "\n" not in token
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["sub"] == "alice"
    assert 7 * 86400 - 60 <= claims["exp"] - time.time() <= 7 * 86400
    assert "expires" in done.stderr


def test_token_lifetime_option(tmp_path: Path) -> None:
    done = run_cli("token", "bob", "--expires-in", "1h", cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET})
    claims = jwt.decode(done.stdout.strip(), SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 3600


def test_token_without_a_secret_uses_the_one_kept_beside_the_database(tmp_path: Path) -> None:
    first = run_cli("token", "alice", cwd=tmp_path)
    second = run_cli("token", "alice", cwd=tmp_path)
    secret = (tmp_path / "todo-chat.db.secret").read_text().strip()
    for done in (first, second):
        assert jwt.decode(done.stdout.strip(), secret, algorithms=["HS256"])["sub"] == "alice"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [(("token", "alice/bob"), "USER_ID"), (("token", "alice", "--expires-in", "soon"), "--expires-in")],
)
def test_bad_arguments_exit_2_with_one_line(tmp_path: Path, args: tuple[str, ...], fragment: str) -> None:
    done = run_cli(*args, cwd=tmp_path, env={"BETTER_AUTH_SECRET": SECRET})
    assert done.returncode == 2
    assert done.stderr.startswith("error: ")
    assert fragment in done.stderr


@pytest.mark.parametrize("command", [("serve",), ("migrate",), ("token", "alice")])
@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"BETTER_AUTH_SECRET": "short"}, "BETTER_AUTH_SECRET"),
        ({"LLM_PROVIDER": "skynet"}, "LLM_PROVIDER"),
        ({"DATABASE_URL": "postgresql://u@127.0.0.1:1/x"}, "BETTER_AUTH_SECRET"),
    ],
)
def test_configuration_errors_exit_2_with_one_line_naming_the_variable(
    tmp_path: Path, command: tuple[str, ...], env: dict[str, str], variable: str
) -> None:
    done = run_cli(*command, cwd=tmp_path, env=env)
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    assert variable in lines[0]


def test_serve_on_a_port_in_use_says_so_and_never_claims_to_listen(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", "--port", str(port), cwd=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "listening" not in result.stdout
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr
