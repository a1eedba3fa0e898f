"""Abuse of a live ``todo-chat serve`` (SQLite, offline model): rate limits, body limits, hostile
input, random JSON, and what the log keeps.

Whatever arrives, the answer is never a 5xx: a 4xx with the DESIGN.md error body, no stack
trace and nothing from the database driver; what is accepted is stored and given back as sent.
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Iterator

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.reliability.attack_support import Live, assert_error, assert_no_leak, check_error_body, live_server

pytestmark = [pytest.mark.reliability]

JSON = {"Content-Type": "application/json"}
USER = "mallory"


# Plain titles: this test is about the limit, not about reading ("errand 1" reads as a task number).
ERRANDS = ["buy stamps", "call the plumber", "water the ferns"]


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Limits high enough that only the limits tests ever meet them."""
    workdir = tmp_path_factory.mktemp("abuse")
    env = {"CHAT_RATE_LIMIT": "100000/minute", "LOGIN_RATE_LIMIT": "off"}
    with live_server(workdir, env) as served:
        yield served


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    workdir = tmp_path_factory.mktemp("abuse-limited")
    with live_server(workdir, {"CHAT_RATE_LIMIT": "3/minute", "LOGIN_RATE_LIMIT": "3/minute"}) as served:
        yield served


@pytest.fixture(scope="module")
def http(live: Live) -> Iterator[httpx.Client]:
    with live.client(USER) as client:
        yield client


def total_tasks(http: httpx.Client, user: str = USER) -> int:
    response = http.get(f"/api/{user}/tasks")
    assert response.status_code == 200, response.text
    return int(response.json()["total"])


# --------------------------------------------------------------------------- rate limits


def test_chat_over_the_limit_is_429_with_retry_after_for_that_user_only(limited: Live) -> None:
    with limited.client("rl-alice") as alice, limited.client("rl-bob") as bob:
        for n in range(3):
            ok = alice.post("/api/rl-alice/chat", json={"message": f"add {ERRANDS[n]}"})
            assert ok.status_code == 200, ok.text
        over = alice.post("/api/rl-alice/chat", json={"message": "add one too many"})
        error = assert_error(over, 429, "RATE_LIMITED")
        retry_after = int(over.headers["Retry-After"])
        assert 1 <= retry_after <= 60
        assert error["details"] == {"retry_after": retry_after}
        # The stream is the same turn under the same limit: a JSON error before any event.
        streamed = alice.post("/api/rl-alice/chat/stream", json={"message": "add sneaky"})
        assert_error(streamed, 429, "RATE_LIMITED")
        assert streamed.headers["content-type"].startswith("application/json")

        # Refused turns left nothing behind: three conversations, three tasks.
        assert alice.get("/api/rl-alice/conversations").json()["total"] == 3
        titles = [t["title"] for t in alice.get("/api/rl-alice/tasks").json()["data"]]
        assert titles == ERRANDS
        # The limit is on chat turns, not on the REST API.
        assert alice.post("/api/rl-alice/tasks", json={"title": "by hand"}).status_code == 201

        # Another user is not affected.
        other = bob.post("/api/rl-bob/chat", json={"message": "add bob's task"})
        assert other.status_code == 200, other.text


def test_login_attempts_over_the_limit_are_429_even_with_the_right_password(limited: Live) -> None:
    with limited.client() as anonymous:
        password = secrets.token_urlsafe(16)
        for email in ("victim@example.com", "bystander@example.com"):
            made = anonymous.post("/api/auth/register", json={"email": email, "password": password})
            assert made.status_code == 201, made.text
        for _ in range(2):  # registering was the first attempt for the victim's address
            wrong = anonymous.post(
                "/api/auth/login", json={"email": "victim@example.com", "password": "guess-" + secrets.token_hex(4)}
            )
            assert_error(wrong, 401, "UNAUTHORIZED")
        blocked = anonymous.post("/api/auth/login", json={"email": "Victim@Example.com ", "password": password})
        error = assert_error(blocked, 429, "RATE_LIMITED")
        assert int(blocked.headers["Retry-After"]) >= 1
        assert error["details"]["retry_after"] == int(blocked.headers["Retry-After"])
        assert "token" not in blocked.json()
        # Someone else logging in from the same address is not locked out.
        fine = anonymous.post("/api/auth/login", json={"email": "bystander@example.com", "password": password})
        assert fine.status_code == 200, fine.text
        assert set(fine.json()) == {"user_id", "token", "expires_at"}


