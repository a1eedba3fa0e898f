"""A generated training corpus: templates x vocabularies x noise, from a fixed seed.

Each example is one clause-sequence with a tag per token and an intent per clause:
    C command/filler  T title  D date  P priority  R reference  N note  X new title
    L item separator (inside one add)  S intent separator
The vocabularies are deliberately broad and unrelated to any evaluation set: the tagger
must learn that whatever is not a command, date or priority word is the title.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

Segment = tuple[str, str]  # (text, tag)


@dataclass(frozen=True, slots=True)
class Example:
    clauses: list[tuple[str, list[Segment]]]  # (intent, segments)


VERBS = (
    "call", "email", "text", "phone", "ring", "buy", "pick up", "book", "pay", "fix", "clean", "water", "renew",
    "return", "finish", "write", "read", "send", "schedule", "cancel", "order", "feed", "walk", "wash", "iron",
    "sweep", "oil", "submit", "review", "prepare", "print", "mail", "post", "sign", "update", "back up", "charge",
    "replace", "paint", "mow", "vacuum", "bake", "cook", "plan", "organise", "organize", "sort out", "file",
    "download", "install", "test", "practice", "study", "learn", "visit", "meet", "drop off", "collect", "grab",
    "get", "bring", "take", "check on", "look into", "research", "draft", "edit", "proofread", "wrap", "hang",
    "assemble", "repair", "defrost", "empty", "recycle", "refill", "top up", "register for", "apply for",
    "confirm", "reply to", "follow up with", "thank", "invite", "congratulate", "ask", "remind", "tell",
)
OBJECTS = (
    "mom", "dad", "grandma", "the landlord", "Sarah about the contract", "milk", "the dentist", "rent", "the gas bill",
    "my passport", "the plants", "the car", "the Q3 report", "the drill to Tom", "the kitchen", "the gutters",
    "the vet appointment", "Jim", "the bank", "a birthday card for Dana", "the library books", "the garage door",
    "the hinge", "the porch", "the gate", "envelopes", "pizza", "the speech", "the invoices", "the tax return",
    "the insurance", "the electricity bill", "the water bill", "the bike", "the tyres", "the oven", "the fridge",
    "the slides for Monday's meeting", "my CV", "the cover letter", "the budget spreadsheet", "the hotel",
    "train tickets to Leeds", "flowers for the wedding", "the dog", "the cat", "the kids", "Alex", "Priya",
    "the plumber about the leak", "the school", "the doctor", "a haircut", "the recycling", "the bins",
    "the shed", "the fence", "the windows", "the laundry", "the dishes", "the groceries", "coffee beans",
    "the report for Karen", "The Road by Cormac McCarthy", "Dune by Frank Herbert", "the paper by Smith",
    "notes from the lecture", "the PR for the API", "the README", "the server logs", "the 5k training plan",
    "2 dozen eggs", "3 tins of tomatoes", "AA batteries", "the iPhone screen", "the NHS form", "the DMV paperwork",
    "the HOA fees", "Q4 goals", "the Airbnb", "the wifi router", "the boiler", "the smoke alarm", "the lawn",
    "the shopping", "a present for Sam", "the thank-you notes", "the quarterly review", "the team lunch",
    "the photos from the trip", "the broken lamp", "my glasses", "the prescription", "the pharmacy",
    "the contract with Acme", "the proposal for the Henderson account", "the vacation days", "the visa",
    "the mortgage", "Uncle Bob", "the piano", "the guitar strings", "the movie tickets", "the parking permit",
    "the high school reunion", "low-fat yoghurt", "the low tide walk", "urgent care paperwork", "the top shelf",
    "Dr. Patel about the results", "donations at St. Mary's", "the documents to Mr. Müller", "the KALLAX shelf to IKEA",
    "the Q3 numbers", "a 5k run", "the B2B deck", "the 2nd floor printer", "the first aid kit", "the last chapter",
    "problem set 4", "chapter 3", "the level 2 exam", "room 101", "the 3 forms", "season 2", "the 7am class",
    "the medium roast coffee", "the weekend bag", "the Monday meeting notes", "the Friday deadline email",
    "a cake for the office", "flights to Rome", "a parcel to Berlin", "the kids to school", "the car to the garage",
    "books to the library", "a card to Grandma", "the contract to legal", "the invoice to accounting",
    "the slides to the team", "the form to HR", "the keys to the landlord", "the report to Karen", "the MRI results", "the cover for the BBQ", "the Xmas cards", "Mia's lunch",
)
NOUN_ITEMS = (
    "milk", "eggs", "bread", "butter", "cheese", "apples", "bananas", "coffee", "tea", "rice", "pasta", "onions",
    "garlic", "soap", "shampoo", "toothpaste", "batteries", "light bulbs", "stamps", "envelopes", "bin bags",
    "dog food", "cat litter", "tomatoes", "oat milk", "yogurt", "flour", "sugar", "chicken", "tissues",
)
STANDALONE_TITLES = (
    "dentist appointment", "gym", "yoga class", "team meeting prep", "haircut", "oil change", "tax return",
    "dinner with Luigi at 8", "Call Sarah re: Q3 budget", "submit expenses", "Mom's birthday", "parent-teacher night",
    "flight check-in", "book club", "pay the rent", "the 10am standup", "Lunch with Priya", "renew the car insurance",
    "pick up salt and pepper", "fix the bike and the scooter", "drive to the airport", "talk on AI safety",
    "meeting with HR", "buy a gift for Jo and Ben", "clean the bathroom and the hall", "call Dad about the 5k run",
)
DATES = (
    "today", "tonight", "tomorrow", "tmrw", "tomorrow morning", "tomorrow night", "this evening", "later today",
    "on friday", "by friday", "friday", "this friday", "next friday", "on monday", "by monday", "next monday",
    "monday", "tuesday", "on tuesday", "wednesday", "by wednesday", "thursday", "on thursday", "saturday",
    "on saturday", "sunday", "on sunday", "in 3 days", "in two days", "in 2 weeks", "in a week", "in five days",
    "in a month", "next week", "next month", "by the end of the week", "end of the week", "by end of week",
    "by the 15th", "on the 3rd", "the 20th", "on dec 24", "dec 24", "december 24", "on 24 december", "by june 1",
    "on the 1st of march", "by 2027-01-15", "the day after tomorrow", "2nite", "2moro", "by tomorrow",
    "due tomorrow", "due friday", "due next monday", "due today", "for tomorrow", "for friday", "before friday",
    "by the end of the month", "end of month", "3 days from now", "a week from today", "by tonight", "this weekend",
    "until thursday", "till friday", "until monday", "by thurs", "b4 sunday", "before monday", "by dec 10", "by nov 3",
    "for next thursday", "for next week", "for the 1st of october", "on the 12th", "for saturday", "by next friday",
    "in 10 days", "on the weekend", "next tuesday", "by thursday", "first thing tomorrow", "tomorrow afternoon",
    "sat", "on sat", "by wed", "sun", "thurs", "on fri", "by mon", "tues", "this sat", "next wed",
    "by christmas eve", "on christmas day", "before christmas", "by xmas", "by new year's eve", "on new years day",
    "on halloween", "by valentine's day", "christmas eve", "for christmas day", "by nye", "due christmas eve",
    "on wensday", "by thursdy", "on tuseday", "saterday", "2mro", "tomorow", "by tomrrow", "this wensday",
)
SHIFTS = ("by 2 days", "a day", "a week", "by a week", "2 days", "three days", "by one week", "back a day", "back 2 days", "out a week")
PRIORITIES = (
    "urgent", "it's urgent", "its urgent", "asap", "high priority", "important", "top priority", "very important",
    "super important", "critical", "low priority", "whenever", "no rush", "not urgent", "low prio", "medium priority",
    "normal priority", "it's important", "high prio", "priority high", "low", "high", "when i get a chance",
    "no hurry", "someday", "it's not urgent", "urgently", "this is urgent",
)
SET_PRIORITIES = (
    "urgent", "high priority", "important", "top priority", "low priority", "low", "high", "medium", "not urgent",
    "a priority", "less important", "normal priority", "critical", "asap",
)
NOTES = (
    "for Dana's wedding", "bring the vaccination card", "ask about the refund", "use the blue folder",
    "code is 4471", "call before 5pm", "the one with the red cover", "Jim has the keys", "budget is $200",
    "remember the receipts", "room 214, second floor", "check the warranty first", "ask for Maria",
    "needs 2 signatures", "the form is in my email", "take the 8:15 train", "bring ID", "gluten free please",
    "chocolate, no nuts, name on it is Lily", "blue, size 10, from the shop on Main St", "two copies, stapled",
    "ask for Maria, she's on the 2nd floor", "passport, tickets and the charger", "milk, eggs, bread",
)
ORDINAL_REFS = ("the first one", "the second one", "the third one", "the last one", "the first", "the second",
                "the second task", "the first task", "the last task", "the third item", "the 2nd task", "the top task",
                "the third", "the last", "first one", "second one", "number one", "the 2nd one", "the top one")
ID_REFS = ("task number 2", "1 and 3", "2 and 4", "3", "1", "4", "5", "tasks 1 & 2", "task 1", "task 2", "task 3", "task 4", "task 7", "#2", "#3", "number 4", "task #5", "item 2", "task two",
           "task three", "no. 6", "2", "tasks 1 and 3", "tasks 2, 4 and 5", "#1 and #2")
PRONOUN_REFS = ("it", "that", "that one", "this", "this one", "them", "both", "both of them", "all of those", "those",
                "the new one", "the one i just added", "the last one i added", "the latest one", "these")
TITLE_REFS = (
    "the dentist thing", "the milk", "the report", "the gas bill", "groceries", "the call with Jim", "the vet task",
    "the bike", "the plants", "the passport thing", "the email to Sarah", "the landlord one", "rent", "the speech",
    "the meeting", "the car", "the gym", "the laundry", "the tax stuff", "the drill", "the library books",
    "buying groceries", "calling mom", "the insurance one", "the water bill", "the pizza", "the haircut",
    "the slides", "email Tom", "the budget", "the flowers", "the invoices", "the oil change", "the lunchbox one",
    "the cake task", "the bank call", "the car wash", "the essay", "the meeting with Carlos", "the yoga class",
    "the piano lesson", "the bike repair", "the meeting preparation", "the electrician", "gym", "the dentist",
)
PAST_DONE = (
    "paid the gas bill", "called mom", "bought the milk", "sent the invoices", "finished the report",
    "watered the plants", "booked the hotel", "fixed the gate", "renewed my passport", "emailed Sarah",
    "picked up the dry cleaning", "returned the library books", "cleaned the kitchen", "walked the dog",
    "did the laundry", "took out the bins", "wrote the speech", "bought groceries", "buying groceries",
)
PARTICLE_DONE = (
    ("took", "the bins", "out"), ("put", "the recycling", "out"), ("picked", "the kids", "up"), ("sorted", "the invoices", "out"),
    ("dropped", "the parcel", "off"), ("backed", "the laptop", "up"), ("filled", "the form", "in"), ("handed", "the essay", "in"),
    ("paid", "the loan", "off"), ("cleaned", "the garage", "out"), ("threw", "the old sofa", "out"), ("looked", "the contract", "over"),
    ("took", "the trash", "out"), ("topped", "the phone", "up"), ("called", "the plumber", "back"), ("gave", "the drill", "back"),
)
NAMES = ("Jake", "Jack", "Tom", "Tim", "Anna", "Hannah", "Dan", "Don", "Sara", "Sarah", "Ben", "Ken", "Mia", "Maya",
         "Priya", "Carlos", "Luigi", "Dana", "Jim", "Karen", "Alex", "Sam", "Jo", "Kate", "Mike", "Lisa")
FILLERS = ("", "", "", "", "oh and ", "also ", "and ", "ok ", "okay so ", "hey ", "btw ", "oh ", "right, ", "um ", "so ",
           "actually ", "great, ", "ok, ", "cool, ")
POLITE = ("", "", "", "please ", "pls ", "can you ", "could you ", "can you please ", "would you ", "could you kindly ",
          "would you please ", "i'd like you to ", "do me a favour and ", "kindly ", "can u ")
TAILS = ("", "", "", "", " please", " pls", " thanks", " to my list", " to the list", " to my todo list", " for me",
         " if you don't mind", " thank you so much", ", thanks a lot", " - thanks!", " for me please, thank you", " when you can",
         " if that's ok", ", thanks so much!", " when you get a sec", ", that would be great", ", much appreciated",
         " as a task", " to my tasks", ", thank you!", " on my list please", " - cheers", " too", " as well",
         " too please", " as well, thanks", " tbh", " honestly", " lol", " i think")


IRREGULAR = {"feed": "fed", "do": "did", "go": "went", "make": "made", "find": "found", "leave": "left",
             "buy": "bought", "pay": "paid", "take": "took", "get": "got", "bring": "brought", "send": "sent",
             "write": "wrote", "read": "read", "meet": "met", "ring": "rang", "pick up": "picked up", "sweep": "swept",
             "tell": "told", "drop off": "dropped off", "hang": "hung", "grab": "grabbed", "plan": "planned",
             "top up": "topped up", "back up": "backed up", "sort out": "sorted out", "mow": "mowed"}


def _past(verb: str) -> str:
    if verb in IRREGULAR:
        return IRREGULAR[verb]
    head, _, rest = verb.partition(" ")
    if head in IRREGULAR:
        past = IRREGULAR[head]
    elif head.endswith("e"):
        past = head + "d"
    elif head.endswith("y") and head[-2:-1] not in "aeiou":
        past = head[:-1] + "ied"
    else:
        past = head + "ed"
    return f"{past} {rest}".strip()


def _bare(rng: random.Random, obj: str) -> str:
    """People drop the article on a phone: "call bank", "walk dog", "fix bike"."""
    return obj[4:] if obj.startswith("the ") and rng.random() < 0.25 else obj


def _title_ref(rng: random.Random, verbs: bool = False) -> str:
    roll = rng.random()
    if verbs and roll < 0.3:
        return f"{rng.choice(VERBS)} {_bare(rng, rng.choice(OBJECTS))}"
    if roll < 0.42:
        return rng.choice(TITLE_REFS)
    if roll < 0.5:
        return f"the {rng.choice(NOUN_ITEMS)}"
    obj = rng.choice(OBJECTS)
    if roll < 0.65:
        return f"the task about {obj}"
    if roll < 0.75:
        return f"the one about {obj}"
    return f"{obj} thing" if obj.startswith("the ") else f"the {obj} task"


MONTH_NAMES = ("january", "February", "march", "April", "may", "june", "July", "aug", "sept", "October", "nov", "Dec")


def _date(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.75:
        return rng.choice(DATES)
    day = rng.randint(1, 28)
    month = rng.choice(MONTH_NAMES)
    lead = rng.choice(("", "on ", "by ", "due ", "for ", "before "))
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(day if day < 20 else day % 10, "th")
    late = rng.randint(13, 28)
    number = rng.randint(1, 12)
    form = rng.choice((f"{day} {month}", f"{month} {day}", f"the {day}{suffix} of {month}", f"{month} {day}{suffix}",
                       f"{day}{suffix} {month}", f"2027-{rng.randint(1, 12):02d}-{day:02d}", f"{day} of {month}",
                       f"{number}/{late}", f"{late}/{number}", f"{number}/{late}/2027"))
    return lead + form


def _ref(rng: random.Random, verbs: bool = False) -> str:
    pool = rng.choice((ORDINAL_REFS, ID_REFS, PRONOUN_REFS, (), ()))
    return rng.choice(pool) if pool else _title_ref(rng, verbs)


# Parts of titles whose words look like something else: a date lead before an event that is no date
# ("tea before the outage"), a number that is no task ("limited errand 1"), "by" before an author,
# a verb that is also a command ("check the tyre pressure"). Combined at random, never listed whole.
EVENTS = ("the outage", "the party", "the meeting", "the storm", "the trip", "the wedding", "the interview", "the exam",
          "the move", "the concert", "the match", "its MOT", "the inspection", "the renovation", "Mum's visit",
          "the flight", "the holidays", "the launch", "the funeral", "the school run", "the game", "the deadline meeting",
          "the big day", "the audit", "the review", "the surgery", "the guests arrive", "work", "lunch", "the kids wake up")
LEADS = ("before", "after", "for", "ahead of", "during", "at", "until", "in time for", "after", "before")
ERRANDS = ("errand", "chapter", "step", "part", "level", "round", "lesson", "week", "phase", "episode", "module",
           "exercise", "page", "section", "set", "lap", "draft", "option", "batch", "item", "box", "task", "number")
ADJECTIVES = ("limited", "quick", "small", "final", "weekly", "big", "daily", "urgent", "last", "first", "new", "old",
              "next", "important", "short", "long", "easy", "hard", "high", "low")
BOOKS = ("Dune", "The Road", "Middlemarch", "Beloved", "Emma", "The Hobbit", "Circe", "Normal People", "Atonement",
         "the new book", "the biography", "that novel", "Project Hail Mary", "Sapiens", "the paper", "the report")
AUTHORS = ("Frank Herbert", "Cormac McCarthy", "George Eliot", "Toni Morrison", "Jane Austen", "Tolkien", "Madeline Miller",
           "Sally Rooney", "Ian McEwan", "Andy Weir", "Harari", "Smith", "the Monday team", "my sister", "Dr. Lee")
COMMAND_VERBS = ("check", "mark", "clear", "move", "delete", "show", "list", "count", "update", "change", "remove",
                 "cancel", "set up", "finish", "complete", "find", "search for", "note", "call", "drop", "open", "close",
                 "push", "raise", "lower", "post", "restore", "tick", "review", "book", "order", "put up")
COMMAND_OBJECTS = ("the tyre pressure", "the exam papers", "the gutters", "the couch upstairs", "old photos from the laptop",
                   "the house to buyers", "the votes", "the flat on Rightmove", "my address with the bank", "the oil",
                   "the spare keys", "the lost receipt", "the new router", "the bank account", "the gym membership",
                   "the parcel", "the blinds", "the shop", "the window", "the ticket", "the shelf", "the event page")
RECIPIENTS = ("everyone who came to the wedding", "the people who helped with the move", "all the guests",
              "the team that shipped the release", "the neighbours who fed the cat", "whoever organised the party")


def _tricky_title(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        head = rng.choice(NOUN_ITEMS) if rng.random() < 0.4 else f"{rng.choice(VERBS)} {rng.choice(OBJECTS[:60])}"
        return f"{head} {rng.choice(LEADS)} {rng.choice(EVENTS)}"
    if roll < 0.45:
        adjective = rng.choice(ADJECTIVES) + " " if rng.random() < 0.6 else ""
        number = str(rng.randint(1, 12)) if rng.random() < 0.8 else rng.choice(("one", "two", "three", "4b", "2a"))
        lead = rng.choice(("", "", "do ", "finish ", "plan ", "review ", "print "))
        return f"{lead}{adjective}{rng.choice(ERRANDS)} {number}"
    if roll < 0.6:
        return f"{rng.choice(('read', 'finish', 'return', 'buy', 'order', 'review', 'borrow'))} {rng.choice(BOOKS)} by {rng.choice(AUTHORS)}"
    if roll < 0.85:
        return f"{rng.choice(COMMAND_VERBS)} {rng.choice(COMMAND_OBJECTS)}"
    return f"send thank-you notes to {rng.choice(RECIPIENTS)}"


def _title(rng: random.Random, tricky: bool = False) -> str:
    roll = rng.random()
    if tricky and roll < 0.25:
        return _tricky_title(rng)
    if roll < 0.2:
        return rng.choice(STANDALONE_TITLES)
    return f"{rng.choice(VERBS)} {_bare(rng, rng.choice(OBJECTS))}"


def _seg(*parts: Segment) -> list[Segment]:
    return [p for p in parts if p[0]]


def _add(rng: random.Random) -> list[Segment]:
    title = _title(rng, tricky=True)
    if rng.random() < 0.1:
        quote = rng.choice(("'", '"', "“"))
        title = f"{quote}{title}{'”' if quote == '“' else quote}"
    date = _date(rng) if rng.random() < 0.55 else ""
    pri = rng.choice(PRIORITIES) if rng.random() < 0.35 else ""
    prefix = rng.choice((
        "add ", "add a task ", "add task ", "add a task to ", "add task: ", "add: ", "new task: ", "new task ",
        "remind me to ", "remind me ", "i need to ", "need to ", "i have to ", "have to ", "gotta ", "i gotta ",
        "i must ", "i should ", "don't let me forget to ", "dont forget to ", "can you add ", "please add ",
        "put ", "put down ", "jot down ", "jot down: ", "scribble down: ", "note to self: ", "todo: ", "to do: ",
        "create a task to ", "create a task: ", "make a task to ", "set a reminder to ", "remember to ",
        "i want to ", "i'd like to ", "i'll need to ", "i've got to ", "reminder: ", "task: ", "add a reminder to ",
        "", "", "ad a tsk to ", "add a todo ", "add to my list: ", "stick ", "log ", "i still need to ",
        "i really need to ", "i must not forget to ",
        "please you can add task: ", "could you add a task to ", "can you remind me to ", "hw: ", "chore: ",
        "shopping: ", "work: ", "i'm supposed to ", "we need to ", "we have to ", "need 2 ",
        "would you be so kind as to add a task for me to ", "could you please add a task to ", "i was wondering if you could add ",
        "if it's not too much trouble, please add ", "would you mind adding ", "i'd be grateful if you could remind me to ",
        "hi, can you please put ", "hello, could you add ", "when you have a moment, add ", "i'd love it if you could add ",
        "please add the following task: ", "add the following: ", "could you kindly add ", "kindly add ",
        "would it be possible to add ", "i was hoping you could add ", "do me a favour and add ", "if you could add ",
        "hey there, could you please add ", "gotta remember to ", "i need to remember to ", "make sure i ",
        "don't let me forget: ", "note: ", "add, um, ", "add uh ", "so, add ", "quick one: add ", "can u add ",
        "remind me that i need to ", "i should probably ", "at some point i need to ", "first thing: ",
        "add a new task: ", "add new task ", "new todo: ", "add a to-do: ", "add todo: ", "add an item: ",
        "pls add ", "plz add ", "can you put ", "put on my list: ", "add to my todo list: ", "i need to remember to ",
    ))
    lead = rng.choice(FILLERS)
    polite = rng.choice(POLITE) if prefix.startswith(("add", "create", "put", "remind", "set")) else ""
    tail = rng.choice(TAILS) if prefix else ""
    sep = rng.choice((" ", ", ", " - ", " "))
    shape = rng.random()
    if shape < 0.12 and date:
        # "remind me in 3 days to email Sarah", "tonight i have to finish the lab report"
        if rng.random() < 0.5:
            return _seg((lead + polite + "remind me", "C"), (date, "D"), ("to", "C"), (title, "T"), (sep + pri, "P"))
        return _seg((lead, "C"), (date, "D"), (prefix or "i need to ", "C"), (title, "T"), (sep + pri, "P"))
    if shape < 0.2 and pri:
        if rng.random() < 0.2:
            head = rng.choice(("it's important that i ", "it's really important that i ", "it's urgent that i ",
                               "it's not urgent but i should ", "no rush but i should ", "super important: i need to "))
            return _seg((lead, "C"), (head, "P"), (title, "T"), (date, "D"))
        if rng.random() < 0.4:
            head = rng.choice(("URGENT: ", "urgent: ", "urgent - ", "high priority: ", "important: ", "low priority: ",
                               "asap: ", "Important - ", "whenever: ", "not urgent: ", "URGENT ", "urgent ", "ASAP ",
                               "Important ", "high priority ", "low priority "))
            return _seg((lead, "C"), (head, "P"), (title, "T"), (date, "D"))
        adj = rng.choice(("an urgent", "a high priority", "an important", "a low priority", "low priority", "high priority",
                          "urgent", "important", "a high-priority", "a low-priority", "high prio", "low prio", "a medium priority"))
        return _seg((lead + polite + "add", "C"), (adj, "P"), ("task to" if rng.random() < 0.5 else "task:", "C"),
                    (title, "T"), (date, "D"))
    if shape < 0.24 and date and pri:
        return _seg((lead + polite + (prefix or "add "), "C"), (title, "T"), (", ", "C"),
                    (rng.choice(("priority ", "priority: ", "")) + rng.choice(("low", "high", "medium", "urgent")), "P"),
                    (", ", "C"), (rng.choice(("due ", "due on ", "due: ", "")) + _date(rng).removeprefix("on "), "D"), (tail, "C"))
    if shape < 0.3 and (not prefix or rng.random() < 0.5):
        # no command word at all: "fix the leaking tap asap", "book a haircut for next thursday"
        when = _date(rng) if rng.random() < 0.6 or not pri else ""
        return _seg((lead, "C"), (title, "T"), (when, "D"), (sep + pri if pri else "", "P"))
    if shape < 0.38:
        # a date corrected in the same breath: only the last one counts
        return _seg((lead + polite + (prefix or "add "), "C"), (title, "T"), (_date(rng), "D"),
                    (rng.choice((", no wait, ", ", no sorry, ", " - actually ", ", no, ", " oh no make that ")), "C"),
                    (_date(rng), "D"))
    if shape < 0.41:
        # a name corrected in the same breath: "call Jake tomorrow - sorry, Jack, not Jake" (the reader swaps it)
        old, new = rng.sample(NAMES, 2)
        verb = rng.choice(("call", "email", "text", "meet", "thank", "invite", "pay", "ring", "visit"))
        rest = rng.choice(("", "", " about the contract", " back", " re the invoice", " for lunch"))
        fix = rng.choice((f" - sorry, {new}, not {old}", f", sorry i mean {new}", f" (no wait, {new})", f", oops, {new} not {old}",
                          f", sorry, {new} not {old}", f" - i meant {new}", f", no wait, {new}", f" - sorry, {new} not {old}"))
        return _seg((lead + polite + (prefix or "add "), "C"), (f"{verb} {old}{rest}", "T"), (date, "D"), (fix, "C"))
    if shape < 0.44:
        return _seg((rng.choice(("also ", "and ", "plus ", "oh and ", "also add ", "and also ")), "C"),
                    (rng.choice(NOUN_ITEMS + OBJECTS[:20]) if rng.random() < 0.5 else title, "T"), (date, "D"))
    order = rng.random()
    segments = [(lead + polite + prefix, "C")]
    if order < 0.15 and date:
        segments += [(date, "D"), (title, "T"), (sep + pri, "P")]
    elif order < 0.3 and pri:
        segments += [(title, "T"), (sep + pri, "P"), (date, "D")]
    else:
        segments += [(title, "T"), (date, "D"), (sep + pri if pri else "", "P")]
    if rng.random() < 0.18:
        note_lead = rng.choice((", description: ", ", note: ", " - note: ", ", notes: ", " with a note: ", ", details: ",
                                " with the description ", ". details: ", ". note: ", " with the note ", " with a note saying ",
                                ", and note that ", " - remember: "))
        segments += [(note_lead, "C"), (rng.choice(NOTES), "N")]
    if rng.random() < 0.06 and date:
        segments += [(rng.choice((", it was due ", " - it was due ", ", was due ")), "C"),
                     (rng.choice(("yesterday", "last week", "last friday", "on monday")), "D")]
    segments.append((tail, "C"))
    return _seg(*segments)


def _add_items(rng: random.Random) -> list[Segment]:
    verbs = rng.random() < 0.5
    items = [_title(rng) for _ in range(rng.randint(2, 4))] if verbs else rng.sample(NOUN_ITEMS, rng.randint(2, 4))
    count = rng.choice((str(len(items)), ("two", "three", "four")[len(items) - 2]))
    head = rng.choice(("add ", "add ", "i need ", "put ", "add these: ", "three things: ", "a few things: ",
                       "i need to: ", "todo: ", "add to my list: ", "new tasks: ", f"add {count} things: ",
                       f"add {count} tasks: ", f"add these {count}: ", f"{count} things: ", f"add {count} tasks - ",
                       f"add {count} items: ", "add the following tasks: ")) if verbs else rng.choice(
        ("add ", "add ", "i need ", "put ", "shopping: ", "add to the shopping list: "))
    out: list[Segment] = [(rng.choice(FILLERS) + head, "C")]
    numbered = verbs and rng.random() < 0.3
    for i, item in enumerate(items):
        if numbered:
            out.append((rng.choice(("", " ")) + f"{i + 1}) " if rng.random() < 0.5 else " - ", "L"))
        elif i:
            out.append((rng.choice((" and ", ", and ", " & ")) if i == len(items) - 1 else rng.choice((", ", ", ", "; ")), "L"))
        out.append((item, "T"))
        if verbs and rng.random() < 0.2:
            out.append((_date(rng), "D"))
    out.append((rng.choice(("", " to the shopping list", " to my list", "", " please")), "C"))
    return _seg(*out)


def _refs(rng: random.Random) -> list[Segment]:
    if rng.random() < 0.15:
        return [(_title_ref(rng, True), "R"), (rng.choice((" and ", " & ", ", ")), "L"), (_title_ref(rng, True), "R")]
    if rng.random() < 0.05:
        first, second = rng.sample((*ID_REFS[8:13], "#1", "#2", "number 3", "the first one", "the last one"), 2)
        return [(first, "R"), (rng.choice((" and ", " & ", ", ")), "L"), (second, "R")]
    return [(_ref(rng, True), "R")]


def _complete(rng: random.Random) -> list[Segment]:
    lead = rng.choice(FILLERS)
    roll = rng.random()
    if roll < 0.25:
        who = rng.choice(("i ", "i just ", "i've ", "just ", "i finally ", "i already ", "finally ", "", "", "we "))
        done = rng.choice(PAST_DONE) if rng.random() < 0.3 else f"{_past(rng.choice(VERBS))} {_bare(rng, rng.choice(OBJECTS))}"
        if rng.random() < 0.12:
            done = f"{rng.choice(('got', 'bought', 'picked up', 'grabbed'))} {rng.choice(NOUN_ITEMS)}"
        if rng.random() < 0.15:
            done = f"{_past(rng.choice(VERBS))} {rng.choice(('it', 'that', 'them', 'that one'))}"
        elif rng.random() < 0.15:
            verb, obj, particle = rng.choice(PARTICLE_DONE)
            done = f"{verb} {obj} {particle}"
        tail = rng.choice(("", " btw", "!", ", cross it off", ", you can tick that off", " so that's done", " 🎉", " ✅",
                           " :)", "!!", " yay", " finally", ", mark it done", ", tick it off"))
        when = rng.choice(("", "", "", " today", " this morning", " yesterday"))
        if rng.random() < 0.15:
            obj = rng.choice(OBJECTS + TITLE_REFS)
            return _seg((lead, "C"), (obj, "R"), (rng.choice((" is ", " has been ", " got ", " was ", " ", " ")), "C"),
                        (_past(rng.choice(VERBS)).split(" ")[0], "C"), (when, "D"))
        return _seg((lead + who, "C"), (done, "R"), (when, "D"), (tail, "C"))
    templates = (
        ("mark ", " as done"), ("mark ", " done"), ("mark ", " as complete"), ("mark ", " completed"), ("", " is done"),
        ("", " done"), ("done with ", ""), ("i'm done with ", ""), ("finished ", ""), ("i finished ", ""),
        ("complete ", ""), ("finish ", ""), ("tick off ", ""), ("check off ", ""), ("cross off ", ""),
        ("", " is finished"), ("", " is complete"), ("", " has been done"), ("", " is sorted"), ("got ", " done"),
        ("i did ", ""), ("all done with ", ""), ("", " - done"), ("", " completed"), ("knock out ", ""),
        ("close ", ""), ("i've completed ", ""), ("i completed ", ""), ("", " is taken care of"), ("tick ", " off"),
        ("", "'s finished"), ("", "'s done"), ("", " are done"), ("", " got done"), ("", ", i have done it"),
        ("the task of ", ", i have done it"), ("", " is ready"), ("you can cross off ", ""), ("", " - finished it"),
        ("could you mark ", " as done"), ("please mark ", " as completed"), ("cross ", " off"), ("you can cross ", " off"),
        ("so you can cross ", " off"), ("you can tick ", " off"), ("", " is finished now"), ("", "'s finished"),
        ("", " is finally done"), ("so ", " is done"), ("", " can be ticked off"), ("tick ", " off please"),
        ("", " done ✅"), ("", " ✅"), ("done w/ ", ""), ("done w ", ""), ("", " - done ✅"), ("", " done!"),
        ("finally finished ", ""), ("just finished ", ""), ("", " done, thx"), ("", " is done now"),
    )
    before, after = rng.choice(templates)
    if rng.random() < 0.1:
        after += rng.choice((", thx", ", thanks", " thanks", "!", " :)", ", cheers", " ty"))
    return _seg((lead + rng.choice(POLITE[:4]) + before, "C"), *_refs(rng), (after, "C"))


def _bulk(intent: str) -> Callable[[random.Random], list[Segment]]:
    phrases = {
        "complete_all": ("mark all done", "mark everything as done", "complete everything", "i finished everything",
                         "all done", "tick everything off", "everything is done", "mark all of them complete",
                         "i've done all my tasks", "finish all tasks", "check off everything", "done with everything",
                         "you can mark all of it as complete", "complete all my tasks", "all tasks are done"),
        "clear_completed": ("clear the finished ones", "delete completed tasks", "remove the done ones",
                            "clear completed", "get rid of the finished tasks", "clean up the done tasks",
                            "delete everything that's done", "remove all completed", "clear out finished stuff",
                            "delete the ticked off ones", "delete all my completed tasks", "remove all finished tasks",
                            "delete all the done ones", "get rid of all completed items", "clear all my finished tasks",
                            "remove everything i've finished", "delete all the ones i've done", "bin all completed tasks"),
        "delete_all": ("delete everything", "delete all my tasks", "clear my list", "wipe the list", "remove all tasks",
                       "start over, delete all", "clear everything", "erase my whole list"),
    }[intent]
    quantifiers = frozenset({"all", "everything", "them", "it", "ones", "tasks", "stuff", "list", "of"})

    verbs = {"complete_all": ("mark", "finish", "complete", "tick off", "i did"),
             "delete_all": ("delete", "remove", "get rid of", "scrap", "clear"),
             "clear_completed": ("clear", "delete", "remove")}[intent]

    def make(rng: random.Random) -> list[Segment]:
        if intent != "clear_completed" and rng.random() < 0.3:
            # "delete both shed tasks", "mark all the garage ones done": a share of the list named by its words
            words = rng.choice(("shed", "garage", "kitchen", "work", "bike", "email", "fence", "car", "garden", "school",
                                "dentist", "shopping", "bathroom", "christmas", "party", "office", "tax", "call"))
            quant = rng.choice(("both", "all the", "all my", "all", "the two", "both the", "all of the"))
            after = " done" if intent == "complete_all" and rng.random() < 0.5 else ""
            return _seg((rng.choice(FILLERS[:6]) + rng.choice(verbs) + " ", "C"),
                        (f"{quant} {words} {rng.choice(('tasks', 'ones', 'tasks', 'things', 'items'))}", "R"), (after, "C"))
        words = (rng.choice(FILLERS[:6]) + rng.choice(phrases) + rng.choice(("", "", "!", ".", " please"))).split()
        return [(w, "R" if w.strip("!.") in quantifiers else "C") for w in words]
    return make


def _reopen(rng: random.Random) -> list[Segment]:
    before, after = rng.choice((
        ("reopen ", ""), ("re-open ", ""), ("uncheck ", ""), ("untick ", ""), ("mark ", " as not done"),
        ("mark ", " as incomplete"), ("mark ", " undone"), ("", " isn't done"), ("", " is not done yet"),
        ("actually ", " isn't finished"), ("", " isn't actually done"), ("put ", " back on my list"),
        ("mark ", " as pending"), ("uncomplete ", ""), ("i didn't actually finish ", ""), ("set ", " back to open"),
        ("", " is not finish yet, please open it again"), ("", " isn't done yet, reopen it"), ("open ", " again"),
        ("", " is not finished, open it again please"), ("", " still needs doing"), ("", " wasn't finished"),
        ("please reopen ", ", it's not done"), ("", " is not done, put it back"),
        ("i didnt finish ", ", mark it not done"), ("i didn't actually finish ", ", reopen it"),
        ("i haven't finished ", " yet, mark it as not done"), ("", " isn't done after all, reopen it"),
    ))
    return _seg((rng.choice(FILLERS) + before, "C"), *(_refs(rng) if rng.random() < 0.3 else [(_ref(rng), "R")]), (after, "C"))


def _delete(rng: random.Random) -> list[Segment]:
    ref = _ref(rng, True)
    before, after = rng.choice((
        ("delete ", ""), ("remove ", ""), ("scrap ", ""), ("get rid of ", ""), ("", " can go"), ("forget ", ""),
        ("drop ", ""), ("cancel ", ""), ("bin ", ""), ("trash ", ""), ("erase ", ""), ("ditch ", ""),
        ("take ", " off the list"), ("remove ", " from my list"), ("delete ", " please"), ("nuke ", ""),
        ("i don't need ", " anymore"), ("", " is no longer needed"), ("", " isn't needed anymore"),
        ("never mind ", ""), ("nevermind ", ""), ("forget about ", ""), ("kill ", ""), ("cross out ", ""),
        ("no need to ", " anymore"), ("no need for ", ""), ("no need to ", " any more"), ("there's no need to ", ""),
        ("i no longer need to ", ""), ("don't need to ", " anymore"), ("no need to ", ""), ("", " got cancelled, take it off my list"),
        ("", " was cancelled"), ("", " is cancelled, remove it"), ("", " isn't happening"), ("", " got canceled"),
        ("please erase ", ""), ("could you please delete ", " for me"), ("i don't have to ", " anymore"),
        ("", " is not needed"), ("remove ", " from the list please"), ("scratch ", ""), ("", " is off"),
    ))
    refs = _refs(rng) if rng.random() < 0.6 else [(ref, "R")]
    if not after and rng.random() < 0.2:
        after = rng.choice((", it got cancelled", ", it's not happening", ", the event was cancelled", ", take it off the list",
                            ", remove it", ", you can delete it", " - it was cancelled", ", it's been called off",
                            ", not needed anymore", ", changed my mind"))
    if before in ("no need to ", "i no longer need to ", "there's no need to ", "don't need to ", "i don't have to ",
                  "cancel ", "scrap ", "forget ") and rng.random() < 0.5:
        refs = [(_title(rng), "R")]  # "no need to renew the passport anymore": the task's own words
    lead = rng.choice((*FILLERS, "actually ", "actually ", "oh actually ", "hmm, ", "wait, "))
    return _seg((lead + rng.choice(POLITE[:5]) + before, "C"), *refs, (after, "C"))


BULK_REFS = ("everything", "all my tasks", "all tasks", "all the tasks", "everything on my list", "all of my tasks",
             "all the stuff", "every task")
BULK_FILTERS = ("due today", "from today", "for today", "that's overdue", "that is overdue", "due tomorrow", "due this week",
                "that's due friday", "for monday", "due on monday", "from this week", "that was due yesterday", "")


def _bulk_update(rng: random.Random) -> list[Segment]:
    """"push everything due today to tomorrow": the reference is the whole filtered set."""
    roll = rng.random()
    if roll < 0.3:
        ref = rng.choice(("all overdue tasks", "all the overdue ones", "all of today's tasks", "today's tasks",
                          "all of the overdue stuff", "every overdue task", "all today's stuff", "all of tomorrow's tasks",
                          "all the high priority tasks", "all the urgent ones"))
    else:
        ref = f"{rng.choice(BULK_REFS)} {rng.choice(BULK_FILTERS)}".strip()
    before, mid = rng.choice((("push ", " to "), ("move ", " to "), ("reschedule ", " for "), ("shift ", " to "),
                              ("postpone ", " until "), ("bump ", " to "), ("move ", " over to "), ("push ", " back to ")))
    lead = rng.choice((*FILLERS, "please ", "can you "))
    return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (_date(rng), "D"), (rng.choice(("", "", " please")), "C"))


def _update(rng: random.Random) -> list[Segment]:
    ref = _ref(rng)
    lead = rng.choice(FILLERS)
    kind = rng.random()
    if kind < 0.04:
        return _bulk_update(rng)
    if kind < 0.22:  # date
        before, mid = rng.choice((
            ("move ", " to "), ("push ", " to "), ("reschedule ", " for "), ("reschedule ", " to "), ("change ", " to "),
            ("make ", " due "), ("set ", " for "), ("move ", " "), ("put ", " on "), ("shift ", " to "),
            ("bump ", " to "), ("postpone ", " until "), ("change the due date of ", " to "), ("set the deadline for ", " to "),
            ("can we do ", " "), ("let's do ", " "), ("do ", " "), ("change the date of ", " to "), ("move ", " over to "),
            ("please to change the date of ", " to "), ("put ", " "), ("i'll do ", " "), ("push ", " "),
            ("set ", " due date to "), ("set the due date of ", " to "), ("change ", "'s due date to "),
            ("could you move ", " to "), ("i'd like to move ", " to "), ("set the date for ", " to "),
        ))
        if rng.random() < 0.2:
            return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (_date(rng), "D"),
                        (rng.choice((", no sorry, ", ", no wait, ", " - actually ")), "C"), (_date(rng), "D"))
        date = _date(rng)
        return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (date, "D"),
                    (rng.choice(("", "", " instead", " please")), "C"))
    if kind < 0.3:  # shift
        before, mid = rng.choice((("push ", " back "), ("postpone ", " "), ("delay ", " by "), ("move ", " back "),
                                  ("push ", " out "), ("bump ", " ")))
        return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (rng.choice(SHIFTS), "D"))
    if kind < 0.33:  # date first: "X is due friday", "X should be done by monday"
        return _seg((lead, "C"), (ref, "R"), (rng.choice((" is due ", " is now due ", " should be done ", " needs to happen ",
                                                          " needs to be done ", " has to be done ", " should happen ",
                                                          " has to happen ", " is happening ")), "C"),
                    (_date(rng), "D"))
    if kind < 0.5:  # priority
        pri = rng.choice(SET_PRIORITIES)
        roll = rng.random()
        if roll < 0.6:
            before, mid = rng.choice((("make ", " "), ("mark ", " as "), ("set ", " to "), ("flag ", " as "),
                                      ("change ", " to "), ("", " is "), ("", " is now "), ("make ", " a "),
                                      ("", " are "), ("", " are now "), ("", " should be "),
                                      ("set the priority of ", " to "), ("change the priority of ", " to ")))
            if rng.random() < 0.15:
                return _seg((lead, "C"), (ref, "R"), (rng.choice((" isn't urgent", " is not important", " isn't important",
                                                                   " is urgent", " is important", " is super urgent",
                                                                   " aren't urgent", " isn't urgent anymore",
                                                                   " is no longer urgent", " aren't urgent anymore",
                                                                   " isn't a priority anymore", " are urgent")), "P"))
            return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (pri, "P"))
        verb = rng.choice((("bump ", " up", "P"), ("bump ", " down", "P"), ("raise ", "", ""), ("lower ", "", ""),
                           ("bump up ", "", ""), ("bump down ", "", ""), ("deprioritise ", "", ""), ("prioritise ", "", ""),
                           ("bump ", " down to low", "P"), ("bump ", " up to high", "P"), ("downgrade ", "", ""),
                           ("escalate ", "", ""), ("raise the priority of ", "", ""), ("lower the priority of ", "", "")))
        return _seg((lead + verb[0], "P"), (ref, "R"), (verb[1], verb[2] or "C"))
    if kind < 0.62:  # rename
        new = _title(rng)
        quote = rng.choice(("", "", "'", '"'))
        before, mid = rng.choice((
            ("rename ", " to "), ("rename ", " as "), ("change the title of ", " to "), ("retitle ", " to "),
            ("change the name of ", " to "), ("call ", " "), ("", " should be called "), ("rename ", " "),
            ("change ", " to "), ("edit ", " to say "), ("update the title of ", " to "),
            ("fix the typo in ", ", it should say "), ("correct ", " to "), ("", " should say "),
            ("", " is spelled wrong, it should be "), ("can you change the title of ", " to "), ("reword ", " as "),
        ))
        if quote and rng.random() < 0.4:
            ref = f"{quote}{_title(rng)}{quote}"
        return _seg((lead + before, "C"), (ref, "R"), (mid + quote, "C"), (new, "X"), (quote + rng.choice(("", " instead")), "C"))
    if kind < 0.74:  # note
        before, mid = rng.choice((
            ("add a note to ", ": "), ("put a note on ", ": "), ("add a description to ", ": "), ("note on ", ": "),
            ("add a note to ", " saying "), ("attach a note to ", ": "), ("add details to ", ": "),
            ("set the description of ", " to "), ("for ", ", note: "), ("add to the description of ", ": "),
        ))
        return _seg((lead + before, "C"), (ref, "R"), (mid, "C"), (rng.choice(NOTES), "N"))
    if kind < 0.8:  # clear due
        before, after = rng.choice((("remove the due date from ", ""), ("clear the deadline on ", ""),
                                    ("", " doesn't need a due date"), ("no deadline for ", ""), ("remove the date from ", ""),
                                    ("", " doesn't have a deadline anymore"), ("", " has no due date now"),
                                    ("take the date off ", ""), ("", " no longer has a deadline")))
        return _seg((lead, "C"), (before, "D"), (ref, "R"), (after, "D"))
    # several changes to one task
    pri = rng.choice(SET_PRIORITIES)
    date = _date(rng)
    if rng.random() < 0.5:
        return _seg((lead + rng.choice(("make ", "set ", "mark ")), "C"), (ref, "R"), (" ", "C"), (pri, "P"),
                    (rng.choice((" and due ", " and ", ", due ", " and move it to ")), "C"), (date, "D"))
    return _seg((lead + rng.choice(("move ", "push ", "reschedule ")), "C"), (ref, "R"), (" to ", "C"), (date, "D"),
                (rng.choice((" and make it ", " and mark it ", ", ", " and set it to ")), "C"), (pri, "P"))


def _correction(rng: random.Random) -> list[Segment]:
    lead = rng.choice(("no wait, ", "no wait ", "actually ", "oops, ", "sorry, ", "no, ", "wait, ", "hmm ", "", "nah ",
                       "sorry ", "no sorry, ", "oh wait, ", "hmm, actually ", "ugh, ", "whoops, "))
    roll = rng.random()
    if roll < 0.15:
        return _seg((lead, "C"), (rng.choice(("it's not urgent", "it's urgent", "that's important", "not urgent at all",
                                              "it's not urgent at all", "it's quite important", "no rush on that",
                                              "that one's urgent", "it is low priority")), "P"), (rng.choice(("", ".")), "C"))
    if roll < 0.25:
        return _seg((lead + rng.choice(("not ", "it's not ", "")), "C"), (_date(rng), "D"),
                    (rng.choice((", ", ", it's ", ", is ", " but ")), "C"), (_date(rng), "D"))
    if roll < 0.5:
        if rng.random() < 0.3:  # going on about the task just added or changed: "and due on saturday"
            return _seg((rng.choice(("and ", "and ", "also ", "oh and ", "")) + rng.choice(("due ", "it's due ", "make it due ",
                                                                                          "it needs doing ", "")), "C"),
                        (_date(rng).removeprefix("due "), "D"), (rng.choice(("", " too", " as well")), "C"))
        return _seg((lead + rng.choice(("make that ", "make it ", "change that to ", "change it to ", "move it to ",
                                        "i meant ", "")), "C"), (_date(rng), "D"), (rng.choice(("", " instead")), "C"))
    if roll < 0.8:
        return _seg((lead + rng.choice(("make that ", "make it ", "set it to ", "change it to ")), "C"),
                    (rng.choice(SET_PRIORITIES), "P"), (rng.choice(("", " instead", " priority")), "C"))
    head = rng.choice(("make that ", "change that to ", "call it ", "rename it to ", "i meant ", "i mean ", "make it ",
                       "it should be ", "should be ", "meant ", "", "i meant to say "))
    if not head and not lead:
        head = "i meant "
    return _seg((lead + head, "C"), (_title(rng), "X"), (rng.choice(("", " instead", "", " not that")), "C"))


LIST_PHRASES = (
    "what's on my list", "show my tasks", "show me my tasks", "list my tasks", "what's overdue", "anything overdue",
    "what do i have today", "what's due today", "what's due tomorrow", "what's due this week", "what's left",
    "what is left", "what do i still have to do", "list completed tasks", "what did i finish", "what have i done",
    "show completed", "show everything", "show all tasks", "list all", "anything urgent", "what's urgent",
    "show high priority tasks", "what's pending", "my tasks", "todo list", "what should i be doing",
    "anything i should be doing", "what's on my plate", "what do i need to do", "show me what's due friday",
    "what's on for tomorrow", "give me my list", "read me my tasks", "what's next", "any tasks left",
    "what's still open", "what are my tasks", "tasks", "list", "what did i complete this week", "show done tasks",
    "what's late", "what have i got on", "show my list please", "whats on the agenda", "agenda for today",
    "what tasks are done", "which tasks are overdue", "show me low priority stuff", "do i have anything due today",
    "list the low priority ones", "show the urgent ones", "list the high priority ones", "show me the overdue ones",
    "list the done ones", "show the ones due today", "list the important ones", "show me the completed ones",
    "and the finished ones", "what about the done ones", "and the completed ones", "what did i get done so far",
    "what have i finished so far", "what have i ticked off", "and the ones i finished", "the done ones too",
)
COUNT_PHRASES = ("how many tasks do i have", "how many are left", "how many tasks are left", "count my tasks",
                 "how many things are on my list", "how many are overdue", "how many did i finish",
                 "how many high priority tasks", "number of tasks", "how many to go")
SEARCH_TEMPLATES = (("anything about ", ""), ("do i have anything about ", ""), ("find ", ""), ("search for ", ""),
                    ("is there a task about ", ""), ("when's ", ""), ("when is ", ""), ("when is ", " due"),
                    ("is there anything on ", ""), ("look up ", ""), ("do i have a task for ", ""), ("what about ", ""),
                    ("any tasks about ", ""), ("when do i have to do ", ""), ("when's ", " due"), ("search ", ""),
                    ("look for ", ""), ("any tasks with ", " in them"), ("tasks with ", " in the name"),
                    ("show me tasks about ", ""), ("search my tasks for ", ""), ("find tasks about ", ""),
                    ("anything with ", " in it"), ("find the ", " one"), ("when is my ", ""), ("when's my ", ""),
                    ("when is my ", " due"), ("what day is my ", ""))
CHECK_TEMPLATES = (("did i already add ", ""), ("did i add ", " already"), ("is ", " on my list"), ("do i have ", " on my list"),
                   ("did i already ", ""), ("did i ", ""), ("have i done ", ""), ("have i finished ", ""), ("is ", " done"),
                   ("have i ", " yet"), ("did i ", " yet"), ("is ", " finished"), ("is ", " complete"), ("did i do ", ""),
                   ("have i already ", ""), ("did i finish ", ""), ("did i complete ", ""), ("was ", " done"))
CHECK_OBJECTS = ("pay the water bill", "call mom", "book the hotel", "send the invoices", "renew my passport",
                 "water the plants", "email Sarah", "the report", "the dentist thing", "task 2", "it", "the milk",
                 "fix the gate", "buy groceries", "return the library books", "the gas bill")
UNDO = ("undo", "undo that", "oops bring it back", "oops, bring it back", "bring it back", "oops that was wrong",
        "that was wrong", "revert that", "put it back", "restore it", "undo the last change", "oops undo",
        "undo please", "can you undo that", "take that back", "i didn't mean that", "oops, that was a mistake", "go back",
        "hmm no, undo", "no, undo that", "nah undo that", "actually undo that", "wait undo", "no no undo",
        "ugh undo", "undo the last one", "reverse that")
GREETINGS = ("hi", "hello", "hey", "hey there", "good morning", "morning", "yo", "hiya", "hello there", "good evening")
THANKS = ("thanks", "thank you", "thx", "cheers", "great, thanks", "perfect", "awesome", "ok thanks", "nice", "cool",
          "got it", "ok", "okay", "great")
HELP = ("help", "what can you do", "how does this work", "how do i use you", "what do you do", "commands", "?")
NONE = ("what's the weather like", "tell me a joke", "who won the game", "what is the meaning of life", "blah",
        "asdf", "who are you", "what time is it", "i'm bored", "sing a song", "lol", "hmm", "no idea",
        "what's 2 plus 2", "how are you", "meh", "the sky is blue", "whatever", "I like turtles")


_WHEN = frozenset(["today", "tonight", "tomorrow", "friday", "monday", "tuesday", "wednesday", "thursday", "saturday", "sunday", "week", "weekend", "next", "this", "month", "days", "3", "soon", "by", "before"])


def _dated(text: str) -> list[Segment]:
    """A question's words as commands, its date words as a date."""
    return [(word, "D" if word.strip("?!.,") in _WHEN else "C") for word in text.split()]


