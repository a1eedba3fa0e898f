"""Browser tests: Debian's Chromium driven by Playwright, against a real `todo-chat serve`.

Browsers cannot be downloaded here, so Playwright launches /usr/bin/chromium (``apt-get
install chromium``). When it is missing the tests skip locally and FAIL in CI (CI=true).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.server import served

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
TIMEZONE = "Europe/Paris"


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture(scope="package")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if _in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One real server for the module's tests; every test registers its own users."""
    with served(tmp_path_factory.mktemp("web-chat")) as running:
        yield running


@pytest.fixture
def new_page(chromium: Any, server: Any) -> Iterator[Any]:
    """Open pages in fresh browser contexts (separate storage: a different person)."""
    contexts = []

    def open_page(**options: Any) -> Any:
        context = chromium.new_context(
            base_url=server.url,
            viewport=options.pop("viewport", DESKTOP),
            timezone_id=options.pop("timezone_id", TIMEZONE),
            locale="en-GB",
            **options,
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.problems = []  # page errors and CSP violations, asserted empty by the tests
        page.on("pageerror", lambda error: page.problems.append(f"page error: {error}"))
        page.on(
            "console",
            lambda message: (
                page.problems.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text
                else None
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
