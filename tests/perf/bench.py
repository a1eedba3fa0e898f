"""Benchmarks: ``python -m tests.perf.bench`` writes docs/benchmarks.md.

Everything runs on this machine, all traffic on 127.0.0.1, bounded in count and time.
The load generator is this process (tests/perf/loadgen.py, lean on CPU because it shares
the machine); servers are real ``todo-chat serve`` processes.
"""

from __future__ import annotations

import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import jwt

from adapters.sql.engine import create_engine
from adapters.sql.migrate import upgrade_to_head
from adapters.sql.uow import SqlUnitOfWork, session_factory
from application.queries import TaskQuery
from domain.conversation import Conversation, Message
from domain.task import Task
from tests.perf.loadgen import Connection
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai
from tests.support.net import free_port
from tests.support.postgres import create_database, drop_database
from tests.support.server import ServerProcess

ROOT = Path(__file__).resolve().parents[2]
SECRET = "bench-secret-0123456789-abcdefghijklmnopqrstuv"
NOW = datetime.now(UTC)
Result = dict[str, Any]
ANALYSIS_MARKER = "<!-- analysis: kept across runs -->"


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def summary(samples_ms: list[float]) -> str:
    return f"{pct(samples_ms, .5):.2f} / {pct(samples_ms, .95):.2f} / {pct(samples_ms, .99):.2f}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and its children (uvicorn's workers), from /proc."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for each in [pid, *map(int, children.read_text().split() if children.exists() else [])]:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def token(user: str) -> str:
    return jwt.encode({"sub": user, "exp": int(time.time()) + 3600}, SECRET, algorithm="HS256")


# -- storage --------------------------------------------------------------------------------

async def storage(url: str, label: str) -> list[str]:
    await upgrade_to_head(url)
    engine = create_engine(url)
    uow = partial(SqlUnitOfWork, session_factory(engine))
    conversation = Conversation.start(id=uuid.uuid4(), user_id="bench", first_message="hi", now=NOW)
    async with uow() as u:
        await u.conversations.add(conversation)
        for i in range(10_000):
            await u.conversations.add_message(Message.from_user(
                id=uuid.uuid4(), conversation_id=conversation.id, user_id="bench", content=f"message {i}", now=NOW))
        for i in range(1, 1001):
            await u.tasks.add(Task.create(user_id="bench", id=i, title=f"task {i}", now=NOW))
        await u.commit()
    window: list[float] = []
    listing: list[float] = []
    for _ in range(300):
        start = time.perf_counter()
        async with uow() as u:
            await u.conversations.recent_messages("bench", conversation.id, 20)
        window.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        async with uow() as u:
            await u.tasks.find("bench", TaskQuery(limit=50, offset=500))
        listing.append((time.perf_counter() - start) * 1000)
    await engine.dispose()
    return [f"| {label} | history window: last 20 of 10,000 messages | {summary(window)} |",
            f"| {label} | list 50 of 1,000 tasks (offset 500, with total) | {summary(listing)} |"]


# -- load over HTTP -------------------------------------------------------------------------

TURNS = ("add buy milk {n}", "add call mom {n} tomorrow", "what's left?", "the first one is done")


async def chat_load(
    base: str, concurrency: int, rounds: int, turns: tuple[str, ...] = TURNS
) -> tuple[float, list[float]]:
    """``concurrency`` conversations, each ``rounds`` times the ``turns`` script."""
    latencies: list[float] = []

    async def conversation(n: int) -> None:
        user = f"load{uuid.uuid4().hex[:8]}"
        conversation_id = None
        async with Connection(base, {"Authorization": f"Bearer {token(user)}"}) as client:
            for r in range(rounds):
                for text in turns:
                    body: dict[str, Any] = {"message": text.format(n=f"{n}-{r}")}
                    if conversation_id:
                        body["conversation_id"] = conversation_id
                    start = time.perf_counter()
                    response = await client.request("POST", f"/api/{user}/chat", body)
                    latencies.append((time.perf_counter() - start) * 1000)
                    response.raise_for_status()
                    conversation_id = response.json()["conversation_id"]

    start = time.perf_counter()
    await asyncio.gather(*(conversation(n) for n in range(concurrency)))
    wall = time.perf_counter() - start
    return len(latencies) / wall, latencies


