"""Eighth-session mechanisms of the offline model (ADR 0017): a task named by its title is read as
that task, dictated punctuation, a remark after a request, whole-message note frames, a date said of
"both", a task picked out by its state, "everything except X", and "reopen it and ...".

The sentences are the team's own, written for each class; none is taken from an evaluation set.
"""

from __future__ import annotations

from datetime import date, timedelta

from application.queries import TaskQuery
from application.use_cases.chat import ChatUseCases
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.task import Task
from tests.unit.offline_chat import state, talk

MONDAY = date(2026, 3, 2)  # the FakeClock's today


async def setup(tasks: TaskUseCases, *titles: str, done: tuple[str, ...] = (),
                due: dict[str, date] | None = None) -> None:
    for title in titles:
        task = await tasks.add("alice", NewTask(title, due_date=(due or {}).get(title)))
        if title in done:
            await tasks.complete("alice", task.id)


async def listed(tasks: TaskUseCases) -> list[Task]:
    return list((await tasks.find("alice", TaskQuery())).items)


# -- a title named in the message is that task ------------------------------------------------

async def test_a_title_with_a_state_after_it_changes_that_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "hoover the stairs", "descale kettle")
    await talk(offline_chat, "descale kettle r low prio tbh")
    assert [(t.title, t.priority.value) for t in await listed(tasks)] == [
        ("hoover the stairs", "medium"), ("descale kettle", "low")]


async def test_a_title_after_take_off_is_deleted_not_listed(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "optician", "bike service")
    reply = await talk(offline_chat, "take optician off my list")
    assert await state(tasks) == [("bike service", False)]
    assert "Deleted task 1" in reply


async def test_a_code_in_a_title_names_its_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "review PR-412", "review PR-413")
    await talk(offline_chat, "PR-413 is resolved")
    assert await state(tasks) == [("review PR-412", False), ("review PR-413", True)]


async def test_a_title_that_could_start_a_new_task_is_left_to_the_reader(
        offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "plumber")
    await talk(offline_chat, "add call the plumber")
    assert [t for t, _ in await state(tasks)] == ["plumber", "call the plumber"]


# -- a remark after a request -----------------------------------------------------------------

async def test_a_remark_after_the_request_is_no_task_name(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "draft Okafor proposal", "renew parking permit")
    await talk(offline_chat, "bin the Okafor task, client went elsewhere")
    assert await state(tasks) == [("renew parking permit", False)]


async def test_a_second_task_after_the_comma_is_not_a_remark(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "draft Okafor proposal", "renew parking permit", "sort recycling")
    await talk(offline_chat, "delete the Okafor task, the parking permit")
    assert ("renew parking permit", False) not in await state(tasks) or len(await state(tasks)) == 3


# -- dictation, "its", headings, ampersands ---------------------------------------------------

async def test_dictated_marks_are_marks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add return the library books period")
    await talk(offline_chat, "add book the boiler service comma high priority")
    assert [(t.title, t.priority.value) for t in await listed(tasks)] == [
        ("return the library books", "medium"), ("book the boiler service", "high")]


