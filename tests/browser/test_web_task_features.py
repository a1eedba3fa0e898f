"""Issue 17 in the web chat, in Chromium: lists (labels) as chips and a filter, the repeat mark
and its words, the editor's lists and repeat, and the trash with restore and delete-for-good.

Tasks are set up over REST with the page's own token (what another door would do), then
everything is checked on the page and, for what it stores, over REST again.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TIMEZONE
from tests.browser.test_web_chat import sign_up, task, unique_email

pytestmark = pytest.mark.browser


class Rest:
    """The signed-in page's user, over REST with the token the page holds."""

    def __init__(self, page: Any, server: Any) -> None:
        session = page.evaluate("JSON.parse(sessionStorage.getItem('todo-chat.session'))")
        self.request = page.request
        self.base = f"{server.url}/api/{session['userId']}"
        self.headers = {"Authorization": f"Bearer {session['token']}"}

    def add(self, title: str, **fields: Any) -> dict[str, Any]:
        response = self.request.post(
            f"{self.base}/tasks?timezone={TIMEZONE}", data={"title": title, **fields}, headers=self.headers
        )
        assert response.status == 201, response.text()
        return dict(response.json())

    def get(self, path: str) -> Any:
        response = self.request.get(self.base + path, headers=self.headers)
        assert response.status == 200, response.text()
        return response.json()


def signed_in(new_page: Any, server: Any) -> tuple[Any, Rest]:
    page = new_page()
    page.goto("/")
    sign_up(page, unique_email())
    return page, Rest(page, server)


def today() -> date:
    return datetime.now(ZoneInfo(TIMEZONE)).date()


def relative_day(day: date) -> str:
    """The page's words for a due date (format.js relativeDay, en-GB)."""
    days = (day - today()).days
    named = {0: "today", 1: "tomorrow", -1: "yesterday"}
    if days in named:
        return named[days]
    if 1 < days < 7:
        return day.strftime("%A")
    return f"{day.day} {day:%b}" + ("" if day.year == today().year else f" {day.year}")


def test_labels_show_as_chips_and_the_list_filter_shows_one_list(new_page: Any, server: Any) -> None:
    page, rest = signed_in(new_page, server)
    rest.add("milk", labels=["Shopping"])
    rest.add("quarterly report", labels=["work"])
    rest.add("drill bits", labels=["hardware", "shopping"])
    rest.add("call mom")
    page.reload()

    expect(task(page, "milk").locator(".label-chip")).to_have_text(["Shopping"])
    expect(task(page, "drill bits").locator(".label-chip")).to_have_text(["hardware", "shopping"])
    expect(task(page, "call mom").locator(".label-chip")).to_have_count(0)
    expect(task(page, "milk").get_by_role("list", name="Lists")).to_be_visible()

    # The filter comes from GET /labels: each list once (case-insensitively), with its count.
    lists = page.get_by_role("combobox", name=re.compile(r"^List\b"))
    expect(lists.locator("option")).to_have_text(["All lists", "hardware (1)", "Shopping (2)", "work (1)"])
    lists.select_option(label="Shopping (2)")
    expect(page.locator("#task-list .task-title")).to_have_text(["milk", "drill bits"])
    expect(page.locator("#task-count")).to_have_text("2 tasks on Shopping")
    # The list filter and the status filter combine.
    page.get_by_role("checkbox", name="milk").check()
    page.get_by_label("Show").select_option("pending")
    expect(page.locator("#task-list .task-title")).to_have_text(["drill bits"])
    page.get_by_label("Show").select_option("all")
    lists.select_option("")
    expect(page.locator("#task-list .task")).to_have_count(4)

    # The editor sets a task's lists, by keyboard: comma-separated, kept as typed.
    page.get_by_role("button", name="Edit task 4: call mom").click()
    expect(page.get_by_label("New title for task 4")).to_be_focused()
    page.keyboard.press("Tab")
    labels = page.get_by_label("Lists (comma-separated)")
    expect(labels).to_be_focused()
    labels.fill("Family,  phone calls , family")
    labels.press("Enter")
    expect(task(page, "call mom").locator(".label-chip")).to_have_text(["Family", "phone calls"])
    expect(page.get_by_role("button", name="Edit task 4: call mom")).to_be_focused()
    assert rest.get("/tasks/4")["labels"] == ["Family", "phone calls"]
    expect(lists.locator("option")).to_have_text(
        ["All lists", "Family (1)", "hardware (1)", "phone calls (1)", "Shopping (2)", "work (1)"]
    )

    # Escape leaves the editor without changing anything.
    page.get_by_role("button", name="Edit task 1: milk").click()
    page.get_by_label("Lists (comma-separated)").fill("")
    page.keyboard.press("Escape")
    expect(task(page, "milk").locator(".label-chip")).to_have_text(["Shopping"])
    assert rest.get("/tasks/1")["labels"] == ["Shopping"]
    assert page.problems == []