# --------------------------------------------------------------------------- body limits


def test_an_oversized_body_is_413_and_stores_nothing(live: Live, http: httpx.Client) -> None:
    before = total_tasks(http)
    body = json.dumps({"title": "x" * (70 * 1024)}).encode()
    response = http.post(f"/api/{USER}/tasks", content=body, headers=JSON)
    assert_error(response, 413, "PAYLOAD_TOO_LARGE")

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit holds on bytes received
        yield b'{"title": "'
        for _ in range(80):
            yield b"y" * 1024
        yield b'"}'

    chunked = http.post(f"/api/{USER}/tasks", content=chunks(), headers=JSON)
    assert "content-length" not in chunked.request.headers
    assert_error(chunked, 413, "PAYLOAD_TOO_LARGE")
    assert total_tasks(http) == before


def test_a_two_megabyte_chat_message_is_a_clean_4xx(live: Live, http: httpx.Client) -> None:
    before = http.get(f"/api/{USER}/conversations").json()["total"]
    huge = http.post(f"/api/{USER}/chat", json={"message": "add " + "z" * (2 * 1024 * 1024)})
    assert huge.status_code in {413, 400, 422}, huge.text[:300]
    error = assert_error(huge)
    if huge.status_code != 413:
        assert "message" in json.dumps(error)
    # Under the body limit but over the 5,000 characters a message may have: 400 naming the field.
    long = http.post(f"/api/{USER}/chat", json={"message": "m" * 5001})
    error = assert_error(long, 400, "VALIDATION_ERROR")
    assert error["details"][0]["field"] == "message"
    assert http.get(f"/api/{USER}/conversations").json()["total"] == before


# --------------------------------------------------------------------------- hostile strings

VERBATIM = {
    "sql": "'; DROP TABLE tasks; --",
    "sql-or": "\" OR 1=1; DELETE FROM messages WHERE '1'='1",
    "like-wildcards": "100% _done_ \\ %%",
    "rtl-override": "abc\u202edcb\u202c end",
    "arabic-hebrew": "مرحبا שלום mixed",
    "zero-width": "zero\u200bwidth\u200djoin\u2060word\ufeff",
    "emoji-zwj": "family 👩\u200d👩\u200d👧\u200d👦 flag 🏳️\u200d🌈 skin 👍🏽",
    "combining": "Z\u0351\u0362a\u0335\u0358l\u0337g\u0321o e\u0301\u0301\u0301",
    "astral": "𝕳𝖊𝖑𝖑𝖔 𝄞 🀄 \U0010fffd",
    "cjk": "買い物 장보기 购物",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "template": "{{7*7}} ${7*7} %s %n {0} $(rm -rf /)",
    "path": "../../../etc/passwd %2e%2e%2f",
    "json-ish": '{"user_id": "alice", "completed": true}',
}


