from __future__ import annotations

import pytest

from adapters.llm.offline.model import OfflineModel
from adapters.memory.store import MemoryStore
from application.history import HistoryWindow
from application.tools import ToolCatalogue
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import TaskUseCases
from tests.doubles import FakeClock, ScriptedModel, SequentialIds


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tasks(store: MemoryStore, clock: FakeClock) -> TaskUseCases:
    return TaskUseCases(store.unit_of_work, clock)


@pytest.fixture
def catalogue(tasks: TaskUseCases, clock: FakeClock) -> ToolCatalogue:
    return ToolCatalogue(tasks, clock)


@pytest.fixture
def model(store: MemoryStore) -> ScriptedModel:
    return ScriptedModel(steps=[], store=store)


@pytest.fixture
def chat(
    store: MemoryStore, clock: FakeClock, model: ScriptedModel, catalogue: ToolCatalogue
) -> ChatUseCases:
    return ChatUseCases(
        store.unit_of_work, clock, SequentialIds(), model, catalogue, HistoryWindow(max_messages=6, max_tokens=200)
    )


@pytest.fixture
def offline_chat(store: MemoryStore, clock: FakeClock, catalogue: ToolCatalogue) -> ChatUseCases:
    return ChatUseCases(store.unit_of_work, clock, SequentialIds(), OfflineModel(), catalogue,
                        HistoryWindow(max_messages=20, max_tokens=4000))