def _from(phrases: tuple[str, ...], tag: str = "C") -> Callable[[random.Random], list[Segment]]:
    def make(rng: random.Random) -> list[Segment]:
        ending = rng.choice(("", "", "?", "!", ".", " please"))
        return _dated(rng.choice(FILLERS[:6]) + rng.choice(phrases) + ending)
    return make


def _search(rng: random.Random) -> list[Segment]:
    before, after = rng.choice(SEARCH_TEMPLATES)
    return _seg((before, "C"), (rng.choice(TITLE_REFS + OBJECTS[:30]), "R"), (after + rng.choice(("?", "", "?")), "C"))


def _check(rng: random.Random) -> list[Segment]:
    before, after = rng.choice(CHECK_TEMPLATES)
    return _seg((rng.choice(("", "", "hey ", "wait, ")) + before, "C"), (rng.choice(CHECK_OBJECTS), "R"), (after + "?", "C"))


LIST_STARTS = ("what do i need to do", "what do i need to get done", "what's due", "anything due", "show me", "show me what's due",
               "what have i got", "what's on", "do i have anything", "list", "which tasks are", "what tasks do i have",
               "show me everything", "what's", "what is", "tell me what's", "which ones are", "any tasks", "what are my tasks",
               "can you show me what's", "what should i do", "what's left to do", "give me the tasks")
