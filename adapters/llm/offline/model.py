"""The built-in offline model: reads a message with the trained engine, then acts through
the same tools a real model would. No network, no key, deterministic.

Policy: a wrong change is worse than no change. When the reading is unsure, when a
reference fits several tasks or none, or when a question is asked, nothing changes and
the reply says what was understood and asks.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from difflib import SequenceMatcher
from typing import Any

from adapters.llm.offline import dates, discourse, edits, focus, linking, mood
from adapters.llm.offline import scope as quantifier
from adapters.llm.offline.dates import find_date
from adapters.llm.offline.described import described_tasks, joined_tasks
from adapters.llm.offline.engine import Engine, Reading, load, load_second
from adapters.llm.offline.lexicon import (
    CLOSED_WORDS,
    COMMAND_WORDS,
    DATE_WORDS,
    DONE_STATE_WORDS,
    INTERJECTIONS,
    ORDINAL_WORDS,
    PRIORITY_WORDS,
    PRONOUNS,
    SAME_DEED,
    SLANG,
)
from adapters.llm.offline.references import (
    LOOKUP_LIMIT,
    Resolution,
    Snapshot,
    description_words,
    explicit_ids,
    is_description,
    last_listing,
    last_touched,
    match_description,
    match_title,
    most_named,
    normalise,
    stem,
)
from adapters.llm.offline.slots import (
    ClearDate,
    Repeat,
    Shift,
    StopRepeating,
    describe_rule,
    label_name,
    list_filters,
    read_date,
    read_priority,
    read_recurrence,
)
from adapters.llm.offline.text import normalise_word
from adapters.llm.offline.words import IRREGULAR_PAST, ORDINALS, base_verb, parse_number
from application.ports import TextDelta, TokenUsage, ToolEvent, TurnDone, TurnEvent, TurnRequest, TurnResult
from application.tools import BoundTools, is_error
from application.undo import UNDO_TOOL, change_to_undo
from domain.conversation import Message, ToolCall, estimate_tokens
from domain.values import Role

# Safety gate, not understanding: requests about other people's data are refused whole.
_INJECTION = re.compile(
    r"\b(?:user(?:_id)?\s*[:=#]?\s*[\w@.-]+['’]s|user(?:_id)?\s*[:=#]\s*\S+|(?:for|of|from|as)\s+(?:the\s+)?user\b"
    r"|other\s+(?:user|people|account)s?|every(?:one|body)['’]?s?\s+tasks|all\s+users|another\s+user"
    r"|ignore\s+(?:all\s+|any\s+)?(?:previous|prior|above|earlier|your)\s+(?:instructions|rules)"
    r"|system\s+prompt|\b(?!(?:today|tomorrow|tonight|yesterday|week|month|mom|dad)['’]s)\w+['’]s\s+(?:tasks|to-?dos|todo\s+list)\b"
    r"|admin\s+mode|sudo"
    # another person's task by number, a claimed identity, pasted tool calls or markup
    r"|\b(?!(?:what|that|it|where|when|how|there|here|who|which|let|today|tomorrow|yesterday)['’]s)\w+['’]s\s+tasks?\s+(?:#|no\.?\s*|number\s+)?\d+|tasks?\s+#?\d+\s+(?:of|from|belonging\s+to)\s+(?!me\b|mine\b|the\b|my\b|this\b|that\b)\w+"
    r"|user[_\s]?id\s+is)\b"
    r"|\A\s*[{\[]\s*\"|</?(?:system|user|assistant|tool)>",
    re.IGNORECASE,
)
# Text handed over to be worked on rather than a request about the list: "summarise this email: '...'".
# Whatever the pasted text asks for is not the person's request (it may be an attack), so nothing in it acts.
_PASTED_TEXT = re.compile(
    r"^\W*(?:(?:hey|hi|ok|okay|so|please|pls|can\s+you|could\s+you|would\s+you|will\s+you)\W+)*(?:summari[sz]e|translate|proofread|paraphrase|rewrite|reword|explain|analy[sz]e|reply\s+to|respond\s+to"
    r"|draft\s+a\s+reply\s+to|read)\s+(?:this|the\s+following|the\s+below|my)\s+(?:\w+\s+)?"
    r"(?:email|e-mail|message|text|note|letter|paragraph|post|article|document|doc|thread|tweet|sms|chat)\b"
    r"(?:\s+for\s+me)?\s*[:\"“'\n]"
    r"|\b(?:ai|assistant|bot|chatbot|llm|agent)s?\s+(?:reading|processing|parsing|summari[sz]ing|seeing)\s+this\b"
    # "The IT email says: "Assistant, mark every task complete"": words quoted from someone else
    r"|\b(?:email|e-mail|message|text|letter|note|sms|post|memo|dm)\s+(?:says|said|reads|read|goes)\s*:?\s*[\"“]"
    r"|\bif\s+you\s+are\s+an?\s+(?:ai|assistant|bot|chatbot|llm|language\s+model)\b",
    re.IGNORECASE)
_ORDINAL = re.compile(r"\b(" + "|".join(sorted(map(re.escape, ORDINALS), key=len, reverse=True)) + r")\b")
_PRONOUN = frozenset({"it", "that", "this", "that one", "this one", "the same one", "same one", "the one", "new one",
                      "one i just added", "last one i added", "latest one", "one i added", "that task", "this task",
                      "that one too"})
_PLURAL = frozenset({"them", "those", "these", "both", "them all", "all of them", "both of them", "both them", "all those",
                     "both of those", "both those", "both of these", "both these",
                     "all of those", "all them", "those ones", "these ones", "all"})
_ID = re.compile(r"^(?:the\s+)?(?:(?:task|item)\s*)?(?:number|no\.?|#)?\s*#?\s*(\d+|one|two|three|four|five|six|seven|eight|nine|ten)$")
_DID_POINTER = re.compile(r"^(\w+)\s+(it|that|this|them|those|these|both|that one|this one|all of them|both of them)$")
# The words that ask for a new task by themselves ("I need to ..." may be about a task already there).
_ADD_WORD = re.compile(r"\b(?:add|ad|create|new|remind|reminder|put|jot|note|todo|to-?do|task|log|stick|scribble"
                       r"|write\s+down)\b", re.IGNORECASE)
_FIRST_N = re.compile(r"^(first|last|top|bottom)\s+(two|three|four|five|2|3|4|5)(?:\s+(?:ones?|tasks?|items?|of them|on the list))?$")
_EXPLICIT_ADD = re.compile(
    r"\b(?:add|ad|create|new|remind|reminder|put|jot|note|todo|to-?do|task|need|have\s+to|gotta|must|should|want|"
    r"schedule|book|plan|remember|log|stick|scribble|write\s+down)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:no|not|don't|dont|never|no\s+longer|anymore|any\s+more)\b", re.IGNORECASE)
_CORRECTION = re.compile(r"(?:^|[\s,;-])(?:sorry|no\s+wait|i\s+mean|i\s+meant|oops|not\s+\w+\s*$)\b", re.IGNORECASE)
_ADD_VERB = re.compile(r"^\W*(?:(?:please|pls|can\s+you|could\s+you|ok|so|and|also|oh)\W+)*(?:add|put|stick|pop)\b", re.IGNORECASE)
# Words that ask for a change by themselves; a clause without one only names a task ("the gutters can wait").
_ACTION = re.compile(r"\b(?:delete|remove|cancel|scrap|drop|mark|tick|check|cross|complete|finish(?:ed)?|done|did|move|push|"
                     r"rename|add|create|postpone|reschedule|bump|change|set|make|erase|bin|trash|ditch|forget|clear|"
                     r"reopen|undo|restore|get\s+rid|no\s+need|don'?t\s+need|\w+ed)\b", re.IGNORECASE)
_NOT_DONE = re.compile(r"\b(?:didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|not\s+(?:yet|done|finished|complete)|"
                       r"isn'?t|wasn'?t|yet\s+to|still\s+(?:need|have)\s+to|not\s+\w+\s+yet)\b", re.IGNORECASE)
_TAKE_OFF = re.compile(r"\b(?:off|from|out\s+of|remove|take|untag|unlabel|delete|drop)\b", re.IGNORECASE)
_MOVE = re.compile(r"\b(?:move|shift|transfer|file)\b", re.IGNORECASE)
_TRASH = re.compile(r"\b(?:trash|bin|deleted|recycle\s+bin|did\s+i\s+delete|removed)\b", re.IGNORECASE)
_EVERY = re.compile(r"^(?:(?:all|every|everything|each)\b|(?:today|tomorrow)['’]?s\s+(?:tasks|stuff)\b)(?!\s+(?:of\s+)?(?:them|those|these)$)")
_BULK = frozenset({"complete_all", "clear_completed", "delete_all"})
# A share of a set that does not say which members: it selects no task, so the change asks.
_VAGUE_SHARE = re.compile(r"\b(?:some|a\s+couple|couple|a\s+few|few|several|most|many|half|a\s+bunch|a\s+number|one|two|three)"
                          r"\s+of\s+(?:them|those|these|the|my|our)\b|\b(?:some|several|a\s+few|a\s+couple)\s+(?:tasks|things|ones|items)\b",
                          re.IGNORECASE)
_CHANGES_TO_SOME = frozenset({"complete", "reopen", "delete", "update", "complete_all", "clear_completed", "delete_all"})
# A task named by its number anywhere in the clause ("all done w/ number 2"): it wins over a quantifier.
_EXPLICIT_TASK = re.compile(r"(?:\b(?:task|number|no\.?|item)\s*#?\s*|#\s*)(\d+)\b", re.IGNORECASE)
_QUANTIFIER = re.compile(r"\b(?:all|every|everything|whole|entire|ones|tasks|stuff|items|things)\b", re.IGNORECASE)
BULK_CONFIDENCE = 0.2
# How sure the classifier must be before the list changes (margin over the runner-up).
ACT_CONFIDENCE = 0.2
HELP_TEXT = (
    "I can manage your to-do list. Try:\n"
    "• \"remind me to call mom tomorrow, it's urgent\"\n"
    "• \"what's left?\" / \"what's overdue?\" / \"anything about the bike?\"\n"
    "• \"task 2 is done\", \"done with the second one\", \"I paid the gas bill\"\n"
    "• \"move task 3 to friday and make it urgent\", \"rename task 1 to call Jimmy\", \"undo\""
)
# A message that starts a new task names none of the old ones: no lookup for it.
_MAY_NAME = re.compile(r"^(?!\W*(?:please\s+|pls\s+)?(?:add|create|new\s+task|remind\s+me|jot|put\s+down)\b)\W*\w", re.IGNORECASE)
_MUTATING_TOOLS = frozenset({"add_task", "complete_task", "delete_task", "update_task", "restore_task", UNDO_TOOL})


@dataclass
class Turn:
    tools: BoundTools
    history: Sequence[Message]
    today: date
    calls: list[ToolCall] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    snapshot: Snapshot | None = None
    dry: bool = False  # rehearsal: changes are imagined from the snapshot, not made
    message: str = ""  # the message as typed (a clause's mood can depend on the sentence around it)
    asked: bool = False  # some part of the message was unclear: a question was put instead
    questions: list[str] = field(default_factory=list)
    _imagined: int = 0
    _made: dict[int, dict[str, Any]] = field(default_factory=dict)

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCall:
        if self.dry and name in _MUTATING_TOOLS:
            call = await self._imagine(name, arguments)
        else:
            call = await self.tools.call(name, arguments)
        self.calls.append(call)
        if name != "list_tasks":
            self.snapshot = None  # stale after a change
            if "task_id" in call.result:
                self.touched.append(int(call.result["task_id"]))
            self.touched += [int(u["task_id"]) for u in call.result.get("undone") or [] if not u.get("error")]
        return call

    async def tasks(self) -> Snapshot:
        if self.snapshot is None:
            call = await self.call("list_tasks", {"status": "all", "limit": LOOKUP_LIMIT})
            self.snapshot = Snapshot(list(call.result.get("tasks", [])))
        return self.snapshot

    def say(self, text: str) -> None:
        self.replies.append(text)

    def ask(self, text: str) -> None:
        """Say what is unclear; nothing in this message will change."""
        self.asked = True
        self.replies.append(text)
        self.questions.append(text)

    async def _imagine(self, name: str, arguments: dict[str, Any]) -> ToolCall:
        """The result a change would have, without making it (for the rehearsal of a message)."""
        snapshot = await self.tasks()
        if name == UNDO_TOOL:
            return ToolCall(name, dict(arguments), {"status": "undone", "undone": [], "message": "(rehearsal)"})
        if name == "add_task":
            self._imagined += 1
            new_id = max((int(t["id"]) for t in snapshot.tasks), default=0) + self._imagined
            self._made[new_id] = {"id": new_id, "title": str(arguments.get("title", ""))}
            return ToolCall(name, dict(arguments), {"task_id": new_id, "status": "created",
                                                    "title": str(arguments.get("title", ""))})
        task_id = int(arguments.get("task_id", 0))
        task = snapshot.by_id(task_id) or self._made.get(task_id)
        if task is None:
            return ToolCall(name, dict(arguments), {"error": "task not found"})
        return ToolCall(name, dict(arguments), {"task_id": task["id"], "status": "updated", "title": task["title"]})


_TOOL_OF = {"add": "add_task", "complete": "complete_task", "delete": "delete_task", "update": "update_task",
            "reopen": "update_task", "undo": UNDO_TOOL}


def _verbs_kept(turn: Turn, intents: tuple[str | None, ...]) -> bool:
    """Whether a rehearsed turn changed the list only with the tools its requests' verbs name (all named)."""
    if not intents or any(i is None or i not in _TOOL_OF for i in intents):
        return False
    named = {_TOOL_OF[i] for i in intents if i is not None}
    made = {c.tool for c in turn.calls if c.tool in _MUTATING_TOOLS and not is_error(c)}
    return bool(made) and made <= named


def _changes(turn: Turn) -> tuple[set[int], int]:
    """The tasks a (rehearsed) turn changed without error, and how many it added."""
    made = [c for c in turn.calls if c.tool in _MUTATING_TOOLS and not is_error(c)]
    changed = {int(c.result["task_id"]) for c in made if c.tool != "add_task" and "task_id" in c.result}
    return changed, sum(c.tool == "add_task" for c in made)


def _recent_touched(history: Sequence[Message], count: int) -> list[int]:
    """The ``count`` tasks most recently changed or made, over as many of the assistant's turns as it takes."""
    ids: list[int] = []
    for message in reversed(history):
        if message.role is not Role.ASSISTANT:
            continue
        for call in message.tool_calls:
            if call.tool in _MUTATING_TOOLS and "task_id" in call.result and int(call.result["task_id"]) not in ids:
                ids.append(int(call.result["task_id"]))
        if len(ids) >= count:
            break
    return ids[:count]


def _details(due: date | None, priority: str | None, today: date) -> str:
    parts = []
    if due is not None:
        parts.append(f"due {dates.describe(due, today)}")
    if priority and priority != "medium":
        parts.append(f"{priority} priority")
    return f" ({', '.join(parts)})" if parts else ""


_NOT_A_LIST = frozenset({"todo", "to-do", "to do", "do", "grocery-list", "reading-list", "task", "tasks", "my", "the", "whole", "full", "entire", "done"})


def _topic_then_comment(readings: list[Reading]) -> list[Reading]:
    """"the gutters can wait, bump it down to low": a task named, then "it" in the next clause.
    An unsure or idle clause that only names a task gives its name to the pronoun after it."""
    out: list[Reading] = []
    for reading in readings:
        before = out[-1] if out else None
        pointer = (reading.reference or "").lower() in _PRONOUN and len(reading.references) <= 1
        idle = before is not None and (before.confidence < ACT_CONFIDENCE or not before.mutating
                                       or not _ACTION.search(before.text))
        if (before is not None and pointer and idle and before.reference and before.reference.lower() not in _PRONOUN
                and before.reference.lower() not in _PLURAL and before.intent not in {"list", "count"}):
            out[-1] = replace(reading, reference=before.reference, references=(before.reference,),
                              text=f"{before.text}, {reading.text}")
            continue
        out.append(reading)
    return out


# An edit of a title, whatever the reader tagged: "rename it to 'swim at 6pm'", "change the title of the
# second task to 'send CV'", "fix the typo in task 1, it should say 'schedule vet visit'". A rename verb
# never adds; change/fix/edit/correct/update rename only with the new words quoted ("fix the sink" is a task).
_EDIT = re.compile(
    r"^\W*(?:(?:ok|so|and|also|oh|hey|please|pls|can\s+you|could\s+you|would\s+you|will\s+you|just)\W+)*"
    r"(?:(?P<rename>rename|retitle|re-?name)|(?:change|edit|fix|correct|update|reword|amend))\s+(?P<ref>.+?)"
    r"(?:\s*,?\s*(?:(?:so\s+)?(?:it|that|this)\s+(?:should|shall|will|must)\s+(?:say|read|be)|(?:so\s+)?it\s+(?:says|reads))"
    r"|\s+(?:to|into|as)(?:\s+(?:say|read))?)\s*:?\s*(?P<new>[\"“‘'].+[\"”’']|.+?)\s*[.!?]*"
    r"(?:\s*(?:thanks?|thank\s+you|thx|ty|cheers|please|pls)\W*)?$",
    re.IGNORECASE)
# "... it should be buy not by", "... I meant Jack, not Jake": the right wording, then the one turned down
_SWAP_TAIL = re.compile(r"\b(?:be|say|read|says|reads|is|mean|meant)\s+[\"“‘']?(?P<right>[\w' -]+?)[\"”’']?\s*,?\s+"
                        r"(?:not|instead\s+of|rather\s+than)\s+[\"“‘']?(?P<wrong>[\w' -]+?)[\"”’']?\W*$", re.IGNORECASE)
_EDIT_OF = re.compile(r"^(?:the\s+)?(?:(?:title|name|wording|spelling|text|typo|typos|mistake|misspelling)\s+"
                      r"(?:of|in|on|for)\s+)", re.IGNORECASE)


def _title_edit(reading: Reading) -> tuple[str, str] | None:
    """(reference, new title) when the clause renames a task, else None."""
    m = _EDIT.match(reading.text)
    if not m:
        return None
    new = m["new"].strip()
    quoted = new[:1] in "\"“‘'" and new[-1:] in "\"”’'"
    if not (quoted or m["rename"]):
        return None
    ref = _EDIT_OF.sub("", m["ref"].strip(" ,"))
    if re.search(r"\b(?:description|note|notes|details|due|date|priority)\b", ref, re.IGNORECASE):
        return None  # a different field, not the title
    new = _quote_strip(new)
    return (ref, new) if ref and new else None


# A message that says the last change hit the wrong task: "wrong one, I meant task 2", "no, the other one",
# "not that one, the dentist", "sorry, I meant the bakery".
_JUST_UNDO = re.compile(r"(?:(?:please|pls|just|can\s+you|could\s+you)\s+)*(?:undo|revert|reverse|take\s+(?:it|that)\s+back)"
                        r"(?:\s+(?:it|that|this|please|pls))*", re.IGNORECASE)
_RETARGET = re.compile(
    r"^\W*(?:(?:wait|no|nope|oops|sorry|actually|hmm|ugh|argh|ah|oh|whoops|err|um|nah)\W+)*"
    r"(?:wrong\s+(?:one|task|item)|not\s+(?:that|this)(?:\s+one)?(?=\W|$)|(?:the\s+)?other\s+one|i\s+meant\b"
    r"|that's\s+the\s+wrong\s+(?:one|task)|not\s+(?:the|my)\s+[\w'-]+(?:\s+[\w'-]+){0,3}\s*,)"
    r"\W*(?:(?:wait|no|sorry|oops)\W+)*(?!.*\b(?:too|as\s+well|also)\W*$)",
    re.IGNORECASE)
# A correction of what was just added: a correction word leads ("no wait", "actually", "sorry, I meant").
_ADD_FIX = re.compile(
    r"^\W*(?:(?:hmm+|oh|ah|um|err|ugh)\W+)*(?:(?:no+|nope|wait|oops|whoops|sorry|actually|my\s+bad|scratch\s+that)\W+)+"
    r"(?:(?:no+|nope|wait|oops|whoops|sorry|actually)\W+)*", re.IGNORECASE)
_ORDINAL_DAY = re.compile(r"(?:(?:on|for|by)\s+)?(?:the\s+)?\d{1,2}(?:st|nd|rd|th)(?:\s+of\s+[a-z]+)?", re.IGNORECASE)
_SAME_AGAIN = re.compile(r"^\W*(?:(?:and|oh|ok|okay|also|plus)\W+)*(?P<ref>(?:the\s+|that\s+)?(?:other(?:\s+one|\s+task)?|task\s+\d+"
                         r"|#\d+|number\s+\d+|\d+|the\s+\w+(?:\s+\w+)?\s+one|(?:the|my)\s+\w+(?:\s+\w+){0,2}))\s+(?:too|as\s+well|also)\W*$",
                         re.IGNORECASE)
_FIX_FRAME = re.compile(r"^(?:i\s+)?(?:meant|mean)\b\W*|^(?:make|change)\s+(?:it|that)(?:\s+to)?\b\s*|^call\s+it\b\s*"
                        r"|^(?:it\s+)?should\s+(?:be|say)\b\s*|^it(?:'s|\s+is|\s+was)\b\s*", re.IGNORECASE)
_FIX_TAIL = re.compile(r"(?:\W+(?:instead|then|please|pls|sorry|thanks|thx))+\W*$", re.IGNORECASE)
_NO_FIX = re.compile(r"^(?:thanks?|thank\s+you|ty|ok(?:ay)?|cool|great|fine|good|all\s+good|never\s*mind|nvm|forget\s+it"
                     r"|that'?s\s+(?:fine|ok|okay|right|good)|what|which|how|when|where|why|who|show|list|is|are|do|does|can)\b",
                     re.IGNORECASE)
_REMOVED_PART = re.compile(
    r"\b(?:remove|take|delete|drop|clear|scrap|ditch|get\s+rid\s+of|lose)\s+(?:the\s+|its\s+|that\s+|this\s+)?"
    r"(?P<part>deadline|due\s+date|due|date|priority|note|notes|description|label|tag|reminder|repeat|recurrence)"
    r"(?:\s+(?:from|off|on|of|for)\s+(?P<task>[^,.;!?]+)|\W*$)", re.IGNORECASE)  # not "remove the date night booking"
_PUT_TO = re.compile(r"^\W*(?:(?:please|pls|can\s+you|could\s+you|ok|so|and|also|oh|just)\W+)*(?:put|move|set)\s+.+?\s+"
                     r"(?:to|till|until|for)\s+(?:in\s+\d|next|this|tomorrow|tmrw|today|tonight|the\s+\d|\d"
                     r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)", re.IGNORECASE)
_CALM = re.compile(r"\b(?:no\s+(?:rush|hurry)|not\s+(?:urgent|important|a\s+priority))\b", re.IGNORECASE)
_NOT_DUE_TILL = re.compile(r"\b(?:not|isn'?t|aren'?t|is\s+not|are\s+not)\s+due\s+(?:until|till|til|before)\b", re.IGNORECASE)
_FROM_TO = re.compile(r"\bfrom\s+(?:a\s+)?(?P<from>high|low|medium|normal|urgent)\s+(?:priority\s+)?(?:to|into)\s+"
                      r"(?P<to>high|low|medium|normal|urgent)\b", re.IGNORECASE)
