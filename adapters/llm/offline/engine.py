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
from itertools import pairwise
from pathlib import Path

from rapidfuzz import fuzz

from adapters.llm.offline.dates import find_date
from adapters.llm.offline.lexicon import (
    CLOSED_WORDS,
    COMMAND_WORDS,
    DATE_WORDS,
    DONE_STATE_WORDS,
    FILLER_WORDS,
    INTERJECTIONS,
    PRIORITY_WORDS,
    REPEAT_WORDS,
)
from adapters.llm.offline.mood import leading_intent
from adapters.llm.offline.perceptron import AveragedPerceptron, GreedyTagger, StructuredTagger
from adapters.llm.offline.slots import read_date
from adapters.llm.offline.text import Token, intent_features, token_features, tokenize, transition_keys

WEIGHTS = Path(__file__).with_name("weights.json.gz")
# The second reader, trained on the hand-written sentences too: consulted when the first is unsure (ADR 0015).
SECOND_WEIGHTS = Path(__file__).with_name("weights-written.json.gz")
_BOUNDARY = re.compile(r"[.!?;]+\s+(?=\S)|\s*\n+\s*")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:dr|mr|mrs|ms|st|prof|jr|sr|vs|etc|e\.g|i\.e|approx|no|mt|ft|ave|rd|inc|ltd|co|incl|excl"
                           r"|esp|appt|dept|min|max|tel|ref)\.?$",
                           re.IGNORECASE)
_QUOTED = re.compile(r"(?:(?<=^)|(?<=[\s(:]))[\"“‘'](?P<q>(?:[^\"“”‘’']|['’](?=\w))+?)[\"”’'](?=$|[\s,.!?;:)])")
_NOTE_LABEL = re.compile(r"(?:details?|notes?|description|desc|comment)\s*:"
                         r"|\bwith\s+(?:a|the)\s+(?:note|description|comment)\s+(?:that|saying)\b", re.IGNORECASE)
# A list laid out as bullets or numbers is one list of items, not separate sentences.
_BULLET = re.compile(r"\s*\n\s*(?:[-*•·]|\d{1,2}[.)])\s+|(?:(?<=\s)|^)\d{1,2}\)\s+")
BEAM = 1  # tag sequences kept while reading: greedy (a beam of 4 was weighed: no better, docs/language.md)
_CURRENCY = frozenset({"£", "$", "€", "¥", "₹"})
MUTATING = frozenset({"add", "complete", "reopen", "delete", "update", "undo"})
UNEXPLAINED_ASKS = True  # a change whose words the reading cannot explain asks (docs/adr/0012-offline-sequence-decoder.md)


@dataclass(frozen=True, slots=True)
class Reading:
    """One intent of a message, with the person's own words for each slot."""

    intent: str
    confidence: float
    text: str  # the clause as typed
    titles: tuple[str, ...] = ()
    item_dates: tuple[str | None, ...] = ()  # per title: its own date words, if it has any
    date: str | None = None  # normalised words, for the date resolver
    date_groups: tuple[str, ...] = ()  # each stretch of date words on its own ("due today" ... "tomorrow")
    priority: str | None = None  # normalised words
    reference: str | None = None  # normalised words
    references: tuple[str, ...] = ()  # several tasks named at once ("the yoga class and the piano lesson")
    note: str | None = None
    new_title: str | None = None
    alternatives: tuple[str, ...] = field(default=())  # other intents close behind
    unsure: bool = False  # a slot could not be read for certain (a correction that fits no word): ask
    repeat: str | None = None  # words of a repeating rule ("every monday", "stop repeating")
    label: str | None = None  # a list's name as typed ("shopping" in "my shopping list")
    reference_text: str | None = None  # the reference as typed (capitals kept)
    # Words of a change that the reading leaves unexplained: read as neither a slot nor any
    # command/filler word the reader was trained on ("book the car in | for its MOT"). They make it unsure.
    unexplained: tuple[str, ...] = ()

    @property
    def mutating(self) -> bool:
        return self.intent in MUTATING