@pytest.mark.parametrize("text", list(VERBATIM.values()), ids=list(VERBATIM))
def test_hostile_titles_are_stored_and_returned_verbatim(http: httpx.Client, text: str) -> None:
    created = http.post(f"/api/{USER}/tasks", json={"title": text, "description": text})
    assert created.status_code == 201, created.text
    task = created.json()
    assert (task["title"], task["description"]) == (text, text)
    fetched = http.get(f"/api/{USER}/tasks/{task['id']}").json()
    assert (fetched["title"], fetched["description"]) == (text, text)
    found = http.get(f"/api/{USER}/tasks", params={"q": text, "limit": 100})
    assert found.status_code == 200, found.text
    assert task["id"] in [t["id"] for t in found.json()["data"]]
    patched = http.patch(f"/api/{USER}/tasks/{task['id']}", json={"title": text + " 2"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == text + " 2"
    # The table is still there and still answers.
    assert total_tasks(http) >= 1


@pytest.mark.parametrize("text", list(VERBATIM.values()), ids=list(VERBATIM))
def test_hostile_chat_messages_are_stored_verbatim(http: httpx.Client, text: str) -> None:
    reply = http.post(f"/api/{USER}/chat", json={"message": text})
    assert reply.status_code == 200, reply.text
    assert_no_leak(reply.text)
    conversation = reply.json()["conversation_id"]
    detail = http.get(f"/api/{USER}/conversations/{conversation}")
    assert detail.status_code == 200, detail.text
    messages = detail.json()["messages"]["data"]
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == text


def test_nul_bytes_never_reach_storage_and_never_500(http: httpx.Client) -> None:
    created = http.post(f"/api/{USER}/tasks", json={"title": "nul\x00in\x00title", "description": "a\x00b"})
    if created.status_code == 201:
        task = created.json()
        assert "\x00" not in task["title"] and "\x00" not in (task["description"] or "")
        assert http.get(f"/api/{USER}/tasks/{task['id']}").json()["title"] == task["title"]
    else:
        error = assert_error(created, 400, "VALIDATION_ERROR")
        assert error["details"][0]["field"] in {"title", "description"}
    only_nul = http.post(f"/api/{USER}/tasks", json={"title": "\x00\x00"})
    assert assert_error(only_nul, 400, "VALIDATION_ERROR")["details"][0]["field"] == "title"

    reply = http.post(f"/api/{USER}/chat", json={"message": "add\x00 milk\x00"})
    if reply.status_code == 200:
        conversation = reply.json()["conversation_id"]
        messages = http.get(f"/api/{USER}/conversations/{conversation}").json()["messages"]["data"]
        assert all("\x00" not in m["content"] for m in messages)
    else:
        assert_error(reply, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"title": "lone \\ud800 high"}',
        b'{"title": "lone \\udfff low"}',
        b'{"title": "reversed \\udc00\\ud800"}',
        b'{"title": "utf8 surrogate \xed\xa0\x80"}',
        b'{"title": "overlong \xc0\xaf"}',
        b'{"title": "truncated \xf0\x9f"}',
        b'\xef\xbb\xbf{"title": "bom"}',
    ],
    ids=["high", "low", "reversed", "utf8-surrogate", "overlong", "truncated", "bom"],
)
def test_invalid_unicode_is_a_clean_400_or_stored_as_valid_text(http: httpx.Client, raw: bytes) -> None:
    for path in (f"/api/{USER}/tasks", f"/api/{USER}/chat"):
        body = raw.replace(b'"title"', b'"message"') if path.endswith("chat") else raw
        response = http.post(path, content=body, headers=JSON)
        if response.status_code < 300:
            json.dumps(response.json(), ensure_ascii=False).encode("utf-8")  # valid text came back
        else:
            assert_error(response, 400, "VALIDATION_ERROR")


