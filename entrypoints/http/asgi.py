"""``entrypoints.http.asgi:create``: the app factory uvicorn imports in each worker.

Settings come from the environment and ``.env`` of the working directory, exactly as the
CLI read them before starting the workers.
"""

from __future__ import annotations

import gc

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
    app = create_app(container)
    # What is built by now (modules, the app, the model, the Agents SDK) lives as long as the
    # worker: kept out of the collector's full passes, which otherwise walk its ~250,000
    # objects again and again under load (1.5 ms of CPU per Agents SDK turn at 50 concurrent
    # turns, tests/perf/turn_cost.py --concurrent --freeze). Garbage is collected first.
    gc.collect()
    gc.freeze()
    return app
