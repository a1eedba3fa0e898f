"""The composition root: the only module that knows every concrete class.

``build_container(settings)`` wires the application from the settings. Tests replace
parts with ``container.<provider>.override(...)`` (a memory store, a scripted model)
before the first use; nothing is monkeypatched.

Heavy or optional adapters (the SQL stack, the OpenAI Agents SDK) are imported inside
their factories, so a missing API key or SDK only matters when that adapter is chosen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import fields
from typing import Any
from urllib.parse import urlsplit

from dependency_injector import containers, providers

from adapters.calendar.ics import FeedRenderer
from adapters.events import InProcessTaskChanges
from adapters.mcp import MCP_PATH, JwtTokenVerifier, McpHttp, build_mcp_server, user_of_access_token
from adapters.mcp.http import DEFAULT_PUBLIC_URL
from adapters.memory.rate_limits import MemoryRateLimiter
from adapters.security.jwt import JwtIssuer, JwtVerifier
from adapters.security.oauth_clients import ClientMetadataDocuments
from adapters.security.oauth_provider import BuiltinAuthorizationServer
from adapters.security.oauth_tokens import AccessTokenCodec
from adapters.security.passwords import Argon2Hasher
from adapters.system import SystemClock, UuidGenerator
from application.history import HistoryWindow
from application.rate_limits import Limit, RateLimiter
from application.tools import ToolCatalogue
from application.use_cases.accounts import AccountUseCases
from application.use_cases.calendar import CalendarUseCases
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import TaskUseCases
from application.use_cases.transfer import TransferUseCases
from entrypoints.config import ConfigError, RateLimit, Settings, load_settings, mask_url
from entrypoints.http.auth_gate import AuthGate
from entrypoints.version import package_version

FEED_RATE_LIMIT = RateLimit(60, 3600)  # calendar feed fetches per user and client
TRANSFER_RATE_LIMIT = RateLimit(30, 3600)  # exports and imports per user (each may take seconds)


def _sql_engine(
    url: str, pool_size: int, max_overflow: int, pool_timeout: float, pool_recycle: int, ping_after_idle: float
) -> Any:
    from adapters.sql.engine import EngineSettings, create_engine

    settings = EngineSettings(
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
        pool_recycle=pool_recycle,
        ping_after_idle=ping_after_idle,
    )
    return create_engine(url, settings)


def _sql_sessions(engine: Any) -> Any:
    from adapters.sql.uow import session_factory

    return session_factory(engine)


def _sql_unit_of_work(sessions: Any, read_only: bool = False, autocommit: bool = False) -> Any:
    from adapters.sql.uow import SqlUnitOfWork

    return SqlUnitOfWork(sessions, read_only=read_only, autocommit=autocommit)


def _database_ready(sessions: Any) -> Awaitable[bool]:
    from adapters.sql.health import database_ready

    return database_ready(sessions)


def _offline_model() -> Any:
    from adapters.llm.offline import OfflineModel

    return OfflineModel()


def _agents_model(
    api_key: str | None,
    base_url: str | None,
    model: str,
    api: str,
    tools: str = "catalogue",
    mcp_url: str | None = None,
    issuer: Any = None,
    timeout: float = 30.0,
    turn_timeout: float = 60.0,
    max_attempts: int = 4,
    http_client: str = "lean",
    reply_after_change: str = "tools",
) -> Any:
    from adapters.llm.openai_agents import AgentsModel, AgentsSettings

    tool_servers = None
    if tools == "mcp":  # the agent uses the tools through our own /mcp, as the turn's user
        from adapters.mcp.agents import McpAgentTools

        if not mcp_url:
            raise ConfigError("LLM_MCP_URL must be set with LLM_TOOLS=mcp (todo-chat serve sets it itself)")
        tool_servers = McpAgentTools(mcp_url, issuer)
    settings = AgentsSettings(
        api_key=api_key,
        base_url=base_url,
        model=model,
        api=api,
        request_timeout=timeout,
        turn_deadline=turn_timeout,
        max_attempts=max_attempts,
        lean_client=http_client == "lean",
        reply_after_change="model" if reply_after_change == "model" else "tools",
    )
    return AgentsModel(settings, tool_servers=tool_servers)


def _mcp_allowed_hosts(hosts: tuple[str, ...], *urls: str | None) -> tuple[str, ...]:
    """The configured hosts, plus those of PUBLIC_URL and of the URL the agent uses to reach
    /mcp itself (LLM_TOOLS=mcp)."""
    for url in urls:
        own = urlsplit(url).netloc if url else ""
        if own and own not in hosts:
            hosts = (*hosts, own)
    return hosts


def _public_base_url(public_url: str | None) -> str:
    return (public_url or DEFAULT_PUBLIC_URL).rstrip("/")


def _authorization_server(base_url: str, jwks_url: str | None, jwt_issuer: str | None) -> str:
    """Who signs MCP clients in: this app, or the identity provider whose keys we trust."""
    if not jwks_url:
        return base_url
    if jwt_issuer:
        return jwt_issuer
    parts = urlsplit(jwks_url)
    return f"{parts.scheme}://{parts.netloc}"


def _rate_limiter(url: str, sessions: Callable[[], Any], name: str, limit: Limit | None) -> RateLimiter:
    """On PostgreSQL the counts live in the database, so replicas share one limit; on SQLite
    (one process, and a writer's lock no hit should queue for) they stay in memory."""
    if limit is not None and url.startswith("postgresql"):
        from adapters.sql.rate_limits import SqlRateLimiter

        return SqlRateLimiter(sessions(), name, limit)
    return MemoryRateLimiter(limit)


def _sql_oauth_store(sessions: Any) -> Any:
    from adapters.sql.oauth import SqlOAuthStore

    return SqlOAuthStore(sessions)


def _oauth_server(
    jwks_url: str | None,
    store: Any,
    secret: str,
    base_url: str,
    access_lifetime: Any,
    refresh_lifetime: Any,
    documents: ClientMetadataDocuments,
    registration_limiter: RateLimiter,
) -> BuiltinAuthorizationServer | None:
    """The built-in authorization server; none when an identity provider (JWT_JWKS_URL) signs people in."""
    if jwks_url:
        return None
    codec = AccessTokenCodec(secret, issuer=base_url, lifetime=access_lifetime)
    return BuiltinAuthorizationServer(
        store,
        codec,
        secret,
        resource=base_url + MCP_PATH,
        refresh_lifetime=refresh_lifetime,
        documents=documents,
        registration_gate=registration_limiter.hit,
    )


def _write_tools(catalogue: ToolCatalogue) -> frozenset[str]:
    return frozenset(spec.name for spec in catalogue.specs.values() if not spec.read_only)


class Container(containers.DeclarativeContainer):
    config = providers.Configuration(strict=True)

    clock = providers.Singleton(SystemClock)
    ids = providers.Singleton(UuidGenerator)

    engine = providers.Singleton(
        _sql_engine,
        url=config.database_url,
        pool_size=config.db_pool_size,
        max_overflow=config.db_max_overflow,
        pool_timeout=config.db_pool_timeout,
        pool_recycle=config.db_pool_recycle,
        ping_after_idle=config.db_ping_after_idle,
    )
    sessions = providers.Singleton(_sql_sessions, engine)
    unit_of_work = providers.Factory(_sql_unit_of_work, sessions)
    database_ready = providers.Callable(_database_ready, sessions)

    password_hasher = providers.Singleton(Argon2Hasher)
    token_issuer = providers.Singleton(JwtIssuer, secret=config.secret, lifetime=config.token_lifetime)

    language_model = providers.Selector(
        config.llm_provider,
        offline=providers.Singleton(_offline_model),
        openai=providers.Singleton(
            _agents_model,
            api_key=config.openai_api_key,
            base_url=config.openai_base_url,
            model=config.llm_model,
            api=config.llm_api,
            tools=config.llm_tools,
            mcp_url=config.llm_mcp_url,
            issuer=token_issuer,
            timeout=config.llm_timeout,
            http_client=config.llm_http_client,
            reply_after_change=config.llm_reply_after_change,
            turn_timeout=config.llm_turn_timeout,
            max_attempts=config.llm_max_attempts,
        ),
    )
    token_verifier = providers.Singleton(
        JwtVerifier,
        secret=config.secret,
        jwks_url=config.jwks_url,
        audience=config.jwt_audience,
        issuer=config.jwt_issuer,
    )

    history_window = providers.Singleton(
        HistoryWindow, max_messages=config.history_messages, max_tokens=config.history_tokens
    )
    # Use cases are stateless; they get the unit-of-work *provider* and call it per transaction.
    # Every committed task change is announced here (MCP resource subscriptions listen);
    # in process, so per replica (docs/mcp.md).
    task_changes = providers.Singleton(InProcessTaskChanges)
    task_use_cases = providers.Singleton(
        TaskUseCases, uow=unit_of_work.provider, clock=clock, changes=task_changes
    )
    tool_catalogue = providers.Singleton(ToolCatalogue, tasks=task_use_cases, clock=clock)
    chat_use_cases = providers.Singleton(
        ChatUseCases,
        uow=unit_of_work.provider,
        clock=clock,
        ids=ids,
        model=language_model,
        tools=tool_catalogue,
        history=history_window,
    )
    calendar_use_cases = providers.Singleton(CalendarUseCases, uow=unit_of_work.provider, clock=clock)
    transfer_use_cases = providers.Singleton(
        TransferUseCases, uow=unit_of_work.provider, clock=clock, ids=ids, changes=task_changes
    )
    account_use_cases = providers.Singleton(
        AccountUseCases,
        uow=unit_of_work.provider,
        clock=clock,
        ids=ids,
        hasher=password_hasher,
        tokens=token_issuer,
    )

    # MCP over HTTP: the tools bound to the user of the verified bearer token. A Factory,
    # so every app built from this container gets its own session manager.
    mcp_server = providers.Singleton(
        build_mcp_server, tool_catalogue, user_of_access_token, changes=task_changes, version=package_version()
    )

    # MCP sign-in: public URLs from PUBLIC_URL only; OAuth state in the database (replicas share it).
    public_base_url = providers.Callable(_public_base_url, config.public_url)
    oauth_store = providers.Singleton(_sql_oauth_store, sessions)
    # Client ID metadata documents are fetched over the network; tests give it a fake transport.
    client_documents = providers.Singleton(ClientMetadataDocuments)
    # Client registrations per client address (unauthenticated writes), as AUTH_CLIENT_RATE_LIMIT.
    registration_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "oauth-register", config.auth_client_rate_limit
    )
    oauth_server = providers.Singleton(
        _oauth_server,
        config.jwks_url,
        oauth_store,
        config.secret,
        public_base_url,
        config.oauth_access_lifetime,
        config.oauth_refresh_lifetime,
        client_documents,
        registration_limiter,
    )
    mcp_http = providers.Factory(
        McpHttp,
        mcp_server,
        providers.Singleton(
            JwtTokenVerifier,
            token_verifier,
            oauth_server,
            providers.Callable(lambda base: base + MCP_PATH, public_base_url),
        ),
        allowed_hosts=providers.Callable(
            _mcp_allowed_hosts, config.mcp_allowed_hosts, config.public_url, config.llm_mcp_url
        ),
        public_url=public_base_url,
        authorization_server=providers.Callable(
            _authorization_server, public_base_url, config.jwks_url, config.jwt_issuer
        ),
        write_tools=providers.Callable(_write_tools, tool_catalogue),
    )

    # Rate limits: in the database on PostgreSQL (shared by the replicas), in memory on SQLite.
    login_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "login", config.login_rate_limit
    )
    auth_client_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "auth-client", config.auth_client_rate_limit
    )
    # Register and log in (REST and the MCP sign-in form): per email and client, and per client.
    auth_gate = providers.Singleton(AuthGate, login_limiter, auth_client_limiter)
    chat_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "chat", config.chat_rate_limit
    )
    calendar_renderer = providers.Singleton(FeedRenderer)
    transfer_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "transfer", providers.Object(TRANSFER_RATE_LIMIT)
    )
    # The calendar feed per user and client (a calendar app polls every few minutes at most).
    calendar_limiter = providers.Singleton(
        _rate_limiter, config.database_url, sessions.provider, "calendar-feed", providers.Object(FEED_RATE_LIMIT)
    )