# Words that ask for a deletion; a deletion read without one of them is not made.
_REMOVAL_WORD = re.compile(
    r"\b(?:delete|del|dlete|delet|remove|remve|rmv|drop|scrap|scratch|ditch|bin|trash|erase|cancel|kill|nuke|clear|clean\s+up"
    r"|get\s+rid|rid|off|out|forget|never\s*mind|nvm|lose|axe|strike|chuck|toss|wipe|purge|don'?t\s+need|dont\s+need"
    r"|no\s+need|not\s+needed|no\s+longer|anymore|any\s+more|away|gone|cross\s+out|x\s+out|dump|junk|skip"
    r"|(?:can|could|should|may|must|has\s+to|have\s+to|needs?\s+to|gotta)\s+go|goes)\b",
    re.IGNORECASE)
_FIX_PREPOSITIONS = frozenset({"for", "with", "to", "at", "about", "from", "on", "in"})
_OTHER = re.compile(r"\b(?:the\s+)?other\s+(?:one|task)\b", re.IGNORECASE)
# A date said again ("make that 5 days", "actually 2 weeks") against one moved by an amount ("push it 2 days").
_RESTATE = re.compile(r"\b(?:make\s+(?:that|it)|actually|instead|i\s+mean[t]?|change\s+(?:that|it)\s+to|no\s+wait)\b",
                      re.IGNORECASE)
_SHIFT_VERB = re.compile(r"\b(?:push|move|bump|delay|postpone|put\s+off|back|forward|later|earlier|another|more|extra|by)\b",
                         re.IGNORECASE)
_ADVERBIAL_ALL = re.compile(r"^all\s+(?:good|done|set|sorted|right|ok|okay|fine|clear|ready)$", re.IGNORECASE)


# -- statements about a task, with no change verb ---------------------------------------------
# "passport renewal is done", "fed the cat", "I've paid the rent": a statement that a task is done;
# "the dentist should be due friday", "rent is high priority now": a statement of how a task stands.
# Either names an existing task or changes nothing: a statement never adds.
_STATEMENT_LEAD = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|also|oh|hey|well|yay|woo+|finally|btw|fyi|update|good\s+news|great\s+news|just|yes|yep"
    r"|right|alright|phew)\W+)*(?:(?:just\s+)?(?:wanted\s+to\s+|want\s+to\s+)?(?:let\s+you\s+know|tell\s+you|say)"
    r"(?:\s+that)?\s+)?", re.IGNORECASE)
_TRAILING_ASK = re.compile(
    r"\s*(?:[,;-]+\s*|\s+(?:so|and)\s+)(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?|please\s+|pls\s+)?"
    r"(?:change|update|fix|move|set|sort|note|mark|make)\s+(?:it|that|this)(?:\s+(?:please|pls|for\s+me))?\W*$"
    r"|\s*[,;-]*\s*(?:please|pls|thanks|thank\s+you|thx|ty|cheers)\W*$", re.IGNORECASE)
_DONE_STATE = (r"(?:done|finished|complete|completed|sorted(?:\s+out)?|dealt\s+with|taken\s+care\s+of|handled|over\s+with"
               r"|ticked\s+off|crossed\s+off|out\s+of\s+the\s+way|all\s+done|all\s+sorted|resolved|closed|wrapped(?:\s+up)?"
               r"|squared\s+away|knocked\s+out|good\s+to\s+go|off\s+my\s+plate)")
_DONE_WORDS = re.compile(r"^" + _DONE_STATE + r"$", re.IGNORECASE)
# "passport renewed!!", "bins out": a short subject and its state, with no verb between them
_BARE_STATE = re.compile(
    r"^(?P<subj>(?:[\w'’-]+\s+){0,3}[\w'’-]+)\s+(?P<state>[a-z]+ed|done|sorted|paid|sent|bought|fed|sold|swept|made)"
    r"(?:\s+(?:now|already|finally|at\s+last|today|this\s+morning|yesterday))*\W*$", re.IGNORECASE)
_STATE_OF = re.compile(
    r"^(?P<subj>[^,;:?]+?)\s*(?:\s(?:is|are|was|were|has\s+been|have\s+been|got|finally\s+got)|['’]s)\s+"
    r"(?:(?:now|finally|all|already|at\s+last|officially)\s+)*(?P<state>" + _DONE_STATE
    + r"|[a-z]+ed|[a-z]+en|out|off|up|away|back|paid|sent|bought|fed|sold|built|dug|hung|swept|made|sorted)"
    r"(?:\s+(?:now|already|finally|at\s+last|too|as\s+well|today|this\s+morning|yesterday))*\W*$", re.IGNORECASE)
_DID_IT = re.compile(
    r"^(?:(?:i|we)\s+(?:(?:have|'ve|’ve|ve|just|already|finally|also|actually|did|eventually)\s+)*|i['’]ve\s+|ive\s+)?"
    r"(?:(?:just|finally|already|actually|eventually)\s+)*(?P<verb>[a-z]+)\s+(?P<obj>[^,;:?]+?)"
    r"(?:\s+(?:now|already|finally|at\s+last|too|as\s+well|today|this\s+morning|yesterday|earlier))*\W*$",
    re.IGNORECASE)
# Past forms that are no completion of a task ("started the essay", "added milk", "forgot the bins").
_NOT_COMPLETING = frozenset({
    "add", "create", "delete", "remove", "erase", "mark", "tick", "cross", "complete", "move", "push", "rename", "update",
    "edit", "set", "make", "undo", "trash", "bin", "ditch", "reschedule", "postpone", "bump", "remind", "restore",
    "reopen", "untick", "start", "begin", "try", "want", "need", "decide", "hope", "mean", "forget", "miss", "delay",
    "like", "use", "say", "think", "love", "hate", "note", "list", "change", "schedule", "plan", "ask", "tell",
    "leave", "keep", "put", "drop", "shift", "have", "be", "go", "see", "wonder", "realise", "realize", "notice",
    "manage", "fail", "stop", "skip", "cancel", "clear",
})
_FINISHING = frozenset({"finished", "completed", "did", "done", "sorted", "ticked", "wrapped", "nailed", "handled", "knocked",
                        "smashed", "crushed", "closed", "resolved", "aced"})
_TIME_WORDS = DATE_WORDS | frozenset({
    "on", "by", "for", "at", "the", "of", "in", "this", "next", "until", "till", "before", "end", "midday", "am", "pm",
    "o'clock", "after", "from", "now", "actually", "really", "instead", "then", "a", "an", "and", "due", "be", "to",
    "set", "coming", "following", "st", "nd", "rd", "th"})
_PRIORITY_TERMS = frozenset({"urgent", "urgently", "important", "critical", "crucial", "vital", "high", "low", "medium",
                             "normal", "priority", "prio", "top", "asap", "whenever", "someday", "not", "that", "very",
                             "super", "less", "more", "really", "now", "actually", "a", "an", "of", "is", "the", "anymore",
                             "any", "instead", "too", "pretty", "quite"})
_TURNED_DOWN = re.compile(r",?\s*\b(?:not|rather\s+than|instead\s+of)\s+")


def _without_turned_down(text: str, today: date) -> str:
    """"due on friday not wednesday", "tomorrow not in 3 days": the text without the date turned down."""
    for m in reversed(list(_TURNED_DOWN.finditer(text))):
        found = find_date(text[m.end():], today)
        if found is not None and found.start == 0:
            text = text[:m.start()] + text[m.end() + found.end:]
    return text
_OPENERS = re.compile(r"^(?:(?:actually|so|oh|ok|okay|um|uh|well|hmm|also|btw|anyway|wait|yeah|and|plus)\W+)+",
                      re.IGNORECASE)
_COPULA = re.compile(
    r"^(?P<subj>[^,;:?]+?)\s*(?:\s(?:(?:got|gets|was|were|is|are|has\s+been|have\s+been|been)\s+(?:moved|pushed(?:\s+back)?"
    r"|rescheduled|postponed|bumped|brought\s+forward|put\s+off|changed)(?:\s+(?:to|till|until|for))?"
    r"|is|are|was|will\s+be|should\s+be|shall\s+be|must\s+be|needs?\s+to\s+be|has\s+to\s+be"
    r"|have\s+to\s+be|ought\s+to\s+be|can\s+be|could\s+be|would\s+be|becomes?|is\s+now|are\s+now"
    # "the plumber can wait till monday": it is due then
    r"|can\s+wait\s+(?:till|until|til|to|for)|can\s+wait|(?:can|could)\s+(?:be\s+)?(?:done|pushed)\s+(?:on|by)?)|['’]s)\s+"
    r"(?P<pred>[^?]+?)\W*$", re.IGNORECASE)
_NOT_A_SUBJECT = re.compile(
    r"^(?:what|when|where|which|who|why|how|there|here|today|tomorrow|tonight|this|everything|nothing|all|anything"
    r"|something|life|work|that's|it's)\b|\b(?:add|remind|need\s+to|have\s+to|got\s+to|gotta|want\s+to|must|new\s+task"
    r"|todo|to-do|i|me|we|you|my\s+list)\b", re.IGNORECASE)


_FILLER_TIME = frozenset({"now", "actually", "the", "a", "an", "of", "really", "instead", "then", "be", "to", "set", "and",
                          "due", "on", "by", "for", "at"})


_ADDED_ORDINAL = re.compile(r"^(first|second|third|last|1st|2nd|3rd)\s+(?:one|task|thing|item)?\s*(?:that\s+)?"
                            r"(?:i|you|we)?\s*(?:just\s+)?(?:added|created|made|put\s+(?:in|on))$")
# A whole message that puts a note on a task, where the clause reader would split it at its comma:
# "add a note to that, the slip is in my wallet", "for the first one add a note that legal signs off first".
_NOTE_MESSAGE = (
    re.compile(r"^\W*(?:(?:please|pls|ok|okay|so|and|also|oh|now|then)\W+)*(?:add|put|attach|write|stick|leave|pop)\s+"
               r"(?:a|an|the|this|some)\s+(?:note|comment|description)\s+(?:to|on|for|onto)\s+"
               r"(?P<ref>(?:\S+\s+){0,4}?\S+?)\s*(?:,|\s+that\s+|\s+saying\s+)\s*(?P<note>\S.*?)\W*$", re.IGNORECASE),
    re.compile(r"^\W*(?:(?:please|pls|ok|okay|so|and|also|oh|now|then)\W+)*(?:for|on|to)\s+(?P<ref>(?:\S+\s+){0,4}?\S+?)"
               r"\s*[,:]?\s+(?:(?:please|pls|can\s+you|could\s+you)\s+)?(?:add|put|attach|write|leave)\s+(?:a\s+|the\s+)?"
               r"(?:note|comment|description)\s*(?::|,|\s+that\s+|\s+saying\s+|\s-\s|\s)\s*(?P<note>\S.*?)\W*$",
               re.IGNORECASE),
)
_POINTER_PRIORITY = re.compile(
    r"^\W*(?:(?:oh|ok|okay|so|yeah|yep|and|also|btw|actually|wait)\W+)*(?P<ptr>that|this|it)\s*(?:['’]?s|\s+is)\s+"
    r"(?:(?:kinda|kind\s+of|pretty|really|super|very|quite|actually|also|a)\s+)*(?P<pri>(?:not\s+(?:that\s+)?)?(?:urgent|important"
    r"|high\s+priority|low\s+priority|top\s+priority|a\s+priority|critical|asap))(?:\s+(?:too|now|btw|actually|lol))*\W*$",
    re.IGNORECASE)
_SEARCH_FRAME = re.compile(
    r"^\W*(?:(?:hey|so|ok|okay|um|hmm+|quick\s+q|please|pls|can\s+you|could\s+you)\W+)*"
    r"(?:search(?:\s+for)?|find(?:\s+me)?|look\s+(?:up|for)|(?:do\s+i\s+have\s+|is\s+there\s+|are\s+there\s+|got\s+)?"
    r"(?:anything|any\s+tasks?|something|stuff|tasks?|whatever)\s+(?:about|re|regarding|mentioning|with|for|to\s+do\s+with)"
    r"|show\s+(?:me\s+)?(?:everything|anything|all\s+(?:the\s+)?tasks?|tasks?|stuff)\s+(?:about|re|regarding|mentioning|with))"
    r"\s+(?P<q>[^?]+?)\s*(?:(?:on|in)\s+(?:my|the)\s+list|in\s+there|in\s+(?:it|them|the\s+(?:title|name)))?\s*\??\s*$"
    # "show me the plumber one", "find my dentist stuff": one task described
    r"|^\W*(?:(?:can\s+you|could\s+you|please|pls)\s+)?(?:show|find|pull\s+up|open)\s+(?:me\s+)?(?:the|my)\s+"
    r"(?P<q2>[\w'’ -]+?)\s+(?:one|task|thing|item|stuff|reminder)\s*\??\s*$",
    re.IGNORECASE)
_POINTER_DONE = re.compile(
    r"^\W*(?:(?:oh|ok|okay|so|yeah|yep|yes|btw|actually|and|also|lol|haha)\W+)*(?P<ptr>that|this|it"
    # "first and second are done", "the 2nd and 3rd are finished": places in the list shown last
    r"|(?:the\s+)?(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)(?:\s+one)?(?:\s*(?:,|and|&)\s*(?:the\s+)?"
    r"(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)(?:\s+ones?)?)+)\s*(?:['’]?s|\s+is|\s+are|\s+was|\s+were"
    r"|\s+has\s+been|\s+have\s+been)\s+(?:(?:all|already|now|actually|totally|finally)\s+)*(?:done|finished|complete|completed|sorted"
    r"|handled|taken\s+care\s+of|dealt\s+with)(?:\s+(?:already|now|too|as\s+well|lol|haha|btw|actually))*\W*$",
    re.IGNORECASE)
# "everything except the gym", "all but task 3", "the rest apart from the bank one"
_EXCEPT = re.compile(r"\b(?:everything|every\s+task|all(?:\s+(?:of\s+)?(?:them|my\s+tasks|the\s+tasks|tasks))?|the\s+rest)"
                     r"(?:\s+(?:as\s+)?(?:done|complete|completed|finished|off))?\s*,?"
                     r"\s+(?:except(?:\s+for)?|but|besides|apart\s+from|other\s+than|save\s+for)\s+(?P<rest>[^?]+)$",
                     re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:,|\band\b|&|\bor\b|\bplus\b)\s*", re.IGNORECASE)
_TRAILING_NOTE = re.compile(r"^(?P<head>\W*(?:(?:please|pls|ok|okay|so|oh|hey)\W+)*(?:add|create|new\s+task|remind\s+me|put)\b.+?)"
                            r"\s*[,;.]\s*(?:and\s+)?(?:(?:add|put|with)\s+)?(?:a\s+)?(?:note|notes|description|desc)\b\s*"
                            r"(?::|-|\bthat\b|\bsaying\b)?\s*(?P<note>\S.*?)\s*$", re.IGNORECASE)
_NOTE_TO = re.compile(
    r"^\W*(?:(?:please|pls|can\s+you|could\s+you|ok|okay|so|and|also|oh|now|then)\W+)*"
    r"(?:(?:add|put|attach|write|stick|leave|pop|include)\s+(?:(?:a|an|the|this|that|some|my)\s+)?)?"
    r"(?:note|description|desc|comment|details?)\s+(?:to|on|for|onto)\s+(?P<ref>[^:]+?)"
    r"\s*(?::|\s-\s|,?\s+saying\b|,?\s+that\s+says\b)\s*(?P<note>.+)$", re.IGNORECASE)
_GOES_ON = re.compile(r"^\W*(?:and|also|plus|oh\s+and|&)\b", re.IGNORECASE)
_RELABEL = re.compile(r"^\W*(?:(?:please|pls|can\s+you|could\s+you|ok|okay|so|and|also|oh|now|then)\W+)*"
                      r"(?:move|shift|transfer|file|put|stick|pop|add)\b", re.IGNORECASE)
_SOFT_LEAD = re.compile(r"^\W*(?:(?:no|nope|wait|ok|okay|oh|hmm|actually|sorry|oops|ugh|argh)\W+)*", re.IGNORECASE)
_RENAME_CUE = re.compile(r"\b(?:rename|retitle|re-?name|call\s+it|title|name|wording|reword|say|says|read|reads|spell|spelled"
                         r"|spelling|typo|to|into|instead|should\s+be)\b|(?:^|\s)[\"“‘']|[\"”’'](?:\s|$)", re.IGNORECASE)
_STATEMENT_INTENTS = frozenset({"add", "complete", "update", "none", "check", "delete"})


_PRIORITY_FILLER = frozenset({"it's", "its", "is", "be", "very", "really", "super", "quite", "pretty", "not", "so", "kinda",
                              "kind", "sort", "of", "more", "less", "most", "least", "bit", "little", "too", "as", "well",
                              "p1", "p2", "p3", "p4", "hi", "lo", "med", "mid", "no", "rush", "hurry", "tbh",
                              "big", "deal", "huge", "major", "minor", "matter", "much", "anytime", "whenever"})


def _foreign_priority_words(words: str | None) -> list[str]:
    """Words read as a priority that no priority word explains ("call the GP | surgery asap"): a
    title's words swallowed by the priority (every such reading is "high"), so the add asks."""
    return [w for w in mood.words(words or "") if not (w in PRIORITY_WORDS or w in CLOSED_WORDS or w in _PRIORITY_FILLER
                                                       or w in INTERJECTIONS or not re.search(r"[a-z]", w))]


_ASKS_TO_SEE = re.compile(r"\?|\b(?:what|what's|which|show|list|how|any|anything|do\s+i|have\s+i|did\s+i|is\s+there)\b",
                          re.IGNORECASE)
_BARE_NOTE = re.compile(r"^\W*(?:(?:and|also|oh|ok|okay|then|now|please|pls)\W+)*(?:add|put|attach|leave|include)\s+"
                        r"(?:a|the|this)\s+(?:note|description|comment)\s*(?::|\s-\s|,?\s+saying\b)\s*(?P<note>\S.*)$",
                        re.IGNORECASE)
# "..., and add note borrow ladder from Tom" in the same breath as a change to one task: no article, no colon
_PLAIN_NOTE = re.compile(r"^\W*(?:(?:and|also|then|plus)\W+)*(?:add|put|attach|include)\s+(?:a\s+)?(?:note|comment)\s*"
                         r"(?::|\s-\s|,?\s+saying\b|\s+that\b|\s)\s*(?P<note>\S.*)$", re.IGNORECASE)
_CHANGING = frozenset({"add", "complete", "reopen", "delete", "update", "undo", "complete_all", "clear_completed", "delete_all"})
_SELF_CORRECTION = re.compile(r"^\W*(?:(?:hmm+|oh|ah|um|err|ugh)\W+)*(?:actually|no\s+wait|wait\s+no|no\s+sorry|sorry|oops|whoops"
                              r"|i\s+mean|i\s+meant|scratch\s+that|my\s+bad)\b", re.IGNORECASE)
_PLEASANTRY = re.compile(r"\b(?:thanks?|thank\s+you|thx|ty|ta|cheers|great|cool|ok|okay|awesome|perfect|nice|brilliant|lovely"
                         r"|appreciate\w*|good|hi|hello|hey|morning|evening|afternoon|yo|sup|howdy|well|hope|day)\b",
                         re.IGNORECASE)
_LATER_ADD = re.compile(r"[,;.]\s*(?:(?:and|now|then|also|so|plus|oh)\s+)*(?:add|remind\s+me|create|put\s+down)\b",
                        re.IGNORECASE)
_DONE_ONLY = re.compile(r"^(?:(?:is|are|now|all|been|just|finally|already|totally|completely|got|has|have|it's|its|"
                        r"done|finished|completed|complete|sorted|dealt\s+with|ticked\s+off|crossed\s+off|"
                        r"[\u2705\u2714\u2713\ufe0f]|yay|woo+|lol)\W*)+$", re.IGNORECASE)
_DONE_WORD = re.compile(r"\b(?:done|finished|completed|complete|sorted|dealt\s+with)\b|[\u2705\u2714\u2713]", re.IGNORECASE)
_REMOVAL = re.compile(r"\b(?:get\s+rid\s+of|take\b.*\boff|remove|delete|drop|scrap|ditch|bin|trash)\b", re.IGNORECASE)


def _asked_of_named(text: str, title: str) -> str | None:
    """What the words of a clause other than a task's name ask for: "complete" when they only say it
    is done ("tidy room - done"), "delete" when they remove it ("take feed cat off my list")."""
    at = text.lower().find(title.lower())
    if at < 0:
        return None
    rest = f"{text[:at]} {text[at + len(title):]}".strip(" ,.;:!-\u2013\u2014")
    if rest and _DONE_ONLY.match(rest) and _DONE_WORD.search(rest):
        return "complete"
    if _REMOVAL.search(rest) and not re.search(r"\b(?:add|put|create|remind)\b", rest, re.IGNORECASE):
        return "delete"
    if _NO_LONGER_NEEDED.search(rest) and _ANY_MORE.search(rest):
        return "delete"  # "I don't need to call the plumber anymore": a statement that asks for a deletion
    return None


_NO_LONGER_NEEDED = re.compile(r"\b(?:don'?t|dont|do\s+not|no\s+longer|won'?t|wont)\s+(?:need|have|want|got)\s+to\b"
                               r"|\bno\s+need\s+to\b", re.IGNORECASE)
_ANY_MORE = re.compile(r"\b(?:anymore|any\s+more|no\s+more|no\s+longer|after\s+all)\b", re.IGNORECASE)


_SAYS_STATE = re.compile(r"\b(?:is|isn'?t|are|aren'?t|was|wasn'?t|were|weren'?t|not|no\s+longer|anymore)\b", re.IGNORECASE)
_DANGLING = re.compile(r"(?:\s(?:and|or|with|w/|to|for|of|the|a|an|at|from|about|&)|&|/)\s*$", re.IGNORECASE)
_PREPOSITIONS = frozenset({"from", "into", "onto", "than", "via", "of", "with", "by", "at", "on", "in", "for", "off", "up",
                           "down", "over", "under", "to", "about"})
_WH_QUESTION = re.compile(r"^\W*(?:(?:so|and|ok|okay|hey|um|hmm)\W+)*(?:what|wat|which|when|where|who|how|why)(?:['’]?s|\s+is|\s+are|"
                          r"\s+was|\s+do|\s+does|\s+did|\s+should|\s+can|\s+have|\s+has)\b", re.IGNORECASE)
_NAMED_TASK = re.compile(r"\b(?:task|reminder|to-?do|item|one|something|entry)\s+(?:called|named|titled|entitled|saying)\b",
                         re.IGNORECASE)
_NAMING_WORD = re.compile(r"^(?:called|named|titled|entitled|saying)\s+", re.IGNORECASE)
_VAGUE_TIME = re.compile(r"\s*,?\s+(?:at\s+some\s+point(?:\s+soon)?|some\s*time\s+soon|sometime|one\s+of\s+these\s+days|one\s+day"
                         r"|eventually|when\s+i\s+(?:get|have|find)\s+(?:a\s+|the\s+)?(?:chance|minute|moment|time)"
                         r"|whenever(?:\s+i\s+(?:can|get\s+(?:a\s+)?(?:chance|round\s+to\s+it)))?)$", re.IGNORECASE)