LIST_FILTERS = ("today", "by friday", "this week", "in the next 3 days", "overdue", "that's urgent", "high priority",
                "including the stuff i've already done", "including done ones", "still open", "left", "tomorrow",
                "for tomorrow", "on monday", "next week", "pending", "that i finished", "completed", "low priority",
                "due soon", "late", "", "", "before the weekend", "in the next week", "that's important")


def _list_with_filters(rng: random.Random) -> list[Segment]:
    if rng.random() < 0.5:
        return _from(LIST_PHRASES)(rng)
    return _dated(rng.choice(FILLERS[:6]) + rng.choice(LIST_STARTS) + " " + rng.choice(LIST_FILTERS)
                  + rng.choice(("?", "", "?", " please", "?!")))


REPEATS = (
    "every monday", "every tuesday and thursday", "every day", "daily", "every other day", "every 2 weeks", "every two weeks",
    "every 2 weeks starting friday", "every other week starting monday", "on weekdays", "every weekday", "weekdays",
    "every weekend", "on the 1st of every month", "on the 15th of each month", "the 1st of every month", "monthly",
    "every month", "every year", "yearly", "weekly", "every week", "every 3 days", "every mon, wed and fri",
    "every friday until march", "each morning", "every night", "on mondays", "mondays", "every other tuesday",
    "fortnightly", "every sunday", "every saturday morning", "every wednesday", "once a week", "once a month",
    "every 10 days", "every thursday starting next week", "each month on the 5th", "monthly on the 28th",
    "every day until friday", "every monday and friday", "every morning", "every evening", "annually", "biweekly",
)
LIST_NAMES = ("shopping", "grocery", "groceries", "work", "home", "hardware", "garden", "errands", "packing", "holiday",
              "Christmas", "school", "kids", "reading", "movies", "gift", "bills", "personal", "DIY", "weekend",
              "Costco", "IKEA", "office", "car", "Work", "Shopping", "house", "travel", "wedding", "party")


