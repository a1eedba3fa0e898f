"""How a message's parts refer to each other, before any clause is read.

Two shapes people use all the time, and that a clause-by-clause reader gets wrong:

* Topic, then request: "the picnic got rained off, take it off my list", "council tax sorted,
  cross it off", "gutters: make it high priority". The first part only names a task (and often
  says why); the request that follows points back at it with "it", "that task" or nothing at
  all. The request is what is to be read; the pointer is the task the topic names.
* Taking back the last add: "never mind", "scratch that", "forget it", right after an add.

Pure functions of text and of the task list; the policy in model.py decides what to do.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adapters.llm.offline.lexicon import CLOSED_WORDS, DATE_WORDS, INTERJECTIONS, SLANG
from adapters.llm.offline.references import normalise

# The verbs a request starts with. "do" belongs here ("do it tomorrow instead"); "add" does not:
# "add" opens a new task, never a change to the task a topic names.
_VERB = (r"(?:take|drop|delete|del|remove|scrap|ditch|bin|trash|erase|cancel|kill|nuke|cross|tick|check|mark|finish|complete"
         r"|close|do|move|push|shift|make|set|change|bump|reschedule|postpone|delay|reopen|uncheck|untick|clear"
         r"|get\s+rid\s+of)")
_SOFT = r"(?:(?:so|and|but|just|please|pls|plz|can\s+you|could\s+you|can\s+u|could\s+u|u|now|then|ok|okay)\s+)*"
# The boundary between topic and request: a comma, colon, dash, full stop, or "so"/"and".
_BOUNDARY = re.compile(r"(?:\s*[,;:.!]+\s*|\s+[-–—>]+\s*|\s+(?:so|and)\s+)" + _SOFT + r"(?=" + _VERB + r"\b)", re.IGNORECASE)
# What the request points back with, right after its verb ("take it off", "drop that task", "delete pls").
_POINTER = re.compile(
    r"^(?P<verb>" + _VERB + r")\s+(?P<ptr>(?:that|this|the)\s+(?:task|one|thing|item|reminder)|it|that|this|them)\b",
    re.IGNORECASE)
_BARE = re.compile(r"^(?P<verb>" + _VERB + r")(?P<rest>(?:\s+(?:off|done|now|please|pls|plz|too|as\s+well|for\s+me))*\W*)$",
                   re.IGNORECASE)
# A topic that sets a condition, doubts, or asks: its task is no antecedent for a change made now.
_NOT_A_TOPIC = re.compile(
    r"\?|\b(?:if|when|whenever|once|unless|until|till|before|after|in\s+case|whether|maybe|perhaps|might|not\s+sure"
    r"|don'?t\s+know|wonder|should\s+i|do\s+i|did\s+i|what|which|who|how|why|where|add|create|remind|new\s+task)\b",
    re.IGNORECASE)
# A topic that says a new due date or priority of its own ("... need doing by tomorrow", "... is due friday").
_SAYS_A_CHANGE = re.compile(r"\b(?:due|needs?\s+(?:doing|done|to\s+be\s+(?:done|finished))|should\s+be|has\s+to\s+be|is\s+now)\b"
                            r"[^,;]*\b(?:" + "|".join(sorted(DATE_WORDS)) + r"|tmrw|high|low|urgent|\d+)\b", re.IGNORECASE)
# Verbs that need a value ("change it" to what?), and the values a request may carry by itself.
_NEEDS_VALUE = re.compile(r"(?:do|move|push|shift|make|set|change|bump|reschedule|postpone|delay)$", re.IGNORECASE)
_VALUE = re.compile(r"\b(?:" + "|".join(sorted(DATE_WORDS)) + r"|tmrw|high|low|medium|urgent|asap|\d+)\b", re.IGNORECASE)
# A topic that is itself a request ("change X to Y and make it due friday"): the message is two requests.
_IMPERATIVE = re.compile(r"^\W*" + _SOFT + r"(?:" + _VERB + r"|add|put|rename|retitle|edit|update|undo|restore|show|list)\b",
                         re.IGNORECASE)
_REQUEST_INSIDE = re.compile(r"\b(?:rename|retitle|delete|remove|move|push|add|mark|tick|cross|postpone|reschedule|change"
                             r"|update|edit|undo|restore|reopen)\b", re.IGNORECASE)
_TASK_NUMBER = re.compile(r"(?:\b(?:task|number|no\.?|item)\s*#?\s*|#\s*)(\d{1,6})\b", re.IGNORECASE)
# Words that name no task, whatever the list holds.
_EMPTY_WORDS = CLOSED_WORDS | INTERJECTIONS | frozenset(
    {"list", "stuff", "thing", "things", "one", "ones", "task", "tasks", "off", "out", "up", "down", "all", "sorted",
     "ready", "done", "finished", "over", "cant", "can't", "won't", "wont", "isn't", "isnt", "not", "no", "got", "get",
     "today", "tomorrow", "tonight", "now", "anymore", "already", "myself", "we're", "it's", "its", "is", "was", "are"})


@dataclass(frozen=True, slots=True)
class TopicRequest:
    topic: str  # the part that names the task ("the picnic got rained off")
    request: str  # the request as typed ("take it off my list")
    pointer: tuple[int, int] | None  # where the request points back (replaced by the task); None: right after the verb


def split_topic(message: str) -> TopicRequest | None:
    """The topic and the request of "topic, request-that-points-back", else None."""
    text = message.strip()
    if "\n" in text or len(text) > 300:
        return None
    for boundary in _BOUNDARY.finditer(text):
        topic, request = text[: boundary.start()].strip(), text[boundary.end():].strip()
        if not topic or _NOT_A_TOPIC.search(topic) or _IMPERATIVE.match(topic) or _REQUEST_INSIDE.search(topic) or (not content_words(topic) and not _TASK_NUMBER.search(topic)):
            continue
        if _SAYS_A_CHANGE.search(topic):
            return None  # "the flights need doing by tomorrow, and bump it to high": the topic is a change too
        if (m := _POINTER.match(request)) is not None:
            if _NEEDS_VALUE.match(m["verb"]) and not content_words(request[m.end():]) and not _VALUE.search(request[m.end():]):
                return None  # "vet is on monday, can you change it": the topic says the change, not only the task
            return TopicRequest(topic, request, m.span("ptr"))
        if (m := _BARE.match(request)) is not None:
            return TopicRequest(topic, request, None)
        return None  # the request names its own task ("... so delete task 3"): the topic is only a reason
    return None


def content_words(text: str) -> list[str]:
    """The words of a phrase that could name a task."""
    words = [SLANG.get(w, w) for w in re.findall(r"[a-z0-9'’]+", text.lower().replace("’", "'"))]
    return [w for w in words if w not in _EMPTY_WORDS and len(w) > 1 and not w.isdigit()]


def named_task(topic: str, tasks: Sequence[dict[str, Any]]) -> int | None:
    """The one task the topic names: by number, or the only task sharing a word with it."""
    if (m := _TASK_NUMBER.search(topic)) is not None:
        wanted = int(m[1])
        return wanted if any(int(t["id"]) == wanted for t in tasks) else None
    said = set(normalise(" ".join(content_words(topic))))
    if not said:
        return None
    hits = [t for t in tasks if said & {w for w in normalise(str(t["title"])) if w not in _EMPTY_WORDS}]
    return int(hits[0]["id"]) if len(hits) == 1 else None


def bound_request(found: TopicRequest, task_id: int) -> str:
    """The request with its pointer replaced by the task the topic names."""
    if found.pointer is not None:
        start, end = found.pointer
        return f"{found.request[:start]}task {task_id}{found.request[end:]}"
    verb = _BARE.match(found.request)
    assert verb is not None
    cut = verb.end("verb")
    return f"{found.request[:cut]} task {task_id}{found.request[cut:]}"


# "never mind", "scratch that", "forget it", "ugh no wait, forget that": the last add taken back, and
# maybe what to add instead ("never mind that, add buy chocolates instead").
_TAKE_BACK = re.compile(
    r"^\W*(?:(?:ugh|oh|ok|okay|actually|no|nope|wait|hmm+|sorry|oops|whoops|ah|um|err|my\s+bad)\W+)*"
    r"(?:(?:never\s*mind|nvm)(?:\s+(?:that|it|about\s+(?:that|it)))?|scratch\s+(?:that|it)|forget\s+(?:it|that)|cancel\s+(?:that|it)|don'?t\s+add\s+(?:that|it)"
    r"|(?:delete|remove|drop|undo)\s+(?:that|it)(?:\s+(?:one|task))?)(?:\s+(?:one|task|then|please|pls))*"
    # a reason may follow: "ugh actually delete that, its gonna rain"
    r"(?:\s*[,;-]+\s*(?:it'?s|its|i'?m|im|we'?re|they'?re|i|we|it|because|cuz|bc|since|as|turns\s+out)\b[^?]*?)?"
    r"(?P<rest>(?:\W+(?:and\s+|then\s+|just\s+)*(?:add|put|create|remind)\b.*)?)\W*$",
    re.IGNORECASE)
_INSTEAD = re.compile(r"(?:\W+(?:instead|then|please|pls))+\W*$", re.IGNORECASE)


def take_back(message: str) -> str | None:
    """None when the message takes nothing back; else what to do instead ("" for nothing)."""
    m = _TAKE_BACK.match(message.strip())
    if m is None:
        return None
    rest = m["rest"].strip(" ,.;:-!")
    rest = re.sub(r"^(?:and|then|just)\s+", "", rest, flags=re.IGNORECASE)
    return _INSTEAD.sub("", rest).strip()


# "the floors and the windows are done but not the shelves", "i haven't bought the candles yet but the cake
# is baked": the part said not to be done is no part of the change.
_BUT_NOT = re.compile(r"^(?P<keep>.+?)\s*,?\s+(?:but|except|though)\s+not\s+(?P<drop>(?:\S+\s+){0,5}\S+?)\W*$", re.IGNORECASE)
_BACK_POINTER = re.compile(r"\b(?:it|that|this|them|those|one)\b", re.IGNORECASE)
_SET_WORDS = re.compile(r"\b(?:all|every|everything|each|both|them|those|these|rest|whole|entire)\b", re.IGNORECASE)
_BUT = re.compile(r"\s*,?\s+but\s+", re.IGNORECASE)
_UNDONE = re.compile(r"\b(?:didn'?t|did\s+not|haven'?t|have\s+not|hasn'?t|has\s+not|not\s+yet|isn'?t|aren'?t|wasn'?t|still\s+need"
                     r"|still\s+have\s+to|yet\s+to)\b|\bnot\s+\w+(?:\s+\w+)?\s+yet\b", re.IGNORECASE)


def without_contrast(message: str) -> str:
    """The message without the part a "but" says is not done (unchanged when there is no such part)."""
    text = message.strip()
    if "\n" in text or len(text) > 300 or "?" in text:
        return message
    if (m := _BUT_NOT.match(text)) is not None:
        # "delete everything but not task 3": a share of a set is the bulk change's own business, never cut
        return message if _SET_WORDS.search(m["keep"]) else m["keep"]
    parts = _BUT.split(text)
    if len(parts) == 2:
        first, second = parts
        if _UNDONE.search(first) and not _UNDONE.search(second):
            return second
        if _UNDONE.search(second) and not _UNDONE.search(first) and not _BACK_POINTER.search(second):
            return first  # but "i started the tax return but i didn't finish it": "it" is the same task
    return message


# Dictated punctuation ("pick up dry cleaning period", "water the plants comma low priority"): a phone's
# voice typing leaves the name of the mark. "period" is a mark only where no word makes it a noun
# ("track my period", "the trial period", "3rd period").
_PERIOD_NOUN = (r"(?:my|her|his|your|the|a|an|this|that|each|every|per|grace|trial|billing|free|waiting|notice|cooling"
                r"|probation|probationary|reporting|accounting|tax|pay|payment|school|class|first|second|third|last|next"
                r"|\d+(?:st|nd|rd|th)|sixth|fifth|fourth|study|rest|holding|lunch|exam|time|warranty|return|refund"
                r"|introductory|transition|adjustment|settling|quiet|open|enrol+ment|registration|fiscal|current)")
_SPOKEN_PERIOD = re.compile(r"\s+(?:period|full\s+stop)(?=\W*$|\s+(?:and|then|also|plus)\b)", re.IGNORECASE)
_SPOKEN_COMMA = re.compile(r"(?<!\ba)(?<!\bthe)\s+comma(?=\s+\w)", re.IGNORECASE)
_SPOKEN_MARKS = ((re.compile(r"\s+question\s+mark\b", re.IGNORECASE), "?"),
                 (re.compile(r"\s+exclamation\s+(?:point|mark)\b", re.IGNORECASE), "!"))


# A check mark typed after a task says it is done: "bathroom ✅", "netflix cancelled ✔".
_CHECK_MARK = re.compile(r"\s*[✅✔☑✓]\ufe0f?")


def spoken_punctuation(message: str) -> str:
    """The message with dictated marks written as marks, and check marks as "done"."""
    text = _SPOKEN_COMMA.sub(",", message)
    if _CHECK_MARK.search(text) and not re.search(r"\b(?:done|finished|complete|completed)\b", text, re.IGNORECASE):
        text = _CHECK_MARK.sub(" done", text, count=1)
        text = _CHECK_MARK.sub("", text)
    for mark, sign in _SPOKEN_MARKS:
        text = mark.sub(sign, text)

    def period(m: re.Match[str]) -> str:
        before = text[: m.start()].split()
        return m.group() if before and re.fullmatch(_PERIOD_NOUN, before[-1], re.IGNORECASE) else "."

    return _SPOKEN_PERIOD.sub(period, text)


# A message that ends by taking itself back: "add call grandma... actually never mind", "delete the milk, on
# second thought don't". Only after a mark or a correcting word: "I always forget it" takes nothing back.
_INTERJECTION = r"(?:actually|oh|no|nah|nope|wait|hmm+|um+|ugh|sorry|oops|ok|okay|hold\s+on)"
_TAKEN_BACK = (r"(?:never\s*mind|nvm|nevermind|forget\s+(?:it|that|about\s+(?:it|that))|scratch\s+that|cancel\s+that|ignore\s+that"
               r"|disregard\s+(?:it|that)|on\s+second\s+thoughts?(?:\W+(?:don'?t|no|never\s*mind|leave\s+it|forget\s+it))?"
               r"|(?:no\s+)?don'?t(?:\s+bother)?|leave\s+it|not\s+now|don'?t\s+do\s+(?:it|that)|keep\s+(?:it|that|them|those))")
_ENDS_TAKEN_BACK = re.compile(r"(?P<before>\w.*?)(?:[.,;:!…–—-]+\s*(?:" + _INTERJECTION + r"\W+)*|\s+(?:" + _INTERJECTION + r"\W+)+)"
                              + _TAKEN_BACK + r"\W*$", re.IGNORECASE | re.DOTALL)


def takes_itself_back(message: str) -> bool:
    """Whether the message ends by calling off what it asked (and asks nothing after)."""
    m = _ENDS_TAKEN_BACK.fullmatch(message.strip()) if len(message) <= 300 else None
    # "ugh no wait, forget that" takes back the last turn, not anything of its own
    if m is None:
        return False
    rest = re.sub(_INTERJECTION, " ", m["before"].lower())
    return any(w not in INTERJECTIONS for w in re.findall(r"[a-z']+", rest))


# A statement with a question tagged on: "the dentist is on thursday, right?", "rent is high priority, isn't it?"
_TAG_QUESTION = re.compile(
    r"^(?P<statement>\W*\w[^?]*?)[\s,]+(?:right|correct|yeah|yes|no|ok|okay|yea|eh|innit|isn'?t\s+it|is\s+it|aren'?t\s+they"
    r"|are\s+they|doesn'?t\s+it|does\s+it|didn'?t\s+i|did\s+i|haven'?t\s+i|wasn'?t\s+it|won'?t\s+it|am\s+i\s+right"
    r"|don'?t\s+i|isn'?t\s+that\s+right|is\s+that\s+right)\s*\?+\s*$", re.IGNORECASE)


def tagged_question(message: str) -> str | None:
    """The statement a tag question asks to confirm, or None."""
    m = _TAG_QUESTION.match(message.strip()) if len(message) <= 300 else None
    return m["statement"].strip() if m else None


# Someone else's duty told as news: "Tom needs to fix the fence", "my sister has to buy a dress", "he should call
# the bank". It may be the person's task or not; ask rather than add.
_PEOPLE = (r"(?:sister|brother|mom|mum|mother|dad|father|wife|husband|partner|boss|manager|kids?|son|daughter|friend"
           r"|colleague|coworker|neighbou?r|flatmate|roommate|landlord|teacher|team|parents|grandma|grandpa|boyfriend"
           r"|girlfriend|aunt|uncle|cousin|niece|nephew|assistant|client|doctor|gp)")
def _other_subject(leads: str) -> str:
    """Who else a sentence may be about: "he", "my sister", "the plumber", a name, after any of ``leads``."""
    return r"^\W*(?i:(?:" + leads + r")\W+)*(?P<who>(?i:he|she|they|(?:my|our|the)\s+" + _PEOPLE + r")|[A-Z][a-z]+)"


_SOMEONE_ELSE = re.compile(
    _other_subject(r"oh|so|and|also|btw|hey|fyi") + r"\s+(?i:needs?\s+to|has\s+to|have\s+to|should|must|wants?\s+to|is\s+going\s+to|'s\s+going\s+to|will|is\s+gonna"
    r"|'s\s+gonna|gotta|has\s+got\s+to|ought\s+to)\s+(?!(?i:be|get\s+\w+ed)\b)(?P<task>[^?]+?)\W*$")
_NOT_A_NAME = frozenset({"i", "we", "you", "it", "this", "that", "there", "milk", "everything", "nothing", "someone",
                         "somebody", "which", "what", "who", "when"})


def someone_elses(message: str) -> str | None:
    """The task of someone else's duty told as news, or None."""
    m = _SOMEONE_ELSE.match(message.strip()) if len(message) <= 300 else None
    if m is None or m["who"].lower() in _NOT_A_NAME or m["who"].lower() in DATE_WORDS:
        return None
    return m["task"].strip()


