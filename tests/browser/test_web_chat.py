"""The web chat at `/`, in Chromium, against a real `todo-chat serve` (offline model, SQLite)."""

from __future__ import annotations

import json
import re
import time
import uuid
from typing import Any

import jwt
import pytest
from playwright.sync_api import expect

from adapters.security.jwt import LEEWAY_SECONDS
from tests.browser.conftest import TIMEZONE

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"


def unique_email() -> str:
    return f"person-{uuid.uuid4().hex[:12]}@example.com"


def sign_up(page: Any, email: str, name: str = "") -> None:
    form = page.locator("#signup-form")
    if name:
        form.get_by_label("Name").fill(name)
    form.get_by_label("Email").fill(email)
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Create account").click()
    expect(page.locator("#app-view")).to_be_visible()


def draft(page: Any) -> Any:
    return page.get_by_role("textbox", name="Message", exact=True)


def say(page: Any, text: str) -> Any:
    """Type a message, press Enter, wait for the reply to finish; return the reply bubble."""
    box = draft(page)
    box.fill(text)
    box.press("Enter")
    reply = page.locator(".message.assistant").last
    expect(page.locator(".message.assistant.pending")).to_have_count(0)
    return reply


def task(page: Any, title: str) -> Any:
    return page.locator(".task", has=page.get_by_text(title, exact=True))


def session_user(page: Any) -> str:
    return page.evaluate("JSON.parse(sessionStorage.getItem('todo-chat.session')).userId")


def test_a_new_person_adds_a_task_by_chat_ticks_it_and_finds_it_all_after_reload(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email(), name="Ada")
    expect(page.locator("#who")).to_have_text("Ada")

    with page.expect_request("**/chat/stream") as request:
        reply = say(page, "remind me to call mom tomorrow")
    assert request.value.post_data_json["timezone"] == TIMEZONE

    expect(reply.locator(".tool")).to_have_text(re.compile(r"Added task 1: call mom, due tomorrow", re.I))
    row = task(page, "call mom")
    expect(row).to_contain_text("due tomorrow")
    expect(page.locator(".conversation-title")).to_have_text(["remind me to call mom tomorrow"])

    page.get_by_role("checkbox", name="call mom").check()
    expect(row).to_have_class(re.compile(r"\bdone\b"))

    page.reload()
    expect(page.get_by_role("checkbox", name="call mom")).to_be_checked()
    expect(page.locator(".message.user .message-text")).to_have_text(["remind me to call mom tomorrow"])
    expect(page.locator(".message.assistant .tool")).to_have_text([re.compile("Added task 1", re.I)])
    expect(page.locator(".conversation-title")).to_have_text(["remind me to call mom tomorrow"])
    expect(page.locator("#chat-title")).to_have_text("remind me to call mom tomorrow")

    # The conversation goes on where it left off.
    reply = say(page, "what's done?")
    expect(reply).to_contain_text("call mom")
    expect(page.locator(".conversation")).to_have_count(1)

    other = new_page()
    other.goto("/")
    sign_up(other, unique_email())
    expect(other.locator("#tasks-empty")).to_be_visible()
    expect(other.locator(".task")).to_have_count(0)
    expect(other.locator(".conversation")).to_have_count(0)
    reply = say(other, "what are my tasks?")
    expect(reply).not_to_contain_text("call mom")
    expect(other.locator(".task")).to_have_count(0)

    assert page.problems == []
    assert other.problems == []


