"""Which processes hold the TCP sockets of a local port (Linux ``/proc``): listeners, connections."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

LISTEN = "0A"
ESTABLISHED = "01"


def _inodes(port: int, state: str) -> set[str]:
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            local, st, inode = fields[1], fields[3], fields[9]
            if st == state and int(local.rsplit(":", 1)[1], 16) == port:
                found.add(inode)
    return found


def socket_owners(port: int, state: str) -> Counter[int]:
    """How many sockets of ``port`` (its local side) in ``state`` each process holds."""
    wanted = {f"socket:[{inode}]" for inode in _inodes(port, state)}
    owners: Counter[int] = Counter()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:  # gone, or not ours to read
            continue
        held = sum(link in wanted for link in links)
        if held:
            owners[int(pid)] = held
    return owners
