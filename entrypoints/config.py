"""Settings from the environment and a ``.env`` file, parsed and checked up front.

The environment wins over ``.env``. Every problem raises ``ConfigError`` with one line
that names the variable, so start-up fails before anything is served.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from adapters.sql.settings import EngineSettings

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./todo-chat.db"
SECRET_MIN_BYTES = 32
SECRET_FILE_SUFFIX = ".secret"  # noqa: S105 (a file name)
DEFAULT_MCP_ALLOWED_HOSTS = ("127.0.0.1:*", "localhost:*", "[::1]:*")

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}
_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}
_DURATION = re.compile(r"\s*(\d+)\s*([a-z]*?)s?\s*")
_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d*)\s*([a-z]+?)s?\s*")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one line naming the variable."""


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most ``count`` events per ``period`` seconds."""

    count: int
    period: float

    def __str__(self) -> str:
        return f"{self.count}/{self.period:g}s"


_POOL = EngineSettings()


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    secret: str = field(default="", repr=False)
    secret_source: str = "environment"  # noqa: S105 (where it came from)
    jwks_url: str | None = None
    jwt_audience: str | None = None
    jwt_issuer: str | None = None
    token_lifetime: timedelta = timedelta(days=7)
    llm_provider: str = "offline"
    openai_api_key: str | None = field(default=None, repr=False)
    openai_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_api: str = "responses"
    llm_tools: str = "catalogue"
    llm_mcp_url: str | None = None
    llm_timeout: float = 30.0
    llm_turn_timeout: float = 60.0
    llm_max_attempts: int = 4
    llm_http_client: str = "lean"
    llm_reply_after_change: str = "tools"
    cors_origins: tuple[str, ...] = ("http://localhost:3000",)
    history_messages: int = 20
    history_tokens: int = 8000
    # The pool's defaults are the engine's (adapters/sql/settings.py), written once.
    db_pool_size: int = _POOL.pool_size
    db_max_overflow: int = _POOL.max_overflow
    db_pool_timeout: float = _POOL.pool_timeout
    db_pool_recycle: int = _POOL.pool_recycle
    db_ping_after_idle: float = _POOL.ping_after_idle
    login_rate_limit: RateLimit | None = RateLimit(10, 60)
    chat_rate_limit: RateLimit | None = RateLimit(60, 60)
    max_body_bytes: int = 64 * 1024
    mcp_allowed_hosts: tuple[str, ...] = DEFAULT_MCP_ALLOWED_HOSTS
    log_level: str = "INFO"
    # Proxy headers (X-Forwarded-For/-Proto) count only from these addresses or networks.
    trusted_proxies: tuple[str, ...] = ()
    # Sign-up and log-in attempts per client address, whatever the email (password hashing is costly).
    auth_client_rate_limit: RateLimit | None = RateLimit(30, 60)
    http_header_timeout: float = 10.0
    http_body_timeout: float = 30.0
    http_keep_alive_timeout: int = 5
    http_max_connections: int = 1000
    # Where clients reach this server (MCP sign-in metadata, resource URLs); never the Host header.
    public_url: str | None = None
    oauth_access_lifetime: timedelta = timedelta(minutes=15)
    oauth_refresh_lifetime: timedelta = timedelta(days=30)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def database_display(self) -> str:
        """The database URL with any password masked, for banners and logs."""
        return mask_url(self.database_url)


def mask_url(url: str) -> str:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "<unparseable URL>"
    if parsed.password is None:
        return url
    return parsed.render_as_string(hide_password=True)


def load_settings(environ: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Read ``cwd/.env`` (if any) under ``environ`` (default ``os.environ``) and check everything."""
    workdir = Path.cwd() if cwd is None else cwd
    values: dict[str, str] = {}
    env_file = workdir / ".env"
    if env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return _Reader(values).settings(workdir)


