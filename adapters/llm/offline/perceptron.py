"""Averaged perceptrons: a multiclass classifier, a greedy left-to-right sequence tagger and a
structured (Viterbi-decoded, whole-sequence trained) tagger.

Small on purpose (no dependency, a few hundred kilobytes of weights, microseconds per
token). Training is deterministic for a given corpus order; weights serialise to plain
JSON so the shipped file can be rebuilt byte for byte (``python -m adapters.llm.offline.train``).
"""

from __future__ import annotations

import math
import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

Weights = dict[str, dict[str, float]]


class AveragedPerceptron:
    """Linear multiclass model over sparse string features."""

    def __init__(self, classes: Sequence[str] = (), weights: Weights | None = None) -> None:
        self.classes: list[str] = list(classes)
        self.weights: Weights = weights or {}
        # Training state for averaging: running totals and the step each weight last changed.
        self._totals: dict[tuple[str, str], float] = defaultdict(float)
        self._stamps: dict[tuple[str, str], int] = defaultdict(int)
        self._step = 0
        self._dense: dict[str, tuple[float, ...]] | None = None  # for reading: one weight per class, in class order

    def dense(self) -> dict[str, tuple[float, ...]]:
        """The weights as one tuple per feature in class order, built once (reading only: training
        changes the weights, so it uses scores())."""
        if self._dense is None:
            classes = self.classes
            self._dense = {f: tuple(row.get(c, 0.0) for c in classes) for f, row in self.weights.items()}
        return self._dense

    def score_list(self, features: Iterable[str]) -> list[float]:
        """Scores in class order, summed column-wise (the fast path of reading)."""
        get = self.dense().get
        rows = [row for row in map(get, features) if row is not None]
        if not rows:
            return [0.0] * len(self.classes)
        return [sum(column) for column in zip(*rows, strict=True)]

    def scores(self, features: Iterable[str]) -> dict[str, float]:
        totals = dict.fromkeys(self.classes, 0.0)
        get = self.weights.get
        for feature in features:
            row = get(feature)
            if row:
                for label, weight in row.items():
                    totals[label] += weight
        return totals

    def predict(self, features: Iterable[str]) -> str:
        scores = self.scores(features)
        # Ties break on class order (the first wins), so prediction is deterministic.
        best = self.classes[0]
        top = scores[best]
        for label in self.classes[1:]:
            if scores[label] > top:
                best, top = label, scores[label]
        return best

    def update(self, truth: str, guess: str, features: Sequence[str]) -> None:
        self._step += 1
        if truth == guess:
            return
        for feature in features:
            row = self.weights.setdefault(feature, {})
            for label, delta in ((truth, 1.0), (guess, -1.0)):
                key = (feature, label)
                current = row.get(label, 0.0)
                self._totals[key] += (self._step - self._stamps[key]) * current
                self._stamps[key] = self._step
                row[label] = current + delta

    def nudge(self, feature: str, label: str, delta: float) -> None:
        """Add delta to one weight at the current step (the averaging bookkeeping kept)."""
        row = self.weights.setdefault(feature, {})
        key = (feature, label)
        current = row.get(label, 0.0)
        self._totals[key] += (self._step - self._stamps[key]) * current
        self._stamps[key] = self._step
        row[label] = current + delta

    def average(self) -> None:
        """Replace each weight by its average over all training steps (less overfitting)."""
        for feature, row in self.weights.items():
            for label, weight in list(row.items()):
                key = (feature, label)
                total = self._totals[key] + (self._step - self._stamps[key]) * weight
                averaged = round(total / max(1, self._step), 3)
                if averaged:
                    row[label] = averaged
                else:
                    del row[label]
        self.weights = {f: row for f, row in self.weights.items() if row}

    def to_json(self) -> dict[str, Any]:
        return {"classes": self.classes, "weights": {f: dict(sorted(r.items())) for f, r in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AveragedPerceptron:
        return cls(data["classes"], data["weights"])


class GreedyTagger:
    """Tags a token sequence left to right; each decision sees the two previous tags."""

    def __init__(self, model: AveragedPerceptron) -> None:
        self.model = model

    def tag(self, token_features: Sequence[list[str]], beam: int = 1, temperature: float = 5.0) -> list[str]:
        if beam <= 1:
            tags: list[str] = []
            classes = self.model.classes
            for features in token_features:
                scores = self.model.score_list(features + self._history(tags))
                tags.append(classes[scores.index(max(scores))])  # ties: the first class wins
            return tags
        return self._beam(token_features, beam, temperature)

    def _beam(self, token_features: Sequence[list[str]], width: int, temperature: float) -> list[str]:
        """Keeps the best few tag sequences so far (summed log-softmax scores) instead of the single best.
        Weighed on the development sets (docs/language.md): no better than greedy, so not the default."""
        classes = self.model.classes
        weights = self.model.weights
        beams: list[tuple[float, list[str]]] = [(0.0, [])]
        for features in token_features:
            base = self.model.scores(features)
            grown: list[tuple[float, list[str]]] = []
            for total, tags in beams:
                scores = dict(base)
                for feature in self._history(tags):
                    for label, weight in weights.get(feature, {}).items():
                        scores[label] += weight
                scores = {k: v / temperature for k, v in scores.items()}
                top = max(scores.values())
                norm = top + math.log(sum(math.exp(v - top) for v in scores.values()))
                for label in classes:
                    grown.append((total + scores[label] - norm, [*tags, label]))
            grown.sort(key=lambda item: (-item[0], [classes.index(t) for t in item[1]]))
            beams = grown[:width]
        return beams[0][1]

    @staticmethod
    def _history(tags: Sequence[str]) -> list[str]:
        prev = tags[-1] if tags else "^"
        prev2 = tags[-2] if len(tags) > 1 else "^"
        return [f"p1={prev}", f"p2={prev2}{prev}"]

    def train_one(self, token_features: Sequence[list[str]], truth: Sequence[str]) -> int:
        """One pass over a sentence, conditioning on the gold history; returns mistakes."""
        mistakes = 0
        for i, features in enumerate(token_features):
            full = features + self._history(truth[:i])
            guess = self.model.predict(full)
            if guess != truth[i]:
                mistakes += 1
            self.model.update(truth[i], guess, full)
        return mistakes


class StructuredTagger:
    """A structured (Collins 2002) averaged perceptron: Viterbi over tag bigrams, trained on
    whole sequences. A token's score for a tag is the sum of its feature weights; a step from
    one tag to the next adds ``p1=<prev>`` and ``p1=<prev>|<key>`` weights (``key`` is the
    token's first transition key, e.g. its word class), so the best sequence is found exactly
    rather than one greedy decision at a time."""

    def __init__(self, model: AveragedPerceptron) -> None:
        self.model = model
        self._transitions: dict[str, list[list[float]]] = {}

    def _columns(self, key: str) -> list[list[float]]:
        """Transition scores by [cur][prev] (plain bigram plus the key's), prev index len(classes) = the start."""
        cached = self._transitions.get(key)
        if cached is not None:
            return cached
        classes = self.model.classes
        weights = self.model.weights
        rows = []
        for prev in [*classes, "^"]:
            plain = weights.get(f"p1={prev}", {})
            keyed = weights.get(f"p1={prev}|{key}", {}) if key else {}
            rows.append([plain.get(label, 0.0) + keyed.get(label, 0.0) for label in classes])
        columns = [[row[c] for row in rows] for c in range(len(classes))]
        self._transitions[key] = columns
        return columns

    def forget(self) -> None:
        """Drop cached transition scores (after the weights change)."""
        self._transitions.clear()

    def tag(self, token_features: Sequence[list[str]], keys: Sequence[str] | None = None, *,
            training: bool = False) -> list[str]:
        classes = self.model.classes
        n_tags = len(classes)
        if not token_features:
            return []
        # while training the weights change under it, so the dict scores (in class order), not the dense cache
        score = (lambda f: list(self.model.scores(f).values())) if training else self.model.score_list
        add = operator.add
        back: list[list[int]] = []
        delta: list[float] = []
        for i, features in enumerate(token_features):
            emit = score(features)
            columns = self._columns(keys[i] if keys else "")
            if i == 0:
                delta = [emit[c] + columns[c][n_tags] for c in range(n_tags)]
                continue
            pointers = []
            new_delta = []
            for c in range(n_tags):
                values = list(map(add, delta, columns[c]))  # the start row (last) is cut off by zip's shorter delta
                best = max(values)
                pointers.append(values.index(best))  # ties: the first class wins, so decoding is deterministic
                new_delta.append(best + emit[c])
            delta = new_delta
            back.append(pointers)
        top = max(delta)
        path = [delta.index(top)]
        for pointers in reversed(back):
            path.append(pointers[path[-1]])
        path.reverse()
        return [classes[c] for c in path]

    def train_one(self, token_features: Sequence[list[str]], truth: Sequence[str],
                  keys: Sequence[str] | None = None) -> int:
        """Decode the whole sequence with the current weights; where it differs from the truth,
        reward the true features and transitions and penalise the guessed ones. Returns mistakes."""
        self.forget()
        guess = self.tag(token_features, keys, training=True)
        model = self.model
        model._step += 1
        mistakes = sum(g != t for g, t in zip(guess, truth, strict=True))
        if not mistakes:
            return 0
        for i, features in enumerate(token_features):
            prev_t = truth[i - 1] if i else "^"
            prev_g = guess[i - 1] if i else "^"
            if truth[i] == guess[i] and prev_t == prev_g:
                continue
            moves = [f"p1={prev_t}"] + ([f"p1={prev_t}|{keys[i]}"] if keys else [])
            wrong = [f"p1={prev_g}"] + ([f"p1={prev_g}|{keys[i]}"] if keys else [])
            for feature in moves:
                model.nudge(feature, truth[i], 1.0)
            for feature in wrong:
                model.nudge(feature, guess[i], -1.0)
            if truth[i] != guess[i]:
                for feature in features:
                    model.nudge(feature, truth[i], 1.0)
                    model.nudge(feature, guess[i], -1.0)
        return mistakes