async def rest_load(base: str, requests: int = 400, concurrency: int = 10) -> tuple[list[float], list[float], float]:
    user = "restbench"
    creates: list[float] = []
    lists: list[float] = []

    async def worker(k: int) -> None:
        async with Connection(base, {"Authorization": f"Bearer {token(user)}"}) as client:
            for i in range(requests // concurrency):
                start = time.perf_counter()
                (await client.request("POST", f"/api/{user}/tasks", {"title": f"t{k}-{i}"})).raise_for_status()
                creates.append((time.perf_counter() - start) * 1000)
                start = time.perf_counter()
                (await client.request("GET", f"/api/{user}/tasks?status=pending&limit=50")).raise_for_status()
                lists.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(concurrency)))
    wall = time.perf_counter() - start
    return creates, lists, (len(creates) + len(lists)) / wall


async def mcp_calls(base: str, calls: int = 200) -> list[float]:
    user = "mcpbench"
    headers = {"Authorization": f"Bearer {token(user)}", "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": "2025-06-18"}
    samples: list[float] = []
    async with Connection(base, headers) as client:
        for i in range(calls):
            name, arguments = ("add_task", {"title": f"mcp {i}"}) if i % 2 == 0 else ("list_tasks", {"limit": 20})
            body = {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": name, "arguments": arguments}}
            start = time.perf_counter()
            response = await client.request("POST", "/mcp", body)
            samples.append((time.perf_counter() - start) * 1000)
            response.raise_for_status()
            assert "error" not in response.json(), response.body
    return samples


def served(workdir: Path, url: str, *, workers: int = 1, extra: dict[str, str] | None = None) -> ServerProcess:
    env = {"DATABASE_URL": url, "BETTER_AUTH_SECRET": SECRET, "CHAT_RATE_LIMIT": "off",
           "LOG_LEVEL": "warning", **(extra or {})}
    # A loaded machine needs longer than the tests' 30 s to import the Agents SDK in two workers.
    return ServerProcess(cwd=workdir, env=env, args=["--workers", str(workers)], start_timeout=120)


async def database(kind: str, workdir: Path) -> str:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / f'bench-{uuid.uuid4().hex[:6]}.db'}"
    return await create_database("todo_chat_bench")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


async def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="todo-bench-"))
    rows: dict[str, list[str]] = {"storage": [], "chat": [], "rest": [], "slow": [], "ceiling": [], "workers": [],
                                  "load": [uptime()]}
    created: list[str] = []
    try:
        await measure(workdir, rows, created)
    finally:
        for url in created:  # the benchmark's own databases, even after a failure
            await drop_database(url)
    rows["load"].append(uptime())
    write_report(rows)
    # The Agents SDK path beside the peer and the ceiling, with its charts (its own marked section).
    from tests.perf import agents_bench

    if (agents_bench.PEER_BENCH / "bench.py").exists():
        print(agents_bench.write(await agents_bench.run()))
    else:
        print(f"agents benchmark skipped: no peer benchmark at {agents_bench.PEER_BENCH}")


