"""``entrypoints.http.asgi:create``: the app factory uvicorn imports in each worker.

Settings come from the environment and ``.env`` of the working directory, exactly as the
CLI read them before starting the workers.
"""

from __future__ import annotations

from litestar import Litestar

from entrypoints.config import load_settings
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from entrypoints.logs import configure_logging


def create() -> Litestar:
    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(build_container(settings))
