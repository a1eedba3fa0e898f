"""A fake OpenAI-compatible Chat Completions server on 127.0.0.1, scripted per request.

Each request consumes the next scripted reply: tool calls, text, an HTTP error (with
optional Retry-After) or a hang. It records every request body it was sent.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn

from tests.support.net import free_port


@dataclass
class Reply:
    text: str | None = None
    tool_calls: list[tuple[str, str]] = field(default_factory=list)  # (name, arguments JSON)
    status: int = 200
    retry_after: str | None = None
    hang: float = 0.0


@dataclass
class FakeOpenAI:
    script: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0
    # Tool call ids, unique across this server's replies as a real service's are (the SDK
    # refuses a reused call id), and the same sequence on every new server.
    call_ids: Iterator[int] = field(default_factory=itertools.count)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def next(self) -> Reply:
        return self.script.pop(0) if self.script else Reply(text="(script exhausted)")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (message := await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        request = json.loads(body or b"{}")
        self.requests.append(request)
        reply = self.next()
        if reply.hang:
            await asyncio.sleep(reply.hang)
        if reply.status != 200:
            headers = [(b"content-type", b"application/json")]
            if reply.retry_after is not None:
                headers.append((b"retry-after", reply.retry_after.encode()))
            await send({"type": "http.response.start", "status": reply.status, "headers": headers})
            error = {"error": {"message": f"fake error {reply.status}", "type": "fake", "code": None}}
            await send({"type": "http.response.body", "body": json.dumps(error).encode()})
            return
        if request.get("stream"):
            await self._stream(send, reply)
        else:
            await self._json(send, reply)

    def _tool_calls(self, reply: Reply) -> list[dict[str, Any]]:
        return [
            {"id": f"call_{next(self.call_ids)}", "type": "function", "function": {"name": name, "arguments": args}}
            for name, args in reply.tool_calls
        ]

    async def _json(self, send: Any, reply: Reply) -> None:
        message: dict[str, Any] = {"role": "assistant", "content": reply.text}
        if reply.tool_calls:
            message["tool_calls"] = self._tool_calls(reply)
        payload = {
            "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": "fake",
            "choices": [{"index": 0, "message": message,
                         "finish_reason": "tool_calls" if reply.tool_calls else "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
        }
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": json.dumps(payload).encode()})

    async def _stream(self, send: Any, reply: Reply) -> None:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})

        async def chunk(delta: dict[str, Any], finish: str | None = None, usage: Any = None) -> None:
            data: dict[str, Any] = {
                "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": "fake", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            if usage:
                data["usage"] = usage
            await send({"type": "http.response.body", "body": f"data: {json.dumps(data)}\n\n".encode(),
                        "more_body": True})

        await chunk({"role": "assistant"})
        for i, call in enumerate(self._tool_calls(reply)):
            await chunk({"tool_calls": [{"index": i, **call}]})
        for word in (reply.text or "").split(" ") if reply.text else []:
            await chunk({"content": word + " "})
        await chunk({}, "tool_calls" if reply.tool_calls else "stop",
                    {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18})
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


@contextmanager
def serve_fake_openai(fake: FakeOpenAI | None = None) -> Iterator[FakeOpenAI]:
    """Run the fake on a free loopback port in a background thread."""
    fake = fake or FakeOpenAI()
    fake.port = free_port()
    server = uvicorn.Server(uvicorn.Config(fake, host="127.0.0.1", port=fake.port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield fake
    finally:
        server.should_exit = True
        thread.join(timeout=10)