def test_a_repeating_task_has_a_mark_with_its_rule_in_words(new_page: Any, server: Any) -> None:
    page, rest = signed_in(new_page, server)
    plants = rest.add("water the plants", recurrence="FREQ=WEEKLY;BYDAY=MO")
    rest.add("pay the card", recurrence="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")
    rest.add("buy bread")
    page.reload()

    mark = task(page, "water the plants").locator(".repeat")
    expect(mark).to_have_attribute("title", "Repeats every Monday")
    expect(mark).to_have_text("Repeats every Monday")  # said to screen readers too
    # A rule the words cannot say is shown as it is.
    expect(task(page, "pay the card").locator(".repeat")).to_have_attribute(
        "title", "Repeats FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    )
    expect(task(page, "buy bread").locator(".repeat")).to_have_count(0)

    # Ticking it off moves it to next Monday; it stays on the list, not done.
    first = date.fromisoformat(plants["due_date"])
    assert first.weekday() == 0 and first >= today()
    row = task(page, "water the plants")
    expect(row).to_contain_text(f"due {relative_day(first)}")
    # click, not check(): a repeating task's box does not stay ticked, and check() fails
    # whenever it sees the box already cleared again by the re-render.
    page.get_by_role("checkbox", name="water the plants").click()
    moved = first + timedelta(days=7)
    expect(row).to_contain_text(f"due {relative_day(moved)}")
    expect(page.get_by_role("checkbox", name="water the plants")).not_to_be_checked()
    expect(row).not_to_have_class(re.compile(r"\bdone\b"))
    stored = rest.get("/tasks/1")
    assert (stored["due_date"], stored["completed"]) == (moved.isoformat(), False)
    assert stored["last_completed_at"] is not None

    # The editor's repeat choice: a preset, a custom rule (said in words as it is typed), none.
    page.get_by_role("button", name="Edit task 3: buy bread").click()
    repeat = page.get_by_label("Repeats")
    expect(repeat).to_have_value("none")
    repeat.select_option(label="Every day")
    page.get_by_role("button", name="Save").click()
    expect(task(page, "buy bread").locator(".repeat")).to_have_attribute("title", "Repeats every day")
    assert rest.get("/tasks/3")["recurrence"] == "FREQ=DAILY"

    page.get_by_role("button", name="Edit task 3: buy bread").click()
    expect(page.get_by_label("Repeats")).to_have_value("daily")
    page.get_by_label("Repeats").select_option("custom")
    rule = page.get_by_label("Rule", exact=True)
    expect(rule).to_be_focused()
    rule.fill("FREQ=MONTHLY;BYMONTHDAY=1")
    expect(page.locator("#task-rule-words-3")).to_have_text("every month on the 1st")
    rule.press("Enter")
    expect(task(page, "buy bread").locator(".repeat")).to_have_attribute("title", "Repeats every month on the 1st")

    # Junk is refused by the server: said in the banner, the editor stays open on the rule.
    page.get_by_role("button", name="Edit task 3: buy bread").click()
    expect(page.get_by_label("Repeats")).to_have_value("custom")
    page.get_by_label("Rule", exact=True).fill("EVERY=SOMETIMES")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#banner-text")).to_contain_text("Couldn’t change task 3")
    expect(page.get_by_label("Rule", exact=True)).to_be_focused()
    assert rest.get("/tasks/3")["recurrence"] == "FREQ=MONTHLY;BYMONTHDAY=1"
    page.get_by_label("Repeats").select_option("none")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".task.editing")).to_have_count(0)
    expect(task(page, "buy bread").locator(".repeat")).to_have_count(0)
    assert rest.get("/tasks/3")["recurrence"] is None
    assert page.problems == []