async def measure(workdir: Path, rows: dict[str, list[str]], created: list[str]) -> None:
    print("storage …", flush=True)
    for kind in ("sqlite", "postgres"):
        url = await database(kind, workdir)
        created += [url] if kind == "postgres" else []
        rows["storage"] += await storage(url, kind)
    throughput: dict[tuple[str, int], float] = {}
    for kind in ("sqlite", "postgres"):
        url = await database(kind, workdir)
        created += [url] if kind == "postgres" else []
        with served(workdir, url) as server:
            await chat_load(server.url, 5, 1)  # warm-up
            for concurrency, rounds in ((1, 25), (10, 5), (50, 2)):
                print(f"chat {kind} x{concurrency} …", flush=True)
                assert server.process is not None
                cpu_before = cpu_seconds(server.process.pid)
                rate, latencies = await chat_load(server.url, concurrency, rounds)
                cpu_ms = (cpu_seconds(server.process.pid) - cpu_before) * 1000 / len(latencies)
                throughput[(kind, concurrency)] = rate
                rows["chat"].append(
                    f"| {kind} | {concurrency} | {len(latencies)} | {rate:.0f} | {summary(latencies)} | {cpu_ms:.2f} |")
            print(f"rest {kind} …", flush=True)
            creates, lists, rate = await rest_load(server.url)
            rows["rest"].append(f"| {kind} | create task | {summary(creates)} | |")
            rows["rest"].append(f"| {kind} | list 50 pending | {summary(lists)} | {rate:.0f} req/s overall |")
            mcp = await mcp_calls(server.url)
            rows["rest"].append(f"| {kind} | MCP tools/call (add/list) | {summary(mcp)} | |")
    # 50 conversations against a model that takes 1 s per call, on one and two workers.
    print("slow model …", flush=True)
    for workers in (1, 2):
        with serve_fake_openai(FakeOpenAI(script=[Reply(text="ok", hang=1.0) for _ in range(60)])) as fake:
            url = await database("postgres", workdir)
            created.append(url)
            extra = {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": fake.base_url, "OPENAI_API_KEY": "fake"}
            with served(workdir, url, workers=workers, extra=extra) as server:
                await chat_load(server.url, 4, 1, turns=("hello",))  # warm every worker
                start = time.perf_counter()
                _, latencies = await chat_load(server.url, 50, 1, turns=("hello",))
                wall = time.perf_counter() - start
                rows["slow"].append(f"| {workers} | 50 | {wall:.2f} s | {summary(latencies)} |")
    # Ceiling: bare Litestar + asyncpg, same round trips as a turn, same load generator.
    print("ceiling …", flush=True)
    url = await database("postgres", workdir)
    created.append(url)
    port = free_port()
    ceiling = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.perf.ceiling_app:app", "--port", str(port), "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": url.replace("+asyncpg", "")})
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.post(base + "/api/x/chat", json={"message": "warm"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        for concurrency, rounds in ((1, 25), (10, 5), (50, 2)):
            rate, latencies = await chat_load(base, concurrency, rounds)
            ours = throughput[("postgres", concurrency)]
            rows["ceiling"].append(
                f"| {concurrency} | {rate:.0f} | {summary(latencies)} | {ours:.0f} | {rate / ours:.1f}x |")
    finally:
        ceiling.terminate()
        ceiling.wait(10)
    print("workers …", flush=True)
    for workers in (1, 2):
        url = await database("postgres", workdir)
        created.append(url)
        with served(workdir, url, workers=workers) as server:
            await chat_load(server.url, 5, 1)
            rate, latencies = await chat_load(server.url, 50, 2)
            rows["workers"].append(f"| {workers} | {rate:.0f} | {summary(latencies)} |")


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    system = f"{platform.system()} {platform.release()}"
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {system}"


def write_report(rows: dict[str, list[str]]) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    pg = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip()
    text = f"""# Benchmarks

Measured {stamp} on {machine()}; {pg} on the same machine;
SQLite through SQLAlchemy's aiosqlite dialect, sqlite3 on the loop's thread (ADR 0014).
Machine load (`uptime`, 2 cores shared with other work): `{rows["load"][0]}` at the start,
`{rows["load"][-1]}` at the end.
One run of `python -m tests.perf.bench` (all numbers below come from that run). The load
generator (tests/perf/loadgen.py, ~0.2 ms of CPU per request) shares the 2 cores with the
server and the database. Latencies are p50 / p95 / p99 in milliseconds.

## Storage (in process, 300 samples each)

| store | operation | p50 / p95 / p99 ms |
|---|---|---|
{chr(10).join(rows["storage"])}

Target: history window under 5 ms.

## Chat turns, offline model, one worker (`todo-chat serve`)

Each conversation repeats: add, add, list, complete by position. New users, real HTTP, JWT auth.

| database | concurrent conversations | turns | turns/s | p50 / p95 / p99 ms | server CPU ms/turn |
|---|---|---|---|---|---|
{chr(10).join(rows["chat"])}

Targets: >= 300 turns/s; p95 < 250 ms at 50 conversations.

## REST and MCP (10 concurrent clients)

| database | operation | p50 / p95 / p99 ms | |
|---|---|---|---|
{chr(10).join(rows["rest"])}

Target: REST list p95 < 10 ms; tool call < 20 ms.

## 50 concurrent conversations, model takes 1 s per call (fake OpenAI server, Postgres)

| workers | conversations | wall time | p50 / p95 / p99 ms |
|---|---|---|---|
{chr(10).join(rows["slow"])}

Target: <= 1.2 s wall time (nothing serialises the model calls).

## Ceiling: bare Litestar + asyncpg doing a turn's 11 round trips and 3 commits (Postgres)

| concurrent | ceiling turns/s | ceiling p50 / p95 / p99 ms | todo-chat turns/s | ratio |
|---|---|---|---|---|
{chr(10).join(rows["ceiling"])}

## Workers (Postgres, 50 conversations)

| workers | turns/s | p50 / p95 / p99 ms |
|---|---|---|
{chr(10).join(rows["workers"])}
"""
    report = ROOT / "docs" / "benchmarks.md"
    # The hand-written analysis below the marker survives a re-run.
    previous = report.read_text() if report.exists() else ""
    if ANALYSIS_MARKER in previous:
        text += "\n" + previous[previous.index(ANALYSIS_MARKER):]
    report.write_text(text)
    print(text)


if __name__ == "__main__":
    asyncio.run(main())
