"""Closed word classes the engine knows by name. Titles are open: anything else may be one.

These lists are features and normalisation, not rules: the tagger decides, from context,
whether "by", "low" or "friday" is a date, a priority or part of a title.
"""

from __future__ import annotations

# Shorthand people type, read as the word they mean.
SLANG = {
    "tmrw": "tomorrow", "tmr": "tomorrow", "tmrrw": "tomorrow", "tomoz": "tomorrow", "2moro": "tomorrow",
    "2morrow": "tomorrow", "tomorow": "tomorrow", "tommorow": "tomorrow", "tommorrow": "tomorrow", "tmw": "tomorrow",
    "2nite": "tonight", "2night": "tonight", "tonite": "tonight", "2day": "today", "tday": "today", "tdy": "today",
    "pls": "please", "plz": "please", "plse": "please", "u": "you", "ur": "your", "r": "are", "thx": "thanks",
    "ty": "thanks", "im": "i'm", "ive": "i've", "dont": "don't", "didnt": "didn't", "whats": "what's",
    "hw": "homework", "wats": "what's", "wat": "what", "whta": "what", "ad": "add", "tsk": "task", "taks": "task",
    "tak": "task", "tasl": "task", "asap": "asap", "prio": "priority", "pri": "priority", "hi-pri": "high",
    "mins": "minutes", "wk": "week", "wks": "weeks", "nxt": "next", "thurs": "thursday", "tues": "tuesday",
    "weds": "wednesday", "mon": "monday", "tue": "tuesday", "wed": "wednesday", "thu": "thursday", "fri": "friday",
    "b4": "before", "btw": "btw", "rn": "now", "w/": "with", "abt": "about", "bc": "because", "cuz": "because",
    "smth": "something", "sth": "something", "anythng": "anything", "anythin": "anything", "nothin": "nothing",
    "somethin": "something", "gotta": "gotta", "wanna": "wanna", "gonna": "gonna", "lemme": "let me",
    "shud": "should", "cud": "could", "dun": "done", "fin": "finished", "finshed": "finished", "compelte": "complete",
    "dlete": "delete", "delet": "delete", "remve": "remove", "rmv": "remove", "del": "delete", "chk": "check",
    "wensday": "wednesday", "wendsday": "wednesday", "wedensday": "wednesday", "wednessday": "wednesday",
    "wedsday": "wednesday", "thirsday": "thursday", "thrusday": "thursday", "thursdy": "thursday", "tuseday": "tuesday",
    "tusday": "tuesday", "teusday": "tuesday", "fryday": "friday", "saterday": "saturday", "satuday": "saturday",
    "sundy": "sunday", "mondy": "monday", "tomrrow": "tomorrow", "tommorw": "tomorrow", "tomorro": "tomorrow",
    "2mrw": "tomorrow", "2mro": "tomorrow", "tmoro": "tomorrow", "tonigt": "tonight", "tonihgt": "tonight",
    "thats": "that's", "rm": "remove", "ls": "list", "p1": "urgent", "addd": "add", "p0": "urgent", "p3": "low", "p4": "low", "unmark": "uncheck", "unmarked": "unchecked", "untick": "untick", "rmd": "remind", "one's": "one", "ones": "ones", "remidn": "remind", "rmind": "remind", "remnd": "remind", "mrk": "mark", "ok": "ok", "k": "ok", "n": "and",
}

# Words worth correcting when one keystroke away (long enough that a slip is not another word).
TYPO_TARGETS = (
    "remind", "delete", "remove", "complete", "completed", "finished", "finish", "tomorrow", "tonight", "priority",
    "urgent", "important", "rename", "reschedule", "postpone", "description", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "overdue", "pending", "reminder", "change", "update", "anything",
    "everything", "please", "second", "third", "reopen", "remaining", "schedule", "create",
)

# Words one keystroke from a word above that are words of their own, never corrected to it
# ("charge the camera" is not "change", "when i get a chance", "the lease", "sending the invoice").
REAL_WORDS = frozenset({"lease", "pleas", "pleased", "chance", "charge", "crate", "sending", "spending", "ending", "bending",
                        "lending", "tending", "mending", "remainder", "sundae", "remand", "rewind", "finnish", "chanced",
                        "charged", "deleted", "removed", "reminded", "updated", "renamed", "created", "seconds", "thirds"})

