"""Small vocabularies: number words, ordinals, verb forms, priority words."""

from __future__ import annotations

import re

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "a": 1, "an": 1, "a couple of": 2, "a couple": 2, "a few": 3, "couple of": 2,
}
ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6, "eighth": 7, "8th": 7,
    "ninth": 8, "9th": 8, "tenth": 9, "10th": 9, "last": -1, "final": -1, "bottom": -1, "top": 0,
    "penultimate": -2, "second last": -2, "second to last": -2,
}
NUMBER = r"(\d+|" + "|".join(sorted((re.escape(w) for w in NUMBER_WORDS), key=len, reverse=True)) + r")"

IRREGULAR_PAST = {
    "paid": "pay", "bought": "buy", "went": "go", "did": "do", "made": "make", "wrote": "write",
    "sent": "send", "took": "take", "got": "get", "gave": "give", "read": "read", "rang": "ring",
    "met": "meet", "found": "find", "fed": "feed", "sold": "sell", "told": "tell", "ran": "run",
    "swept": "sweep", "hung": "hang", "brought": "bring", "caught": "catch", "put": "put",
    "set": "set", "left": "leave", "kept": "keep", "spoke": "speak", "drove": "drive",
    "ate": "eat", "saw": "see", "sang": "sing", "fixed": "fix", "booked": "book", "threw": "throw",
    "took out": "take out", "won": "win", "paid off": "pay off", "built": "build", "dug": "dig",
    "sorted": "sort", "emailed": "email", "called": "call", "texted": "text", "washed": "wash",
    "cleaned": "clean", "ironed": "iron", "finished": "finish", "renewed": "renew", "watered": "water",
    "mowed": "mow", "posted": "post", "picked": "pick", "returned": "return", "cancelled": "cancel",
    "canceled": "cancel", "ordered": "order", "vacuumed": "vacuum", "walked": "walk", "filed": "file",
    "submitted": "submit", "planned": "plan", "shopped": "shop", "mopped": "mop", "dropped": "drop",
    "hoovered": "hoover", "tidied": "tidy", "emptied": "empty", "replied": "reply", "applied": "apply",
    "studied": "study", "copied": "copy", "tried": "try", "dried": "dry", "fried": "fry",
}

_PAST_REGULAR = re.compile(r"^[a-z]{3,}ed$")


def base_verb(word: str) -> str:
    """'ironed' -> 'iron', 'booked' -> 'book', 'paid' -> 'pay' (good enough to match titles)."""
    if word in IRREGULAR_PAST:
        return IRREGULAR_PAST[word]
    if _PAST_REGULAR.match(word):
        stem = word[:-2]
        if stem.endswith("i"):
            return stem[:-1] + "y"
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz":
            return stem[:-1]
        if stem.endswith(("at", "iv", "ag", "ur", "ok", "uc", "ir")) and not stem.endswith("ook"):
            return stem + "e"
        return stem
    return word


def singular(word: str) -> str:
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def parse_number(text: str) -> int | None:
    text = text.strip().lower()
    if text.isdigit():
        return int(text)
    return NUMBER_WORDS.get(text)
