"""Averaged perceptrons: a multiclass classifier and a greedy left-to-right sequence tagger.

Small on purpose (no dependency, a few hundred kilobytes of weights, microseconds per
token). Training is deterministic for a given corpus order; weights serialise to plain
JSON so the shipped file can be rebuilt byte for byte (``python -m adapters.llm.offline.train``).
"""

from __future__ import annotations

import math
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
            for features in token_features:
                tags.append(self.model.predict(features + self._history(tags)))
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
