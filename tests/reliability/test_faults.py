"""Faults a real deployment meets, on real ``todo-chat serve`` processes and PostgreSQL.

- The database goes away mid-run (a TCP proxy between server and Postgres is cut) and
  comes back: clear 503s meanwhile, the same process serves again, nothing acknowledged
  is lost and nothing half-done appears.
- The model fails (429 bursts, 500s, hangs) behind the OpenAI-compatible API.
- The process is killed (-9) in the middle of chat turns, or stopped (SIGTERM) gracefully.

What is asserted is what a client or an operator sees: HTTP statuses and bodies, and the
rows in the database read back through the API or directly with asyncpg.
"""

from __future__ import annotations

import asyncio
import secrets
import signal
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import asyncpg
import httpx
import pytest

from tests.reliability.agent_fake import AgentFake, last_user_text, user_texts
from tests.reliability.tcp_proxy import TcpProxy
from tests.support.fake_openai import Reply, serve_fake_openai
from tests.support.postgres import create_database, drop_database, server_url, with_database
from tests.support.server import ServerProcess

pytestmark = [pytest.mark.reliability, pytest.mark.postgres]

T = TypeVar("T")
SECRET = secrets.token_urlsafe(48)
PASSWORD = "correct horse battery"
RECOVERY_S = 10.0  # the same server must serve again this soon after the database is back


# -- helpers ---------------------------------------------------------------------------------


@dataclass
class User:
    user_id: str
    headers: dict[str, str]

    def path(self, rest: str) -> str:
        return f"/api/{self.user_id}{rest}"


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "BETTER_AUTH_SECRET": SECRET, "CHAT_RATE_LIMIT": "off", **extra}


def model_env(fake: AgentFake, **extra: str) -> dict[str, str]:
    """The Agents SDK model against the fake, with short timeouts so failures are quick."""
    return {
        "LLM_PROVIDER": "openai",
        "OPENAI_BASE_URL": fake.base_url,
        "LLM_MODEL": "fake",
        "LLM_TIMEOUT": "1",
        "LLM_MAX_ATTEMPTS": "3",
        "LLM_TURN_TIMEOUT": "20",
        **extra,
    }


def dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def register(client: httpx.AsyncClient) -> User:
    email = f"{uuid.uuid4().hex[:12]}@example.com"
    response = await client.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    session = response.json()
    return User(session["user_id"], {"Authorization": f"Bearer {session['token']}"})


async def chat(client: httpx.AsyncClient, user: User, message: str, conversation: str | None = None) -> httpx.Response:
    body: dict[str, Any] = {"message": message}
    if conversation:
        body["conversation_id"] = conversation
    return await client.post(user.path("/chat"), json=body, headers=user.headers)


async def chat_ok(client: httpx.AsyncClient, user: User, message: str, conversation: str | None = None) -> str:
    response = await chat(client, user, message, conversation)
    assert response.status_code == 200, response.text
    return str(response.json()["conversation_id"])


async def history(client: httpx.AsyncClient, user: User, conversation: str) -> list[tuple[str, str]]:
    response = await client.get(
        user.path(f"/conversations/{conversation}"), params={"limit": 100}, headers=user.headers
    )
    assert response.status_code == 200, response.text
    return [(m["role"], m["content"]) for m in response.json()["messages"]["data"]]


async def task_titles(client: httpx.AsyncClient, user: User) -> list[str]:
    response = await client.get(user.path("/tasks"), params={"sort": "id", "limit": 100}, headers=user.headers)
    assert response.status_code == 200, response.text
    assert response.json()["total"] <= 100
    return [task["title"] for task in response.json()["data"]]


def error_code(response: httpx.Response) -> str | None:
    try:
        return str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return None


