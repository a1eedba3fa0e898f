"""What every response shares: error bodies, request ids, security headers, limits, logs, docs."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers

from application.errors import DatabaseUnavailable
from tests.doubles import Step
from tests.integration.http.conftest import ALICE, Api, always, error_of, mint


class FailingUnitOfWork:
    """A store that fails on entry, with ``error``."""

    def __init__(self, error: Exception, *, read_only: bool = False, autocommit: bool = False) -> None:
        self.error = error

    async def __aenter__(self) -> Any:
        raise self.error

    async def __aexit__(self, *_: object) -> None:
        return None


async def test_internal_error_is_500_with_a_request_id_and_no_trace(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    bug = RuntimeError("kaboom: internal detail /srv/secret.py line 42")
    api.container.unit_of_work.override(providers.Factory(FailingUnitOfWork, bug))
    with caplog.at_level(logging.INFO, logger="todo_chat"):
        response = await api.get(f"/api/{ALICE}/tasks")
    assert response.status_code == 500
    error = error_of(response)
    request_id = response.headers["X-Request-ID"]
    assert error["code"] == "INTERNAL_ERROR"
    assert error["details"] == {"request_id": request_id}
    assert request_id in error["message"]
    for leak in ("kaboom", "Traceback", "secret.py", "RuntimeError"):
        assert leak not in response.text
    logged = [r for r in caplog.records if r.exc_info and getattr(r, "request_id", None) == request_id]
    assert logged, "the stack trace is logged under the request id"
    assert "kaboom" in str(logged[0].exc_info[1])  # type: ignore[index]


async def test_internal_error_in_a_stream_is_an_error_event(api: Api) -> None:
    class BrokenModel:
        async def run_turn(self, request: Any) -> Any:
            raise RuntimeError("kaboom")

        async def stream_turn(self, request: Any) -> AsyncIterator[Any]:
            raise RuntimeError("kaboom")
            yield

    api.container.language_model.override(providers.Object(BrokenModel()))
    response = await api.post(f"/api/{ALICE}/chat/stream", json={"message": "hi"})
    assert response.status_code == 200
    assert "event: error" in response.text
    assert "INTERNAL_ERROR" in response.text
    assert "kaboom" not in response.text


async def test_database_down_is_503(api: Api) -> None:
    down = DatabaseUnavailable("connection refused")
    api.container.unit_of_work.override(providers.Factory(FailingUnitOfWork, down))
    response = await api.get(f"/api/{ALICE}/tasks")
    assert response.status_code == 503
    assert error_of(response)["code"] == "DATABASE_UNAVAILABLE"
    assert "connection refused" not in response.text


async def test_unknown_route_and_method_use_the_error_body(api: Api) -> None:
    missing = await api.get("/api/nothing/here/at/all")
    assert missing.status_code == 404
    assert error_of(missing)["code"] == "NOT_FOUND"
    wrong_method = await api.request("DELETE", "/health")
    assert wrong_method.status_code == 405
    assert error_of(wrong_method)["code"] == "METHOD_NOT_ALLOWED"
    assert "X-Request-ID" in missing.headers
    assert "X-Request-ID" in wrong_method.headers


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b'{"title": "x",}', "application/json"),
        (b"", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"title=x", "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_bodies_are_400(api: Api, content: bytes, content_type: str) -> None:
    response = await api.post(f"/api/{ALICE}/tasks", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 400, response.text
    assert error_of(response)["code"] == "VALIDATION_ERROR"


async def test_oversized_body_is_413_by_content_length(api: Api) -> None:
    body = b'{"title": "' + b"x" * (70 * 1024) + b'"}'
    json_type = {"Content-Type": "application/json"}
    response = await api.post(f"/api/{ALICE}/tasks", content=body, headers=json_type)
    assert response.status_code == 413
    assert error_of(response)["code"] == "PAYLOAD_TOO_LARGE"
    assert (await api.get(f"/api/{ALICE}/tasks")).json()["total"] == 0


async def test_oversized_chunked_body_is_413(api: Api) -> None:
    """No Content-Length (chunked upload): the limit holds on the bytes actually received."""
    chunks = [b'{"message": "', *([b"x" * 1024] * 80), b'"}']
    messages: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        body = chunks.pop(0) if chunks else b""
        return {"type": "http.request", "body": body, "more_body": bool(chunks)}

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": f"/api/{ALICE}/chat", "raw_path": f"/api/{ALICE}/chat".encode(), "root_path": "",
        "query_string": b"", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        "headers": [
            (b"host", b"testserver"), (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"), (b"authorization", f"Bearer {mint(ALICE)}".encode()),
        ],
    }
    await api.app(scope, receive, send)  # type: ignore[arg-type]
    start = next(m for m in messages if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
    assert start["status"] == 413
    assert b"PAYLOAD_TOO_LARGE" in body


async def test_oversized_body_is_413_even_without_a_token(api: Api) -> None:
    response = await api.post(
        "/api/auth/login", user=None, content=b"x" * (65 * 1024), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_request_id_is_echoed_when_sane_and_made_up_otherwise(api: Api) -> None:
    echoed = await api.get("/health", headers={"X-Request-ID": "trace-abc.123"})
    assert echoed.headers["X-Request-ID"] == "trace-abc.123"
    for insane in ("has spaces", "x" * 200, "<script>"):
        replaced = await api.get("/health", headers={"X-Request-ID": insane})
        assert replaced.headers["X-Request-ID"] != insane
        assert len(replaced.headers["X-Request-ID"]) == 32
    first, second = await api.get("/health"), await api.get("/health")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


@pytest.mark.parametrize(
    "path", ["/", "/health", "/api/alice/tasks", "/nope", "/schema/openapi.json", "/app.js"]
)
async def test_security_headers_on_every_response(api: Api, path: str) -> None:
    response = await api.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


async def test_the_web_ui_and_the_docs_get_strict_policies_and_no_cdn(api: Api) -> None:
    page = await api.get("/", user=None)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    docs = await api.get("/schema", user=None)
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    # Served from the installed package, booted from a file: no CDN and no inline script.
    docs_policy = docs.headers["Content-Security-Policy"]
    assert "script-src 'self';" in docs_policy
    assert "http" not in docs_policy
    assert "<script>" not in docs.text
    assert "cdn" not in docs.text.lower()
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "boot.js"):
        served = await api.get(f"/schema/swagger-ui/{asset}", user=None)
        assert served.status_code == 200, asset
        assert len(served.content) > 100, asset
    assert (await api.get("/schema/swagger-ui/index.j2", user=None)).status_code == 404


async def test_api_responses_are_not_cached(api: Api) -> None:
    response = await api.get(f"/api/{ALICE}/tasks")
    assert response.headers["Cache-Control"] == "no-store"


async def test_cors_allows_the_configured_origin_only(api: Api) -> None:
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    allowed = await api.request(
        "OPTIONS", f"/api/{ALICE}/tasks", user=None, headers={"Origin": "http://localhost:3000", **preflight}
    )
    assert allowed.status_code in {200, 204}
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    denied = await api.request(
        "OPTIONS", f"/api/{ALICE}/tasks", user=None, headers={"Origin": "https://evil.example", **preflight}
    )
    assert denied.headers.get("Access-Control-Allow-Origin") != "https://evil.example"
    simple = await api.get(f"/api/{ALICE}/tasks", headers={"Origin": "http://localhost:3000"})
    assert "X-Total-Count" in simple.headers["Access-Control-Expose-Headers"]


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.get("/health", user=None)).json() == {"status": "ok"}
    ready = await api.get("/health/ready", user=None)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready", "database": "ok"})
    api.container.database_ready.override(providers.Callable(always(False)))
    down = await api.get("/health/ready", user=None)
    assert down.status_code == 503
    assert error_of(down)["code"] == "DATABASE_UNAVAILABLE"
    assert (await api.get("/health", user=None)).status_code == 200


async def test_readiness_that_raises_is_503(api: Api) -> None:
    async def refused() -> bool:
        raise OSError("connection refused")

    api.container.database_ready.override(providers.Callable(lambda: refused()))
    response = await api.get("/health/ready", user=None)
    assert response.status_code == 503


async def test_one_log_line_per_request_without_secrets(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    token = mint(ALICE)
    api.steps(Step(reply="Noted your secret plan"))
    with caplog.at_level(logging.INFO, logger="todo_chat"):
        response = await api.post(
            f"/api/{ALICE}/chat", token=token, json={"message": "my secret plan"},
            headers={"X-Request-ID": "r-1"},
        )
    assert response.status_code == 200
    lines = [r for r in caplog.records if r.getMessage() == "request"]
    assert len(lines) == 1
    line = lines[0]
    fields = {k: getattr(line, k) for k in ("method", "path", "status", "request_id", "user_id")}
    assert fields == {
        "method": "POST", "path": "/api/{user_id}/chat", "status": 200, "request_id": "r-1", "user_id": ALICE,
    }
    assert line.duration_ms >= 0  # type: ignore[attr-defined]
    everything = " ".join(str(vars(r)) for r in caplog.records)
    assert token not in everything
    assert "secret plan" not in everything


async def test_openapi_documents_every_route_error_and_the_bearer_scheme(api: Api) -> None:
    response = await api.get("/schema/openapi.json", user=None)
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    expected = {
        "/api/{user_id}/tasks": {"get", "post"},
        "/api/{user_id}/tasks/{task_id}": {"get", "put", "patch", "delete"},
        "/api/{user_id}/tasks/{task_id}/complete": {"patch"},
        "/api/{user_id}/chat": {"post"},
        "/api/{user_id}/chat/stream": {"post"},
        "/api/{user_id}/conversations": {"get"},
        "/api/{user_id}/conversations/{conversation_id}": {"get", "delete"},
        "/api/{user_id}/calendar/key": {"get", "post", "delete"},
        "/api/{user_id}/calendar.ics": {"get"},
        "/api/{user_id}/export": {"get"},
        "/api/{user_id}/import": {"post"},
        "/api/auth/register": {"post"},
        "/api/auth/login": {"post"},
        "/health": {"get"},
        "/health/ready": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    scheme = document["components"]["securitySchemes"]["BearerAuth"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    error_ref = "#/components/schemas/ErrorBody"
    feed = paths["/api/{user_id}/calendar.ics"]["get"]  # calendar apps send the URL's key, no token
    assert feed.get("security", []) == [] and {p["name"] for p in feed["parameters"]} == {"user_id", "key"}
    for path, item in paths.items():
        for method, operation in item.items():
            if path.startswith("/api/{user_id}") and path != "/api/{user_id}/calendar.ics":
                assert operation["security"] == [{"BearerAuth": []}], (path, method)
                for status in ("400", "401", "403", "500"):
                    schema = operation["responses"][status]["content"]["application/json"]["schema"]
                    assert schema == {"$ref": error_ref}, (path, method, status)
    listing = paths["/api/{user_id}/tasks"]["get"]
    assert "X-Total-Count" in listing["responses"]["200"]["headers"]
    parameters = {p["name"]: p for p in listing["parameters"]}
    assert parameters["limit"]["schema"]["maximum"] == 100
    assert set(parameters) >= {"status", "priority", "due_before", "q", "sort", "limit", "offset"}
