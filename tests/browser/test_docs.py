"""The API docs at /schema render in Chromium with no internet and no CSP violation."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_offline_under_the_docs_policy(new_page: Any, server: Any) -> None:
    page = new_page()
    outside: list[str] = []

    def only_this_server(route: Any) -> None:
        # Anything not from the server under test is what a machine without internet lacks.
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_server)
    page.goto("/schema")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("todo-chat")
    expect(page.locator(".opblock-summary-path", has_text="/api/auth/login")).to_be_visible()
    assert outside == []
    assert page.problems == []