async def eventually(check: Callable[[], Awaitable[T | None]], timeout: float, what: str) -> T:
    """Poll ``check`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = await check()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.05)


@dataclass
class Stored:
    """What is in the database, read directly (no server in between)."""

    tasks: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # user -> [(id, title)]
    counters: dict[str, int] = field(default_factory=dict)
    conversations: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # id -> [(role, text)]

    def titles(self, user: User) -> list[str]:
        return [title for _, title in self.tasks.get(user.user_id, [])]

    def assert_consistent(self) -> None:
        """Nothing half-done: numbering, uniqueness and message pairing hold for every user."""
        for user_id, rows in self.tasks.items():
            ids = [task_id for task_id, _ in rows]
            assert ids == list(range(1, len(ids) + 1)), f"task numbers of {user_id} have gaps or repeats: {ids}"
            assert self.counters.get(user_id) == len(ids), (user_id, self.counters.get(user_id), len(ids))
            repeated = [t for t, n in Counter(title.casefold() for _, title in rows).items() if n > 1]
            assert not repeated, f"duplicated tasks of {user_id}: {repeated}"
        for conversation, messages in self.conversations.items():
            roles = [role for role, _ in messages]
            for i, role in enumerate(roles):
                if role == "assistant":
                    assert i > 0 and roles[i - 1] == "user", f"assistant reply without its message in {conversation}"


async def read_stored(database_url: str) -> Stored:
    conn = await asyncpg.connect(dsn(database_url), timeout=10)
    try:
        stored = Stored()
        for row in await conn.fetch("SELECT user_id, id, title FROM tasks ORDER BY user_id, id"):
            stored.tasks.setdefault(row["user_id"], []).append((row["id"], row["title"]))
        for row in await conn.fetch("SELECT user_id, last_id FROM task_counters"):
            stored.counters[row["user_id"]] = row["last_id"]
        for row in await conn.fetch("SELECT id FROM conversations"):
            stored.conversations[str(row["id"])] = []
        query = "SELECT conversation_id, role, content FROM messages ORDER BY conversation_id, seq"
        for row in await conn.fetch(query):
            stored.conversations.setdefault(str(row["conversation_id"]), []).append((row["role"], row["content"]))
        return stored
    finally:
        await conn.close()


def raise_first(results: list[Any]) -> None:
    """Re-raise the first failure of background tasks gathered with ``return_exceptions``."""
    for result in results:
        if isinstance(result, BaseException):
            raise result


def run_async(coroutine: Awaitable[T]) -> T:
    """Run a coroutine to completion from synchronous code (module fixtures), on a fresh loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]


@contextmanager
def postgres_database() -> Iterator[str]:
    url = run_async(create_database("todo_chat_faults"))
    try:
        yield url
    finally:
        run_async(drop_database(url))


@contextmanager
def agent_fake() -> Iterator[AgentFake]:
    with serve_fake_openai(AgentFake()) as fake:
        assert isinstance(fake, AgentFake)
        yield fake


@asynccontextmanager
async def running(server: ServerProcess) -> AsyncIterator[ServerProcess]:
    """Start ``server`` (off the event loop) and always stop it, whatever happens inside."""
    try:
        yield await asyncio.to_thread(server.start)
    finally:
        await asyncio.to_thread(server.stop)


def client_of(server: ServerProcess, timeout: float = 30.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=server.url, timeout=timeout)


# -- 1. the database goes away and comes back ------------------------------------------------


async def test_database_outage_is_503_and_the_same_server_recovers_losing_nothing(
    tmp_path: Path, postgres_url: str
) -> None:
    name = urlsplit(postgres_url).path.lstrip("/")
    target = urlsplit(server_url())
    # The embedded PostgreSQL listens on a Unix socket only (?host=<dir>): the proxy forwards there.
    socket_dir = None if target.hostname else parse_qs(target.query).get("host", [None])[0]
    unix_socket = f"{socket_dir}/.s.PGSQL.{target.port or 5432}" if socket_dir else None
    with TcpProxy(target.hostname or "127.0.0.1", target.port or 5432, unix_socket=unix_socket) as proxy:
        via_proxy = with_database(f"postgresql://postgres@127.0.0.1:{proxy.port}/postgres", name)
        server = ServerProcess(cwd=tmp_path, env=env_for(via_proxy))
        async with running(server), client_of(server) as client:
            await outage_scenario(client, proxy, postgres_url)
    assert proxy.accepted > 0  # the server really went through the proxy