def test_a_deleted_task_waits_in_the_trash_and_comes_back_with_its_number(new_page: Any, server: Any) -> None:
    page, rest = signed_in(new_page, server)
    rest.add("renew passport", labels=["admin"], recurrence="FREQ=YEARLY")
    rest.add("old note")
    page.reload()

    page.get_by_role("button", name="Delete task 1: renew passport").click()
    page.get_by_role("button", name="Click again to delete task 1: renew passport").click()
    expect(task(page, "renew passport")).to_have_count(0)

    trash = page.get_by_role("button", name="Trash", exact=True)
    expect(trash).to_have_attribute("aria-pressed", "false")
    trash.click()
    expect(trash).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#tasks-title")).to_have_text("Trash")
    expect(page.get_by_label("Show")).to_be_hidden()
    expect(page.get_by_label("New task")).to_be_hidden()
    row = page.locator("#trash-list .task")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("renew passport")
    expect(row).to_contain_text("deleted today")
    expect(row.locator(".label-chip")).to_have_text(["admin"])
    expect(row.locator(".repeat")).to_have_attribute("title", "Repeats every year")
    expect(page.locator("#task-count")).to_have_text("1 task in the trash, kept 30 days")

    page.get_by_role("button", name="Restore task 1: renew passport").click()
    expect(page.locator("#trash-list .task")).to_have_count(0)
    expect(page.locator("#trash-empty")).to_be_visible()
    expect(trash).to_be_focused()
    page.keyboard.press("Enter")  # the toggle, by keyboard, back to the tasks
    expect(trash).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#task-list .task-id")).to_have_text(["#1", "#2"])
    expect(task(page, "renew passport").locator(".label-chip")).to_have_text(["admin"])
    assert rest.get("/trash")["data"] == []

    # Delete for good: two clicks in the trash, and it is gone from every view.
    page.get_by_role("button", name="Delete task 2: old note").click()
    page.get_by_role("button", name="Click again to delete task 2: old note").click()
    trash.click()
    page.get_by_role("button", name="Delete task 2 for good: old note").click()
    expect(page.locator("#trash-list .task")).to_have_count(1)
    page.get_by_role("button", name="Click again to delete task 2 for good: old note").click()
    expect(page.locator("#trash-list .task")).to_have_count(0)
    assert rest.get("/trash")["data"] == []
    assert [t["id"] for t in rest.get("/tasks")["data"]] == [1]

    # Another person's trash is their own.
    other, other_rest = signed_in(new_page, server)
    other.get_by_role("button", name="Trash", exact=True).click()
    expect(other.locator("#trash-empty")).to_be_visible()
    assert other_rest.get("/trash")["data"] == []
    assert page.problems == []
    assert other.problems == []


DESCRIBE_RULE = """async (rules) => {
  const { describeRule } = await import("/format.js");
  return rules.map((rule) => describeRule(rule));
}"""

