from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.account import check_password, normalise_email
from domain.conversation import Conversation, Message, derive_title, estimate_tokens
from domain.errors import InvalidValue, NotFound
from domain.task import Task
from domain.values import Priority, check_user_id, clean_description, clean_message

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def make(**kw: object) -> Task:
    return Task.create(user_id="u1", id=1, now=NOW, **{"title": "Buy milk", **kw})  # type: ignore[arg-type]


def test_title_is_trimmed_and_squeezed() -> None:
    assert make(title="  buy \n  milk  ").title == "buy milk"


@pytest.mark.parametrize("title", ["", "   ", "\x00\x01", "x" * 256])
def test_bad_titles_name_the_field(title: str) -> None:
    with pytest.raises(InvalidValue) as err:
        make(title=title)
    assert err.value.field == "title"


def test_title_of_255_characters_is_fine() -> None:
    assert len(make(title="x" * 255).title) == 255


def test_description_limit_and_blank_becomes_none() -> None:
    assert clean_description("   ") is None
    assert clean_description("x" * 4000) == "x" * 4000
    with pytest.raises(InvalidValue, match="description"):
        clean_description("x" * 4001)


def test_priority_default_and_parse() -> None:
    assert make().priority is Priority.MEDIUM
    assert make(priority="high").priority is Priority.HIGH
    with pytest.raises(InvalidValue, match="priority"):
        make(priority="urgent")


def test_behaviour_updates_fields_and_timestamp() -> None:
    task = make()
    later = datetime(2026, 1, 2, tzinfo=UTC)
    task.complete(later)
    assert task.completed and task.updated_at == later
    task.reopen(later)
    assert not task.completed
    task.toggle(later)
    assert task.completed
    task.rename("Buy oat milk", later)
    task.reprioritise(Priority.LOW, later)
    task.reschedule(date(2026, 2, 1), later)
    task.describe("  two litres ", later)
    assert (task.title, task.priority, task.due_date, task.description) == (
        "Buy oat milk", Priority.LOW, date(2026, 2, 1), "two litres")
    assert task.created_at == NOW


def test_overdue_only_when_pending_and_past_due() -> None:
    task = make(due_date=date(2026, 1, 1))
    assert task.is_overdue(date(2026, 1, 2))
    assert not task.is_overdue(date(2026, 1, 1))
    task.complete(NOW)
    assert not task.is_overdue(date(2026, 1, 2))
    assert not make().is_overdue(date(2030, 1, 1))


def test_conversation_title_from_first_message() -> None:
    assert derive_title("remind me to call mom") == "remind me to call mom"
    long = "word " * 30
    title = derive_title(long)
    assert len(title) <= 61 and title.endswith("…")
    assert derive_title("   ") == "New conversation"
    import uuid

    conv = Conversation.start(id=uuid.uuid4(), user_id="u", first_message="hello  there", now=NOW)
    assert conv.title == "hello there"


def test_message_limits_and_tokens() -> None:
    import uuid

    with pytest.raises(InvalidValue, match="message"):
        clean_message(" ")
    with pytest.raises(InvalidValue, match="message"):
        clean_message("x" * 5001)
    msg = Message.from_user(id=uuid.uuid4(), conversation_id=uuid.uuid4(), user_id="u", content=" hi\x00 ", now=NOW)
    assert msg.content == "hi" and msg.token_count == 1
    assert estimate_tokens("x" * 400) == 100
    with pytest.raises(InvalidValue, match="content"):
        Message.from_assistant(id=uuid.uuid4(), conversation_id=uuid.uuid4(), user_id="u", content="x" * 20001, now=NOW)


@pytest.mark.parametrize("user_id", ["", "a" * 129, "bad id", "../etc", "x;drop"])
def test_user_id_rules(user_id: str) -> None:
    with pytest.raises(InvalidValue, match="user_id"):
        check_user_id(user_id)


def test_user_id_accepts_better_auth_style_ids() -> None:
    assert check_user_id("usr_01J.abc-x@y") == "usr_01J.abc-x@y"


def test_email_and_password_rules() -> None:
    assert normalise_email("  Ann@Example.COM ") == "ann@example.com"
    with pytest.raises(InvalidValue, match="email"):
        normalise_email("not-an-email")
    with pytest.raises(InvalidValue, match="password"):
        check_password("short")
    with pytest.raises(InvalidValue, match="password"):
        check_password("x" * 1025)


def test_not_found_message_is_human() -> None:
    assert str(NotFound("task", 7)) == "Task 7 not found"
