"""The request inside a message that also tells a story.

People say why before they say what: "my boss just said the expenses can wait until friday, so could
you push that back to friday for me", "I'm completely swamped this week and trying to work out what I
can drop, can you just show me everything that's low priority". A clause-by-clause reader takes the
story for tasks ("completely swamped this week") or stops at it. Here the message is cut into pieces
(sentences, dashes, semicolons, ", so", a comma before a request) and each piece is a request
(addressed to the assistant, or opening with one of its verbs) or context. The focus is the requests
alone, with a pointer ("push that back") bound to the one task the context names.

Pure functions of text and the task list; model.py rehearses the focus and the message as typed and
keeps the focus only when it reads cleanly where the message as typed did not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.llm.offline import mood
from adapters.llm.offline.discourse import content_words, named_task
from adapters.llm.offline.lexicon import DATE_WORDS, PRIORITY_WORDS, SAME_DEED
from adapters.llm.offline.references import most_named
from adapters.llm.offline.words import base_verb

_LEADS = (r"(?:(?:ok|okay|so|and|anyway|anyways|right|but|also|oh|now|then|just|please|pls|plz|yeah|well|basically|actually"
          r"|nvm|wait|no|nope|sorry|oops|ugh|hmm+|ah|err|um)\W+)*")
# What a request opens with, after its leads: the assistant addressed, or one of its verbs.
_REQUEST_OPENING = (
    _LEADS + r"(?:(?:can|could|would|will)\s+(?:you|u|we)\b|(?:you|u|we)\s+(?:can|could)\s+(?!\w+ed\b)|would\s+you\s+mind\b|do\s+you\s+mind\b|please\b|pls\b"
    r"|kindly\b|i'?d\s+like\s+you\s+to\b|i\s+(?:need|want)\s+you\s+to\b|let'?s\b|remind\s+me\b|set\s+(?:a|me\s+a)\s+reminder\b"
    r"|(?:add|put|stick|pop|create|jot|note|delete|remove|drop|scrap|ditch|bin|trash|cancel|mark|tick|cross|complete"
    r"|finish|move|push|bump|shift|change|rename|update|edit|reschedule|postpone|delay|set|make|show|list|clear|get\s+rid"
    r"|take|reopen|uncheck|untick|unmark|restore|undo)\b"
    # "that one can come off my list", "it can go": the task itself the subject of what to do with it
    r"|(?:it|that|this|that\s+one|this\s+one|they|those)\s+(?:can|could|should)\s+(?:come|go|be)\b"
    # "it's done", "that's sorted": the task pointed at is done
    r"|(?:it'?s|its|that'?s|thats|it\s+is|that\s+is)\s+(?:all\s+|now\s+|finally\s+)?(?:done|finished|sorted|complete"
    r"|completed)\W*$"
    # "it's now due on thursday", "that's urgent now": the task pointed at, as it now stands
    r"|(?:it'?s|its|it\s+is|that'?s|thats|that\s+is)\s+(?:now\s+)?(?:due|urgent|important|high|low|not\s+urgent)\b)")
_REQUEST = re.compile(r"^\W*" + _REQUEST_OPENING, re.IGNORECASE)
# Where a message turns: the end of a sentence, a dash or semicolon, ", so", "so" before a request, a
# comma before a request.
_CUT = re.compile(r"(?<=\w\w\w[.!?])\s+|(?<=[!?])\s+|\s*(?:[:;]-?[()/\\|DPp]|<3|[\U0001F300-\U0001FAFF\u2600-\u27BF])+\s+|\s*;\s*|\s+[-–—]+\s+|,\s*(?=so\b)|\s+(?=but\s+(?:it|that)(?:'?s|\s+is)\s)"
                  r"|,?\s+(?=(?:so|and\s+so)\s+" + _REQUEST_OPENING + r")|,\s*(?=" + _REQUEST_OPENING + r")"
                  # a comma before a remark about someone: "delete that, my husband already booked it"
                  r"|,\s*(?=(?:it|it's|its|it'll|that's|there's|he|he's|she|she's|they|they're|we|we've|we're|i|i'm|im"
                  r"|i've|ive|my|our|his|her|their|turns\s+out|found|apparently|but|feels|felt|so\s+glad|glad|what\s+a|relieved"
                  r"|phew|not|no\s+longer|no\s+point|too)\s)", re.IGNORECASE)
# "... before I lose my mind", "... so I can decide": why or when, about the person, after a change.
_PERSONAL_TAIL = re.compile(r"\s+(?:before|so|because|cos|cuz|since|as|when|while|once|until|till)\s+(?:i|we|he|she|they"
                            r"|you|i'm|im|i've|ive)\b[^,;]*$", re.IGNORECASE)
# "it's done", "but that's sorted now": the pointer's task is done.
_POINTER_DONE = re.compile(r"^\W*(?:(?:but|and|so|now|ok|okay)\s+)*(?P<ptr>it'?s|its|that'?s|thats|it\s+is|that\s+is)\s+"
                           r"(?:all\s+|now\s+|finally\s+)?(?:done|finished|sorted|complete|completed)\W*$", re.IGNORECASE)
_POINTER_STATE = re.compile(r"^\W*(?:(?:but|and|so|now|ok|okay)\s+)*(?P<ptr>it'?s|its|that'?s|thats|it\s+is|that\s+is)\s+"
                            r"(?=(?:now\s+)?(?:due|urgent|important|high|low|not\s+urgent)\b)", re.IGNORECASE)
# "put that down for tomorrow", "stick it on the list": where it goes, which the add says by itself.
_ON_THE_LIST = re.compile(r"^\s*(?:down|in|on(?:\s+(?:my|the|your)\s+(?:to-?do\s+)?list)?|to\s+(?:my|the)\s+(?:to-?do\s+)?list)\b",
                          re.IGNORECASE)
# What the person says they should do: "I should really start learning Spanish", "he said I need to clear the loft".
_WANTED = re.compile(r"\b(?:i|we)\s+(?:really\s+|probably\s+|definitely\s+|still\s+|also\s+)*(?:should|need\s+to|have\s+to"
                     r"|must|gotta|got\s+to|ought\s+to|want\s+to|wanna|have\s+got\s+to)\s+(?:really\s+|probably\s+|definitely\s+)*"
                     r"(?P<task>.+)$", re.IGNORECASE)
# A piece that points back at a task it does not name.
_POINTER = re.compile(r"\b(?:that\s+one|this\s+one|that\s+task|this\s+task|it|that|this)\b(?!\s*'?s\b)", re.IGNORECASE)
# "that one can come off my list as done", "it can go": the request said with the task as subject, said as
# the assistant's verb would be.
_SUBJECT_REQUEST = re.compile(r"^(?P<lead>\W*(?:(?:so|and|ok|okay|then|now)\s+)*)(?P<task>.+?)\s+(?:can|could|should)\s+"
                              r"(?:come|go|be\s+(?:taken|crossed|ticked|marked))(?:\s+off)?(?:\s+(?:my|the)\s+list)?"
                              r"(?P<done>\s+(?:as\s+)?(?:done|complete|completed|finished))?\W*$", re.IGNORECASE)
# A piece of context that doubts, sets a condition or asks: the request may hang on it, so no focus.
_DOUBT = re.compile(r"\?|\b(?:if|unless|in\s+case|maybe|perhaps|might|not\s+sure|don'?t\s+know|wonder\w*|should\s+i"
                    r"|whether)\b", re.IGNORECASE)
# A piece of context that sets a priority belongs to the request ("add 'fix the tap' - low priority is fine").
_PRIORITY = re.compile(r"\b(?:urgent|urgently|asap|important|priority|prio|critical)\b", re.IGNORECASE)
# A piece of context that corrects what came before it ("— no wait, friday"): part of the request.
_CORRECTS = re.compile(r"^\W*(?:no\b|not\b|nope\b|wait\b|sorry\b|i\s+mean|i\s+meant|make\s+(?:it|that)\b|or\s+rather)|\binstead\b",
                       re.IGNORECASE)
# The words of a date or a priority: a correction that carries one corrects the request ("— no wait, friday").
_SETS_A_SLOT = re.compile(r"\b(?:" + "|".join(sorted(DATE_WORDS | PRIORITY_WORDS)) + r"|tmrw|tonight|asap|\d+(?:st|nd|rd|th)?)\b",
                          re.IGNORECASE)
# Quoted words are one piece, whatever marks they hold.
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”|(?<!\w)'[^']*'(?!\w)")
_TASK_NUMBER = re.compile(r"(?:\b(?:task|number|no\.?|item)\s*#?\s*|#\s*)\d+\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Focus:
    request: str  # the requests alone, a pointer replaced by the task the context names
    context: str  # what was left out
    intents: tuple[str | None, ...] = ()  # what each request's own verb asks for ("remove ..." : delete), None: unsaid


def pieces(message: str) -> list[str]:
    return [p.strip(" ,") for p in _CUT.split(message.strip()) if p and p.strip(" ,.")]


def is_request(piece: str) -> bool:
    return _REQUEST.match(piece) is not None and mood.analyse(piece).acts


def _split(message: str) -> tuple[list[str], list[bool]] | None:
    """The pieces and which of them are requests, when some are and some are context that neither doubts
    nor asks; else None."""
    if "\n" in message.strip() or len(message) > 600:
        return None
    quoted = [m.span() for m in _QUOTED.finditer(message)]
    if any(start < cut.start() < end for cut in _CUT.finditer(message.strip()) for start, end in quoted):
        return None
    parts = pieces(message)
    if len(parts) < 2:
        return None
    kinds = [is_request(p) for p in parts]
    if all(kinds):
        return None
    if any(_DOUBT.search(p) or (_CORRECTS.search(p) and _SETS_A_SLOT.search(p)) or _PRIORITY.search(p)
           for p, asks in zip(parts, kinds, strict=True) if not asks):
        return None
    return parts, kinds


_DEED = re.compile(r"^\W*(?:(?:ok|okay|so|and|also|oh|right|well|yay|finally|just|i|we|i've|ive|we've|have|has)\W+)*"
                   r"(?P<verb>[a-z]+)\b", re.IGNORECASE)


_DONE_WORD = re.compile(r"\b(?:done|finished|finsihed|completed|complete|sorted|ticked|dealt\s+with)\b|[✅✔☑✓]",
                        re.IGNORECASE)
_PAST_TIME = re.compile(r"\s+(?:this\s+morning|this\s+afternoon|earlier(?:\s+today)?|yesterday|last\s+night|just\s+now"
                        r"|at\s+last|finally|today)\b", re.IGNORECASE)


def _deed_of(piece: str, tasks: Sequence[dict[str, Any]]) -> bool:
    """Whether the piece tells a deed that finishes a task on the list ("fixed the sink finally" beside "fix
    sink"): a past-tense verb first, and the words name one open task."""
    pending = [t for t in tasks if not t.get("completed")]
    if _DONE_WORD.search(piece) and named_task(piece, pending) is not None:
        return True  # "done with laundry", "clean desk is done", "sorted the recycling"
    m = _DEED.match(piece)
    verb = m["verb"].lower() if m else ""
    if not verb or base_verb(verb) == verb:
        return False
    task_id = named_task(piece, pending)
    title = next((str(t["title"]).lower().split() for t in pending if t["id"] == task_id), [])
    deeds = {w for group in SAME_DEED if base_verb(verb) in group for w in group} | {base_verb(verb)}
    # "finished writing the thank you notes" beside "write thank you notes": the deed is the title's own
    finishing = verb in {"finished", "completed", "did", "done"}
    return bool(title) and (title[0] in deeds or finishing)


_ADDRESSING = re.compile(r"^\W*" + _LEADS + r"(?:(?:(?:can|could|would|will)\s+(?:you|u|we)|(?:you|u|we)\s+(?:can|could)"
                         r"|would\s+you\s+mind|please|pls|kindly)\s+)*(?:just\s+)?", re.IGNORECASE)


def _intent_of(request: str) -> str | None:
    """The intent a request's own verb names: "and you can remove task 1" asks for a deletion."""
    rest = request[_ADDRESSING.match(request).end():]  # type: ignore[union-attr]  # the pattern matches ""
    if re.match(r"get\s+rid\b|take\b.*\boff\b", rest, re.IGNORECASE):
        return "delete"
    if re.match(r"set\s+(?:a|me\s+a|up\s+a)\s+reminder\b", rest, re.IGNORECASE):
        return "add"
    first = rest.split()[0].lower() if rest.split() else ""
    return "add" if first in {"stick", "pop", "chuck", "throw"} else mood.VERB_INTENT.get(first)


def may_focus(message: str) -> bool:
    """Whether the message may have requests and context apart (cheap: no look at the list)."""
    return _split(message) is not None


def find_focus(message: str, tasks: Sequence[dict[str, Any]]) -> Focus | None:
    """The requests of a message that also carries context, else None (all request, all context, or
    context that doubts or asks, which the request may depend on)."""
    split = _split(message)
    if split is None:
        return None
    parts, kinds = split
    deeds = [not asks and _deed_of(p, tasks) for p, asks in zip(parts, kinds, strict=True)]
    kinds = [asks or deed for asks, deed in zip(kinds, deeds, strict=True)]
    if all(kinds) or not any(kinds):
        return None  # "fixed the sink finally, now add paint the fence": the deed is a change of its own
    # a deed's own time is no due date ("finished the notes this morning")
    parts = [_PAST_TIME.sub("", p) if deed else p for p, deed in zip(parts, deeds, strict=True)]
    context = [p for p, asks in zip(parts, kinds, strict=True) if not asks]
    pending = [t for t in tasks if not t.get("completed")]
    finished = [t for t in tasks if t.get("completed")]
    requests: list[str] = []
    for n, (part, asks) in enumerate(zip(parts, kinds, strict=True)):
        if not asks:
            continue
        pointer = _POINTER.search(part)
        if pointer is not None and (mood.leading_intent(part) == "add" or _intent_of(part) == "add"):
            # "I should really start learning Spanish, add it as a low priority thing": what to add is what
            # the story says the person should do, said just before
            wanted = _WANTED.search(parts[n - 1]) if n and not kinds[n - 1] else None
            if wanted is None or not content_words(wanted["task"]):
                return None
            rest = _ON_THE_LIST.sub("", part[pointer.end():]).strip()
            requests.append(f"add {wanted['task'].strip(' ,.')}{' ' + rest if rest else ''}")
            context = [p for p in context if p is not parts[n - 1]]
            continue
        done = _POINTER_DONE.match(part) or _POINTER_STATE.match(part)
        if done is not None:
            pointer = re.search(r"\b(?:it|that)\b", part[done.start("ptr"):], re.IGNORECASE)
        if pointer is not None and not _TASK_NUMBER.search(part):
            # the story and the deeds before the request are what it points back at
            told = " ".join(p for p, a, d in zip(parts[:n], kinds[:n], deeds[:n], strict=True) if not a or d)
            pool = finished if re.match(r"\W*" + _LEADS + r"(?:reopen|uncheck|untick|unmark)\b", part, re.IGNORECASE) else pending
            task_id = (named_task(told, pool) or most_named(told, pool)) if content_words(told) else None
            if task_id is not None and any(d and named_task(p, pool) == task_id
                                           for p, d in zip(parts[:n], deeds[:n], strict=True)):
                # "I've got the refund sorted, please cross that off": the deed and the request are one change
                requests = [r for r in requests if not any(d and r == p for p, d in zip(parts[:n], deeds[:n], strict=True))]
            if task_id is not None and done is not None:
                # "but it's done" after "had my flu jab"; "it's now due on thursday" after "presentation got moved"
                part = f"task {task_id} is {part[done.end('ptr'):].strip()}"
            elif task_id is not None:
                part = f"{part[:pointer.start()]}task {task_id}{part[pointer.end():]}"
        if mood.leading_intent(part) != "add":
            part = _PERSONAL_TAIL.sub("", part)
        if (said := _SUBJECT_REQUEST.match(part)) is not None:
            part = f"{said['lead']}{'mark' if said['done'] else 'delete'} {said['task']}{' as done' if said['done'] else ''}"
        part = part.rstrip(" ,;")
        requests.append(part)
    # the requests joined as they were typed, a comma where a story was left out
    joined = "".join(r if n == 0 else (" " if requests[n - 1][-1:] in {".", "?", "!"} else ", ") + r
                     for n, r in enumerate(requests))
    return Focus(joined, " ".join(context), tuple(_intent_of(r) for r in requests))
