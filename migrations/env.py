"""Alembic environment: async, Postgres and SQLite (batch mode), connection sharing.

``adapters.sql.migrate`` passes an open connection in ``config.attributes["connection"]``
(that is how ``todo-chat migrate`` and ``serve`` run it, under the Postgres advisory lock).
The plain ``alembic -c migrations/alembic.ini ...`` command line, for writing new
revisions, connects from ``DATABASE_URL`` or ``sqlalchemy.url`` instead.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any

from alembic import context
from sqlalchemy.engine import Connection

from adapters.sql.engine import DEFAULT_URL, create_engine
from adapters.sql.tables import metadata

config = context.config


def _url() -> str:
    return os.environ.get("DATABASE_URL") or config.get_main_option("sqlalchemy.url") or DEFAULT_URL


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things in place: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_url() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


def run() -> None:
    shared: Any = config.attributes.get("connection")
    if shared is not None:
        _configure(shared)  # the application's logging stays as the application set it
        return
    if config.config_file_name:
        fileConfig(config.config_file_name, disable_existing_loggers=False)
    asyncio.run(_run_from_url())


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run()
