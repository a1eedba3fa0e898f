"""The composition root: what it builds from the settings, and its lifecycle helpers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from adapters.llm.offline import OfflineModel
from adapters.llm.openai_agents import AgentsModel
from entrypoints import container as composition
from entrypoints.container import build_container, describe_database, describe_model, settings_of
from tests.integration.http.conftest import make_settings


def test_offline_is_the_default_model(tmp_path: Path) -> None:
    container = build_container(make_settings(tmp_path))
    assert isinstance(container.language_model(), OfflineModel)
    assert describe_model(container).startswith("offline")


def test_openai_is_built_only_when_chosen_and_without_network(tmp_path: Path) -> None:
    settings = replace(
        make_settings(tmp_path),
        llm_provider="openai",
        openai_base_url="http://127.0.0.1:9/v1",
        llm_model="llama3.2",
        llm_api="chat",
    )
    container = build_container(settings)
    assert isinstance(container.language_model(), AgentsModel)
    assert describe_model(container) == "openai llama3.2 via http://127.0.0.1:9/v1 (chat API)"


def test_llm_http_client_picks_the_agents_model_transport(tmp_path: Path) -> None:
    base = replace(make_settings(tmp_path), llm_provider="openai", openai_base_url="http://127.0.0.1:9/v1")
    assert make_settings(tmp_path).llm_http_client == "lean"
    for choice, lean in (("lean", True), ("openai", False)):
        model = build_container(replace(base, llm_http_client=choice)).language_model()
        assert isinstance(model, AgentsModel) and model.settings.lean_client is lean


def test_use_cases_are_shared_and_units_of_work_are_fresh(tmp_path: Path) -> None:
    container = build_container(make_settings(tmp_path))
    assert container.chat_use_cases() is container.chat_use_cases()
    assert container.task_use_cases() is container.task_use_cases()
    assert container.unit_of_work() is not container.unit_of_work()


def test_settings_round_trip_and_masked_database(tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path), database_url="postgresql+asyncpg://todo:hunter2@db:5432/todo")
    container = build_container(settings)
    assert settings_of(container) == settings
    assert describe_database(container) == "postgresql+asyncpg://todo:***@db:5432/todo"


async def test_prepare_migrates_and_shutdown_closes_the_pool(tmp_path: Path) -> None:
    container = build_container(make_settings(tmp_path))
    await composition.prepare(container)
    assert await container.database_ready()
    await composition.shutdown(container)
    # A disposed pool reconnects on demand: the container stays usable after shutdown.
    assert await container.database_ready()
    await composition.shutdown(container)
