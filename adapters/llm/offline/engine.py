"""Reads a message into intents with slots: pure, deterministic, no I/O.

    message -> sentences -> tokens -> tags (perceptron tagger) -> clauses (split at S)
            -> per clause: intent (perceptron classifier) + slots cut from the original text

The model that acts on a reading (adapters.llm.offline.model) resolves references and
dates and decides whether it is sure enough to change anything.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from adapters.llm.offline.lexicon import CLOSED_WORDS
from adapters.llm.offline.perceptron import AveragedPerceptron, GreedyTagger
from adapters.llm.offline.slots import read_date
from adapters.llm.offline.text import Token, intent_features, token_features, tokenize

WEIGHTS = Path(__file__).with_name("weights.json.gz")
_BOUNDARY = re.compile(r"[.!?;]+\s+(?=\S)|\s*\n+\s*")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:dr|mr|mrs|ms|st|prof|jr|sr|vs|etc|e\.g|i\.e|approx|no|mt|ft|ave|rd|inc|ltd|co)\.?$",
                           re.IGNORECASE)
_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(:]))[\"“‘'](?P<q>(?:[^\"“”‘’']|['’](?=\w))+?)[\"”’'](?=$|[\s,.!?;:)])")
_NOTE_LABEL = re.compile(r"(?:details?|notes?|description|desc|comment)\s*:", re.IGNORECASE)
# A list laid out as bullets or numbers is one list of items, not separate sentences.
_BULLET = re.compile(r"\s*\n\s*(?:[-*•·]|\d{1,2}[.)])\s+|(?:(?<=\s)|^)\d{1,2}\)\s+")
MUTATING = frozenset({"add", "complete", "reopen", "delete", "update", "undo"})


@dataclass(frozen=True, slots=True)
class Reading:
    """One intent of a message, with the person's own words for each slot."""

    intent: str
    confidence: float
    text: str  # the clause as typed
    titles: tuple[str, ...] = ()
    item_dates: tuple[str | None, ...] = ()  # per title: its own date words, if it has any
    date: str | None = None  # normalised words, for the date resolver
    priority: str | None = None  # normalised words
    reference: str | None = None  # normalised words
    references: tuple[str, ...] = ()  # several tasks named at once ("the yoga class and the piano lesson")
    note: str | None = None
    new_title: str | None = None
    alternatives: tuple[str, ...] = field(default=())  # other intents close behind

    @property
    def mutating(self) -> bool:
        return self.intent in MUTATING


@dataclass(frozen=True, slots=True)
class Engine:
    tagger: GreedyTagger
    classifier: AveragedPerceptron

    def read(self, message: str) -> list[Reading]:
        readings: list[Reading] = []
        for sentence in _sentences(message.strip()):
            tokens = tokenize(sentence)
            if not tokens:
                continue
            tags = _repair(sentence, tokens, self.tagger.tag(token_features(tokens)))
            for clause_tokens, clause_tags in _clauses(tokens, tags):
                readings.append(self._reading(sentence, clause_tokens, clause_tags))
        return readings

    def tags(self, text: str) -> list[tuple[str, str]]:
        """(token, tag) pairs: for tests and for debugging a misreading."""
        tokens = tokenize(text)
        return [(t.raw, g) for t, g in zip(tokens, self.tagger.tag(token_features(tokens)), strict=True)]

    def _reading(self, sentence: str, tokens: list[Token], tags: list[str]) -> Reading:
        scores = self.classifier.scores(intent_features(tokens, tags))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.classifier.classes.index(item[0])))
        best, top = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else top - 1.0
        # The margin over the runner-up, in weight units, scaled to 0..1 (10 points: certain).
        confidence = min(1.0, (top - runner) / 10.0)
        close = tuple(label for label, score in ranked[1:3] if top - score < 2.5)
        start, end = tokens[0].start, tokens[-1].end
        text = sentence[start:end]
        titles, item_dates = _items(sentence, tokens, tags)
        references = _word_groups(tokens, tags, "R")
        note = _original(sentence, tokens, tags, "N")
        new_title = _original(sentence, tokens, tags, "X")
        # Quotes mark exact words: a quoted title, note or new title is taken whole.
        quoted = [(m.start("q"), m.end("q"), m.group("q")) for m in _QUOTED.finditer(sentence, start, end)]
        if quoted:
            def inside(kind: str) -> str | None:
                spans = [(tokens[a].start, tokens[b - 1].end) for a, b in _groups(tokens, tags, kind)]
                for q_start, q_end, q_text in quoted:
                    if any(a < q_end and q_start < b for a, b in spans):
                        return q_text.strip()
                return None
            if best == "update" and len(quoted) >= 2:
                references, new_title = (quoted[0][2].lower(),), quoted[-1][2].strip()
            else:
                title = inside("T")
                if title and len(titles) <= 1:
                    titles = (title,)
                note = inside("N") or note
                new_title = inside("X") or new_title
                if not note and best == "add" and len(quoted) >= 2 and titles and titles[0] == quoted[0][2].strip():
                    note = quoted[1][2].strip()  # "create 'X' with the description 'Y'"
        return Reading(
            intent=best,
            confidence=round(confidence, 3),
            text=text,
            titles=titles,
            item_dates=item_dates,
            date=_spans(sentence, tokens, tags, "D"),
            priority=_words(tokens, tags, "P"),
            reference=" ".join(references) if references else None,
            references=references,
            note=note,
            new_title=new_title,
            alternatives=close,
        )


