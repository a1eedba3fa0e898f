"""The Agents SDK path beside the peer and the ceiling: ``python -m tests.perf.agents_bench``.

Also run at the end of ``python -m tests.perf.bench``. It drives, in one run and interleaved,
with one load generator and one instant fake model:

- ``ours-agents``: ``todo-chat serve`` from this checkout, ``LLM_PROVIDER=openai``, Responses API;
- ``peer``: the peer build (shazilk-dev/hackathon-II-todo), when ``../shared/peer-bench`` is
  there and its ``setup.sh`` has built ``/tmp/perf`` (see its README);
- ``ours-offline``: the same server with the offline model;
- ``ceiling``: bare Litestar + asyncpg doing a turn's round trips (tests/perf/ceiling_app.py).

The load, the fake model and the CPU accounting are the peer benchmark's own (its bench.py,
fake_llm.py and loadgen.py, imported from that folder), so the figures compare with its
README. Each conversation is add, add, list, add: two model calls a turn. It writes a marked
section of docs/benchmarks.md and two charts (docs/bench-turns-per-s.png, docs/bench-p95.png).
Loopback only; every process it starts is stopped by PID.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PEER_BENCH = Path(os.environ.get("PEER_BENCH", ROOT.parent / "shared" / "peer-bench"))
REPORT = ROOT / "docs" / "benchmarks.md"
BEGIN = "<!-- agents benchmark: begin (python -m tests.perf.agents_bench) -->"
END = "<!-- agents benchmark: end -->"
CONCURRENCY = (1, 10, 50)
SYSTEMS = ("ours-agents", "peer", "ours-offline", "ceiling")
TARGET_CPU_MS, TARGET_RATIO = 5.0, 3.0


def rounds_for(concurrency: int) -> int:
    return {1: 15, 10: 4}.get(concurrency, 3)  # about as many turns at each level


async def run(rounds_scale: float = 1.0) -> dict[str, Any]:
    if not (PEER_BENCH / "bench.py").exists():
        raise SystemExit(f"needs the peer benchmark at {PEER_BENCH} (PEER_BENCH=...)")
    sys.path.insert(0, str(PEER_BENCH))
    import asyncpg
    import bench as pb  # the peer benchmark's driver

    pb.OURS_DIR = ROOT  # this checkout's todo-chat, not the peer benchmark's clone
    with_peer = (pb.PEER_DIR / ".venv" / "bin" / "uvicorn").exists()
    admin = await asyncpg.connect(f"{pb.PG}/postgres")
    tag = pb.RUN_TAG
    systems = {"ours-fake": pb.System("ours-fake", f"perfcmp_ours_fake_{tag}"),
               "ours-offline": pb.System("ours-offline", f"perfcmp_ours_offline_{tag}")}
    if with_peer:
        systems["peer"] = pb.System("peer", f"perfcmp_peer_{tag}", needs_user_rows=True)
    ceiling = pb.System("ceiling", f"perfcmp_ceiling_{tag}")
    record: dict[str, Any] = {"uptime_start": uptime(), "runs": [], "with_peer": with_peer}
    port = pb.free_port()
    fake = pb.start("fake_llm", [sys.executable, str(PEER_BENCH / "fake_llm.py"), "--port", str(port)], PEER_BENCH, {})
    try:
        await asyncio.sleep(1.0)
        await _setup(pb, systems, port, admin, with_peer)
        await admin.execute(f'DROP DATABASE IF EXISTS "{ceiling.db}"')
        await admin.execute(f'CREATE DATABASE "{ceiling.db}"')
        ceiling.port = pb.free_port()
        ceiling.proc = pb.start("ceiling", [sys.executable, "-m", "uvicorn", "tests.perf.ceiling_app:app", "--host",
                                            pb.HOST, "--port", str(ceiling.port), "--log-level", "warning"],
                                ROOT, {"DATABASE_URL": f"{pb.PG}/{ceiling.db}", "PYTHONPATH": str(ROOT)})
        await _wait_ceiling(pb, ceiling)
        ceiling.pool = await asyncpg.create_pool(f"{pb.PG}/{ceiling.db}", min_size=1, max_size=2)
        everyone = {**systems, "ceiling": ceiling}
        frame = (fake.pid, admin)
        for s in everyone.values():
            await pb.chat_conversations(s, frame, 10, pb.SCRIPT, "warm", check_state=False)
        for concurrency in CONCURRENCY:
            rounds = max(1, round(rounds_for(concurrency) * rounds_scale))
            for r in range(rounds):
                for key, s in everyone.items():
                    load = uptime()
                    out = await pb.chat_conversations(s, frame, concurrency, pb.SCRIPT, f"c{concurrency}r{r}",
                                                      check_state=key != "ceiling")
                    out.update(system=_name(key), concurrency=concurrency, round=r, uptime=load)
                    record["runs"].append(out)
                    print(f"{_name(key)} x{concurrency} r{r}: {out['turns_per_s']:.1f} turns/s, "
                          f"p95 {out['p95']:.0f} ms, {out['server_cpu_ms_per_turn']:.2f} ms CPU/turn, "
                          f"errors {out['errors']}, right {out.get('state_right_users', '-')}; {load}", flush=True)
    finally:
        for s in [*systems.values(), ceiling]:
            if s.pool is not None:
                await s.pool.close()
        pb.stop_all()
        for s in [*systems.values(), ceiling]:
            await admin.execute(f'DROP DATABASE IF EXISTS "{s.db}" WITH (FORCE)')
        await admin.close()
        record["uptime_end"] = uptime()
    return record


async def _setup(pb: Any, systems: dict[str, Any], port: int, admin: Any, with_peer: bool) -> None:
    if with_peer:
        await pb.setup(systems, port, admin)
        return
    # Without the peer: the peer benchmark's setup() insists on it, so start ours the same way.
    for s in systems.values():
        await admin.execute(f'DROP DATABASE IF EXISTS "{s.db}"')
        await admin.execute(f'CREATE DATABASE "{s.db}"')
        env = {"BETTER_AUTH_SECRET": pb.SECRET, "CHAT_RATE_LIMIT": "100000/minute",
               "DATABASE_URL": f"postgresql+asyncpg://postgres@{pb.HOST}:5432/{s.db}",
               **({"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": f"http://{pb.HOST}:{port}/v1",
                   "OPENAI_API_KEY": "fake-key", "LLM_MODEL": "fake-model", "LLM_API": "responses"}
                  if s.key == "ours-fake" else {"LLM_PROVIDER": "offline"})}
        s.port = pb.free_port()
        s.proc = pb.start(s.key, [str(ROOT / ".venv/bin/todo-chat"), "serve", "--host", pb.HOST, "--port",
                                  str(s.port)], ROOT, env)
    for s in systems.values():
        await pb.wait_ready(s.port, s.proc)
        import asyncpg
        s.pool = await asyncpg.create_pool(f"{pb.PG}/{s.db}", min_size=1, max_size=2)


async def _wait_ceiling(pb: Any, s: Any) -> None:
    for _ in range(200):
        try:
            client = pb.Client(pb.HOST, s.port, timeout=2)
            response = await client.request("POST", "/api/x/chat", {"message": "warm"})
            client.close()
            if response.status == 200:
                return
        except (TimeoutError, OSError):
            pass
        await asyncio.sleep(0.2)
    raise RuntimeError("the ceiling app did not start")


def _name(key: str) -> str:
    return "ours-agents" if key == "ours-fake" else key


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# -- report ----------------------------------------------------------------------------------


def medians(record: dict[str, Any]) -> dict[tuple[str, int], dict[str, float]]:
    cells: dict[tuple[str, int], dict[str, float]] = {}
    for system in SYSTEMS:
        for concurrency in CONCURRENCY:
            runs = [r for r in record["runs"] if r["system"] == system and r["concurrency"] == concurrency]
            if not runs:
                continue
            cells[(system, concurrency)] = {
                field: statistics.median(r[field] for r in runs)
                for field in ("turns_per_s", "p50", "p95", "server_cpu_ms_per_turn", "foreign_cores")}
            cells[(system, concurrency)]["errors"] = sum(r["errors"] for r in runs)
            cells[(system, concurrency)]["rounds"] = len(runs)
            right = [r.get("state_right_users") for r in runs if r.get("state_right_users") is not None]
            cells[(system, concurrency)]["right"] = min(right) if right else float("nan")
    return cells


def charts(cells: dict[tuple[str, int], dict[str, float]]) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = []
    for field, label, file in (("turns_per_s", "turns/s", "bench-turns-per-s.png"),
                               ("p95", "p95 latency (ms)", "bench-p95.png")):
        figure, axes = plt.subplots(figsize=(6.4, 4.0), dpi=100)
        for system in SYSTEMS:
            points = [(c, cells[(system, c)][field]) for c in CONCURRENCY if (system, c) in cells]
            if points:
                axes.plot(*zip(*points, strict=True), marker="o", label=system)
        axes.set_xscale("log")
        axes.set_xticks(list(CONCURRENCY), [str(c) for c in CONCURRENCY])
        if field == "p95":
            axes.set_yscale("log")
        axes.set_xlabel("concurrent conversations (add, add, list, add)")
        axes.set_ylabel(label)
        axes.set_title(f"{label} against concurrency, instant fake model")
        axes.grid(True, which="both", alpha=0.3)
        axes.legend()
        figure.tight_layout()
        figure.savefig(ROOT / "docs" / file)
        plt.close(figure)
        names.append(file)
    return names


def section(record: dict[str, Any], stamp: str) -> str:
    cells = medians(record)
    files = charts(cells)
    rows = []
    for concurrency in CONCURRENCY:
        for system in SYSTEMS:
            cell = cells.get((system, concurrency))
            if cell is None:
                continue
            right = "—" if system == "ceiling" else f"{cell['right']:.0f}/{concurrency}"
            rows.append(f"| {concurrency} | {system} | {cell['rounds']:.0f} | {cell['turns_per_s']:.1f} | "
                        f"{cell['p50']:.0f} / {cell['p95']:.0f} | {cell['server_cpu_ms_per_turn']:.2f} | "
                        f"{cell['errors']:.0f} | {right} | {cell['foreign_cores']:.2f} |")
    ours, peer = cells.get(("ours-agents", 50)), cells.get(("peer", 50))
    headline = []
    if ours:
        status = "met" if ours["server_cpu_ms_per_turn"] <= TARGET_CPU_MS else "not met"
        cpu = ours["server_cpu_ms_per_turn"]
        headline.append(f"- server CPU per Agents SDK turn at 50 conversations: **{cpu:.2f} ms** "
                        f"(target <= {TARGET_CPU_MS:.0f} ms: {status})")
    if ours and peer:
        ratio = ours["turns_per_s"] / peer["turns_per_s"]
        status = "met" if ratio >= TARGET_RATIO else "not met"
        cpu_ratio = peer["server_cpu_ms_per_turn"] / ours["server_cpu_ms_per_turn"]
        headline.append(f"- turns/s at 50 conversations, ours ÷ peer: **{ratio:.2f}x** ({ours['turns_per_s']:.1f} vs "
                        f"{peer['turns_per_s']:.1f}; target >= {TARGET_RATIO:.0f}x: {status}); server CPU per turn, "
                        f"peer ÷ ours: {cpu_ratio:.2f}x")
    images = "\n".join(f"![{f}]({f})" for f in files)
    return f"""{BEGIN}