NESTED = b"[" * 10_000 + b"]" * 10_000
NESTED_OBJECTS = b'{"a":' * 10_000 + b"1" + b"}" * 10_000


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", f"/api/{USER}/tasks", NESTED),
        ("POST", f"/api/{USER}/tasks", b'{"title": ' + NESTED + b"}"),
        ("POST", f"/api/{USER}/tasks", NESTED_OBJECTS),
        ("PATCH", f"/api/{USER}/tasks/1", b'{"title": "x", "description": ' + NESTED_OBJECTS + b"}"),
        ("POST", f"/api/{USER}/chat", b'{"message": ' + NESTED + b"}"),
        ("POST", f"/api/{USER}/chat/stream", NESTED_OBJECTS),
        ("POST", "/api/auth/login", NESTED),
        ("POST", "/api/auth/register", b'{"email": ' + NESTED_OBJECTS + b"}"),
    ],
    ids=["tasks", "tasks-field", "tasks-objects", "patch", "chat", "stream", "login", "register"],
)
def test_deeply_nested_json_is_a_400(http: httpx.Client, method: str, path: str, body: bytes) -> None:
    http.post(f"/api/{USER}/tasks", json={"title": "target of the patch"})
    response = http.request(method, path, content=body, headers=JSON)
    error = assert_error(response, 400, "VALIDATION_ERROR")
    assert error["details"][0]["field"] == "body"


def test_deeply_nested_json_rpc_to_mcp_is_a_parse_error(live: Live) -> None:
    headers = {**live.headers(USER), **JSON, "Accept": "application/json, text/event-stream"}
    response = httpx.post(live.url + "/mcp", content=NESTED, headers=headers, timeout=30)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.json()["error"]["code"] == -32700
    assert_no_leak(response.text)


JUNK_TASK_IDS = [
    "..",
    "../..",
    "%2e%2e",
    "%2e%2e%2f%2e%2e",
    "..%2f..%2fetc%2fpasswd",
    "99999999999999999999999",
    str(2**31),
    str(2**63),
    "-1",
    "-99999999999999999999",
    "0",
    "1.5",
    "1e3",
    "0x10",
    "%20",
    "%00",
    "1;DROP%20TABLE%20tasks",
    "1%27%20OR%20%271%27=%271",
    "%F0%9F%98%80",
    "NaN",
    "Infinity",
]
JUNK_CONVERSATION_IDS = [
    "..",
    "%2e%2e%2f%2e%2e",
    "not-a-uuid",
    "00000000-0000-0000-0000-00000000000g",
    "{00000000-0000-0000-0000-000000000000}",
    "0" * 33,
    "a" * 5000,
    "%00",
    "%27%20OR%201=1--",
    str(uuid.uuid4()).upper(),
    str(uuid.uuid4()).replace("-", ""),
    "urn:uuid:" + str(uuid.uuid4()),
]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_junk_task_ids_are_4xx_with_the_error_body(live: Live, method: str) -> None:
    headers = {**live.headers(USER), **JSON}
    body = b'{"title": "x"}' if method in {"PUT", "PATCH"} else None
    for junk in JUNK_TASK_IDS:
        for suffix in ("", "/complete"):
            status, _, raw = live.raw(
                "PATCH" if suffix else method, f"/api/{USER}/tasks/{junk}{suffix}", headers=headers, body=body
            )
            assert 400 <= status < 500, (junk, status, raw[:300])
            check_error_body(raw.decode())


def test_junk_conversation_ids_are_4xx_with_the_error_body(live: Live) -> None:
    headers = {**live.headers(USER), **JSON}
    for junk in JUNK_CONVERSATION_IDS:
        for method in ("GET", "DELETE"):
            status, _, raw = live.raw(method, f"/api/{USER}/conversations/{junk}", headers=headers)
            assert 400 <= status < 500, (junk, status, raw[:300])
            check_error_body(raw.decode())
        for value in (junk, 12345, -1, 10**40, [], {}, True):
            body = json.dumps({"message": "hello", "conversation_id": value}).encode()
            status, _, raw = live.raw("POST", f"/api/{USER}/chat", headers=headers, body=body)
            assert status in {400, 404}, (value, status, raw[:300])
            check_error_body(raw.decode())