def test_tasks_are_added_renamed_ticked_and_deleted_by_hand(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    email = unique_email()
    sign_up(page, email)

    new_task = page.get_by_label("New task")
    new_task.fill("buy oat milk")
    new_task.press("Enter")
    expect(task(page, "buy oat milk")).to_be_visible()

    page.get_by_role("button", name="Edit task 1: buy oat milk").click()
    title = page.get_by_label("New title for task 1")
    expect(title).to_be_focused()
    title.fill("buy oat milk and bread")
    title.press("Enter")
    expect(task(page, "buy oat milk and bread")).to_be_visible()

    page.get_by_role("checkbox", name="buy oat milk and bread").check()
    page.get_by_label("Show").select_option("pending")
    expect(page.locator(".task")).to_have_count(0)
    page.get_by_label("Show").select_option("completed")
    expect(task(page, "buy oat milk and bread")).to_be_visible()

    # Delete asks for a second click.
    page.get_by_role("button", name="Delete task 1: buy oat milk and bread").click()
    expect(task(page, "buy oat milk and bread")).to_be_visible()
    page.get_by_role("button", name="Click again to delete task 1: buy oat milk and bread").click()
    expect(page.locator(".task")).to_have_count(0)

    # Log out and back in: the deletion was stored.
    page.get_by_role("button", name="Log out").click()
    expect(page.locator("#login-form")).to_be_visible()
    page.locator("#login-form").get_by_label("Email").fill(email)
    page.locator("#login-form").get_by_label("Password").fill(PASSWORD)
    page.locator("#login-form").get_by_role("button", name="Log in").click()
    expect(page.locator("#app-view")).to_be_visible()
    page.get_by_label("Show").select_option("all")
    expect(page.locator("#tasks-empty")).to_be_visible()
    assert page.problems == []


def test_an_expired_session_asks_to_log_in_again_and_keeps_the_draft(new_page: Any, server: Any) -> None:
    page = new_page()
    page.goto("/")
    email = unique_email()
    sign_up(page, email)
    user_id = session_user(page)

    # Swap in a token the server accepts for two more seconds (its clock leeway included).
    usable_until = int(time.time()) + 2
    claims = {"sub": user_id, "iat": int(time.time()) - LEEWAY_SECONDS, "exp": usable_until - LEEWAY_SECONDS}
    short = jwt.encode(claims, server.secret, "HS256")
    page.evaluate(
        """token => { const s = JSON.parse(sessionStorage.getItem('todo-chat.session'));
                      s.token = token; s.expiresAt = null;
                      sessionStorage.setItem('todo-chat.session', JSON.stringify(s)); }""",
        short,
    )
    page.reload()
    expect(page.locator("#app-view")).to_be_visible()
    draft(page).fill("remind me to buy stamps")
    time.sleep(max(0.0, usable_until - time.time()) + 1.5)
    draft(page).press("Enter")

    expect(page.locator("#auth-error")).to_contain_text("session expired, please log in again")
    expect(page.locator("#login-form")).to_be_visible()
    expect(page.locator("#login-form").get_by_label("Email")).to_have_value(email)
    page.locator("#login-form").get_by_label("Password").fill(PASSWORD)
    page.locator("#login-form").get_by_label("Password").press("Enter")

    expect(draft(page)).to_have_value("remind me to buy stamps")
    expect(draft(page)).to_be_focused()
    draft(page).press("Enter")
    expect(task(page, "buy stamps")).to_be_visible()
    expect(draft(page)).to_have_value("")
    assert page.problems == []


def test_a_network_failure_keeps_the_draft_and_sending_again_works(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())

    page.context.set_offline(True)
    draft(page).fill("remind me to water the plants")
    draft(page).press("Enter")
    expect(page.locator("#chat-error")).to_contain_text("can’t be reached")
    expect(draft(page)).to_have_value("remind me to water the plants")
    expect(page.locator(".message")).to_have_count(0)

    page.context.set_offline(False)
    draft(page).press("Enter")
    expect(task(page, "water the plants")).to_be_visible()
    expect(page.locator("#chat-error")).to_be_hidden()
    expect(draft(page)).to_have_value("")


def test_an_unavailable_assistant_says_the_message_was_saved(new_page: Any) -> None:
    # The offline model never fails, so the stream's failure is played back as the server sends it.
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    started = json.dumps({"conversation_id": str(uuid.uuid4())})
    failed = json.dumps({"error": {"code": "LLM_UNAVAILABLE", "message": "model down"}})
    body = f"event: conversation\r\ndata: {started}\r\n\r\nevent: error\r\ndata: {failed}\r\n\r\n"
    page.route(
        "**/chat/stream",
        lambda route: route.fulfill(status=200, headers={"Content-Type": "text/event-stream"}, body=body),
    )
    draft(page).fill("remind me to call the bank")
    draft(page).press("Enter")
    expect(page.locator("#chat-error")).to_contain_text("assistant is unavailable")
    expect(page.locator("#chat-error")).to_contain_text("message was saved")
    expect(page.locator(".message.user .message-text")).to_have_text(["remind me to call the bank"])


def test_the_keyboard_drives_the_chat_and_content_is_never_markup(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    box = draft(page)
    expect(box).to_be_focused()

    box.press_sequentially("add <img src=x onerror=alert(1)> please")
    box.press("Shift+Enter")
    box.press_sequentially("thanks")
    expect(box).to_have_value("add <img src=x onerror=alert(1)> please\nthanks")
    box.press("Enter")
    expect(page.locator(".message.assistant.pending")).to_have_count(0)
    sent = page.locator(".message.user .message-text")
    expect(sent).to_have_text(["add <img src=x onerror=alert(1)> please\nthanks"])
    assert page.locator("#messages img, #task-list img, #conversation-list img").count() == 0

    # Tab moves to Send with a visible focus ring.
    box.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send")).to_be_focused()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    assert page.problems == []


def test_on_a_phone_the_panels_stack_without_sideways_scrolling(new_page: Any) -> None:
    page = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto("/")
    sign_up(page, unique_email())
    say(page, "remind me to call mom tomorrow")
    chat = page.locator("section.chat").bounding_box()
    tasks = page.locator("aside.tasks").bounding_box()
    assert chat is not None
    assert tasks is not None
    assert tasks["y"] >= chat["y"] + chat["height"]
    assert chat["width"] <= 390
    assert tasks["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(task(page, "call mom")).to_be_visible()


def test_a_pasted_token_signs_in_and_conversations_reopen_and_delete(new_page: Any, server: Any) -> None:
    user = f"pat-{uuid.uuid4().hex[:8]}"
    token = jwt.encode({"sub": user, "iat": int(time.time()), "exp": int(time.time()) + 600}, server.secret)
    page = new_page()
    page.goto("/")
    page.get_by_role("tab", name="Paste a token").click()
    page.get_by_label("Bearer token (JWT)").fill(token)
    page.get_by_role("button", name="Use this token").click()
    expect(page.locator("#who")).to_have_text(user)

    say(page, "add buy stamps")
    page.get_by_role("button", name="New chat").click()
    expect(page.locator(".message")).to_have_count(0)
    expect(draft(page)).to_be_focused()
    say(page, "add feed the cat")
    titles = page.locator(".conversation-title")
    expect(titles).to_have_text(["add feed the cat", "add buy stamps"])  # newest first

    page.get_by_role("button", name=re.compile("^add buy stamps")).click()
    expect(page.locator(".message.user .message-text")).to_have_text(["add buy stamps"])
    expect(page.get_by_role("button", name=re.compile("^add buy stamps"))).to_have_attribute("aria-current", "true")

    page.get_by_role("button", name="Delete conversation: add buy stamps").click()
    page.get_by_role("button", name="Click again to delete conversation: add buy stamps").click()
    expect(titles).to_have_text(["add feed the cat"])
    expect(page.locator(".message")).to_have_count(0)  # the open conversation was the deleted one
    expect(task(page, "buy stamps")).to_be_visible()  # deleting a conversation keeps its tasks
    assert page.problems == []


def test_without_an_event_stream_the_chat_falls_back_to_the_plain_endpoint(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    # As behind a proxy that does not pass the stream route through.
    page.route("**/chat/stream", lambda route: route.fulfill(status=404, json={"error": {"code": "NOT_FOUND"}}))
    with page.expect_response("**/chat") as plain:
        reply = say(page, "remind me to call mom tomorrow")
    assert plain.value.status == 200
    expect(reply.locator(".tool")).to_have_text(re.compile(r"Added task 1: call mom, due tomorrow", re.I))
    expect(task(page, "call mom")).to_be_visible()
    expect(draft(page)).to_have_value("")
    assert page.problems == []