# Someone else's deed told as news: "my mom called earlier", "the plumber came round", "Sam paid" - the task it
# sounds like may be done, or not; ask.
_SOMEONE_ELSES_DEED = re.compile(
    _other_subject(r"oh|so|and|also|btw|hey|fyi|guess\s+what") + r"\s+(?i:(?:just|already|finally)\s+)?(?P<verb>[a-z]+ed|rang|came|paid|sent|took|brought|gave|went|called)\b")


def someone_elses_deed(message: str) -> bool:
    m = _SOMEONE_ELSES_DEED.match(message.strip()) if len(message) <= 300 else None
    return m is not None and m["who"].lower() not in _NOT_A_NAME and m["who"].lower() not in DATE_WORDS


# "what would you say if I asked you to mark everything done?", "what if I deleted the gym task?": a what-if
_WHAT_IF = re.compile(r"^\W*(?:(?:what|how)\s+(?:would|will|do|does|might)\s+(?:you|happen|it)\b.*\bif\b|what\s+happens\s+if"
                      r"|what\s+if\b|hypothetically\b|suppose\b|imagine\b|let'?s\s+say\b|would\s+you\b.*\bif\b)",
                      re.IGNORECASE | re.DOTALL)


def what_if(message: str) -> bool:
    return len(message) <= 300 and _WHAT_IF.match(message.strip()) is not None