_ADDITIVE_TAIL = re.compile(r"(?<=\w)\s+(?:too|as\s+well|also|instead)\s*$", re.IGNORECASE)
_TOKEN = re.compile(r"[\w#&@/'’.:-]*\w|[&#]")
_DEADLINE_TAIL = re.compile(r"\b(?:by|before|until|till|til|no\s+later\s+than)\s+(?P<when>(?:[\w'’]+\s*){1,3})$", re.IGNORECASE)
_HOLIDAY = re.compile(r"\b(?:christmas|xmas|easter|halloween|thanksgiving|eve|new\s+year'?s?|hanukkah|diwali|eid)\b", re.IGNORECASE)
_DAY_TAIL = re.compile(r"\b(?:on|by|until|till|next|this|before|due)\s+(?P<day>[a-z]{5,})$", re.IGNORECASE)
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
              "march", "april", "june", "july", "august", "september", "october", "november", "december")
_CALENDAR = frozenset(_DAY_NAMES) | frozenset({"today", "tomorrow", "tonight", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
                                               "sep", "sept", "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu",
                                               "thurs", "fri", "sat", "sun", "weekend", "tmrw", "tmr", "2moro"})
_DATE_GLUE = frozenset({"on", "by", "the", "of", "next", "this", "in", "at", "due", "before", "until"})
_SUBJECTS = frozenset({"it", "i", "he", "she", "they", "we", "you", "someone", "somebody", "everyone", "it's", "its"})
_ARTICLES = frozenset({"the", "a", "an", "my", "his", "her", "our", "your", "their", "this", "that"})


def _tokens(text: str) -> list[str]:
    return [t.lower().replace("’", "'") for t in _TOKEN.findall(text)]


def _slot_tokens(reading: Reading) -> set[str]:
    """Every word a slot other than the title read (date, priority, repeat, list, note)."""
    return {w for part in (reading.date, reading.priority, reading.repeat, reading.label, reading.note) if part
            for w in _tokens(part)}


def _near_day(word: str) -> str | None:
    """A weekday or month typed with a slip or two ("wensday"); None for the name itself or anything else."""
    word = word.lower()
    if word in _DAY_NAMES:
        return None
    for name in _DAY_NAMES:
        if name[0] == word[0] and abs(len(name) - len(word)) <= 2 and SequenceMatcher(None, word, name).ratio() >= 0.8:
            return name
    return None


def _alignment_gap(text: list[str], words: list[str], allowed: set[str], start: int) -> list[str] | None:
    """The words no slot reads between a title's words, read in the message from ``start`` on ([] if none;
    None when a word is not found after it: a word the reader normalised, or no alignment from there)."""
    at = start
    for word in words[1:]:
        try:
            found = text.index(word, at + 1)
        except ValueError:
            return None
        gap = [w for w in text[at + 1:found] if w not in allowed]
        if gap:
            return gap
        at = found
    return []


def _title_doubt(reading: Reading, titles: list[str], today: date) -> str | None:
    """Why the titles of an add may not be what was meant, in words to ask with; None when they read clean.
    A title glued from pieces around words no slot reads ("send invoice #7 | to | ACME" without "to", "book
    flights | high priority and | book hotel" as one title), words read as a priority that no priority word
    explains, or a date left in a title ("on wensday", "by christmas eve") are a misreading: an add asks."""
    text = _tokens(reading.text)
    foreign = _foreign_priority_words(reading.priority)
    lead = _tokens(reading.priority or "")[:1]
    if foreign and lead == foreign[:1] and any(f"{' '.join(_tokens(t))} {lead[0]}" in " ".join(text) for t in titles):
        return f"I wasn't sure whether \"{lead[0]}\" belongs to the task or its priority."

    allowed = _slot_tokens(reading)
    for title in titles:
        if _DANGLING.search(title):
            return f"I think I missed the end of \"{title}\"."
        head, colon, tail = reading.text.partition(":")
        if colon and ":" not in title and _tokens(title)[:1] and _tokens(title)[0] in _tokens(head) and _tokens(title)[-1] in _tokens(tail):
            return f"I wasn't sure whether \"{head.split()[-1]}\" belongs in \"{title}\"."  # "add 2 jobs: sweep ..."
        gaps = [_alignment_gap(text, _tokens(title), allowed, start) for start, w in enumerate(text)
                if _tokens(title)[:1] == [w]]
        # "add call mom and call dad": "call dad" is read from its own "call", not from the first one
        if gaps and gaps[0] is not None and all(gap is None or gap for gap in gaps):
            return f"I wasn't sure whether \"{' '.join(gaps[0])}\" belongs in \"{title}\"."
        if reading.date and read_date(reading.date, today) is not None:
            continue
        deadline = _DEADLINE_TAIL.search(title)
        if deadline and title[:deadline.start()].strip():
            when = deadline["when"].split()
            clause = when[0].lower() in _SUBJECTS  # "before it renews", "until she calls back": a clause, no date
            if not clause and (_HOLIDAY.search(deadline["when"]) or (when[0].lower() not in _ARTICLES
                                                                     and not all(w[:1].isupper() for w in when))):
                return f"Is \"{deadline.group().strip()}\" when \"{title[:deadline.start()].strip()}\" is due?"
        day = _DAY_TAIL.search(title)
        if day and _near_day(day["day"]):
            return (f"Did you mean \"{title[:day.start()].strip()}\", due {str(_near_day(day['day'])).capitalize()}?")
    return None


def _reclaim_title_words(reading: Reading, titles: list[str], today: date) -> tuple[Reading, list[str]]:
    """A title word the date or priority swallowed, typed right after the title and needed by neither slot
    ("fix the squeaky | door day after tmrw", "call the GP | surgery asap"), goes back to the title; a date
    the title kept at its end ("dentist appointment 3 July") becomes the due date."""
    if len(titles) != 1:
        return reading, titles
    title = titles[0]
    low = " ".join(reading.text.lower().split())
    for kind in ("date", "priority"):
        words = getattr(reading, kind)
        if not words:
            continue
        first = words.split()[0]
        rest = " ".join(words.split()[1:])
        if not rest or first in CLOSED_WORDS or first in INTERJECTIONS or not re.fullmatch(r"[a-z][a-z'-]+", first):
            continue
        same = (read_date(rest, today) == read_date(words, today) and read_date(rest, today) is not None) if kind == "date" \
            else (not _foreign_priority_words(rest) and read_priority(rest) is not None)
        if same and f"{title.lower()} {first}" in low:
            start = low.index(f"{title.lower()} {first}") + len(title) + 1
            title = f"{title} {reading.text[start:start + len(first)]}" if reading.text.lower() == low else f"{title} {first}"
            reading = replace(reading, date=rest) if kind == "date" else replace(reading, priority=rest)
    at = reading.text.lower().find(title.lower())
    if at >= 0 and not reading.priority and not reading.note:
        # "email the landlord | about the lease | tomorrow": a phrase left between the title and its date
        after = reading.text[at + len(title):]
        stop = min([i for g in reading.date_groups if (i := after.lower().find(g)) >= 0] + [len(after)])
        run = re.split(r"[,.;!?]", after[:stop], maxsplit=1)[0]
        words = _tokens(run)
        if (run.strip() and run[:1].isspace() and words and words[0] in _FIX_PREPOSITIONS | {"re", "regarding"}
                and any(w not in CLOSED_WORDS for w in words) and not any(w in COMMAND_WORDS for w in words)
                and not reading.repeat and not set(words) & _slot_tokens(reading)):
            title = f"{title} {run.strip()}"
    title = _causative(reading.text, title)
    if not (reading.date and read_date(reading.date, today) is not None):
        words = title.split()
        for k in range(min(4, len(words) - 1), 0, -1):
            tail = " ".join(words[-k:])
            tokens = _tokens(tail)
            if not any(w in _CALENDAR for w in tokens) or not all(
                    w in _CALENDAR or w in _DATE_GLUE or re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w) for w in tokens):
                continue
            due = read_date(tail.lower(), today)
            if isinstance(due, date):
                title = " ".join(words[:-k])
                reading = replace(reading, date=tail.lower(), item_dates=())
                break
    return reading, [title]


# "get my car serviced", "have the boiler fixed": the verb before the thing and the deed after it are the task
_CAUSATIVE = re.compile(r"\b(?P<verb>get|have)\s+(?P<det>my|the|a|an|our|his|her|their|your)\s+", re.IGNORECASE)


def _causative(text: str, title: str) -> str:
    """The title with a causative's own words put back ("car serviced" of "I need to get my car serviced" is
    "get my car serviced"; "get the boiler" of "... get the boiler fixed" is "get the boiler fixed")."""
    at = text.lower().find(title.lower())
    if at < 0:
        return title
    if re.search(r"\b(?:before|b4|until|till|unless|when|after)\s+\w+\s+\w+$", title, re.IGNORECASE) and (
            obj := re.match(r"\s+(?:me|us|him|her|them)\b", text[at + len(title):], re.IGNORECASE)):
        return f"{title}{obj[0]}"  # "... before they charge | me": the clause's object is no command word
    if obj := re.match(r"\s*(?:&|and)\s+(?:me|us|myself)\b", text[at + len(title):], re.IGNORECASE):
        return f"{title}{obj[0]}"  # "flights for Ana | & me"
    before = text[:at]
    lead = next((m for m in _CAUSATIVE.finditer(before) if m.end() == len(before)), None)
    if lead is not None:
        title, at = text[lead.start():at + len(title)], lead.start()
    elif not _CAUSATIVE.match(title):
        return title
    after = re.match(r"\s+(?P<done>[a-z]+ed|done|fixed|cut|made|seen|sent)\b", text[at + len(title):], re.IGNORECASE)
    if after is not None and after["done"].lower() not in CLOSED_WORDS:
        title = f"{title} {after['done']}"
    return title


def _pointer_like(phrase: str) -> bool:
    """A phrase the reference resolver reads by itself: a number, a pronoun, a position, a quantifier."""
    text = re.sub(r"^(?:the|my)\s+", "", " ".join(phrase.lower().replace("’", "'").split()))
    text = re.sub(r"^(that|this|it)'?s$", r"\1", text)  # "thats done": the pointer, its "is" run on
    return (text in _PRONOUN or text in _PLURAL or bool(_ID.match(text) or _FIRST_N.match(text) or _EVERY.match(text))
            or bool(explicit_ids(text)) or bool(re.search(r"\d", text)) or bool(_ORDINAL.search(text))
            or text.split()[:1] in (["one"], ["both"], ["all"], ["it"], ["that"], ["this"])
            or bool(re.search(r"\b(?:them|those|these|ones|some|few|couple|several|everything|each)\b", text)))


def _statement_text(reading: Reading) -> str:
    text = _STATEMENT_LEAD.sub("", reading.text.strip(), count=1)
    for _ in range(2):
        text = _TRAILING_ASK.sub("", text).strip()
    return text


def _slang(word: str) -> str:
    return SLANG.get(word, word)


# What tells that something is done: a past form ("paid", "washed"), a word for done, a request to mark it, a tick.
_COMPLETION_WORDS = DONE_STATE_WORDS | frozenset({
    "mark", "marked", "tick", "ticked", "check", "checked", "cross", "crossed", "complete", "finish", "close", "closed",
    "knock", "wrap", "nail", "strike", "clear", "done", "did", "got", "out", "off", "taken", "gone", "seen", "written",
    "given", "eaten", "sent", "over", "through", "ready", "up", "already", "✅", "✔", "☑", "✓", "✔️", "dun", "fin", "finito"})


def _no_completion_told(text: str) -> bool:
    """Whether a completion the person tells of themselves ("I hate paying rent") says nothing that tells the
    task is done. A bare reference ("the dentist one", "and the second one") is an answer or a continuation,
    whose verb the conversation gave."""
    words = [normalise_word(w) for w in re.findall(r"[\w'’]+|[✅✔☑✓]", text)]
    return bool(words) and words[0] in {"i", "we", "i'm", "im", "we're"} and not any(w in _COMPLETION_WORDS or w in IRREGULAR_PAST or (w.endswith("ed") and base_verb(w) != w)
                                   for w in words)


def _same_deeds(verb: str) -> set[str]:
    """The verbs that name the same deed as ``verb`` ("rang" / "call" / "phone")."""
    return {w for deed in SAME_DEED if verb in deed for w in deed}


def _deed_fits(verb: str | None, title: list[str], obj: str) -> bool:
    """A told deed fits a task when the title says it, in these or other words, or the object covers the
    whole title ("bought the milk": "milk")."""
    if verb is None:
        return True
    same = _same_deeds(verb)
    return (verb in title or stem(verb) in title or bool(same & set(title))
            or any(len(verb) >= 4 and w[:4] == verb[:4] for w in title) or set(title) <= set(normalise(obj)))


def _done_statement(reading: Reading) -> tuple[str, str, str | None] | None:
    """(the task as the words name it, the object alone, the deed's verb if one is said) for a statement that a task is done:
    "passport renewal is done" -> ("passport renewal", ...), "fed the cat" -> ("feed the cat", "the cat")."""
    text = _statement_text(reading)
    if not text or text.endswith("?") or mood.leading_intent(text) or _NOT_DONE.search(text):
        return None
    state = _STATE_OF.match(text) or (_BARE_STATE.match(text) if reading.intent in {"none", "complete"} else None)
    if state and not _NOT_A_SUBJECT.search(state["subj"]):
        subj = state["subj"].strip(" ,.!")
        word = state["state"].lower()
        if _DONE_WORDS.match(word):
            return subj, subj, None
        base = base_verb(word[:-1] if word.endswith("en") and base_verb(word) == word else word)
        if base in _NOT_COMPLETING:
            return None
        return f"{subj} {base}", subj, None  # "bins are out" -> "bins out", "the car is washed" -> "the car wash"
    did = _DID_IT.match(text)
    if did:
        verb, obj = normalise_word(did["verb"].lower()), did["obj"].strip(" ,.!")
        if verb in _FINISHING:
            obj = re.sub(r"^(?:with\s+|off\s+|up\s+|out\s+)", "", obj, flags=re.IGNORECASE)
            return (obj, obj, None) if obj and not _NOT_A_SUBJECT.search(obj) else None
        base = base_verb(verb)
        if base == verb or base in _NOT_COMPLETING or verb in {"i", "we"}:
            return None
        obj = re.sub(r"\s+done$", "", obj, flags=re.IGNORECASE)  # "got the tyres done"
        last = obj.split()[-1].lower() if obj.split() else ""
        if base in {"get", "have"} and base_verb(last) != last and len(obj.split()) > 1:
            # "got the tyres changed": the deed is the participle's
            base, obj = base_verb(last), " ".join(obj.split()[:-1])
            if base in _NOT_COMPLETING:
                return None
        return f"{base} {obj}", obj, base
    return None


def _state_update(reading: Reading, today: date) -> Reading | None:
    """The reading of "the dentist should be due dec 24" / "rent is high priority now": an update of the
    task the subject names, with the predicate's date or priority; None when the predicate is not one."""
    text = _statement_text(reading)
    m = _COPULA.match(text) if text and not text.endswith("?") and not mood.leading_intent(text) else None
    if not m or _NOT_A_SUBJECT.search(m["subj"]):
        return None
    subj = _OPENERS.sub("", m["subj"]).strip(" ,.!")  # "actually the essay is due thursday": the essay
    said = _without_turned_down(m["pred"].lower(), today)
    pred = [_slang(w) for w in re.findall(r"[\w'’-]+", said)]
    if not subj or not pred:
        return None
    priority_words = [w for w in pred if w in _PRIORITY_TERMS]
    date_words = [w for w in pred if w not in _PRIORITY_TERMS or w in {"now", "actually", "the", "a", "of"}]
    has_priority = any(w in {"urgent", "urgently", "important", "critical", "crucial", "vital", "high", "low", "medium",
                             "normal", "priority", "prio", "asap", "whenever", "someday"} for w in priority_words)
    date_text = " ".join(date_words)
    coverable = all(w in _TIME_WORDS or w in {"today", "tonight", "tomorrow"} or re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)?|\d{1,2}[:/.-]\d{1,2}(?:[:/.-]\d{2,4})?", w)
                    or w in ORDINALS for w in date_words)
    core = [w for w in date_words if w not in _FILLER_TIME]
    due = read_date(date_text, today) if core and coverable else None
    if core and not isinstance(due, date):
        return None  # words in the predicate that are neither a date nor a priority: not this form
    if due is None and not has_priority:
        return None
    return replace(reading, intent="update", reference=subj.lower(), references=(subj.lower(),), reference_text=subj,
                   titles=(), item_dates=(), date=date_text if due is not None else None,
                   date_groups=(date_text,) if due is not None else (),
                   priority=" ".join(priority_words) if has_priority else None, new_title=None, note=None,
                   label=None, repeat=None, confidence=max(reading.confidence, ACT_CONFIDENCE), unsure=False, unexplained=())


def _drop_verb(phrase: str) -> str:
    head, _, rest = phrase.partition(" ")
    return rest if head.lower() in mood.ACTION_VERBS and rest else phrase


def _surroundings(message: str, clause: str) -> tuple[str, str]:
    """The words of the clause's sentence ahead of it, and the whole sentence."""
    at = message.find(clause)
    if at < 0:
        return "", clause
    start = max(message.rfind(mark, 0, at) for mark in ".!?\n") + 1
    ends = [i for i in (message.find(mark, at + len(clause)) for mark in ".!?\n") if i >= 0]
    return message[start:at], message[start : min(ends, default=len(message))]


def _repeat_words(reading: Reading) -> str | None:
    """The repeat words with the date words beside them: "on the 1st" + "of every month"."""
    return " ".join(w for w in (reading.date, reading.repeat) if w) if reading.repeat else None


def _label(reading: Reading) -> str | None:
    name = label_name(reading.label)
    return name if name and name.lower() not in _NOT_A_LIST else None


def _quote_strip(text: str) -> str:
    return text.strip(" \"'“”‘’")


_SHOW_ONE = re.compile(r"^\W*(?:(?:can\s+you|could\s+you|please|pls)\s+)?(?:show(?:\s+me)?|what'?s|what\s+is|what\s+was"
                       r"|open|see|view|display|remind\s+me\s+(?:what|of))"
                       r"\s+(?:task|item|number|no\.?|#)\s*#?(?P<id>\d{1,6})(?:\s+(?:again|is|was))*\W*$", re.IGNORECASE)
# The verbs that ask for a change of a task on the list: the assistant's own action verbs, less those that add
_CHANGE_VERBS = r"(?:" + "|".join(sorted(
    (mood.ACTION_VERBS - {"add", "adding", "put", "create", "note", "jot", "write", "remind", "log", "schedule", "save", "stick",
                          "list", "check", "touch"})
    | {"cancel", "finish", "unmark", "uncheck", "take", r"get\s+rid", "wipe"}, key=len, reverse=True)) + r")\b"
_REQUEST_VERBS = r"(?:add\b|put\b|" + _CHANGE_VERBS + ")"
_NOTE_THEN_REQUEST = re.compile(r"(?:[,;.]\s*|\s+)(?:and\s+|then\s+|also\s+)+(?:please\s+)?" + _REQUEST_VERBS, re.IGNORECASE)
# "im not going anymore so delete the haircut task": the reason, then the request it leads to
_SO_REQUEST = re.compile(r"^(?P<reason>[^?]+?)[\s,]+(?:so|therefore)\s+(?:(?:please|pls|can\s+you|could\s+you|just)\s+)?"
                         r"(?P<request>" + _REQUEST_VERBS + r"[^?]*)$", re.IGNORECASE)
# "drop the tweet, we're not doing it": the request, then why
_TRAILING_REASON = re.compile(
    r"^(?P<request>(?:(?:please|pls|can\s+you|could\s+you|can\s+u|could\s+u|just|ok|okay)\s+)?" + _REQUEST_VERBS + r"[^,?]*?)\s*[,;-]+\s*"
    r"(?P<reason>(?:because\s+|since\s+|as\s+)?(?:we|i|i'm|im|i've|ive|we're|were|they|they're|theyre|it|it's|its|mine|he|she"
    r"|that|that's|thats)\b[^,?]*)$", re.IGNORECASE)
# What a reason says: the task is not needed or not happening, or is already dealt with. Not a hedge
# ("delete it, i'm not sure" keeps its doubt).
_REASON_STATES = re.compile(
    r"\b(?:no\s+longer|anymore|any\s+more|cancel+ed|called\s+off|died|dead|broke|broken|gone|sold|already"
    r"|almost\s+out|nearly\s+out|running\s+(?:out|low)|ran\s+out|out\s+of\s+stock"
    r"|not\s+(?:going|doing|needed|happening|coming|necessary|free|available|relevant)|(?:don'?t|do\s+not|doesn'?t)\s+need"
    r"|(?:isn'?t|aren'?t|is\s+not|are\s+not)\s+(?:needed|happening|necessary|relevant))\b", re.IGNORECASE)
_HEDGE = re.compile(r"\b(?:sure|maybe|perhaps|think|know|wait|yet|decided?|if|might|unless)\b", re.IGNORECASE)


# A remark's words that make it part of the request after all: more of it ("..., and the dentist", "..., both of
# them", "..., the milk too") or a turn against its task ("..., not the red one").
_MORE_TO_DO = re.compile(r"^\W*(?:and|also|plus|both|all|every\w*|them|those|these|(?:but\s+)?not\s+(?:the|that|this|my))\b|\b(?:too|also|as\s+well)\W*$",
                         re.IGNORECASE)
# "the Lisbon one", "the overdue thing", "the party stuff": a task named by a description
_DESCRIBED_TASK = re.compile(r"\b(?:the|that|my)\s+[\w'’ -]+?\s+(?:one|ones|thing|things|stuff|task|tasks|item|reminder)\b",
                             re.IGNORECASE)
# "decided to keep it", "decided against it": a decision told is a reason, not a hedge
_DECIDED = re.compile(r"\bdecided\s+(?:to|against|not)\b", re.IGNORECASE)
# A request, then a remark after a comma ("scrap the Henderson task, deal fell through").
_ASIDE = re.compile(r"^(?P<request>\W*(?:(?:please|pls|can\s+you|could\s+you|just|ok|okay|oh|so)\s+)*" + _CHANGE_VERBS
                    + r"[^,;?:]*?)\s*[,;]\s*(?P<aside>[^,;?:]+?)\W*$", re.IGNORECASE)
# A reason told first, then a request that points back: "oops i haven't sent it yet, untick it".
_LEAD_REASON = re.compile(r"^(?P<reason>\W*(?:(?:wait|no|nope|oops|ugh|hmm+|sorry|actually|oh)\W+)*(?:i|we|i'm|im|i've|ive)\b"
                          r"[^,;?]*)\s*[,;]\s*(?P<request>(?:(?:so|please|pls|just|can\s+you|could\s+you)\s+)*" + _CHANGE_VERBS
                          + r"\s+(?:it|that|this|them)\b[^,;?]*)$", re.IGNORECASE)
# A correction is no remark: "... 'call dave' - sorry, I mean 'call david'"
_CORRECTING = re.compile(r"\b(?:i\s+mean|i\s+meant|sorry|actually|instead|no\s+wait|wait\s+no|make\s+(?:it|that)|rather|oops"
                         r"|my\s+bad|scratch\s+that)\b", re.IGNORECASE)