def _list_name(rng: random.Random) -> list[Segment]:
    """ "my shopping list", "the work list": the name is the label."""
    return [(rng.choice((" my ", " the ", " my ", " our ")), "C"), (rng.choice(LIST_NAMES), "B"),
            (rng.choice((" list", " list", " list", " list please")), "C")]


def _add_repeat(rng: random.Random) -> list[Segment]:
    title = _title(rng)
    prefix = rng.choice(("", "", "add ", "remind me to ", "i need to ", "new task: ", "add a repeating task to ",
                         "set up a recurring task to ", "please add ", "can you add ", "add repeating task: ",
                         "add a recurring task: ", "add recurring task ", "repeating task: ", "recurring: ",
                         "add a repeating task: ", "new recurring task: "))
    repeat = rng.choice(REPEATS)
    pri = rng.choice(PRIORITIES) if rng.random() < 0.15 else ""
    if rng.random() < 0.2:
        return _seg((rng.choice(FILLERS) + prefix, "C"), (repeat, "E"), (rng.choice((", ", " ")), "C"), (title, "T"),
                    (", " + pri if pri else "", "P"))
    segments = [(rng.choice(FILLERS) + prefix, "C"), (title, "T"), (rng.choice((" ", " ", ", ")), "C"), (repeat, "E")]
    if pri:
        segments.append((", " + pri, "P"))
    if rng.random() < 0.2:
        segments += [(rng.choice((", put it on", " and put it on", " on", ", add it to")), "C"), *_list_name(rng)[1:]]
    return _seg(*segments)