def _sentences(message: str) -> list[str]:
    if len(_BULLET.findall(message)) >= 2:
        head, *items = _BULLET.split(message)
        message = head.rstrip(" :") + ": " + ", ".join(i.strip(" ,;") for i in items if i.strip(" ,;"))
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(message):
        piece = message[start : m.start() + len(m.group().rstrip())]
        if _ABBREVIATION.search(message[start : m.start()]) and m.group().startswith(".") and "\n" not in m.group():
            continue  # "Dr. Patel", "St. Mary's": not the end of a sentence
        if _NOTE_LABEL.match(message, m.end()):
            continue  # "... tomorrow. details: ..." belongs to the task before it
        out.append(piece)
        start = m.end()
    out.append(message[start:])
    return [p.strip() for p in out if p.strip()]


_REFERENCE_DAY = date(2026, 1, 5)  # any day: only whether the words read as a date matters


def _repair(sentence: str, tokens: list[Token], tags: list[str]) -> list[str]:
    """Second thoughts the resolvers can give the tagger: words tagged as a date that no date
    reader understands ("chat 1 turn 0") are title words; after a leading "add", words
    outside every closed class are title words too."""
    tags = list(tags)
    adding = bool(tokens) and tokens[0].norm in {"add", "create"}
    if not adding and "T" not in tags:
        return tags  # a question's date words ("due this week") stay as the tagger read them
    for start, end in _groups(tokens, tags, "D"):
        words = sentence[tokens[start].start : tokens[end - 1].end].lower()
        if read_date(words, _REFERENCE_DAY) is None and not re.search(r"\b(?:due|date|deadline)\b", words):
            tags[start:end] = ["T"] * (end - start)
    if adding and "T" in tags:
        first_title = tags.index("T")
        for i in range(1, first_title):
            if tags[i] == "C" and _lex_open(tokens[i].norm):
                tags[i] = "T"
    return tags


def _lex_open(word: str) -> bool:
    return word.isalnum() and word not in CLOSED_WORDS


_JOINS = frozenset({"and", ",", "then", "also", "plus", "&", ";"})


def _clauses(tokens: list[Token], tags: list[str]) -> list[tuple[list[Token], list[str]]]:
    # An "item" that names an existing task ("... and mark task 2 done") starts a new intent.
    tags = list(tags)
    for i, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
        if tag in "LC" and token.norm in _JOINS:
            end = next((j for j in range(i + 1, len(tags)) if tags[j] in "LS"), len(tags))
            start = max((j for j in range(i) if tags[j] == "S"), default=-1)
            if "R" in tags[i + 1 : end] and "T" in tags[start + 1 : i] and "R" not in tags[start + 1 : i]:
                tags[i] = "S"
    out: list[tuple[list[Token], list[str]]] = [([], [])]
    for token, tag in zip(tokens, tags, strict=True):
        if tag == "S":
            if out[-1][0]:
                out.append(([], []))
            continue
        out[-1][0].append(token)
        out[-1][1].append(tag)
    return [c for c in out if c[0]]


