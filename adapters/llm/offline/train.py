"""Rebuild the offline engine's weights: ``python -m adapters.llm.offline.train``.

Two readers (ADR 0015): the first, ``weights.json.gz``, learns from the generated corpus alone;
the second, ``weights-written.json.gz``, also from the hand-written sentences (written/*.txt) and
is consulted when the first is unsure. Deterministic: the same corpus size, seed and code give the
same files, byte for byte (gzip with a fixed mtime, JSON with sorted keys). Training never sees
the phrasing sets, so the figures in docs/language.md measure generalisation.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from pathlib import Path

from adapters.llm.offline import written
from adapters.llm.offline.corpus import Example, generate, noisy
from adapters.llm.offline.engine import SECOND_WEIGHTS, WEIGHTS
from adapters.llm.offline.perceptron import AveragedPerceptron, GreedyTagger, StructuredTagger
from adapters.llm.offline.text import Token, intent_features, token_features, tokenize, transition_keys

TAGS = ("C", "T", "D", "P", "R", "N", "X", "L", "S", "E", "B")
INTENTS = ("add", "complete", "reopen", "delete", "update", "list", "count", "search", "check", "undo", "greet",
           "thanks", "help", "none", "complete_all", "clear_completed", "delete_all")
SEED = 20261201
CORPUS_SIZE = 20000
EPOCHS = 5
# Times each hand-written sentence (written/*.txt) is seen: once as typed, then with generated noise.
# 0 for the first reader: trained with them it tags people's text better, but the acting policy,
# tuned to the template-trained reader, did worse as the only reader (docs/language.md).
WRITTEN_COPIES = 0
SECOND_COPIES = 8
SECOND_EPOCHS = 8
DECODER = "greedy"  # or "viterbi": the decoders weighed in docs/adr/0012-offline-sequence-decoder.md


def example_tokens(example: Example) -> list[tuple[str, list[Token], list[str]]]:
    """Per clause: (intent, tokens, tags); clause texts are joined into one message."""
    out = []
    text = ""
    for intent, segments in example.clauses:
        tokens: list[Token] = []
        tags: list[str] = []
        for segment, tag in segments:
            if text and not text.endswith(" ") and not segment.startswith((" ", ",", ".", ";", ":", "?", "!", "'")):
                text += " "
            start = len(text)
            text += segment
            for token in tokenize(segment):
                tokens.append(Token(start + token.start, start + token.end, token.raw, token.norm))
                tags.append(tag)
        out.append((intent, tokens, tags))
    return out


def _written(seed: int, copies: int = WRITTEN_COPIES) -> list[Example]:
    """The hand-written sentences (written/*.txt), as typed and with noise drawn from the seed."""
    rng = random.Random(seed + 1)
    examples = written.load()
    return [e if copy == 0 else noisy(rng, e) for copy in range(copies) for e in examples]


def train(size: int = CORPUS_SIZE, seed: int = SEED, epochs: int = EPOCHS, log: bool = True,
          decoder: str = DECODER, written_copies: int = WRITTEN_COPIES) -> dict[str, object]:
    started = time.perf_counter()
    hand_written = _written(seed, written_copies)
    generated = [example_tokens(e) for e in generate(size, seed)]
    examples = generated + [example_tokens(e) for e in hand_written]
    tagger: GreedyTagger | StructuredTagger = (StructuredTagger if decoder == "viterbi" else GreedyTagger)(
        AveragedPerceptron(TAGS))
    classifier = AveragedPerceptron(INTENTS)
    rng = random.Random(seed)
    sequences = []
    clauses = []
    # The command and filler vocabulary: what a reading may leave out of every slot. Only the
    # templates' words: hand-written hedges and asides ("i wish i had", "my boss wants me to")
    # must stay unexplained, so that a change they would make asks first.
    known: set[str] = {t.norm for parts in generated for _, toks, tgs in parts
                       for t, g in zip(toks, tgs, strict=True) if g in "CSL"}
    for parts in examples:
        tokens = [t for _, toks, _ in parts for t in toks]
        tags = [g for _, _, tgs in parts for g in tgs]
        sequences.append((token_features(tokens), tags, transition_keys(tokens)))
        for intent, toks, tgs in parts:
            body = [(t, g) for t, g in zip(toks, tgs, strict=True) if g != "S"]
            if body:
                clause_tokens = [t for t, _ in body]
                clauses.append((intent, intent_features(clause_tokens, [g for _, g in body])))
    for epoch in range(epochs):
        rng.shuffle(sequences)
        rng.shuffle(clauses)
        if isinstance(tagger, StructuredTagger):
            tag_errors = sum(tagger.train_one(features, tags, keys) for features, tags, keys in sequences)
        else:
            tag_errors = sum(tagger.train_one(features, tags) for features, tags, _ in sequences)
        intent_errors = 0
        for intent, features in clauses:
            guess = classifier.predict(features)
            intent_errors += guess != intent
            classifier.update(intent, guess, features)
        if log:
            tokens = sum(len(t) for _, t, _ in sequences)
            print(f"epoch {epoch + 1}/{epochs}: tag errors {tag_errors}/{tokens}, intent errors "
                  f"{intent_errors}/{len(clauses)}", file=sys.stderr)
    tagger.model.average()
    classifier.average()
    if log:
        print(f"trained in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    record: dict[str, object] = {"written": len(hand_written)} if hand_written else {}
    return {"version": 2, "seed": seed, "size": size, "epochs": epochs, "decoder": decoder, **record,
            "known": sorted(w for w in known if w.isalpha() or "'" in w),
            "tagger": tagger.model.to_json(), "intents": classifier.to_json()}


def write(model: dict[str, object], path: Path = WEIGHTS) -> None:
    payload = json.dumps(model, sort_keys=True, separators=(",", ":")).encode()
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
        out.write(payload)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reader", choices=("first", "second", "both"), default="both",
                        help="which shipped weights to rebuild (default: both)")
    parser.add_argument("--size", type=int, default=CORPUS_SIZE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--epochs", type=int, help=f"passes (first reader {EPOCHS}, second {SECOND_EPOCHS})")
    parser.add_argument("--written-copies", type=int,
                        help=f"times each hand-written sentence is seen (first {WRITTEN_COPIES}, second {SECOND_COPIES})")
    parser.add_argument("--decoder", choices=("viterbi", "greedy"), default=DECODER)
    parser.add_argument("--out", type=Path, help="write here instead (one reader only)")
    args = parser.parse_args()
    readers = {"first": (WEIGHTS, EPOCHS, WRITTEN_COPIES), "second": (SECOND_WEIGHTS, SECOND_EPOCHS, SECOND_COPIES)}
    chosen = list(readers) if args.reader == "both" else [args.reader]
    if args.out and len(chosen) > 1:
        parser.error("--out needs --reader first or --reader second")
    for name in chosen:
        path, epochs, copies = readers[name]
        path = args.out or path
        print(f"training the {name} reader ...", file=sys.stderr)
        model = train(args.size, args.seed, args.epochs or epochs, decoder=args.decoder,
                      written_copies=copies if args.written_copies is None else args.written_copies)
        write(model, path)
        print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
