"""Save the README's picture of the web chat: a few tasks, at desktop size.

    .venv/bin/python -m tests.browser.screenshot [docs/screenshot-web-chat.png]

Starts a real `todo-chat serve` on a throwaway SQLite database (offline model), signs up,
manages a few tasks by chat (and a repeating one on a list over REST), and takes the picture with Debian's Chromium.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, TIMEZONE
from tests.browser.server import served

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshot-web-chat.png"
CONVERSATION = (
    "remind me to call mom tomorrow, high priority",
    "add buy oat milk",
    "add book the dentist next friday",
    "done with the oat milk",
    "what's left?",
)


def main(out: Path = DEFAULT_OUT) -> None:
    with tempfile.TemporaryDirectory() as workdir, served(Path(workdir)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(
            base_url=server.url, viewport=DESKTOP, timezone_id=TIMEZONE, locale="en-GB", color_scheme="light"
        )
        page = context.new_page()
        page.goto("/")
        form = page.locator("#signup-form")
        form.get_by_label("Name").fill("Ada")
        form.get_by_label("Email").fill(f"ada-{uuid.uuid4().hex[:8]}@example.com")
        form.get_by_label("Password").fill("correct horse battery")
        form.get_by_role("button", name="Create account").click()
        box = page.get_by_role("textbox", name="Message", exact=True)
        for text in CONVERSATION:
            box.fill(text)
            box.press("Enter")
            expect(page.locator(".message.assistant.pending")).to_have_count(0)
        # A repeating task on a list, and a list on the first task, as the REST API sets them.
        session = page.evaluate("JSON.parse(sessionStorage.getItem('todo-chat.session'))")
        base = f"{server.url}/api/{session['userId']}/tasks"
        auth = {"Authorization": f"Bearer {session['token']}"}
        page.request.post(
            f"{base}?timezone={TIMEZONE}",
            data={"title": "water the plants", "recurrence": "FREQ=WEEKLY;BYDAY=MO", "labels": ["home"]},
            headers=auth,
        )
        page.request.patch(f"{base}/1", data={"labels": ["family"]}, headers=auth)
        page.reload()
        expect(page.locator(".task", has_text="water the plants")).to_be_visible()
        expect(page.locator(".label-chip", has_text="family")).to_be_visible()
        page.evaluate("document.activeElement.blur()")
        page.wait_for_timeout(300)  # let the last refreshes settle
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    print(f"saved {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT)
