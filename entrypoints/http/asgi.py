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
    container = build_container(settings)
    # Build the model and the use cases now: a model that cannot be built fails the start,
    # not the first chat, and the first login does not pay for the decoy password hash.
    container.chat_use_cases()
    container.account_use_cases()
    return create_app(container)
