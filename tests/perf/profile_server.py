"""Where a chat turn's server CPU goes: ``python -m tests.perf.profile_server [--model slow]``.

Starts ``todo-chat serve`` on a fresh PostgreSQL (or ``--db sqlite``) database, drives 10 conversations of the
benchmark script (or 50 one-turn conversations against a fake model that takes 1 s), and
samples the server with py-spy (``pip install py-spy``; not a project dependency). Prints
the CPU per turn and the share of on-CPU samples by package. Loopback only, bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.perf.bench import chat_load, cpu_seconds, database, served
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai
from tests.support.postgres import drop_database

# Self time by the package of the innermost frame: SQLAlchemy runs statements in greenlets
# whose stacks do not show their callers, so attributing by caller frames would mislead.
OURS = ("domain", "application", "adapters", "entrypoints")


def shares(raw: Path) -> tuple[int, list[tuple[str, float]]]:
    counts: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, number = line.rpartition(" ")
        total += int(number)
        leaf = stack.rsplit(";", 1)[-1]
        where = leaf.rpartition(" (")[2].split("/")[0].split(".py")[0] or "(native)"
        counts["todo-chat: " + where if where in OURS else where] += int(number)
    return total, [(name, 100 * count / max(total, 1)) for name, count in counts.most_common(14)]


async def profile(slow: bool, seconds: int, db: str = "postgres", model_url: str | None = None) -> None:
    spy = shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    workdir = Path(tempfile.mkdtemp(prefix="todo-profile-"))
    url = await database(db, workdir)
    raw = workdir / "samples.txt"
    try:
        with serve_fake_openai(FakeOpenAI(script=[Reply(text="ok", hang=1.0) for _ in range(1000)])) as fake:
            extra = {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": model_url or fake.base_url, "OPENAI_API_KEY": "fake",
                     "LLM_MODEL": "fake-model", "LLM_API": "responses"}
            with served(workdir, url, extra=extra if slow or model_url else None) as server:
                assert server.process is not None
                turns = ("hello",) if slow else None
                await chat_load(server.url, 4, 1, **({"turns": turns} if turns else {}))
                command = [spy, "record", "-p", str(server.process.pid), "-r", "500", "-d", str(seconds),
                           "-f", "raw", "-o", str(raw), "--nonblocking"]
                sampler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                await asyncio.sleep(0.5)
                before, done = cpu_seconds(server.process.pid), 0
                for _ in range(4):
                    if slow:
                        done += len((await chat_load(server.url, 50, 1, turns=("hello",)))[1])
                    else:
                        done += len((await chat_load(server.url, 10, 3))[1])
                cpu_ms = (cpu_seconds(server.process.pid) - before) * 1000 / done
                sampler.wait(seconds + 30)
    finally:
        if db == "postgres":
            await drop_database(url)
    total, by_package = shares(raw)
    print(f"{done} turns, server CPU {cpu_ms:.2f} ms/turn, {total} on-CPU samples; self time by package:")
    for package, share in by_package:
        print(f"{share:5.1f}%  {package}")
    print(f"raw py-spy samples: {raw}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["offline", "slow"], default="offline")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--model-url", help="the Agents SDK path against this OpenAI-compatible server "
                                            "(../shared/peer-bench/fake_llm.py: an instant fake model)")
    arguments = parser.parse_args()
    asyncio.run(profile(arguments.model == "slow", arguments.seconds, arguments.db, arguments.model_url))


if __name__ == "__main__":
    main()
