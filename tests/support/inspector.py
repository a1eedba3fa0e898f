"""The MCP Inspector CLI from npm, on Node 22 from npm (Debian's Node 20 is too old for 2.x).

``inspector_cli()`` installs ``node@22`` and ``@modelcontextprotocol/inspector`` once into
a cache directory (``$TODO_CHAT_TEST_CACHE`` or ``~/.cache/todo-chat-tests``) and returns
the command and the environment to run it with. ``InspectorRun`` runs it under a pseudo
terminal (its interactive OAuth needs a TTY) and, acting as the person's browser, follows
the authorization URL it prints through the consent page to its loopback callback.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

NODE_VERSION = "22"
INSPECTOR_VERSION = "2.12.0"
AUTHORIZE_URL = re.compile(rb"(https?://[^\s\x1b\x07]+/authorize\?[^\s\x1b\x07]+)")


def cache_dir() -> Path:
    root = Path(os.environ.get("TODO_CHAT_TEST_CACHE") or Path.home() / ".cache" / "todo-chat-tests")
    return root / f"inspector-{INSPECTOR_VERSION}-node{NODE_VERSION}"


def inspector_cli() -> Path:
    """The installed ``mcp-inspector`` directory (``node_modules/.bin``), installing it if needed."""
    target = cache_dir()
    if (target / "node_modules" / ".bin" / "mcp-inspector").exists():
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to install the MCP Inspector (apt-get install npm)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="inspector-", dir=target.parent))
    subprocess.run(
        [
            npm,
            "install",
            "--no-audit",
            "--no-fund",
            "--prefix",
            str(staging),
            f"node@{NODE_VERSION}",
            f"@modelcontextprotocol/inspector@{INSPECTOR_VERSION}",
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    try:
        staging.rename(target)
    except OSError:  # another run installed it meanwhile
        shutil.rmtree(staging, ignore_errors=True)
    return target


@dataclass
class InspectorResult:
    returncode: int
    output: str


def run_inspector(
    home: Path,
    args: list[str],
    *,
    browse: Callable[[str], None] | None = None,
    timeout: float = 90.0,
) -> InspectorResult:
    """Run ``mcp-inspector --cli ARGS`` under a pty; ``browse(url)`` is called with the
    authorization URL if it asks the person to sign in."""
    installed = inspector_cli()
    env = {
        **os.environ,
        "PATH": f"{installed / 'node_modules' / 'node' / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),  # its catalog and token store live here, not in the developer's home
        "MCP_INSPECTOR_SECRET_STORE": "file",
        "NO_COLOR": "1",
    }
    master, slave = pty.openpty()
    process = subprocess.Popen(
        [str(installed / "node_modules" / ".bin" / "mcp-inspector"), "--cli", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=installed,
    )
    os.close(slave)
    output = b""
    browsed = browse is None
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            if not browsed:
                found = AUTHORIZE_URL.search(output)
                if found and browse is not None:
                    browse(found.group(1).decode())
                    browsed = True
            if process.poll() is not None and not ready:
                break
        else:
            process.kill()
        returncode = process.wait(timeout=15)
    finally:
        os.close(master)
    return InspectorResult(returncode, output.decode(errors="replace"))