@pytest.mark.parametrize(
    "user_segment",
    ["..", "%2e%2e", "..%2f..%2f", "alice%00", "a" * 300, "%27%20OR%201=1--", "%F0%9F%98%80", "*", "alice%2fbob"],
)
def test_junk_user_ids_in_the_path_are_4xx(live: Live, user_segment: str) -> None:
    for path in (f"/api/{user_segment}/tasks", f"/api/{user_segment}/tasks/1", f"/api/{user_segment}/chat"):
        status, _, raw = live.raw("GET", path, headers=live.headers(USER))
        assert 400 <= status < 500, (path, status, raw[:300])
        check_error_body(raw.decode())


def test_junk_query_parameters_are_4xx_or_answered(live: Live, http: httpx.Client) -> None:
    queries = [
        "limit=99999999999999999999",
        "limit=-1",
        "limit=abc",
        "offset=-5",
        "offset=1e10",
        "status=%27;DROP",
        "priority=urgent",
        "due_before=9999-99-99",
        "due_before=0000-00-00",
        "sort=title;DROP%20TABLE%20tasks",
        "sort=-",
        "q=" + "%25" * 200,
        "q=" + "a" * 300,
        "q=%00",
        "limit=1&limit=2",
        "status[]=all",
        "q=%ff%fe",
    ]
    for query in queries:
        status, _, raw = live.raw("GET", f"/api/{USER}/tasks?{query}", headers=live.headers(USER))
        assert status < 500, (query, status, raw[:300])
        if status >= 400:
            check_error_body(raw.decode())
        else:
            assert set(json.loads(raw)) == {"data", "total", "limit", "offset"}


# --------------------------------------------------------------------------- random JSON

FIELDS = [
    "title",
    "description",
    "priority",
    "due_date",
    "completed",
    "message",
    "conversation_id",
    "timezone",
    "email",
    "password",
    "name",
    "user_id",
    "id",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
    | st.sampled_from(
        [
            "high",
            "low",
            "medium",
            "2026-01-01",
            "9999-12-31",
            "0001-01-01",
            "UTC",
            "Europe/Paris",
            "add milk",
            "list my tasks",
            "delete everything",
            str(uuid.uuid4()),
        ]
    )
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = (
    st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=5).map(lambda d: json.dumps(d).encode())
    | json_values.map(lambda v: json.dumps(v).encode())
    | st.binary(max_size=64)
    | st.text(max_size=64).map(lambda t: t.encode("utf-8", "surrogatepass"))
)
ROUTES = [
    ("POST", "/api/{user}/tasks"),
    ("PUT", "/api/{user}/tasks/1"),
    ("PATCH", "/api/{user}/tasks/1"),
    ("PATCH", "/api/{user}/tasks/2/complete"),
    ("DELETE", "/api/{user}/tasks/3"),
    ("POST", "/api/{user}/chat"),
    ("POST", "/api/{user}/chat/stream"),
    ("POST", "/api/auth/login"),
]
FUZZ_USER = "fuzz"


