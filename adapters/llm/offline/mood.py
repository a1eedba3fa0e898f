"""Mood: whether a clause asks the assistant to change the list, or only talks about it.

The reader (engine.py) says *what* a clause is about (add, complete, delete...); this says
whether it is a *request*. A wrong change is worse than no change, so a clause that is a
question about the person's own action ("should I mark the report done?"), a negated
request ("don't add it yet"), a hypothetical ("maybe I should add ...", "I might ...") or
a contingency ("if I don't finish X, ...") never changes the list: the executor says what it
understood and offers its best reading instead.

It is a small analysis over the clause as typed (and the sentence around it), by the
grammar of English requests rather than by sentence: sentence type (subject-auxiliary
inversion), who the subject is (I/we vs you), modal verbs, the scope of a negation (over
the assistant's action verb or over the person's own verb: "I don't need to buy the tent
anymore" is a statement that asks for a deletion; "don't delete the tent" is not), and
conditional clauses. Pure and cheap: a few set look-ups over at most a few dozen words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REQUEST = "request"
QUESTION = "question"  # "should I ...?", "do I need to ...?", "did I ...?", "did you ...?"
NEGATED = "negated"  # "don't add it", "no need to delete it", "leave it"
HYPOTHETICAL = "hypothetical"  # "maybe I should ...", "I might ...", "thinking of ...", "not sure if ..."
CONDITIONAL = "conditional"  # "if I don't finish X, move it to monday"


@dataclass(frozen=True, slots=True)
class Mood:
    kind: str
    cue: str = ""  # the words that decided it (for tests and for debugging a misreading)

    @property
    def acts(self) -> bool:
        return self.kind == REQUEST


_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Contractions typed without the apostrophe, and the short forms people type on a phone.
_SPELLING = {"dont": "don't", "didnt": "didn't", "doesnt": "doesn't", "shouldnt": "shouldn't", "cant": "can't",
             "wont": "won't", "havent": "haven't", "isnt": "isn't", "im": "i'm", "ive": "i've", "id": "i'd",
             "ill": "i'll", "u": "you", "ya": "you", "pls": "please", "plz": "please", "shd": "should",
             "wanna": "want", "gonna": "going", "dunno": "don't", "cud": "could", "wud": "would", "r": "are"}
# Words that open a clause without changing what it is.
_LEAD = frozenset({"ok", "okay", "so", "and", "but", "also", "oh", "hey", "hi", "hello", "um", "uh", "umm", "well",
                   "right", "hmm", "then", "plus", "wait", "actually", "now", "alright", "yeah", "yes", "yep",
                   "just", "quick", "question", "btw", "oops", "sorry", "honestly", "hmmm", "anyway", "ah"})
# The assistant's own verbs: what a request asks it to do to the list.
ACTION_VERBS = frozenset({
    "add", "put", "create", "delete", "remove", "erase", "mark", "tick", "cross", "check", "complete", "move", "push",
    "change", "rename", "update", "edit", "set", "make", "undo", "clear", "drop", "scrap", "trash", "bin", "ditch",
    "reschedule", "postpone", "bump", "note", "jot", "write", "remind", "log", "schedule", "save", "stick", "list",
    "adding", "deleting", "removing", "marking", "moving", "changing", "touch", "restore", "reopen", "untick",
})
_FIRST_PERSON = frozenset({"i", "we", "i'm", "i've", "i'll", "i'd", "we're", "we'll", "we've"})
_SECOND_PERSON = frozenset({"you"})
# Auxiliaries that open a yes/no question ("should I ...?", "did you ...?"); "can/could/may I"
# ask permission, which is a request ("can I add milk?").
_QUESTION_AUX = frozenset({"should", "shall", "do", "did", "have", "had", "am", "was", "must", "need", "will", "would",
                           "does", "were", "has"})
_WH = frozenset({"what", "when", "why", "how", "where", "which", "who"})
_BE = frozenset({"is", "are", "was", "were", "isn't", "aren't", "wasn't", "isnt", "arent"})
_BE_REQUEST = re.compile(r"^\w+\s+(?:it|that)\s+(?:possible|ok|okay|alright|all\s+right|fine)\b")
# "can you ...", "would you mind ...", "please ...", "I'd like you to ...": addressed to the assistant.
_ASKING_AUX = frozenset({"can", "could", "would", "will", "may"})
_POLITE = frozenset({"please", "kindly"})
_HEDGES = frozenset({"maybe", "perhaps", "possibly", "probably"})
_WEAK_MODALS = frozenset({"might", "may", "could"})
_NEGATORS = frozenset({"don't", "never", "not", "no"})
# "not sure if", "can't remember whether", "thinking of", "what if": the person has not decided.
_UNDECIDED = re.compile(
    r"\b(?:not\s+sure|unsure|(?:can't|cannot|don't|do\s+not)\s+(?:remember|recall|know)|no\s+idea|wondering|i\s+wonder"
    r"|thinking\s+(?:of|about)|considering|what\s+if|debating|tempted\s+to)\b")
# "if you can", "if possible", "if that's ok": politeness, not a condition.
_POLITE_IF = re.compile(r"\bif\s+(?:you\s+(?:can|could|would|will|don't|do\s+not|get|have|please|want|like)|possible"
                        r"|that's|thats|it's\s+(?:ok|okay|not)|its\s+(?:ok|okay|not)|not\s+too|ok|okay|so)\b")
# "check if the library is open": an embedded question (part of a title), not a condition.
_EMBEDDED_IF = re.compile(r"\b(?:check|see|ask|find\s+out|confirm|know|verify|decide|figure\s+out|remember|recall"
                          r"|sure|wonder|wondering|whether)\s+if\b")
_CONDITION = re.compile(r"\b(?:if|unless|in\s+case)\b")
# "leave it", "leave the milk alone", "hold off", "not yet", "never mind": asked to do nothing.
_LEAVE = re.compile(r"^(?:leave|keep)\s+(?:it|that|this|them|those|these|everything|all)\b(?!\s+(?:on|to|for)\b)"
                    r"|^(?:leave|keep)\b.*\b(?:alone|as\s+(?:is|it\s+is)|for\s+now|be)$"
                    r"|^hold\s+off\b|^(?:not\s+(?:yet|now)|never\s*mind|nevermind|no\s+thanks|nah)(?:\s+(?:then|for\s+now|it|that))?$")


def words(text: str) -> list[str]:
    raw = _WORD.findall(text.lower().replace("’", "'").replace("‘", "'"))
    return [_SPELLING.get(w, w) for w in raw]


def _strip_lead(ws: list[str]) -> list[str]:
    i = 0
    while i < len(ws) - 1 and ws[i] in _LEAD:
        i += 1
    return ws[i:]


def _negated_action(ws: list[str]) -> str | None:
    """The words of a negation whose scope is the assistant's action, if there is one.

    "don't add it", "do not mark it done", "no need to delete the milk", "I don't want you to
    delete it", "please don't"; not "don't forget to call mom" (a reminder), and not
    "I don't need to buy the tent" (the negated verb is the person's own: a statement)."""
    for i, w in enumerate(ws):
        if w == "no" and ws[i + 1 : i + 3] == ["need", "to"]:
            rest = ws[i + 3 :]
        elif w in {"don't", "never"} or (w == "do" and ws[i + 1 : i + 2] == ["not"]):
            rest = ws[i + (2 if w == "do" else 1) :]
            if rest[:1] in (["forget"], ["let"]):
                continue  # "don't forget to ...", "don't let me forget ...": a reminder, a request
            subject = ws[i - 1] if i else ""
            if subject in _FIRST_PERSON:
                # "I don't want you to delete it" / "I don't need to add that": the scope is the action
                # only when the assistant's verb follows ("I don't need to buy the tent" is a statement).
                while rest[:1] and rest[0] in {"want", "need", "you", "to", "have", "think", "wanna"}:
                    rest = rest[1:]
                if not rest or rest[0] not in ACTION_VERBS:
                    continue
        else:
            continue
        if not rest:
            return " ".join(ws[i:])  # "please don't", "no, don't"
        if rest[0] in ACTION_VERBS or rest[0] in {"bother", "worry", "do"}:
            return " ".join(ws[i : i + 3])
    return None


def analyse(clause: str, before: str = "", sentence: str = "") -> Mood:
    """The mood of one clause. ``before`` is the part of its sentence ahead of it (a negation or
    a condition there can scope over the clause); ``sentence`` the whole sentence."""
    ws = _strip_lead(words(clause))
    if not ws:
        return Mood(REQUEST)
    lead = " ".join(ws)
    whole = " ".join(words(sentence or clause))
    # Addressed to the assistant: "can you ...", "could you ...", "would you mind ...", "please ...".
    addressed = (ws[0] in _ASKING_AUX and ws[1:2] == ["you"]) or ws[0] in _POLITE or lead.startswith(
        ("i'd like you to", "i want you to", "i need you to", "go ahead", "let's", "do you mind", "would you mind")
    ) or bool(re.search(r"\b(?:wonder(?:ing)?|mind)\s+if\s+you\b", lead))
    negated = _negated_action(ws)
    ahead = words(before)[-3:]
    if not negated and ahead and ws[0] in ACTION_VERBS:
        negated = _negated_action(ahead + ws[:2])  # "don't add milk or eggs": the negation scopes the next clause
    if negated or _LEAVE.search(lead):
        return Mood(NEGATED, negated or lead)
    if addressed:
        return Mood(REQUEST, lead.split()[0])
    # Yes/no question with the person (or the assistant's past) as subject: "should I ...?",
    # "do I need to ...?", "did I ...?", "have you added ...?"; and "when should I ...?".
    start = 1 if ws[0] in _WH and len(ws) > 2 else 0
    aux, subject = ws[start], ws[start + 1] if len(ws) > start + 1 else ""
    if aux in _QUESTION_AUX and (subject in _FIRST_PERSON or (subject in _SECOND_PERSON and aux in {
            "did", "have", "has", "do", "does", "were", "was"}) or (subject == "you" and ws[start + 2: start + 3] == ["think"])):
        return Mood(QUESTION, f"{aux} {subject}")
    if aux in _BE and subject not in {"you", "u"} and clause.rstrip().endswith("?") and not _BE_REQUEST.match(lead):
        # "is the report high priority?", "is it worth adding ...?", "are the bins done?": a yes/no
        # question about how things are asks for an answer, not a change ("is it ok to ...": a request)
        return Mood(QUESTION, f"{aux} {subject}")
    # Hypothetical: a hedge before a first-person subject, a weak modal after one, or undecided words.
    for i, w in enumerate(ws[:-1]):
        if w in _HEDGES and ws[i + 1] in _FIRST_PERSON:
            return Mood(HYPOTHETICAL, f"{w} {ws[i + 1]}")
        if w in _FIRST_PERSON and ws[i + 1] in _WEAK_MODALS and ws[i + 2 : i + 3] != ["you"]:
            return Mood(HYPOTHETICAL, f"{w} {ws[i + 1]}")
    undecided = _UNDECIDED.search(lead)
    if undecided:
        return Mood(HYPOTHETICAL, undecided.group(0))
    # A condition: the sentence opens with one ("if I don't finish X, ..."), or one about the
    # person's own doing follows ("... if I don't get to it"). Politeness ("if you can") and
    # embedded questions ("check if ...") are no condition.
    condition = _condition(whole)
    if condition:
        return Mood(CONDITIONAL, condition)
    return Mood(REQUEST)


def _condition(text: str) -> str | None:
    text = _POLITE_IF.sub(" ", text)
    for m in _CONDITION.finditer(text):
        if _EMBEDDED_IF.search(text, max(0, m.start() - 14), m.end()):
            continue
        ahead = text[: m.start()].split()
        after = text[m.end() :].split()
        if all(w in _LEAD for w in ahead) or (after[:1] and after[0] in _FIRST_PERSON):
            return " ".join(text[m.start() :].split()[:3])
    return None


# Which intent an action verb asks for, where it says so by itself.
VERB_INTENT = {
    "mark": "complete", "tick": "complete", "cross": "complete", "complete": "complete", "finish": "complete",
    "delete": "delete", "remove": "delete", "erase": "delete", "scrap": "delete", "trash": "delete", "bin": "delete",
    "ditch": "delete", "drop": "delete", "deleting": "delete", "removing": "delete", "marking": "complete",
    "add": "add", "put": "add", "create": "add", "adding": "add", "jot": "add", "note": "add", "remind": "add",
    "move": "update", "push": "update", "change": "update", "rename": "update", "update": "update", "edit": "update",
    "reschedule": "update", "postpone": "update", "bump": "update", "moving": "update", "changing": "update",
    "set": "update", "reopen": "reopen", "untick": "reopen", "uncheck": "reopen", "unmark": "reopen", "undo": "undo",
    "restore": "undo",
}
_ADDRESS = re.compile(r"^(?:(?:would|do)\s+you\s+mind|(?:can|could|would|will)\s+you(?:\s+please)?"
                      r"(?:\s+(?:just|go\s+ahead\s+and|quickly))?|please|kindly)\s+(?P<verb>[a-z]+)")


def requested_intent(clause: str) -> str | None:
    """The intent a request addressed to the assistant names by its verb: "could you mark task 2
    done?" asks for a completion even though it is typed as a question."""
    m = _ADDRESS.match(" ".join(_strip_lead(words(clause))))
    return VERB_INTENT.get(m["verb"]) if m else None


def has_condition(clause: str) -> bool:
    return _condition(" ".join(words(clause))) is not None


# Verbs that ask to see the list: a clause they open reads it, whatever else its words suggest.
READ_VERBS = frozenset({"show", "list", "display", "view", "see", "ls", "lemme", "gimme", "what", "what's", "whats",
                        "which", "how"})


def asks_to_see(clause: str) -> bool:
    """Whether the clause opens with a verb that reads the list ("show all my tasks", "can you list everything")."""
    ws = _strip_lead(words(clause))
    m = _ADDRESS.match(" ".join(ws))
    verb = m["verb"] if m else (ws[0] if ws else "")
    if verb in {"give", "tell"}:
        rest = ws[ws.index(verb) + 1:] if verb in ws else []
        return rest[:1] == ["me"] and not any(w in VERB_INTENT for w in rest[:4])  # "give me a rundown", "tell me what's due"
    return verb in READ_VERBS


def leading_intent(clause: str) -> str | None:
    """The intent the clause's first verb names ("finish everything due today": complete)."""
    ws = _strip_lead(words(clause))
    m = _ADDRESS.match(" ".join(ws))
    verb = m["verb"] if m else (ws[0] if ws else "")
    return VERB_INTENT.get(verb)
