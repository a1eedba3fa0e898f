"""Schemathesis against /schema/openapi.json: no 5xx, and every response matches the schema.

In process (ASGI), a memory store, a fixed user with a valid token, a bounded and
deterministic number of examples per operation.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from dependency_injector import providers
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from adapters.llm.offline import OfflineModel
from adapters.memory.store import MemoryStore
from entrypoints.container import build_container
from entrypoints.http.app import create_app
from tests.doubles import ScriptedModel
from tests.integration.http.conftest import ALICE, configure, make_settings, mint

EXAMPLES_PER_OPERATION = 30


def _app() -> Any:
    container = build_container(make_settings(Path(tempfile.mkdtemp(prefix="todo-chat-schemathesis-"))))
    configure(container, MemoryStore(), ScriptedModel([]))
    # The real offline model: fuzzed messages reach a real interpreter and real tools.
    container.language_model.override(providers.Object(OfflineModel()))
    return create_app(container)


schema = schemathesis.openapi.from_asgi("/schema/openapi.json", _app())


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    if "user_id" in (case.path_parameters or {}):
        case.path_parameters["user_id"] = ALICE
    case.call_and_validate(
        headers={"Authorization": f"Bearer {mint(ALICE)}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            response_headers_conformance,
        ],
    )