@dataclass(frozen=True, slots=True)
class Engine:
    tagger: GreedyTagger | StructuredTagger
    classifier: AveragedPerceptron
    known: frozenset[str] = frozenset()  # every word the training corpus used as a command or filler word

    def _tag(self, tokens: list[Token]) -> list[str]:
        if isinstance(self.tagger, StructuredTagger):
            return self.tagger.tag(token_features(tokens), transition_keys(tokens))
        return self.tagger.tag(token_features(tokens), BEAM)

    def read(self, message: str) -> list[Reading]:
        readings: list[Reading] = []
        for sentence in _sentences(message.strip()):
            tokens = tokenize(sentence)
            if not tokens:
                continue
            tags = _repair(sentence, tokens, self._tag(tokens))
            clauses = _clauses(tokens, tags)
            for clause_tokens, clause_tags in clauses:
                reading = self._reading(sentence, clause_tokens, clause_tags)
                if len(clauses) > 1 and (said := leading_intent(reading.text)) in {"add", "delete", "complete"} \
                        and reading.intent != said:
                    # "scrap the gym task and | add go for a run tomorrow": a clause whose own verb says what it
                    # is, misread beside its neighbour, is read again by itself
                    alone = self.read(reading.text)
                    if len(alone) == 1 and alone[0].intent == said:
                        reading = alone[0]
                readings.append(reading)
        return readings

    def tags(self, text: str) -> list[tuple[str, str]]:
        """(token, tag) pairs: for tests and for debugging a misreading."""
        tokens = tokenize(text)
        return [(t.raw, g) for t, g in zip(tokens, self._tag(tokens), strict=True)]

    def _reading(self, sentence: str, tokens: list[Token], tags: list[str]) -> Reading:
        tags = _added_clause(tokens, tags)
        tags = _said_done(tokens, tags)
        lone_note = _LONE_NOTE.match(sentence, tokens[0].start, tokens[-1].end) if "R" not in tags else None
        if lone_note:
            # "and add a note: account no. 55-1023": a note for the task just talked about, not a task of its own
            return Reading(intent="update", confidence=1.0, text=sentence[tokens[0].start : tokens[-1].end],
                           note=lone_note["note"].strip(_EDGE) or None, reference="it", references=("it",))
        scores = dict(zip(self.classifier.classes, self.classifier.score_list(intent_features(tokens, tags)), strict=True))
        ranked = sorted(scores.items(), key=lambda item: (-item[1], self.classifier.classes.index(item[0])))
        best, top = ranked[0]
        # A bulk intent and its one-task form are one family: the margin that counts is over other intents
        # (whether it is the bulk form is the executor's call: it needs "all"/"everything").
        family = {best, *_FAMILY.get(best, ())}
        others = [score for label, score in ranked[1:] if label not in family]
        runner = others[0] if others else top - 1.0
        # The margin over the runner-up, in weight units, scaled to 0..1 (10 points: certain).
        confidence = min(1.0, (top - runner) / 10.0)
        if tokens[0].norm in {"add", "create"} and best in _NEVER_AFTER_ADD:
            # "add limited task one" is never a completion or a deletion: rather than act on a
            # task the words happen to name, ask (no confidence, so the executor changes nothing).
            confidence = 0.0
        close = tuple(label for label, score in ranked[1:3] if top - score < 2.5)
        start, end = tokens[0].start, tokens[-1].end
        text = sentence[start:end]
        named_list = _LIST_NAME.search(sentence, start, end) if "B" not in tags else None
        if named_list:
            # "take milk off the shopping list": a list named the usual way is a label, never a title or a task
            tags = ["C" if named_list.start() <= t.start < named_list.end() else g for t, g in zip(tokens, tags, strict=True)]
        if best == "add" and "T" in tags and "R" in tags:
            # inside an add, a "reference" that runs on from the title is more of the title: "slip for | the zoo trip"
            tags = list(tags)
            for i in range(1, len(tags)):
                if tags[i] == "R" and tags[i - 1] == "T":
                    tags[i] = "T"
            for i in range(len(tags) - 2, -1, -1):
                if tags[i] == "R" and tags[i + 1] == "T":
                    tags[i] = "T"
        if best == "add":
            tags = _fill_title_holes(tokens, tags)
        fix = _NAME_FIX.search(sentence, start, end) if best == "add" else None
        explained = [(named_list.start(), named_list.end())] if named_list else []
        if fix:
            explained.append((fix.start(), end))  # "sorry, Jack, not Jake": the correction's words
        unexplained: tuple[str, ...] = ()
        if best in MUTATING and UNEXPLAINED_ASKS:
            tags = self._absorb(tokens, tags, explained)
            unexplained = self._unexplained(tokens, tags, explained, heading=best == "add")
        unsure = bool(unexplained)
        titles, item_dates = _items(sentence, tokens, tags)
        if fix and fix["new"].lower() not in CLOSED_WORDS:
            # "call Jake tomorrow - sorry, Jack, not Jake": the correction is not a task; it swaps a word
            kept = ["C" if t.start >= fix.start() and g in "TL" else g for t, g in zip(tokens, tags, strict=True)]
            titles, item_dates = _items(sentence, tokens, kept)
            fixed = tuple(_swap(t, fix["new"], fix["old"]) for t in titles)
            unsure = unsure or not titles or all(a == b for a, b in zip(fixed, titles, strict=True))
            titles = fixed
        tags = _bare_references(tokens, _corrected_reference(tokens, tags))
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
        date_groups = tuple(sentence[tokens[a].start : tokens[b - 1].end].lower() for a, b in _said_dates(tokens, tags))
        return Reading(
            intent=best,
            confidence=round(confidence, 3),
            text=text,
            titles=titles,
            item_dates=item_dates,
            date=" ".join(date_groups) or None,
            date_groups=date_groups,
            priority=_words(tokens, tags, "P"),
            reference=" ".join(references) if references else None,
            references=references,
            note=note,
            new_title=new_title,
            alternatives=close,
            unsure=unsure,
            repeat=_spans(sentence, tokens, tags, "E"),
            label=_original(sentence, tokens, tags, "B") or (named_list[1] if named_list else None),
            reference_text=_original(sentence, tokens, tags, "R"),
            unexplained=unexplained,
        )

    def _odd(self, token: Token, tag: str, explained: list[tuple[int, int]]) -> bool:
        """An open word read as a command word that no command or filler the reader knows accounts
        for (outside the spans a rule already explains: a list's name, a correction)."""
        word = token.norm
        if tag != "C" or not self.known or word in self.known or word in CLOSED_WORDS or word in INTERJECTIONS \
                or word in _ASIDES or word in DONE_STATE_WORDS or word in _LABEL_WORDS or word in _IT_IS:
            return False
        return bool(_WORD.fullmatch(word)) and not any(a <= token.start < b for a, b in explained)

    def _absorb(self, tokens: list[Token], tags: list[str], explained: list[tuple[int, int]]) -> list[str]:
        """Such words right beside a title or a reference are that slot's own words: "I called the
        insurance | company": the reading explains them as part of the slot."""
        tags = list(tags)
        for i in range(1, len(tags)):
            if tags[i - 1] in "TRX" and self._odd(tokens[i], tags[i], explained):
                tags[i] = tags[i - 1]
        for i in range(len(tags) - 2, -1, -1):
            if tags[i + 1] in "TRX" and self._odd(tokens[i], tags[i], explained):
                tags[i] = tags[i + 1]
        for i in range(2, len(tags)):
            # "buy a new charger | for my | Kindle": the same across a link of a few small words
            if not self._odd(tokens[i], tags[i], explained):
                continue
            j = i - 1
            while j > 0 and i - j <= 3 and tags[j] == "C" and tokens[j].norm in CLOSED_WORDS and tokens[j].norm.isalpha():
                j -= 1
            if j < i - 1 and tags[j] in "TRX" and tokens[j + 1].norm in _TITLE_LINKS:
                tags[j + 1 : i + 1] = [tags[j]] * (i - j)
        return tags

    def _unexplained(self, tokens: list[Token], tags: list[str], explained: list[tuple[int, int]], *,
                     heading: bool = False) -> tuple[str, ...]:
        # "hw: finish calc problem set 4": in an add, a heading of a word or two before a colon says what kind
        # of task follows (before a change, "write report: due friday", the words name the task to change)
        first = next((i for i, t in enumerate(tokens[:3]) if t.raw == ":"), 0) if heading else 0
        return tuple(t.raw for i, (t, g) in enumerate(zip(tokens, tags, strict=True))
                     if i >= first and self._odd(t, g, explained))


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


_WORD = re.compile(r"[a-z][a-z'’-]+")
_REFERENCE_DAY = date(2026, 1, 5)  # any day: only whether the words read as a date matters


