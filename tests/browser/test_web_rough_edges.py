"""Issue 16's rough edges in the web chat, in Chromium (edge 6)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_web_chat import say, sign_up, task, unique_email

pytestmark = pytest.mark.browser

AT_BOTTOM = "e => e.scrollHeight - e.scrollTop - e.clientHeight < 4"


def test_a_done_task_no_longer_shows_its_priority_or_due_date(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    say(page, "remind me to call mom tomorrow, high priority")
    row = task(page, "call mom")
    expect(row).to_contain_text("due tomorrow")
    expect(row).to_contain_text("high priority")
    page.get_by_role("checkbox", name="call mom").check()
    expect(row).to_have_class(re.compile(r"\bdone\b"))
    expect(row).not_to_contain_text("due tomorrow")
    expect(row).not_to_contain_text("priority")


def test_a_conversation_is_listed_with_its_day_and_time(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    say(page, "hello")
    expect(page.locator(".conversation-time")).to_have_text([re.compile(r"^today \d{1,2}:\d{2}")])


def test_on_a_phone_the_header_shows_who_in_full(new_page: Any) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/")
    email = "carol.with.a.rather.long.address@example.com"
    sign_up(page, email.replace("carol", unique_email().split("@")[0]))
    who = page.locator("#who")
    expect(who).to_be_visible()
    assert who.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), "the name is cut off"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_after_a_resize_the_chat_stays_at_the_latest_message(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    for n in range(8):
        say(page, f"add errand number {n}")
    messages = page.locator("#messages")
    assert messages.evaluate(AT_BOTTOM)
    page.set_viewport_size({"width": 390, "height": 600})
    page.wait_for_timeout(300)
    assert messages.evaluate(AT_BOTTOM), "the log was left mid-history"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.wait_for_timeout(300)
    assert messages.evaluate(AT_BOTTOM)


def test_each_action_is_said_once_in_the_readers_words(new_page: Any) -> None:
    """Edge 5: the tool line says what was done; the reply does not say it again in other dates."""
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    reply = say(page, "remind me to call mom tomorrow")
    expect(reply.locator(".tool")).to_have_text([re.compile(r"^Added task 1: call mom, due tomorrow$")])
    bubble = reply.inner_text()
    assert bubble.lower().count("call mom") == 1, bubble
    page.reload()
    stored = page.locator(".message.assistant").last.inner_text()
    assert stored.lower().count("call mom") == 1, stored
