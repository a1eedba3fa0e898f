"""``todo-chat mcp --user USER``: the MCP tools over stdio for one local user.

A desktop client (Claude Desktop, the MCP Inspector) starts this process and speaks
JSON-RPC on its stdin/stdout. The settings and the container are built exactly as for
the CLI's other commands, on the configured ``DATABASE_URL``; pending migrations are
applied first, as ``serve`` does.

stdout is the protocol wire: everything is built *inside* the SDK's ``stdio_server``,
which points fd 1 at stderr while it serves, so start-up output (migrations, warnings)
cannot corrupt the stream; logs go to stderr.
"""

from __future__ import annotations

import logging

import anyio
from mcp.server.lowlevel.server import NotificationOptions
from mcp.server.stdio import stdio_server

from adapters.mcp import build_mcp_server
from domain.errors import DomainError
from domain.values import check_user_id
from entrypoints.config import Settings, load_settings
from entrypoints.logs import configure_logging
from entrypoints.version import package_version

logger = logging.getLogger("todo_chat.mcp")


def run(user: str) -> None:
    """Serve the task tools, resources and prompts for ``user`` until the client closes stdin.

    A bad ``--user`` or setting raises before anything is served (``ConfigError`` is
    turned into one line on stderr by the CLI).
    """
    try:
        check_user_id(user)
    except DomainError as exc:
        raise SystemExit(f"error: --user {exc}") from None
    settings = load_settings()
    configure_logging(settings.log_level)
    anyio.run(_serve, user, settings)


async def _serve(user: str, settings: Settings) -> None:
    from entrypoints import container as composition

    async with stdio_server() as (read_stream, write_stream):
        container = composition.build_container(settings)
        await composition.prepare(container)
        try:
            server = build_mcp_server(
                container.tool_catalogue(),
                lambda: user,
                changes=container.task_changes(),
                version=package_version(),
            )
            database = composition.describe_database(container)
            logger.info("serving MCP over stdio for user %r on %s", user, database)
            # A stdio connection lasts: subscribed clients hear resource changes on it.
            options = server.create_initialization_options(NotificationOptions(resources_changed=True))
            await server.run(read_stream, write_stream, options)
        finally:
            await composition.shutdown(container)
