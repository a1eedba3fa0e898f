"""The benchmark's load generator and scripts against a real server, at toy scale.

Not a timing test: it keeps `python -m tests.perf.bench` from rotting between runs by
checking that its requests do what the benchmark claims (turns stored, tasks created).
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import jwt
import pytest

from tests.perf.bench import SECRET, chat_load, mcp_calls, rest_load, served
from tests.perf.loadgen import Connection, HttpError

pytestmark = pytest.mark.e2e


async def test_the_benchmark_scripts_do_real_work(tmp_path: Path) -> None:
    with served(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}") as server:
        rate, latencies = await chat_load(server.url, concurrency=2, rounds=1)
        assert len(latencies) == 8 and rate > 0
        creates, lists, _ = await rest_load(server.url, requests=10, concurrency=2)
        assert len(creates) == len(lists) == 10
        assert len(await mcp_calls(server.url, calls=4)) == 4

        token = jwt.encode({"sub": "restbench", "exp": int(time.time()) + 60}, SECRET, algorithm="HS256")
        page = httpx.get(
            f"{server.url}/api/restbench/tasks?limit=100", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert page["total"] == 10  # every create the generator timed was a real 201


async def test_the_load_generator_reports_errors_and_reads_bodies_exactly(tmp_path: Path) -> None:
    with served(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}") as server:
        async with Connection(server.url) as client:
            unauthorised = await client.request("GET", "/api/nobody/tasks")
            # The same keep-alive connection serves the next request: the body was read whole.
            health = await client.request("GET", "/health")
        assert unauthorised.status == 401 and unauthorised.json()["error"]["code"]
        assert health.status == 200
        with pytest.raises(HttpError, match="HTTP 401"):
            unauthorised.raise_for_status()
