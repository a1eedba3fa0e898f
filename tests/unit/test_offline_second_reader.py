"""The second reader (ADR 0015): trained on hand-written sentences too, it is consulted only when
the first reader asked and changed nothing, and its turn stands only when it holds.

The sentences are the team's own; none is taken from an evaluation set.
"""

from __future__ import annotations

import pytest

from adapters.llm.offline.engine import load, load_second
from adapters.llm.offline.model import OfflineModel
from adapters.memory.store import MemoryStore
from application.history import HistoryWindow
from application.tools import ToolCatalogue
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock, SequentialIds
from tests.unit.offline_chat import state, talk


async def run(model: OfflineModel, setup: tuple[str, ...], *turns: str) -> tuple[list[tuple[str, bool]], str]:
    store, clock = MemoryStore(), FakeClock()
    tasks = TaskUseCases(store.unit_of_work, clock)
    chat = ChatUseCases(store.unit_of_work, clock, SequentialIds(), model, ToolCatalogue(tasks, clock),
                        HistoryWindow(max_messages=20, max_tokens=4000))
    for title in setup:
        await tasks.add("alice", NewTask(title))
    reply = await talk(chat, *turns)
    return await state(tasks), reply


FIRST_ONLY = OfflineModel(load())
BOTH = OfflineModel(load(), load_second())


def test_the_second_reader_ships_and_differs_from_the_first() -> None:
    second = load_second()
    assert second is not None
    assert second.tagger.model.weights != load().tagger.model.weights
    assert OfflineModel()._second is second and OfflineModel(load())._second is None


@pytest.mark.parametrize(("setup", "message", "after"), [
    (("water the ferns", "call the vet"), "task 1 done, task 2 delete", [("water the ferns", True)]),
])
async def test_where_the_first_reader_asks_the_second_can_act(
    setup: tuple[str, ...], message: str, after: list[tuple[str, bool]]
) -> None:
    before, reply = await run(FIRST_ONLY, setup, message)
    assert before == [(t, False) for t in setup]
    assert "haven't changed anything" in reply or "couldn't find" in reply
    assert (await run(BOTH, setup, message))[0] == after


async def test_a_title_named_on_the_list_is_read_by_the_first_reader_as_that_task() -> None:
    # it once needed the second reader; linking the name to task 2 lets the first read it (linking.py)
    setup = ("oil the bike chain", "pay council tax")
    after, reply = await run(FIRST_ONLY, setup, "take 'pay council tax' off the list")
    assert after == [("oil the bike chain", False)] and "Deleted task 2" in reply


@pytest.mark.parametrize("message", ["order new printer ink", "finished oil the bike chain and pay council tax"])
async def test_where_the_first_reader_is_sure_the_second_is_not_asked(message: str) -> None:
    setup = ("oil the bike chain", "pay council tax")
    assert await run(BOTH, setup, message) == await run(FIRST_ONLY, setup, message)


async def test_a_same_breath_correction_keeps_the_first_readers_question() -> None:
    # the second reader would add "call Rina at 5" and drop the correction
    message = "add call Rina at 5 no wait call Tina"
    assert (await run(BOTH, (), message)) == (await run(FIRST_ONLY, (), message))


async def test_the_second_reader_never_adds_a_task_already_on_the_list() -> None:
    setup = ("write report",)
    message = "write report: due friday, high priority, and add a note that the draft is in the shared drive"
    state_after, _ = await run(BOTH, setup, message)
    assert [t for t, _ in state_after].count("write report") == 1
