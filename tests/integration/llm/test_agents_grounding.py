"""An add's invented fields are left out: a real small model fills due dates, priorities and repeat
rules nobody asked for (docs/language.md, "Real models")."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from adapters.llm.grounding import ungrounded_add_fields
from domain.task import Priority
from tests.integration.llm.test_agents_model import Setup
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    with serve_fake_openai() as server:
        yield server


INVENTED = {"title": "book flights", "due_date": "2026-12-03", "priority": "high",
            "recurrence": "FREQ=WEEKLY;BYDAY=TH", "labels": ["travel", "work"]}


def test_fields_without_a_word_of_their_kind_are_left_out() -> None:
    kept = ungrounded_add_fields(INVENTED, "Add book flights", "Add book flights")
    assert kept == {"title": "book flights"}


@pytest.mark.parametrize(("message", "field"), [
    ("book flights tomorrow", "due_date"), ("book flights by the 3rd", "due_date"),
    ("book flights nxt fri", "due_date"), ("book flights, it's urgent", "priority"),
    ("book flights!!", "priority"), ("book flights every thursday", "recurrence"),
])
def test_a_field_the_user_mentioned_is_kept(message: str, field: str) -> None:
    assert field in ungrounded_add_fields(INVENTED, message, message)


def test_labels_named_as_lists_in_the_window_are_kept_and_others_dropped() -> None:
    kept = ungrounded_add_fields(INVENTED, "and book flights", "what's on my travel list?\nand book flights")
    assert kept["labels"] == ["travel"]


@pytest.mark.parametrize(("message", "kept"), [
    ("put eggs on my shopping list", ["shopping"]), ("add eggs, label it shopping", ["shopping"]),
    ("eggs #shopping", ["shopping"]), ("add eggs to the shopping lists", ["shopping"]),
    # A word of the title is not a list the user asked for.
    ("file the tax return, it's urgent", None), ("go shopping for eggs", None),
])
def test_a_label_must_be_named_as_a_list(message: str, kept: list[str] | None) -> None:
    arguments = {"title": "eggs", "labels": ["shopping", "tax", "urgent"]}
    assert ungrounded_add_fields(arguments, message, message).get("labels") == kept


async def test_an_invented_due_date_and_priority_never_reach_the_list(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", json.dumps(INVENTED))])]
    reply = await app.chat.send("alice", "Add book flights")
    (task,) = app.store.state.tasks["alice"].values()
    assert (task.title, task.due_date, task.priority, task.recurrence, task.labels) == (
        "book flights", None, Priority.MEDIUM, None, ())
    # The stored call shows what really ran, and the reply says nothing invented.
    assert reply.tool_calls[0].arguments == {"title": "book flights"}
    assert reply.response == "Added task 1: book flights."


async def test_a_due_date_the_user_gave_is_kept(fake: FakeOpenAI) -> None:
    app = Setup(fake)
    fake.script += [Reply(tool_calls=[("add_task", '{"title": "call mom", "due_date": "2026-03-03"}')])]
    await app.chat.send("alice", "remind me to call mom tomorrow")
    (task,) = app.store.state.tasks["alice"].values()
    assert str(task.due_date) == "2026-03-03"
