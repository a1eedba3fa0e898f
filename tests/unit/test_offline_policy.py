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
from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskChanges, TaskUseCases
from tests.doubles import FakeClock
from tests.unit.offline_chat import state, talk


async def setup(tasks: TaskUseCases, *titles: str, done: tuple[str, ...] = ()) -> None:
    for title in titles:
        task = await tasks.add("alice", NewTask(title))
        if title in done:
            await tasks.complete("alice", task.id)


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
    # a yes/no question about how things stand asks for an answer; "is it ok to ..." asks for a change
    ("is the gutter job urgent?", mood.QUESTION),
    ("are the curtains due friday?", mood.QUESTION),
    ("was the boiler service done?", mood.QUESTION),
    ("is it ok to move the boiler service to monday?", mood.REQUEST),
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
    await talk(offline_chat, message)
    assert await state(tasks) == [("pay the gas bill", False), ("sand the door", False)]


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


# -- 2. quantifier scope: a bulk change selects exactly what its words say -------------------

async def test_all_as_an_adverb_is_no_bulk_change_and_the_number_wins(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "defrost the freezer", "return the drill", "wash the car")
    await talk(offline_chat, "all finished with no. 3")
    # task 3 done, or (if the reading is unsure) a question: never the other two
    assert (await state(tasks))[:2] == [("defrost the freezer", False), ("return the drill", False)]


async def test_a_quantifier_with_a_status_selects_only_that_status(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "defrost the freezer", "return the drill", "wash the car", done=("return the drill",))
    await talk(offline_chat, "remove every finished task")
    assert await state(tasks) == [("defrost the freezer", False), ("wash the car", False)]


async def test_a_quantifier_with_title_words_selects_the_tasks_they_name(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "sand the shed door", "paint the shed door", "buy screws")
    await talk(offline_chat, "delete both shed tasks")
    assert await state(tasks) == [("buy screws", False)]


async def test_a_count_that_does_not_fit_the_selection_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the shed door", "paint the shed door", "oil the shed hinge")
    reply = await talk(offline_chat, "delete both shed tasks")
    assert len(await state(tasks)) == 3
    assert "You said 2, but I found 3" in reply


async def test_title_words_that_match_nothing_ask(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the shed door", "buy screws")
    await talk(offline_chat, "delete all the garage tasks")
    assert len(await state(tasks)) == 2


async def test_a_bulk_exception_leaves_the_named_task_alone(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the shed door", "buy screws", "wash the car")
    reply = await talk(offline_chat, "mark everything done except the car")
    assert [done for _, done in await state(tasks)] == [True, True, False]
    assert "task 3 is left as before" in reply


async def test_a_bulk_exception_that_names_no_task_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the shed door", "buy screws", "wash the car")
    await talk(offline_chat, "done w/ everything except the garage stuff")
    assert [done for _, done in await state(tasks)] == [False, False, False]


async def test_everything_with_nothing_shown_is_every_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "sand the shed door", "buy screws")
    await talk(offline_chat, "tick all of them off")
    assert await state(tasks) == [("sand the shed door", True), ("buy screws", True)]


# -- 3. corrections of the last change re-target it ----------------------------------------

async def test_wrong_one_re_targets_the_last_change_to_the_task_meant(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "email the landlord", "email the school")
    reply = await talk(offline_chat, "tick off task 2", "oops wrong one, I meant number 1")
    assert await state(tasks) == [("email the landlord", True), ("email the school", False)]
    assert "task 2 (email the school) back" in reply


async def test_the_other_one_is_the_one_other_task_like_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "email the landlord", "email the school", "buy bin bags")
    await talk(offline_chat, "delete the school email", "no, the other one")
    assert await state(tasks) == [("email the school", False), ("buy bin bags", False)]


async def test_not_that_one_with_a_title_re_targets(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "email the landlord", "book the boiler service")
    await talk(offline_chat, "mark the landlord one done", "not that one, the boiler")
    assert await state(tasks) == [("email the landlord", False), ("book the boiler service", True)]


async def test_a_correction_after_an_add_neither_adds_nor_deletes(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "email the landlord", "book the boiler service")
    reply = await talk(offline_chat, "add buy bin bags", "wrong one, I meant task 2")
    assert [t for t, _ in await state(tasks)] == ["email the landlord", "book the boiler service", "buy bin bags"]
    assert "haven't changed anything" in reply


