"""The terminal chat: talk to your tasks from a shell.

``todo-chat chat`` runs the chat use case in this process on the configured database
(the same container ``serve`` builds), or, with ``--url`` and a token, talks to a running
server over HTTP. One conversation per session; Ctrl-D or ``exit`` leaves.

Input comes from prompt-toolkit (line editing, arrow-key history) when both ends are a
terminal, and from plain line reads otherwise, so the chat can be driven through a pipe.
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.table import Table
from rich.text import Text

EXIT_WORDS = frozenset({"exit", "quit", ":q", "/exit", "/quit"})
HELP_WORDS = frozenset({"help", "?", "/help"})


class ChatFailed(Exception):
    """A turn failed in a way the person should read about; the session goes on."""

    def __init__(self, message: str, *, fatal: bool = False, forget_conversation: bool = False) -> None:
        super().__init__(message)
        self.fatal = fatal
        self.forget_conversation = forget_conversation


@dataclass(frozen=True, slots=True)
class Reply:
    conversation_id: str
    response: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)


class Backend(Protocol):
    """Where turns go: the use case in this process, or a server."""

    where: str

    async def send(self, message: str, conversation_id: str | None, timezone: str) -> Reply: ...


# --------------------------------------------------------------------------- remote


class RemoteBackend:
    """A running todo-chat server, through its public chat endpoint."""

    def __init__(self, url: str, token: str, user: str, client: Any) -> None:
        self.where = url
        self._path = f"/api/{quote(user, safe='')}/chat"
        self._client = client
        self._token = token

    async def check(self) -> None:
        """Fail before the session starts when nothing answers at the URL (exit 2, one line)."""
        import httpx

        try:
            response = await self._client.get("/health")
        except httpx.HTTPError as exc:
            raise ChatFailed(f"Can't reach {self.where}: {exc or type(exc).__name__}", fatal=True) from None
        if response.status_code != 200:
            raise ChatFailed(f"{self.where} is not a todo-chat server (/health answered {response.status_code})")

    async def send(self, message: str, conversation_id: str | None, timezone: str) -> Reply:
        import httpx

        body: dict[str, Any] = {"message": message, "timezone": timezone}
        if conversation_id:
            body["conversation_id"] = conversation_id
        try:
            response = await self._client.post(
                self._path, json=body, headers={"Authorization": f"Bearer {self._token}"}
            )
        except httpx.TimeoutException:
            raise ChatFailed("The server took too long to answer; try again.") from None
        except httpx.HTTPError as exc:
            raise ChatFailed(f"Can't reach {self.where}: {exc or type(exc).__name__}", fatal=True) from None
        if response.status_code >= 400:
            raise _http_failure(response)
        data = response.json()
        return Reply(str(data["conversation_id"]), data.get("response", ""), list(data.get("tool_calls") or []))


def _http_failure(response: Any) -> ChatFailed:
    try:
        error = response.json().get("error") or {}
    except ValueError:
        error = {}
    code = error.get("code", "")
    message = error.get("message") or f"HTTP {response.status_code}"
    if response.status_code == 401:
        # The server's message already says what to do ("The token has expired; sign in again").
        return ChatFailed(f"The server refused the token: {message}", fatal=True)
    if response.status_code == 403:
        return ChatFailed(f"This token is for another user ({message}).", fatal=True)
    if code == "LLM_UNAVAILABLE":
        return ChatFailed("The assistant is unavailable right now; your message was saved. Try again shortly.")
    if response.status_code == 404:
        return ChatFailed("That conversation is gone; the next message starts a new one.", forget_conversation=True)
    return ChatFailed(message)


def user_from_token(token: str) -> str:
    """The token's subject, read without verifying it (the server verifies)."""
    import jwt

    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ChatFailed(f"That token can't be read: {exc}", fatal=True) from None
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise ChatFailed("That token has no subject (sub); pass --user.", fatal=True)
    return sub


# --------------------------------------------------------------------------- local


