"""The opt-in real-model check as a test: skipped unless REAL_MODEL_URL is set (never in CI)."""

from __future__ import annotations

import os

import pytest

from tests.realmodel.phrasings import CONVERSATIONS
from tests.realmodel.runner import run

URL = os.environ.get("REAL_MODEL_URL")
pytestmark = [pytest.mark.realmodel, pytest.mark.skipif(not URL, reason="REAL_MODEL_URL is not set")]


def test_the_phrasing_set_ends_right_and_no_reply_claims_what_did_not_happen() -> None:
    assert URL is not None
    report = run(URL, os.environ.get("REAL_MODEL_NAME", "qwen2.5-coder-1.5b"),
                 api_key=os.environ.get("REAL_MODEL_KEY", "unused"), show=print)
    print(report.summary())
    first = [t for t in report.turns if t.conversation == CONVERSATIONS[0].name]
    assert first[-1].right, "add, add, list, complete by position did not end in the right state"
    assert report.claimed_not_done == 0, [t for t in report.turns if t.claimed_not_done]