RULES = {
    "FREQ=WEEKLY;BYDAY=MO": "every Monday",
    "FREQ=WEEKLY;BYDAY=TU,TH": "every Tuesday and Thursday",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR": "every 2 weeks on Friday",
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR": "every weekday",
    "FREQ=DAILY;BYDAY=SA,SU": "every weekend",
    "FREQ=DAILY": "every day",
    "FREQ=DAILY;INTERVAL=2": "every 2 days",
    "FREQ=WEEKLY": "every week",
    "FREQ=MONTHLY;BYMONTHDAY=1": "every month on the 1st",
    "FREQ=MONTHLY;BYMONTHDAY=1,15": "every month on the 1st and 15th",
    "FREQ=MONTHLY;BYMONTHDAY=-1": "every month on the last day",
    "FREQ=MONTHLY;BYDAY=-1FR": "every month on the last Friday",
    "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU": "every 3 months on the second Tuesday",
    "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=22": "every year on 22 March",
    "FREQ=WEEKLY;BYDAY=MO;COUNT=3": "every Monday, 3 times left",
    "FREQ=DAILY;COUNT=1": "every day, this is the last time",
    "FREQ=DAILY;UNTIL=20270312": "every day, until 12 Mar 2027",
    "RRULE:freq=weekly;byday=sa": "every Saturday",
    # What the words cannot say comes back as it is.
    "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1": "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    "FREQ=YEARLY;BYWEEKNO=20": "FREQ=YEARLY;BYWEEKNO=20",
    "FREQ=HOURLY": "FREQ=HOURLY",
    "nonsense": "nonsense",
}


def test_rules_read_as_words_or_as_themselves(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    assert page.evaluate(DESCRIBE_RULE, list(RULES)) == list(RULES.values())


DESCRIBE_CALLS = """async (calls) => {
  const { describeToolCall, changesTasks } = await import("/format.js");
  return calls.map((call) => [describeToolCall(call, "2026-03-02").text, changesTasks(call)]);
}"""


def test_the_new_tools_read_as_one_line_and_only_changes_refresh_the_panel(new_page: Any) -> None:
    page = new_page()
    page.goto("/")
    calls = [
        (
            {
                "tool": "add_task",
                "arguments": {"title": "water", "recurrence": "FREQ=WEEKLY;BYDAY=MO", "labels": ["home"]},
                "result": {"task_id": 5, "status": "created", "title": "water"},
            },
            ["Added task 5: water, repeats every Monday, on home", True],
        ),
        (
            {
                "tool": "complete_task",
                "arguments": {"task_id": 5},
                "result": {"task_id": 5, "status": "rescheduled", "title": "water", "due_date": "2026-03-09"},
            },
            ["Completed task 5: water, repeats: next due 9 Mar", True],
        ),
        (
            {
                "tool": "update_task",
                "arguments": {"task_id": 5, "recurrence": None, "remove_labels": ["home"]},
                "result": {"task_id": 5, "status": "updated", "title": "water"},
            },
            ["Updated task 5: water (stops repeating, off home)", True],
        ),
        (
            {
                "tool": "delete_task",
                "arguments": {"task_id": 5},
                "result": {"task_id": 5, "status": "deleted", "title": "water"},
            },
            ["Deleted task 5: water (in the trash for 30 days)", True],
        ),
        (
            {
                "tool": "restore_task",
                "arguments": {"task_id": 5},
                "result": {"task_id": 5, "status": "restored", "title": "water"},
            },
            ["Restored task 5: water", True],
        ),
        (
            {
                "tool": "undo_last_change",
                "arguments": {},
                "result": {"status": "undone", "undone": [], "message": "Undid: added task 5 (water)."},
            },
            ["Undid: added task 5 (water).", True],
        ),
        (
            {"tool": "list_trash", "arguments": {}, "result": {"tasks": [], "total": 1}},
            ["Listed 1 task in the trash", False],
        ),
        (
            {"tool": "list_labels", "arguments": {}, "result": {"labels": [{"name": "home", "count": 2}]}},
            ["Listed 1 list", False],
        ),
    ]
    assert page.evaluate(DESCRIBE_CALLS, [call for call, _ in calls]) == [said for _, said in calls]