def _add_to_list(rng: random.Random) -> list[Segment]:
    items = rng.sample(NOUN_ITEMS, rng.randint(1, 3)) if rng.random() < 0.6 else [_title(rng)]
    out: list[Segment] = [(rng.choice(FILLERS) + rng.choice(("add ", "add ", "put ", "please add ", "can you add ", "stick ")), "C")]
    for i, item in enumerate(items):
        if i:
            out.append((" and " if i == len(items) - 1 else ", ", "L"))
        out.append((item, "T"))
    if rng.random() < 0.15:
        out.append((" " + _date(rng), "D"))
    out.append((rng.choice((" to", " on", " onto", " to", " for")), "C"))
    out += _list_name(rng)
    return _seg(*out)


def _update_repeat(rng: random.Random) -> list[Segment]:
    ref = _ref(rng) if rng.random() < 0.5 else _title_ref(rng)
    lead = rng.choice(FILLERS)
    if rng.random() < 0.3:
        before, after = rng.choice((("stop repeating ", ""), ("", " shouldn't repeat anymore"), ("don't repeat ", " anymore"),
                                    ("make ", " a one-off"), ("", " doesn't repeat any more"), ("stop ", " from repeating"),
                                    ("turn off repeat for ", ""), ("no more repeats for ", ""), ("", " no longer repeats"),
                                    ("stop the repeat on ", ""), ("", " should stop repeating")))
        return _seg((lead, "C"), (before, "E"), (ref, "R"), (after, "E"))
    before, mid = rng.choice((("make ", " repeat "), ("set ", " to repeat "), ("", " should repeat "), ("repeat ", " "),
                              ("make ", " recur "), ("change ", " to repeat "), ("", " repeats "), ("have ", " repeat "),
                              ("make ", " a recurring task "), ("schedule ", " ")))
    return _seg((lead + before, "C"), (ref, "R"), (mid, "E"), (rng.choice(REPEATS), "E"))