def _repair(sentence: str, tokens: list[Token], tags: list[str]) -> list[str]:
    """Second thoughts the resolvers can give the tagger: words tagged as a date that no date
    reader understands ("chat 1 turn 0") are title words; after a leading "add", words
    outside every closed class are title words too."""
    tags = list(tags)
    if "B" in tags and not any(t.norm in _LABEL_WORDS for t in tokens):
        # a list's name comes with a word for a list ("my shopping list", "label it work"); without one it is a title word
        tags = ["T" if g == "B" else g for g in tags]
    # Quotes mark exact words: one quoted stretch is one slot, whatever the tagger split it into;
    # after "with the description" / "note:" a quote is the note.
    quotes = [(m.start("q"), m.end("q")) for m in _QUOTED.finditer(sentence)]
    for n, (q_start, q_end) in enumerate(quotes):
        inside = [i for i, t in enumerate(tokens) if q_start <= t.start and t.end <= q_end]
        kinds = [tags[i] for i in inside if tags[i] in "TRNX"]
        if not kinds and _NOTE_BEFORE.search(sentence, 0, q_start - 1):
            kinds = ["N"]  # "with the note 'ten minutes, hamstrings first'": the tagger read the quote as commands
        if not kinds:
            continue
        kind = max("TRNX", key=kinds.count)
        if n and _NOTE_WORD.search(sentence, quotes[n - 1][1], q_start):
            kind = "N"
        before = [i for i, t in enumerate(tokens) if t.end <= q_start - 1]
        if kind == "R" and before and tags[before[-1]] == "R" and tokens[0].norm in _RENAME_VERBS:
            kind = "X"  # "call task 1 'Renew passport & visa'": a quote after the task named is its new title
            for i in (inside[0] - 1, inside[-1] + 1) if inside else ():
                if 0 <= i < len(tokens) and not tokens[i].norm.isalnum():
                    tags[i] = "C"  # the quote marks themselves
        for i in inside:
            tags[i] = kind
    _rename_to(tokens, tags)
    # "pay rent on the 1st of | every month": a date that holds "every" / "each" is a repeat
    for start, end in _groups(tokens, tags, "D"):
        at = next((i for i in range(start, end) if tokens[i].norm in {"every", "each"}), None)
        if at is not None:
            tags[at:end] = ["E"] * (end - at)
    # "water the plants | every monday": a task named first, with nothing but a repeat after it, is a new one
    if tags and tags[0] == "R":
        first_other = next((i for i, g in enumerate(tags) if g != "R"), len(tags))
        if first_other < len(tags) and tags[first_other] == "E" and "C" not in tags[first_other:] and \
                tokens[first_other].norm in _REPEAT_STARTS and \
                not any(tokens[i].norm in {"repeat", "repeats", "repeating", "recur", "recurring"} for i in range(len(tags))) and \
                not any(tokens[i].norm in _OBJECT_PRONOUNS for i in range(first_other)):
            tags[:first_other] = ["T"] * first_other
    # "visit the museum | on monday": words read as a repeat that hold no repeat word but read as a date are a date
    for start, end in _groups(tokens, tags, "E"):
        if not any(tokens[i].norm in REPEAT_WORDS or tokens[i].norm.endswith("ly") for i in range(start, end)) and \
                read_date(sentence[tokens[start].start : tokens[end - 1].end].lower(), _REFERENCE_DAY) is not None:
            tags[start:end] = ["D"] * (end - start)
    # "dinner w/ Leo & | Mia": a title that ends on "&" goes on to the next word
    for i in range(1, len(tags) - 1):
        if tags[i] in "TX" and tokens[i].norm == "&" and tags[i + 1] == "C" and _lex_open(tokens[i + 1].norm):
            tags[i + 1] = tags[i]
    # After a note label ("details: ...") the rest is the note, commas and all.
    label = _NOTE_LABEL.search(sentence)
    if label and "T" in tags[: next((i for i, t in enumerate(tokens) if t.start >= label.end()), len(tokens))]:
        for i, token in enumerate(tokens):
            if token.start >= label.end():
                tags[i] = "N"
    # Words the date reader does not need at the front of a date go back to the title: "take the bins | out tomorrow".
    # A number is an item mark only as "1)" / "1.": "add chat 1 turn 0" is one title.
    for i, token in enumerate(tokens):
        if tags[i] == "L" and token.norm.isdigit() and (i + 1 >= len(tokens) or tokens[i + 1].norm not in {")", "."}):
            tags[i] = "T" if i and tags[i - 1] == "T" else tags[i]
    _tagged_list(tokens, tags)
    _said_priority(tokens, tags)
    _said_due(tokens, tags)
    # "pay Jess back £20 tmr": money is never a date
    for i, token in enumerate(tokens[:-1]):
        if token.norm in _CURRENCY and tags[i] == "D" and tokens[i + 1].norm[:1].isdigit():
            tags[i] = tags[i + 1] = "T" if i and tags[i - 1] == "T" else tags[i]
    # "today" / "tonight" / "tomorrow" are never command words: "tonight i have to finish the lab report".
    for i, token in enumerate(tokens):
        if tags[i] == "C" and token.norm in {"today", "tonight", "tomorrow"}:
            tags[i] = "D"
    # So do open words before the date proper: "permission slip | for the zoo trip, due tomorrow".
    for start, end in _groups(tokens, tags, "D"):
        if not start or tags[start - 1] != "T" or end - start < 2:
            continue
        if tokens[start].norm in _PARTICLES:
            tags[start] = "T"
            continue
        said = sentence[tokens[start].start : tokens[end - 1].end].lower()
        whole_date = find_date(said, _REFERENCE_DAY)
        if whole_date is not None and whole_date.start == 0 and whole_date.end == len(said):
            continue  # "first thing tomorrow": the date reader reads every word of it
        open_words = [i for i in range(start, end) if _lex_open(tokens[i].norm) and not any(c.isdigit() for c in tokens[i].norm)
                      and tokens[i].norm not in _PARTICLES]
        if open_words and open_words[-1] < end - 1:
            last = open_words[-1]
            whole = read_date(sentence[tokens[start].start : tokens[end - 1].end].lower(), _REFERENCE_DAY)
            rest = read_date(sentence[tokens[last + 1].start : tokens[end - 1].end].lower(), _REFERENCE_DAY)
            if rest is not None and rest == whole:
                tags[start : last + 1] = ["T"] * (last + 1 - start)
    _extend_dates(sentence, tokens, tags)
    _not_urgent(tokens, tags)
    _trailing_date(sentence, tokens, tags)
    _priority_lead(tokens, tags)
    _remind_me_to(tokens, tags)
    adding = bool(tokens) and tokens[0].norm in {"add", "create"}
    # A pronoun right after a command word, in a clause naming nothing else, is what the command is
    # done to: "delete it", "finish that". (The tagger reads a sentence-final pronoun as a command
    # word, which leaves the change without a task and the intent unread.)
    if not adding and "R" not in tags and "T" not in tags:
        for i, token in enumerate(tokens):
            if i and tags[i] == "C" and tags[i - 1] == "C" and token.norm in _OBJECT_PRONOUNS and (
                    tokens[i - 1].norm in _OBJECT_VERBS):
                tags[i] = "R"
                break
    if not adding and "T" not in tags:
        return tags  # a question's date words ("due this week") stay as the tagger read them
    for start, end in _groups(tokens, tags, "D"):
        words = sentence[tokens[start].start : tokens[end - 1].end].lower()
        if read_date(words, _REFERENCE_DAY) is None and not re.search(r"\b(?:due|date|deadline)\b", words):
            tags[start:end] = ["T"] * (end - start)
    if adding and "T" in tags:
        first_title = tags.index("T")
        # "add 2 tasks: ...", "add repeating task: ...": the words before "task(s)" / "things" / ":" describe
        # the request, not the title
        head = max((i for i in range(1, first_title) if tokens[i].norm in _HEAD_ENDS), default=0)
        span = range(head + 1, first_title)
        if any(tags[i] == "C" and _lex_open(tokens[i].norm) for i in span):
            # "add make a doctors | appointment": the command words before an open word are the title's too
            begin = next(i for i in span if tokens[i].norm not in FILLER_WORDS | _SKIP | {",", "a", "an", "the"})
            for i in range(begin, first_title):
                if tags[i] == "C" and (_lex_open(tokens[i].norm) or tokens[i].norm not in _HEAD_ENDS):
                    tags[i] = "T"
        for i in range(1, head):
            if tags[i] in "CT" and (tokens[i].norm.isdigit() or tokens[i].norm in _COUNT_WORDS) and \
                    i + 1 < len(tokens) and tokens[i + 1].norm in _HEAD_ENDS:
                tags[i] = "C"
    if "T" in tags and "R" not in tags and tags[0] == "C":
        # "fix the | leaking tap asap": open words (and articles) before the title, with no command word, are the title's
        first_title = tags.index("T")
        run = [tokens[i].norm for i in range(first_title)]
        if all(tags[i] == "C" for i in range(first_title)) and _lex_open(run[0]) and run[0] not in INTERJECTIONS and all(
                _lex_open(w) or w in {"the", "a", "an", "my", "our", "his", "her", "their"} for w in run):
            tags[:first_title] = ["T"] * first_title
    if "T" in tags:
        # "send invoice #1042 | to | ACME Corp": a preposition between two stretches of one title is the title's
        for i in range(1, len(tags) - 1):
            if tags[i] == "C" and tokens[i].norm in _TITLE_LINKS and tags[i - 1] == "T" and (
                    tags[i + 1] == "T" or (i + 2 < len(tags) and tokens[i + 1].norm in _TITLE_LINKS and tags[i + 2] == "T")):
                tags[i] = "T"
        # "ring the GP surgery | first thing tomorrow | to | get my results": the title goes on after its date
        for start, end in _groups(tokens, tags, "D"):
            if start and tags[start - 1] == "T" and end + 1 < len(tags) and tags[end] == "C" \
                    and tokens[end].norm in _TITLE_LINKS and tags[end + 1] == "T":
                tags[end] = "T"
        # "email the landlord about the | lease": a title never ends on an article or a preposition
        for i in range(1, len(tags)):
            if tags[i] == "C" and tags[i - 1] == "T" and tokens[i - 1].norm in _OPEN_ENDS and _lex_open(tokens[i].norm) \
                    and tokens[i].norm not in INTERJECTIONS and tokens[i].norm not in _TAIL_WORDS:
                tags[i] = "T"
        # "buy brushes too": a trailing "too" / "as well" says "this one as well", not the title
        last = max(i for i, g in enumerate(tags) if g == "T")
        if last and tokens[last].norm in {"too", "aswell"} and tags[last - 1] == "T":
            tags[last] = "C"
        if last > 1 and tokens[last].norm == "well" and tokens[last - 1].norm == "as" and tags[last - 2] == "T":
            tags[last - 1] = tags[last] = "C"
    return tags