async def outage_scenario(client: httpx.AsyncClient, proxy: TcpProxy, database_url: str) -> None:
    user = await register(client)
    acknowledged: list[str] = []
    for n in range(5):
        response = await client.post(user.path("/tasks"), json={"title": f"before {n}"}, headers=user.headers)
        assert response.status_code == 201, response.text
        acknowledged.append(response.json()["title"])
    conversation = await chat_ok(client, user, "add buy green tea")
    acknowledged.append("buy green tea")

    # Writers and chat turns keep going while the database is cut under them.
    attempted: list[str] = []
    outcomes: list[tuple[str, int, str | None]] = []
    stop = asyncio.Event()
    outage_seen = asyncio.Event()

    async def write_tasks(worker: int) -> None:
        n = 0
        while not stop.is_set():
            title = f"w{worker} n{n}"
            n += 1
            attempted.append(title)
            response = await client.post(user.path("/tasks"), json={"title": title}, headers=user.headers)
            outcomes.append((title, response.status_code, error_code(response)))
            if response.status_code == 201:
                acknowledged.append(title)
            else:
                outage_seen.set()
                await asyncio.sleep(0.02)

    async def chat_turns(worker: int) -> None:
        own: str | None = None
        n = 0
        while not stop.is_set():
            title = f"chat {worker} turn {n}"
            n += 1
            attempted.append(title)
            response = await chat(client, user, f"add {title}", own)
            outcomes.append((title, response.status_code, error_code(response)))
            if response.status_code == 200:
                own = response.json()["conversation_id"]
                # The offline model's reading of the message: exactly this one task.
                added = [call["result"]["title"] for call in response.json()["tool_calls"]]
                assert added == [title], response.text
                acknowledged.append(title)
            else:
                await asyncio.sleep(0.02)

    workers = [asyncio.create_task(write_tasks(w)) for w in range(3)]
    workers += [asyncio.create_task(chat_turns(w)) for w in range(2)]
    try:
        await eventually(lambda: _true(len(acknowledged) >= 25), 20, "25 writes before the cut")
        await asyncio.to_thread(proxy.cut)
        await asyncio.wait_for(outage_seen.wait(), 10)
        await asyncio.sleep(0.3)  # a few more attempts against the dead database
    finally:
        stop.set()
        ended = await asyncio.gather(*workers, return_exceptions=True)
    raise_first(ended)

    # While the database is down: clear 503s, readiness says so, liveness does not care.
    down = {
        "list tasks": await client.get(user.path("/tasks"), headers=user.headers),
        "add task": await client.post(user.path("/tasks"), json={"title": "while down"}, headers=user.headers),
        "chat": await chat(client, user, "add while down", conversation),
        "conversation": await client.get(user.path(f"/conversations/{conversation}"), headers=user.headers),
        "login": await client.post("/api/auth/login", json={"email": "x@example.com", "password": PASSWORD}),
    }
    for what, response in down.items():
        assert (response.status_code, error_code(response)) == (503, "DATABASE_UNAVAILABLE"), (what, response.text)
        assert "Connection" not in response.text and "asyncpg" not in response.text  # no internals leak
    ready = await client.get("/health/ready")
    assert (ready.status_code, error_code(ready)) == (503, "DATABASE_UNAVAILABLE"), ready.text
    live = await client.get("/health")
    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    failures = [o for o in outcomes if o[1] not in (200, 201)]
    assert failures, "some requests ran into the outage"
    assert all(status == 503 and code == "DATABASE_UNAVAILABLE" for _, status, code in failures), failures

    # The database is back: the same process serves again, without a restart.
    await asyncio.to_thread(proxy.restore)
    started = time.monotonic()

    async def tasks_served() -> bool:
        response = await client.get(user.path("/tasks"), headers=user.headers)
        assert response.status_code in (200, 503), response.text
        return response.status_code == 200

    await eventually(tasks_served, RECOVERY_S, "task list served again after the database came back")
    recovered_in = time.monotonic() - started
    assert (await client.get("/health/ready")).status_code == 200

    stored = await read_stored(database_url)
    stored.assert_consistent()
    titles = await task_titles(client, user)
    assert titles == stored.titles(user)
    missing = [title for title in acknowledged if title not in titles]
    assert not missing, f"acknowledged before the cut but lost: {missing}"
    unexpected = set(titles) - set(acknowledged) - set(attempted)
    assert not unexpected, f"tasks nobody asked for: {unexpected}"

    # And it goes on: the next number, the same conversation with its history.
    added = await client.post(user.path("/tasks"), json={"title": "after"}, headers=user.headers)
    assert added.status_code == 201, added.text
    assert added.json()["id"] == len(titles) + 1
    await chat_ok(client, user, "add grind coffee beans", conversation)
    said = [text for role, text in await history(client, user, conversation) if role == "user"]
    assert said[0] == "add buy green tea" and said[-1] == "add grind coffee beans"
    assert recovered_in < RECOVERY_S


