from __future__ import annotations

import uuid

import pytest

from adapters.memory.store import MemoryStore
from application.errors import LanguageModelUnavailable
from application.history import HistoryWindow
from application.ports import TextDelta, ToolEvent
from application.queries import TaskQuery
from application.use_cases.chat import ChatReply, ChatUseCases, ConversationStarted
from application.use_cases.tasks import NewTask, TaskUseCases
from domain.conversation import Message
from domain.errors import InvalidValue, NotFound
from domain.values import Role
from tests.doubles import FakeClock, ScriptedModel, Step


def stored_messages(store: MemoryStore, conversation_id: uuid.UUID) -> list[Message]:
    return store.state.messages[conversation_id]


async def test_turn_stores_user_message_first_then_reply_with_tool_calls(
    chat: ChatUseCases, model: ScriptedModel, store: MemoryStore, tasks: TaskUseCases
) -> None:
    await tasks.add("bob", NewTask("bob's"))
    model.steps.append(Step(calls=[("add_task", {"title": "call mom", "priority": "high"})], reply="Added task 1."))
    commits_before = store.commits
    reply = await chat.send("alice", "remind me to call mom, urgent")

    # The user message was committed before the model ran.
    assert model.observed_commits == [commits_before + 1]
    assert model.seen[0].history[-1].content == "remind me to call mom, urgent"
    assert model.seen[0].tools.user_id == "alice"

    messages = stored_messages(store, reply.conversation_id)
    assert [m.role for m in messages] == [Role.USER, Role.ASSISTANT]
    assert messages[1].content == "Added task 1."
    assert messages[1].tool_calls[0].result == {"task_id": 1, "status": "created", "title": "call mom"}
    assert messages[1].token_count == len("Added task 1.")
    assert reply.tool_calls[0].tool == "add_task"
    assert [t.title for t in (await tasks.find("alice", TaskQuery())).items] == ["call mom"]
    assert store.state.tasks["bob"][1].title == "bob's"
    conversation = store.state.conversations[reply.conversation_id]
    assert conversation.user_id == "alice" and conversation.title == "remind me to call mom, urgent"


async def test_model_failure_keeps_user_message_and_raises(
    chat: ChatUseCases, model: ScriptedModel, store: MemoryStore
) -> None:
    model.steps.append(Step(fail=True))
    with pytest.raises(LanguageModelUnavailable):
        await chat.send("alice", "hello")
    (conversation,) = store.state.conversations.values()
    assert [m.content for m in stored_messages(store, conversation.id)] == ["hello"]
    # The next turn in the same conversation works and sees the earlier message.
    model.steps.append(Step(reply="hi!"))
    await chat.send("alice", "anyone there?", conversation.id)
    assert [m.content for m in stored_messages(store, conversation.id)] == ["hello", "anyone there?", "hi!"]


async def test_continuing_sends_history_window(chat: ChatUseCases, model: ScriptedModel, clock: FakeClock) -> None:
    model.steps.extend(Step(reply=f"reply {i}") for i in range(5))
    first = await chat.send("alice", "message 0")
    for i in range(1, 5):
        clock.advance(seconds=1)
        await chat.send("alice", f"message {i}", first.conversation_id)
    history = model.seen[-1].history
    # Window of 6 messages: the newest six, oldest first, ending with the new user message.
    assert [m.content for m in history] == ["reply 1", "message 2", "reply 2", "message 3", "reply 3", "message 4"]


async def test_foreign_or_unknown_conversation_is_not_found(
    chat: ChatUseCases, model: ScriptedModel, store: MemoryStore
) -> None:
    model.steps.append(Step(reply="hi"))
    reply = await chat.send("alice", "hello")
    with pytest.raises(NotFound):
        await chat.send("bob", "let me in", reply.conversation_id)
    with pytest.raises(NotFound):
        await chat.send("alice", "hello", uuid.uuid4())
    assert len(stored_messages(store, reply.conversation_id)) == 2
    with pytest.raises(NotFound):
        await chat.conversation("bob", reply.conversation_id)
    with pytest.raises(NotFound):
        await chat.delete_conversation("bob", reply.conversation_id)


@pytest.mark.parametrize(("message", "field"), [("   ", "message"), ("x" * 5001, "message")])
async def test_invalid_message_stores_nothing(chat: ChatUseCases, store: MemoryStore, message: str, field: str) -> None:
    with pytest.raises(InvalidValue) as err:
        await chat.send("alice", message)
    assert err.value.field == field and store.state.conversations == {}


async def test_unknown_timezone_is_rejected(chat: ChatUseCases, store: MemoryStore) -> None:
    with pytest.raises(InvalidValue, match="timezone"):
        await chat.send("alice", "hi", timezone="Mars/Olympus")
    assert store.state.conversations == {}


async def test_stream_yields_start_tools_text_then_final_reply(
    chat: ChatUseCases, model: ScriptedModel, store: MemoryStore
) -> None:
    model.steps.append(Step(calls=[("add_task", {"title": "tea"})], reply="Added tea."))
    events = [e async for e in chat.stream("alice", "add tea")]
    assert isinstance(events[0], ConversationStarted)
    assert isinstance(events[1], ToolEvent) and events[1].call.tool == "add_task"
    assert "".join(e.text for e in events if isinstance(e, TextDelta)).strip() == "Added tea."
    final = events[-1]
    assert isinstance(final, ChatReply) and final.response == "Added tea."
    assert len(stored_messages(store, final.conversation_id)) == 2


async def test_conversations_listed_newest_first_paged_and_deleted(
    chat: ChatUseCases, model: ScriptedModel, clock: FakeClock, store: MemoryStore
) -> None:
    model.steps.extend(Step(reply="ok") for _ in range(3))
    ids = []
    for i in range(3):
        clock.advance(minutes=1)
        ids.append((await chat.send("alice", f"conv {i}")).conversation_id)
    page = await chat.conversations("alice", limit=2)
    assert [c.id for c in page.items] == [ids[2], ids[1]] and page.total == 3
    assert (await chat.conversations("bob")).total == 0
    conversation, messages = await chat.conversation("alice", ids[0], limit=1, offset=1)
    assert conversation.title == "conv 0" and [m.content for m in messages.items] == ["ok"] and messages.total == 2
    await chat.delete_conversation("alice", ids[0])
    assert ids[0] not in store.state.conversations and ids[0] not in store.state.messages
    with pytest.raises(InvalidValue):
        await chat.conversations("alice", limit=0)


def test_history_window_respects_token_budget_but_keeps_newest() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 1, 1, tzinfo=UTC)

    def msg(n: int) -> Message:
        return Message.from_user(
            id=uuid.uuid4(), conversation_id=uuid.UUID(int=1), user_id="u", content="x" * n, now=now
        )

    window = HistoryWindow(max_messages=10, max_tokens=100)
    kept = window.trim([msg(200), msg(200), msg(40)])  # 50, 50, 10 tokens
    assert [m.token_count for m in kept] == [50, 10]
    assert window.trim([msg(4000)])[0].token_count == 1000
    with pytest.raises(InvalidValue, match="HISTORY_MESSAGES"):
        HistoryWindow(max_messages=0)
    with pytest.raises(InvalidValue, match="HISTORY_TOKENS"):
        HistoryWindow(max_tokens=0)