## The Agents SDK path beside the peer and the ceiling (`python -m tests.perf.agents_bench`)

Measured {stamp} on {machine()}. Load: `{record['uptime_start']}` at the start,
`{record['uptime_end']}` at the end (each run's `uptime` is in the JSON it prints). One process per
system, PostgreSQL 15, the peer benchmark's fake model (instant, Responses API, two calls a turn),
load generator and CPU accounting ({'the peer included' if record['with_peer'] else 'no peer: its setup was absent'}).
Cells are medians over the rounds; *other cores* is the CPU that processes outside the run used
meanwhile (the machine is shared), so turns/s and latency move with it, CPU per turn much less.

{chr(10).join(headline)}

| conversations | system | rounds | turns/s | p50 / p95 ms | server CPU ms/turn | errors | right tasks | other cores |
|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

{images}
{END}
"""


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), Python {sys.version.split()[0]}"


def write(record: dict[str, Any]) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = section(record, stamp)
    previous = REPORT.read_text() if REPORT.exists() else ""
    if BEGIN in previous and END in previous:
        head, rest = previous.split(BEGIN, 1)
        updated = head + text.rstrip("\n") + rest.split(END, 1)[1]
    else:
        updated = previous.rstrip("\n") + "\n\n" + text
    REPORT.write_text(updated)
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds-scale", type=float, default=1.0, help="scale the rounds per concurrency")
    parser.add_argument("--json", type=Path, help="also write the raw runs here")
    arguments = parser.parse_args()
    record = asyncio.run(run(arguments.rounds_scale))
    if arguments.json:
        import json

        arguments.json.write_text(json.dumps(record, default=str))
    print(write(record))


if __name__ == "__main__":
    main()