async def test_a_period_that_is_a_noun_stays(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add email HR about the notice period")
    assert [t for t, _ in await state(tasks)] == ["email HR about the notice period"]


async def test_its_before_a_date_is_no_title_word(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add finish the geo worksheet its due tmrw")
    [task] = await listed(tasks)
    assert (task.title, task.due_date) == ("finish the geo worksheet", MONDAY + timedelta(days=1))


async def test_an_ampersand_inside_a_name_is_kept(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add ring B&Q about the delivery")
    assert [t for t, _ in await state(tasks)] == ["ring B&Q about the delivery"]


# -- notes ------------------------------------------------------------------------------------

async def test_a_note_to_that_after_a_comma(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add collect the suit from the tailor", "and add a note to that, ticket is on the fridge")
    [task] = await listed(tasks)
    assert task.title == "collect the suit from the tailor" and task.description == "ticket is on the fridge"


async def test_a_note_for_a_task_named_first(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "book the venue", "order balloons")
    await talk(offline_chat, "for task 2 add a note that the blue ones are cheaper")
    assert [t.description for t in await listed(tasks)] == [None, "the blue ones are cheaper"]


async def test_a_note_at_the_end_of_an_add(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add renew the car insurance, high priority, note compare quotes first")
    [task] = await listed(tasks)
    assert (task.title, task.priority.value, task.description) == (
        "renew the car insurance", "high", "compare quotes first")


# -- several tasks, states, exceptions --------------------------------------------------------

async def test_a_date_said_of_both_is_each_ones(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "i need to do the physics lab and the french oral both due friday")
    friday = MONDAY + timedelta(days=4)
    made = await listed(tasks)
    assert [t.due_date for t in made] == [friday, friday]
    assert [t.title.removeprefix("do ").removeprefix("the ") for t in made] == ["physics lab", "french oral"]


async def test_the_overdue_one_is_the_task_past_its_date(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "post the forms", "wrap presents",
                due={"post the forms": MONDAY - timedelta(days=2), "wrap presents": MONDAY + timedelta(days=3)})
    await talk(offline_chat, "remove the overdue one")
    assert await state(tasks) == [("wrap presents", False)]


async def test_a_state_two_tasks_share_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "post the forms", "wrap presents",
                due={"post the forms": MONDAY - timedelta(days=2), "wrap presents": MONDAY - timedelta(days=1)})
    reply = await talk(offline_chat, "remove the overdue one")
    assert len(await state(tasks)) == 2 and "Which one" in reply


async def test_the_done_one_is_never_an_open_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "mop the hall", "pay the window cleaner", done=("pay the window cleaner",))
    await talk(offline_chat, "delete the done one")
    assert await state(tasks) == [("mop the hall", False)]


async def test_everything_except_one_task(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "mop the hall", "pay the window cleaner", "phone grandma")
    await talk(offline_chat, "finished everything except grandma")
    assert await state(tasks) == [("mop the hall", True), ("pay the window cleaner", True), ("phone grandma", False)]


async def test_reopen_and_move_in_one_breath(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "clear the gutters", done=("clear the gutters",))
    await talk(offline_chat, "show me task 1", "reopen it and make it due thursday")
    [task] = await listed(tasks)
    assert (task.completed, task.due_date) == (False, MONDAY + timedelta(days=3))


async def test_unmark_reopens(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "return the drill", done=("return the drill",))
    await talk(offline_chat, "unmark the drill one")
    assert await state(tasks) == [("return the drill", False)]


async def test_thats_done_after_an_add_completes_it(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add send the rsvp", "oh thats done already")
    assert await state(tasks) == [("send the rsvp", True)]


async def test_a_numbered_rename_with_a_date_and_priority(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "tidy the shed")
    await talk(offline_chat, "task 1 rename to Clear Out The Shed and make it high priority due friday")
    [task] = await listed(tasks)
    friday = MONDAY + timedelta(days=4)
    assert (task.title, task.priority.value, task.due_date) == ("Clear Out The Shed", "high", friday)


# -- searches -----------------------------------------------------------------------------------

async def test_anything_about_shows_only_the_tasks_with_that_word(
        offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "invoice Brightwell", "call Brightwell back", "repot the fern")
    reply = await talk(offline_chat, "anything about brightwell?")
    assert "invoice Brightwell" in reply and "call Brightwell back" in reply and "fern" not in reply


async def test_search_for_a_command_word_still_searches(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "call the garage", "call Nan", "buy stamps")
    reply = await talk(offline_chat, "search for call")
    assert "call the garage" in reply and "call Nan" in reply and "stamps" not in reply


async def test_anything_for_a_date_is_a_listing_not_a_search(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "buy stamps", due={"buy stamps": MONDAY + timedelta(days=1)})
    reply = await talk(offline_chat, "anything for tomorrow?")
    assert "buy stamps" in reply


# -- deeds ------------------------------------------------------------------------------------

async def test_the_same_deed_in_other_words_completes(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "buy batteries", "phone the council")
    await talk(offline_chat, "got the batteries")
    await talk(offline_chat, "rang the council")
    assert await state(tasks) == [("buy batteries", True), ("phone the council", True)]


async def test_another_deed_on_the_same_object_still_asks(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "phone the electrician")
    reply = await talk(offline_chat, "paid the electrician")
    assert await state(tasks) == [("phone the electrician", False)] and "Do you mean task 1" in reply


async def test_two_deeds_each_with_its_verb(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "bake the scones", "water the tomatoes", "sweep the patio")
    await talk(offline_chat, "baked the scones and watered the tomatoes")
    assert await state(tasks) == [("bake the scones", True), ("water the tomatoes", True), ("sweep the patio", False)]


async def test_a_reason_before_a_request_that_points_back(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add write the toast", "mark it done",
               "oops i still have to practise it, mark it not done")
    assert await state(tasks) == [("write the toast", False)]


async def test_a_day_of_the_month_corrects_the_task_just_added(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add order the cake on the 20th", "no actually make it the 18th")
    [task] = await listed(tasks)
    assert (task.title, task.due_date) == ("order the cake", date(2026, 3, 18))


async def test_a_remark_told_by_the_person_may_mention_another_task(
        offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "book the MOT", "book new tyres")
    await talk(offline_chat, "delete book new tyres, i'll sort them with the MOT")
    assert await state(tasks) == [("book the MOT", False)]


# -- one more of the same, pointers with a state ------------------------------------------------

async def test_the_other_one_too_makes_the_same_change(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "floss", "stretch")
    await talk(offline_chat, "what's on my list?", "first one's done", "the other one too")
    assert await state(tasks) == [("floss", True), ("stretch", True)]


async def test_a_number_as_well_gets_the_same_move(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "floss", "stretch", "meditate")
    await talk(offline_chat, "move task 1 to friday", "and task 3 as well")
    assert [t.due_date for t in await listed(tasks)] == [MONDAY + timedelta(days=4), None, MONDAY + timedelta(days=4)]


async def test_thats_urgent_after_an_add(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add renew the tv licence", "oh that's urgent")
    assert [t.priority.value for t in await listed(tasks)] == ["high"]


async def test_a_take_back_with_its_reason(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add picnic in the park sunday", "ugh actually delete that, its meant to pour")
    assert await state(tasks) == []


async def test_a_code_with_a_hyphen_stays_in_the_title(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await talk(offline_chat, "add file the P-60 with payroll")
    assert [t for t, _ in await state(tasks)] == ["file the P-60 with payroll"]


async def test_a_check_mark_after_a_task_says_it_is_done(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "hoover the lounge", "descale the kettle")
    await talk(offline_chat, "lounge ✅")
    assert await state(tasks) == [("hoover the lounge", True), ("descale the kettle", False)]


async def test_a_remark_after_a_bulk_request(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "hoover the lounge", "descale the kettle")
    await talk(offline_chat, "mark everything done, long week")
    assert await state(tasks) == [("hoover the lounge", True), ("descale the kettle", True)]


async def test_terse_commands(offline_chat: ChatUseCases, tasks: TaskUseCases) -> None:
    await setup(tasks, "hoover the lounge", "descale the kettle")
    reply = await talk(offline_chat, "ls")
    assert "hoover the lounge" in reply and "descale the kettle" in reply
    await talk(offline_chat, "yeah delete descale the kettle")
    assert await state(tasks) == [("hoover the lounge", False)]
