"""The lean model client (adapters/llm/lean_model.py) against the fake OpenAI-compatible server:
it sends what the SDK's own model on the openai client sends, reuses its connection, and
speaks the Responses API too."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from application.ports import TextDelta
from tests.integration.llm.test_agents_model import Setup
from tests.support.fake_openai import FakeOpenAI, Reply, serve_fake_openai

SCRIPT = (Reply(tool_calls=[("add_task", '{"title": "tea"}')]), Reply(text="Added tea."),
          Reply(tool_calls=[("list_tasks", "{}")]), Reply(text="You have tea."))


@dataclass
class PortRecordingFake(FakeOpenAI):
    client_ports: list[int] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            self.client_ports.append(scope["client"][1])
        await super().__call__(scope, receive, send)


async def _two_turns(lean: bool) -> list[dict[str, Any]]:
    with serve_fake_openai(FakeOpenAI(script=list(SCRIPT))) as fake:
        app = Setup(fake, lean_client=lean)
        first = await app.chat.send("alice", "add tea")
        await app.chat.send("alice", "what do I have?", first.conversation_id)
        return fake.requests


def _what_the_model_sees(request: dict[str, Any]) -> dict[str, Any]:
    return {"model": request["model"], "messages": request["messages"], "tools": request.get("tools"),
            "stream": request.get("stream", False)}


async def test_the_lean_client_sends_what_the_openai_client_sends() -> None:
    lean, sdk = await _two_turns(lean=True), await _two_turns(lean=False)
    assert len(lean) == len(sdk) == 4
    assert [_what_the_model_sees(r) for r in lean] == [_what_the_model_sees(r) for r in sdk]
    # The second turn replays the first turn's call as tool items, ids matching.
    replayed = lean[2]["messages"]
    call = next(m for m in replayed if m.get("tool_calls"))
    result = next(m for m in replayed if m["role"] == "tool")
    assert call["tool_calls"][0]["id"] == result["tool_call_id"]
    assert json.loads(result["content"])["title"] == "tea"


async def test_model_calls_reuse_one_connection_across_turns() -> None:
    with serve_fake_openai(PortRecordingFake(script=list(SCRIPT))) as fake:
        app = Setup(fake)
        first = await app.chat.send("alice", "add tea")
        await app.chat.send("alice", "what do I have?", first.conversation_id)
        assert len(fake.client_ports) == 4 and len(set(fake.client_ports)) == 1


async def test_a_timed_out_call_drops_its_connection_so_the_late_answer_is_never_read_as_the_next() -> None:
    script = [Reply(text="Too late.", hang=1.5), Reply(text="Hi.")]
    with serve_fake_openai(PortRecordingFake(script=script)) as fake:
        app = Setup(fake, request_timeout=0.5, max_attempts=2)
        reply = await app.chat.send("alice", "hello")
        assert reply.response == "Hi."
        assert len(fake.client_ports) == 2 and fake.client_ports[0] != fake.client_ports[1]


async def test_streamed_text_arrives_in_pieces_through_the_lean_client() -> None:
    with serve_fake_openai(FakeOpenAI(script=[Reply(text="one two three")])) as fake:
        app = Setup(fake)
        events = [e async for e in app.chat.stream("alice", "count")]
        pieces = [e.text for e in events if isinstance(e, TextDelta)]
        assert len(pieces) == 3 and "".join(pieces).split() == ["one", "two", "three"]
        assert fake.requests[0]["stream"] is True


@dataclass
class ResponsesFake(FakeOpenAI):
    """Answers the Responses API, streamed: two text deltas, then the completed response."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        self.requests.append(json.loads(body))
        item = {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                "content": [{"type": "output_text", "text": "Hello there.", "annotations": []}]}
        response = {"id": "resp_1", "object": "response", "created_at": 1, "status": "completed", "model": "fake",
                    "output": [item], "parallel_tool_calls": True, "tool_choice": "auto", "tools": [],
                    "usage": {"input_tokens": 5, "output_tokens": 3, "total_tokens": 8,
                              "input_tokens_details": {"cached_tokens": 0},
                              "output_tokens_details": {"reasoning_tokens": 0}}}
        events = [{"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "content_index": 0,
                   "delta": piece, "sequence_number": n, "logprobs": []}
                  for n, piece in enumerate(("Hello", " there."))]
        events.append({"type": "response.completed", "response": response, "sequence_number": 2})
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/event-stream")]})
        for event in events:
            data = f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def test_the_responses_api_streams_through_the_lean_client() -> None:
    with serve_fake_openai(ResponsesFake()) as fake:
        app = Setup(fake, api="responses")
        events = [e async for e in app.chat.stream("alice", "hi")]
        assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hello", " there."]
        assert fake.requests[0]["input"][-1] == {"role": "user", "content": "hi"}
        assert fake.requests[0]["stream"] is True and "instructions" in fake.requests[0]
