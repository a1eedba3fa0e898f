"""Issue 15, the HTTP edge: text the database cannot store, NUL in paths, non-JSON error bodies,
unbounded tool integers, duplicated credentials and non-numeric token dates.

Each test failed on main at 0640587 (the outside attack suite's findings) and passes now.
On the memory store NUL was silently accepted; on PostgreSQL the same request was a 500.
"""

from __future__ import annotations

import json
import time
from typing import Any

import jwt
import pytest

from adapters.memory.store import MemoryStore
from adapters.security.jwt import JwtVerifier
from application.errors import Unauthorized
from application.tools import ListTasksArgs, ToolCatalogue, is_error
from application.use_cases.tasks import TaskUseCases
from tests.doubles import FakeClock
from tests.integration.http.conftest import ALICE, SECRET, Api, error_of

TASKS = f"/api/{ALICE}/tasks"
NUL_TEXTS = ["a\x00b", "\x00", "trailing\x00"]


def assert_field_refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = error_of(response)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"][0]["field"] == field, error


# ------------------------------------------------------------------ text the database cannot store


@pytest.mark.parametrize("text", NUL_TEXTS)
async def test_nul_in_any_task_field_is_400_naming_it_and_stores_nothing(api: Api, text: str) -> None:
    assert_field_refused(await api.post(TASKS, json={"title": text}), "title")
    assert_field_refused(await api.post(TASKS, json={"title": "ok", "description": text}), "description")
    task = await api.add_task(title="kept as it was")
    path = f"{TASKS}/{task['id']}"
    assert_field_refused(await api.request("PATCH", path, json={"title": text}), "title")
    assert_field_refused(await api.request("PUT", path, json={"title": "x", "description": text}), "description")
    listed = (await api.get(TASKS)).json()
    assert [t["title"] for t in listed["data"]] == ["kept as it was"]


@pytest.mark.parametrize("text", NUL_TEXTS)
async def test_nul_in_a_chat_message_or_timezone_is_400(api: Api, text: str) -> None:
    assert_field_refused(await api.post(f"/api/{ALICE}/chat", json={"message": text}), "message")
    assert_field_refused(await api.post(f"/api/{ALICE}/chat", json={"message": "hi", "timezone": text}), "timezone")
    assert_field_refused(await api.post(f"/api/{ALICE}/chat/stream", json={"message": text}), "message")
    assert (await api.get(f"/api/{ALICE}/conversations")).json()["total"] == 0


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/auth/register", {"email": "a\x00@example.com", "password": "password123"}, "email"),
        ("/api/auth/register", {"email": "a@example.com", "password": "password\x00123"}, "password"),
        ("/api/auth/register", {"email": "a@example.com", "password": "password123", "name": "A\x00"}, "name"),
        ("/api/auth/login", {"email": "a\x00@example.com", "password": "password123"}, "email"),
        ("/api/auth/login", {"email": "a@example.com", "password": "x\x00"}, "password"),
    ],
)
async def test_nul_in_register_or_login_is_400(api: Api, path: str, body: dict[str, str], field: str) -> None:
    assert_field_refused(await api.post(path, user=None, json=body), field)


@pytest.mark.parametrize("query", ["q=a%00b", "q=%00", "q=%ed%a0%80", "q=%ff", "sort=%00id", "limit=1%00", "x%00=1"])
async def test_nul_or_non_utf8_in_any_query_parameter_is_400(api: Api, query: str) -> None:
    for path in (TASKS, f"/api/{ALICE}/conversations"):
        response = await api.get(f"{path}?{query}")
        assert response.status_code == 400, (path, query, response.text)
        assert error_of(response)["code"] == "VALIDATION_ERROR"


async def test_ordinary_unicode_queries_still_work(api: Api) -> None:
    await api.add_task(title="café ☕ 日本")
    response = await api.get(f"{TASKS}?q=caf%C3%A9")
    assert response.status_code == 200 and response.json()["total"] == 1


# ------------------------------------------------------------------------- NUL in a static path


