"""npm packages for tests (the MCP conformance suite, Node 22), installed once into a cache.

Debian's Node is 20; the MCP tools on npm need Node >= 22, so Node itself comes from npm
(the ``node`` package ships the official binaries). Everything is fetched from the npm
registry only, into ``$TODO_CHAT_NPM_CACHE`` (default ``~/.cache/todo-chat/npm``), one
directory per package set, and reused while it is complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

NODE = "node@22"


def cache_root() -> Path:
    configured = os.environ.get("TODO_CHAT_NPM_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "todo-chat" / "npm"


def npm_install(*packages: str) -> Path:
    """The ``node_modules/.bin`` holding ``packages`` and Node 22; installs them on first use.

    Put the returned directory first on ``PATH`` so the tools' ``#!/usr/bin/env node`` finds Node 22.
    """
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: it is needed to fetch Node 22 and the MCP tools")
    wanted = sorted({NODE, *packages})
    prefix = cache_root() / hashlib.sha256(" ".join(wanted).encode()).hexdigest()[:16]
    done = prefix / ".installed"
    if not done.exists():
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--loglevel=error", *wanted],
            check=True,
            timeout=600,
            capture_output=True,
        )
        done.write_text("\n".join(wanted) + "\n")
    bin_dir = prefix / "node_modules" / ".bin"
    version = subprocess.run([str(bin_dir / "node"), "--version"], check=True, capture_output=True, text=True)
    major = int(version.stdout.strip().lstrip("v").split(".")[0])
    if major < 22:
        raise RuntimeError(f"npm's node package gave Node {version.stdout.strip()}, not >= 22")
    return bin_dir


def path_with(bin_dir: Path) -> dict[str, str]:
    """The environment with ``bin_dir`` first on PATH."""
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