async def _true(value: bool) -> bool:
    return value


# -- 2. the model fails ----------------------------------------------------------------------


@dataclass
class ModelStack:
    server: ServerProcess
    fake: AgentFake
    database_url: str


@pytest.fixture(scope="module")
def model_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModelStack]:
    """One server on the Agents SDK model and the fake, shared by the model-failure tests
    (each registers its own user and scripts the fake itself)."""
    with postgres_database() as database_url, agent_fake() as fake:
        cwd = tmp_path_factory.mktemp("model")
        with ServerProcess(cwd=cwd, env=env_for(database_url, **model_env(fake))) as server:
            yield ModelStack(server, fake, database_url)


@pytest.fixture
def stack(model_stack: ModelStack) -> Iterator[ModelStack]:
    model_stack.fake.script.clear()
    model_stack.fake.requests.clear()
    yield model_stack
    model_stack.fake.script.clear()


def turn_requests(fake: AgentFake, message: str) -> list[dict[str, Any]]:
    """The model requests made for the turn whose new user message is ``message``."""
    return [r for r in list(fake.requests) if last_user_text(r) == message]


async def test_a_burst_of_429s_shorter_than_the_retry_budget_is_absorbed(stack: ModelStack) -> None:
    async with client_of(stack.server) as client:
        user = await register(client)
        stack.fake.script += [Reply(status=429, retry_after="0.2")] * 2
        started = time.monotonic()
        response = await chat(client, user, "add water the plants")
        took = time.monotonic() - started
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["response"] == "Added task 1: water the plants."
        assert [call["result"]["title"] for call in body["tool_calls"]] == ["water the plants"]
        # Two refusals, then the tool call (its result is the reply): the first model call was
        # retried twice, waiting as Retry-After asked.
        assert len(turn_requests(stack.fake, "add water the plants")) == 3
        assert took >= 0.4
        assert await task_titles(client, user) == ["water the plants"]
        assert await history(client, user, body["conversation_id"]) == [
            ("user", "add water the plants"),
            ("assistant", "Added task 1: water the plants."),
        ]


async def assert_failed_turn_then_recovery(
    client: httpx.AsyncClient, stack: ModelStack, user: User, conversation: str, failed: str
) -> None:
    """After a failed turn: the message is kept, no half reply, and the next turn works."""
    assert await history(client, user, conversation) == [
        ("user", "add first"),
        ("assistant", "Added task 1: first."),
        ("user", failed),
    ]
    assert await task_titles(client, user) == ["first"]
    stack.fake.script.clear()  # the model behaves again
    response = await chat(client, user, "add second", conversation)
    assert response.status_code == 200, response.text
    assert response.json()["response"] == "Added task 2: second."
    assert await history(client, user, conversation) == [
        ("user", "add first"),
        ("assistant", "Added task 1: first."),
        ("user", failed),
        ("user", "add second"),
        ("assistant", "Added task 2: second."),
    ]
    # The kept message is part of what the model saw next.
    assert user_texts(turn_requests(stack.fake, "add second")[0]) == ["add first", failed, "add second"]
    (await read_stored(stack.database_url)).assert_consistent()


async def test_500s_beyond_the_retry_budget_are_503_and_keep_the_message(stack: ModelStack) -> None:
    async with client_of(stack.server) as client:
        user = await register(client)
        conversation = await chat_ok(client, user, "add first")
        stack.fake.script += [Reply(status=500)] * 3  # LLM_MAX_ATTEMPTS
        failed = "add doomed by the outage"
        response = await chat(client, user, failed, conversation)
        assert (response.status_code, error_code(response)) == (503, "LLM_UNAVAILABLE"), response.text
        assert "fake error" not in response.text
        assert len(turn_requests(stack.fake, failed)) == 3
        await assert_failed_turn_then_recovery(client, stack, user, conversation, failed)