def _update_label(rng: random.Random) -> list[Segment]:
    ref = _ref(rng) if rng.random() < 0.4 else _title_ref(rng)
    before, mid = rng.choice((("put ", " on"), ("move ", " to"), ("add ", " to"), ("take ", " off"), ("remove ", " from"),
                              ("file ", " under"), ("move ", " over to"), ("take ", " out of"), ("put ", " in"),
                              ("stick ", " on"), ("move ", " onto"), ("label ", " as"), ("tag ", " with")))
    return _seg((rng.choice(FILLERS) + before, "C"), (ref, "R"), (mid, "C"), *_list_name(rng))


def _list_label(rng: random.Random) -> list[Segment]:
    before = rng.choice(("what's on", "what is on", "show", "show me", "list", "anything on", "what's left on",
                         "read me", "open", "what do i have on", "whats on"))
    return [(rng.choice(FILLERS[:6]) + before, "C"), *_list_name(rng), (rng.choice(("?", "", "?", " please")), "C")]


def _restore(rng: random.Random) -> list[Segment]:
    before, after = rng.choice((("restore ", ""), ("bring back ", ""), ("bring ", " back"), ("undelete ", ""),
                                ("recover ", ""), ("get ", " back"), ("restore ", " from the trash"),
                                ("bring ", " back from the trash"), ("oops, bring ", " back"), ("i need ", " back")))
    ref = rng.choice(ID_REFS + PRONOUN_REFS[:6]) if rng.random() < 0.6 else _title_ref(rng)
    return _seg((rng.choice(FILLERS) + before, "C"), (ref, "R"), (after, "C"))


