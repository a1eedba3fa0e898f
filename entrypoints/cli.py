"""``todo-chat``: serve the API, migrate the database, mint dev tokens, chat, serve MCP over stdio."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer
from rich.console import Console

from entrypoints.config import ConfigError, Settings, load_settings, parse_duration
from entrypoints.version import package_version

T = TypeVar("T")

app = typer.Typer(
    name="todo-chat",
    help="A task manager you talk to: chat, REST and MCP over the same tasks.\n\n"
    "Settings come from the environment and a .env file in the working directory "
    "(DATABASE_URL, BETTER_AUTH_SECRET, LLM_PROVIDER, ...; see the README).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    print(f"error: {message}", file=sys.stderr)
    return typer.Exit(code)


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; a configuration error or an unusable database becomes one line on stderr, exit 2."""
    try:
        return action()
    except ConfigError as exc:
        raise fail(str(exc)) from None
    except Exception as exc:
        from entrypoints.database_failure import database_failure

        cause = database_failure(exc)
        if cause is None:
            raise
        raise fail(f"DATABASE_URL {_database_display()}: {cause}") from None


def _database_display() -> str:
    from entrypoints.config import DEFAULT_DATABASE_URL, mask_url

    try:
        return load_settings().database_display
    except ConfigError:
        return mask_url(os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)


def settings() -> Settings:
    return guarded(load_settings)


def _migrate(url: str) -> tuple[str | None, list[str]]:
    """Upgrade to head; the revision reached and the revisions applied on the way."""
    from adapters.sql.migrate import upgrade_to_head
    from entrypoints.logs import migrations_told_quietly

    with migrations_told_quietly() as applied:
        revision = asyncio.run(upgrade_to_head(url))
    return (revision if isinstance(revision, str) else None), applied


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on (0.0.0.0 for all).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (uvicorn).")] = 1,
    no_migrate: Annotated[
        bool, typer.Option("--no-migrate", help="Do not apply pending migrations first (replicas).")
    ] = False,
) -> None:
    """Start the HTTP API, the web chat at / and MCP at /mcp.

    Pending database migrations are applied first unless --no-migrate is given.
    """
    import uvicorn

    from entrypoints.container import build_container, describe_model
    from entrypoints.http.workers import Workers, reuse_port_supported
    from entrypoints.logs import configure_logging

    config = settings()
    if config.llm_tools == "mcp" and config.llm_mcp_url is None:
        # LLM_TOOLS=mcp: the agent calls this very server's /mcp; the workers read the environment.
        os.environ["LLM_MCP_URL"] = f"http://{_loopback(host)}:{port}/mcp"
        config = settings()
    if config.public_url is None:
        # MCP sign-in metadata names this URL; set PUBLIC_URL when clients reach the server elsewhere.
        os.environ["PUBLIC_URL"] = f"http://{_loopback(host)}:{port}"
        config = settings()
    # Start-up output is for people: the banner, or one error line (checked before any work).
    if not _can_listen(host, port):
        err.print(f"error: cannot listen on {_display_host(host)}:{port} (in use, or not an address of this machine)")
        raise typer.Exit(1)
    configure_logging(config.log_level)
    revision, applied = None, []
    if not no_migrate:
        with err.status("Applying database migrations…"):
            revision, applied = guarded(lambda: _migrate(config.database_url))
    model = describe_model(guarded(lambda: build_container(config)))
    out.print(f"todo-chat {package_version()} listening on [bold]http://{_display_host(host)}:{port}[/bold]")
    out.print(f"  database  {config.database_display}")
    if applied:
        out.print(f"  schema    {revision} (applied {', '.join(applied)})")
    out.print(f"  model     {model}")
    out.print(f"  secret    {config.secret_source}")
    out.print(f"  workers   {workers}" + ("  (migrations skipped)" if no_migrate else ""))
    sys.stdout.flush()
    # After its graceful shutdown uvicorn raises the SIGTERM it caught again; with the default
    # handler that kills the process (status -15) although every request was answered.
    signal.signal(signal.SIGTERM, _stopped_cleanly)
    options = {
        "factory": True,
        "host": host,
        "port": port,
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 30,
        "server_header": False,
        # Slow or silent clients: deadlines for headers and body (HTTP_HEADER_TIMEOUT,
        # HTTP_BODY_TIMEOUT), idle keep-alive, and a cap on connections (503 beyond it).
        "http": "entrypoints.http.server_protocol:DeadlineHttpProtocol",
        "timeout_keep_alive": config.http_keep_alive_timeout,
        "limit_concurrency": config.http_max_connections,
        # X-Forwarded-For/-Proto rewrite the client address only from TRUSTED_PROXIES; uvicorn
        # would otherwise trust them from 127.0.0.1, so anyone on the host could pick an address.
        "proxy_headers": bool(config.trusted_proxies),
        "forwarded_allow_ips": list(config.trusted_proxies),
    }
    if workers > 1 and reuse_port_supported():
        # A listening socket per worker: the kernel spreads new connections over them.
        code = Workers(uvicorn.Config("entrypoints.http.asgi:create", **options), workers).run()  # type: ignore[arg-type]
        raise typer.Exit(code)
    uvicorn.run("entrypoints.http.asgi:create", workers=workers, **options)  # type: ignore[arg-type]