_OPEN_ENDS = frozenset({"the", "a", "an", "my", "your", "his", "her", "our", "their", "about", "of", "with", "from"})
_LABEL_WORDS = frozenset({"list", "lists", "label", "labels", "labelled", "labeled", "tag", "tagged", "tags", "under",
                          "category", "folder", "project"})
_HEAD_ENDS = frozenset({"task", "tasks", "things", "items", "todos", "reminders", ":"})
_COUNT_WORDS = frozenset({"two", "three", "four", "five", "six", "couple", "few"})
_TITLE_LINKS = frozenset({"to", "for", "with", "at", "from", "about", "of", "in", "on", "w", "/", "&"})
# Words that say how much, around a priority word: "super important", "not that urgent"
_PRIORITY_MODIFIERS = frozenset({"super", "very", "really", "quite", "extremely", "kinda", "fairly", "pretty", "not",
                                 "isn't", "it's", "its", "this", "is", "so", "too", "that", "more", "less", "most",
                                 "least", "bit", "little", "somewhat", "mega", "ultra", "way", "of", "high", "low", "no",
                                 "when", "lowest", "highest", "hi", "kind", "sort"})


_REPEAT_STARTS = frozenset({"every", "each", "daily", "weekly", "monthly", "yearly", "annually", "fortnightly", "biweekly",
                            "weekdays", "mondays", "tuesdays", "wednesdays", "thursdays", "fridays", "saturdays", "sundays"})
_RENAME_VERBS = frozenset({"rename", "retitle", "call", "name", "relabel", "reword"})


_HOLE_BREAKS = frozenset({",", ".", ":", ";", "!", "?", "(", ")", "and", "&", "please", "pls", "plz"})


_LABEL_LINKS = frozenset({"it", "as", "this", "that", "with", ":", "under"})
_LABEL_TAIL = frozenset({"please", "thanks", "too"})


_LEVELS = frozenset({"low", "high", "medium", "normal", "urgent", "top"})
_IT_IS = frozenset({"it's", "its", "they're", "theyre", "that's", "thats", "it", "they", "is", "are"})


