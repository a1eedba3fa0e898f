"""Every phrasing case through the public HTTP API with the offline model.

The gate is aggregate accuracy (>= 95%); the failure message lists the misses. Run
``python -m tests.integration.test_phrasings [file...]`` to print every miss.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from dependency_injector import providers
from litestar.testing import AsyncTestClient

from adapters.memory.store import MemoryStore
from entrypoints.config import RateLimit, Settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.integration.http.conftest import SECRET, always, mint

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = [ROOT / "eval" / "phrasings.jsonl"]
SHARED_SAMPLE = ROOT.parent / "shared" / "eval" / "phrasings-sample.jsonl"
THRESHOLD = 0.95
WRONG_CHANGE = "WRONG CHANGE"  # the list changed, and not as asked: worse than a miss
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def load_cases(paths: list[Path]) -> list[dict[str, Any]]:
    """Cases from every file that exists, once per id (the project set includes the sample)."""
    cases: dict[str, dict[str, Any]] = {}
    for path in paths:
        if path.exists():
            for line in path.read_text().splitlines():
                if line.strip():
                    case = json.loads(line)
                    cases.setdefault(case["id"], case)
    return list(cases.values())


def norm_title(title: str) -> str:
    return " ".join(re.sub(r"[^\w\s]|_", " ", title.lower()).split())


def resolve_due(spec: str | None, today: date) -> date | None:
    if spec is None or spec == "none":
        return None
    if re.fullmatch(r"[+-]\d+", spec):
        return today + timedelta(days=int(spec))
    if spec.startswith("wd:"):
        ahead = (WEEKDAYS.index(spec[3:6]) - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if spec.startswith("md:"):
        month, day = (int(x) for x in spec[3:].split("-"))
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    return date.fromisoformat(spec)


def task_matches(expected: dict[str, Any], task: dict[str, Any], today: date) -> bool:
    if norm_title(task["title"]) not in {norm_title(t) for t in expected["title"]}:
        return False
    if "completed" in expected and task["completed"] != expected["completed"]:
        return False
    if "priority" in expected and task["priority"] != expected["priority"]:
        return False
    if "due" in expected:
        want = resolve_due(expected["due"], today)
        actual = date.fromisoformat(task["due_date"]) if task["due_date"] else None
        if actual != want:
            return False
    if "recurrence" in expected and task.get("recurrence") != expected["recurrence"]:
        return False
    if "labels" in expected and sorted(x.lower() for x in task.get("labels", [])) != sorted(expected["labels"]):
        return False
    if "description_contains" in expected:
        return expected["description_contains"].lower() in (task["description"] or "").lower()
    return True


def state_matches(expected: list[dict[str, Any]], tasks: list[dict[str, Any]], today: date) -> bool:
    if len(expected) != len(tasks):
        return False
    remaining = list(tasks)
    for want in expected:
        hit = next((t for t in remaining if task_matches(want, t, today)), None)
        if hit is None:
            return False
        remaining.remove(hit)
    return True


def reply_problems(case: dict[str, Any], reply: str) -> list[str]:
    text = reply.lower()
    problems = [f"missing {s!r}" for s in case.get("reply", []) + case.get("reply_all", []) if s.lower() not in text]
    problems += [f"contains {s!r}" for s in case.get("reply_not", []) if s.lower() in text]
    if case.get("reply_any") and not any(s.lower() in text for s in case["reply_any"]):
        problems.append(f"none of {case['reply_any']!r}")
    if len(reply) < case.get("reply_min", 0):
        problems.append("reply too short")
    return problems


async def run_cases(cases: list[dict[str, Any]], tmp: Path) -> list[str]:
    """Run every case as a fresh user; return one line per miss."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp / 'unused.db'}",
        secret=SECRET,
        login_rate_limit=RateLimit(100000, 60),
        chat_rate_limit=RateLimit(100000, 60),
    )
    container = build_container(replace(settings, llm_provider="offline"))
    store = MemoryStore()
    container.unit_of_work.override(providers.Callable(store.unit_of_work))
    container.database_ready.override(providers.Callable(always(True)))
    misses: list[str] = []
    async with AsyncTestClient(create_app(container)) as client:
        for n, case in enumerate(cases):
            user = f"eval{n}"
            headers = {"Authorization": f"Bearer {mint(user)}"}
            today = datetime.now(UTC).date()
            for task in case.get("setup", []):
                body: dict[str, Any] = {"title": task["title"]}
                if task.get("priority"):
                    body["priority"] = task["priority"]
                if task.get("due"):
                    body["due_date"] = resolve_due(task["due"], today).isoformat()  # type: ignore[union-attr]
                created = (await client.post(f"/api/{user}/tasks", json=body, headers=headers)).json()
                if task.get("completed"):
                    await client.patch(
                        f"/api/{user}/tasks/{created['id']}", json={"completed": True}, headers=headers
                    )
            before = (await client.get(f"/api/{user}/tasks?limit=100", headers=headers)).json()["data"]
            conversation: str | None = None
            reply = ""
            for turn in case["turns"]:
                payload: dict[str, Any] = {"message": turn}
                if conversation:
                    payload["conversation_id"] = conversation
                response = await client.post(f"/api/{user}/chat", json=payload, headers=headers)
                if response.status_code != 200:
                    reply = f"HTTP {response.status_code}: {response.text}"
                    break
                conversation = response.json()["conversation_id"]
                reply = response.json()["response"]
            after = (await client.get(f"/api/{user}/tasks?limit=100", headers=headers)).json()["data"]
            expect = case["expect"]
            ok_state = after == before if expect == "unchanged" else state_matches(expect, after, today)
            problems = reply_problems(case, reply) + ([] if ok_state else ["state"])
            if not ok_state and after != before:
                problems.insert(0, WRONG_CHANGE)
            if problems:
                state = [(t["id"], t["title"], t["completed"], t["priority"], t["due_date"]) for t in after]
                misses.append(
                    f"{case['id']}: {'; '.join(problems)} | turns={case['turns']} | reply={reply!r} | tasks={state}"
                )
    return misses


async def test_offline_model_understands_the_phrasing_set(tmp_path: Path) -> None:
    cases = load_cases([*CASE_FILES, SHARED_SAMPLE])
    assert len(cases) >= 20
    misses = await run_cases(cases, tmp_path)
    accuracy = 1 - len(misses) / len(cases)
    summary = f"accuracy {accuracy:.1%} ({len(cases) - len(misses)}/{len(cases)})"
    assert accuracy >= THRESHOLD, summary + ":\n" + "\n".join(misses)


if __name__ == "__main__":
    import tempfile

    files = [Path(p) for p in sys.argv[1:]] or [*CASE_FILES, SHARED_SAMPLE]
    all_cases = load_cases(files)
    found = asyncio.run(run_cases(all_cases, Path(tempfile.mkdtemp())))
    print("\n".join(found))
    wrong = sum(1 for line in found if WRONG_CHANGE in line)
    print(f"{len(all_cases) - len(found)}/{len(all_cases)} = {1 - len(found) / max(1, len(all_cases)):.1%}; "
          f"wrong changes {wrong}/{len(all_cases)} = {wrong / max(1, len(all_cases)):.1%}")
