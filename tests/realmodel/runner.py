"""Run the phrasing set through a real ``todo-chat serve`` (HTTP API) backed by a real model.

Each conversation gets a new account, so it starts from an empty list. After every turn the
task list is read back through REST and compared with what the turn should have left; the
reply is checked for changes it reports that REST does not show ("claimed but not done").
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx

from adapters.llm.reply_guard import Change, claimed_changes
from tests.realmodel.phrasings import CONVERSATIONS, Conversation, Expected
from tests.support.server import ServerProcess

Task = dict[str, Any]
# Wider than the service's own guard, so the check also counts claims the guard lets through;
# a status in a listing ("milk (completed)") is not a claim.
_REPORTED = re.compile(r"(?<!\()\b(added|created|completed|marked|deleted|removed|updated|changed|renamed|undid|undone|"
                       r"restored)\b(?!\))",
                       re.IGNORECASE)
_KINDS: dict[str, Change] = {"added": "created", "created": "created", "completed": "completed",
                             "marked": "completed", "deleted": "deleted", "removed": "deleted",
                             "updated": "updated", "changed": "updated", "renamed": "updated",
                             "undid": "undone", "undone": "undone", "restored": "undone"}


_DENIED = re.compile(r"\b(?:not|nothing|no|never|n't)\b[\w ]{0,20}$", re.IGNORECASE)


def reported_changes(reply: str) -> set[Change]:
    """What the reply says changed ("Nothing was changed" and "I have not added" say nothing did)."""
    found = {_KINDS[m.group(1).lower()] for m in _REPORTED.finditer(reply)
             if not _DENIED.search(reply[max(0, m.start() - 30):m.start()])}
    return claimed_changes(reply) | found


@dataclass
class TurnOutcome:
    conversation: str
    message: str
    reply: str
    tools: list[str]
    seconds: float
    right: bool
    wrong_change: bool  # the list changed, and not into what was expected
    claimed_not_done: set[Change]


@dataclass
class Report:
    model: str
    turns: list[TurnOutcome] = field(default_factory=list)
    conversations_right: int = 0
    conversations: int = 0

    @property
    def wrong_changes(self) -> int:
        return sum(t.wrong_change for t in self.turns)

    @property
    def claimed_not_done(self) -> int:
        return sum(bool(t.claimed_not_done) for t in self.turns)

    def summary(self) -> str:
        right = sum(t.right for t in self.turns)
        seconds = sorted(t.seconds for t in self.turns) or [0.0]
        return (
            f"model {self.model}: conversations right {self.conversations_right}/{self.conversations}, "
            f"turns right {right}/{len(self.turns)}, wrong changes {self.wrong_changes}, "
            f"claimed but not done {self.claimed_not_done}, "
            f"turn seconds median {seconds[len(seconds) // 2]:.1f} max {seconds[-1]:.1f}"
        )


def matches(tasks: Sequence[Task], expect: Expected) -> bool:
    if len(tasks) != len(expect):
        return False
    left = list(tasks)
    for want in expect:
        word, completed, priority = want[:3]
        fields: dict[str, str] = want[3] if len(want) > 3 else {}
        found = next((t for t in left if word in t["title"].lower() and t["completed"] is completed
                      and (priority is None or t["priority"] == priority)
                      and all(text.lower() in str(t.get(name) or "").lower() for name, text in fields.items())),
                     None)
        if found is None:
            return False
        left.remove(found)
    return True


def changes_between(before: Sequence[Task], after: Sequence[Task]) -> set[Change]:
    """The kinds of change REST shows between two reads of the list."""
    old, new = {t["id"]: t for t in before}, {t["id"]: t for t in after}
    made: set[Change] = set()
    if new.keys() - old.keys():
        made.add("created")
    if old.keys() - new.keys():
        made.add("deleted")
    for task_id in old.keys() & new.keys():
        a, b = old[task_id], new[task_id]
        if not a["completed"] and b["completed"]:
            made.add("completed")
        elif a != b:
            made.add("updated")
    return made


class Session:
    def __init__(self, client: httpx.Client) -> None:
        response = client.post("/api/auth/register", json={"email": f"{uuid4().hex[:12]}@example.com",
                                                            "password": "correct horse battery"})
        response.raise_for_status()
        body = response.json()
        self.client, self.user = client, body["user_id"]
        self.headers = {"Authorization": f"Bearer {body['token']}"}
        self.conversation_id: str | None = None

    def tasks(self) -> list[Task]:
        response = self.client.get(f"/api/{self.user}/tasks", params={"status": "all", "limit": 100},
                                   headers=self.headers)
        response.raise_for_status()
        return list(response.json()["data"])

    def say(self, message: str) -> dict[str, Any]:
        body: dict[str, Any] = {"message": message}
        if self.conversation_id:
            body["conversation_id"] = self.conversation_id
        response = self.client.post(f"/api/{self.user}/chat", json=body, headers=self.headers)
        response.raise_for_status()
        reply = response.json()
        self.conversation_id = reply["conversation_id"]
        return dict(reply)


def run_conversation(client: httpx.Client, conversation: Conversation, report: Report,
                     show: Callable[[TurnOutcome], None]) -> None:
    session = Session(client)
    before = session.tasks()
    right = True
    for turn in conversation.turns:
        started = time.monotonic()
        try:
            reply = session.say(turn.message)
        except httpx.HTTPError as error:
            reply = {"response": f"(HTTP error: {error})", "tool_calls": []}
        seconds = time.monotonic() - started
        after = session.tasks()
        ok = matches(after, turn.expect)
        made = changes_between(before, after)
        outcome = TurnOutcome(
            conversation.name, turn.message, reply["response"], [c["tool"] for c in reply["tool_calls"]],
            seconds, ok, wrong_change=bool(made) and not ok,
            # An undo shows in REST as the change it reversed.
            claimed_not_done=reported_changes(reply["response"]) - made - ({"undone"} if made else set()),
        )
        report.turns.append(outcome)
        show(outcome)
        right = ok  # the conversation is judged by the state it ends in
        before = after
    report.conversations += 1
    report.conversations_right += right


def server_env(url: str, model: str, api_key: str, database: Path) -> dict[str, str]:
    return {
        "LLM_PROVIDER": "openai", "OPENAI_BASE_URL": url, "OPENAI_API_KEY": api_key, "LLM_MODEL": model,
        "LLM_API": "chat", "LLM_TIMEOUT": "300", "LLM_TURN_TIMEOUT": "900",
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }


def run(url: str, model: str, *, api_key: str = "unused", conversations: Sequence[Conversation] = CONVERSATIONS,
        show: Callable[[TurnOutcome], None] = lambda _: None) -> Report:
    report = Report(model)
    with tempfile.TemporaryDirectory(prefix="todo-chat-realmodel-") as tmp:
        env = server_env(url, model, api_key, Path(tmp) / "todo.db")
        # A loaded machine can take longer than the e2e default to start serving.
        with ServerProcess(cwd=Path(tmp), env=env, start_timeout=180) as server, server.client(timeout=960) as client:
            for conversation in conversations:
                run_conversation(client, conversation, report, show)
    return report