def _said_priority(tokens: list[Token], tags: list[str]) -> None:
    """"set priority low", "priority: high", "priority to urgent": the level after the word is the priority."""
    for i, token in enumerate(tokens[:-1]):
        if token.norm != "priority":
            continue
        k = i + 1
        while k < len(tokens) - 1 and tokens[k].norm in {":", "=", "to", "as", "-", "is"}:
            k += 1
        if tokens[k].norm in _LEVELS and tags[k] != "T":
            tags[i] = tags[k] = "P"


def _said_due(tokens: list[Token], tags: list[str]) -> None:
    """"return the library books, they're due in 5 days": the pronoun that says a date is no title word."""
    for start, _ in _groups(tokens, tags, "D"):
        if tokens[start].norm != "due" or start < 2:
            continue
        k = start - 1
        while k > 0 and tokens[k].norm in _IT_IS and tags[k] in "TLC":
            k -= 1
        if k < start - 1 and not tokens[k].norm.isalnum():
            tags[k : start] = ["C"] * (start - k)


def _tagged_list(tokens: list[Token], tags: list[str]) -> None:
    """"..., tagged shopping", "label it work": the one word after a label word, at the end, names a list."""
    for i, token in enumerate(tokens[:-1]):
        after_a_mark = i > 0 and not tokens[i - 1].norm.isalnum()
        if token.norm in {"tagged", "labelled", "labeled"}:
            if tags[i] != "C" and not after_a_mark:
                continue
        elif token.norm not in {"label", "tag"} or tags[i] != "C":
            continue
        k = i + 1
        while k < len(tokens) and tokens[k].norm in _LABEL_LINKS:
            k += 1
        last = k + 1 == len(tokens) or (k + 1 < len(tokens) and (not tokens[k + 1].norm.isalnum()
                                                                  or tokens[k + 1].norm in _LABEL_TAIL))
        if k < len(tokens) and last and tokens[k].norm.isalpha() and tokens[k].norm not in CLOSED_WORDS:
            tags[i:k] = ["C"] * (k - i)
            tags[k] = "B"
            if after_a_mark:
                tags[i - 1] = "C"


def _fill_title_holes(tokens: list[Token], tags: list[str]) -> list[str]:
    """A title is one stretch of words: up to three command-tagged words between two title words,
    with no punctuation or joiner among them, are the title's own ("write a thank[-you note to]
    Aunt Mary"). Cutting them out would store a title the person never typed."""
    tags = list(tags)
    i = 0
    while i < len(tags):
        if tags[i] != "T":
            i += 1
            continue
        j = i + 1
        while j < len(tags) and tags[j] == "C":
            j += 1
        words = sum(any(c.isalnum() for c in tokens[k].raw) for k in range(i + 1, j))
        if 1 <= words <= 3 and j < len(tags) and tags[j] == "T" \
                and not any(tokens[k].norm in _HOLE_BREAKS for k in range(i + 1, j)):
            for k in range(i + 1, j):
                tags[k] = "T"
        i = j if j > i + 1 else i + 1
    return tags


def _rename_to(tokens: list[Token], tags: list[str]) -> None:
    """ "rename gym to go to the gym (and move it to tomorrow)": after "rename <task> to", the words up to
    the next change are the new title, whatever the tagger read them as."""
    if not tokens or tokens[0].norm not in {"rename", "retitle"} or len(tokens) < 4 or tags[1] != "R":
        return
    i = 1
    while i < len(tags) and tags[i] == "R":
        i += 1
    if i >= len(tags) - 1 or tokens[i].norm not in {"to", "as"} or tags[i] != "C":
        return
    k = i + 1
    while k < len(tags) and tags[k] not in "DSP" and not (
            tokens[k].norm in _JOINS and k + 1 < len(tags) and tokens[k + 1].norm in _CLAUSE_VERBS | {"make", "set"}):
        tags[k] = "X"
        k += 1


def _extend_dates(sentence: str, tokens: list[Token], tags: list[str]) -> None:
    """Date words the tagger split: "3 | July" (the day read as a title word) is one date; a title word
    read into the date ("fix the squeaky | door day after tmrw") goes back to the title."""
    for start, end in _groups(tokens, tags, "D"):
        if start and tags[start - 1] == "T" and tokens[start - 1].norm.rstrip("stndrh").isdigit():
            words = sentence[tokens[start - 1].start : tokens[end - 1].end].lower()
            alone = read_date(sentence[tokens[start].start : tokens[end - 1].end].lower(), _REFERENCE_DAY)
            if alone is None and read_date(words, _REFERENCE_DAY) is not None:
                tags[start - 1] = "D"
    for start, end in _groups(tokens, tags, "D"):
        link = start - 1  # "grab coffee w/ | Tom thurs": links between the title and the date
        while link >= 0 and tags[link] == "C" and tokens[link].norm in _TITLE_LINKS:
            link -= 1
        if link < 0 or tags[link] != "T" or end - start < 2:
            continue
        whole = read_date(sentence[tokens[start].start : tokens[end - 1].end].lower(), _REFERENCE_DAY)
        if whole is None:
            continue
        cut = start
        for k in range(start + 1, end):
            word = tokens[k - 1].norm
            if not _lex_open(word) or word in _PARTICLES or word in DATE_WORDS or any(c.isdigit() for c in word):
                break
            if read_date(sentence[tokens[k].start : tokens[end - 1].end].lower(), _REFERENCE_DAY) == whole:
                cut = k
        if cut > start:
            tags[link + 1 : cut] = ["T"] * (cut - link - 1)


_DATE_START = frozenset({"by", "before", "on", "due", "until", "till", "for"})


def _trailing_date(sentence: str, tokens: list[Token], tags: list[str]) -> None:
    """A date the tagger left in the title, at its end after a date lead, that the date reader
    reads whole: "buy christmas gifts | by christmas eve"."""
    groups = _groups(tokens, tags, "T")
    if not groups:
        return
    start, end = groups[-1]
    if end < len(tags) and tags[end] == "D":
        return
    for k in range(start + 1, end):
        if tokens[k].norm not in _DATE_START:
            continue
        words = sentence[tokens[k].start : tokens[end - 1].end].lower()
        found = find_date(words, _REFERENCE_DAY)
        if found and found.start == 0 and found.end >= len(words.rstrip(_EDGE)):
            tags[k:end] = ["D"] * (end - k)
            return


_NEGATED = frozenset({"isn't", "aren't", "isnt", "arent", "is", "are"})


