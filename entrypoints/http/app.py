"""The app factory: ``create_app(container)`` -> a Litestar app serving the whole contract."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from litestar import Litestar, Router
from litestar.config.cors import CORSConfig
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Tag
from litestar.static_files import create_static_files_router
from litestar.types import Receive, Scope, Send

from adapters.mcp.litestar import mcp_route_handlers
from entrypoints.container import Container, settings_of, shutdown
from entrypoints.http.auth import owner_guard
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.calendar import CalendarFeedController, CalendarKeyController
from entrypoints.http.controllers.chat import ChatController
from entrypoints.http.controllers.conversations import ConversationController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.tasks import LabelController, TaskController, TrashController
from entrypoints.http.controllers.transfer import IMPORT_MAX_BYTES, TransferController
from entrypoints.http.docs import COMPONENTS, SECURITY
from entrypoints.http.edge import Edge
from entrypoints.http.errors import EXCEPTION_HANDLERS
from entrypoints.http.oauth import CrossOriginRoutes, cross_origin_routes, oauth_route_handlers
from entrypoints.http.swagger import LocalSwaggerRenderPlugin

IMPORT_PATH = re.compile(r"/api/[^/]+/import")
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"
API_VERSION = "1.0.0"

DESCRIPTION = """\
A task manager you talk to. Every `/api/{user_id}/...` route needs `Authorization: Bearer <JWT>`
whose `sub` is that `user_id` (else 401, or 403 for another user's path). Another user's task or
conversation is a 404. Errors are `{"error": {"code", "message", "details"}}`; every response carries
`X-Request-ID`.
"""


class TodoChatApp(Litestar):
    """Litestar behind the ``Edge`` layer, so even router-level 404/405 get ids, headers and a log line."""

    edge: Edge

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == "http":
            await self.edge(scope, receive, send)
        else:
            await super().__call__(scope, receive, send)

    async def _inner(self, scope: Scope, receive: Receive, send: Send) -> None:
        await super().__call__(scope, receive, send)


def create_app(container: Container) -> Litestar:
    settings = settings_of(container)
    _ensure_static_dir()

    api = Router(
        path="/api/{user_id:str}",
        route_handlers=[
            TaskController, TrashController, LabelController, ChatController, ConversationController,
            CalendarKeyController, TransferController,
        ],
        guards=[owner_guard(container.token_verifier)],
        security=SECURITY,
    )
    # The calendar feed: calendar apps send no bearer token; the URL's key is the credential.
    feed = Router(path="/api/{user_id:str}", route_handlers=[CalendarFeedController])
    web = create_static_files_router(
        path="/", directories=[STATIC_DIR], html_mode=True, name="web", include_in_schema=False
    )

    async def close_container() -> None:
        await shutdown(container)

    # MCP over streamable HTTP at /mcp (+ its RFC 9728 metadata); its session manager
    # runs for the app's lifetime.
    mcp = container.mcp_http()

    @asynccontextmanager
    async def run_mcp(_: Litestar) -> AsyncIterator[None]:
        async with mcp.lifespan():
            yield

    # MCP sign-in (OAuth 2.1): the built-in authorization server, unless an identity provider signs in.
    oauth_server = container.oauth_server()
    oauth = (
        oauth_route_handlers(oauth_server, container.account_use_cases, container.auth_gate)
        if oauth_server is not None
        else []
    )

    app = TodoChatApp(
        route_handlers=[AuthController, HealthController, api, feed, *mcp_route_handlers(mcp), *oauth, web],
        dependencies={
            "tasks": Provide(lambda: container.task_use_cases(), sync_to_thread=False),
            "chat": Provide(lambda: container.chat_use_cases(), sync_to_thread=False),
            "accounts": Provide(lambda: container.account_use_cases(), sync_to_thread=False),
            "chat_limiter": Provide(lambda: container.chat_limiter(), sync_to_thread=False),
            "calendar": Provide(lambda: container.calendar_use_cases(), sync_to_thread=False),
            "calendar_limiter": Provide(lambda: container.calendar_limiter(), sync_to_thread=False),
            "calendar_renderer": Provide(lambda: container.calendar_renderer(), sync_to_thread=False),
            "transfer": Provide(lambda: container.transfer_use_cases(), sync_to_thread=False),
            "transfer_limiter": Provide(lambda: container.transfer_limiter(), sync_to_thread=False),
            "public_base_url": Provide(lambda: container.public_base_url(), sync_to_thread=False),
            "auth_gate": Provide(lambda: container.auth_gate(), sync_to_thread=False),
            "database_ready": Provide(lambda: container.database_ready, sync_to_thread=False),
        },
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        cors_config=CORSConfig(
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID", "Accept"],
            expose_headers=["X-Total-Count", "X-Request-ID", "Retry-After", "WWW-Authenticate"],
            max_age=600,
        ),
        openapi_config=OpenAPIConfig(
            title="todo-chat",
            version=API_VERSION,
            description=DESCRIPTION,
            path="/schema",
            render_plugins=[LocalSwaggerRenderPlugin(path="/"), JsonRenderPlugin()],
            components=COMPONENTS,
            use_handler_docstrings=True,
            tags=[
                Tag(name="tasks", description="Tasks over plain REST"),
                Tag(name="chat", description="Talk to your tasks"),
                Tag(name="conversations", description="Stored conversations and their messages"),
                Tag(name="calendar", description="The calendar feed (iCalendar) and its key"),
                Tag(name="transfer", description="Export everything; import an export or a Todoist CSV"),
                Tag(name="auth", description="Built-in accounts"),
                Tag(name="health", description="Probes"),
            ],
        ),
        request_max_body_size=settings.max_body_bytes,
        logging_config=None,
        on_shutdown=[close_container],
        lifespan=[run_mcp],
        debug=False,
    )
    # The metadata and OAuth endpoints go ahead of Litestar's CORS policy (see CrossOriginRoutes).
    direct = CrossOriginRoutes(cross_origin_routes(mcp, oauth_server), app._inner)
    # An import may be larger than other bodies (its own route bound, IMPORT_MAX_BYTES).
    app.edge = Edge(
        direct,
        max_body_bytes=settings.max_body_bytes,
        larger_bodies=((IMPORT_PATH, max(IMPORT_MAX_BYTES, settings.max_body_bytes)),),
    )
    return app


PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>todo-chat</title></head>
<body><h1>todo-chat</h1>
<p>The web chat is not built yet. The API is documented at <a href="/schema">/schema</a>.</p>
</body></html>
"""


def _ensure_static_dir() -> None:
    """A placeholder page only when the web UI directory is empty (never overwrites it)."""
    STATIC_DIR.mkdir(parents=True, exist_ok=True)
    if not any(STATIC_DIR.iterdir()):
        (STATIC_DIR / "index.html").write_text(PLACEHOLDER)


