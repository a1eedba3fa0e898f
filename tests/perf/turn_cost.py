"""What one chat turn costs in process: ``python -m tests.perf.turn_cost [--db sqlite|postgres]``.

Runs the benchmark's conversation script (add, add, list, complete by position) through the
chat use case as the server wires it (``build_container``), offline model (or the Agents SDK: ``--model-url``), one
turn at a time, and prints per turn: database statements, commits (PostgreSQL: each also a BEGIN
round trip), units of work (pool checkouts) and the CPU of this process. ``--profile`` adds
cProfile's self CPU and call counts by package (``--top N``: by function). No HTTP: the
figure is the application's and the database layer's share of a turn.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import uvloop
from sqlalchemy import event

from adapters.sql.migrate import upgrade_to_head
from entrypoints.config import load_settings
from entrypoints.container import build_container, shutdown
from tests.perf.bench import TURNS
from tests.support.postgres import create_database, drop_database


async def run(
    db: str, model_url: str | None, conversations: int, rounds: int, profile: bool, show: bool, top: int = 0,
    freeze: bool = False, concurrent: bool = False,
) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="todo-turn-cost-"))
    url = (await create_database()) if db == "postgres" else f"sqlite+aiosqlite:///{workdir}/chat.db"
    environ = {"DATABASE_URL": url, "BETTER_AUTH_SECRET": "x" * 40, "LLM_PROVIDER": "offline", "LOG_LEVEL": "WARNING"}
    if model_url:  # the Agents SDK path, against an OpenAI-compatible (fake) model
        environ |= {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": model_url, "OPENAI_API_KEY": "fake",
                    "LLM_MODEL": "fake-model", "LLM_API": "responses"}
    try:
        await upgrade_to_head(url)
        container = build_container(load_settings(environ, cwd=workdir))
        chat = container.chat_use_cases()
        engine = container.engine()
        counts: Counter[str] = Counter()
        statements: list[str] = []

        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _statement(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
            counts["statements"] += 1
            if show:
                statements.append(" ".join(statement.split())[:160])

        @event.listens_for(engine.sync_engine, "commit")
        def _commit(_c: Any) -> None:
            counts["commits"] += 1

        @event.listens_for(engine.sync_engine, "checkout")
        def _checkout(*_: Any) -> None:
            counts["checkouts"] += 1

        async def conversation(n: int) -> int:
            user = f"cost{uuid.uuid4().hex[:8]}"
            conversation_id = None
            done = 0
            for r in range(rounds):
                for text in TURNS:
                    reply = await chat.send(user, text.format(n=f"{n}-{r}"), conversation_id)
                    conversation_id = reply.conversation_id
                    done += 1
            return done

        await conversation(-1)  # warm up
        if freeze:
            import gc

            gc.collect()
            gc.freeze()
        counts.clear()
        statements.clear()
        import gc

        gc_time = [0.0, 0.0, 0.0]
        gc_started = [0.0]

        def _gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                gc_started[0] = time.process_time()
            else:
                gc_time[info["generation"]] += time.process_time() - gc_started[0]

        gc.callbacks.append(_gc)
        profiler = cProfile.Profile(time.process_time) if profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        if concurrent:
            turns = sum(await asyncio.gather(*(conversation(n) for n in range(conversations))))
        else:
            turns = sum([await conversation(n) for n in range(conversations)])
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(f"{db}: {turns} turns, {cpu * 1000 / turns:.2f} ms CPU/turn (this process), "
              f"{wall * 1000 / turns:.2f} ms wall/turn")
        gc.callbacks.remove(_gc)
        print("  garbage collector CPU per turn, generations 0/1/2: "
              + " / ".join(f"{seconds * 1000 / turns:.2f} ms" for seconds in gc_time)
              + f" ({len(gc.get_objects())} objects tracked, {gc.get_freeze_count()} frozen)")
        for name in ("statements", "commits", "checkouts"):
            print(f"  {name} per turn: {counts[name] / turns:.2f}")
        if show:
            per_turn = len(statements) // turns
            print("  last turn's statements:")
            for line in statements[-per_turn:]:
                print("   ", line)
        if profiler:
            stats = pstats.Stats(profiler)
            calls = sum(entry[1] for entry in stats.stats.values())  # type: ignore[attr-defined]
            print(f"  Python function calls per turn: {calls / turns:.0f}")
            by_package: Counter[str] = Counter()
            calls_by_package: Counter[str] = Counter()
            for (filename, _line, _name), entry in stats.stats.items():  # type: ignore[attr-defined]
                by_package[_package(filename)] += entry[2]
                calls_by_package[_package(filename)] += entry[1]
            total = sum(by_package.values())
            print("  self CPU by package (cProfile, its own overhead included), calls per turn:")
            for package, seconds in by_package.most_common(16):
                print(f"   {100 * seconds / total:5.1f}%  {calls_by_package[package] / turns:6.0f}  {package}")
            if top:
                stats.sort_stats("tottime").print_callers("isinstance|deepcopy|_ensure_future", 12)
                stats.sort_stats("tottime").print_stats(top)
                stats.sort_stats("cumulative").print_stats(top)
                stats.sort_stats("ncalls").print_stats(top)
        await shutdown(container)
    finally:
        if db == "postgres":
            await drop_database(url)


def _package(filename: str) -> str:
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0].removesuffix(".py")
    if "/work/" in filename or filename.startswith(str(Path.cwd())):
        relative = filename.removeprefix(str(Path.cwd()) + "/")
        return "todo-chat: " + "/".join(relative.split("/")[:2]).removesuffix(".py")
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "stdlib: " + Path(filename).stem


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--model-url", help="an OpenAI-compatible base URL (../shared/peer-bench/fake_llm.py): "
                        "the Agents SDK path instead of the offline model (the CPU then includes no model server)")
    parser.add_argument("--conversations", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--concurrent", action="store_true", help="the conversations at once, not one by one")
    parser.add_argument("--freeze", action="store_true", help="gc.freeze() after the warm-up, as serve does")
    parser.add_argument("--top", type=int, default=0, help="with --profile: list the top N functions")
    parser.add_argument("--show", action="store_true", help="print the statements of the last turn")
    arguments = parser.parse_args()
    uvloop.run(run(arguments.db, arguments.model_url, arguments.conversations, arguments.rounds,
                    arguments.profile, arguments.show, arguments.top, arguments.freeze,
                    arguments.concurrent))


if __name__ == "__main__":
    main()