_SELF_TOLD = re.compile(r"^\W*(?:i|i'll|ill|i'm|im|i've|ive|we|we'll|we're|gonna|going\s+to)\s", re.IGNORECASE)
_SLOT_WORD = re.compile(r"\b(?:" + "|".join(sorted(DATE_WORDS | PRIORITY_WORDS | {"tmrw", "tonight", "asap"})) + r")\b|\d",
                        re.IGNORECASE)


_BOTH_TAIL = re.compile(r"\s+(?:both|all|each)(?:\s+of\s+(?:them|those|these))?$", re.IGNORECASE)


# A task named by its state: "the overdue one", "the urgent task", "the one due tomorrow", "the done one".
_STATES = r"overdue|late|urgent|high[- ]priority|important|low[- ]priority|unimportant|done|completed|finished|due\s+today|due\s+tomorrow"
# searched for in a clause ("delete the done one"), matched whole against a reference ("overdue one")
_BY_STATE = re.compile(r"\b(?:(?P<state>" + _STATES + r")\s+(?:one|task|thing|item)|(?:one|task)\s+(?:that'?s\s+|that\s+is\s+"
                       r"|which\s+is\s+|i\s+)?(?P<state2>" + _STATES + r"))\b", re.IGNORECASE)


# "did the grocery run and picked up the meds": two deeds, each told with its own past-tense verb
_TWO_DEEDS = re.compile(r"^(?P<a>.+?\b(?P<va>[a-z]+ed|" + "|".join(IRREGULAR_PAST) + r")\b.+?)\s*,?\s+(?:and|n|&|plus)\s+"
                        r"(?:also\s+|then\s+|i\s+|we\s+)*(?P<b>(?P<vb>[a-z]+ed|" + "|".join(IRREGULAR_PAST)
                        + r")\b.+)$", re.IGNORECASE)


def _deeds(reading: Reading, engine: Engine) -> list[Reading]:
    """A statement of two deeds read as two statements, each naming its own task."""
    if reading.intent not in {"complete", "none"} or len(reading.references) == 1:
        return [reading]
    m = _TWO_DEEDS.match(reading.text)
    if m is None:
        return [reading]
    parts = [engine.read(m["a"]), engine.read(m["b"])]
    if any(len(p) != 1 or p[0].intent not in {"complete", "none"} for p in parts):
        return [reading]
    return [parts[0][0], parts[1][0]]


def _shares_a_title_word(text: str, tasks: Sequence[dict[str, Any]]) -> bool:
    """Whether any content word of the text is a word of a title on the list."""
    said = set(normalise(" ".join(discourse.content_words(text))))
    return any(said & set(normalise(str(t["title"]))) for t in tasks)


def _sets_a_slot(words: str, today: date) -> bool:
    """Whether a remark says a date or a priority ("what a day" does not; "by friday" does)."""
    return bool(re.search(r"\d", words)) or read_date(words, today) is not None or any(
        w in PRIORITY_WORDS for w in mood.words(words))


def _shared_date(readings: list[Reading]) -> list[Reading]:
    """"my math hw and my spanish essay both due tmrw": the date said of both is each new task's date."""
    if len(readings) < 2 or any(r.intent != "add" or len(r.titles) != 1 for r in readings[:-1]):
        return readings
    last = readings[-1]
    if (last.intent == "update" and last.reference_text and len(last.references) == 1 and last.date
            and _BOTH_TAIL.search(last.reference_text) and not last.priority and not last.new_title):
        # "... and the french oral both due friday": read as a move of "the french oral both", but the
        # words name a second new task
        last = replace(last, intent="add", titles=(re.sub(r"^(?:the|my)\s+", "", last.reference_text, flags=re.IGNORECASE),),
                       reference=None, references=(), reference_text=None, item_dates=(last.date,))
    if last.intent != "add" or len(last.titles) != 1:
        return readings
    if not last.date or not _BOTH_TAIL.search(last.titles[0]):
        return readings
    title = _BOTH_TAIL.sub("", last.titles[0])
    shared = [r if r.date else replace(r, date=last.date, item_dates=(last.date,)) for r in readings[:-1]]
    return [*shared, replace(last, titles=(title,))]


# "add call the bank because my card got blocked", "it's high priority because finance closes early": why a
# request is made is no part of it (a reason that names a day or a priority may be what the person means: kept)
_BECAUSE = re.compile(r"(?:\s*,\s*|\s+|\s*[-–—]\s*)(?:(?:because|'?cause|cuz|cos|coz)\s+(?!of\b)|(?:since|bc|seeing\s+as)\s+"
                      r"(?=(?:i|i'm|im|i've|ive|i'll|we|we're|we've|it|it's|its|they|they're|he|she|my|our|the|his|her"
                      r"|their|there|that|this|otherwise)\b))(?P<why>[^.!?;]*)", re.IGNORECASE)
_ITS = re.compile(r"^(?:it'?s|its|it\s+is|that'?s|this\s+is|they'?re|they\s+are)\s+", re.IGNORECASE)


# "whenever I get round to it", "when I get a chance": no day, and no hurry
_SOME_DAY = re.compile(r"(?:\s*,\s*|\s+)(?:whenever|when)\s+(?:i|we)\s+(?:get\s+(?:a\s+)?(?:round|around)\s+to\s+it"
                       r"|get\s+(?:a|the)\s+(?:chance|minute|moment)|(?:have|find|got)\s+(?:the\s+|some\s+)?time|can)\b",
                       re.IGNORECASE)


def _without_because(message: str, today: date) -> str:
    def drop(m: re.Match[str]) -> str:
        if not _sets_a_slot(m["why"], today):
            return ""
        # "because it's on saturday", "cos it's urgent": the day or the priority is what is meant
        return f", {_ITS.sub('', m['why'])}" if _ITS.match(m["why"]) else m.group()

    kept = _SOME_DAY.sub(", whenever", _BECAUSE.sub(drop, message))
    return kept if kept.strip(" ,.!?;") else message


def _without_reason(message: str) -> str:
    """The request of a message that also gives its reason ("... so delete it", "delete it, we're not going"):
    a reason is no task and no change of its own, and its "not" is no negation of the request."""
    text = message.strip()
    if "\n" in text or len(text) > 300:
        return message
    for found in (_SO_REQUEST.match(text), _TRAILING_REASON.match(text)):
        if found and _REASON_STATES.search(found["reason"]) and not _HEDGE.search(found["reason"]) \
                and not re.search(_REQUEST_VERBS, found["reason"], re.IGNORECASE):
            return found["request"]
    return message


_SAYS = frozenset({"reads", "read", "says", "say", "said", "spell", "spells", "spelled", "spelt", "reading", "saying"})
# "what's overdue or due today?", "anything due today or tomorrow": two filters, either of which
_WHEN_FILTER = r"(?:overdue|late|(?:due\s+)?(?:today|tonight|tomorrow|tmrw|this\s+week|next\s+week|this\s+weekend))"
# ("whats overdue n whats due today", "due today or already late": the second asked again in its own words)
_EITHER_FILTER = re.compile(r"\b(?P<a>" + _WHEN_FILTER + r")\s*,?\s+(?:or|and|n|&|plus)\s+(?:(?:what'?s|whats|what\s+is|what"
                            r"|anything|stuff|things|tasks?)\s+)?(?:(?:that'?s|is|are|already|still)\s+)*(?P<b>"
                            + _WHEN_FILTER + r")\b", re.IGNORECASE)
_ADDRESSED = re.compile(r"^\W*(?:(?:hey|hi|ok|okay|so|please|pls)\W+)*(?:(?:can|could|would|will)\s+(?:you|u)(?:\s+please|\s+pls)?"
                        r"|would\s+you\s+mind|please|pls|kindly)\s+", re.IGNORECASE)
# Headings people put before a new task: "note to self - ...", "to do: ...", "don't let me forget: ...".
_ADD_HEADING = re.compile(r"^\W*(?:note\s+to\s+(?:self|me|myself)|to\s+do(?!\s+lists?\b)|to-do\s+item|action\s+item"
                          r"|don'?t\s+let\s+me\s+forget)\s*(?:[-:–—,]+\s*|\s+(?=\w))", re.IGNORECASE)
_SAME_DAY = re.compile(r"\s*,?\s*\b(?:(?:on\s+)?the\s+same\s+(?:day|date)|same\s+(?:day|date|time)|(?:on\s+)?that\s+day)\b",
                       re.IGNORECASE)
_WHICH_OF = re.compile(r"^\W*(?:(?:and|so|ok|okay)\W+)*(?:which|what)\s+(?:of\s+)?(?:them|those|these|they)\b", re.IGNORECASE)
_BARE_THING = re.compile(r"(?:the|that|this)\s+(?:thing|stuff|one|task|errand|reminder|business|job)", re.IGNORECASE)


def _described(phrase: str | None, text: str) -> str | None:
    """"the thing" of "scrap the thing with the plumber": the words that say which thing are its own."""
    if phrase is None or not _BARE_THING.fullmatch(phrase.strip()):
        return phrase
    said = re.search(re.escape(phrase.strip()) + r"\s+(?:with|about|for|re|regarding|involving|at|from)\s+(?:the\s+|my\s+)?"
                     r"[\w'-]+(?:\s+(?!and\b|to\b|as\b|off\b|now\b|please\b|pls\b)[\w'-]+){0,3}", text, re.IGNORECASE)
    return said[0] if said else phrase


_SLOT_SENTENCE_WORDS = frozenset({"deadline", "due", "date", "priority", "prio", "please", "pls", "is", "it's", "its", "make",
                                  "it", "set", "to", "and", "by", "on", "for", "the", "a", "of", "at", "in"})


def _slots_of_the_add(readings: list[Reading]) -> list[Reading]:
    """"Please create a task: Book flights to Lisbon. Deadline Friday. High priority please": a sentence that
    only says a date or a priority, right after an add, is that add's; a greeting beside a request is no part
    of it."""
    if len(readings) < 2:
        return readings
    kept = [r for r in readings if r.intent != "greet"] or readings
    out: list[Reading] = []
    for reading in kept:
        words = mood.words(reading.text)
        slot_only = bool(words) and all(w in _SLOT_SENTENCE_WORDS or w in DATE_WORDS or w in _CALENDAR
                                        or w in PRIORITY_WORDS or re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)?", w)
                                        for w in words)
        before = out[-1] if out else None
        if before is not None and before.intent == "add" and len(before.titles) == 1 and slot_only and (
                (reading.date and not before.date) or (not before.priority and (
                    reading.priority or any(w in PRIORITY_WORDS for w in words)))):
            date_words = reading.date or before.date
            priority = reading.priority or before.priority or (
                " ".join(w for w in words if w in PRIORITY_WORDS or w == "priority") or None)
            out[-1] = replace(before, date=date_words, date_groups=(date_words,) if date_words else (),
                              item_dates=(date_words,), priority=priority)
            continue
        out.append(reading)
    return out


def _same_verb(title: str, before: tuple[int, str] | None) -> str:
    """"and a hotel too" right after adding "book flights to Rome": a thing, with no verb of its own, done
    the same way as the task before it ("book a hotel"). A title with a verb of its own stays as it is."""
    words = title.split()
    earlier = before[1].split() if before is not None else []
    verb = earlier[0].lower() if len(earlier) > 1 else ""
    if not words or not verb.isalpha() or verb in _ARTICLES or verb in CLOSED_WORDS - COMMAND_WORDS:
        return title
    if words[0].lower() in {"a", "an", "the", "some", "my", "our", "new"}:
        return f"{verb} {title}"
    if len(words) == 1 and len(earlier) == 2 and verb in _TASK_VERBS and words[0].lower() not in _TASK_VERBS:
        return f"{verb} {title}"  # "call mom", then "and dad too": "call dad"
    return title


# Verbs a task's title starts with, for "call mom" then "and dad too" (a bare object done the same way).
_TASK_VERBS = frozenset(IRREGULAR_PAST.values()) | {w for deed in SAME_DEED for w in deed} | frozenset(
    {"visit", "text", "email", "ring", "phone", "wash", "clean", "book", "order", "return", "renew", "cancel", "feed",
     "walk", "water", "pack", "print", "check", "fix", "paint", "read", "watch", "write", "call", "pay", "buy"})
_WHAT_TO_ADD = "What should I add? Tell me the task and I'll put it on your list."
# "add fix the fence, no wait, fix the gate": a whole task said again after a correcting word replaces the first
_ADD_CORRECTED = re.compile(
    r"^(?P<first>.+?)\s*(?:[,;.!…–—-]+\s*|\s+)(?:(?:oh|hmm+|um+|ugh|oops|whoops)\W+)*(?:no+\W+wait|wait\W+no|no+|nope|sorry|wait"
    r"|i\s+mean|i\s+meant|actually|make\s+(?:that|it)|or\s+rather|rather|scratch\s+that|my\s+bad)\W+(?:(?:no|wait|sorry|i\s+mean"
    r"|actually)\W+)*(?P<second>[a-z][^,.;!?]*?)(?:\s+instead)?\W*$", re.IGNORECASE)
# What the assistant offered in its last reply, and a yes to it.
_OFFERED_ADD = re.compile(r'^Did you want me to add "(?P<title>[^"]+)"', re.MULTILINE)
_OFFERED_DONE = re.compile(r'^Do you mean task (?P<id>\d+) \([^\n]*\)\? Say "mark it done"', re.MULTILINE)
_YES = re.compile(r"^\W*(?:yes|yeah|yep|yup|yea|ya|y|sure|ok|okay|please|pls|do\s+it|go\s+ahead|correct|right|exactly"
                  r"|absolutely|definitely|that'?s\s+right|that'?s\s+it|yes\s+please)(?:\W+(?:please|pls|thanks|thank\s+you|thx"
                  r"|do\s+it|go\s+ahead|add\s+it|that'?s\s+it|exactly|that\s+one|mark\s+it\s+done))*\W*$", re.IGNORECASE)


def _accepted_offer(history: Sequence[Message]) -> str | None:
    """The request a "yes" accepts: the add or the completion the assistant's last reply offered."""
    if len(history) < 2 or history[-2].role is not Role.ASSISTANT or not _YES.match(history[-1].content):
        return None
    offered = history[-2].content
    if len(_OFFERED_ADD.findall(offered)) == 1 and (m := _OFFERED_ADD.search(offered)) is not None:
        return f"add {m['title']}"
    if len(_OFFERED_DONE.findall(offered)) == 1 and (m := _OFFERED_DONE.search(offered)) is not None:
        return f"mark task {m['id']} done"
    return None
# "add a task", "new reminder", "can you add something": an add with nothing to add yet.
_BARE_ADD = re.compile(r"^\W*(?:(?:please|pls|can\s+you|could\s+you|ok|okay|hey|i\s+want\s+to|i'?d\s+like\s+to)\W+)*"
                       r"(?:add|create|make|new|set\s+up)(?:\s+(?:a|an|another|one|new|me\s+a))*"
                       r"(?:\s+(?:task|todo|to-?do|reminder|item|something|thing|entry))?(?:\s+(?:for\s+me|please|pls"
                       r"|to\s+(?:my|the)\s+list))*\W*$", re.IGNORECASE)


def _after_bare_add(message: str) -> str:
    """"Could you add something for me? I need to call the school.": the first sentence only announces an add;
    the rest is what to add."""
    parts = re.split(r"(?<=[.?!])\s+", message.strip(), maxsplit=1)
    if len(parts) < 2 or not _BARE_ADD.match(parts[0]) or not parts[1].strip():
        return message
    rest = parts[1].strip()
    if mood.leading_intent(rest) is None and not _SELF_TOLD.match(rest) and not _ASKS_TO_SEE.search(rest):
        rest = f"add {rest}"
    return rest


def _asked_what_to_add(history: Sequence[Message]) -> bool:
    """Whether the reply before the message asked what to add."""
    earlier = [m for m in history[:-1] if m.role is Role.ASSISTANT]
    return bool(earlier) and earlier[-1].content.strip().endswith(_WHAT_TO_ADD)


async def _revised_title(turn: Turn, found: edits.Edit) -> str:
    """The new title of a rename that changes only part of the old one: "it should be buy not by" on
    "by milk" is "buy milk"; "change grandad to grandpa" on "call grandad" is "call grandpa"."""
    snapshot = await turn.tasks()
    number = _ID.match(found.reference.lower())
    task = snapshot.by_id(int(number[1])) if number and number[1].isdigit() else None
    if task is None and not number:
        match = match_title(found.reference, Snapshot([t for t in snapshot.tasks if not t["completed"]]))
        task = snapshot.by_id(match.ids[0]) if len(match.ids) == 1 else None
    if task is None:
        return found.new_title
    title = str(task["title"])
    if found.turned_down:
        return edits.swapped(title, found.new_title, found.turned_down) or found.new_title
    if found.needs_match and len(found.new_title.split()) <= 2 and normalise(found.reference) != normalise(title):
        return edits.swapped(title, found.new_title, found.reference) or found.new_title
    return found.new_title


async def _second_reading_holds(trial: Turn, readings: list[Reading]) -> bool:
    """Whether the second reader's rehearsed turn may stand in for the first reader's question: it
    read every part without slots its handler would drop (a task reference or a new title inside an
    add), the message corrects nothing in the same breath, and no task it adds is already on the list."""
    if any(r.intent == "add" and (r.references or r.new_title) for r in readings) or _CORRECTION.search(trial.message):
        return False
    snapshot = await trial.tasks()
    existing = {" ".join(str(t["title"]).lower().split()) for t in snapshot.tasks if not t.get("completed")}
    added = [" ".join(str(c.arguments.get("title", "")).lower().split()) for c in trial.calls if c.tool == "add_task"]
    return not any(title in existing for title in added)


