"""Multi-turn conversations and the task list expected (through REST) after each turn.

A task is expected as (a word its title must contain, completed, priority or None for any),
optionally with a fourth element: {field: text that field must contain}, e.g.
{"recurrence": "BYDAY=MO"} or {"labels": "shopping"}.
"""

from __future__ import annotations

from dataclasses import dataclass

Want = tuple[str, bool, str | None] | tuple[str, bool, str | None, dict[str, str]]
Expected = tuple[Want, ...]


@dataclass(frozen=True)
class Turn:
    message: str
    expect: Expected


@dataclass(frozen=True)
class Conversation:
    name: str
    turns: tuple[Turn, ...]


MILK, DENTIST = ("milk", False, None), ("dentist", False, None)
CONVERSATIONS: tuple[Conversation, ...] = (
    Conversation("add, add, list, complete by position", (
        Turn("Add a task to buy milk", (MILK,)),
        Turn("Also add: call the dentist", (MILK, DENTIST)),
        Turn("What's on my list?", (MILK, DENTIST)),
        Turn("I finished the first one", (("milk", True, None), DENTIST)),
    )),
    Conversation("add with priority, list", (
        Turn("Remind me to file the tax return, it's urgent", (("tax", False, "high"),)),
        Turn("Show me my tasks", (("tax", False, "high"),)),
    )),
    Conversation("delete by title", (
        Turn("Add water the plants", (("plants", False, None),)),
        Turn("Add book flights", (("plants", False, None), ("flights", False, None))),
        Turn("Delete the plants task", (("flights", False, None),)),
    )),
    Conversation("update by pronoun", (
        Turn("Add renew my passport", (("passport", False, None),)),
        Turn("Make it high priority", (("passport", False, "high"),)),
    )),
    Conversation("complete by words", (
        Turn("Add finish the quarterly report", (("report", False, None),)),
        Turn("Add walk the dog", (("report", False, None), ("dog", False, None))),
        Turn("I finished the quarterly report", (("report", True, None), ("dog", False, None))),
    )),
    Conversation("chit-chat changes nothing", (
        Turn("Hi there!", ()),
        Turn("What can you do?", ()),
    )),
    # The features the catalogue grew: repeating tasks, lists (labels), the trash and undo.
    Conversation("repeat every monday", (
        Turn("Water the plants every Monday", (("plants", False, None, {"recurrence": "MO"}),)),
    )),
    Conversation("add to a list", (
        Turn("Put eggs on my shopping list", (("eggs", False, None, {"labels": "shopping"}),)),
    )),
    # Two changes in one message: one model step with two calls (parallel_tool_calls).
    Conversation("two adds in one message", (
        Turn("Add buy bread and call grandma", (("bread", False, None), ("grandma", False, None))),
    )),
    Conversation("delete then undo", (
        Turn("Add call the bank", (("bank", False, None),)),
        Turn("Delete the bank task", ()),
        Turn("Undo that", (("bank", False, None),)),
    )),
)
# The set measured before the catalogue grew (the rows of docs/language.md up to 2026-12-02).
CORE = CONVERSATIONS[:6]
