"""A real `todo-chat serve` for the browser tests and the screenshot script.

The shared ServerProcess (free 127.0.0.1 port, clean environment, offline model) on its
own SQLite file, with a known secret so tests can mint tokens (short-lived ones too).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support.server import ServerProcess


@dataclass(frozen=True)
class Served:
    url: str
    secret: str
    database_url: str
    process: ServerProcess


@contextmanager
def served(workdir: Path) -> Iterator[Served]:
    secret = secrets.token_urlsafe(32)
    database_url = f"sqlite+aiosqlite:///{workdir / 'todo-chat.db'}"
    env = {"DATABASE_URL": database_url, "BETTER_AUTH_SECRET": secret}
    with ServerProcess(cwd=workdir, env=env) as process:
        yield Served(process.url, secret, database_url, process)