def _groups(tokens: list[Token], tags: list[str], wanted: str) -> list[tuple[int, int]]:
    """Index ranges of consecutive tokens with the wanted tag."""
    groups: list[tuple[int, int]] = []
    start = None
    for i, tag in enumerate([*tags, "~"]):
        if tag == wanted and start is None:
            start = i
        elif tag != wanted and start is not None:
            groups.append((start, i))
            start = None
    return groups


_EDGE = " ,.;:!?-–—\"'“”‘’()[]"


def _cut(sentence: str, tokens: list[Token], start: int, end: int) -> str:
    return sentence[tokens[start].start : tokens[end - 1].end].strip(_EDGE)


def _items(sentence: str, tokens: list[Token], tags: list[str]) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
    """Titles as typed, with each one's own date words. Items split at L; pieces of one
    title split by a date or priority join up."""
    items: list[list[str]] = [[]]
    item_dates: list[list[str]] = [[]]
    for i, tag in enumerate(tags):
        if tag == "L" and items[-1]:
            items.append([])
            item_dates.append([])
        elif tag == "D":
            item_dates[-1].append(tokens[i].norm)
        elif tag == "T":
            start = i
            if i == 0 or tags[i - 1] != "T":
                end = start
                while end < len(tags) and tags[end] == "T":
                    end += 1
                piece = _cut(sentence, tokens, start, end)
                if piece:
                    items[-1].append(piece)
    kept = [(" ".join(parts), " ".join(d) or None) for parts, d in zip(items, item_dates, strict=True) if parts]
    return tuple(t for t, _ in kept), tuple(d for _, d in kept)


def _original(sentence: str, tokens: list[Token], tags: list[str], wanted: str) -> str | None:
    groups = _groups(tokens, tags, wanted)
    if not groups:
        return None
    text = sentence[tokens[groups[0][0]].start : tokens[groups[-1][1] - 1].end].strip(_EDGE)
    return text or None


_POINTERS = frozenset(["it", "that", "this", "one", "ones", "them", "those", "these", "both", "all", "of", "the", "same"])


def _word_groups(tokens: list[Token], tags: list[str], wanted: str) -> tuple[str, ...]:
    groups: list[list[str]] = [[]]
    for token, tag in zip(tokens, tags, strict=True):
        if tag == "L" and groups[-1]:
            groups.append([])
        elif tag == wanted:
            groups[-1].append(token.norm)
    out = []
    for words in groups:
        if not words:
            continue
        if all(w in _POINTERS for w in words) and len(words) >= 2:
            # "that ... it", "both of them": a pointer, said twice
            plural = any(w in {"them", "those", "these", "both", "all", "ones"} for w in words)
            out.append("them" if plural else "it")
        else:
            out.append(" ".join(words))
    return tuple(out)


def _spans(sentence: str, tokens: list[Token], tags: list[str], wanted: str) -> str | None:
    """The tagged stretches as written (lower-cased), so "2027-01-15" stays one date."""
    parts = [sentence[tokens[a].start : tokens[b - 1].end].lower() for a, b in _groups(tokens, tags, wanted)]
    return " ".join(parts) if parts else None


def _words(tokens: list[Token], tags: list[str], wanted: str) -> str | None:
    words = [t.norm for t, tag in zip(tokens, tags, strict=True) if tag == wanted]
    return " ".join(words) if words else None


@lru_cache(maxsize=1)
def load(path: Path = WEIGHTS) -> Engine:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    return Engine(GreedyTagger(AveragedPerceptron.from_json(data["tagger"])),
                  AveragedPerceptron.from_json(data["intents"]))