def _not_urgent(tokens: list[Token], tags: list[str]) -> None:
    """ "slides aren't urgent anymore": a task said to be no longer urgent is a task already there, never a new one."""
    if tokens and tokens[0].norm in {"add", "create"}:
        return
    for i in range(1, len(tokens) - 1):
        word = tokens[i].norm
        negative = word in {"isn't", "aren't", "isnt", "arent"} or (word in {"is", "are"} and tokens[i + 1].norm in {"not", "no"})
        if negative and tags[i - 1] == "T" and "P" in tags[i + 1 : i + 4] and tags[0] == "T":
            tags[:i] = ["R" if g == "T" else g for g in tags[:i]]
            tags[i] = "P"
            return


def _priority_lead(tokens: list[Token], tags: list[str]) -> None:
    """A title word read into the priority ("call the GP | surgery asap") goes back to the title."""
    for start, end in _groups(tokens, tags, "P"):
        if not start or tags[start - 1] != "T":
            continue
        i = start
        while i < end - 1 and _lex_open(tokens[i].norm) and tokens[i].norm not in PRIORITY_WORDS \
                and tokens[i].norm not in _PRIORITY_MODIFIERS and "'" not in tokens[i].norm:
            i += 1
        if i > start and any(tokens[k].norm in PRIORITY_WORDS for k in range(i, end)):
            tags[start:i] = ["T"] * (i - start)


# What comes after these is something to do: "remind me (tomorrow) to X", "i need to X" (never "i don't need to X anymore")
_TO_DO_HEADS = (("remind", "me", "to"), ("i", "need", "to"), ("need", "to"), ("i", "have", "to"), ("have", "to"),
                ("i", "still", "need", "to"), ("i", "really", "need", "to"), ("we", "need", "to"), ("i've", "got", "to"),
                ("i", "got", "to"), ("i'll", "need", "to"), ("i", "want", "to"), ("remember", "to"))


def _remind_me_to(tokens: list[Token], tags: list[str]) -> None:
    """ "remind me (tomorrow) to X": X is what to do, whatever its verb ("move the car")."""
    words = [t.norm for t in tokens]
    i = 0
    while i < len(words) and words[i] in _SKIP | {"hey", "oh", "ok", "okay", "so", "btw"}:
        i += 1
    head = ("remind", "me", "to") if words[i : i + 2] == ["remind", "me"] else next(
        (h for h in _TO_DO_HEADS if words[i : i + len(h)] == list(h)), None)
    if head is None or "T" in tags or any(w in {"anymore", "longer", "more", "don't", "dont", "not", "no"} for w in words):
        return
    j = i + len(head) - 1
    if head[:2] == ("remind", "me"):
        j = i + 2
        while j < len(words) and tags[j] == "D":
            j += 1
    if j >= len(words) - 1 or words[j] != "to":
        return
    if head[0] != "remind" and words[j + 1] in _CLAUSE_VERBS | {"change", "make", "set"}:
        return  # "i need to delete task 2" is a change, said politely
    k = j + 1
    if tags[k] not in "CR" or (tags[k] == "C" and words[k] in _SKIP):
        return
    while k < len(words) and tags[k] in "CR" and words[k] not in {",", ".", "and", "!", "?"}:
        if tags[k] == "R" or k == j + 1 or _lex_open(words[k]):
            tags[k] = "T"
        elif words[k] not in {"the", "a", "an", "my", "to", "for", "with", "at", "of", "in", "on"}:
            break
        else:
            tags[k] = "T"
        k += 1
    while k - 1 > j + 1 and tags[k - 1] == "T" and words[k - 1] in _TRAILING:
        tags[k - 1] = "C"
        k -= 1


_LONE_NOTE = re.compile(r"\W*(?:(?:and|also|oh|plus|then|please|pls|can|could|you)[\s,]+)*add\s+(?:a\s+|the\s+)?note"
                        r"\s*(?::|\bthat\b|\bsaying\b)\s*(?P<note>\S.*)$", re.IGNORECASE | re.DOTALL)
_DONE_TAILS = (("is", "done"), ("are", "done"), ("is", "finished"), ("done",), ("finished",), ("is", "sorted"))


def _said_done(tokens: list[Token], tags: list[str]) -> list[str]:
    """ "clean desk is done" read as nothing but command words: the words before "is done" name the task."""
    if any(g != "C" for g in tags):
        return tags
    words = [t.norm for t in tokens]
    while words and not words[-1][:1].isalnum():
        words.pop()
    tail = next((t for t in _DONE_TAILS if len(words) > len(t) and tuple(words[-len(t):]) == t), None)
    if tail is None:
        return tags
    named = range(len(words) - len(tail))
    if not any(_lex_open(words[i]) and words[i] not in _POINTERS | {"all", "everything", "every"} for i in named) or any(
            words[i] in COMMAND_WORDS | FILLER_WORDS - {"the", "my", "a"} or words[i] in {"all", "everything"}
                                                         for i in named):
        return tags
    return ["R" if i in named else g for i, g in enumerate(tags)]


_TAIL_WORDS = frozenset({"thanks", "thank", "cheers", "thx", "ty", "list", "lol", "tbh", "honestly"})


def _added_clause(tokens: list[Token], tags: list[str]) -> list[str]:
    """A clause of its own that starts with "add" ("booked the dentist, now add | go to the dentist"):
    what it names is a new task's title, not a task already there (a pointer, "add it to ...", stays)."""
    lead = next((i for i, t in enumerate(tokens) if t.norm not in _SKIP), len(tokens))
    if lead >= len(tokens) - 1 or tokens[lead].norm not in {"add", "create"} or "T" in tags or set(tags) & set("NBX"):
        return tags
    named = [i for i, g in enumerate(tags) if g == "R"]
    if not named:
        # "add a doctors appointment" read as nothing but command words: its open words are the title
        opened = [i for i in range(lead + 1, len(tokens)) if tags[i] == "C" and _lex_open(tokens[i].norm)
                  and tokens[i].norm not in INTERJECTIONS and tokens[i].norm not in _TAIL_WORDS]
        if not opened or any(g != "C" for g in tags):
            return tags
        begin = next(i for i in range(lead + 1, len(tokens))
                     if tokens[i].norm not in FILLER_WORDS | _SKIP | {",", ":", "a", "an", "the"} | INTERJECTIONS)
        return [("T" if begin <= i <= opened[-1] else g) for i, g in enumerate(tags)]
    between = [tokens[i].norm for i in range(lead + 1, named[0])]
    if all(tokens[i].norm in _POINTERS for i in named) or not all(
            w in FILLER_WORDS | _SKIP | INTERJECTIONS | {",", ":", "a", "an", "the"} or _lex_open(w) for w in between):
        return tags
    tags = ["T" if g == "R" else g for g in tags]
    first = tags.index("T")
    for i in range(lead + 1, first):
        if tags[i] == "C" and (_lex_open(tokens[i].norm) or (i == lead + 1 and tokens[i].norm.isalpha()
                                                            and tokens[i].norm not in FILLER_WORDS | _SKIP)):
            tags[i] = "T"
    for i in range(1, len(tags) - 1):
        if tags[i] == "C" and tokens[i].norm in _TITLE_LINKS | {"the", "a", "an", "my"} and tags[i - 1] == "T" \
                and "T" in tags[i + 1 : i + 3]:
            tags[i] = "T"
    return tags