TRASH_PHRASES = ("what's in the trash", "show the trash", "show deleted tasks", "what did i delete", "show me the bin",
                 "list deleted tasks", "what's in the bin", "open the trash")


GENERATORS: tuple[tuple[str, Callable[[random.Random], list[Segment]], float], ...] = (
    ("add", _add_repeat, 0.04),
    ("add", _add_to_list, 0.03),
    ("update", _update_repeat, 0.03),
    ("update", _update_label, 0.03),
    ("list", _list_label, 0.015),
    ("list", _from(TRASH_PHRASES), 0.005),
    ("undo", _restore, 0.015),
    ("add", _add, 0.30),
    ("add", _add_items, 0.05),
    ("complete", _complete, 0.11),
    ("reopen", _reopen, 0.04),
    ("delete", _delete, 0.07),
    ("update", _update, 0.15),
    ("update", _correction, 0.05),
    ("list", _list_with_filters, 0.08),
    ("complete_all", _bulk("complete_all"), 0.012),
    ("clear_completed", _bulk("clear_completed"), 0.01),
    ("delete_all", _bulk("delete_all"), 0.006),
    ("count", _from(COUNT_PHRASES), 0.02),
    ("search", _search, 0.04),
    ("check", _check, 0.04),
    ("undo", _from(UNDO), 0.02),
    ("greet", _from(GREETINGS), 0.01),
    ("thanks", _from(THANKS), 0.01),
    ("help", _from(HELP), 0.01),
    ("none", _from(NONE), 0.02),
)
JOINERS = (" and ", ", and ", ", then ", " and then ", ", also ", ". ", " also ", " & ", ", plus ", "; ", ", ", ", and also ",
           " and also ", ", oh and ", ". also ", " - also ", ", and please ", " and can you ", ". oh, and ")