def build_container(settings: Settings | None = None) -> Container:
    """A container configured from ``settings`` (by default: the environment and ``.env``)."""
    settings = load_settings() if settings is None else settings
    container = Container()
    container.config.from_dict({f.name: getattr(settings, f.name) for f in fields(settings)})
    return container


def settings_of(container: Container) -> Settings:
    """The settings a container was built from (what the app factory and the CLI read)."""
    values = container.config()
    return Settings(**{f.name: values[f.name] for f in fields(Settings)})


async def prepare(container: Container) -> None:
    """Bring the database schema up to date (what ``serve`` does unless ``--no-migrate``)."""
    from adapters.sql.migrate import upgrade_to_head

    await upgrade_to_head(container.config.database_url())


async def shutdown(container: Container) -> None:
    """Close what the container opened (the database pool)."""
    if container.unit_of_work.overridden and not container.engine.overridden:
        return  # the SQL stack was never used
    engine = container.engine()
    dispose = getattr(engine, "dispose", None)
    if dispose is not None:
        # Units of work cancelled on the way out finish their rollback first (adapters/sql/uow.py).
        settle = getattr(container.sessions(), "settle", None)
        if settle is not None:
            await settle()
        await dispose()


def describe_database(container: Container) -> str:
    """The database URL with its password masked."""
    return mask_url(container.config.database_url())


def describe_model(container: Container) -> str:
    settings = settings_of(container)
    if settings.llm_provider == "offline":
        return "offline (built-in rule-based model, no network)"
    where = settings.openai_base_url or "OpenAI"
    return f"openai {settings.llm_model} via {where} ({settings.llm_api} API)"
