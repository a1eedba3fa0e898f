"""Hand-written training sentences: how people type, tagged by a person, not a template.

The generated corpus (corpus.py) is broad but every sentence comes from a template, and
unseen text showed it: the tagger learned the templates' shapes. These files hold sentences
written by people who did not read the evaluation sets, one per line, in a small markup:

    add: remind me to [T call Mom] [D tomorrow], it's [P urgent]
    add: [T get envelopes] || complete: [S and] mark [R task 2] done

Untagged words are command or filler words (C). ``[X words]`` tags words with X, one of
C T D P R N X L S E B (corpus.py lists what each means). ``||`` starts the next intent of
the same message; its joining words are tagged S. Lines starting with ``#`` are comments.

``python -m adapters.llm.offline.written check FILE...`` validates files and, with
``--diff``, shows where today's reader tags a sentence differently.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from adapters.llm.offline.corpus import Example, Segment

WRITTEN = Path(__file__).with_name("written")
TAGS = frozenset("CTDPRNXLSEB")
INTENTS = frozenset({"add", "complete", "reopen", "delete", "update", "list", "count", "search", "check", "undo",
                     "greet", "thanks", "help", "none", "complete_all", "clear_completed", "delete_all"})
_SPAN = re.compile(r"\[([A-Z]) ([^\[\]]+)\]")
_INTENT = re.compile(r"^\s*([a-z_]+)\s*:\s?(.*)$", re.DOTALL)


class MarkupError(ValueError):
    pass


def _segments(body: str) -> list[Segment]:
    segments: list[Segment] = []
    at = 0
    for match in _SPAN.finditer(body):
        if match.start() > at:
            segments.append((body[at:match.start()], "C"))
        tag, words = match.group(1), match.group(2)
        if tag not in TAGS:
            raise MarkupError(f"unknown tag {tag!r} in {match.group(0)!r}")
        segments.append((words, tag))
        at = match.end()
    rest = body[at:]
    if "[" in rest or "]" in rest or any("[" in s or "]" in s for s, _ in segments):
        raise MarkupError(f"unbalanced bracket in {body!r}")
    if rest:
        segments.append((rest, "C"))
    # Spaces at a segment's edge carry no tag: keep one space so tokens stay apart.
    return [(text, tag) for text, tag in segments if text.strip()]


def parse(line: str) -> Example:
    """One line of markup -> an Example (raises MarkupError with the reason)."""
    clauses: list[tuple[str, list[Segment]]] = []
    for part in line.split("||"):
        match = _INTENT.match(part)
        if not match or match.group(1) not in INTENTS:
            raise MarkupError(f"each part needs 'intent: text' with a known intent: {part.strip()!r}")
        segments = _segments(match.group(2).strip())
        if not segments:
            raise MarkupError(f"empty clause: {part.strip()!r}")
        clauses.append((match.group(1), segments))
    if any(tag == "S" for _, tag in clauses[0][1]):
        raise MarkupError("joining words [S ...] belong to a later intent, after '||'")
    return Example(clauses)


def read_file(path: Path) -> list[Example]:
    examples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            examples.append(parse(line))
        except MarkupError as error:
            raise MarkupError(f"{path.name}:{number}: {error}") from None
    return examples


def load(folder: Path = WRITTEN) -> list[Example]:
    """Every written example, files in name order (so training stays byte-for-byte repeatable)."""
    return [e for path in sorted(folder.glob("*.txt")) for e in read_file(path)]


def render(example: Example) -> str:
    """An Example as markup (the inverse of parse, up to spacing), spaced as train.example_tokens joins it."""
    parts = []
    for intent, segments in example.clauses:
        body = ""
        for text, tag in segments:
            if not text.strip():
                continue
            if body and not body.endswith(" ") and not text.startswith((" ", ",", ".", ";", ":", "?", "!", "'")):
                body += " "
            lead, core, trail = text[:len(text) - len(text.lstrip())], text.strip(), text[len(text.rstrip()):]
            body += text if tag == "C" else f"{lead}[{tag} {core}]{trail}"
        parts.append(f"{intent}: {' '.join(body.split())}")
    return " || ".join(parts)


def _diff(example: Example) -> str | None:
    from adapters.llm.offline.engine import load as load_engine
    from adapters.llm.offline.train import example_tokens

    engine = load_engine()
    parts = example_tokens(example)
    text_tokens = [t for _, toks, _ in parts for t in toks]
    gold = [g for _, _, tgs in parts for g in tgs]
    guess = engine._tag(text_tokens)
    # Punctuation's tag carries nothing a slot reads: only words count as disagreements.
    differs = [g != p and any(c.isalnum() for c in t.raw) for t, g, p in zip(text_tokens, gold, guess, strict=True)]
    if not any(differs):
        return None
    return " ".join(f"{t.raw}/{p}->{g}" if d else t.raw
                    for t, g, p, d in zip(text_tokens, gold, guess, differs, strict=True))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Validate hand-written training sentences.")
    parser.add_argument("command", choices=("check",))
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--diff", action="store_true", help="show where today's tagger disagrees (guess->gold)")
    args = parser.parse_args(argv)
    files = args.files or sorted(WRITTEN.glob("*.txt"))
    total = disagree = 0
    for path in files:
        try:
            examples = read_file(path)
        except MarkupError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        total += len(examples)
        if args.diff:
            for example in examples:
                shown = _diff(example)
                if shown:
                    disagree += 1
                    print(f"{path.name}: {shown}")
    print(f"{total} examples ok" + (f", today's tagger disagrees on {disagree}" if args.diff else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
