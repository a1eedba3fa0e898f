"""Structured logs: one JSON object per line on stderr.

Request lines carry method, path template, status, duration, request id and user id;
never message content, passwords or tokens.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

# Attributes every record has, and uvicorn's ANSI-coloured duplicate of the message.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "color_message",
}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO") -> None:
    """JSON lines on stderr for our loggers and uvicorn's; idempotent."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = []
        logger.propagate = True
    # Our request line replaces uvicorn's access log.
    logging.getLogger("uvicorn.access").disabled = True
    # The banner says where we listen; uvicorn's and the MCP manager's start/stop notes at info
    # repeat it as JSON around it. Their warnings and errors still show.
    for chatty in ("uvicorn.error", "mcp.server.streamable_http_manager"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    # Alembic announces each of its plugins at info; the migrations it runs stay visible.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


@contextmanager
def migrations_told_quietly() -> Iterator[list[str]]:
    """Collect the revisions Alembic applies ("0001", "0002_oauth") instead of logging them.

    Start-up output is for people: the banner or one error line, not Alembic's notes about
    its context and DDL. The caller says which migrations ran in its own words.
    """
    applied: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.WARNING:
                logging.getLogger().handle(record)  # a warning is still worth a log line
                return
            message = record.getMessage()
            if message.startswith("Running upgrade"):  # "Running upgrade 0001 -> 0002_oauth, Title"
                applied.append(message.split(",", 1)[0].rsplit("->", 1)[-1].strip())

    alembic = logging.getLogger("alembic")
    saved = (alembic.handlers[:], alembic.propagate, alembic.level)
    alembic.handlers[:] = [Collect(logging.INFO)]
    alembic.propagate = False
    alembic.setLevel(logging.INFO)
    try:
        yield applied
    finally:
        alembic.handlers[:], alembic.propagate, _ = saved
        alembic.setLevel(saved[2])