async def test_a_model_that_hangs_is_503_within_a_bounded_time(stack: ModelStack) -> None:
    async with client_of(stack.server) as client:
        user = await register(client)
        conversation = await chat_ok(client, user, "add first")
        # Every attempt hangs past LLM_TIMEOUT=1 s (the fake answers long after the client left).
        stack.fake.script += [Reply(text="too late", hang=2.5)] * 3
        failed = "add stuck behind a silent model"
        started = time.monotonic()
        response = await chat(client, user, failed, conversation)
        took = time.monotonic() - started
        assert (response.status_code, error_code(response)) == (503, "LLM_UNAVAILABLE"), response.text
        # 3 attempts of 1 s, two backoffs of at most 0.5 s and 1 s: well under 10 s on a busy machine.
        assert 2.5 <= took < 10, took
        assert len(turn_requests(stack.fake, failed)) == 3
        await assert_failed_turn_then_recovery(client, stack, user, conversation, failed)


async def test_a_model_failure_in_a_stream_is_an_error_event_and_keeps_the_message(stack: ModelStack) -> None:
    async with client_of(stack.server) as client:
        user = await register(client)
        conversation = await chat_ok(client, user, "add first")
        stack.fake.script += [Reply(status=500)] * 3
        failed = "add streamed into an outage"
        response = await client.post(
            user.path("/chat/stream"),
            json={"message": failed, "conversation_id": conversation},
            headers=user.headers,
        )
        assert response.status_code == 200
        assert "event: error" in response.text and "LLM_UNAVAILABLE" in response.text, response.text
        assert "event: done" not in response.text
        await assert_failed_turn_then_recovery(client, stack, user, conversation, failed)


# -- 3. kill -9 in the middle of chat turns --------------------------------------------------


async def test_kill_9_during_turns_leaves_no_half_turns_and_the_conversation_goes_on(
    tmp_path: Path, postgres_url: str
) -> None:
    with agent_fake() as fake:
        # Hangs far shorter than the model timeout: the turns are still waiting when the kill comes.
        fake.hang_before_tool["slow-first"] = 8.0
        fake.hang_after_tool["slow-reply"] = 8.0
        # LLM_REPLY_AFTER_CHANGE=model: a model call after the tool, so a turn can be caught
        # between its committed change and its reply.
        env = env_for(postgres_url, **model_env(fake, LLM_TIMEOUT="10", LLM_REPLY_AFTER_CHANGE="model"))
        first = ServerProcess(cwd=tmp_path, env=env)
        async with running(first), client_of(first) as client:
            user, conversations, acknowledged = await turns_then_kill(client, first, fake)
        assert first.returncode == -signal.SIGKILL

        stored = await read_stored(postgres_url)
        stored.assert_consistent()
        on_disk = stored.titles(user)
        assert all(title in on_disk for title in acknowledged), (acknowledged, on_disk)
        # The turn stuck before its tool call: only the message. The one stuck after it: the
        # message and the task, once, and no reply.
        assert stored.conversations[conversations["slow-first"]] == [
            ("user", "add base 0"),
            ("assistant", "Added task 1: base 0."),
            ("user", "add slow-first task"),
        ]
        assert "slow-first task" not in on_disk
        assert stored.conversations[conversations["slow-reply"]] == [
            ("user", "add base 1"),
            ("assistant", "Added task 2: base 1."),
            ("user", "add slow-reply task"),
        ]
        assert on_disk.count("slow-reply task") == 1

        # A new process on the same database carries on where the old one died.
        fake.hang_before_tool.clear()
        fake.hang_after_tool.clear()
        second = ServerProcess(cwd=tmp_path, env=env, args=["--no-migrate"])
        async with running(second), client_of(second) as client:
            conversation = conversations["slow-reply"]
            reply = await chat(client, user, "add after the crash", conversation)
            assert reply.status_code == 200, reply.text
            assert reply.json()["response"] == f"Added task {len(on_disk) + 1}: after the crash."
            seen = user_texts(turn_requests(fake, "add after the crash")[0])
            assert seen == ["add base 1", "add slow-reply task", "add after the crash"]
            said = await history(client, user, conversation)
            assert said[-3:] == [
                ("user", "add slow-reply task"),
                ("user", "add after the crash"),
                ("assistant", f"Added task {len(on_disk) + 1}: after the crash."),
            ]
            assert await task_titles(client, user) == [*on_disk, "after the crash"]
        (await read_stored(postgres_url)).assert_consistent()