_OBJECT_PRONOUNS = frozenset({"it", "that", "this", "them", "those", "these"})
# Verbs that change the task they take as object ("got it", "forget it", "is that it" are no change).
_OBJECT_VERBS = frozenset({"delete", "remove", "erase", "complete", "finish", "finished", "tick", "mark", "cross",
                           "drop", "scrap", "bin", "cancel", "reopen", "untick", "uncheck", "undo", "restore", "did",
                           "done", "move", "push", "postpone", "reschedule", "rename", "trash", "ditch", "close"})


def _lex_open(word: str) -> bool:
    return word.isalnum() and word not in CLOSED_WORDS


# What a clause that starts with "add" / "create" can never mean.
_NEVER_AFTER_ADD = frozenset({"complete", "reopen", "delete", "complete_all", "delete_all", "clear_completed", "undo"})
_FAMILY = {"delete_all": ("delete", "clear_completed"), "clear_completed": ("delete", "delete_all"),
           "complete_all": ("complete",), "delete": ("delete_all", "clear_completed"), "complete": ("complete_all",)}
_LIST_NAME = re.compile(r"\b(?:on|to|off|from|onto|in|into|of|for)\s+(?:my|the|our)\s+([^\W\d_][\w-]*)\s+list\b", re.IGNORECASE)
_NAME_FIX = re.compile(
    r"(?:^|[\s,;(\u2013-])(?:sorry|oops|no\s+wait|i\s+mean|i\s+meant)[\s,]+(?:i\s+mean[t]?\s+)?(?P<new>[^\W\d_][\w'-]*)"
    r"(?:\s*,?\s*not\s+(?P<old>[^\W\d_][\w'-]*))?\s*\)?[.!]?\s*$", re.IGNORECASE)


def _swap(title: str, new: str, old: str | None) -> str:
    """The title with the corrected word put right: the word named, or the one most like the correction."""
    words = re.findall(r"[^\W\d_][\w'-]*", title)
    if old:
        target = next((w for w in words if w.lower() == old.lower()), None)
    else:
        scored = [(fuzz.ratio(w.lower(), new.lower()), w) for w in words[1:] if w.lower() not in CLOSED_WORDS]
        best = max(scored, default=(0.0, ""))
        target = best[1] if best[0] >= 50 else None
    if not target:
        return title
    return re.sub(r"\b" + re.escape(target) + r"\b", new, title, count=1)


_NOTE_BEFORE = re.compile(r"\b(?:description|desc|notes?|details?|saying|comment)\s*:?\s*$", re.IGNORECASE)
_NOTE_WORD = re.compile(r"\b(?:description|desc|notes?|details?|saying|comment)\b", re.IGNORECASE)
_PARTICLES = frozenset({"out", "up", "off", "back", "down", "over", "away", "around"})
_TRAILING = frozenset({"to", "on", "off", "the", "my", "from", "onto", "for", "in", "into", "of", "our", "a", "at", "by"})
_SLOT_LEADS = frozenset({"it's", "it", "is", "that's", "which", "and"})
_DATE_LEADS = frozenset({"for", "on", "by", "at", "the", "due", "before", "until", "till", "in", "this", "next", "of"})
# Verbs that begin a command of their own: after "and" / "," they start a new intent.
_CLAUSE_VERBS = frozenset({"mark", "tick", "delete", "remove", "erase", "move", "push", "postpone", "reschedule", "rename",
                           "add", "bump", "untick", "reopen", "uncheck", "scrap", "create", "retitle", "cross", "undo",
                           "complete", "finish"})
# Verbs that begin a change of their own only when a task is named after them: "... and make call mom urgent"
# ("add X and make it urgent" stays one intent)
_SOFT_CLAUSE_VERBS = frozenset({"make", "set", "change", "put"})
_CHANGE_VERBS = frozenset({"delete", "remove", "erase", "mark", "tick", "untick", "uncheck", "reopen", "undo", "rename", "retitle"})
_SKIP = frozenset({"also", "then", "please", "pls", "can", "could", "you", "maybe", "just", "and", "now"})
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
                if i + 1 < len(tags) and tags[i + 1] == "T" and tokens[i + 1].norm in _CLAUSE_VERBS:
                    tags[i + 1] = "C"  # "... and | mark task 2 done": the verb of the new change, not a title word
    for i, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
        # "book flights high priority and book hotel low priority": two tasks, each with its own priority
        if tag in "LC" and token.norm in _JOINS and 1 < i < len(tags) - 2 and tags[i - 1] == "P" and tags[i + 1] == "T":
            start = max((k for k in range(i) if tags[k] == "S"), default=-1)
            end = next((k for k in range(i + 1, len(tags)) if tags[k] == "S"), len(tags))
            if "T" in tags[start + 1 : i] and "P" in tags[i + 1 : end] and "R" not in tags[start + 1 : end]:
                tags[i] = "S"
    for i, (token, tag) in enumerate(zip(tokens, tags, strict=True)):
        if tag not in "LCR" or token.norm not in _JOINS:
            continue
        if tag == "R" and not (i + 1 < len(tags) and tags[i + 1] == "C"
                               and tokens[i + 1].norm in _CLAUSE_VERBS | _SOFT_CLAUSE_VERBS):
            continue  # "task 1 and | push task 2": a join read into the reference, before a verb of its own
        j = i + 1
        while j < len(tags) - 1 and tokens[j].norm in _SKIP and tags[j] == "C":
            j += 1
        # a verb that changes an existing task starts a new intent even where the tagger read a title:
        # "add buy stamps and delete the call" (a junk task "delete the call" is worse than asking)
        soft = j < len(tags) and tags[j] == "C" and tokens[j].norm in _SOFT_CLAUSE_VERBS and any(
            g == "R" and tokens[k].norm not in _POINTERS
            for k, g in enumerate(tags[j + 1 : next((k for k in range(j, len(tags)) if tags[k] == "S"), len(tags))], start=j + 1))
        if j < len(tags) and (soft or ((tags[j] == "C" or (tags[j] in "TR" and tokens[j].norm in _CHANGE_VERBS))
                              and tokens[j].norm in _CLAUSE_VERBS)):
            if tags[j] == "R":
                tags[j] = "C"  # "watered the plants, | delete sort the mail": the verb read into a reference
            if tags[j] == "T":
                end = next((k for k in range(j, len(tags)) if tags[k] in "LS"), len(tags))
                tags[j] = "C"
                tags[j + 1 : end] = ["R" if g == "T" else g for g in tags[j + 1 : end]]
            start = max((k for k in range(i) if tags[k] == "S"), default=-1)
            end = next((k for k in range(j, len(tags)) if tags[k] == "S"), len(tags))
            # ... unless all it adds is a pointer back: "did the first two, tick both"
            own = any(g in "TDPNX" or (g == "R" and tokens[k].norm not in _POINTERS)
                      for k, g in enumerate(tags[j:end], start=j))
            if (own or tokens[j].norm == "undo") and any(g in "RTDPNX" for g in tags[start + 1 : i]):
                tags[i] = "S"  # "delete the gym and mark task 3 as done"
    out: list[tuple[list[Token], list[str]]] = [([], [])]
    for token, tag in zip(tokens, tags, strict=True):
        if tag == "S":
            if out[-1][0]:
                out.append(([], []))
            continue
        out[-1][0].append(token)
        out[-1][1].append(tag)
    out = [c for c in out if c[0]]
    # "..., and add a note: photos are in the album": the note is the previous task's, not a task of its own
    for k in range(len(out) - 1, 0, -1):
        toks, tgs = out[k]
        words = [t.norm for t in toks]
        lead = next((n for n, w in enumerate(words) if w not in _SKIP), len(words))
        if "N" in tgs and not set(tgs) & set("TRX") and words[lead : lead + 1] in (["add"], ["note"], ["with"], ["plus"]) \
                and "note" in words[lead : lead + 4] and set(out[k - 1][1]) & set("TR"):
            out[k - 1] = (out[k - 1][0] + toks, out[k - 1][1] + tgs)
            del out[k]
    return out


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


