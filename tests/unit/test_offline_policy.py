"""The offline model's acting policy (issue 13): only a request changes the list, a bulk change
selects exactly what its words say, a correction re-targets the last change, a quoted rename
updates, and undo goes through the same tool real models use.

The sentences here are the team's own, written for each class of wrong change; none is taken
from an evaluation set.
"""

from __future__ import annotations

from typing import Any

import pytest

from adapters.llm.offline import mood
from adapters.llm.offline.model import OfflineModel
from adapters.memory.store import MemoryStore
from application.history import HistoryWindow
from application.queries import TaskQuery
from application.tools import ToolCatalogue
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from tests.doubles import FakeClock, SequentialIds


@pytest.fixture
def offline_chat(store: MemoryStore, clock: FakeClock, catalogue: ToolCatalogue) -> ChatUseCases:
    return ChatUseCases(store.unit_of_work, clock, SequentialIds(), OfflineModel(), catalogue,
                        HistoryWindow(max_messages=20, max_tokens=4000))


async def setup(tasks: TaskUseCases, *titles: str, done: tuple[str, ...] = ()) -> None:
    for title in titles:
        task = await tasks.add("alice", NewTask(title))
        if title in done:
            await tasks.complete("alice", task.id)


async def state(tasks: TaskUseCases) -> list[tuple[str, bool]]:
    return [(t.title, t.completed) for t in (await tasks.find("alice", TaskQuery())).items]


async def talk(chat: ChatUseCases, *turns: str) -> str:
    conversation: Any = None
    reply = ""
    for turn in turns:
        answer = await chat.send("alice", turn, conversation)
        conversation, reply = answer.conversation_id, answer.response
    return reply


# -- 1. mood: only a request acts ------------------------------------------------------------

@pytest.mark.parametrize(("clause", "kind"), [
    ("should I tick off the gas bill?", mood.QUESTION),
    ("do we need to book the vet?", mood.QUESTION),
    ("did I already put the passport renewal on?", mood.QUESTION),
    ("how do I remove a task?", mood.QUESTION),
    ("did you delete the plumber one?", mood.QUESTION),
    ("please don't remove the plumber", mood.NEGATED),
    ("no need to tick that off", mood.NEGATED),
    ("dont move it", mood.NEGATED),
    ("leave that one for now", mood.NEGATED),
    ("I don't want you to add it", mood.NEGATED),
    ("maybe we should add a trip to the tip", mood.HYPOTHETICAL),
    ("I may have to reschedule the haircut", mood.HYPOTHETICAL),
    ("thinking about adding yoga on sundays", mood.HYPOTHETICAL),
    ("not sure if I sent the invoice", mood.HYPOTHETICAL),
    ("if the shop is shut, move the bread to monday", mood.CONDITIONAL),
    ("push the essay to friday if I can't get it done", mood.CONDITIONAL),
    # requests, including ones typed as questions or with a negation that is not over the action
    ("could you tick off the gas bill?", mood.REQUEST),
    ("would you mind removing the plumber?", mood.REQUEST),
    ("can I add a dentist trip for friday", mood.REQUEST),
    ("please add grout the bathroom", mood.REQUEST),
    ("don't let me forget to water the ferns", mood.REQUEST),
    ("I don't need to buy the paint anymore", mood.REQUEST),
    ("no, delete the other one", mood.REQUEST),
    ("remind me to check if the pharmacy is open", mood.REQUEST),
    ("remind me to take a coat in case it snows", mood.REQUEST),
    ("if you can, add descale the kettle", mood.REQUEST),
    ("I was wondering if you could add descale the kettle", mood.REQUEST),
    ("never mind, take it off", mood.REQUEST),
    ("I finished the ironing", mood.REQUEST),
    ("leave a review for the garage", mood.REQUEST),
])
def test_the_mood_of_a_clause(clause: str, kind: str) -> None:
    assert mood.analyse(clause, "", clause).kind == kind


@pytest.mark.parametrize("message", [
    "should I tick off the gas bill? not sure I paid it",
    "do we need to pay the gas bill?",
    "please don't remove the gas bill",
    "no need to tick off the gas bill",
    "maybe I should mark the gas bill as done",
    "if the gas bill comes, mark it done",
    "did I already add pay the gas bill?",
])
async def test_what_is_not_a_request_never_changes_the_list(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "pay the gas bill", "sand the door")
    reply = await talk(offline_chat, message)
    assert await state(tasks) == [("pay the gas bill", False), ("sand the door", False)]
    assert "changed anything" in reply or "left your list" in reply or "already have" in reply


async def test_a_question_about_ones_own_plan_offers_its_best_reading(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "pay the gas bill", "sand the door")
    reply = await talk(offline_chat, "maybe I should mark the gas bill as done")
    assert "Did you want me to mark task 1 (pay the gas bill) as done?" in reply


async def test_a_hypothetical_add_next_to_dont_add_adds_nothing(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    reply = await talk(offline_chat, "I might have to repaint the fence in spring, don't put it on the list yet")
    assert await state(tasks) == []
    assert "haven't" in reply or "left your list" in reply


async def test_did_i_add_answers_from_the_list(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "renew the parking permit")
    reply = await talk(offline_chat, "did I already add renew the parking permit?")
    assert await state(tasks) == [("renew the parking permit", False)]
    assert "task 1 (renew the parking permit)" in reply


@pytest.mark.parametrize("message", [
    "could you tick off the gas bill?",
    "would you mind marking the gas bill as done?",
])
async def test_a_request_typed_as_a_question_still_acts(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "pay the gas bill", "sand the door")
    await talk(offline_chat, message)
    assert await state(tasks) == [("pay the gas bill", True), ("sand the door", False)]


async def test_a_negation_of_the_persons_own_verb_is_still_a_request(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "buy the paint", "sand the door")
    await talk(offline_chat, "add buy brushes", "actually never mind, remove it")
    assert await state(tasks) == [("buy the paint", False), ("sand the door", False)]