def _stopped_cleanly(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


def _can_listen(host: str, port: int) -> bool:
    """Whether uvicorn will be able to bind, checked before saying where we listen."""
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError:
        return False
    return True


def _loopback(host: str) -> str:
    """How this machine reaches a server listening on ``host``."""
    if host in ("", "0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@app.command()
def migrate() -> None:
    """Apply pending database migrations (on PostgreSQL under an advisory lock) and exit."""
    config = settings()
    with err.status(f"Migrating {config.database_display}…"):  # shown on a terminal only
        revision, applied = guarded(lambda: _migrate(config.database_url))
    for step in applied:
        out.print(f"Applied {step}")
    out.print(f"Database is at revision {revision or 'head'}.")


@app.command()
def token(
    user_id: Annotated[str, typer.Argument(help="The user id to put in `sub` (1..128 of A-Z a-z 0-9 _ . @ -).")],
    expires_in: Annotated[str, typer.Option("--expires-in", help="Lifetime: seconds, or 30m, 12h, 7d.")] = "",
) -> None:
    """Print a dev JWT for USER_ID signed with the configured secret (HS256)."""
    from adapters.security.jwt import JwtIssuer
    from domain.errors import InvalidValue
    from domain.values import check_user_id

    config = settings()
    try:
        check_user_id(user_id)
    except InvalidValue as exc:
        raise fail(f"USER_ID {exc.message}") from None
    lifetime: timedelta | None = None
    if expires_in:
        try:
            lifetime = parse_duration(expires_in)
        except ValueError as exc:
            raise fail(f"--expires-in {exc}") from None
    signed, expires_at = JwtIssuer(config.secret, config.token_lifetime).issue(user_id, lifetime)
    err.print(f"token for {user_id}, expires {expires_at.isoformat()}")
    print(signed)


@app.command()
def chat(
    user: Annotated[str | None, typer.Option(help="Chat as this user (in-process mode).")] = None,
    url: Annotated[
        str | None, typer.Option(help="Talk to a running server instead, e.g. http://127.0.0.1:8000.")
    ] = None,
    token: Annotated[str | None, typer.Option(help="Bearer token for --url (its sub is the user).")] = None,
    timezone: Annotated[str | None, typer.Option(help="IANA time zone for today/tomorrow (default: local).")] = None,
) -> None:
    """Chat with your tasks in the terminal (in-process on the configured database, or with --url)."""
    from entrypoints.terminal_chat import run

    code = guarded(lambda: run(user=user, url=url, token=token, timezone=timezone))
    raise typer.Exit(code or 0)


@app.command()
def mcp(
    user: Annotated[str, typer.Option(help="The user whose tasks the tools act on.")],
) -> None:
    """Serve the MCP task tools over stdio for one user (for Claude Desktop, IDEs, inspectors)."""
    from entrypoints.mcp_stdio import run

    guarded(lambda: run(user))


def _print_version(asked: bool) -> None:
    if asked:
        print(f"todo-chat {package_version()}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """A task manager you talk to: chat, REST and MCP over the same tasks."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