@pytest.mark.parametrize("path", ["/%00", "/app.js%00", "/x%00y", "/schema/%00", "/api/alice/tasks/%00"])
async def test_nul_in_any_path_is_a_json_404(api: Api, path: str) -> None:
    response = await api.get(path, user=None)
    assert response.status_code == 404, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert error_of(response)["code"] == "NOT_FOUND"


# ------------------------------------------------------------------------------ JSON errors only


@pytest.mark.parametrize("path", ["/schema/nonexistent", "/schema/openapi.nope", "/no-such-file.js"])
async def test_every_error_is_the_json_error_body(api: Api, path: str) -> None:
    response = await api.get(path, user=None)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert error_of(response)["code"] == "NOT_FOUND"


async def test_a_head_error_has_no_body(api: Api) -> None:
    response = await api.request("HEAD", "/schema/nonexistent", user=None)
    assert response.status_code >= 400 and response.content == b""


# ----------------------------------------------------------------------------- MCP tool arguments


@pytest.fixture
def catalogue() -> ToolCatalogue:
    return ToolCatalogue(TaskUseCases(MemoryStore().unit_of_work, FakeClock()), FakeClock())


@pytest.mark.parametrize(
    "arguments",
    [
        {"offset": 9223372036854775808},
        {"offset": 1_000_000_001},
        {"limit": 101},
        {"q": "a\x00b"},
        {"q": "lone \ud800"},
    ],
)
async def test_tool_arguments_are_bounded_and_storable(catalogue: ToolCatalogue, arguments: dict[str, Any]) -> None:
    call = await catalogue.bind(ALICE).call("list_tasks", arguments)
    assert is_error(call) and str(call.result["error"]).startswith("Invalid arguments"), call.result


async def test_nul_in_a_tool_title_is_refused_and_nothing_is_added(catalogue: ToolCatalogue) -> None:
    tools = catalogue.bind(ALICE)
    assert is_error(await tools.call("add_task", {"title": "milk\x00"}))
    assert (await tools.call("list_tasks", {})).result["total"] == 0


def test_every_integer_in_the_tool_schemas_has_both_bounds() -> None:
    """An unbounded integer reaches the database as a 64-bit overflow ("failed unexpectedly")."""
    from application.tools import TOOLS

    def integers(schema: Any) -> list[dict[str, Any]]:
        if isinstance(schema, dict):
            found = [schema] if schema.get("type") == "integer" else []
            return found + [i for v in schema.values() for i in integers(v)]
        if isinstance(schema, list):
            return [i for v in schema for i in integers(v)]
        return []

    for spec in TOOLS:
        for integer in integers(spec.input_schema):
            assert "minimum" in integer and "maximum" in integer, (spec.name, integer)
    assert ListTasksArgs.__struct_fields__  # the shape the schema came from


# --------------------------------------------------------------------------- credentials


async def asgi_get(api: Api, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    """Straight into the ASGI app: the test client would join repeated headers into one."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
        "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(b"host", b"testserver"), *headers], "client": ("127.0.0.1", 1), "server": ("testserver", 80),
    }
    await api.app(scope, receive, send)  # type: ignore[arg-type]
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


async def test_two_authorization_headers_are_400(api: Api) -> None:
    good = jwt.encode({"sub": ALICE, "exp": int(time.time()) + 60}, SECRET, algorithm="HS256").encode()
    one = await asgi_get(api, TASKS, [(b"authorization", b"Bearer " + good)])
    assert one[0] == 200
    status, body = await asgi_get(api, TASKS, [(b"authorization", b"Bearer " + good), (b"authorization", b"Bearer x")])
    assert status == 400, body
    assert json.loads(body)["error"]["details"][0]["field"] == "Authorization"


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": str(int(time.time()) + 3600)},
        {"exp": int(time.time()) + 3600, "iat": str(int(time.time()))},
        {"exp": int(time.time()) + 3600, "nbf": "0"},
        {"exp": True},
    ],
)
def test_registered_dates_must_be_numbers(claims: dict[str, Any]) -> None:
    token = jwt.encode({"sub": ALICE, **claims}, SECRET, algorithm="HS256")
    with pytest.raises(Unauthorized):
        JwtVerifier(SECRET).verify(token)
