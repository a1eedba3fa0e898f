"""Issue 15 against a real ``todo-chat serve``: proxy headers, sign-in limits, password hashing
that no longer stalls everyone, and the HTTP deadlines of the served process.

Each of these broke in the outside attack run on main at 0640587.
"""

from __future__ import annotations

import asyncio
import secrets
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reliability.attack_support import Live, assert_error, live_server

pytestmark = [pytest.mark.reliability]

PASSWORD = "correct horse battery"


def register(client: httpx.Client, email: str, **headers: str) -> httpx.Response:
    return client.post("/api/auth/register", json={"email": email, "password": PASSWORD}, headers=headers)


def login(client: httpx.Client, email: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    return client.post("/api/auth/login", json={"email": email, "password": password}, headers=headers)


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    env = {"LOGIN_RATE_LIMIT": "3/minute", "AUTH_CLIENT_RATE_LIMIT": "100/minute"}
    with live_server(tmp_path_factory.mktemp("edge-limited"), env) as served:
        yield served


# ------------------------------------------------------------------------------- proxy headers


def test_x_forwarded_for_does_not_reset_the_login_limit(limited: Live) -> None:
    """Before: the 4th attempt was 429, the right password with a made-up X-Forwarded-For a 200."""
    with limited.client() as client:
        assert register(client, "xff@example.com").status_code == 201  # counts as one attempt
        for _ in range(2):
            assert_error(login(client, "xff@example.com", "wrong password"), 401)
        assert_error(login(client, "xff@example.com"), 429, "RATE_LIMITED")
        for fresh in ("203.0.113.9", "198.51.100.7", "192.0.2.1"):
            assert_error(login(client, "xff@example.com", **{"X-Forwarded-For": fresh}), 429, "RATE_LIMITED")


def test_x_forwarded_for_counts_from_a_trusted_proxy(tmp_path: Path) -> None:
    env = {"LOGIN_RATE_LIMIT": "2/minute", "TRUSTED_PROXIES": "127.0.0.1/32"}
    with live_server(tmp_path, env) as live, live.client() as proxy:
        assert register(proxy, "behind@example.com", **{"X-Forwarded-For": "203.0.113.1"}).status_code == 201
        assert login(proxy, "behind@example.com", **{"X-Forwarded-For": "203.0.113.1"}).status_code == 200
        assert_error(login(proxy, "behind@example.com", **{"X-Forwarded-For": "203.0.113.1"}), 429)
        # Another client behind the same proxy has its own budget.
        assert login(proxy, "behind@example.com", **{"X-Forwarded-For": "203.0.113.2"}).status_code == 200


# ------------------------------------------------------------------------------ sign-in limits


def test_registration_is_limited_per_email_like_login(limited: Live) -> None:
    """The 409 for a taken email is an oracle: probing it is as slow as guessing a password."""
    with limited.client() as client:
        assert register(client, "taken@example.com").status_code == 201
        for _ in range(2):
            assert_error(register(client, "taken@example.com"), 409)
        assert_error(register(client, "taken@example.com"), 429, "RATE_LIMITED")


def test_sign_in_attempts_are_limited_per_client_across_emails(tmp_path: Path) -> None:
    with live_server(tmp_path, {"AUTH_CLIENT_RATE_LIMIT": "4/minute"}) as live, live.client() as client:
        answers = [register(client, f"spray{i}@example.com").status_code for i in range(3)]
        answers += [login(client, f"nobody{i}@example.com").status_code for i in range(3)]
        assert answers == [201, 201, 201, 401, 429, 429]


# --------------------------------------------------------------------------- hashing stalls


def test_concurrent_sign_ins_do_not_stall_other_users(tmp_path: Path) -> None:
    """Before: 20 concurrent logins with unknown emails made another user's list take seconds
    (argon2 ran on the event loop). Now hashing runs in threads, a few at a time."""
    env = {"LOGIN_RATE_LIMIT": "off", "AUTH_CLIENT_RATE_LIMIT": "off"}
    with live_server(tmp_path, env) as live:

        async def run() -> tuple[list[float], list[int]]:
            async with live.async_client(timeout=180) as anonymous, live.async_client("bystander") as user:
                await user.get("/api/bystander/tasks")  # warm
                stop = asyncio.Event()

                async def storm() -> list[int]:
                    logins = [
                        anonymous.post("/api/auth/login", json={"email": f"u{i}@example.com", "password": "x" * 12})
                        for i in range(20)
                    ]
                    answers = await asyncio.gather(*logins)
                    stop.set()
                    return [r.status_code for r in answers]

                async def probe() -> list[float]:
                    took: list[float] = []
                    while not stop.is_set():
                        started = time.perf_counter()
                        assert (await user.get("/api/bystander/tasks")).status_code == 200
                        took.append(time.perf_counter() - started)
                        await asyncio.sleep(0.02)
                    return took

                storm_task = asyncio.create_task(storm())
                latencies = await probe()
                return latencies, await storm_task

        latencies, statuses = asyncio.run(run())
    assert set(statuses) <= {401, 429} and 401 in statuses, statuses
    assert len(latencies) >= 3, latencies
    # Before: 2.9 s on a quiet machine, 12.9 s on a busy one. After, on a 2-core machine shared
    # with other test runs: median ~0.1 s, worst 0.4-0.6 s (CPU contention, not a blocked loop).
    assert max(latencies) < 1.0, sorted(latencies)[-5:]
    assert sorted(latencies)[len(latencies) // 2] < 0.25, sorted(latencies)


# ----------------------------------------------------------------------------- HTTP deadlines


@pytest.fixture(scope="module")
def deadlines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    env = {"HTTP_HEADER_TIMEOUT": "2", "HTTP_BODY_TIMEOUT": "2", "HTTP_KEEP_ALIVE_TIMEOUT": "2"}
    with live_server(tmp_path_factory.mktemp("edge-deadlines"), env) as served:
        yield served


def read_until_closed(sock: socket.socket, limit: float) -> tuple[bytes, float]:
    started = time.monotonic()
    sock.settimeout(limit)
    data = b""
    while True:
        chunk = sock.recv(4096)
        if not chunk:
            return data, time.monotonic() - started
        data += chunk


def test_a_body_sent_a_byte_a_second_is_cut_off(deadlines: Live) -> None:
    sock = socket.create_connection(("127.0.0.1", deadlines.server.port))
    with sock:
        sock.sendall(
            b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Content-Length: 200\r\n\r\n{"
        )
        started = time.monotonic()
        closed = False
        answer = b""
        while time.monotonic() - started < 8:
            # Read what the server said before sending more: a byte sent after its 408 and
            # close draws a reset that would discard the 408 still unread.
            # Waiting up to 0.5 s for it (not polling) leaves only a microsecond's window for that race.
            readable, _, _ = select.select([sock], [], [], 0.5)
            if not readable:
                try:
                    sock.sendall(b" ")
                except OSError:
                    closed = True
                    break
            sock.settimeout(1)
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                closed = True
                break
            answer += chunk
        took = time.monotonic() - started
    assert closed or answer, "still open after 8 s"
    assert took < 5, took
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b'"REQUEST_TIMEOUT"' in answer


def test_slow_headers_and_idle_connections_are_closed(deadlines: Live) -> None:
    port = deadlines.server.port
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(50)]
    slow = socket.create_connection(("127.0.0.1", port))
    try:
        slow.sendall(b"GET /health HTTP/1.1\r\nHost: 127")
        data, took = read_until_closed(slow, 8)
        assert took < 5 and data.startswith(b"HTTP/1.1 408"), (took, data[:100])
        for sock in idle:
            _, took = read_until_closed(sock, 8)
            assert took < 5
    finally:
        for sock in [*idle, slow]:
            sock.close()
    # ... and the server still answers.
    with deadlines.client() as client:
        assert client.get("/health").status_code == 200


def test_two_authorization_headers_are_refused(deadlines: Live) -> None:
    token = deadlines.token("alice")
    sock = socket.create_connection(("127.0.0.1", deadlines.server.port))
    with sock:
        sock.sendall(
            b"GET /api/alice/tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            + f"Authorization: Bearer {token}\r\nAuthorization: Bearer {secrets.token_hex(8)}\r\n\r\n".encode()
        )
        data, _ = read_until_closed(sock, 10)
    assert data.startswith(b"HTTP/1.1 400"), data[:300]
    assert b'"Authorization"' in data
