"""Workers: uvicorn against granian, one and two processes: ``python -m tests.perf.workers_bench``.

uvicorn's workers accept from one shared listening socket; granian's accept in Rust threads
and hand requests to its Python workers. Each server runs todo-chat on the Agents SDK path
(Responses API, the peer benchmark's instant fake model) on a fresh PostgreSQL database and gets
two loads: 50 conversations x 4 turns (turns/s, p95, server CPU per turn, all worker processes
counted) and 50 one-call turns against a model that takes 1 s (wall time for all 50; the
target is <= 1.2 s). Prints a markdown table; loopback only, every process stopped by PID.
"""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from adapters.sql.migrate import upgrade_to_head
from tests.perf.agents_bench import PEER_BENCH, ROOT, uptime

SERVERS = (("uvicorn", 1), ("granian", 1), ("uvicorn", 2), ("granian", 2))


async def main() -> None:
    sys.path.insert(0, str(PEER_BENCH))
    import asyncpg
    import bench as pb

    admin = await asyncpg.connect(f"{pb.PG}/postgres")
    port = pb.free_port()
    fake = pb.start("fake_llm", [sys.executable, str(PEER_BENCH / "fake_llm.py"), "--port", str(port)], PEER_BENCH, {})
    fake_client = pb.Client(pb.HOST, port, timeout=10)
    rows: list[str] = []
    made: list[str] = []
    try:
        await asyncio.sleep(1.0)
        for server, workers in SERVERS:
            name = f"{server}-{workers}"
            s = pb.System("ours-fake", f"perfworkers_{server}_{workers}_{pb.RUN_TAG}")
            await admin.execute(f'CREATE DATABASE "{s.db}"')
            made.append(s.db)
            url = f"postgresql+asyncpg://postgres@{pb.HOST}:5432/{s.db}"
            await upgrade_to_head(url)
            env = {"BETTER_AUTH_SECRET": pb.SECRET, "CHAT_RATE_LIMIT": "100000/minute", "DATABASE_URL": url,
                   "LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"http://{pb.HOST}:{port}/v1",
                   "OPENAI_API_KEY": "fake-key", "LLM_MODEL": "fake-model", "LLM_API": "responses",
                   "LOG_LEVEL": "warning", "PYTHONPATH": str(ROOT)}
            s.port = pb.free_port()
            if server == "uvicorn":
                args = [str(ROOT / ".venv/bin/todo-chat"), "serve", "--host", pb.HOST, "--port", str(s.port),
                        "--workers", str(workers), "--no-migrate"]
            else:
                args = [str(ROOT / ".venv/bin/granian"), "--interface", "asgi", "--host", pb.HOST, "--port",
                        str(s.port), "--workers", str(workers), "--loop", "uvloop", "--no-ws",
                        "tests.perf.granian_app:app"]
            s.proc = pb.start(name, args, ROOT, env)
            await pb.wait_ready(s.port, s.proc)
            s.pool = await asyncpg.create_pool(f"{pb.PG}/{s.db}", min_size=1, max_size=2)
            frame = (fake.pid, admin)
            await pb.chat_conversations(s, frame, 10, pb.SCRIPT, "warm", check_state=False)
            load = uptime().split("load average: ")[1]
            out: dict[str, Any] = await pb.chat_conversations(s, frame, 50, pb.SCRIPT, "w")
            await fake_client.request("POST", "/_control", {"delay": 1.0, "reset": True})
            try:
                slow = await pb.chat_conversations(s, frame, 50, ("hello",), "w4b", check_state=False)
            finally:
                await fake_client.request("POST", "/_control", {"delay": 0.0})
            rows.append(f"| {server} | {workers} | {out['turns_per_s']:.1f} | {out['p95']:.0f} | "
                        f"{out['server_cpu_ms_per_turn']:.2f} | {out['state_right_users']}/50 | "
                        f"{slow['all_first_turns_done_s']:.2f} s | {out['foreign_cores']:.2f} | {load} |")
            print(rows[-1], flush=True)
            await s.pool.close()
            s.proc.popen.terminate()
            s.proc.popen.wait(40)
    finally:
        pb.stop_all()
        for db in made:
            await admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        await admin.close()
    print("| server | workers | turns/s (50x4) | p95 ms | server CPU ms/turn | right tasks | 50 x 1 s: all done | "
          "other cores | load before |")
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
