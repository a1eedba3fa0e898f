"""The built-in offline model: a deterministic interpreter that calls the same tools a
real model would, and answers in friendly, specific sentences. No network, no key."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from adapters.llm.offline import dates
from adapters.llm.offline.references import LOOKUP_LIMIT, Resolution, Snapshot, resolve, resolve_from_history
from adapters.llm.offline.words import NUMBER, is_past_tense, parse_number
from application.ports import TextDelta, TokenUsage, ToolEvent, TurnDone, TurnEvent, TurnRequest, TurnResult
from application.tools import BoundTools, is_error
from domain.conversation import ToolCall, estimate_tokens

# -- clause splitting -------------------------------------------------------------------------
_SPLIT = re.compile(r"\s*(?:;|\.\s+|!\s+|\?\s+|\n+|,?\s+and\s+then\s+|,?\s+then\s+|,?\s+(?:and\s+)?also\s+|,\s*plus\s+)\s*")
_LEADING = re.compile(r"^(?:and|also|plus|then|oh|ok|okay|so|and also|please|pls|btw|actually|hey|oh and|also,)\b[\s,]*")

# -- intents ----------------------------------------------------------------------------------
_GREETING = re.compile(r"^(?:hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening)|morning|sup|hey there|hi there|hello there)\b[\s!.,]*(?:there|again|bot|todo-chat)?[\s!.]*$")
_THANKS = re.compile(r"^(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|nice|cool|ok|okay|got it|brilliant|lovely)\b.{0,20}$")
_HELP = re.compile(r"^(?:help|what can you do|how does this work|how do (?:i|you) use (?:this|you)|commands|\?)\b")
_INJECTION = re.compile(
    r"\b(?:user(?:_id)?\s*[:=#]?\s*[\w@.-]+['’]s|user(?:_id)?\s*[:=#]\s*\S+|(?:for|of|from|as)\s+(?:the\s+)?user\b"
    r"|other\s+(?:user|people|account)s?|every(?:one|body)['’]?s?\s+tasks|all\s+users|another\s+user"
    r"|ignore\s+(?:all\s+|any\s+)?(?:previous|prior|above|earlier|your)\s+(?:instructions|rules)"
    r"|system\s+prompt|\b\w+['’]s\s+(?:tasks|to-?dos|list|todo\s+list)\b|admin\s+mode|sudo)\b"
)
_BULK_DONE = re.compile(
    r"^(?:(?:please\s+)?(?:mark|tick|check|cross)\s+(?:off\s+)?(?:everything|all(?:\s+(?:of\s+)?(?:them|my\s+tasks|tasks|the\s+tasks))?)(?:\s+(?:off|as\s+)?(?:done|complete|completed|finished))?"
    r"|(?:complete|finish)\s+(?:everything|all(?:\s+(?:of\s+)?(?:them|my\s+tasks|tasks|the\s+tasks))?)"
    r"|(?:i(?:'ve|\s+have)?\s+)?(?:done|finished|completed)\s+(?:everything|all\s+of\s+them|them\s+all|all\s+my\s+tasks)"
    r"|(?:everything|all\s+(?:my\s+)?tasks)\s+(?:is|are)\s+(?:done|finished|complete))$"
)
_BULK_CLEAR = re.compile(
    r"^(?:clear|remove|delete|get\s+rid\s+of|clean\s+up|purge|archive|drop)\s+(?:all\s+)?(?:the\s+|my\s+)?"
    r"(?:completed|finished|done|ticked(?:\s+off)?|checked(?:\s+off)?)(?:\s+(?:ones|tasks|items|stuff|things))?(?:\s+from\s+(?:the|my)\s+list)?$"
    r"|^(?:clear|clean\s+up)\s+(?:the\s+)?(?:done|completed)\s+list$"
)
_BULK_DELETE_ALL = re.compile(r"^(?:delete|remove|clear|wipe|erase)\s+(?:everything|all(?:\s+(?:of\s+)?(?:my\s+)?tasks)?|my\s+(?:whole\s+)?list|the\s+(?:whole\s+)?list)$")
_ADD_PREFIX = re.compile(
    r"^(?:(?:can|could|would)\s+you\s+(?:please\s+)?|please\s+|pls\s+)?"
    r"(?:add(?:\s+(?:a\s+)?(?:new\s+)?(?:task|todo|to-do|item|reminder))?(?:\s+(?:to|for)\s+(?:me\s+)?to)?(?:\s*:)?"
    r"|create(?:\s+(?:a\s+)?(?:new\s+)?(?:task|todo|to-do|reminder))?(?:\s+to)?(?:\s*:)?"
    r"|new\s+(?:task|todo|to-do|item)(?:\s*:)?|(?:task|todo|to-do)\s*:"
    r"|remind\s+me\s+(?:to|that\s+i\s+(?:need|have)\s+to|about)|set\s+(?:a\s+)?reminder\s+(?:to|for)"
    r"|(?:don'?t|do\s+not)\s+let\s+me\s+forget\s+(?:to|about)|make\s+sure\s+i|note\s+to\s+self\s*:?"
    r"|i\s+(?:need|have|must|ought|want|should|gotta|got)\s*(?:to)?|i\s+(?:must|should|gotta)|i'?ve\s+got\s+to|gotta"
    r"|i'?ll\s+need\s+to|(?:put|stick|throw|jot)\s+(?:down\s+)?)\s*"
)
_ADD_TAIL = re.compile(r"\s*(?:to|on|onto)\s+(?:my|the)\s+(?:to-?do\s+|task\s+|shopping\s+)?list\b|\s*(?:as\s+a\s+task|as\s+a\s+to-?do)\b|\s+(?:down|please)$")
_LIST = re.compile(
    r"\b(?:show|list|see|view|display|what(?:'s|\s+is|\s+are|s)?|which|how\s+many|anything|do\s+i\s+have|got\s+any|"
    r"remaining|left|outstanding|overdue|agenda|on\s+my\s+plate|give\s+me|tell\s+me|read)\b"
)
_LIST_NOUN = re.compile(
    r"\b(?:tasks?|to-?dos?|list|left|overdue|late|due|pending|open|outstanding|remaining|done|completed|finished|"
    r"plate|agenda|all|anything|everything|priority|urgent|important|items?|things|to\s+do|schedule|today|tomorrow|week)\b"
)
_COUNT = re.compile(r"\bhow\s+many\b|\bcount\b|\bnumber\s+of\b")
_DONE_VERBS = r"(?:done|finished|complete|completed|ticked\s+off|checked\s+off|crossed\s+off|sorted|dealt\s+with|taken\s+care\s+of|handled|over)"
_COMPLETE = [
    re.compile(r"^(?:(?:please\s+)?(?:mark|set|flag)\s+(.+?)\s+(?:as\s+)?(?:done|complete|completed|finished))$"),
    re.compile(r"^(?:tick|check|cross|strike)\s+off\s+(.+)$"),
    re.compile(r"^(?:tick|check|cross)\s+(.+?)\s+off$"),
    re.compile(r"^(?:i(?:'m|\s+am)\s+)?(?:done|finished|through)\s+with\s+(.+)$"),
    re.compile(r"^(?:i(?:'ve|\s+have)\s+)?(?:finished|completed|done)\s+(.+)$"),
    re.compile(r"^(?:complete|finish)\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:is|are|was|were|has\s+been|have\s+been|'s)\s+(?:now\s+|all\s+|finally\s+)?" + _DONE_VERBS + r"$"),
    re.compile(r"^(.+?)\s*[:\-]?\s+(?:done|finished|complete|completed)$"),
    re.compile(r"^(?:done|finished|completed)\s*[:,\-]\s*(.+)$"),
]
_REOPEN = [
    re.compile(r"^(?:re-?open|undo|uncomplete|un-?tick|un-?check|restore|reactivate)\s+(.+)$"),
    re.compile(r"^(?:mark|set)\s+(.+?)\s+(?:as\s+)?(?:not\s+done|undone|incomplete|pending|open|not\s+finished|unfinished|to\s+do)$"),
    re.compile(r"^(.+?)\s+(?:is|was|isn'?t|wasn'?t)\s+(?:not\s+)?(?:actually\s+)?(?:not\s+)?(?:done|finished|complete)(?:\s+(?:after\s+all|yet))?$"),
]
_DELETE = re.compile(
    r"^(?:please\s+)?(?:delete|remove|erase|scrap|bin|trash|drop|cancel|kill|nuke|ditch|get\s+rid\s+of|forget\s+about|forget|take\s+off|cross\s+out)\s+(.+?)(?:\s+(?:from|off)\s+(?:my|the)\s+list)?$"
)
_DELETE_STATEMENT = re.compile(r"^(.+?)\s+(?:can\s+go|can\s+be\s+(?:deleted|removed|scrapped|dropped)|is\s+no\s+longer\s+needed|isn'?t\s+needed(?:\s+any\s*more)?|is\s+cancelled|is\s+canceled|is\s+off)$")
_NO_LONGER_NEEDED = re.compile(r"^(?:i\s+)?(?:don'?t|do\s+not|no\s+longer)\s+(?:need|have)\s+to\s+(.+?)(?:\s+any\s*more)?$|^(?:i\s+)?(?:don'?t|do\s+not)\s+need\s+(?!to\b)(.+?)\s+any\s*more$")
_RENAME = [
    re.compile(r"^(?:rename|retitle)\s+(.+?)\s+(?:to|as|into)\s+(.+)$"),
    re.compile(r"^(?:change|update|edit|set)\s+(?:the\s+(?:title|name)\s+of\s+)?(.+?)(?:'s\s+(?:title|name))?\s+to\s+(?:say\s+|read\s+)?(.+)$"),
    re.compile(r"^(?:call|name)\s+(it|that|that\s+one|this)\s+(.+?)(?:\s+instead)?$"),
    re.compile(r"^(.+?)\s+should\s+(?:be\s+called|say|read)\s+(.+)$"),
]
_PRIORITY_WORDS = re.compile(
    r"(?:,\s*)?(?:\(|\[)?\b(?:(?:it'?s|it\s+is|this\s+is|that'?s|as|with|mark\s+it|make\s+it|set\s+as|and)\s+)?(?:a\s+|an\s+)?(?:"
    r"(?P<high>urgent|urgently|asap|a\.s\.a\.p\.?|important|critical|top\s+priority|high[\s-]+priority|high[\s-]+prio|priority\s+high|high|super\s+important|very\s+important|top\s+of\s+the\s+list|crucial|vital)"
    r"|(?P<low>whenever|someday|some\s+day|low[\s-]+priority|low[\s-]+prio|priority\s+low|low|not\s+urgent|not\s+important|no\s+rush|no\s+hurry|eventually|when\s+i\s+(?:can|get\s+a\s+chance)|if\s+i\s+have\s+time|at\s+some\s+point)"
    r"|(?P<medium>medium[\s-]+priority|normal[\s-]+priority|medium|normal\s+priority))\b(?:\s+priority)?(?:\)|\])?(?:\s+(?:task|one|item))?"
)
_REPRIORITISE = [
    re.compile(r"^(?:make|mark|set|flag)\s+(.+?)\s+(?:as\s+)?(?:a\s+)?(?:to\s+)?(?:priority\s+)?(urgent|important|high|low|medium|normal|top|critical|asap|not\s+urgent)(?:[\s-]+priority)?$"),
    re.compile(r"^(?:raise|bump|increase|up|boost|escalate)\s+(?:the\s+)?(?:priority\s+(?:of|on|for)\s+)?(.+?)(?:'s\s+priority)?(?:\s+priority)?$"),
    re.compile(r"^(?:lower|reduce|decrease|drop|downgrade|deprioriti[sz]e)\s+(?:the\s+)?(?:priority\s+(?:of|on|for)\s+)?(.+?)(?:'s\s+priority)?(?:\s+priority)?$"),
    re.compile(r"^(?:change|set)\s+(?:the\s+)?priority\s+(?:of|on|for)\s+(.+?)\s+to\s+(high|low|medium|normal|urgent)$"),
    re.compile(r"^(.+?)\s+(?:is|are)\s+(?:now\s+|really\s+|very\s+|super\s+)?(urgent|important|high\s+priority|low\s+priority|not\s+urgent|not\s+important|critical|top\s+priority|medium\s+priority)$"),
]
_POSTPONE = re.compile(
    r"^(?:push|move|postpone|delay|bump|shift|put\s+off|kick)\s+(.+?)\s+(?:back\s+|out\s+|forward\s+)?(?:by\s+)?" + NUMBER + r"\s+(day|week)s?(?:\s+(?:later|back))?$"
    r"|^(?:push|move|postpone|delay|bump|shift|put\s+off)\s+(.+?)\s+(?:back|out)\s+(?:by\s+)?(?:a|one)\s+(day|week)$"
)
_RESCHEDULE = [
    re.compile(r"^(?:move|reschedule|push|postpone|shift|change|set|make|put|bump)\s+(.+?)\s+(?:to|till|until|for|on)\s+(.+)$"),
    re.compile(r"^(?:change|set|update)\s+(?:the\s+)?(?:due\s+date|deadline|date)\s+(?:of|for|on)\s+(.+?)\s+to\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:is\s+)?(?:due|should\s+be\s+(?:done\s+)?(?:by|on))\s+(.+)$"),
    re.compile(r"^(?:make|set)\s+(.+?)\s+due\s+(.+)$"),
    re.compile(r"^(?:do|schedule)\s+(.+?)\s+(?:on|for)\s+(.+)$"),
]
_CLEAR_DUE = [
    re.compile(r"^(?:remove|clear|delete|drop|take\s+off|get\s+rid\s+of)\s+(?:the\s+)?(?:due\s+date|deadline|date)\s+(?:of|from|for|on)\s+(.+)$"),
    re.compile(r"^(?:no|there'?s\s+no|without\s+a?)\s+(?:due\s+date|deadline|rush)\s+(?:for|on)\s+(.+)$"),
    re.compile(r"^(.+?)\s+(?:has|needs|doesn'?t\s+need|does\s+not\s+need)\s+no\s+(?:due\s+date|deadline)$"),
    re.compile(r"^(.+?)\s+(?:doesn'?t|does\s+not)\s+(?:need|have)\s+a\s+(?:due\s+date|deadline)$"),
    re.compile(r"^(?:remove|clear|drop)\s+(?:its|the|it'?s)\s+(?:due\s+date|deadline)$"),
]
_DESCRIBE = [
    re.compile(r"^(?:add|put|attach|write)\s+(?:a\s+)?(?:note|description|comment|details?)\s+(?:to|on|for)\s+(.+?)\s*[:\-]\s*(.+)$"),
    re.compile(r"^(?:add|put|attach|write)\s+(?:a\s+)?(?:note|description|comment|details?)\s+(?:to|on|for)\s+(.+?)\s+(?:saying|that\s+says|that)\s+(.+)$"),
    re.compile(r"^(?:describe|annotate)\s+(.+?)\s*(?:as|with|:)\s*(.+)$"),
    re.compile(r"^(?:set|change|update)\s+(?:the\s+)?(?:description|note|notes|details)\s+(?:of|for|on)\s+(.+?)\s+to\s+(.+)$"),
    re.compile(r"^(?:note|notes|description)\s+(?:for|on)\s+(.+?)\s*[:\-]\s*(.+)$"),
]
_INTERJECTION = re.compile(r"^(?:done|ok|okay|yes|yep|yeah|great|cool|right|alright|nice|perfect|sure)[,!.:]\s+(?=\S)")
_QUESTION = re.compile(r"^(?:what|which|how|do|does|did|is|are|any|anything|have|has|can|could|when|where|show)\b")
_STATE_PARTICIPLE = re.compile(r"^(.+?)\s+(?:is|are|was|were|has\s+been|have\s+been|got|'s)\s+(?:all\s+|now\s+|finally\s+)?([a-z]+)$")
_REFERENCE_HINT = re.compile(r"\b(?:task|#|number|no\.|it|that|this|one|first|second|third|last|final)\b|#\d")
_QUOTED = re.compile(r"[\"“”'‘’]([^\"“”‘’]{1,255}?)[\"“”'‘’](?=\s|$|[,.!?;:])")


@dataclass
class Turn:
    tools: BoundTools
    history: Any
    today: date
    calls: list[ToolCall] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    snapshot: Snapshot | None = None

    async def call(self, name: str, arguments: dict[str, Any]) -> ToolCall:
        call = await self.tools.call(name, arguments)
        self.calls.append(call)
        if name != "list_tasks":
            self.snapshot = None  # stale after a change
        return call

    async def tasks(self) -> Snapshot:
        if self.snapshot is None:
            call = await self.call("list_tasks", {"status": "all", "limit": LOOKUP_LIMIT})
            self.snapshot = Snapshot(list(call.result.get("tasks", [])))
        return self.snapshot


def _label(task: dict[str, Any] | None, task_id: int, title: str) -> str:
    return f"task {task_id}: {title}"


def _details(due: date | None, priority: str | None, today: date) -> str:
    parts = []
    if due is not None:
        parts.append(f"due {dates.describe(due, today)}")
    if priority and priority != "medium":
        parts.append(f"{priority} priority")
    return f" ({', '.join(parts)})" if parts else ""


def split_clauses(message: str) -> list[str]:
    text = message.strip()
    parts = [p for p in _SPLIT.split(text) if p and p.strip(" ,.!?")]
    return [_LEADING.sub("", p.strip()).strip(" ,") for p in parts] or [text]


def extract_priority(text: str) -> tuple[str | None, str]:
    m = _PRIORITY_WORDS.search(text)
    if not m:
        return None, text
    level = "high" if m.group("high") else "low" if m.group("low") else "medium"
    return level, dates.strip_span(text, m.start(), m.end())


def extract_due(text: str, today: date) -> tuple[date | None, str]:
    found = dates.find_date(text, today)
    if not found:
        return None, text
    return found.value, dates.strip_span(text, found.start, found.end)


def clean_title(text: str) -> str:
    title = _ADD_TAIL.sub("", text)
    title = re.sub(r"^(?:to|that|about|a\s+task\s+to|task\s+to|task|todo|to-?do)\s+", "", title.strip())
    title = re.sub(r"\s+(?:please|pls|thanks|thank\s+you|ok|okay|as\s+well|too)$", "", title)
    title = re.sub(r"\s+(?:due|by|on|for|it'?s|it\s+is|and|with|at)$", "", title)
    return title.strip(" ,.;:!?-–\"'“”‘’")


def split_items(text: str) -> list[str]:
    if "," in text:
        parts = re.split(r"\s*,\s*(?:and\s+|&\s+)?|\s+(?:and|&)\s+(?=[^,]*$)", text)
    elif re.fullmatch(r"[\w'-]+(?:\s+(?:and|&)\s+[\w'-]+)+", text):
        parts = re.split(r"\s+(?:and|&)\s+", text)  # "tea and coffee"
    else:
        return [text]
    return [p for p in (clean_title(p) for p in parts) if p]


class OfflineModel:
    """Implements the LanguageModel port without any network."""

    async def run_turn(self, request: TurnRequest) -> TurnResult:
        message = request.history[-1].content if request.history else ""
        turn = Turn(request.tools, request.history, request.tools.today)
        for clause in split_clauses(message):
            await self._clause(turn, clause)
        reply = "\n".join(r for r in turn.replies if r) or HELP_TEXT
        usage = TokenUsage(sum(m.token_count for m in request.history), estimate_tokens(reply))
        return TurnResult(reply, turn.calls, usage)

    async def stream_turn(self, request: TurnRequest) -> AsyncIterator[TurnEvent]:
        result = await self.run_turn(request)
        for call in result.tool_calls:
            yield ToolEvent(call)
        for line in result.reply.splitlines(keepends=True):
            yield TextDelta(line)
        yield TurnDone(result)

    # -- one clause ----------------------------------------------------------------------
    async def _clause(self, turn: Turn, raw: str) -> None:
        text = " ".join(raw.lower().replace("’", "'").split()).strip(" .!?")
        if not text:
            return
        interjection = _INTERJECTION.match(text)
        if interjection:
            text = text[interjection.end():]
        if _INJECTION.search(text):
            turn.replies.append("I can only see and change your own tasks, so I've left everything as it is.")
            return
        if _GREETING.match(text):
            turn.replies.append("Hi! Tell me what you need to do, or ask \"what's on my list?\"")
            return
        if _THANKS.match(text) and not _LIST.search(text):
            turn.replies.append("You're welcome! Anything else?")
            return
        if _HELP.match(text):
            turn.replies.append(HELP_TEXT)
            return
        is_question = _QUESTION.match(text) or raw.strip().endswith("?")
        if is_question and await self._list(turn, text, raw):
            return
        for handler in (
            self._add_explicit, self._bulk, self._describe, self._clear_due, self._postpone,
            self._rename, self._reprioritise, self._reopen, self._reschedule, self._complete,
            self._delete, self._list, self._past_statement, self._add_implicit,
        ):
            if await handler(turn, text, raw):
                return
        turn.replies.append(
            "I'm not sure what to do with that. You can say things like \"add buy milk tomorrow\", "
            "\"what's left?\" or \"task 2 is done\"."
        )

    # -- adding --------------------------------------------------------------------------
    async def _add_explicit(self, turn: Turn, text: str, raw: str) -> bool:
        m = _ADD_PREFIX.match(text)
        if not m or not m.group(0).strip():
            return False
        rest = text[m.end():]
        if re.match(r"^(?:a\s+)?(?:note|description|comment)\b", rest):
            return False
        return await self._add(turn, rest, raw)

    async def _add_implicit(self, turn: Turn, text: str, raw: str) -> bool:
        # A bare phrase with a date or priority ("dentist on friday, urgent") is a new task.
        if dates.find_date(text, turn.today) or _PRIORITY_WORDS.search(text):
            return await self._add(turn, text, raw)
        return False

    async def _add(self, turn: Turn, rest: str, raw: str) -> bool:
        quoted = _QUOTED.search(raw)
        priority, rest = extract_priority(rest)
        due, rest = extract_due(rest, turn.today)
        if priority is None:
            priority, rest = extract_priority(rest)
        items = [quoted.group(1).strip()] if quoted else split_items(clean_title(rest))
        items = [i for i in items if i]
        if not items:
            turn.replies.append("What should the task be called?")
            return True
        for title in items:
            args: dict[str, Any] = {"title": title[:255]}
            if priority:
                args["priority"] = priority
            if due:
                args["due_date"] = due.isoformat()
            call = await turn.call("add_task", args)
            if is_error(call):
                turn.replies.append(f"I couldn't add that: {call.result['error']}")
            else:
                turn.replies.append(
                    f"Added task {call.result['task_id']}: {call.result['title']}{_details(due, priority, turn.today)}."
                )
        return True

    # -- listing -------------------------------------------------------------------------
    async def _list(self, turn: Turn, text: str, raw: str) -> bool:
        if not (_LIST.search(text) and (_LIST_NOUN.search(text) or _COUNT.search(text))) and not re.match(
            r"^(?:tasks|todos|to-?do\s+list|my\s+(?:tasks|list|todos)|list|overdue|pending|status)$", text
        ):
            return False
        args: dict[str, Any] = {"status": "pending"}
        label = "pending"
        if re.search(r"\b(?:all|everything|every\s+task|full\s+list|whole\s+list|entire\s+list)\b", text):
            args["status"], label = "all", ""
        if re.search(r"\b(?:done|completed|finished|ticked\s+off|achieved|accomplished)\b", text) and not re.search(
            r"\b(?:not|yet\s+to\s+be|still\s+to\s+be|left\s+to\s+be|to\s+be)\s+(?:done|completed|finished)\b", text
        ):
            args["status"], label = "completed", "completed"
        if re.search(r"\b(?:including|incl|as\s+well\s+as|plus)\b|\b(?:open|pending)\s+and\s+(?:done|completed)\b", text):
            args["status"], label = "all", ""
        if re.search(r"\b(?:overdue|late|past\s+due|missed|behind)\b", text):
            args = {"status": "pending", "overdue": True}
            label = "overdue"
        when = ""
        if re.search(r"\bthis\s+week\b|\bweek\b", text) and "overdue" not in args:
            start, end = dates.week_bounds(turn.today)
            args["due_after"] = (start - timedelta(days=1)).isoformat()
            args["due_before"] = (end + timedelta(days=1)).isoformat()
            when = " due this week"
        else:
            due = dates.find_date(text, turn.today)
            if due is not None and "overdue" not in args:
                args["due_on"] = due.value.isoformat()
                when = f" due {dates.describe(due.value, turn.today)}"
        priority, _ = extract_priority(text)
        if priority and re.search(r"\b(?:priority|urgent|important|critical|asap)\b", text):
            args["priority"] = priority
            label = f"{priority}-priority {label}".strip()
        call = await turn.call("list_tasks", args)
        if is_error(call):
            turn.replies.append("Sorry, I couldn't read your tasks just now.")
            return True
        tasks, total = call.result["tasks"], call.result["total"]
        noun = f"{label} task".strip().replace("  ", " ")
        if _COUNT.search(text):
            turn.replies.append(
                f"You have {total} {noun}{'' if total == 1 else 's'}{when}."
                + ("" if total else " Nothing to do!")
            )
            if not tasks:
                return True
        if not tasks:
            turn.replies.append(f"You don't have any {noun}s{when} — nothing to do!")
            return True
        lines = [f"Here {'is' if total == 1 else 'are'} your {noun}{'' if total == 1 else 's'}{when}:"]
        for task in tasks:
            mark = "✓" if task["completed"] else "•"
            due = f", due {dates.describe(date.fromisoformat(task['due_date']), turn.today)}" if task["due_date"] else ""
            prio = f", {task['priority']} priority" if task["priority"] != "medium" else ""
            lines.append(f"{mark} {task['id']}. {task['title']}{due}{prio}")
        if total > len(tasks):
            lines.append(f"…and {total - len(tasks)} more.")
        turn.replies.append("\n".join(lines))
        return True

    # -- acting on a referenced task ------------------------------------------------------
    async def _target(self, turn: Turn, phrase: str) -> Resolution | None:
        """Resolve a phrase; on failure say so and return None."""
        phrase = re.sub(r"^(?:the|my)\s+", "", phrase.strip(" ,.:"))
        phrase = re.sub(r"\s+(?:task|one|item|thing)$", "", phrase) if not re.search(r"\d", phrase) else phrase
        quick = resolve_from_history(phrase, turn.history)
        if quick is not None:
            return quick
        snapshot = await turn.tasks()
        found = resolve(phrase, turn.history, snapshot)
        if found.missing is not None:
            turn.replies.append(f"I couldn't find task {found.missing} — nothing changed.")
            return None
        if found.ambiguous:
            options = " or ".join(f"task {t['id']} ({t['title']})" for t in found.ambiguous)
            turn.replies.append(f"Which one do you mean: {options}? I haven't changed anything yet.")
            return None
        if not found.found:
            turn.replies.append(f"I couldn't find a task matching \"{phrase}\" — nothing changed.")
            return None
        return found

    async def _act(self, turn: Turn, phrase: str, tool: str, extra: dict[str, Any], verb: str) -> bool:
        found = await self._target(turn, phrase)
        if found is None:
            return True
        for task_id in found.ids:
            call = await turn.call(tool, {"task_id": task_id, **extra})
            if call.result.get("error") == f"Task {task_id} not found":
                turn.replies.append(f"I couldn't find task {task_id} — nothing changed.")
            elif is_error(call):
                turn.replies.append(f"I couldn't update task {task_id}: {call.result['error']}.")
            else:
                turn.replies.append(f"{verb} task {task_id}: {call.result['title']}.")
        return True

    async def _complete(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _COMPLETE:
            m = pattern.match(text)
            if m and m.group(1).strip():
                if _ADD_PREFIX.match(m.group(1)) and not re.match(r"^(?:it|that|this|task)\b", m.group(1)):
                    continue
                return await self._act(turn, m.group(1), "complete_task", {}, "Done! Marked")
        return False

    async def _reopen(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _REOPEN:
            m = pattern.match(text)
            if m and (pattern is not _REOPEN[2] or re.search(r"\b(?:not|isn'?t|wasn'?t)\b", text)):
                return await self._act(turn, m.group(1), "update_task", {"completed": False}, "Reopened")
        return False

    async def _delete(self, turn: Turn, text: str, raw: str) -> bool:
        m = _DELETE.match(text) or _DELETE_STATEMENT.match(text) or _NO_LONGER_NEEDED.match(text)
        if not m:
            return False
        phrase = next(g for g in m.groups() if g)
        return await self._act(turn, phrase, "delete_task", {}, "Deleted")

    async def _rename(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _RENAME:
            m = pattern.match(text)
            if not m:
                continue
            target, new = m.group(1), m.group(2)
            if pattern is _RENAME[1]:
                if not _REFERENCE_HINT.search(target) and not re.search(r"\b(?:title|name)\b", text):
                    continue
                if dates.find_date(new, turn.today) and len(dates.strip_span(new, *_span(new, turn.today))) == 0:
                    return False  # "change task 1 to friday" is a reschedule
                if re.fullmatch(r"(?:high|low|medium|urgent|normal)(?:\s+priority)?", new):
                    return False
            quoted = _QUOTED.search(raw)
            title = quoted.group(1) if quoted and pattern is not _RENAME[2] else _original_case(raw, new)
            return await self._act(turn, target, "update_task", {"title": clean_title(title)}, "Renamed")
        return False

    async def _reprioritise(self, turn: Turn, text: str, raw: str) -> bool:
        for index, pattern in enumerate(_REPRIORITISE):
            m = pattern.match(text)
            if not m:
                continue
            if index == 1:
                level = "high"
            elif index == 2:
                level = "low"
            else:
                word = m.group(2)
                level = "low" if re.search(r"low|not", word) else "medium" if re.search(r"medium|normal", word) else "high"
            return await self._act(turn, m.group(1), "update_task", {"priority": level}, f"Set {level} priority on")
        return False

    async def _postpone(self, turn: Turn, text: str, raw: str) -> bool:
        m = _POSTPONE.match(text)
        if not m:
            return False
        phrase = m.group(1) or m.group(4)
        amount = parse_number(m.group(2)) if m.group(2) else 1
        unit = m.group(3) or m.group(5)
        days = (amount or 1) * (7 if unit == "week" else 1)
        found = await self._target(turn, phrase)
        if found is None:
            return True
        snapshot = await turn.tasks()
        for task_id in found.ids:
            task = snapshot.by_id(task_id)
            start = date.fromisoformat(task["due_date"]) if task and task["due_date"] else turn.today
            try:
                new = start + timedelta(days=days)
            except OverflowError:  # past year 9999
                turn.replies.append(f"I can't move task {task_id} that far; nothing changed.")
                continue
            call = await turn.call("update_task", {"task_id": task_id, "due_date": new.isoformat()})
            if not is_error(call):
                turn.replies.append(f"Moved task {task_id}: {call.result['title']} to {dates.describe(new, turn.today)}.")
        return True

    async def _reschedule(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _RESCHEDULE:
            m = pattern.match(text)
            if not m:
                continue
            due = dates.find_date(m.group(2), turn.today)
            if due is None:
                continue
            if pattern is _RESCHEDULE[2] and not _REFERENCE_HINT.search(m.group(1)):
                snapshot = await turn.tasks()
                if not resolve(m.group(1), turn.history, snapshot).found:
                    return False  # "dentist due friday" is a new task, not a reschedule
            found = await self._target(turn, m.group(1))
            if found is None:
                return True
            for task_id in found.ids:
                call = await turn.call("update_task", {"task_id": task_id, "due_date": due.value.isoformat()})
                if not is_error(call):
                    turn.replies.append(
                        f"Moved task {task_id}: {call.result['title']} to {dates.describe(due.value, turn.today)}."
                    )
            return True
        return False

    async def _clear_due(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _CLEAR_DUE:
            m = pattern.match(text)
            if m:
                phrase = m.group(1) if m.groups() else "it"
                return await self._act(turn, phrase, "update_task", {"due_date": None}, "Removed the due date from")
        return False

    async def _describe(self, turn: Turn, text: str, raw: str) -> bool:
        for pattern in _DESCRIBE:
            m = pattern.match(text)
            if m:
                note = _original_case(raw, m.group(2)).strip(" \"'")
                return await self._act(turn, m.group(1), "update_task", {"description": note}, "Added a note to")
        return False

    async def _bulk(self, turn: Turn, text: str, raw: str) -> bool:
        if _BULK_DONE.match(text):
            snapshot = await turn.tasks()
            pending = [t for t in snapshot.tasks if not t["completed"]]
            for task in pending:
                await turn.call("complete_task", {"task_id": task["id"]})
            turn.replies.append(
                f"Done! Marked all {len(pending)} pending tasks as complete." if pending else "Everything is already done!"
            )
            return True
        clear_done = _BULK_CLEAR.match(text)
        if clear_done or _BULK_DELETE_ALL.match(text):
            snapshot = await turn.tasks()
            doomed = [t for t in snapshot.tasks if t["completed"] or not clear_done]
            for task in doomed:
                await turn.call("delete_task", {"task_id": task["id"]})
            what = "completed " if clear_done else ""
            turn.replies.append(
                f"Removed {len(doomed)} {what}task{'' if len(doomed) == 1 else 's'}." if doomed
                else f"There are no {what}tasks to remove."
            )
            return True
        return False

    async def _past_statement(self, turn: Turn, text: str, raw: str) -> bool:
        """'I paid the gas bill' / 'just ironed the shirts' / 'sorted the mail' -> complete a match."""
        m = re.match(r"^(?:(?:i|we)(?:\s+have|'ve|\s+just|\s+finally|\s+already)*\s+|just\s+|finally\s+|already\s+)?([a-z]+)\b(.*)$", text)
        participle = _STATE_PARTICIPLE.match(text)
        if participle and is_past_tense(participle.group(2)):
            phrase = f"{participle.group(2)} {participle.group(1)}"  # "gas bill is paid" -> "paid gas bill"
        elif m and is_past_tense(m.group(1)):
            phrase = text
        else:
            return False
        snapshot = await turn.tasks()
        found = resolve(phrase, turn.history, snapshot)
        if found.ambiguous:
            options = " or ".join(f"task {t['id']} ({t['title']})" for t in found.ambiguous)
            turn.replies.append(f"Nice! Which one was it: {options}? I haven't changed anything yet.")
            return True
        if not found.found:
            return False
        for task_id in found.ids:
            call = await turn.call("complete_task", {"task_id": task_id})
            if not is_error(call):
                turn.replies.append(f"Nice work! Marked task {task_id}: {call.result['title']} as done.")
        return True


def _span(text: str, today: date) -> tuple[int, int]:
    found = dates.find_date(text, today)
    return (found.start, found.end) if found else (0, 0)


def _original_case(raw: str, lowered: str) -> str:
    """Recover the person's own capitalisation of a fragment we matched in lower case."""
    index = raw.lower().replace("’", "'").find(lowered)
    return raw[index : index + len(lowered)] if index >= 0 else lowered


HELP_TEXT = (
    "I can manage your to-do list. Try:\n"
    "• \"remind me to call mom tomorrow, it's urgent\"\n"
    "• \"what's left?\" / \"what's overdue?\" / \"show everything\"\n"
    "• \"task 2 is done\", \"the first one is done\", \"I paid the gas bill\"\n"
    "• \"move task 3 to friday\", \"rename task 1 to call jimmy\", \"delete the mail task\""
)