@settings(max_examples=150, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(route=st.sampled_from(ROUTES), body=bodies, content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_random_bodies_never_5xx(
    fuzz_client: httpx.Client, route: tuple[str, str], body: bytes, content_type: str
) -> None:
    method, template = route
    headers = {"Content-Type": content_type} if content_type else {}
    response = fuzz_client.request(method, template.format(user=FUZZ_USER), content=body, headers=headers)
    assert response.status_code < 500, (method, template, body[:200], response.text[:500])
    if response.status_code >= 400:
        check_error_body(response.text)
    elif template.endswith("/stream"):
        assert "event: error" not in response.text, response.text[:500]
        assert "event: done" in response.text
    assert_no_leak(response.text)


@settings(max_examples=60, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(message=st.text(min_size=1, max_size=200), timezone=st.sampled_from(["UTC", "Pacific/Kiritimati", "Etc/GMT+12"]))
def test_random_chat_messages_never_5xx(fuzz_client: httpx.Client, message: str, timezone: str) -> None:
    response = fuzz_client.post(
        f"/api/{FUZZ_USER}/chat",
        content=json.dumps({"message": message, "timezone": timezone}).encode(),
        headers=JSON,
    )
    assert response.status_code < 500, (message, response.text[:500])
    if response.status_code >= 400:
        assert check_error_body(response.text)["code"] == "VALIDATION_ERROR"
    assert_no_leak(response.text)


@pytest.fixture(scope="module")
def fuzz_client(live: Live) -> Iterator[httpx.Client]:
    with live.client(FUZZ_USER) as client:
        for n in range(3):
            client.post(f"/api/{FUZZ_USER}/tasks", json={"title": f"fuzz target {n}", "due_date": "9999-12-31"})
        yield client


# --------------------------------------------------------------------------- the log


def test_the_log_has_no_secrets_and_every_request_line_has_ids(live: Live) -> None:
    """Runs last: it reads the whole log of the module's server, including every test above."""
    password = "pw-" + secrets.token_urlsafe(18)
    email = f"log-{secrets.token_hex(4)}@example.com"
    content = "confidential-" + secrets.token_hex(8)
    with live.client() as anonymous:
        session = anonymous.post("/api/auth/register", json={"email": email, "password": password}).json()
        login = anonymous.post(
            "/api/auth/login", json={"email": email, "password": password}, headers={"X-Request-ID": "log-login"}
        )
        assert login.status_code == 200, login.text
        wrong = anonymous.post("/api/auth/login", json={"email": email, "password": password + "x"})
        assert wrong.status_code == 401
    user, tokens = session["user_id"], [session["token"], login.json()["token"]]
    auth = {"Authorization": f"Bearer {tokens[1]}"}
    with live.client(headers=auth) as mine:
        sent = {
            "log-chat": mine.post(
                f"/api/{user}/chat", json={"message": f"add {content} tomorrow"}, headers={"X-Request-ID": "log-chat"}
            ),
            "log-stream": mine.post(
                f"/api/{user}/chat/stream",
                json={"message": f"rename task 1 to {content} too"},
                headers={"X-Request-ID": "log-stream"},
            ),
            "log-list": mine.get(f"/api/{user}/tasks", headers={"X-Request-ID": "log-list"}),
            "log-task": mine.post(
                f"/api/{user}/tasks",
                json={"title": content, "description": password},
                headers={"X-Request-ID": "log-task"},
            ),
            "log-forbidden": mine.get(f"/api/{USER}/tasks", headers={"X-Request-ID": "log-forbidden"}),
        }
        assert [r.status_code for r in sent.values()] == [200, 200, 200, 201, 403]
    bad_token = tokens[0][:-4] + "AAAA"
    assert (
        httpx.get(f"{live.url}/api/{user}/tasks", headers={"Authorization": f"Bearer {bad_token}"}).status_code == 401
    )

    log = live.server.logs
    records = live.server.log_records()
    for secret in [*tokens, bad_token, password, live.secret, content, email]:
        assert secret not in log, f"{secret[:12]}... is in the server log"
    for token in tokens:
        for part in token.split("."):
            assert part not in log
    assert "Traceback" not in log

    lines = [r for r in records if r.get("message") == "request"]
    assert len(lines) > 100
    for line in lines:
        assert isinstance(line.get("request_id"), str) and line["request_id"], line
        assert "user_id" in line, line
        assert set(line) >= {"method", "path", "status", "duration_ms"}, line
    by_id = {line["request_id"]: line for line in lines}
    for request_id in ("log-chat", "log-stream", "log-list", "log-task"):
        assert by_id[request_id]["user_id"] == user, by_id[request_id]
    assert by_id["log-login"]["path"] == "/api/auth/login"
    # The token's subject is who the line names, even when the path was somebody else's.
    assert (by_id["log-forbidden"]["user_id"], by_id["log-forbidden"]["status"]) == (user, 403)
    # No 5xx and no unhandled error happened while this module ran.
    assert all(line["status"] < 500 for line in lines), [line for line in lines if line["status"] >= 500]
    assert not [r for r in records if r.get("level") in {"error", "critical"}]