DATE_WORDS = frozenset(
    ["today", "tonight", "tomorrow", "yesterday", "morning", "afternoon", "evening", "night", "noon", "midnight", "week", "weeks", "weekend", "month", "months", "day", "days", "fortnight", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "next", "eod", "eow", "later", "due"]
)
PRIORITY_WORDS = frozenset(
    ["urgent", "urgently", "asap", "important", "critical", "crucial", "vital", "high", "low", "medium", "normal", "priority", "whenever", "someday", "rush", "hurry", "eventually", "top", "prio"]
)
NUMBER_WORDS = frozenset(["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "a", "couple", "few"])
ORDINAL_WORDS = frozenset(
    ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "last", "final", "1st", "2nd", "3rd", "4th", "5th", "latter", "former"]
)
PRONOUNS = frozenset(["it", "that", "this", "them", "those", "these", "both", "one", "ones"])
COMMAND_WORDS = frozenset(
    ["add", "create", "new", "remind", "reminder", "put", "jot", "note", "log", "make", "set", "mark", "tick", "check", "cross", "complete", "finish", "finished", "done", "completed", "delete", "remove", "erase", "scrap", "bin", "trash", "drop", "cancel", "ditch", "forget", "rename", "retitle", "call", "change", "update", "edit", "move", "push", "postpone", "reschedule", "bump", "shift", "delay", "raise", "lower", "reopen", "undo", "restore", "uncomplete", "show", "list", "display", "what's", "what", "which", "how", "many", "any", "anything", "everything", "left", "overdue", "pending", "open", "task", "tasks", "todo", "todos", "to-do", "item", "items", "list", "description", "notes", "details", "title", "name", "priority", "due", "date", "deadline", "did", "have", "has", "is", "are", "was", "were", "already", "yet", "stop", "instead", "actually", "wait", "oops", "back", "please", "also", "and", "then", "plus"]
)
FILLER_WORDS = frozenset(
    ["i", "i'm", "i've", "i'll", "we", "need", "to", "have", "got", "gotta", "must", "should", "want", "wanna", "gonna", "can", "could", "would", "you", "please", "just", "oh", "so", "okay", "ok", "hey", "um", "uh", "well", "also", "btw", "actually", "maybe", "let", "me", "don't", "dont", "forget", "about", "that", "the", "a", "an", "my"]
)

REPEAT_WORDS = frozenset(
    ["every", "each", "daily", "weekly", "monthly", "yearly", "annually", "repeat", "repeats", "repeating", "recurring",
     "recur", "weekdays", "fortnightly", "biweekly", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays",
     "saturdays", "sundays", "weekends", "other"]
)

# Sounds people type around a request ("ugh, just delete both of them"): explained as filler.
INTERJECTIONS = frozenset(["ugh", "argh", "hmm", "hmmm", "meh", "nvm", "lol", "oops", "whoops", "yay", "wow", "damn", "darn",
                           "phew", "gah", "eh", "ah", "aha", "ooh", "welp", "yikes", "sigh", "omg", "ffs", "hah", "haha",
                           "ngl", "tbh", "yeah", "yep", "yup", "lmao", "lmfao", "imo", "smh", "tho", "fr", "idk", "ig", "xd", "hehe"])

# Words that say a task is finished, whatever the task: "JIRA-77 is resolved", "the slides are wrapped up".
DONE_STATE_WORDS = frozenset({"resolved", "closed", "wrapped", "sorted", "handled", "squared", "knocked", "nailed", "smashed",
                              "crushed", "aced", "finished", "completed", "done"})

# Every word of a closed class: anything else may be part of a title.
CLOSED_WORDS = (
    DATE_WORDS | PRIORITY_WORDS | NUMBER_WORDS | ORDINAL_WORDS | PRONOUNS | COMMAND_WORDS | FILLER_WORDS
    | frozenset(["a", "an", "the", "to", "for", "on", "by", "in", "at", "of", "with", "task", "tasks", "todo", "reminder", "new", "me", "my"])
)

# Verbs that tell the same deed, for matching a statement against a task's title: "got the bread" is
# "buy bread" done; "rang the vet" is "call the vet". Not across kinds: "paid the roofer" is no "ring the roofer".
SAME_DEED = (
    frozenset({"buy", "get", "grab", "pick", "purchase", "collect", "fetch"}),
    frozenset({"call", "ring", "phone"}),
    frozenset({"email", "mail", "e-mail"}),
    frozenset({"post", "mail", "send"}),
    frozenset({"fix", "repair", "mend"}),
    frozenset({"finish", "complete", "do", "wrap"}),
)

# Nouns that name the same thing, for finding a task by a description of it: "the reminder about the
# lawyer" is "call the solicitor about the will". Kept to words that can stand in for each other.
SAME_THING = (
    frozenset({"lawyer", "solicitor", "attorney"}),
    frozenset({"mum", "mom", "mother", "mam", "mummy", "mommy", "ma"}),
    frozenset({"dad", "father", "daddy", "pa"}),
    frozenset({"gran", "granny", "grandma", "grandmother", "nan", "nana", "nanna"}),
    frozenset({"grandad", "grandpa", "granddad", "grandfather"}),
    frozenset({"doctor", "doc", "gp"}),
    frozenset({"bike", "bicycle"}),
    frozenset({"tv", "television", "telly"}),
    frozenset({"jab", "vaccine", "vaccination", "shot", "booster"}),
    frozenset({"hoover", "vacuum"}),
    frozenset({"chemist", "pharmacy", "drugstore"}),
    frozenset({"rubbish", "trash", "garbage", "bin", "bins"}),
    frozenset({"flat", "apartment"}),
    frozenset({"film", "movie"}),
    frozenset({"holiday", "vacation", "trip"}),
    frozenset({"present", "gift"}),
    frozenset({"appointment", "appt", "appt.", "booking"}),
    frozenset({"car", "vehicle"}),
    frozenset({"phone", "mobile", "cell"}),
    frozenset({"exam", "test"}),
    frozenset({"groceries", "grocery", "shopping", "food shop"}),
    frozenset({"pickup", "collect", "collection", "pick"}),
    frozenset({"maths", "math"}),
    frozenset({"practice", "practise"}),
)
