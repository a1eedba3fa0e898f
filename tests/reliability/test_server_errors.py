"""What uvicorn itself answers, as the error body: past ``HTTP_MAX_CONNECTIONS`` (it said
``503 Service Unavailable`` in plain text) and for a request it cannot parse (``400 Invalid
HTTP request received.``), against a real ``todo-chat serve``."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from tests.reliability.attack_support import Live, live_server

pytestmark = [pytest.mark.reliability]


@pytest.fixture(scope="module")
def two_connections(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    with live_server(tmp_path_factory.mktemp("two-connections"), {"HTTP_MAX_CONNECTIONS": "2"}) as served:
        yield served


def exchange(port: int, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send ``request`` on a fresh connection, read until the server closes it or answers in full."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":", 1)[1])
    return 1 << 30


def error_of(headers: dict[str, str], body: bytes) -> dict[str, object]:
    assert headers["content-type"].startswith("application/json"), headers
    parsed = json.loads(body)
    assert set(parsed) == {"error"} and set(parsed["error"]) == {"code", "message", "details"}, parsed
    return dict(parsed["error"])


HEALTH = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def test_past_the_connection_limit_the_503_is_the_error_body(two_connections: Live) -> None:
    port = two_connections.server.port
    assert exchange(port, HEALTH)[0] == 200  # alone: under the limit
    idle = socket.create_connection(("127.0.0.1", port))  # holds one of the two
    try:
        time.sleep(0.3)
        status, headers, body = exchange(port, HEALTH)
        assert status == 503, body
        error = error_of(headers, body)
        assert error["code"] == "SERVICE_UNAVAILABLE" and error["details"] is None
        assert headers["retry-after"] == "1" and headers["connection"] == "close"
    finally:
        idle.close()
    time.sleep(0.3)
    assert exchange(port, HEALTH)[0] == 200  # the connection gone, the next one is served


def test_a_request_that_does_not_parse_gets_the_error_body(two_connections: Live) -> None:
    status, headers, body = exchange(two_connections.server.port, b"NOT HTTP AT ALL\x01\r\n\r\n")
    assert status == 400, body
    assert error_of(headers, body)["code"] == "BAD_REQUEST"
    assert headers["connection"] == "close"
