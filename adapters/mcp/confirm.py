"""Asking the user, through the MCP client, before a bulk change (elicitation).

A bulk tool first runs as a preview (``confirm: false``: changes nothing, says what it
would do). When the client can elicit, the user is asked; only an accepted "yes" runs
the change. Two eras:

- 2026-07-28: the tool call answers ``InputRequiredResult`` carrying the form; the client
  asks the user and retries the same call with the answer (``input_responses``). Stateless,
  so it works over stateless HTTP and across replicas;
- handshake era with a back-channel (stdio, stateful clients): an ``elicitation/create``
  request to the client while the call waits.

A client that cannot elicit (or a stateless handshake-era HTTP call, which has no
back-channel) gets the preview; an explicit ``confirm: true`` from it runs the change,
as the tool's description tells the model to ask the user first.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.types import (
    CallToolRequestParams,
    ClientCapabilities,
    ElicitationCapability,
    ElicitRequest,
    ElicitRequestFormParams,
    ElicitResult,
    InputRequiredResult,
)
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

CONFIRM_KEY = "confirm"


class Answer(Enum):
    YES = "yes"
    NO = "no"
    CANNOT_ASK = "cannot ask"
    KEPT_CHANGING = "kept changing"  # the tasks changed under every question asked


MAX_ROUNDS = 3  # questions about one change before giving up on tasks that keep changing


def can_elicit(ctx: ServerRequestContext[Any]) -> bool:
    if not ctx.session.check_client_capability(ClientCapabilities(elicitation=ElicitationCapability())):
        return False
    # Handshake era: the question is a server-to-client request, which needs a back-channel.
    return ctx.protocol_version in MODERN_PROTOCOL_VERSIONS or ctx.session.can_send_request


def _form(question: str) -> ElicitRequestFormParams:
    return ElicitRequestFormParams(
        message=question,
        requested_schema={
            "type": "object",
            "properties": {
                CONFIRM_KEY: {
                    "type": "boolean",
                    "title": "Go ahead?",
                    "description": "Yes makes the change; it cannot be undone from here.",
                    "default": False,
                }
            },
            "required": [CONFIRM_KEY],
        },
    )


def _answer_of(result: ElicitResult) -> Answer:
    accepted = result.action == "accept" and bool((result.content or {}).get(CONFIRM_KEY))
    return Answer.YES if accepted else Answer.NO


async def ask(
    ctx: ServerRequestContext[Any], params: CallToolRequestParams, question: str, about: str
) -> Answer | InputRequiredResult:
    """The user's answer, or (2026-07-28) the request to ask them.

    ``about`` names what the question is about (a digest of the previewed tasks). On
    2026-07-28 it travels in ``requestState`` (``round:about``) and an answer counts only
    for the same ``about``: if the tasks changed while the user thought, they are asked
    again, up to ``MAX_ROUNDS`` times. The state is client-echoed, so it is only ever
    compared, never trusted for what to change.
    """
    if not can_elicit(ctx):
        return Answer.CANNOT_ASK
    if ctx.protocol_version in MODERN_PROTOCOL_VERSIONS:
        response = (params.input_responses or {}).get(CONFIRM_KEY)
        asked, _, asked_about = (params.request_state or "").partition(":")
        if response is not None and asked_about == about:
            return _answer_of(response) if isinstance(response, ElicitResult) else Answer.NO
        rounds = int(asked) if asked.isdigit() else 0
        if rounds >= MAX_ROUNDS:
            return Answer.KEPT_CHANGING
        return InputRequiredResult(
            input_requests={CONFIRM_KEY: ElicitRequest(params=_form(question))}, request_state=f"{rounds + 1}:{about}"
        )
    form = _form(question)
    result = await ctx.session.elicit_form(form.message, form.requested_schema, related_request_id=ctx.request_id)
    return _answer_of(result)
