"""Two real ``todo-chat serve`` processes on one PostgreSQL share the sign-in limit: the
(limit+1)-th attempt, whichever process it reaches, is 429. Per-process counting let both
processes take the limit each."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from tests.support.server import ServerProcess, run_cli

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ACCOUNT = {"email": "two@example.com", "password": "correct horse battery"}


def test_two_processes_share_the_login_limit(tmp_path: Path, postgres_url: str) -> None:
    env = {
        "DATABASE_URL": postgres_url,
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(48),
        "LOGIN_RATE_LIMIT": "3/minute",
    }
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
        assert on_a.post("/api/auth/register", json=ACCOUNT).status_code == 201  # attempt 1, on a
        wrong = {**ACCOUNT, "password": "not the password"}
        assert on_b.post("/api/auth/login", json=wrong).status_code == 401  # 2, on b
        assert on_a.post("/api/auth/login", json=wrong).status_code == 401  # 3, on a
        for client in (on_b, on_a):  # 4 and 5: the right password, on either process
            refused = client.post("/api/auth/login", json=ACCOUNT)
            assert refused.status_code == 429, refused.text
            assert refused.json()["error"]["code"] == "RATE_LIMITED"
