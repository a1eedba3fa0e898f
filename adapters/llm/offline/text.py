"""Tokens with their place in the person's text, a normalised reading of each, and the
features the tagger and the intent classifier see.

The person's text is never rewritten: titles and notes are cut from the original string
by character offsets, so capitals and punctuation survive as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from adapters.llm.offline.lexicon import (
    CLOSED_WORDS,
    COMMAND_WORDS,
    DATE_WORDS,
    FILLER_WORDS,
    NUMBER_WORDS,
    ORDINAL_WORDS,
    PRIORITY_WORDS,
    PRONOUNS,
    REAL_WORDS,
    REPEAT_WORDS,
    SLANG,
    TYPO_TARGETS,
)
from adapters.llm.offline.words import IRREGULAR_PAST, base_verb, singular

_PAST = re.compile(r"^[a-z]{3,}ed$")
# "AT&T", "R&D": an ampersand between letters with no space is part of the name, not a list's "and"
# "W-2", "COVID-19", "555-0142": a code or a number joined by a hyphen is one word ("1-3" stays a range)
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+|&[^\W\d_]+|(?<=[^\W\d_])-\d+|(?<=\d)-\d{3,})*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    raw: str
    norm: str


def _edit1(word: str, target: str) -> bool:
    """True when one insertion, deletion, substitution or adjacent swap turns word into target."""
    if abs(len(word) - len(target)) > 1 or word == target:
        return False
    if len(word) == len(target):
        diffs = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and word[diffs[0]] == target[diffs[1]] and word[diffs[1]] == target[diffs[0]]
    short, long_ = (word, target) if len(word) < len(target) else (target, word)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@lru_cache(maxsize=8192)
def normalise_word(raw: str) -> str:
    word = raw.lower().replace("’", "'")
    if word in SLANG:
        return SLANG[word]
    if len(word) >= 5 and word not in COMMAND_WORDS and word not in REPEAT_WORDS and word not in REAL_WORDS \
            and not word.isdigit():
        for target in TYPO_TARGETS:
            if _edit1(word, target):
                return target
    return word


# "its due tmrw", "its kinda urgent": "its" before a predicate is "it's" typed without the apostrophe
# (before a noun it is the possessive: "the bin and its lid").
_PREDICATE_AFTER_ITS = frozenset({
    "due", "kinda", "kind", "sort", "sorta", "super", "very", "really", "pretty", "so", "quite", "urgent", "important",
    "high", "low", "medium", "not", "for", "on", "by", "tomorrow", "today", "tonight", "done", "already", "overdue",
    "late", "top", "priority", "asap", "critical", "no", "ok", "fine", "been", "gonna", "going", "just", "also", "now",
    "a", "an", "the", "urgently", "time", "finished", "over", "still", "actually", "next", "this"})


def tokenize(text: str) -> list[Token]:
    tokens = [Token(m.start(), m.end(), m.group(), normalise_word(m.group())) for m in _TOKEN.finditer(text)]
    for i, token in enumerate(tokens[:-1]):
        if token.norm == "its" and tokens[i + 1].norm in _PREDICATE_AFTER_ITS:
            tokens[i] = Token(token.start, token.end, token.raw, "it's")
    return tokens


def _shape(raw: str) -> str:
    if raw.isdigit():
        return "d"
    if raw[:1].isdigit():
        return "d+"
    if not raw[:1].isalpha():
        return "p"
    if raw.isupper() and len(raw) > 1:
        return "XX"
    return "Xx" if raw[:1].isupper() else "x"


def _lex(word: str) -> str:
    if word in REPEAT_WORDS:
        return "rep"
    if word in DATE_WORDS:
        return "date"
    if word in PRIORITY_WORDS:
        return "pri"
    if word in NUMBER_WORDS or word.isdigit():
        return "num"
    if word in ORDINAL_WORDS:
        return "ord"
    if word in PRONOUNS:
        return "pron"
    if word in COMMAND_WORDS:
        return "cmd"
    if word in FILLER_WORDS:
        return "fill"
    if word in IRREGULAR_PAST or _PAST.match(word):
        return "past"  # "took", "paid", "called": a finished task is often told in the past tense
    return "-"


@lru_cache(maxsize=8192)
def _lemma(word: str) -> str:
    """A rough base form: "booked" -> "book", "tickets" -> "ticket" (features only)."""
    return singular(base_verb(word))


def _closed(word: str) -> str:
    return "1" if word in CLOSED_WORDS or not word[:1].isalnum() else "0"


def token_features(tokens: list[Token]) -> list[list[str]]:
    """Per token: its own word (and forms of it that generalise past the word: lemma, prefix,
    suffixes, shape, word class, closed or open), a window of two words and word classes each
    side, and where it stands in the sentence and in its stretch between commas."""
    words = [t.norm for t in tokens]
    lex = [_lex(w) for w in words]
    n = len(tokens)
    first = words[0] if words else ""
    out: list[list[str]] = []
    since = 0  # tokens since the last comma / "and"
    for i, token in enumerate(tokens):
        w = words[i]
        p1 = words[i - 1] if i > 0 else "<s>"
        p2 = words[i - 2] if i > 1 else "<s>"
        n1 = words[i + 1] if i + 1 < n else "</s>"
        n2 = words[i + 2] if i + 2 < n else "</s>"
        l1 = lex[i - 1] if i > 0 else "<s>"
        l2 = lex[i - 2] if i > 1 else "<s>"
        r1 = lex[i + 1] if i + 1 < n else "</s>"
        r2 = lex[i + 2] if i + 2 < n else "</s>"
        c0 = _closed(w)
        c1 = _closed(n1) if i + 1 < n else "e"
        cm1 = _closed(p1) if i > 0 else "s"
        out.append([
            "b",
            f"w={w}",
            f"lm={_lemma(w)}",
            f"p3={w[:3]}",
            f"s2={w[-2:]}",
            f"s3={w[-3:]}",
            f"sh={_shape(token.raw)}",
            f"lx={lex[i]}",
            f"cl={cm1}{c0}{c1}",
            f"w-1={p1}",
            f"w-2={p2}",
            f"w+1={n1}",
            f"w+2={n2}",
            f"w-1w={p1}|{w}",
            f"ww+1={w}|{n1}",
            f"w-1lx={p1}|{lex[i]}",
            f"lxw+1={lex[i]}|{n1}",
            f"l-1={l1}",
            f"l+1={r1}",
            f"l-2l-1={l2}|{l1}",
            f"l+1l+2={r1}|{r2}",
            f"l-1l+1={l1}|{lex[i]}|{r1}",
            f"first={first}",
            f"pos={min(i, 4)}",
            f"end={min(n - 1 - i, 3)}",
            f"seg={min(since, 3)}",
            f"shn={_shape(tokens[i + 1].raw) if i + 1 < n else '</s>'}",
        ])
        since = 0 if w in {",", "and", ";", ":", "-", "&", "then"} else since + 1
    return out


def transition_keys(tokens: list[Token]) -> list[str]:
    """What a tag-to-tag step may depend on besides the two tags: the token's word class."""
    return [_lex(t.norm) for t in tokens]


def intent_features(tokens: list[Token], tags: list[str]) -> list[str]:
    """Bag of words and bigrams over the non-title words, plus the tags' outline."""
    words = [t.norm for t in tokens]
    kept = [w if tag not in "TNX" else f"<{tag}>" for w, tag in zip(words, tags, strict=True)]
    collapsed: list[str] = []
    for w in kept:
        if not collapsed or not (w.startswith("<") and collapsed[-1] == w):
            collapsed.append(w)
    features = ["b"] + [f"u={w}" for w in collapsed]
    features += [f"bi={a}|{b}" for a, b in zip(["<s>", *collapsed], [*collapsed, "</s>"], strict=True)]
    features += [f"t={tag}" for tag in sorted(set(tags))]
    # word classes generalise past single words: "bought the milk" / "fed the cat" start with a past tense
    classes = [_lex(w) for w in words]
    features += [f"lx={c}" for c in sorted(set(classes))]
    if words:
        features.append(f"flx={classes[0]}|{tags[0]}")
    features.append(f"outline={''.join(dict.fromkeys(tags))}")
    if collapsed:
        features.append(f"first={collapsed[0]}")
        features.append(f"last={collapsed[-1]}")
    return features