# Words that colour a sentence without naming anything: never part of a change's meaning.
_ASIDES = frozenset({"basically", "literally", "honestly", "seriously", "really", "just", "kinda", "sorta", "totally",
                     "definitely", "anyway", "anyways", "btw", "fyi", "something", "pretty", "quite", "super"})
_DISCOURSE = frozenset({"actually", "so", "oh", "ok", "okay", "um", "uh", "umm", "well", "hmm", "also", "btw",
                        "anyway", "wait", "yeah", "yes", "right", "alright", "and", "plus", "ugh"})


def _bare_references(tokens: list[Token], tags: list[str]) -> list[str]:
    """"actually the essay is due thursday": words that open a sentence's talk are not the task's name."""
    tags = list(tags)
    for start, end in _groups(tokens, tags, "R"):
        k = start
        while k < end - 1 and tokens[k].norm in _DISCOURSE:
            tags[k] = "C"
            k += 1
    return tags


_CORRECTING = frozenset({"no", "sorry", "wait", "mean", "meant", "oops", "scratch"})


def _corrected_reference(tokens: list[Token], tags: list[str]) -> list[str]:
    """"delete task 2, no sorry, task 3": a task named again after a correction replaces the one before."""
    groups = _groups(tokens, tags, "R")
    for (_, end), (start, _) in pairwise(groups):
        if any(tokens[k].norm in _CORRECTING for k in range(end, start)):
            return ["C" if tag == "R" and k < start else tag for k, tag in enumerate(tags)]
    return tags


_REJECTING = frozenset({"not", "instead of", "rather than", "and not", "but not"})


def _said_dates(tokens: list[Token], tags: list[str]) -> list[tuple[int, int]]:
    """The date stretches that say when, leaving out a date the sentence turns down when another
    is given: "tomorrow not in 3 days", "tuesday for the dentist, not monday", "not wed, thurs"."""
    groups = _groups(tokens, tags, "D")

    def rejected(start: int, end: int) -> bool:
        before = [t.norm for t in tokens[max(0, start - 2) : start]]
        own = [t.norm for t in tokens[start:end]]
        return own[0] == "not" or (bool(before) and (before[-1] == "not" or " ".join(before) in _REJECTING))

    kept = [g for g in groups if not rejected(*g)]
    return kept if kept and len(kept) < len(groups) else groups


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
                if end < len(tags) and (tags[end] in "DP" or tokens[end].norm == "due"):
                    # "card for the | 14th of February", "finish bio hw it's | due tmrw": the words that lead
                    # into a date or priority are not the title's
                    leads = _SLOT_LEADS if tags[end] == "P" else _DATE_LEADS
                    while end - 1 > start and (tokens[end - 1].norm in leads or tokens[end - 1].norm in _SLOT_LEADS):
                        end -= 1
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
    # Items split at L; inside one item, stretches apart from each other are pieces of one
    # phrase, except a bare pointer after a named task ("the first two, tick both").
    items: list[list[list[str]]] = [[[]]]
    for token, tag in zip(tokens, tags, strict=True):
        if tag == "L" and any(items[-1]):
            items.append([[]])
        elif tag == wanted:
            items[-1][-1].append(token.norm)
        elif items[-1][-1]:
            items[-1].append([])
    groups: list[list[str]] = []
    for pieces in items:
        pieces = [p for p in pieces if p]
        named = [p for p in pieces if not all(w in _POINTERS for w in p)]
        if named and len(named) < len(pieces):
            pieces = named
        words = [w for p in pieces for w in p]
        while len(words) > 1 and words[-1] in _TRAILING:
            words.pop()  # "the drill to the | hardware list": the words that lead into a list or a date
        groups.append(words)
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


@lru_cache(maxsize=4)  # the two readers, by path
def load(path: Path = WEIGHTS) -> Engine:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    weights = AveragedPerceptron.from_json(data["tagger"])
    tagger = StructuredTagger(weights) if data.get("decoder") == "viterbi" else GreedyTagger(weights)
    return Engine(tagger, AveragedPerceptron.from_json(data["intents"]), frozenset(data.get("known", ())))


def load_second(path: Path = SECOND_WEIGHTS) -> Engine | None:
    """The second reader, or None where its weights are not shipped."""
    return load(path) if path.exists() else None
