"""One source of truth for the pool's defaults (issue 15): the engine's settings.

The configuration used to repeat them (Settings, and again in the environment reader);
now both take them from ``EngineSettings``, and an unset environment builds the engine
the adapter would build by default.
"""

from __future__ import annotations

from pathlib import Path

from adapters.sql.engine import EngineSettings
from entrypoints.config import Settings, load_settings


def _pool(settings: Settings) -> tuple[object, ...]:
    return (
        settings.db_pool_size,
        settings.db_max_overflow,
        settings.db_pool_timeout,
        settings.db_pool_recycle,
        settings.db_ping_after_idle,
    )


ENGINE = EngineSettings()
ENGINE_POOL = (ENGINE.pool_size, ENGINE.max_overflow, ENGINE.pool_timeout, ENGINE.pool_recycle, ENGINE.ping_after_idle)


def test_settings_and_an_empty_environment_have_the_engines_pool_defaults(tmp_path: Path) -> None:
    assert _pool(Settings()) == ENGINE_POOL
    assert _pool(load_settings({}, tmp_path)) == ENGINE_POOL


def test_the_environment_still_overrides_them(tmp_path: Path) -> None:
    environ = {"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "2", "DB_POOL_TIMEOUT": "4", "DB_POOL_RECYCLE": "60"}
    assert _pool(load_settings(environ, tmp_path))[:4] == (3, 2, 4.0, 60)