async def turns_then_kill(
    client: httpx.AsyncClient, server: ServerProcess, fake: AgentFake
) -> tuple[User, dict[str, str], list[str]]:
    user = await register(client)
    conversations = {
        "slow-first": await chat_ok(client, user, "add base 0"),
        "slow-reply": await chat_ok(client, user, "add base 1"),
    }
    acknowledged = ["base 0", "base 1"]
    killed = asyncio.Event()

    async def storm(worker: int) -> None:
        own: str | None = None
        n = 0
        while not killed.is_set():
            title = f"storm {worker} {n}"
            n += 1
            try:
                response = await chat(client, user, f"add {title}", own)
            except httpx.TransportError:
                return  # the server died under this turn
            assert response.status_code == 200, response.text
            own = response.json()["conversation_id"]
            acknowledged.append(title)

    async def stuck(key: str) -> None:
        with pytest.raises(httpx.TransportError):
            await chat(client, user, f"add {key} task", conversations[key])

    flying = [asyncio.create_task(stuck("slow-first")), asyncio.create_task(stuck("slow-reply"))]
    flying += [asyncio.create_task(storm(w)) for w in range(4)]
    try:

        async def both_stuck() -> bool:
            before = fake.saw(lambda r: last_user_text(r) == "add slow-first task")
            after = fake.saw(
                lambda r: last_user_text(r) == "add slow-reply task" and r["messages"][-1]["role"] == "tool"
            )
            return before and after and len(acknowledged) >= 12

        await eventually(both_stuck, 20, "both slow turns waiting on the model, storm turns done")
        assert server.process is not None
        server.process.kill()
        await asyncio.to_thread(server.process.wait, 10)
    finally:
        killed.set()
        ended = await asyncio.gather(*flying, return_exceptions=True)
    raise_first(ended)
    return user, conversations, acknowledged


# -- 4. graceful shutdown --------------------------------------------------------------------


async def test_sigterm_lets_the_turn_in_flight_finish_and_exits_0(tmp_path: Path, postgres_url: str) -> None:
    with agent_fake() as fake:
        fake.hang_after_tool["slow-reply"] = 3.0
        # A model call after the tool (LLM_REPLY_AFTER_CHANGE=model): the stop comes between them.
        env = env_for(postgres_url, **model_env(fake, LLM_TIMEOUT="10", LLM_REPLY_AFTER_CHANGE="model"))
        server = ServerProcess(cwd=tmp_path, env=env)
        async with running(server):
            assert server.process is not None
            async with client_of(server) as client:
                user = await register(client)
                turn = asyncio.create_task(chat(client, user, "add slow-reply before the stop"))
                await eventually(
                    lambda: _true(fake.saw(lambda r: r["messages"][-1]["role"] == "tool")),
                    15,
                    "the turn waiting on the model",
                )
                server.process.send_signal(signal.SIGTERM)
                stopped_at = time.monotonic()

                async def refuses_new_connections() -> bool:
                    try:
                        async with httpx.AsyncClient(timeout=1) as other:
                            await other.get(server.url + "/health")
                    except httpx.TransportError:
                        return True
                    return False

                await eventually(refuses_new_connections, 2.5, "new connections refused once stopping")
                assert not turn.done(), "refused while the turn was still in flight"
                response = await asyncio.wait_for(turn, 15)
            assert response.status_code == 200, response.text
            assert response.json()["response"] == "Added task 1: slow-reply before the stop."
            code = await asyncio.to_thread(server.process.wait, 15)
            exited_in = time.monotonic() - stopped_at
        assert code == 0, server.logs[-2000:]
        assert exited_in < 12  # the turn took ~3 s; the grace period is 30 s
        stored = await read_stored(postgres_url)
        stored.assert_consistent()
        assert list(stored.conversations.values()) == [
            [("user", "add slow-reply before the stop"), ("assistant", "Added task 1: slow-reply before the stop.")]
        ]
        assert stored.titles(user) == ["slow-reply before the stop"]
