"""A non-editable install (``pip install .``) serves, migrates and chats (issue 16, edge 10).

The package is built from the source tree into a fresh venv; its dependencies come from the
test environment's site-packages through a .pth file, so only todo-chat's own files (the web
UI, the migrations, the offline model's weights) are what the build had to carry.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import httpx
import pytest

from tests.support.net import free_port
from tests.support.server import clean_env

pytestmark = pytest.mark.e2e

SOURCE = Path(__file__).resolve().parents[2]
SECRET = "installed-secret-0123456789-abcdefghijklmnop"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    (Path(site) / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # Built from a copy: setuptools writes build/ and *.egg-info beside the sources it builds.
    source = venv.parent / "source"
    skipped = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__")
    shutil.copytree(SOURCE, source, ignore=skipped)
    built = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--no-deps", str(source)],
        capture_output=True, text=True, timeout=400, check=False,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    return venv / "bin" / "todo-chat"


def test_the_installed_package_migrates_serves_and_chats(installed: Path, tmp_path: Path) -> None:
    env = clean_env({"BETTER_AUTH_SECRET": SECRET})
    migrated = subprocess.run([str(installed), "migrate"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    assert "Database is at revision" in migrated.stdout
    port = free_port()
    server = subprocess.Popen(
        [str(installed), "serve", "--port", str(port), "--no-migrate"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        assert server.stdout is not None
        assert "listening on" in server.stdout.readline()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(100):
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            assert "<html" in client.get("/").text.lower()  # the web UI's files were installed
            assert client.get("/schema/swagger-ui/swagger-ui-bundle.js").status_code == 200
            session = client.post(
                "/api/auth/register", json={"email": "ann@example.com", "password": "correct horse battery"}
            ).json()
            headers = {"Authorization": f"Bearer {session['token']}"}
            reply = client.post(
                f"/api/{session['user_id']}/chat", json={"message": "add buy milk"}, headers=headers
            )
            assert reply.status_code == 200, reply.text
            tasks = client.get(f"/api/{session['user_id']}/tasks", headers=headers).json()["data"]
            assert [task["title"] for task in tasks] == ["buy milk"]
    finally:
        server.terminate()
        server.communicate(timeout=30)