class LocalBackend:
    """The chat use case in this process, on the configured database."""

    def __init__(self, where: str, user: str, send: Callable[..., Awaitable[Any]]) -> None:
        self.where = where
        self._user = user
        self._send = send

    async def send(self, message: str, conversation_id: str | None, timezone: str) -> Reply:
        from uuid import UUID

        from application.errors import DatabaseUnavailable, LanguageModelUnavailable
        from domain.errors import DomainError, NotFound

        try:
            reply = await self._send(self._user, message, UUID(conversation_id) if conversation_id else None, timezone)
        except LanguageModelUnavailable:
            raise ChatFailed(
                "The assistant is unavailable right now; your message was saved. Try again shortly."
            ) from None
        except DatabaseUnavailable:
            raise ChatFailed(f"The database ({self.where}) is unavailable; try again shortly.") from None
        except NotFound:
            raise ChatFailed(
                "That conversation is gone; the next message starts a new one.", forget_conversation=True
            ) from None
        except DomainError as exc:
            raise ChatFailed(str(exc)) from None
        return Reply(str(reply.conversation_id), reply.response, [call.as_dict() for call in reply.tool_calls])


async def _local_backend(user: str, stack: AsyncExitStack) -> LocalBackend:
    """Build the container as ``serve`` does, apply pending migrations, and bind the chat use case."""
    from domain.errors import InvalidValue
    from domain.values import check_user_id
    from entrypoints import container as composition

    try:
        check_user_id(user)
    except InvalidValue as exc:
        raise ChatFailed(f"--user {exc.message}", fatal=True) from None
    container = composition.build_container()
    await composition.prepare(container)
    stack.push_async_callback(composition.shutdown, container)
    chat = container.chat_use_cases()
    where = f"{composition.describe_database(container)} · {composition.describe_model(container)}"
    return LocalBackend(where, user, chat.send)


# --------------------------------------------------------------------------- words


def describe_tool_call(call: dict[str, Any], today: date | None = None) -> tuple[str, bool]:
    """One line for a tool call ("Added task 4: call mom, due tomorrow") and whether it worked."""
    args = call.get("arguments") or {}
    result = call.get("result") or {}
    tool = str(call.get("tool", "?"))
    if "error" in result:
        return f"{tool} failed: {result['error']}", False
    subject = f"task {result.get('task_id')}" + (f": {result['title']}" if result.get("title") else "")
    if tool == "add_task":
        extras = []
        if args.get("due_date"):
            extras.append("due " + relative_day(str(args["due_date"]), today))
        if args.get("priority") and args["priority"] != "medium":
            extras.append(f"{args['priority']} priority")
        if args.get("recurrence"):
            extras.append("repeats " + describe_rule(str(args["recurrence"])))
        if args.get("labels"):
            extras.append("on " + ", ".join(map(str, args["labels"])))
        return "Added " + subject + "".join(", " + e for e in extras), True
    if tool == "complete_task":
        if result.get("status") == "rescheduled":
            when = relative_day(str(result["due_date"]), today) if result.get("due_date") else "soon"
            return f"Completed {subject}, repeats: next due {when}", True
        return "Completed " + subject, True
    if tool == "delete_task":
        return "Deleted " + subject + " (in the trash for 30 days)", True
    if tool == "restore_task":
        return "Restored " + subject, True
    if tool == "update_task":
        changes = [k if k != "completed" else ("done" if args[k] else "reopened") for k in args if k != "task_id"]
        return "Updated " + subject + (f" ({', '.join(changes)})" if changes else ""), True
    if tool in {"list_tasks", "list_trash"}:
        total = result.get("total", len(result.get("tasks") or []))
        kind = "task"
        if args.get("overdue"):
            kind = "overdue task"
        elif args.get("status") in {"pending", "completed"}:
            kind = "pending task" if args["status"] == "pending" else "done task"
        where = " in the trash" if tool == "list_trash" else (f" on {args['label']}" if args.get("label") else "")
        return f"Listed {total} {kind}{'' if total == 1 else 's'}{where}", True
    if tool == "undo_last_change":
        return str(result.get("message") or "Undid the last change"), True
    if tool == "list_labels":
        count = len(result.get("labels") or [])
        return f"Listed {count} list{'' if count == 1 else 's'}", True
    return f"Used {tool}", True


_WEEKDAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
_DESCRIBED = frozenset({"FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "WKST", "COUNT", "UNTIL"})
_NTH = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last", -2: "second to last"}
_NTH_DAY = re.compile(r"([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)")


def _ordinal(n: int) -> str:
    if n == -1:
        return "last day"
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def describe_rule(rule: str) -> str:
    """An RRULE in words, as the web chat says it ("every Monday", "every month on the 1st");
    a rule the words cannot say is returned as it is."""
    parts: dict[str, str] = {}
    for piece in rule.strip().removeprefix("RRULE:").split(";"):
        name, sep, value = piece.partition("=")
        if not piece:
            continue
        if not sep or not value or "=" in value:
            return rule
        parts[name.upper()] = value.upper()
    unit = _UNITS.get(parts.get("FREQ", ""))
    if unit is None or set(parts) - _DESCRIBED:
        return rule
    try:
        every = int(parts.get("INTERVAL", "1"))
        month_days = [int(d) for d in parts["BYMONTHDAY"].split(",")] if "BYMONTHDAY" in parts else []
        months = [int(m) for m in parts["BYMONTH"].split(",")] if "BYMONTH" in parts else []
        left = int(parts["COUNT"]) if "COUNT" in parts else None
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date() if "UNTIL" in parts else None
    except ValueError:
        return rule
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    plain = all(d in _WEEKDAYS for d in days)
    if every < 1 or any(d < -1 or d == 0 for d in month_days) or (months and parts["FREQ"] != "YEARLY"):
        return rule
    period = f"every {unit}" if every == 1 else f"every {every} {unit}s"
    freq = parts["FREQ"]
    if freq in {"DAILY", "WEEKLY"}:
        if month_days or not plain:
            return rule
        if not days:
            text = period
        elif every == 1 and set(days) == {"MO", "TU", "WE", "TH", "FR"} and len(days) == 5:
            text = "every weekday"
        elif every == 1 and set(days) == {"SA", "SU"} and len(days) == 2:
            text = "every weekend"
        elif freq == "WEEKLY" and every == 1:
            text = "every " + _and([_WEEKDAYS[d] for d in days])
        else:
            text = f"{period} on " + _and([_WEEKDAYS[d] for d in days])
    elif freq == "MONTHLY":
        nth = _NTH_DAY.fullmatch(days[0]) if len(days) == 1 and not plain else None
        if month_days and not days:
            text = f"{period} on the " + _and([_ordinal(d) for d in month_days])
        elif nth and int(nth.group(1)) in _NTH and not month_days:
            text = f"{period} on the {_NTH[int(nth.group(1))]} {_WEEKDAYS[nth.group(2)]}"
        elif not days and not month_days:
            text = period
        else:
            return rule
    else:
        if days or len(months) > 1 or len(month_days) > 1 or any(not 1 <= m <= 12 for m in months):
            return rule
        month = date(2000, months[0], 1).strftime("%B") if months else ""
        if month and month_days and month_days[0] > 0:
            text = f"{period} on {month_days[0]} {month}"
        elif month and not month_days:
            text = f"{period} in {month}"
        elif not month and not month_days:
            text = period
        else:
            return rule
    if left is not None:
        if left < 1:
            return rule
        text += ", this is the last time" if left == 1 else f", {left} times left"
    if until is not None:
        text += f", until {until.day} {until:%b %Y}"
    return text


def relative_day(text: str, today: date | None = None) -> str:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    today = today or date.today()
    delta = (day - today).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if delta in named:
        return named[delta]
    if 1 < delta < 7:
        return day.strftime("%A")
    return day.strftime("%a %d %b %Y" if day.year != today.year else "%a %d %b")


REPEAT_MARK = "↻"


def task_table(tasks: list[dict[str, Any]], today: date | None = None) -> Table:
    """The tasks as a table; a Lists column when some task has labels, and a Repeats column
    (the repeat mark and the rule in words) when some task repeats."""
    with_lists = any(task.get("labels") for task in tasks)
    with_repeats = any(task.get("recurrence") for task in tasks)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("#", justify="right", style="cyan", no_wrap=True)
    table.add_column("", no_wrap=True)  # done mark
    table.add_column("Task", overflow="fold")
    table.add_column("Due", no_wrap=True)
    table.add_column("Priority", no_wrap=True)
    if with_repeats:
        table.add_column("Repeats", overflow="fold")
    if with_lists:
        table.add_column("Lists", overflow="fold")
    today = today or date.today()
    for task in tasks:
        done = bool(task.get("completed"))
        due = str(task.get("due_date") or "")
        overdue = bool(due) and not done and due < today.isoformat()
        row: list[Any] = [
            str(task.get("id", "")),
            "✓" if done else "·",
            Text(str(task.get("title", "")), style="dim strike" if done else ""),
            Text(relative_day(due, today) if due else "", style="red" if overdue else ""),
            Text(str(task.get("priority", "")), style="red" if task.get("priority") == "high" else ""),
        ]
        if with_repeats:
            rule = task.get("recurrence")
            row.append(Text(f"{REPEAT_MARK} {describe_rule(str(rule))}" if rule else "", style="blue"))
        if with_lists:
            row.append(Text(", ".join(str(label) for label in task.get("labels") or []), style="magenta"))
        table.add_row(*row)
    return table


def label_table(labels: list[dict[str, Any]]) -> Table:
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column("List", style="magenta", overflow="fold")
    table.add_column("Tasks", justify="right", no_wrap=True)
    for label in labels:
        table.add_row(str(label.get("name", "")), str(label.get("count", "")))
    return table


LIST_ITEM = re.compile(r"^\s*(?:[•*\-✓✔☐]|\d+[.)])\s")


READING_TOOLS = frozenset({"list_tasks", "list_trash", "list_labels"})


def visible_calls(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The calls worth a line: a listing the model made only to find the task it then changed is noise."""
    changed = any(call.get("tool") not in READING_TOOLS for call in calls)
    return [call for call in calls if not (changed and call.get("tool") in READING_TOOLS)]


def listed_tasks(calls: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The tasks of a turn that only listed (the last listing of tasks or the trash), else None."""
    if not calls or any(call.get("tool") not in READING_TOOLS for call in calls):
        return None
    if calls[-1].get("tool") not in {"list_tasks", "list_trash"}:
        return None
    tasks = (calls[-1].get("result") or {}).get("tasks")
    return list(tasks) if tasks else None


def listed_labels(calls: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The labels of a turn whose last call listed them, else None."""
    if not calls or calls[-1].get("tool") != "list_labels" or any(c.get("tool") not in READING_TOOLS for c in calls):
        return None
    labels = (calls[-1].get("result") or {}).get("labels")
    return list(labels) if labels else None


def show_reply(console: Console, reply: Reply, today: date | None = None) -> None:
    for call in visible_calls(reply.tool_calls):
        line, ok = describe_tool_call(call, today)
        console.print(Text(("  ✓ " if ok else "  ! ") + line, style="green" if ok else "yellow"))
    tasks = listed_tasks(reply.tool_calls)
    text = reply.response
    if tasks:
        # The table shows the tasks; keep the reply's own words but not its item-by-item list.
        titles = [str(task.get("title", "")) for task in tasks]
        kept = [
            line
            for line in text.splitlines()
            if not (LIST_ITEM.match(line) and any(title and title in line for title in titles))
        ]
        text = "\n".join(kept).strip()
    if text:
        console.print(Text(text))
    if tasks:
        console.print(task_table(tasks, today))
    labels = listed_labels(reply.tool_calls)
    if labels:
        console.print(label_table(labels))
    console.print()


# --------------------------------------------------------------------------- input


async def terminal_lines(user: str) -> AsyncIterator[str]:
    """Lines typed at a terminal, with editing and arrow-key history."""
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import FormattedText
    from prompt_toolkit.history import InMemoryHistory

    session: PromptSession[str] = PromptSession(history=InMemoryHistory())
    prompt = FormattedText([("bold ansicyan", user), ("", " › ")])
    while True:
        try:
            yield await session.prompt_async(prompt)
        except KeyboardInterrupt:
            continue  # Ctrl-C clears the line, as in a shell; Ctrl-D leaves
        except EOFError:
            return


async def piped_lines(console: Console, user: str) -> AsyncIterator[str]:
    """Lines from a pipe, echoed after the prompt so the transcript reads like a session."""
    while True:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            return
        line = line.rstrip("\r\n")
        console.print(Text(f"{user} › ", style="bold cyan") + Text(line))
        yield line


# --------------------------------------------------------------------------- the loop


async def chat_loop(backend: Backend, lines: AsyncIterator[str], console: Console, user: str, timezone: str) -> int:
    """Run turns until the input ends; 0 when every turn worked, 1 when one failed (scripts can tell)."""
    conversation_id: str | None = None
    failed = False
    async for raw in lines:
        message = raw.strip()
        if not message:
            continue
        if message.lower() in EXIT_WORDS:
            break
        if message.lower() in HELP_WORDS:
            console.print(Text(HELP))
            continue
        try:
            with console.status("thinking…", spinner="dots") if console.is_terminal else _nothing():
                reply = await backend.send(message, conversation_id, timezone)
        except ChatFailed as failure:
            console.print(Text(failure.args[0], style="bold red"))
            failed = True
            if failure.forget_conversation:
                conversation_id = None
            if failure.fatal:
                return 1
            continue
        conversation_id = reply.conversation_id
        show_reply(console, reply, _today(timezone))
    console.print(Text("Bye.", style="dim"))
    return 1 if failed else 0


HELP = (
    'Talk to your tasks: "remind me to call mom tomorrow, high priority", "what\'s left?", '
    '"done with task 1", "move the groceries one to friday", "delete task 2".\n'
    "Up/down arrows recall earlier lines. 'exit' or Ctrl-D leaves."
)


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _today(timezone: str) -> date:
    return datetime.now(ZoneInfo(timezone)).date()


def local_timezone() -> str:
    """The machine's IANA zone name: $TZ, /etc/timezone, or the /etc/localtime link; else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text().strip())
    try:
        target = str(Path("/etc/localtime").resolve())
        if "/zoneinfo/" in target:
            candidates.append(target.split("/zoneinfo/", 1)[1])
    except OSError:
        pass
    for name in candidates:
        if name and _valid_zone(name):
            return name
    return "UTC"


def _valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


# --------------------------------------------------------------------------- entry point


def run(
    user: str | None = None,
    url: str | None = None,
    token: str | None = None,
    timezone: str | None = None,
) -> int:
    """Run one terminal chat session; returns the process exit status."""
    console = Console(highlight=False, soft_wrap=True)
    try:
        return asyncio.run(_run(console, user, url, token, timezone))
    except ChatFailed as failure:
        Console(stderr=True, highlight=False).print(Text(failure.args[0], style="bold red"))
        return 2
    except KeyboardInterrupt:
        return 130


async def _run(console: Console, user: str | None, url: str | None, token: str | None, timezone: str | None) -> int:
    zone = timezone or local_timezone()
    if not _valid_zone(zone):
        raise ChatFailed(f"Unknown time zone {zone!r}: use an IANA name such as Europe/Paris.")
    async with AsyncExitStack() as stack:
        if url:
            import httpx

            if not token:
                raise ChatFailed("--url needs a token: pass --token (see `todo-chat token USER_ID`).")
            who = user or user_from_token(token)
            client = await stack.enter_async_context(
                httpx.AsyncClient(base_url=url.rstrip("/"), timeout=httpx.Timeout(120, connect=10))
            )
            remote = RemoteBackend(url, token, who, client)
            await remote.check()
            backend: Backend = remote
        else:
            who = user or os.environ.get("USER") or "local"
            backend = await _local_backend(who, stack)
        interactive = sys.stdin.isatty() and sys.stdout.isatty()
        console.print(
            Text.assemble(
                ("todo-chat", "bold"),
                f" · {who} · {backend.where} · {zone}\n",
                ("Type a message; 'help' for ideas, 'exit' or Ctrl-D to leave.", "dim"),
            )
        )
        lines = terminal_lines(who) if interactive else piped_lines(console, who)
        return await chat_loop(backend, lines, console, who, zone)
