"""The labeled message sets in tests/data/messages, and the metrics reported on them.

Used by the tests and by benchmarks/evaluate.py. ``dev.yaml`` is for writing rules;
``test.yaml`` is a frozen split that rule writing never looks at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

MESSAGES = Path(__file__).parent / "data" / "messages"
ASK_LABELS = ("none", "genuine", "mixed", "transactional")


@dataclass(frozen=True)
class Labeled:
    id: str
    channel: str
    text: str
    bare_ping: bool
    ask: str
    pair: str | None
    why: str


def splits() -> list[str]:
    """The names of the labeled sets: dev, dev2, dev3, ..., then test."""
    names = [path.stem for path in MESSAGES.glob("*.yaml")]
    return sorted(names, key=lambda n: (n == "test", int(n[3:] or 1) if n.startswith("dev") else 0))


def load(split: str) -> list[Labeled]:
    with open(MESSAGES / f"{split}.yaml", encoding="utf-8") as f:
        items: list[dict[str, Any]] = yaml.safe_load(f)
    return [
        Labeled(
            id=i["id"],
            channel=i["channel"],
            text=i["text"],
            bare_ping=i["bare_ping"],
            ask=i["ask"],
            pair=i.get("pair"),
            why=i.get("why", ""),
        )
        for i in items
    ]


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    support: int


def scores(gold: Sequence[Any], predicted: Sequence[Any], label: Any) -> Scores:
    tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
    fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
    fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Scores(precision, recall, f1, tp + fn)


@dataclass(frozen=True)
class Evaluation:
    bare_ping: Scores
    ask: dict[str, Scores]
    errors: list[tuple[Labeled, bool, str]]

    @property
    def ask_macro_f1(self) -> float:
        return sum(s.f1 for s in self.ask.values()) / len(self.ask)


def evaluate(items: Sequence[Labeled], analyze: Callable[[str], Any]) -> Evaluation:
    reports = [analyze(item.text) for item in items]
    bare = [r.bare_ping for r in reports]
    ask = [r.ask for r in reports]
    errors = [
        (item, r.bare_ping, r.ask)
        for item, r in zip(items, reports, strict=True)
        if r.bare_ping != item.bare_ping or r.ask != item.ask
    ]
    return Evaluation(
        bare_ping=scores([i.bare_ping for i in items], bare, True),
        ask={label: scores([i.ask for i in items], ask, label) for label in ASK_LABELS},
        errors=errors,
    )
