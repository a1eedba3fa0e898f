"""Settings of MCP sign-in: PUBLIC_URL and the OAuth token lifetimes, each refused in one line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from entrypoints.config import ConfigError, load_settings
from entrypoints.container import build_container

SECRET = {"BETTER_AUTH_SECRET": "s" * 40}


def test_defaults(tmp_path: Path) -> None:
    settings = load_settings(SECRET, tmp_path)
    assert settings.public_url is None
    assert settings.oauth_access_lifetime == timedelta(minutes=15)
    assert settings.oauth_refresh_lifetime == timedelta(days=30)


def test_public_url_and_lifetimes_are_read(tmp_path: Path) -> None:
    settings = load_settings(
        {
            **SECRET,
            "PUBLIC_URL": "https://tasks.example.com/",
            "OAUTH_ACCESS_TOKEN_LIFETIME": "5m",
            "OAUTH_REFRESH_TOKEN_LIFETIME": "7d",
        },
        tmp_path,
    )
    assert settings.public_url == "https://tasks.example.com"  # no trailing slash: issuers compare as strings
    assert settings.oauth_access_lifetime == timedelta(minutes=5)
    assert settings.oauth_refresh_lifetime == timedelta(days=7)
    # Its host is allowed on /mcp without listing it in MCP_ALLOWED_HOSTS.
    mcp = build_container(settings).mcp_http()
    assert "tasks.example.com" in mcp.security.allowed_hosts
    assert mcp.resource_url == "https://tasks.example.com/mcp"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PUBLIC_URL", "tasks.example.com", "PUBLIC_URL must be an http(s) URL"),
        ("PUBLIC_URL", "https://tasks.example.com/?x=1", "PUBLIC_URL must be a base URL without query or fragment"),
        ("OAUTH_ACCESS_TOKEN_LIFETIME", "soon", "OAUTH_ACCESS_TOKEN_LIFETIME must be a duration"),
        ("OAUTH_REFRESH_TOKEN_LIFETIME", "0", "OAUTH_REFRESH_TOKEN_LIFETIME must be longer than zero"),
    ],
)
def test_bad_values_name_the_variable(tmp_path: Path, name: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({**SECRET, name: value}, tmp_path)
    assert str(refused.value).startswith(message)
