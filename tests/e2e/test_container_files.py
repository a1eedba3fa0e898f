"""The Dockerfile and compose.yaml a new user runs (issue 16, edge 10).

No Docker engine runs here, so the files are checked for what they promise: a volume for the
SQLite data, and a compose file that the compose tool accepts and that runs commands the CLI has.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_image_keeps_the_sqlite_data_in_a_volume() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    assert "WORKDIR /data" in lines  # the default DATABASE_URL is ./todo-chat.db, in the working dir
    assert 'VOLUME ["/data"]' in lines


def test_compose_services_run_commands_the_cli_has() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert services["migrate"]["command"][:2] == ["todo-chat", "migrate"]
    assert services["app"]["command"][:2] == ["todo-chat", "serve"]
    assert "--no-migrate" in services["app"]["command"]
    assert services["app"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")


def _compose_tool() -> list[str] | None:
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0:
        return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    return [legacy] if legacy else None


def test_the_compose_tool_accepts_the_file() -> None:
    tool = _compose_tool()
    if tool is None:
        reason = "no compose tool here: neither the docker compose plugin nor docker-compose is installed"
        if os.environ.get("CI"):
            pytest.fail(reason + " (.ci/run installs docker-compose)")  # CI runs every test, skips none
        pytest.skip(reason)
    done = subprocess.run(
        [*tool, "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "BETTER_AUTH_SECRET": "x" * 40},
        timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    missing = subprocess.run(
        [*tool, "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
        capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"}, timeout=60, check=False,
    )
    assert missing.returncode != 0
    assert "BETTER_AUTH_SECRET" in missing.stderr  # compose refuses to start without the secret