class _Reader:
    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def raw(self, name: str) -> str | None:
        value = self._values.get(name)
        if value is None or not value.strip():
            return None
        return value.strip()

    def text(self, name: str, default: str) -> str:
        return self.raw(name) or default

    def choice(self, name: str, options: tuple[str, ...], default: str) -> str:
        value = (self.raw(name) or default).lower()
        if value not in options:
            raise ConfigError(f"{name} must be one of {', '.join(options)} (got {value!r})")
        return value

    def integer(self, name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
        value = self.raw(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            raise ConfigError(f"{name} must be a whole number (got {value!r})") from None
        if number < minimum or (maximum is not None and number > maximum):
            bound = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
            raise ConfigError(f"{name} must be {bound} (got {number})")
        return number

    def url(self, name: str) -> str | None:
        value = self.raw(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(f"{name} must be an http(s) URL (got {value!r})")
        return value

    def items(self, name: str, default: tuple[str, ...]) -> tuple[str, ...]:
        value = self.raw(name)
        if value is None:
            return default
        found = tuple(item.strip() for item in value.split(",") if item.strip())
        if not found:
            raise ConfigError(f"{name} must list at least one comma-separated value")
        return found

    def networks(self, name: str) -> tuple[str, ...]:
        """Comma-separated IP addresses or CIDR networks; unset means none."""
        value = self.raw(name)
        if value is None:
            return ()
        found = tuple(item.strip() for item in value.split(",") if item.strip())
        for item in found:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ConfigError(
                    f"{name} must list IP addresses or networks such as 10.0.0.0/8 (got {item!r})"
                ) from None
        return found

    def rate(self, name: str, default: RateLimit) -> RateLimit | None:
        value = self.raw(name)
        if value is None:
            return default
        if value.lower() in {"0", "off", "none", "unlimited"}:
            return None
        try:
            return parse_rate(value)
        except ValueError as exc:
            raise ConfigError(f"{name} {exc} (got {value!r})") from None

    def settings(self, workdir: Path) -> Settings:
        database_url = database_url_from(self.raw("DATABASE_URL") or DEFAULT_DATABASE_URL)
        secret, source = self.secret(database_url, workdir)
        provider = self.choice("LLM_PROVIDER", ("offline", "openai"), "offline")
        base_url = self.url("OPENAI_BASE_URL")
        api_key = self.raw("OPENAI_API_KEY")
        if provider == "openai" and api_key is None and base_url is None:
            raise ConfigError(
                "OPENAI_API_KEY is required when LLM_PROVIDER=openai "
                "(or set OPENAI_BASE_URL for a local OpenAI-compatible server)"
            )
        local = base_url is not None and is_local_model_url(base_url)
        llm_tools = self.choice("LLM_TOOLS", ("catalogue", "mcp"), "catalogue")
        if llm_tools == "mcp" and provider != "openai":
            raise ConfigError("LLM_TOOLS=mcp needs LLM_PROVIDER=openai (the offline model calls the tools directly)")
        lifetime_text = self.raw("JWT_EXPIRES_IN")
        try:
            lifetime = parse_duration(lifetime_text) if lifetime_text else timedelta(days=7)
        except ValueError as exc:
            raise ConfigError(f"JWT_EXPIRES_IN {exc} (got {lifetime_text!r})") from None
        origins = self.items("CORS_ORIGINS", ("http://localhost:3000",))
        for origin in origins:
            parts = urlsplit(origin)
            if origin != "*" and (parts.scheme not in {"http", "https"} or not parts.netloc or parts.path):
                raise ConfigError(f"CORS_ORIGINS entries must look like https://host[:port] (got {origin!r})")
        log_level = self.choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper()
        return Settings(
            database_url=database_url,
            secret=secret,
            secret_source=source,
            jwks_url=self.url("JWT_JWKS_URL"),
            jwt_audience=self.raw("JWT_AUDIENCE"),
            jwt_issuer=self.raw("JWT_ISSUER"),
            token_lifetime=lifetime,
            llm_provider=provider,
            openai_api_key=api_key,
            openai_base_url=base_url,
            llm_model=self.text("LLM_MODEL", "gpt-4o-mini"),
            llm_api=self.choice("LLM_API", ("chat", "responses"), "chat" if base_url else "responses"),
            llm_tools=llm_tools,
            llm_mcp_url=self.url("LLM_MCP_URL"),
            # A local model's first call on a cold prompt takes 15-30 s on a laptop CPU, often more.
            llm_timeout=float(self.integer("LLM_TIMEOUT", 120 if local else 30, minimum=1, maximum=3600)),
            llm_turn_timeout=float(self.integer("LLM_TURN_TIMEOUT", 300 if local else 60, minimum=1, maximum=3600)),
            llm_max_attempts=self.integer("LLM_MAX_ATTEMPTS", 4, minimum=1, maximum=10),
            # "openai": the openai package's client (it honours HTTPS_PROXY); "lean": ours, lighter per turn.
            llm_http_client=self.choice("LLM_HTTP_CLIENT", ("lean", "openai"), "lean"),
            # "tools": a reply to a change is written from the tool results (one model call fewer).
            llm_reply_after_change=self.choice("LLM_REPLY_AFTER_CHANGE", ("tools", "model"), "tools"),
            cors_origins=origins,
            history_messages=self.integer("HISTORY_MESSAGES", 20, minimum=1, maximum=1000),
            history_tokens=self.integer("HISTORY_TOKENS", 8000, minimum=1),
            db_pool_size=self.integer("DB_POOL_SIZE", _POOL.pool_size, minimum=1, maximum=1000),
            db_max_overflow=self.integer("DB_MAX_OVERFLOW", _POOL.max_overflow, minimum=0, maximum=1000),
            db_pool_timeout=float(self.integer("DB_POOL_TIMEOUT", int(_POOL.pool_timeout), minimum=1, maximum=3600)),
            db_pool_recycle=self.integer("DB_POOL_RECYCLE", _POOL.pool_recycle, minimum=0),
            db_ping_after_idle=float(
                self.integer("DB_PING_AFTER_IDLE", int(_POOL.ping_after_idle), minimum=0, maximum=3600)
            ),
            login_rate_limit=self.rate("LOGIN_RATE_LIMIT", RateLimit(10, 60)),
            chat_rate_limit=self.rate("CHAT_RATE_LIMIT", RateLimit(60, 60)),
            max_body_bytes=self.integer("MAX_BODY_BYTES", 64 * 1024, minimum=1024, maximum=64 * 1024 * 1024),
            mcp_allowed_hosts=self.items("MCP_ALLOWED_HOSTS", DEFAULT_MCP_ALLOWED_HOSTS),
            log_level=log_level,
            trusted_proxies=self.networks("TRUSTED_PROXIES"),
            auth_client_rate_limit=self.rate("AUTH_CLIENT_RATE_LIMIT", RateLimit(30, 60)),
            http_header_timeout=float(self.integer("HTTP_HEADER_TIMEOUT", 10, minimum=1, maximum=3600)),
            http_body_timeout=float(self.integer("HTTP_BODY_TIMEOUT", 30, minimum=1, maximum=3600)),
            http_keep_alive_timeout=self.integer("HTTP_KEEP_ALIVE_TIMEOUT", 5, minimum=1, maximum=3600),
            http_max_connections=self.integer("HTTP_MAX_CONNECTIONS", 1000, minimum=1, maximum=1_000_000),
            public_url=self.public_url("PUBLIC_URL"),
            oauth_access_lifetime=self.duration("OAUTH_ACCESS_TOKEN_LIFETIME", timedelta(minutes=15)),
            oauth_refresh_lifetime=self.duration("OAUTH_REFRESH_TOKEN_LIFETIME", timedelta(days=30)),
        )

    def public_url(self, name: str) -> str | None:
        value = self.url(name)
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.query or parts.fragment:
            raise ConfigError(f"{name} must be a base URL without query or fragment (got {value!r})")
        return value.rstrip("/")

    def duration(self, name: str, default: timedelta) -> timedelta:
        value = self.raw(name)
        try:
            return parse_duration(value) if value else default
        except ValueError as exc:
            raise ConfigError(f"{name} {exc} (got {value!r})") from None

    def secret(self, database_url: str, workdir: Path) -> tuple[str, str]:
        value = self._values.get("BETTER_AUTH_SECRET", "").strip()
        if value:
            if len(value.encode()) < SECRET_MIN_BYTES:
                raise ConfigError(
                    f"BETTER_AUTH_SECRET must be at least {SECRET_MIN_BYTES} bytes "
                    "(try: python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            return value, "environment"
        path = sqlite_path(database_url, workdir)
        if path is None:  # in-memory SQLite is refused earlier (database_url_from)
            raise ConfigError("BETTER_AUTH_SECRET is required with a PostgreSQL DATABASE_URL")
        secret_file = path.with_name(path.name + SECRET_FILE_SUFFIX)
        return kept_secret(secret_file), f"kept in {secret_file}"


def is_local_model_url(url: str) -> bool:
    """A model server on this machine or network (Ollama, llama.cpp, vLLM): slower first calls."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        # localhost, mDNS / cloud-internal names, or a compose service name such as "ollama"
        return host == "localhost" or host.endswith((".local", ".internal")) or "." not in host
    return address.is_loopback or address.is_private or address.is_link_local


def database_url_from(value: str) -> str:
    """Accept the common spellings and answer with the async driver this app uses."""
    try:
        parsed = make_url(value)
    except ArgumentError:
        raise ConfigError("DATABASE_URL is not a database URL (e.g. sqlite+aiosqlite:///./todo-chat.db)") from None
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ConfigError(
            f"DATABASE_URL driver {parsed.drivername!r} is not supported "
            "(use sqlite+aiosqlite:// or postgresql+asyncpg://)"
        )
    if parsed.get_backend_name() == "sqlite" and (
        not parsed.database or parsed.database == ":memory:" or "mode=memory" in value
    ):
        # Every pooled connection would get its own empty database.
        raise ConfigError("DATABASE_URL is an in-memory SQLite database; use a file, e.g. sqlite+aiosqlite:///./todo-chat.db")
    scheme, rest = value.split(":", 1)
    return driver + ":" + rest if scheme != driver else value


def sqlite_path(database_url: str, workdir: Path) -> Path | None:
    """The file of a SQLite URL (relative paths resolved in ``workdir``); None for other databases."""
    if not database_url.startswith("sqlite"):
        return None
    database = make_url(database_url).database
    if not database or database == ":memory:" or "mode=memory" in database_url:
        return None
    database = database.removeprefix("file:")
    path = Path(database)
    return path if path.is_absolute() else workdir / path


def kept_secret(path: Path) -> str:
    """The secret stored at ``path``, created (mode 0600) on first use.

    Several workers may start at once: creation is exclusive, and a reader that finds
    the file still empty waits briefly for the writer.
    """
    if not path.parent.is_dir():
        raise ConfigError(f"DATABASE_URL points into {path.parent}, which does not exist")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    except OSError as exc:
        raise ConfigError(f"BETTER_AUTH_SECRET is unset and {path} cannot be created: {exc.strerror}") from None
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
    for _ in range(50):
        try:
            value = path.read_text().strip()
        except OSError as exc:
            raise ConfigError(f"BETTER_AUTH_SECRET is unset and {path} cannot be read: {exc.strerror}") from None
        if value:
            break
        time.sleep(0.02)
    if len(value.encode()) < SECRET_MIN_BYTES:
        raise ConfigError(f"BETTER_AUTH_SECRET is unset and {path} holds fewer than {SECRET_MIN_BYTES} bytes")
    return value


def parse_duration(text: str) -> timedelta:
    """``3600``, ``90s``, ``30m``, ``12h``, ``7d`` (a bare number is seconds)."""
    match = _DURATION.fullmatch(text.lower())
    unit = match.group(2) if match else None
    if match is None or (unit and unit not in _UNITS):
        raise ValueError("must be a duration such as 3600, 30m, 12h or 7d")
    seconds = int(match.group(1)) * _UNITS.get(unit or "s", 1)
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return timedelta(seconds=seconds)


def parse_rate(text: str) -> RateLimit:
    """``10/minute``, ``60/min``, ``5/30s``, ``1000/hour``."""
    match = _RATE.fullmatch(text.lower())
    if match is None or match.group(3) not in _UNITS:
        raise ValueError("must look like 10/minute, 5/30s or 1000/hour")
    count = int(match.group(1))
    period = int(match.group(2) or 1) * _UNITS[match.group(3)]
    if count < 1 or period < 1:
        raise ValueError("must allow at least one request per period")
    return RateLimit(count, float(period))