MULTI_OK = ("add", "complete", "delete", "update", "reopen", "list")


def _pick(rng: random.Random) -> tuple[str, list[Segment]]:
    roll = rng.random() * sum(w for _, _, w in GENERATORS)
    for intent, make, weight in GENERATORS:
        roll -= weight
        if roll <= 0:
            return intent, make(rng)
    intent, make, _ = GENERATORS[0]
    return intent, make(rng)


# How people shorten command words on a phone ("remind me 2 take out", "can u add").
TEXTSPEAK = ((" to ", " 2 "), ("you ", "u "), ("please", "pls"), (" with ", " w/ "), ("for ", "4 "), ("are ", "r "))


def _typo(rng: random.Random, text: str) -> str:
    """One slip in one word: a letter dropped, doubled or swapped with the next."""
    chars = list(text)
    i = rng.randrange(1, len(chars) - 1)
    if not (chars[i].isalpha() and chars[i + 1].isalpha()):
        return text
    kind = rng.random()
    if kind < 0.5:
        del chars[i]
    elif kind < 0.75:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars.insert(i, chars[i])
    return "".join(chars)


def _noise(rng: random.Random, segments: list[Segment]) -> list[Segment]:
    out = []
    for text, tag in segments:
        if tag == "C" and rng.random() < 0.08:
            text = text.replace("'", "")
        if tag == "C" and rng.random() < 0.06:
            old, new = rng.choice(TEXTSPEAK)
            text = text.replace(old, new)
        if tag in "CDP" and rng.random() < 0.07 and len(text.strip()) > 3:
            text = _typo(rng, text)
        if rng.random() < 0.15:
            text = text.lower()
        out.append((text, tag))
    if out and rng.random() < 0.3:
        text, tag = out[0]
        out[0] = (text[:1].upper() + text[1:], tag)
    return out


def noisy(rng: random.Random, example: Example) -> Example:
    """The same example with typing noise drawn afresh (used to multiply hand-written sentences)."""
    return Example([(intent, _noise(rng, segments)) for intent, segments in example.clauses])


def generate(count: int, seed: int) -> list[Example]:
    rng = random.Random(seed)
    examples = []
    for _ in range(count):
        clauses = [_pick(rng)]
        more = 0 if clauses[0][0] not in MULTI_OK else 2 if rng.random() < 0.08 else 1 if rng.random() < 0.27 else 0
        for _ in range(more):
            intent, segs = _pick(rng)
            while intent not in MULTI_OK:
                intent, segs = _pick(rng)
            clauses.append((intent, [(rng.choice(JOINERS), "S"), *segs]))
        examples.append(Example([(intent, _noise(rng, segs)) for intent, segs in clauses]))
    return examples
