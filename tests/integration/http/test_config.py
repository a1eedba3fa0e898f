"""Settings: defaults, .env, validation with one line naming the variable, the kept secret."""

from __future__ import annotations

import stat
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from entrypoints.config import (
    ConfigError,
    RateLimit,
    load_settings,
    mask_url,
    parse_duration,
    parse_rate,
)

GOOD_SECRET = "s" * 40


def test_defaults_use_sqlite_in_the_working_directory_and_keep_a_secret(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path)
    assert settings.database_url == "sqlite+aiosqlite:///./todo-chat.db"
    model = (settings.llm_provider, settings.llm_model, settings.llm_api)
    assert model == ("offline", "gpt-4o-mini", "responses")
    assert settings.cors_origins == ("http://localhost:3000",)
    assert (settings.history_messages, settings.history_tokens) == (20, 8000)
    assert settings.token_lifetime == timedelta(days=7)
    assert settings.max_body_bytes == 64 * 1024
    secret_file = tmp_path / "todo-chat.db.secret"
    assert secret_file.read_text().strip() == settings.secret
    assert len(settings.secret.encode()) >= 32
    assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
    # A restart (a new load) keeps the secret, so issued tokens stay valid.
    assert load_settings({}, tmp_path).secret == settings.secret


def test_the_secret_sits_beside_an_absolute_database_path(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    settings = load_settings({"DATABASE_URL": f"sqlite+aiosqlite:///{data}/tasks.db"}, tmp_path)
    assert (data / "tasks.db.secret").read_text().strip() == settings.secret


def test_workers_starting_together_agree_on_one_secret(tmp_path: Path) -> None:
    seen: list[str] = []

    def load() -> None:
        seen.append(load_settings({}, tmp_path).secret)

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(seen)) == 1


def test_dotenv_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(
        f"BETTER_AUTH_SECRET={GOOD_SECRET}\nLLM_MODEL=from-dotenv\nHISTORY_MESSAGES=7\n"
    )
    settings = load_settings({"LLM_MODEL": "from-env"}, tmp_path)
    assert (settings.secret, settings.llm_model, settings.history_messages) == (GOOD_SECRET, "from-env", 7)
    assert settings.secret_source == "environment"


def test_postgres_urls_are_normalised_to_asyncpg(tmp_path: Path) -> None:
    for url in ("postgresql://u:p@db/todo", "postgres://u:p@db/todo"):
        settings = load_settings({"DATABASE_URL": url, "BETTER_AUTH_SECRET": GOOD_SECRET}, tmp_path)
        assert settings.database_url == "postgresql+asyncpg://u:p@db/todo"
        assert settings.database_display == "postgresql+asyncpg://u:***@db/todo"