async def test_a_correction_that_names_no_task_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "email the landlord", "email the school", "email the bank")
    await talk(offline_chat, "tick off task 2", "no, the other one")
    assert await state(tasks) == [("email the landlord", False), ("email the school", True), ("email the bank", False)]


async def test_a_date_said_again_counts_from_today(
    offline_chat: ChatUseCases, tasks: TaskUseCases, clock: FakeClock
) -> None:
    await talk(offline_chat, "remind me to return the parcel in 2 days, actually make that 4 days")
    (task,) = (await tasks.find("alice", TaskQuery())).items
    assert task.due_date is not None and (task.due_date - clock.now().date()).days == 4


# -- 4. a quoted new title updates, never adds -----------------------------------------------

@pytest.mark.parametrize("message", [
    "rename task 1 to 'Buy oat milk'",
    "change the wording of the first task to 'Buy oat milk'",
    "could you fix task 1 so it says 'Buy oat milk'",
    "update 'buy milk' to 'Buy oat milk'",
])
async def test_a_quoted_new_title_updates(offline_chat: ChatUseCases, tasks: TaskUseCases, message: str) -> None:
    await setup(tasks, "buy milk", "walk the dog")
    await talk(offline_chat, "show my list", message)
    assert await state(tasks) == [("Buy oat milk", False), ("walk the dog", False)]


async def test_a_rename_of_nothing_asks_and_adds_nothing(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "buy milk")
    await talk(offline_chat, "rename the dentist task to 'see the dentist'")
    assert await state(tasks) == [("buy milk", False)]


# -- 5. undo is the undo_last_change tool ---------------------------------------------------

async def test_the_offline_undo_calls_the_undo_tool_and_keeps_its_behaviours(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "oil the gate", "book the MOT")
    conversation: Any = None
    replies = []
    for turn in ("mark task 1 done", "undo", "delete task 2", "undo", "add grease the hinge", "undo"):
        answer = await offline_chat.send("alice", turn, conversation)
        conversation = answer.conversation_id
        replies.append(answer.response)
        if turn == "undo":
            assert [c.tool for c in answer.tool_calls] == ["undo_last_change"]
    assert await state(tasks) == [("oil the gate", False), ("book the MOT", False)]
    assert "reopened task 1" in replies[1] and "brought back task 2" in replies[3] and "removed task 3" in replies[5]


async def test_the_offline_undo_refuses_after_a_later_change_elsewhere(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "oil the gate")
    conversation: Any = None
    answer = await offline_chat.send("alice", "rename task 1 to oil the side gate", conversation)
    await tasks.update("alice", 1, TaskChanges(title="oil the back gate"))  # changed on the web page since
    answer = await offline_chat.send("alice", "undo", answer.conversation_id)
    assert await state(tasks) == [("oil the back gate", False)]
    assert "changed again" in answer.response


# -- a question about a task's state, a share of a set ----------------------------------------

async def test_a_question_about_a_tasks_priority_or_date_changes_nothing(
    offline_chat: ChatUseCases, tasks: TaskUseCases
) -> None:
    await setup(tasks, "clear the gutters", "book the boiler service")
    await talk(offline_chat, "is the gutters one high priority?")
    await talk(offline_chat, "are the gutters due tomorrow?")
    found = (await tasks.find("alice", TaskQuery())).items
    assert [(t.title, t.priority.value, t.due_date) for t in found] == [
        ("clear the gutters", "medium", None), ("book the boiler service", "medium", None)]


@pytest.mark.parametrize("message", [
    "a few of those are finished",
    "some of them can go",
    "two of these are done now",
    "I ticked off a couple of them already",
])
async def test_a_share_of_the_list_without_saying_which_asks(
    offline_chat: ChatUseCases, tasks: TaskUseCases, message: str
) -> None:
    await setup(tasks, "oil the hinge", "sweep the porch", "fix the gate")
    reply = await talk(offline_chat, "what's on my list?", message)
    assert await state(tasks) == [("oil the hinge", False), ("sweep the porch", False), ("fix the gate", False)]
    assert "Which ones?" in reply


async def test_an_add_may_name_a_share_of_something(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add bake some of the apples into a pie")
    assert await state(tasks) == [("bake some of the apples into a pie", False)]