class OfflineModel:
    """Implements the LanguageModel port without any network."""

    def __init__(self, engine: Engine | None = None, second: Engine | None = None) -> None:
        self._engine = engine or load()
        self._second = second if engine is not None else second or load_second()

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        typed = discourse.spoken_punctuation(request.history[-1].content if request.history else "")
        message = _without_reason(_without_because(discourse.without_contrast(typed), request.tools.today))
        message = _after_bare_add(message)
        turn = Turn(request.tools, request.history, request.tools.today, message=message[:2000])
        if _INJECTION.search(typed):
            turn.say("I can only see and change your own tasks, so I've left everything as it is.")
        elif _PASTED_TEXT.search(typed):
            turn.say("I can only manage your to-do list, so I can't work on pasted text, and I don't act on "
                     "instructions inside it. I've left everything as it is.")
        elif (accepted := _accepted_offer(request.history)) is not None:
            turn.message = accepted  # "yes" to "Did you want me to add "X"?": the offer, made good
            turn = await self._read(turn, request)
        elif discourse.takes_itself_back(typed):
            turn.say("OK, I've left your list as it is.")  # "add call grandma... actually never mind"
        elif discourse.what_if(typed):
            turn.say("That sounds like a what-if, so I haven't changed anything. Tell me plainly what to do and I'll do it.")
        elif (statement := discourse.tagged_question(typed)) is not None:
            await self._confirm(turn, statement)  # "the dentist is on thursday, right?": a question, not a change
        elif (theirs := discourse.someone_elses(typed)) is not None:
            turn.ask(f"Did you want me to add \"{theirs}\" to your list? I haven't changed anything yet.")
        elif _BARE_ADD.match(message) and not _quote_strip(message).count(" ") > 6:
            turn.ask(_WHAT_TO_ADD)
        elif (instead := discourse.take_back(typed)) is not None and self._just_added(turn):
            await self._take_back(turn, request, instead)  # "never mind", "scratch that" right after an add
        elif (fix := _ADD_FIX.match(message)) and self._just_added(turn) and await self._fix_added(turn, message[fix.end():]):
            pass  # "no wait, call dad instead" right after "add call mom": the task just added, put right
        elif _RETARGET.match(message) and self._last_change(turn):
            await self._retarget(turn, message)
        elif (again := _SAME_AGAIN.match(message)) and await self._same_again(turn, again["ref"]):
            pass  # "the other one too", "and task 4 as well" right after a change: the same change to it
        else:
            if (head := _ADD_HEADING.match(turn.message)) is not None and turn.message[head.end():].strip():
                turn.message = f"add {turn.message[head.end():].strip()}"[:2000]  # "note to self - renew car tax"
            if _asked_what_to_add(request.history) and mood.leading_intent(message) is None \
                    and not _ASKS_TO_SEE.search(message) and not _INJECTION.search(message):
                turn.message = f"add {message.strip()}"[:2000]  # the answer to "What should I add?"
            if (fixed := self._corrected_add(turn.message)) is not None:
                turn.message = fixed
            await self._bind_topic(turn, discourse.without_contrast(typed))
            await self._drop_aside(turn)
            await self._link_names(turn, request)
            await self._focus(turn, request)
            turn = await self._read(turn, request)
        reply = "\n".join(dict.fromkeys(r for r in turn.replies if r)) or HELP_TEXT
        usage = TokenUsage(sum(m.token_count for m in request.history), estimate_tokens(reply))
        return TurnResult(reply, turn.calls, usage)


    @staticmethod
    async def _bind_topic(turn: Turn, typed: str) -> None:
        """"the picnic got rained off, take it off my list": the request is what is read, and its "it" is
        the one task the topic names. A topic that names no task, or several, leaves the message as it is."""
        found = discourse.split_topic(typed)
        if found is None:
            return
        snapshot = await turn.tasks()
        reopening = re.match(r"(?:reopen|uncheck|untick)\b", found.request, re.IGNORECASE) is not None
        pool = [t for t in snapshot.tasks if bool(t["completed"]) == reopening]
        task_id = discourse.named_task(found.topic, pool)
        if task_id is not None:
            turn.message = discourse.bound_request(found, task_id)[:2000]

    async def _read(self, turn: Turn, request: TurnRequest) -> Turn:
        """Read the message and act on it (or ask); the turn that was acted on."""
        await self._read_and_act(turn, request, self._engine)
        if self._second is not None and turn.asked and not any(c.tool in _MUTATING_TOOLS for c in turn.calls):
            # The first reader was unsure and changed nothing: rehearse the reading of a second one,
            # trained on people's own sentences too (ADR 0015). It speaks only when it is sure of all
            # of the message; otherwise the first reader's question stands.
            trial = Turn(request.tools, request.history, request.tools.today, dry=True, message=turn.message)
            readings = await self._read_and_act(trial, request, self._second)
            if not trial.asked and trial.replies and await _second_reading_holds(trial, readings):
                if turn.dry:
                    return trial
                turn = Turn(request.tools, request.history, request.tools.today, message=turn.message)
                await self._read_and_act(turn, request, self._second)
        return turn

    def _corrected_add(self, message: str) -> str | None:
        """"add call mom tomorrow, no wait, call dad": the add with the task said last, keeping the first's day
        when the second names none; None unless both halves read as one task each, the second a whole one."""
        m = _ADD_CORRECTED.match(message.strip())
        if m is None or m["second"].split()[0].lower() not in _TASK_VERBS or len(m["second"].split()) < 2:
            return None
        first = self._engine.read(m["first"])
        second = self._engine.read(f"add {m['second']}")
        if len(first) != 1 or first[0].intent != "add" or len(first[0].titles) != 1 or len(second) != 1 \
                or len(second[0].titles) != 1:
            return None
        when = f" {first[0].date}" if first[0].date and not second[0].date else ""
        return f"add {m['second'].strip()}{when}"

    @staticmethod
    async def _drop_aside(turn: Turn) -> None:
        """"scrap the Henderson task, deal fell through", "unmark the groceries one, i forgot the eggs": a remark
        after a request that names its task, which itself asks nothing, sets nothing and names no task, is why
        the request is made; it is no part of what to change."""
        lead = _LEAD_REASON.match(turn.message)
        if lead is not None and not re.search(_REQUEST_VERBS, lead["reason"], re.IGNORECASE) \
                and not _SLOT_WORD.search(lead["reason"]):
            # "wait no i still need to proofread it, mark it not done": why, then the request that points back
            snapshot = await turn.tasks()
            if not _shares_a_title_word(lead["reason"], snapshot.tasks):
                turn.message = lead["request"]
                return
        m = _ASIDE.match(turn.message)
        if m is None or _CORRECTING.search(turn.message) or re.search(_REQUEST_VERBS, m["aside"], re.IGNORECASE) \
                or _HEDGE.search(_DECIDED.sub(" ", m["aside"])) or _sets_a_slot(m["aside"], turn.today) \
                or _MORE_TO_DO.search(m["aside"]):
            return
        snapshot = await turn.tasks()
        request = m["request"]
        named = discourse.named_task(request, snapshot.tasks)
        others = [t for t in snapshot.tasks if t["id"] != named]
        if _shares_a_title_word(m["aside"], others) and not _SELF_TOLD.match(m["aside"]):
            # "delete the gym, the dentist": a list of tasks ("..., ill do it with the mot" is a remark, and so is
            # "cancel the magazine thing, not renewing": its words are the named task's own)
            return
        if _EXPLICIT_TASK.search(request) or re.search(r"\b(?:it|that|this|them|everything|all)\b", request, re.IGNORECASE) or \
                _DESCRIBED_TASK.search(request) or \
                named is not None or linking.find_links(request, snapshot.tasks):
            turn.message = request

    async def _focus(self, turn: Turn, request: TurnRequest) -> None:
        """"my boss said the expenses can wait, so could you push that back to friday": the requests of a
        message that also tells why (adapters/llm/offline/focus.py). Both copies are rehearsed; the requests
        alone are read only when they do cleanly what the message as typed could not: they ask nothing and
        change the list, and the copy as typed asked, changed nothing, or added a task from the story."""
        if not focus.may_focus(turn.message):
            return
        snapshot = await turn.tasks()
        found = focus.find_focus(turn.message, snapshot.tasks)
        if found is None:
            return
        trial = await self._read(Turn(request.tools, request.history, request.tools.today, dry=True,
                                      message=found.request[:2000]), request)
        changed, added = _changes(trial)
        shown = any((c.tool == "list_tasks" and c.arguments.get("limit") != LOOKUP_LIMIT) or c.tool == UNDO_TOOL
                    for c in trial.calls)  # a listing or an undo is something done, too
        if trial.asked or not (changed or added or shown) or (added and "add" not in found.intents):
            return  # "cancel the magazine thing, not renewing": no request asked for a new task
        as_typed = await self._read(Turn(request.tools, request.history, request.tools.today, dry=True,
                                         message=turn.message), request)
        typed_changed, typed_added = _changes(as_typed)
        if as_typed.asked or not (typed_changed or typed_added) or typed_added > added \
                or (typed_changed == changed and typed_added == added and _verbs_kept(trial, found.intents)
                    and not _verbs_kept(as_typed, found.intents)):
            # "... and you can remove task 1, I already called": the request's own verb decides, not the story's
            turn.message = found.request[:2000]

    async def _link_names(self, turn: Turn, request: TurnRequest) -> None:
        """"dishes r low prio", "take dentist off my list": a task named by its title may be read as "task N"
        (adapters/llm/offline/linking.py), a shape the reader knows where it cannot know a title. Both copies
        are rehearsed; the linked one is read only when it does cleanly what the one as typed could not:
        it asks nothing, adds nothing, changes every task it names, and the copy as typed asked, changed
        nothing, added a task, or left a named task alone."""
        if not _MAY_NAME.search(turn.message) or not discourse.content_words(turn.message):
            return
        snapshot = await turn.tasks()
        links = linking.find_links(turn.message, snapshot.tasks)
        if not links:
            return
        named = {link.task_id for link in links}
        linked = linking.linked_copy(turn.message, links)[:2000]
        trial = await self._read(Turn(request.tools, request.history, request.tools.today, dry=True, message=linked),
                                 request)
        changed, added = _changes(trial)
        if trial.asked or added or not changed or not named <= changed:
            return  # the typed copy is rehearsed only when the linked one reads cleanly
        as_typed = await self._read(Turn(request.tools, request.history, request.tools.today, dry=True,
                                         message=turn.message), request)
        typed_changed, typed_added = _changes(as_typed)
        if as_typed.asked or typed_added or not typed_changed or not named <= typed_changed:
            turn.message = linked

    async def _take_back(self, turn: Turn, request: TurnRequest, instead: str) -> None:
        """The task just added goes again; what to add instead, if said, is read as a message of its own."""
        added = self._just_added(turn)
        assert added is not None
        task_id, title = added
        call = await turn.call("delete_task", {"task_id": task_id})
        if is_error(call):
            turn.ask(f"I couldn't remove task {task_id}: {call.result.get('error')}.")
            return
        turn.say(f"OK, I've taken task {task_id} ({title}) off your list.")
        if instead:
            turn.message = instead[:2000]
            await self._read_and_act(turn, request, self._engine)

    async def _read_and_act(self, turn: Turn, request: TurnRequest, engine: Engine) -> list[Reading]:
        """Read the message with one reader and act on it (or ask); the readings acted on."""
        message = turn.message
        framed_note = next((m for frame in _NOTE_MESSAGE if (m := frame.match(message[:2000]))), None)
        if framed_note is not None and _NOTE_THEN_REQUEST.search(framed_note["note"]):
            framed_note = None  # "... a note: ask about flea meds, and make it due thursday": two changes, read as such
        pointer_done = _POINTER_DONE.match(message[:2000])
        searched = _SEARCH_FRAME.match(message[:2000])
        sought = (searched["q"] or searched["q2"]) if searched is not None else ""
        if searched is not None and not _SLOT_WORD.search(sought) and not _BY_STATE.search(sought) and not re.fullmatch(
                r"(?:it|that|this|them|those|everything|anything|all|tasks?|stuff|done|completed|finished|overdue|pending"
                r"|open|left)\W*", sought, re.IGNORECASE):
            # "anything about acme?", "search for call", "find the dentist stuff": a search, never the whole list
            query = sought.strip(" ?.!")
            readings = [Reading("search", 1.0, message[:2000], reference=query, references=(query,))]
        elif pointer_done is not None:
            # "thats done already lol", "it's finished": the task pointed at is done (never a question of the list)
            pointer = pointer_done["ptr"].lower()
            readings = [Reading("complete", 1.0, message[:2000], reference=pointer, references=(pointer,))]
        elif (rated := _POINTER_PRIORITY.match(message[:2000])) is not None:
            # "oh that's urgent", "it's not important": the task pointed at, at that priority
            pointer = rated["ptr"].lower()
            readings = [Reading("update", 1.0, message[:2000], reference=pointer, references=(pointer,),
                                priority=rated["pri"])]
        elif framed_note is not None:
            ref = framed_note["ref"].strip(" ,").lower()
            readings = [Reading("update", 1.0, message[:2000], reference=ref, references=(ref,),
                                reference_text=framed_note["ref"], note=_quote_strip(framed_note["note"].strip()))]
        else:
            readings = engine.read(message[:2000])
            asked_for = mood.requested_intent(message)
            if (len(readings) == 1 and not readings[0].mutating and readings[0].confidence < ACT_CONFIDENCE
                    and asked_for in _CHANGING and (bare := _ADDRESSED.sub("", message[:2000], count=1)) != message[:2000]):
                # "can u delete hotel pls" read as thanks: the request without its address reads plainly
                again = engine.read(bare)
                if len(again) == 1 and again[0].intent == asked_for and again[0].confidence >= ACT_CONFIDENCE:
                    readings = again
            trailing = _TRAILING_NOTE.match(message[:2000])
            if trailing is not None:
                # "add renew domain name for the blog, low priority, note it's on namecheap": the new task's note
                head = engine.read(trailing["head"])
                if len(head) == 1 and head[0].intent == "add" and len(head[0].titles) == 1 and not head[0].note:
                    readings = [replace(head[0], note=_quote_strip(trailing["note"].strip()))]
        readings = _topic_then_comment(readings)
        readings = _slots_of_the_add(readings)
        readings = _shared_date(readings)
        readings = [part for r in readings for part in _deeds(r, engine)]
        if len(readings) > 1:
            # "ok that's done now. add buy a hard drive": the pointer's part is a completion, not thanks
            readings = [Reading("complete", 1.0, r.text, reference=m["ptr"].lower(), references=(m["ptr"].lower(),))
                        if (m := _POINTER_DONE.match(r.text)) else r for r in readings]
        if len(readings) > 1:
            # "wait no, I haven't sent it yet, undo that": a statement of something not done is no command
            readings = [r for r in readings if not (r.intent in {"complete", "delete"} and _NOT_DONE.search(r.text)
                                                    and (r.reference is None or _DID_POINTER.match(r.reference)))]
        if len(readings) > 1 and any(r.intent == "undo" for r in readings):
            # "wait no, I didn't call them yet, undo that": the statement of what is not done is the
            # reason for the undo, not a change of its own
            readings = [r for r in readings if not (r.intent in {"complete", "delete", "reopen"}
                                                    and _NOT_DONE.search(r.text) and not _EXPLICIT_TASK.search(r.text))]
        if len(readings) > 1 and any(r.intent == "undo" for r in readings) and sum(r.mutating for r in readings) > 1:
            # "undo" beside other changes ("... so you can cross that one off" read as undo, or
            # "wait no, I haven't sent it, undo that"): which comes first is unclear, so ask.
            readings = [replace(r, unsure=True) if r.intent == "undo" else r for r in readings]
        if sum(r.intent in _CHANGING for r in readings) > 1 and any(
                _SELF_CORRECTION.match(r.text) and any(e.intent in _CHANGING and e.intent != "add" for e in readings[:n])
                for n, r in enumerate(readings[1:], 1)):
            # "mark task 1 done. actually no, undo that, it was task 2": a later part takes back a change to
            # a task ("add X in 2 days, actually make that 4" only restates the new task's date); which
            # change is meant is not for a guess, so ask
            readings = [replace(r, unsure=True) if r.intent in _CHANGING else r for r in readings]
        if len(readings) > 1 and any(r.mutating for r in readings):
            # Several intents: rehearse them all first; one unclear part and nothing changes.
            rehearsal = Turn(request.tools, request.history, request.tools.today, dry=True, message=turn.message)
            for reading in readings:
                await self._act(rehearsal, reading, several=True)
            if rehearsal.asked:
                turn.asked = True
                turn.calls = [c for c in rehearsal.calls if c.tool not in _MUTATING_TOOLS]
                turn.replies = [*rehearsal.questions,
                                "I haven't done any of your message yet; tell me that part again and I'll do it all."]
                readings = []
        for reading in readings:
            await self._act(turn, reading, several=len(readings) > 1)
        return readings

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[TurnEvent]:
        result = await self.run_turn(request)
        for call in result.tool_calls:
            yield ToolEvent(call)
        for line in result.reply.splitlines(keepends=True):
            yield TextDelta(line)
        yield TurnDone(result)

    # -- dispatch -------------------------------------------------------------------------
    async def _act(self, turn: Turn, reading: Reading, *, several: bool) -> None:
        if (reading.reference or "").lower() in _PLURAL and re.search(r"\bboth\b", reading.text, re.IGNORECASE):
            reading = replace(reading, reference="both", references=("both",))  # two tasks, not "them": see _resolve
        if len(reading.references) == 1 and (longer := _described(reading.reference, reading.text)) != reading.reference \
                and {w.lower() for w in reading.unexplained} <= set(mood.words(longer or "")):
            # "scrap the thing with the plumber": the words after "the thing" say which, and explain themselves
            reading = replace(reading, reference=longer, references=(longer or "",), unexplained=(),
                              unsure=reading.unsure and not reading.unexplained)
        if reading.new_title and reading.unexplained and {w.lower() for w in reading.unexplained} <= _SAYS:
            # "change the garage task so it reads '...'": the verb that introduces the new wording explains itself
            reading = replace(reading, unexplained=(), unsure=False)
        intent = reading.intent
        if intent in _BULK and mood.asks_to_see(reading.text):
            # "show all my tasks", "list all my tasks": a verb that reads the list never changes it, however
            # much the rest of the words sound like "all my tasks" done or gone
            intent = "list"
            reading = replace(reading, intent=intent, reference=None, references=())
        if intent == "check" and (reading.reference or "").lower() in _PLURAL | {"they"} and _WHICH_OF.match(reading.text):
            intent = "list"  # "which of those are high priority?": a filter of the list, not a yes/no check
            reading = replace(reading, intent=intent, reference=None, references=())
        if intent in {"thanks", "greet"} and several and not _PLEASANTRY.search(reading.text):
            intent = "none"  # "got bread." beside a request: no thanks, maybe the statement of a deed
            reading = replace(reading, intent=intent)
        elif (intent in {"list", "count", "check"} and several and not _ASKS_TO_SEE.search(reading.text)
              and _done_statement(replace(reading, intent="none")) is not None):
            intent = "none"  # "clean desk is done, and remind me ...": a deed stated, not a question about the list
            reading = replace(reading, intent=intent)
        bare_note = _BARE_NOTE.match(reading.text) if reading.intent == "add" else None
        touched = last_touched(turn.history)
        if reading.intent == "add" and bare_note is None and len(set(turn.touched)) == 1:
            bare_note = _PLAIN_NOTE.match(reading.text)
        if turn.touched:
            touched = list(dict.fromkeys(turn.touched))
        if bare_note and len(touched) == 1:
            # "and add a note: account no. 55" right after a change to one task: that task's note, not a new task
            reading = replace(reading, intent="update", reference=f"task {touched[0]}", references=(f"task {touched[0]}",),
                              reference_text=None, note=bare_note["note"].strip(), titles=(), item_dates=(), date=None,
                              date_groups=(), priority=None, new_title=None, label=None, repeat=None,
                              confidence=max(reading.confidence, ACT_CONFIDENCE), unsure=False, unexplained=())
            intent = "update"
        elif bare_note:
            turn.ask("Which task should the note go on? Tell me its number; I haven't changed anything yet.")
            return
        note_to = _NOTE_TO.match(reading.text) if reading.mutating else None
        if note_to and note_to["note"].strip(" .!\"'“”"):
            # "add a note to the passport task: two photos", "description for task 2: ...": a note on that task
            ref = note_to["ref"].strip(" ,").lower()
            reading = replace(reading, intent="update", reference=ref, references=(ref,), reference_text=note_to["ref"],
                              note=_quote_strip(note_to["note"].strip()), titles=(), item_dates=(), date=None,
                              date_groups=(), priority=None, new_title=None, label=None, repeat=None,
                              confidence=max(reading.confidence, ACT_CONFIDENCE), unsure=False, unexplained=())
            intent = "update"
        elif intent in _STATEMENT_INTENTS:
            done = _done_statement(reading)
            if done is not None and not _pointer_like(done[0]) and len(reading.references) <= 1 and not re.search(
                    r"\b(?:and|or|plus)\b|[,&+]", done[1], re.IGNORECASE):  # several tasks: the reading's references
                # "passport renewal is done", "fed the cat": the one open task it names is done
                if mood.analyse(reading.text, *_surroundings(turn.message, reading.text)).acts:
                    await self._complete_statement(turn, *done)
                    return
            elif done is None:
                stated = _state_update(reading, turn.today)
                if stated is not None:  # "the dentist should be due friday": an update of the task named
                    reading, intent = stated, "update"
        if intent == "update" and ((reading.reference and _EVERY.match(reading.reference)) or quantifier.find(reading.text)):
            # "finish everything due today", "remove every finished task": a bulk change whose verb completes or
            # deletes, not a move
            verb_intent = mood.leading_intent(reading.text)
            if verb_intent in {"complete", "delete"}:
                intent = "complete_all" if verb_intent == "complete" else "delete_all"
                reading = replace(reading, intent=intent)
        explicit = _EXPLICIT_TASK.search(reading.text)
        if (reading.mutating and explicit and len(_EXPLICIT_TASK.findall(reading.text)) == 1 and reading.reference
                and len(reading.references) <= 1
                and explicit[1] in reading.reference and not _ID.match(reading.reference)
                and not re.search(r"\b(?:and|or)\b|[,&]", reading.reference)):  # "task 1 and task three": several
            # "all finished with no. 3": the number named in the clause is the task, whatever words ring it
            reading = replace(reading, reference=f"task {explicit[1]}", references=(f"task {explicit[1]}",))
        if (intent in {"complete", "delete"} and (reading.reference or "").lower() in _PLURAL and not (
                turn.touched or last_listing(turn.history) or last_touched(turn.history))):
            reach = quantifier.find(reading.text)
            if reach is not None and reach.pointer:
                # "tick all of them off" with nothing shown or touched: "all of them" is every task
                intent = "complete_all" if intent == "complete" else "delete_all"
                reading = replace(reading, intent=intent)
        reach = quantifier.find(reading.text) if intent in _BULK else None
        pointing = reach is not None and reach.pointer and bool(
            turn.touched or last_listing(turn.history) or last_touched(turn.history))  # "all of them" with nothing shown: all
        if intent in _BULK and (reach is None or pointing or explicit or reading.confidence < BULK_CONFIDENCE):
            # A change to every task needs "all"/"everything" as what is changed ("mark all as done"), not as an
            # adverb ("all done with number 2"); a task named by number wins; "all of them" is the list shown last.
            intent = {"complete_all": "complete", "clear_completed": "delete", "delete_all": "delete"}[intent]
            by_state = _BY_STATE.search(reading.text)
            reference = (f"task {explicit[1]}" if explicit else "them" if pointing
                         else by_state.group().lower() if by_state else reading.reference)
            reading = replace(reading, intent=intent, reference=reference,
                              references=(reference,) if reference else reading.references)
        dated = bool(reading.date) and read_date(reading.date, turn.today) is not None  # "your day" is no date
        empty = not (reading.titles or reading.reference or dated or reading.priority or reading.note
                     or reading.new_title or reading.repeat or reading.label)
        if several and empty and reading.mutating and intent != "undo" and (
                reading.confidence < ACT_CONFIDENCE or intent in {"add", "update", "delete"}):
            if _ACTION.search(reading.text) and not _PLEASANTRY.search(reading.text) and any(
                    SLANG.get(w, w) not in CLOSED_WORDS and w not in INTERJECTIONS for w in mood.words(reading.text)):
                # "clean desk is done, and remind me ...": a change was said but not read; ask, never drop it
                turn.ask(f"I wasn't sure what to do about \"{reading.text.strip(' ,.')}\". I haven't changed anything yet.")
            return  # "Hope your day is going well." beside a request: small talk, not an unclear change
        if intent == "delete" and _label(reading) and _TAKE_OFF.search(reading.text):
            intent = "update"  # "remove milk from the shopping list": the label goes, the task stays
            reading = replace(reading, intent=intent)
        if intent in {"delete", "complete", "reopen", "undo"} and _label(reading) and _RELABEL.match(reading.text) \
                and not _TAKE_OFF.search(reading.text):
            # "move the drill to the hardware list", "put the milk on the shopping list": a list is a label
            intent = "update"
            reading = replace(reading, intent=intent, confidence=max(reading.confidence, ACT_CONFIDENCE))
        named = mood.leading_intent(_SOFT_LEAD.sub("", reading.text, count=1))
        if ((reading.mutating or (intent == "none" and named == "undo")) and reading.confidence < ACT_CONFIDENCE
                and named and named != intent and named in reading.alternatives):
            # "wait no, undo that" read as close to a deletion: the verb typed names which of the two it is;
            # words read as a title that the named change has no use for ("delete the 1st and finish the
            # 2nd" read as an add) mean a part was missed: ask
            intent = named
            reading = replace(reading, intent=intent, confidence=ACT_CONFIDENCE,
                              unsure=reading.unsure or (bool(reading.titles) and named != "add"))
        if (intent == "update" and reading.confidence < ACT_CONFIDENCE and (reading.date or reading.priority)
                and not (reading.titles or reading.reference or reading.note or reading.new_title)
                and _GOES_ON.match(reading.text) and len(last_touched(turn.history)) == 1 and not turn.touched):
            # "and due on saturday" after "make it high priority": more of the same change to the same task
            reading = replace(reading, confidence=ACT_CONFIDENCE)
        if intent == "update" and reading.new_title and not _RENAME_CUE.search(reading.text):
            # "task 3 isn't that urgent anymore, make it medium": no rename was asked for, so no new title
            reading = replace(reading, new_title=None)
        asked_for = mood.requested_intent(reading.text)
        if not reading.mutating and asked_for and (asked_for in reading.alternatives or intent in {"check", "search"}):
            # "could you mark task 2 done?": a request typed as a question reads close to a yes/no
            # question; the verb addressed to the assistant says which of the two it is.
            reading = replace(reading, intent=asked_for, confidence=max(reading.confidence, ACT_CONFIDENCE))
            intent = asked_for
        framed = await self._framed_edit(turn, reading) if intent in {"add", "update", "none"} else None
        if framed is not None:
            # "change task 2 title to read chapters 6 and 7", "task 1: rename to X, due monday", "A -> B":
            # a rename and the date or priority said with it, never an add
            edit_frame, tail = framed
            tail_date = tail if read_date(tail, turn.today) is not None else None
            reading = replace(reading, intent="update", reference=edit_frame[0], references=(edit_frame[0],),
                              new_title=edit_frame[1], titles=(), date=tail_date, date_groups=(),
                              priority=tail if any(w in PRIORITY_WORDS for w in mood.words(tail)) else None,
                              note=None, repeat=None, label=None, unexplained=(),
                              confidence=max(reading.confidence, ACT_CONFIDENCE), unsure=False)
            intent = "update"
        edit = (None if framed is not None else _title_edit(reading)
                if (intent in {"add", "update"} and not reading.new_title) or intent == "add" else None)
        if edit:
            # a rename read as an add (a quoted new title looks like a title): update, never add
            reading = replace(reading, intent="update", reference=edit[0], references=(edit[0],), new_title=edit[1],
                              titles=(), date=None, priority=None, note=None, repeat=None, label=None,
                              confidence=max(reading.confidence, ACT_CONFIDENCE), unsure=False)  # the form explains every word
            intent = "update"
        first = mood.leading_intent(reading.text) if mood.words(reading.text)[:1] != ["mark"] else None
        several = len(reading.references) > 1 or len(_EXPLICIT_TASK.findall(reading.text)) > 1
        if ((intent == "add" and reading.reference) or (intent == "update" and several)) and first in {
                "delete", "complete", "reopen"}:
            # "delete task 1 and add wash the curtains" read as one add, "complete task 1 and push task 2" as one
            # move of both: the first verb asks for another change, so the reading missed a part; ask
            reading = replace(reading, unsure=True)
        if reading.mutating and intent != "add" and _LATER_ADD.search(reading.text):
            # "booked the dentist, now add go to the dentist on friday" read as one move: the add was missed
            reading = replace(reading, unsure=True)
        if reading.mutating:
            # Only a request changes the list: not a question about one's own plans, a negated
            # request, a hypothetical or a condition (adapters/llm/offline/mood.py).
            clause_mood = mood.analyse(reading.text, *_surroundings(turn.message, reading.text))
            if not clause_mood.acts:
                await self._hold(turn, reading, clause_mood)
                return
        if intent in _CHANGES_TO_SOME and _VAGUE_SHARE.search(reading.text):
            # "some of these are done", "a couple of them", "two of those": a part of a set, not which part
            turn.ask("Which ones? Tell me their numbers or words from their titles; I haven't changed anything yet.")
            return
        more = _GOES_ON.sub("", reading.text, count=1).strip(" ,.!:;") if _GOES_ON.match(reading.text) else ""
        if (more and (reading.confidence < ACT_CONFIDENCE or not _ACTION.search(reading.text)) and not several and intent != "add" and self._just_added(turn)
                and not (reading.date or reading.priority or reading.note or reading.new_title or reading.repeat)
                and len(more.split()) <= 6 and not _ACTION.search(more) and not explicit_ids(more)
                and not any(w in PRONOUNS or w in ORDINAL_WORDS for w in mood.words(more))):
            # "also groceries" right after "add gym tmrw": one more task of the same kind, not a change to one
            reading = replace(reading, intent="add", titles=(more,), item_dates=(), reference=None, references=(),
                              confidence=ACT_CONFIDENCE, unsure=False)
            intent = "add"
        same_day = _SAME_DAY.search(more) if more else None
        just = self._just_added(turn) if more and (intent != "add" or same_day) and not several else None
        if (just is not None and (reading.date or same_day) and not (reading.priority or reading.note or reading.new_title
                                                                    or reading.repeat)
                and len(more.split()) <= 8 and not _ACTION.search(more) and not explicit_ids(more)
                and not any(w in PRONOUNS or w in ORDINAL_WORDS for w in mood.words(more))):
            # "and dad too, same day" / "and soccer practice sunday" right after an add: one more task, with its day
            title = _SAME_DAY.sub("", more)
            when = reading.date
            if when and not same_day:
                # "piano lessons sunday" read with "lessons sunday" as the date: the day alone is the date
                words = when.split()
                while len(words) > 1 and read_date(" ".join(words[1:]), turn.today) == read_date(when, turn.today):
                    words = words[1:]
                when = " ".join(words)
                title = re.sub(r"\s*\b(?:(?:on|by|for|at|due|until|till|before)\s+)*" + re.escape(when) + r"\b", "", title,
                               flags=re.IGNORECASE)
            title = _same_verb(re.sub(r"\s+(?:too|as\s+well|also)\b", "", title.strip(" ,.;"), flags=re.IGNORECASE)
                               .strip(" ,.;"), just)
            if same_day:
                earlier = (await turn.tasks()).by_id(just[0])
                when = str(earlier["due_date"]) if earlier and earlier.get("due_date") else None
            if discourse.content_words(title) and when:
                # read as the add it continues: "and grandpa too" is no mention of "phone grandma"
                reading = replace(reading, intent="add", text=f"add {title}", titles=(title,), item_dates=(when,), date=when,
                                  date_groups=(when,), reference=None, references=(), confidence=ACT_CONFIDENCE,
                                  unsure=False, unexplained=())
                intent = "add"
        if (reading.mutating and intent in {"update", "complete", "delete", "reopen"} and reading.unexplained
                and (not reading.reference or (reading.reference.lower() in _PRONOUN and not last_touched(turn.history)))):
            # "hedge isnt due till friday": the words the reader left unexplained are the name of the task
            snapshot = await turn.tasks()
            pool = [t for t in snapshot.tasks if bool(t["completed"]) == (intent == "reopen")]
            task_id = discourse.named_task(" ".join(reading.unexplained), pool)
            named = snapshot.by_id(task_id) if task_id is not None else None
            if named is not None and set(normalise(" ".join(reading.unexplained))) <= set(normalise(str(named["title"]))):
                reading = replace(reading, reference=f"task {task_id}", references=(f"task {task_id}",),
                                  unexplained=(), unsure=False, confidence=max(reading.confidence, ACT_CONFIDENCE))
        if intent in {"delete", "delete_all", "clear_completed"} and not _REMOVAL_WORD.search(turn.message):
            # "yes all of them" read close to a deletion: nothing in the message asks for one, and a deletion
            # is the change least to be guessed
            reading = replace(reading, unsure=True)
        if reading.mutating and (reading.confidence < ACT_CONFIDENCE or reading.unsure):
            turn.ask(f"{self._best_guess(reading)} I haven't changed anything yet.")
            return
        if intent == "update" and (reading.date or reading.priority) and mood.leading_intent(reading.text) == "reopen":
            # "reopen it and make it due saturday": one task, two changes; the reopening comes first
            await self._reopen(turn, reading)
            if turn.asked:
                return
        if intent in {"complete", "complete_all"} and (_no_completion_told(reading.text)
                                                        or discourse.someone_elses_deed(reading.text)):
            # "I hate paying rent", "my mom called earlier": a task talked about, but nothing says the person did it
            turn.ask(f"{self._best_guess(reading)} I haven't changed anything yet.")
            return
        if intent in {"complete", "complete_all", "delete", "delete_all"} and (left_out := _EXCEPT.search(reading.text)):
            await self._all_except(turn, reading, left_out["rest"])
            return
        handler = {
            "add": self._add, "complete": self._complete, "reopen": self._reopen, "delete": self._delete,
            "update": self._update, "list": self._list, "count": self._list, "search": self._search,
            "check": self._check, "undo": self._undo, "complete_all": self._bulk,
            "clear_completed": self._bulk, "delete_all": self._bulk,
        }.get(intent)
        if handler is not None:
            await handler(turn, reading)
        elif intent == "greet":
            turn.say("Hi! Tell me what you need to do, or ask \"what's on my list?\"")
        elif intent == "thanks":
            turn.say("You're welcome! Anything else?")
        elif intent == "help":
            turn.say(HELP_TEXT)
        elif not several:
            turn.say(self._not_understood(reading))

    @staticmethod
    async def _framed_edit(turn: Turn, reading: Reading) -> tuple[tuple[str, str], str] | None:
        """((reference, new title), date-or-priority tail) when the clause is a rename frame (edits.py)."""
        def is_slot(words: str) -> bool:
            ws = [SLANG.get(w, w) for w in mood.words(words) if w not in {"make", "set", "it", "it's", "its", "is", "and", "to"}]
            if not ws or not all(w in _TIME_WORDS or w in _PRIORITY_TERMS or w in PRIORITY_WORDS
                                 or re.fullmatch(r"\d{1,4}(?:st|nd|rd|th)?|\d{1,2}[:/.-]\d{1,2}(?:[:/.-]\d{2,4})?", w)
                                 for w in ws):
                return False
            return read_date(" ".join(ws), turn.today) is not None or any(w in PRIORITY_WORDS for w in ws)

        found = edits.read_edit(reading.text, is_slot)
        if found is None:
            return None
        if found.needs_match:
            # "change groceries to weekly groceries at Aldi": a rename only when the words before "to" name one
            # task and the words after it are a name (not "3pm", "the shopping list", "friday")
            if not any(len(w) > 2 and w.isalpha() and w not in _TIME_WORDS and w not in _PRIORITY_TERMS and w not in CLOSED_WORDS
                       for w in mood.words(found.new_title)) or re.search(
                    r"\b(?:list|label|tag|category|folder)\W*$", found.new_title, re.IGNORECASE):
                return None
            snapshot = await turn.tasks()
            hit = explicit_ids(found.reference) or _ID.match(found.reference.lower())
            if not hit:
                match = match_title(found.reference, Snapshot([t for t in snapshot.tasks if not t["completed"]]))
                if not match.found or normalise(found.reference) == normalise(found.new_title):
                    return None
        return (found.reference, await _revised_title(turn, found)), found.tail

    @staticmethod
    async def _mark_done(turn: Turn, task_id: int) -> None:
        call = await turn.call("complete_task", {"task_id": task_id})
        if is_error(call):
            turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
        elif call.result.get("status") == "rescheduled" and call.result.get("due_date"):
            due = date.fromisoformat(str(call.result["due_date"]))
            turn.say(f"Done; task {task_id} ({call.result['title']}) repeats, next due {dates.describe(due, turn.today)}.")
        else:
            turn.say(f"Done! Marked task {task_id}: {call.result['title']}.")

    async def _complete_statement(self, turn: Turn, phrase: str, obj: str, verb: str | None) -> None:
        """Complete the one open task a statement names; several ask which, a near miss asks, none says so."""
        snapshot = await turn.tasks()
        pending = Snapshot([t for t in snapshot.tasks if not t["completed"]])
        described = described_tasks(phrase, pending, turn.today) or joined_tasks(phrase, pending)
        told = [v for v in [verb, *(base_verb(w) for w in re.findall(r"[a-z]+", phrase.lower()) if base_verb(w) != w)] if v]
        if described is not None and described.found and told:
            # "paid both bills", "cleaned the bathroom and did laundry": each task's own deed was told
            titles = [normalise(str((snapshot.by_id(i) or {}).get("title", ""))) for i in described.ids]
            if not all(any(_deed_fits(v, t, phrase) for v in told) for t in titles):
                described = None
        if described is not None and (described.found or described.ambiguous):
            # "the overdue one is done", "paid both bills", "cleaned the bathroom and the hall"
            if described.ambiguous:
                options = " or ".join(f"task {t['id']} ({t['title']})" for t in described.ambiguous)
                turn.ask(f"Which one do you mean: {options}? I haven't changed anything yet.")
            for task_id in described.ids:
                await self._mark_done(turn, task_id)
            return
        found = match_title(phrase, pending)
        if not found.found and not found.ambiguous and is_description(phrase):
            found = match_description(phrase, pending)  # "the insurence stuff is done"
        if found.ambiguous:
            options = " or ".join(f"task {t['id']} ({t['title']})" for t in found.ambiguous)
            turn.ask(f"Which one do you mean: {options}? I haven't changed anything yet.")
            return
        title = normalise((snapshot.by_id(found.ids[0]) or {}).get("title", "")) if found.found else []
        same = _same_deeds(verb) if verb else set()
        fits = found.found and _deed_fits(verb, title, obj)
        if found.found and not fits:
            # "paid the roofer" beside "ring the roofer": the task fits, the deed does not; ask
            task = snapshot.by_id(found.ids[0]) or {}
            turn.ask(f"Do you mean task {task.get('id')} ({task.get('title')})? Say \"mark it done\" and I will; "
                     "I haven't changed anything yet.")
            return
        if found.found:
            await self._mark_done(turn, found.ids[0])
            return
        finished = match_title(phrase, Snapshot([t for t in snapshot.tasks if t["completed"]]))
        if finished.found:
            task = snapshot.by_id(finished.ids[0]) or {}
            turn.say(f"Task {task.get('id')} ({task.get('title')}) is already done, so nothing changed.")
            return
        loose = match_title(obj, pending) if obj.lower() != phrase.lower() else Resolution()
        near = loose.ambiguous or tuple(t for t in pending.tasks if t["id"] in loose.ids)
        if len(near) == 1 and same & set(normalise(str(near[0]["title"]))):
            # "rang the vet" beside "call the vet": the object fits and the deed is the title's, in other words
            await self._complete_statement(turn, str(near[0]["title"]), obj, None)
            return
        if near:
            # "paid the plumber" beside "call the plumber": the object fits, the deed may not; ask
            options = " or ".join(f"task {t['id']} ({t['title']})" for t in near)
            lead = "Which one do you mean" if len(near) > 1 else "Do you mean"
            turn.ask(f"{lead}: {options}? I haven't changed anything yet." if len(near) > 1
                     else f"{lead} {options}? Say \"mark it done\" and I will; I haven't changed anything yet.")
            return
        turn.ask(f"I couldn't find an open task matching \"{phrase}\", so nothing changed.")

    async def _hold(self, turn: Turn, reading: Reading, clause_mood: mood.Mood) -> None:
        """A clause about a change that is not a request: say what was understood, change nothing."""
        # The condition's own clause ("if I don't pay the rent by friday") offers nothing to do.
        own_condition = clause_mood.kind == mood.CONDITIONAL and mood.has_condition(reading.text)
        offer = "" if own_condition else await self._offer(turn, reading)
        if clause_mood.kind == mood.NEGATED:
            turn.say("OK, I've left your list as it is." + (f" (I understood: don't {offer}.)" if offer else ""))
            return
        if clause_mood.kind == mood.QUESTION and reading.intent == "add" and reading.titles:
            # "did I already add call grandma?", "do I need to buy milk?": answer from the list
            title = _quote_strip(reading.titles[0])
            same = await self._matches(turn, title) if title else []
            if same:
                found = "; ".join(f"task {t['id']} ({t['title']}{', done' if t['completed'] else ''})" for t in same)
                turn.say(f"You already have {found} on your list, so I haven't added anything.")
            else:
                turn.ask(f"I don't see \"{title}\" on your list. Did you want me to add it? I haven't changed anything.")
            return
        why = {mood.QUESTION: "That sounds like a question, so I haven't changed anything.",
               mood.HYPOTHETICAL: "It sounds like you haven't decided yet, so I haven't changed anything.",
               mood.CONDITIONAL: f"I can't act on a condition (\"{clause_mood.cue} ...\"), so I haven't changed anything."}
        turn.ask(why.get(clause_mood.kind, "I haven't changed anything.")
                 + (f" Did you want me to {offer}?" if offer else " Tell me what to change and I'll do it."))

    async def _offer(self, turn: Turn, reading: Reading) -> str:
        """The best reading of a change, in words ("mark task 2 (pay rent) as done"), without acting."""
        if reading.intent == "add":
            title = _quote_strip(reading.titles[0]) if reading.titles else ""
            return f"add \"{title}\"" if title else ""
        if reading.intent == "undo":
            return "undo your last change"
        phrase = reading.reference or (reading.titles[0] if reading.titles else None)
        target = ""
        if phrase:
            scratch = Turn(turn.tools, turn.history, turn.today, dry=True, touched=list(turn.touched))
            found = await self._resolve(scratch, phrase, default_last=False)
            snapshot = await scratch.tasks()
            named = [snapshot.by_id(i) for i in (found.ids if found else ())]
            if named and all(named):
                target = " and ".join(f"task {t['id']} ({t['title']})" for t in named if t)
        if not target:
            return ""
        verb = {"complete": "mark {} as done", "delete": "delete {}", "reopen": "reopen {}", "update": "change {}",
                "complete_all": "mark {} as done", "delete_all": "delete {}", "clear_completed": "delete {}"}
        return verb.get(reading.intent, "change {}").format(target)

    def _best_guess(self, reading: Reading) -> str:
        if reading.titles:
            return f"Did you want me to add \"{reading.titles[0]}\"?"
        target = reading.reference or "it"
        verbs = {"complete": "mark", "delete": "delete", "reopen": "reopen", "update": "change", "undo": "undo"}
        suffix = " as done" if reading.intent == "complete" else ""
        return f"Did you want me to {verbs.get(reading.intent, 'change')} {target}{suffix}?"

    def _not_understood(self, reading: Reading) -> str:
        words = reading.text.strip(" .!?")
        if 0 < len(words.split()) <= 8 and not words.endswith("?") and re.search(r"[A-Za-z]{3}", words):
            return (f"I'm not sure what you mean. Did you want me to add \"{words}\" as a task? "
                    "I haven't changed anything.")
        return ("I'm not sure what to do with that, so I haven't changed anything. You can say things like "
                "\"add buy milk tomorrow\", \"what's left?\" or \"task 2 is done\".")

    # -- adding ---------------------------------------------------------------------------
    async def _add(self, turn: Turn, reading: Reading) -> None:
        titles = [t for t in (_quote_strip(t) for t in reading.titles) if t]
        if not titles:
            turn.ask("What should the task be called? I haven't added anything yet.")
            return
        if len(titles) == 1 and _GOES_ON.match(reading.text) and _ADDITIVE_TAIL.search(reading.text):
            titles = [_same_verb(titles[0], self._just_added(turn))]  # "book flights to Rome", "and a hotel too"
        titles = [_ADDITIVE_TAIL.sub("", t) or t for t in titles]  # "oh and add buy brushes too": "too" is no title word
        titles = [_VAGUE_TIME.sub("", t).rstrip(" ,") or t for t in titles]  # "book a haircut at some point": no date, no title
        # "buy shoes for Leo (size 32)" read up to "(size": a bracket left open is no end of a title
        titles = [t[: t.rindex("(")].rstrip(" ,-") or t if t.count("(") > t.count(")") else t for t in titles]
        if len(titles) == 1 and _NAMED_TASK.search(reading.text):
            titles = [_NAMING_WORD.sub("", titles[0]) or titles[0]]  # "a task called Update my CV": the name is the title
        correction = _CORRECTION.search(reading.text)
        if not correction:
            reading, titles = _reclaim_title_words(reading, titles, turn.today)
            doubt = _title_doubt(reading, titles, turn.today)
            if doubt:
                turn.ask(f"{doubt} I haven't added anything yet; tell me the task again the way you want it.")
                return
        if correction and len(titles) > 1:
            # "call Jake tomorrow - sorry, Jack, not Jake": the words of a correction are not tasks.
            turn.ask(f"I wasn't sure about \"{reading.text[correction.start():].strip(' ,-')}\", so I haven't added "
                     "anything yet. Tell me the task again the way you want it.")
            return
        if _WH_QUESTION.match(reading.text) and not _ADD_VERB.search(reading.text):
            # "what's the most urgent thing on my plate": a question, however the words tag, adds nothing
            turn.ask(f"{self._best_guess(reading)} I haven't changed anything yet.")
            return
        if not _EXPLICIT_ADD.search(reading.text) or _NEGATION.search(reading.text):
            # No "add"/"remind me" and it sounds like an existing task: ask, don't duplicate.
            snapshot = await turn.tasks()
            same = match_title(titles[0], Snapshot([t for t in snapshot.tasks if not t["completed"]]))
            if same.found:
                task = snapshot.by_id(same.ids[0]) or {}
                asked = _asked_of_named(reading.text, titles[0]) if len(same.ids) == 1 and len(titles) == 1 else None
                if asked:
                    # "tidy room - done", "take feed cat off my list": the words around a task's own name
                    # say what to do with it, and the name picks out exactly one task.
                    named = replace(reading, intent=asked, titles=(), references=(f"task {task['id']}",),
                                    reference=f"task {task['id']}")
                    await (self._complete(turn, named) if asked == "complete" else self._delete(turn, named))
                    return
                if len(same.ids) == 1 and len(titles) == 1 and await self._change_named(turn, reading, task, titles[0]):
                    return  # "feed cat -> high priority", "call mum is due tmrw": a change to the task named
                turn.ask(f"You already have task {task.get('id')} ({task.get('title')}). Did you mean that one? "
                         "I haven't changed anything yet.")
                return
            if not _EXPLICIT_ADD.search(reading.text) and any(_SAYS_STATE.search(t) for t in titles):
                # "slides aren't urgent anymore" read as an add of "slides aren't": a statement, not a new task
                turn.ask(f"It sounds like you're telling me about \"{titles[0]}\" rather than adding it. What should I "
                         "change? I haven't changed anything yet.")
                return
        if not _ADD_WORD.search(reading.text) and len(titles) == 1 and len(description_words(titles[0])) > 1:
            snapshot = await turn.tasks()
            pending = Snapshot([t for t in snapshot.tasks if not t["completed"]])
            alike = match_description(titles[0], pending, whole=True)
            if alike.found and mood.leading_intent(reading.text) in {None, "add"}:
                # "I need to do the Jenna email today" beside "reply to Jenna's email": every word of it is that
                # task's, in other words; ask rather than add it twice
                task = snapshot.by_id(alike.ids[0]) or {}
                turn.ask(f"You already have task {task.get('id')} ({task.get('title')}). Did you mean that one? "
                         "I haven't changed anything yet.")
                return
        if mood.leading_intent(reading.text) not in {"add", None} or not _ADD_VERB.search(reading.text):
            again = await self._already_there(turn, titles)
            if again is not None and len(titles) == 1 and await self._change_named(turn, reading, again, titles[0]):
                return  # "lower the priority on read book to low": the change, made to the task named
            if again is not None:
                # "remove the due date from book flights" read as an add of "book flights": a change verb
                # and an open task's own title is about that task, never a second copy of it
                turn.ask(f"You already have task {again['id']} ({again['title']}). What should I do with it? "
                         "I haven't changed anything yet.")
                return
        if _PUT_TO.match(reading.text) and len(titles) == 1:
            again = await self._already_there(turn, titles)
            if again is not None and await self._change_named(turn, reading, again, titles[0]):
                return  # "put meeting prep to in 3 days": "put ... to" a date moves the task, it adds no copy
        shared = read_date(reading.date, turn.today)
        priority = read_priority(reading.priority)
        own = [read_date(words, turn.today) for words in reading.item_dates] if len(reading.item_dates) == len(titles) else []
        # "add A tomorrow and B friday": each its own; "add milk, eggs and bread tomorrow": all tomorrow.
        separate = sum(1 for d in own if d is not None) > 1 or (own and own[-1] is None and any(own))
        repeat = read_recurrence(_repeat_words(reading), turn.today)
        if reading.repeat and not isinstance(repeat, Repeat):
            turn.ask(f"How often should \"{titles[0]}\" repeat? I haven't added anything yet.")
            return
        label = _label(reading)
        for index, title in enumerate(titles):
            due = own[index] if separate else shared
            args: dict[str, Any] = {"title": title[:255]}
            if priority:
                args["priority"] = priority
            if isinstance(repeat, Repeat):
                args["recurrence"] = repeat.rule
                due = repeat.start or (due if isinstance(due, date) else None)
            if isinstance(due, date):
                args["due_date"] = due.isoformat()
            if reading.note:
                args["description"] = reading.note[:2000]
            if label:
                args["labels"] = [label]
            call = await turn.call("add_task", args)
            if is_error(call):
                turn.ask(f"I couldn't add that: {call.result['error']}")
            else:
                when = due if isinstance(due, date) else None
                extra = ""
                if isinstance(repeat, Repeat):
                    first = call.result.get("due_date") or (when.isoformat() if when else None)
                    when = None
                    extra = f", repeats {describe_rule(repeat.rule)}" + (
                        f", first due {dates.describe(date.fromisoformat(first), turn.today)}" if first else "")
                if label:
                    extra += f", on your {label} list"
                details = _details(when, priority, turn.today)
                if extra:
                    details = f" ({details.strip(' ()')}{extra})" if details else f" ({extra.lstrip(', ')})"
                turn.say(f"Added task {call.result['task_id']}: {call.result['title']}{details}.")

    # -- finding the task a phrase means ---------------------------------------------------
    async def _change_named(self, turn: Turn, reading: Reading, task: dict[str, Any], title: str) -> bool:
        """Read as a change to ``task`` a clause that names it and says only a date or a priority for it
        ("team lunch -> no rush, low priority", "email hr isnt due till thursday"). False: nothing done."""
        said, own = set(normalise(title)), set(normalise(str(task.get("title", ""))))
        if not said or not said <= own:
            return False  # the words name more than the task: maybe a new task after all
        if _NEGATION.search(_CALM.sub(" ", reading.text)) and not _NOT_DUE_TILL.search(reading.text):
            return False
        due = read_date(reading.date, turn.today) if reading.date else None
        priority_words = [w for w in mood.words(reading.priority or "") if w in PRIORITY_WORDS or w in {"rush", "hurry"}]
        shift = _FROM_TO.search(reading.text)
        if due is None and not priority_words and not (shift and read_priority(shift["to"])):
            return False
        change = replace(reading, intent="update", reference=f"task {task['id']}", references=(f"task {task['id']}",),
                         titles=(), item_dates=(), new_title=None, note=None, label=None, repeat=None,
                         priority=shift["to"] if shift else " ".join(priority_words) or None,
                         date=reading.date if due is not None else None)
        await self._update(turn, change)
        return True

    async def _resolve(self, turn: Turn, phrase: str | None, *, default_last: bool = True) -> Resolution | None:
        """The ids a phrase means; on failure say so (nothing changes) and return None."""
        text = " ".join((phrase or "").lower().replace("’", "'").split()).strip(" .,!?:;\"'")
        text = re.sub(r"^(?:the|my)\s+", "", text)
        text = re.sub(r"^(?:it'?s|it\s+is|that'?s|thats)(?:\s+not)?$", "it", text)  # "its not done": it
        if not text or text in _PRONOUN:
            ids = turn.touched[-1:] or last_touched(turn.history)[-1:]
            if ids or not default_last:
                return Resolution(ids=tuple(ids))
            turn.ask("Which task do you mean? Tell me its number or a word from its title; I haven't changed anything.")
            return None
        if text in _PLURAL:
            ids = turn.touched or self._last_shown(turn) or last_touched(turn.history)
            if text.startswith("both") and len(set(ids)) == 1 and not turn.touched and not self._last_shown(turn):
                # "both are done now" after "add wrap presents", "add buy tape": the two tasks the last two
                # changes made, one a turn
                ids = _recent_touched(turn.history, 2)
            if text.startswith("both") and ids and len(set(ids)) != 2:
                turn.ask("Which two tasks do you mean? I haven't changed anything.")
                return None
            if ids:
                return Resolution(ids=tuple(dict.fromkeys(ids)))
            turn.ask("Which tasks do you mean? I haven't changed anything.")
            return None
        pointer = _DID_POINTER.match(text)
        if pointer and (base_verb(pointer[1]) != pointer[1] or pointer[1] in {"did", "done", "finished"}):
            return await self._resolve(turn, pointer[2], default_last=default_last)  # "did that", "paid it"
        span = _FIRST_N.match(text)
        if span:
            count = parse_number(span[2]) or 1
            listing = last_listing(turn.history) or [t["id"] for t in (await turn.tasks()).tasks if not t["completed"]]
            if count > len(listing):
                turn.ask(f"The list I last showed you has {len(listing)} task{'' if len(listing) == 1 else 's'}, "
                         f"not {count}. I haven't changed anything.")
                return None
            chosen = listing[:count] if span[1] in {"first", "top"} else listing[-count:]
            return Resolution(ids=tuple(chosen))
        several = explicit_ids(text)
        if several:
            return Resolution(ids=several)
        m = _ID.match(text)
        if m:
            number = parse_number(m[1])
            if number is not None:
                return Resolution(ids=(number,))
        added = _ADDED_ORDINAL.match(text)
        if added:
            # "the first one I added": the order of the adds in this conversation, not the list's
            made = [int(c.result["task_id"]) for m in turn.history if m.role is Role.ASSISTANT for c in m.tool_calls
                    if c.tool == "add_task" and "task_id" in c.result]
            made += [int(c.result["task_id"]) for c in turn.calls if c.tool == "add_task" and "task_id" in c.result]
            index = ORDINALS.get(added[1], -1)
            if made and -len(made) <= index < len(made):
                return Resolution(ids=(made[index],))
            turn.ask(f"I can't tell which task is the {added[1]} one you added here. Tell me its number; "
                     "I haven't changed anything.")
            return None
        parts = [p for p in re.split(r"\s*(?:,|\band\b|&)\s*", text) if p]
        if len(parts) > 1 and all(_ORDINAL.search(p) and not normalise(_ORDINAL.sub(" ", p).replace("one", " "))
                                  for p in parts):
            # "first and second are done", "the 2nd and the last": each by its place in the list shown last
            listing = last_listing(turn.history) or [t["id"] for t in (await turn.tasks()).tasks if not t["completed"]]
            places = [ORDINALS[m[1]] for p in parts if (m := _ORDINAL.search(p))]
            if all(-len(listing) <= i < len(listing) for i in places):
                return Resolution(ids=tuple(dict.fromkeys(listing[i] for i in places)))
            turn.ask(f"The list I last showed you has {len(listing)} task{'' if len(listing) == 1 else 's'}. "
                     "Which ones do you mean? I haven't changed anything.")
            return None
        ordinal = _ORDINAL.search(text)
        if ordinal and not normalise(_ORDINAL.sub(" ", text).replace("one", " ")):
            listing = last_listing(turn.history) or [t["id"] for t in (await turn.tasks()).tasks if not t["completed"]]
            index = ORDINALS[ordinal[1]]
            if listing and -len(listing) <= index < len(listing):
                return Resolution(ids=(listing[index],))
            size = len(listing)
            turn.ask(f"There's no {ordinal[1]} one: the list I last showed you has {size} task{'' if size == 1 else 's'}."
                     " I haven't changed anything.")
            return None
        snapshot = await turn.tasks()
        if _OTHER.fullmatch(text) and (changed := last_touched(turn.history)) and len(changed) == 1:
            # "delete the pharmacy task", then "and mark the other one done": the one other task there is
            old = changed[0]
            others = self._other_candidates(turn, Snapshot([t for t in snapshot.tasks if not t["completed"]
                                                            or t["id"] == old]), old, "")
            if len(others) == 1:
                return Resolution(ids=(others[0],))
            turn.ask("Which task do you mean by the other one? Tell me its number; I haven't changed anything.")
            return None
        described = described_tasks(text, snapshot, turn.today) or joined_tasks(text, snapshot)
        if described is not None:
            # "drop the overdue one", "the party stuff", "both bills", "dentist and gym": named by what they are like
            if described.ambiguous:
                options = " or ".join(f"task {t['id']} ({t['title']})" for t in described.ambiguous)
                turn.ask(f"Which one do you mean: {options}? I haven't changed anything yet.")
                return None
            if not described.found:
                turn.ask(f"None of your tasks fits \"{phrase}\", so nothing changed.")
                return None
            return described
        found = match_title(text, snapshot)
        if not found.found and not found.ambiguous and is_description(phrase or ""):
            found = match_description(text, snapshot)  # "the tax thing", "the dentst one"
        if found.ambiguous:
            options = " or ".join(f"task {t['id']} ({t['title']})" for t in found.ambiguous)
            turn.ask(f"Which one do you mean: {options}? I haven't changed anything yet.")
            return None
        if not found.found:
            turn.ask(f"I couldn't find a task matching \"{phrase}\", so nothing changed.")
            return None
        return found

    @staticmethod
    def _last_shown(turn: Turn) -> list[int]:
        """Ids of the list shown last (this turn first, then the history)."""
        for call in reversed(turn.calls):
            if call.tool == "list_tasks" and call.arguments.get("limit") != LOOKUP_LIMIT:
                return [t["id"] for t in call.result.get("tasks", [])]
        return last_listing(turn.history)

    async def _targets(self, turn: Turn, reading: Reading) -> list[int] | None:
        """Every task a reading names; None (after saying why) when any of them is unclear."""
        phrases: list[str | None] = list(reading.references) or [reading.titles[0] if reading.titles else None]
        if len(phrases) > 1:
            # "all good, delete the milk": an adverbial "all good" names no task, and a verb is no part of a name
            kept = [_drop_verb(p) for p in phrases if p and not _ADVERBIAL_ALL.match(p)]
            phrases = [p for p in kept if p] or phrases
        phrases = [_described(p, reading.text) for p in phrases]
        ids: list[int] = []
        for phrase in phrases:
            found = await self._resolve(turn, phrase)
            if found is None:
                return None
            ids += [i for i in found.ids if i not in ids]
        return ids

    async def _each(self, turn: Turn, reading: Reading, tool: str, extra: dict[str, Any], verb: str) -> None:
        ids = await self._targets(turn, reading)
        if ids is None:
            return
        found = Resolution(ids=tuple(ids))
        snapshot = await turn.tasks()  # the before-image, so "undo" can put things back
        for task_id in found.ids:
            task = snapshot.by_id(task_id)
            wanted_done = {"complete_task": True, "update_task": False}.get(tool)
            if task is not None and wanted_done is not None and "completed" in task and task["completed"] == wanted_done:
                state = "already done" if wanted_done else "still open"
                turn.say(f"Task {task_id} ({task['title']}) is {state}, so nothing changed.")
                continue
            call = await turn.call(tool, {"task_id": task_id, **extra})
            if is_error(call):
                error = str(call.result.get("error", ""))
                if "not found" in error.lower():
                    turn.ask(f"There's no task {task_id}, so nothing changed.")
                else:
                    turn.ask(f"I couldn't change task {task_id}: {error}.")
            elif call.result.get("status") == "rescheduled" and call.result.get("due_date"):
                due = date.fromisoformat(str(call.result["due_date"]))
                turn.say(f"Done; task {task_id} ({call.result['title']}) repeats, next due {dates.describe(due, turn.today)}.")
            else:
                turn.say(f"{verb} task {task_id}: {call.result['title']}.")

    @staticmethod
    async def _already_there(turn: Turn, titles: list[str]) -> dict[str, Any] | None:
        """The open task a new title repeats: the same words, or them after at most two leading words
        ("on read book" after "lower the priority on")."""
        snapshot = await turn.tasks()
        for title in titles:
            new = _tokens(title)
            for task in snapshot.tasks:
                old = _tokens(str(task["title"]))
                if not task["completed"] and old and len(new) - len(old) in (0, 1, 2) and new[len(new) - len(old):] == old:
                    return task
        return None

    async def _complete(self, turn: Turn, reading: Reading) -> None:
        if _NOT_DONE.search(reading.text):
            # "I started the tax return but I didn't finish it yet": not a completion
            turn.ask(f"It sounds like {reading.reference or 'that'} isn't finished yet, so I've left it open. "
                     "Say \"mark it done\" when it is.")
            return
        await self._each(turn, reading, "complete_task", {}, "Done! Marked")

    async def _reopen(self, turn: Turn, reading: Reading) -> None:
        await self._each(turn, reading, "update_task", {"completed": False}, "Reopened")

    async def _delete(self, turn: Turn, reading: Reading) -> None:
        part = _REMOVED_PART.search(reading.text)
        if part:
            # "remove the deadline from sand the door": what goes is a part of the task, not the task
            if part["part"].lower().startswith(("deadline", "due", "date")):
                await self._update(turn, replace(reading, intent="update", date="remove the due date", date_groups=()))
            else:
                whose = f'"{part["task"].strip()}"' if part["task"] else "that task"
                turn.ask(f"Did you want me to clear the {part['part'].lower()} of {whose}? "
                         "I haven't changed anything yet.")
            return
        await self._each(turn, reading, "delete_task", {}, "Deleted")

    async def _update_many(self, turn: Turn, reading: Reading) -> None:
        """"push everything due today to tomorrow": every pending task the words select, moved at once."""
        target = read_date(reading.date_groups[-1], turn.today) if reading.date_groups else None
        selection = " ".join([reading.reference or "", *reading.date_groups[:-1]])
        query = list_filters(selection, turn.today)
        if not isinstance(target, date | Shift) or not (_QUANTIFIER.search(reading.text) and reading.confidence >= BULK_CONFIDENCE):
            turn.ask("Which tasks should I move, and to when? I haven't changed anything yet.")
            return
        arguments = {**query.arguments, "limit": LOOKUP_LIMIT}
        if arguments.get("status") == "all":
            arguments["status"] = "pending"  # moving "everything" means what is still to do
        found = await turn.call("list_tasks", arguments)
        chosen = list(found.result.get("tasks", []))
        if not chosen:
            turn.ask(f"You don't have any pending tasks{query.when}, so nothing moved.")
            return
        snapshot = await turn.tasks()  # the before-image, so "undo" can put them all back
        moved = []
        for task in chosen:
            if isinstance(target, Shift):
                start = date.fromisoformat(task["due_date"]) if task["due_date"] else turn.today
                new_due = start + timedelta(days=target.days)
            else:
                new_due = target
            if snapshot.by_id(task["id"]) is None:
                continue
            call = await turn.call("update_task", {"task_id": task["id"], "due_date": new_due.isoformat()})
            if not is_error(call):
                moved.append(f"{task['id']} ({task['title']})")
        when = f" to {dates.describe(target, turn.today)}" if isinstance(target, date) else ""
        turn.say(f"Moved {len(moved)} task{'' if len(moved) == 1 else 's'}{when}: {', '.join(moved)}.")

    async def _update(self, turn: Turn, reading: Reading) -> None:
        if reading.reference and reading.reference not in _PLURAL and _EVERY.match(reading.reference):
            await self._update_many(turn, reading)
            return
        changes: dict[str, Any] = {}
        due = read_date(reading.date, turn.today)
        if isinstance(due, Shift) and _RESTATE.search(reading.text) and not _SHIFT_VERB.search(reading.text) \
                and not re.search(r"\bday\s+(?:after|before)\b", reading.text, re.IGNORECASE):
            # "in 3 days, actually make that 5 days": the date said again, counted from today, not a move by 5
            due = turn.today + timedelta(days=due.days)
        if isinstance(due, ClearDate):
            changes["due_date"] = None
        elif isinstance(due, date):
            changes["due_date"] = due.isoformat()
        ranked = _FROM_TO.search(reading.text) if reading.priority else None
        priority = read_priority(ranked["to"] if ranked else reading.priority)  # "from low to high": high
        if priority:
            changes["priority"] = priority
        if reading.note:
            changes["description"] = reading.note[:2000]
        if reading.new_title and _quote_strip(reading.new_title):
            if not any(w not in CLOSED_WORDS | _PREPOSITIONS for w in _tokens(_quote_strip(reading.new_title))):
                # "change priority of 'clean garage' from low to high" read as a rename to "from"
                turn.ask(f"Did you want to rename it to \"{_quote_strip(reading.new_title)}\"? I haven't changed anything yet.")
                return
            if _DANGLING.search(_quote_strip(reading.new_title)):
                # "call it dinner w/ Leo & Mia" read as "dinner w/ Leo &": the end of the title was missed
                turn.ask(f"I think I missed the end of the new title \"{_quote_strip(reading.new_title)}\". "
                         "I haven't changed anything yet.")
                return
            changes["title"] = _quote_strip(reading.new_title)[:255]
        repeat = read_recurrence(_repeat_words(reading), turn.today)
        if isinstance(repeat, StopRepeating):
            changes["recurrence"] = None
        elif isinstance(repeat, Repeat):
            changes["recurrence"] = repeat.rule
            if repeat.start:
                changes["due_date"] = repeat.start.isoformat()
        elif reading.repeat and not changes:
            turn.ask("How often should it repeat? I haven't changed anything yet.")
            return
        label = _label(reading)
        if label:
            if _TAKE_OFF.search(reading.text):
                changes["remove_labels"] = [label]  # "take milk off the shopping list": the task stays
            elif _MOVE.search(reading.text):
                changes["labels"] = [label]  # "move the drill to the hardware list": off the others
            else:
                changes["add_labels"] = [label]
        if set(changes) == {"add_labels"} and _ADD_VERB.match(reading.text) and reading.reference_text:
            snapshot = await turn.tasks()
            if not match_title(reading.reference or "", Snapshot([t for t in snapshot.tasks if not t["completed"]])).found:
                # "add the drill to my garden list" with no drill yet: a new task on that list
                await self._add(turn, replace(reading, intent="add", titles=(reading.reference_text,), references=(),
                                              reference=None, item_dates=()))
                return
        if not changes and not isinstance(due, Shift):
            what = reading.reference or "it"
            turn.ask(f"What should I change about {what}? I haven't changed anything yet.")
            return
        found = await self._targets(turn, reading) if reading.references else await self._resolve_ids(turn, None)
        if found is None:
            return
        snapshot = await turn.tasks()
        swap = _SWAP_TAIL.search(reading.text) if "title" in changes else None
        for task_id in found:
            args = dict(changes)
            if swap is not None and (task := snapshot.by_id(task_id)) is not None:
                # "it should be buy not by": only the word turned down changes
                args["title"] = edits.swapped(str(task["title"]), swap["right"], swap["wrong"]) or args["title"]
            if isinstance(due, Shift):
                task = snapshot.by_id(task_id)
                start = date.fromisoformat(task["due_date"]) if task and task["due_date"] else turn.today
                try:
                    args["due_date"] = (start + timedelta(days=due.days)).isoformat()
                except OverflowError:
                    turn.ask(f"I can't move task {task_id} that far; nothing changed.")
                    continue
            call = await turn.call("update_task", {"task_id": task_id, **args})
            if is_error(call):
                error = str(call.result.get("error", ""))
                turn.ask(f"There's no task {task_id}, so nothing changed." if "not found" in error.lower()
                         else f"I couldn't change task {task_id}: {error}.")
                continue
            turn.say(f"Updated task {task_id}: {call.result['title']}{self._describe_changes(args, turn.today)}.")

    async def _resolve_ids(self, turn: Turn, phrase: str | None) -> list[int] | None:
        found = await self._resolve(turn, phrase)
        return list(found.ids) if found is not None else None

    @staticmethod
    def _describe_changes(args: dict[str, Any], today: date) -> str:
        parts = []
        if "title" in args:
            parts.append("renamed")
        if "due_date" in args:
            parts.append("no due date" if args["due_date"] is None
                         else f"due {dates.describe(date.fromisoformat(args['due_date']), today)}")
        if "priority" in args:
            parts.append(f"{args['priority']} priority")
        if "description" in args:
            parts.append("note added")
        if "recurrence" in args:
            parts.append("no longer repeats" if args["recurrence"] is None else f"repeats {describe_rule(args['recurrence'])}")
        for key, words in (("add_labels", "now on your {} list"), ("labels", "now on your {} list"),
                           ("remove_labels", "off your {} list")):
            if args.get(key):
                parts.append(words.format(", ".join(args[key])))
        return f" ({', '.join(parts)})" if parts else ""

    # -- reading --------------------------------------------------------------------------
    async def _list(self, turn: Turn, reading: Reading) -> None:
        if _TRASH.search(reading.text) and reading.intent == "list":
            trash = await turn.call("list_trash", {"limit": 50})
            items = trash.result.get("tasks", [])
            turn.say("\n".join(["In the trash (kept for 30 days; say \"restore task N\" to bring one back):",
                                 *(self._line(t, turn.today) for t in items)]) if items else "The trash is empty.")
            return
        one = _SHOW_ONE.match(reading.text) if reading.intent == "list" else None
        if one:
            # "show me task 2", "what's task 2?": that task, not the whole list
            await self._show_numbered(turn, int(one["id"]))
            return
        either = _EITHER_FILTER.search(reading.text) if reading.intent == "list" else None
        if either is not None:
            await self._list_either(turn, either["a"], either["b"])  # "what's overdue or due today?"
            return
        query = list_filters(reading.text, turn.today)
        label = _label(reading)
        if label:
            query = replace(query, arguments={**query.arguments, "label": label}, label=f"{query.label} {label}".strip())
        call = await turn.call("list_tasks", query.arguments)
        if is_error(call):
            turn.say("Sorry, I couldn't read your tasks just now.")
            return
        tasks, total = call.result["tasks"], call.result["total"]
        noun = f"{query.label} task".strip()
        if reading.intent == "count":
            turn.say(f"You have {total} {noun}{'' if total == 1 else 's'}{query.when}.")
            return
        if not tasks:
            pending = 0
            if query.label != "pending" or query.when:
                others = await turn.call("list_tasks", {"status": "pending", "limit": 1})
                pending = int(others.result.get("total", 0))
            tail = f" You have {pending} pending task{'' if pending == 1 else 's'} in all." if pending else " Nothing to do!"
            turn.say(f"Nothing to show: you don't have any {noun}s{query.when}.{tail}")
            return
        lines = [f"Here {'is' if total == 1 else 'are'} your {noun}{'' if total == 1 else 's'}{query.when}:"]
        lines += [self._line(task, turn.today) for task in tasks]
        if total > len(tasks):
            lines.append(f"…and {total - len(tasks)} more.")
        turn.say("\n".join(lines))

    async def _list_either(self, turn: Turn, first: str, second: str) -> None:
        """Tasks that meet either of two filters, each asked of the list, shown once, in number order."""
        found: dict[int, dict[str, Any]] = {}
        for words in (first, second):
            call = await turn.call("list_tasks", list_filters(words, turn.today).arguments)
            if is_error(call):
                turn.say("Sorry, I couldn't read your tasks just now.")
                return
            found.update({int(t["id"]): t for t in call.result["tasks"]})
        said = f"{first.strip()} or {second.strip()}"
        if not found:
            turn.say(f"Nothing to show: no pending task is {said}.")
            return
        tasks = [found[i] for i in sorted(found)]
        turn.say("\n".join([f"Here {'is' if len(tasks) == 1 else 'are'} your task{'' if len(tasks) == 1 else 's'} {said}:",
                            *(self._line(t, turn.today) for t in tasks)]))

    @staticmethod
    def _line(task: dict[str, Any], today: date) -> str:
        mark = "✓" if task["completed"] else "•"
        due = f", due {dates.describe(date.fromisoformat(task['due_date']), today)}" if task["due_date"] else ""
        prio = f", {task['priority']} priority" if task["priority"] != "medium" else ""
        repeats = f", repeats {describe_rule(task['recurrence'])}" if task.get("recurrence") else ""
        labels = f" [{', '.join(task['labels'])}]" if task.get("labels") else ""
        return f"{mark} {task['id']}. {task['title']}{due}{prio}{repeats}{labels}"

    async def _matches(self, turn: Turn, phrase: str) -> list[dict[str, Any]]:
        snapshot = await turn.tasks()
        found = match_title(phrase, snapshot, pending_first=False)
        if not found.found and not found.ambiguous:
            found = match_description(phrase, snapshot, pending_first=False)  # "anythin about the bathrom?"
        ids = found.ids or tuple(t["id"] for t in found.ambiguous)
        return [t for t in snapshot.tasks if t["id"] in ids]

    async def _show_one(self, turn: Turn, task: dict[str, Any]) -> None:
        # A visible one-task listing: "it" in the next message means this task.
        await turn.call("list_tasks", {"status": "all", "q": task["title"][:255], "limit": 5})

    async def _show_numbered(self, turn: Turn, task_id: int) -> None:
        """One task by its number, shown so that "it" in the next message is this task."""
        task = (await turn.tasks()).by_id(task_id)
        if task is None:
            turn.say(f"There's no task {task_id}.")
            return
        await self._show_one(turn, task)
        turn.say(f"Here it is:\n{self._line(task, turn.today)}")

    async def _search(self, turn: Turn, reading: Reading) -> None:
        if (one := _SHOW_ONE.match(reading.text)) is not None:
            # "what was task 2 again?": that task, by its number, not a search for the words "task 2"
            await self._show_numbered(turn, int(one["id"]))
            return
        phrase = reading.reference or (reading.titles[0] if reading.titles else "")
        if not phrase:  # "when is my flight?": the words that are not the question's own
            phrase = " ".join(w for w in re.findall(r"[\w'-]+", reading.text) if w.lower() not in CLOSED_WORDS)
        hits = await self._matches(turn, phrase) if phrase else []
        if not hits:
            turn.say(f"I couldn't find any task about \"{phrase.strip()}\"." if phrase else "What should I look for?")
            return
        if len(hits) == 1:
            await self._show_one(turn, hits[0])
        lines = [f"Here's what I found about \"{phrase}\":"] + [self._line(t, turn.today) for t in hits]
        turn.say("\n".join(lines))

    async def _confirm(self, turn: Turn, statement: str) -> None:
        """Answer "X, right?" with what the list says of the task it names; never change it."""
        snapshot = await turn.tasks()
        task_id = discourse.named_task(statement, snapshot.tasks) or most_named(statement, snapshot.tasks)
        task = snapshot.by_id(task_id) if task_id is not None else None
        if task is None:
            turn.ask("Which task do you mean? Tell me its number or a word from its title; I haven't changed anything.")
            return
        await self._show_one(turn, task)
        turn.say(f"Here's what your list says: {self._line(task, turn.today).lstrip('• ')}. I haven't changed anything.")

    async def _check(self, turn: Turn, reading: Reading) -> None:
        phrase = reading.reference or (reading.titles[0] if reading.titles else "")
        found = await self._resolve(turn, phrase) if _ID.match(phrase or "") or (phrase or "").lower() in _PRONOUN else None
        hits = ([t for t in (await turn.tasks()).tasks if found and t["id"] in found.ids] if found
                else await self._matches(turn, phrase) if phrase else [])
        if not hits:
            turn.say(f"I don't see a task about \"{phrase}\" on your list." if phrase else "Which task do you mean?")
            return
        if len(hits) > 1:
            states = "; ".join(f"task {t['id']} ({t['title']}) is {'done' if t['completed'] else 'still open'}" for t in hits)
            turn.say(f"I found more than one: {states}.")
            return
        task = hits[0]
        await self._show_one(turn, task)
        if task["completed"]:
            turn.say(f"Yes, task {task['id']} ({task['title']}) is done.")
        else:
            due = f", due {dates.describe(date.fromisoformat(task['due_date']), turn.today)}" if task["due_date"] else ""
            turn.say(f"Not yet: task {task['id']} ({task['title']}) is still open{due}.")

    # -- everything at once -----------------------------------------------------------------
    async def _bulk(self, turn: Turn, reading: Reading) -> None:
        """Every task the quantified words select ("all my completed tasks", "both fence tasks",
        "everything due today"), never more; words no filter reads, or a count that does not fit, ask."""
        reach = quantifier.find(reading.text)
        if reach is None:
            turn.ask("Which tasks do you mean? I haven't changed anything yet.")
            return
        completing = reading.intent == "complete_all"
        if re.search(r"\b(?:except|but|apart|besides|other\s+than|save|not)\b", reach.phrase):
            turn.ask(f"I can't be sure which tasks \"{reading.text}\" leaves out, so I haven't changed anything. "
                     "Tell me the task numbers.")
            return
        # the words decide the status; with none, "clear ..." keeps to the completed ones unless words name tasks
        status = "pending" if completing else reach.status or (
            "completed" if reading.intent == "clear_completed" and not reach.title_words and not reach.label
            and not quantifier.needs_filters(reach) else "all")  # "delete all the low priority ones": that filter only
        arguments: dict[str, Any] = {"status": status, "limit": LOOKUP_LIMIT}
        if quantifier.needs_filters(reach):
            query = list_filters(reach.filter_text, turn.today).arguments
            arguments.update({k: v for k, v in query.items() if k != "status"})
            if query.get("overdue"):
                arguments["status"] = "pending"
        if reach.label:
            arguments["label"] = reach.label
        found = await turn.call("list_tasks", arguments)
        if is_error(found):
            turn.say("Sorry, I couldn't read your tasks just now, so nothing changed.")
            return
        chosen = quantifier.select(reach, list(found.result.get("tasks", [])))
        if completing:
            chosen = [t for t in chosen if not t["completed"]]
        what = " ".join([*(reach.title_words or ()), *([reach.label] if reach.label else [])]).strip()
        if reach.title_words and not chosen:
            turn.ask(f"I couldn't find the tasks \"{reach.phrase}\" means, so nothing changed.")
            return
        if reach.count is not None and len(chosen) != reach.count:
            listed = "; ".join(f"task {t['id']} ({t['title']})" for t in chosen[:10]) or "none"
            turn.ask(f"You said {reach.count}, but I found {len(chosen)}: {listed}. Which ones do you mean? "
                     "I haven't changed anything yet.")
            return
        tool = "complete_task" if completing else "delete_task"
        changed = []
        for task in chosen:
            call = await turn.call(tool, {"task_id": task["id"]})
            if not is_error(call):
                changed.append(f"{task['id']} ({task['title']})")
        filtered = bool(what) or arguments.keys() - {"status", "limit"} or status != (
            "pending" if completing else "completed" if reading.intent == "clear_completed" else "all")
        if not chosen:
            turn.say("Everything is already done!" if completing and not filtered
                     else "There are no completed tasks to remove." if status == "completed" and not filtered
                     else "Your list is already empty." if not filtered else "No task matches that, so nothing changed.")
        elif not filtered:
            turn.say(f"Done! Marked all {len(changed)} pending tasks as complete." if completing
                     else f"Removed {len(changed)} completed task{'' if len(changed) == 1 else 's'}."
                     if status == "completed" else f"Deleted all {len(changed)} tasks. Say \"undo\" to bring them back.")
        else:
            verb = "Marked as done" if completing else "Deleted"
            turn.say(f"{verb} {len(changed)} task{'' if len(changed) == 1 else 's'}: {', '.join(changed)}."
                     + ("" if completing else " Say \"undo\" to bring them back."))

    async def _all_except(self, turn: Turn, reading: Reading, rest: str) -> None:
        """"done w/ everything except the gym", "delete all but task 3": every open task (every task, to delete)
        but the ones named; each must name exactly one task, or nothing changes."""
        completing = reading.intent in {"complete", "complete_all"}
        snapshot = await turn.tasks()
        pool = [t for t in snapshot.tasks if not (completing and t["completed"])]
        in_pool = {int(t["id"]) for t in pool}
        kept: set[int] = set()
        for part in _LIST_SPLIT.split(rest.strip(" .!")):
            part = re.sub(r"^(?:the|my|that|this)\s+", "", part.strip(), flags=re.IGNORECASE)
            part = re.sub(r"\s+(?:one|task|thing|item)s?$", "", part, flags=re.IGNORECASE)
            if not part:
                continue
            number = _EXPLICIT_TASK.fullmatch(part)
            found = Resolution(ids=(int(number[1]),)) if number else match_title(part, Snapshot(pool))
            if len(found.ids) != 1 or found.ids[0] not in in_pool:
                turn.ask(f"I can't be sure which task \"{part}\" is, so I haven't changed anything. "
                         "Tell me the task numbers to leave out.")
                return
            kept |= set(found.ids)
        if not kept:
            turn.ask("Which tasks should I leave out? I haven't changed anything yet.")
            return
        tool, verb = ("complete_task", "Marked as done") if completing else ("delete_task", "Deleted")
        changed = []
        for task in pool:
            if int(task["id"]) not in kept:
                call = await turn.call(tool, {"task_id": task["id"]})
                if not is_error(call):
                    changed.append(f"{task['id']} ({task['title']})")
        ids = [str(i) for i in sorted(kept)]
        left = f"task {ids[0]} is" if len(ids) == 1 else f"tasks {', '.join(ids[:-1])} and {ids[-1]} are"
        if not changed:
            turn.say(f"Nothing else to change: only {left} left.")
            return
        turn.say(f"{verb} {len(changed)} task{'' if len(changed) == 1 else 's'}: {', '.join(changed)}; {left} left as before."
                 + ("" if completing else " Say \"undo\" to bring them back."))

    # -- correcting the last change -------------------------------------------------------------
    @staticmethod
    def _just_added(turn: Turn) -> tuple[int, str] | None:
        """The one task the previous reply added, when adding it was the only change of that reply."""
        for message in reversed(turn.history[:-1]):
            if message.role is Role.ASSISTANT:
                changes = [c for c in message.tool_calls if c.tool in _MUTATING_TOOLS]
                if len(changes) == 1 and changes[0].tool == "add_task" and not is_error(changes[0]):
                    result = changes[0].result
                    return int(result.get("task_id", 0)), str(result.get("title", ""))
                return None
        return None

    async def _fix_added(self, turn: Turn, rest: str) -> bool:
        """A correction of the task just added ("actually make it oat milk", "sorry, I meant call dad",
        "no sorry, for Alex", "actually saturday, and it's important"). False when the words are no such
        correction (another request): the message is read as usual. An unclear correction asks."""
        added = self._just_added(turn)
        if added is None:
            return False
        task_id, old = added
        rest = _FIX_FRAME.sub("", rest.strip(), count=1)
        rest = _FIX_TAIL.sub("", rest).strip(" ,.!;:-\"'")
        title = edits.swap_said(old, rest)  # "no wait, I meant envelopes, not stamps" after "add buy stamps"
        if title is None and (not rest or rest.endswith("?") or _ACTION.search(rest) or explicit_ids(rest)
                              or _EXPLICIT_ADD.search(rest)):
            return False  # "actually, add eggs too", "sorry, delete it": a request of its own
        if title is None and _NO_FIX.match(rest):
            return False  # "no thanks", "oops, what's left?": no correction
        day = read_date(rest, turn.today) if _ORDINAL_DAY.fullmatch(rest) and title is None else None
        if isinstance(day, date):
            # "no actually make it the 12th": a day of the month, which the reader takes for a title
            call = await turn.call("update_task", {"task_id": task_id, "due_date": day.isoformat()})
            if is_error(call):
                turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
            else:
                turn.say(f"Updated task {task_id}: {old} (due {dates.describe(day, turn.today)}).")
            return True
        readings = self._engine.read(rest) if title is None else []
        slots = [r for r in readings if (r.date and read_date(r.date, turn.today) is not None) or r.priority]
        if slots and all(not (r.titles or r.new_title or r.note or r.label or r.repeat
                              or (r.reference and r.reference not in _PRONOUN)) for r in readings):
            # "actually saturday, and it's important": the date or priority of the task just added
            changes: dict[str, Any] = {}
            for r in slots:
                due = read_date(r.date, turn.today)
                if isinstance(due, date):
                    changes["due_date"] = due.isoformat()
                elif r.date:
                    return False
                priority = read_priority(r.priority)
                if _foreign_priority_words(r.priority):
                    return False  # words read as a priority that no priority word explains
                if priority:
                    changes["priority"] = priority
            if not changes:
                return False
            call = await turn.call("update_task", {"task_id": task_id, **changes})
            if is_error(call):
                turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
            else:
                turn.say(f"Updated task {task_id}: {call.result['title']}{self._describe_changes(changes, turn.today)}.")
            return True
        if slots:
            return False
        old_words, new_words = old.split(), rest.split()
        lower_old = [w.lower() for w in old_words]
        first = new_words[0].lower()
        if title is None and first in _FIX_PREPOSITIONS and first in lower_old[1:]:
            # "no sorry, for Alex" after "buy gift for Sam": the words from that preposition on are swapped
            cut = len(lower_old) - 1 - lower_old[::-1].index(first)
            title = " ".join(old_words[:cut] + new_words)
        elif title is None and len(new_words) > 1 and first == lower_old[0]:
            title = rest  # "sorry I meant call dad" after "call mum": the same verb, the task named again
        elif (title is None and len(old_words) > 1 and new_words[-1].lower() == lower_old[-1] and len(new_words) <= 3
              and first != lower_old[0]):
            title = " ".join(old_words[:-1] + new_words)  # "actually make it oat milk" after "buy milk"
        if title is None or title.lower() == old.lower():
            turn.ask(f"Did you want me to rename task {task_id} ({old}) to \"{rest}\"? I haven't changed anything yet.")
            return True
        call = await turn.call("update_task", {"task_id": task_id, "title": title[:255]})
        if is_error(call):
            turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
        else:
            turn.say(f"Sorry about that; task {task_id} is now: {call.result.get('title', title)}.")
        return True

    @staticmethod
    def _last_change(turn: Turn) -> list[ToolCall]:
        """The changing calls an undo would reverse (the same choice the undo tool makes)."""
        return change_to_undo([m.tool_calls for m in turn.history if m.role is Role.ASSISTANT])

    async def _same_again(self, turn: Turn, ref: str) -> bool:
        """The last change, made to one more task; False when the last change is no single kind of change or
        the words name no task (the message is then read as usual)."""
        last = [c for c in self._last_change(turn) if not is_error(c)]
        tools = {c.tool for c in last}
        if len(tools) != 1 or not tools <= {"complete_task", "delete_task", "update_task"}:
            return False
        changed = {int(c.arguments.get("task_id", 0)) for c in last}
        text = re.sub(r"^(?:the|that)\s+", "", ref.strip().lower())
        if text in {"other one", "other", "other task", "remaining one", "last one left"}:
            shown = [i for i in last_listing(turn.history) if i not in changed]
            if len(shown) != 1:
                return False
            ids: tuple[int, ...] = (shown[0],)
        else:
            # resolved on a scratch turn: when the words name no task, the message is read as usual, unasked
            scratch = Turn(turn.tools, turn.history, turn.today, dry=True, message=turn.message)
            found = await self._resolve(scratch, ref, default_last=False)
            if found is None or not found.ids or set(found.ids) & changed:
                return False
            ids = found.ids
        tool = next(iter(tools))
        extra = {k: v for k, v in last[0].arguments.items() if k != "task_id"}
        verb = {"complete_task": "Done! Marked", "delete_task": "Deleted", "update_task": "Updated"}[tool]
        for task_id in ids:
            call = await turn.call(tool, {"task_id": task_id, **extra})
            if is_error(call):
                turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
            else:
                turn.say(f"{verb} task {task_id}: {call.result.get('title', '')}.")
        return True

    async def _retarget(self, turn: Turn, message: str) -> None:
        """"wrong one, I meant task 2", "no, the other one", "not that one, the dentist": undo the last
        change and make the same change to the task meant. Anything unclear asks; it never adds or deletes
        a task the last change did not."""
        calls = self._last_change(turn)
        one = calls[0] if len(calls) == 1 else None
        if one is None or one.tool not in {"complete_task", "delete_task", "update_task"}:
            turn.ask("Sorry about that. Which change should I put right, and how? I haven't changed anything; "
                     "say \"undo\" to take the last change back.")
            return
        old_id = int(one.result.get("task_id", one.arguments.get("task_id", 0)))
        phrase = _RETARGET.sub("", message, count=1).strip(" ,.!?;:-")
        if _JUST_UNDO.fullmatch(phrase):
            # "oops wrong one, undo": the person names the fix; taking the change back is all of it
            await self._undo(turn, Reading(intent="undo", confidence=1.0, text=phrase))
            return
        phrase = re.sub(r"^(?:(?:i\s+)?(?:meant|mean)|it\s+(?:was|is|should\s+be)|(?:do|did)\s+)\s*", "", phrase,
                        flags=re.IGNORECASE).strip(" ,.!?")
        if one.tool == "update_task" and phrase and await self._revalue(turn, one, phrase):
            return  # "set the monstera one to high priority" then "sorry I meant low": the value, not the task
        snapshot = await turn.tasks()
        target: int | None = None
        if not phrase or re.fullmatch(r"(?:the\s+)?other\s+(?:one|task)", phrase, re.IGNORECASE) or _OTHER.search(message):
            others = self._other_candidates(turn, snapshot, old_id, str(one.result.get("title", "")))
            target = others[0] if len(others) == 1 else None
            if target is None:
                turn.ask("Sorry about that. Which task did you mean? Tell me its number; I haven't changed anything.")
                return
        else:
            found = await self._resolve(turn, phrase, default_last=False)
            if found is None:
                return  # it asked
            if len(found.ids) != 1 or found.ids[0] == old_id:
                turn.ask("Sorry about that. Which task did you mean? Tell me its number; I haven't changed anything.")
                return
            target = found.ids[0]
        task = snapshot.by_id(target)
        if task is None:
            turn.ask(f"There's no task {target}, so nothing changed.")
            return
        undone = await turn.call(UNDO_TOOL, {})
        if is_error(undone) or undone.result.get("status") != "undone":
            turn.ask(f"I couldn't take back the last change ({undone.result.get('message') or undone.result.get('error')}),"
                     " so I haven't changed anything else.")
            return
        args = {k: v for k, v in one.arguments.items() if k != "task_id"}
        call = await turn.call(one.tool, {"task_id": target, **args})
        old = one.result.get("title") or f"task {old_id}"
        if is_error(call):
            turn.ask(f"I've put task {old_id} ({old}) back, but couldn't change task {target}: {call.result['error']}.")
            return
        done = {"complete_task": "marked it as done", "delete_task": "deleted it",
                "update_task": "made the change there"}[one.tool]
        turn.say(f"Sorry about that. I've put task {old_id} ({old}) back as it was, and for task {target} "
                 f"({call.result.get('title', task['title'])}) I {done}.")

    async def _revalue(self, turn: Turn, last: ToolCall, phrase: str) -> bool:
        """The last update made again with the value meant, when the words are only a priority or a date of
        the kind it set; False (nothing done) when they are anything else."""
        readings = self._engine.read(phrase)
        if len(readings) != 1 or readings[0].titles or readings[0].new_title or readings[0].note:
            return False
        reading = readings[0]
        content = [w for w in mood.words(phrase) if w not in _PRIORITY_TERMS and w not in PRIORITY_WORDS
                   and w not in _TIME_WORDS and w not in {"the", "it", "to", "be", "on", "for", "one"}]
        priority = read_priority(reading.priority) if reading.priority else read_priority(phrase)
        due = read_date(reading.date, turn.today) if reading.date else None
        if content and not isinstance(due, date):
            return False
        changes: dict[str, Any] = {}
        if priority and "priority" in last.arguments:
            changes["priority"] = priority
        if isinstance(due, date) and "due_date" in last.arguments:
            changes["due_date"] = due.isoformat()
        if not changes:
            return False
        task_id = int(last.arguments["task_id"])
        call = await turn.call("update_task", {"task_id": task_id, **changes})
        if is_error(call):
            turn.ask(f"I couldn't change task {task_id}: {call.result.get('error')}.")
        else:
            turn.say(f"Sorry about that. Updated task {task_id}: {call.result.get('title', '')}"
                     f"{self._describe_changes(changes, turn.today)}.")
        return True

    @staticmethod
    def _other_candidates(turn: Turn, snapshot: Snapshot, old_id: int, old_title: str) -> list[int]:
        """"The other one": the one other task of the list shown before the change, or the one other task
        whose title shares a word with the changed one's, or the one other task there is."""
        shown = last_listing(turn.history)
        if old_id in shown and len(shown) == 2:
            return [i for i in shown if i != old_id]
        old = snapshot.by_id(old_id)
        live = [t for t in snapshot.tasks if t["id"] != old_id]
        if old is not None or old_title:
            words = set(normalise(old["title"] if old else old_title))
            alike = [t["id"] for t in live if words & set(normalise(t["title"]))]
            if alike:
                return alike
        return [t["id"] for t in live] if len(live) == 1 else []

    # -- undo -----------------------------------------------------------------------------
    async def _undo(self, turn: Turn, reading: Reading) -> None:
        if reading.reference and reading.reference not in _PRONOUN and reading.reference not in _PLURAL:
            if await self._restore(turn, reading.reference):
                return  # "restore task 4", "bring the milk back": out of the trash
            await self._reopen(turn, reading)  # "undo task 1": un-complete that task
            return
        # The same tool a real model calls (application/undo.py): it reverses the newest change of the
        # conversation not undone yet, from the stored tool calls (add -> trash, delete -> restore with its
        # number, an edit or completion -> the values it replaced, a bulk change as a whole).
        changes = {int(c.result.get("task_id", c.arguments.get("task_id", 0))): c for c in self._last_change(turn)}
        call = await turn.call(UNDO_TOOL, {})
        if is_error(call):
            turn.ask(f"I couldn't undo that: {call.result['error']}.")
            return
        undone = call.result.get("undone") or []
        if call.result.get("status") != "undone":
            failed = [u for u in undone if u.get("error")]
            turn.ask(("; ".join(str(u["error"]) for u in failed) + ". Nothing was undone.") if failed
                     else str(call.result.get("message") or "There's nothing to undo in this conversation."))
            return
        parts = []
        for item in undone:
            task_id, title = item["task_id"], item.get("title") or ""
            made = changes.get(task_id)
            if item.get("error"):
                parts.append(f"couldn't undo task {task_id}: {item['error']}")
            elif item["action"] == "trashed":
                parts.append(f"removed task {task_id} ({title})")
            elif item["action"] == "restored":
                parts.append(f"brought back task {task_id} ({title})")
            elif made is not None and made.tool == "complete_task" and made.result.get("status") == "completed":
                parts.append(f"reopened task {task_id} ({title})")
            elif made is not None and made.result.get("status") == "rescheduled":
                due = (made.result.get("previous") or {}).get("due_date")
                parts.append(f"moved task {task_id} ({title}) back" + (
                    f" to {dates.describe(date.fromisoformat(due), turn.today)}" if due else ""))
            else:
                parts.append(f"put task {task_id} ({title}) back as it was")
        turn.say("Undone: " + "; ".join(parts) + ".")

    async def _restore(self, turn: Turn, phrase: str) -> bool:
        """Bring a task named by number or words back from the trash; False when it is not there."""
        trash = await turn.call("list_trash", {"limit": 100})
        if is_error(trash):
            return False
        binned = Snapshot(list(trash.result.get("tasks", [])))
        text = re.sub(r"^(?:the|my)\s+", "", " ".join(phrase.lower().split()))
        number = _ID.match(text)
        task_id = parse_number(number[1]) if number else None
        if task_id is None:
            found = match_title(text, binned, pending_first=False)
            if found.ambiguous:
                options = " or ".join(f"task {t['id']} ({t['title']})" for t in found.ambiguous)
                turn.ask(f"Which one should I bring back: {options}? I haven't changed anything yet.")
                return True
            task_id = found.ids[0] if found.found else None
        if task_id is None or binned.by_id(task_id) is None:
            return False
        call = await turn.call("restore_task", {"task_id": task_id})
        if is_error(call):
            turn.ask(f"I couldn't bring back task {task_id}: {call.result['error']}.")
        else:
            turn.say(f"Restored task {task_id}: {call.result['title']}.")
        return True