def test_mask_url_leaves_urls_without_password_alone() -> None:
    assert mask_url("sqlite+aiosqlite:///./todo-chat.db") == "sqlite+aiosqlite:///./todo-chat.db"


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"BETTER_AUTH_SECRET": "too-short"}, "BETTER_AUTH_SECRET"),
        ({"DATABASE_URL": "postgresql+asyncpg://u@db/todo"}, "BETTER_AUTH_SECRET"),
        ({"DATABASE_URL": "mysql://u@db/todo"}, "DATABASE_URL"),
        ({"DATABASE_URL": "::not a url::"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite+aiosqlite:////no/such/dir/x.db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite+aiosqlite:///:memory:"}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite://"}, "DATABASE_URL"),
        ({"DB_PING_AFTER_IDLE": "-1"}, "DB_PING_AFTER_IDLE"),
        ({"LLM_TIMEOUT": "soon"}, "LLM_TIMEOUT"),
        ({"LLM_TURN_TIMEOUT": "0"}, "LLM_TURN_TIMEOUT"),
        ({"LLM_MAX_ATTEMPTS": "0"}, "LLM_MAX_ATTEMPTS"),
        ({"LLM_PROVIDER": "gpt"}, "LLM_PROVIDER"),
        ({"LLM_PROVIDER": "openai"}, "OPENAI_API_KEY"),
        ({"LLM_API": "completions"}, "LLM_API"),
        ({"LLM_REPLY_AFTER_CHANGE": "never"}, "LLM_REPLY_AFTER_CHANGE"),
        ({"OPENAI_BASE_URL": "localhost:11434"}, "OPENAI_BASE_URL"),
        ({"JWT_JWKS_URL": "ftp://idp/jwks"}, "JWT_JWKS_URL"),
        ({"JWT_EXPIRES_IN": "forever"}, "JWT_EXPIRES_IN"),
        ({"JWT_EXPIRES_IN": "0"}, "JWT_EXPIRES_IN"),
        ({"HISTORY_MESSAGES": "twenty"}, "HISTORY_MESSAGES"),
        ({"HISTORY_MESSAGES": "0"}, "HISTORY_MESSAGES"),
        ({"HISTORY_TOKENS": "-1"}, "HISTORY_TOKENS"),
        ({"DB_POOL_SIZE": "0"}, "DB_POOL_SIZE"),
        ({"LOGIN_RATE_LIMIT": "lots"}, "LOGIN_RATE_LIMIT"),
        ({"CHAT_RATE_LIMIT": "10/fortnight"}, "CHAT_RATE_LIMIT"),
        ({"MAX_BODY_BYTES": "10"}, "MAX_BODY_BYTES"),
        ({"CORS_ORIGINS": "localhost:3000"}, "CORS_ORIGINS"),
        ({"CORS_ORIGINS": " , "}, "CORS_ORIGINS"),
        ({"MCP_ALLOWED_HOSTS": ","}, "MCP_ALLOWED_HOSTS"),
        ({"LOG_LEVEL": "loud"}, "LOG_LEVEL"),
        ({"TRUSTED_PROXIES": "*"}, "TRUSTED_PROXIES"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8, proxy.internal"}, "TRUSTED_PROXIES"),
        ({"AUTH_CLIENT_RATE_LIMIT": "many"}, "AUTH_CLIENT_RATE_LIMIT"),
        ({"HTTP_HEADER_TIMEOUT": "0"}, "HTTP_HEADER_TIMEOUT"),
        ({"HTTP_BODY_TIMEOUT": "slow"}, "HTTP_BODY_TIMEOUT"),
        ({"HTTP_MAX_CONNECTIONS": "0"}, "HTTP_MAX_CONNECTIONS"),
    ],
)
def test_bad_settings_fail_with_one_line_naming_the_variable(
    tmp_path: Path, environ: dict[str, str], variable: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings(environ, tmp_path)
    message = str(raised.value)
    assert variable in message
    assert "\n" not in message


def test_openai_settings(tmp_path: Path) -> None:
    hosted = load_settings({"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "sk-test"}, tmp_path)
    assert (hosted.llm_provider, hosted.llm_api, hosted.openai_api_key) == ("openai", "responses", "sk-test")
    local = load_settings(
        {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1", "LLM_MODEL": "llama3.2"},
        tmp_path,
    )
    assert (local.llm_api, local.openai_api_key, local.llm_model) == ("chat", None, "llama3.2")
    assert "sk-test" not in repr(hosted)
    assert hosted.llm_reply_after_change == "tools"  # a change's reply is written from its result
    worded = load_settings({"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "k", "LLM_REPLY_AFTER_CHANGE": "model"},
                           tmp_path)
    assert worded.llm_reply_after_change == "model"


@pytest.mark.parametrize(("base_url", "timeouts"), [
    (None, (30.0, 60.0)),  # the hosted API answers in seconds
    ("http://127.0.0.1:8091/v1", (120.0, 300.0)),  # a cold local model's first call takes 16-28 s, often more
    ("http://ollama:11434/v1", (120.0, 300.0)),
    ("https://models.example.com/v1", (30.0, 60.0)),
])
def test_local_model_servers_get_timeouts_a_cold_first_call_fits(
    tmp_path: Path, base_url: str | None, timeouts: tuple[float, float]
) -> None:
    env = {"LLM_PROVIDER": "openai", "OPENAI_API_KEY": "k"} | ({"OPENAI_BASE_URL": base_url} if base_url else {})
    settings = load_settings(env, tmp_path)
    assert (settings.llm_timeout, settings.llm_turn_timeout) == timeouts
    chosen = load_settings(env | {"LLM_TIMEOUT": "5", "LLM_TURN_TIMEOUT": "9"}, tmp_path)
    assert (chosen.llm_timeout, chosen.llm_turn_timeout) == (5.0, 9.0)


def test_lists_and_limits(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "CORS_ORIGINS": "https://app.example.com, http://localhost:5173",
            "MCP_ALLOWED_HOSTS": "tasks.example.com,127.0.0.1:*",
            "LOGIN_RATE_LIMIT": "5/30s",
            "CHAT_RATE_LIMIT": "off",
            "JWT_EXPIRES_IN": "12h",
        },
        tmp_path,
    )
    assert settings.cors_origins == ("https://app.example.com", "http://localhost:5173")
    assert settings.mcp_allowed_hosts == ("tasks.example.com", "127.0.0.1:*")
    assert settings.login_rate_limit == RateLimit(5, 30)
    assert settings.chat_rate_limit is None
    assert settings.token_lifetime == timedelta(hours=12)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("90s", 90), ("30m", 1800), ("12h", 43200), ("7d", 604800), ("2 days", 172800)],
)
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "limit"),
    [("10/minute", RateLimit(10, 60)), ("60/min", RateLimit(60, 60)), ("5/30s", RateLimit(5, 30)),
     ("1000/hour", RateLimit(1000, 3600)), ("3/ 2 m", RateLimit(3, 120))],
)
def test_rates(text: str, limit: RateLimit) -> None:
    assert parse_rate(text) == limit


def test_edge_settings_default_to_no_trusted_proxy_and_bounded_waits(tmp_path: Path) -> None:
    defaults = load_settings({}, tmp_path)
    assert defaults.trusted_proxies == ()  # proxy headers ignored unless a proxy is named
    assert defaults.auth_client_rate_limit == RateLimit(30, 60)
    assert (defaults.http_header_timeout, defaults.http_body_timeout) == (10.0, 30.0)
    assert (defaults.http_keep_alive_timeout, defaults.http_max_connections) == (5, 1000)
    chosen = load_settings(
        {"TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1, ::1", "AUTH_CLIENT_RATE_LIMIT": "off", "HTTP_BODY_TIMEOUT": "5"},
        tmp_path,
    )
    assert chosen.trusted_proxies == ("10.0.0.0/8", "127.0.0.1", "::1")
    assert chosen.auth_client_rate_limit is None and chosen.http_body_timeout == 5.0
