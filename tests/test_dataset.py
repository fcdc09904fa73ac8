"""The labeled message sets, and the analyzer's quality on them."""

from __future__ import annotations

from collections import Counter

import pytest

from labeled import ASK_LABELS, evaluate, load, splits
from warmline import analyze

# dev.yaml, dev2.yaml, ...: each written by a separate author; test.yaml: the frozen split.
SPLITS = {name: load(name) for name in splits()}
DEV = SPLITS["dev"]
TEST = SPLITS["test"]


@pytest.mark.parametrize("items", SPLITS.values(), ids=SPLITS.keys())
def test_set_is_well_formed(items: list) -> None:  # type: ignore[type-arg]
    ids = [i.id for i in items]
    assert len(ids) == len(set(ids))
    assert all(i.ask in ASK_LABELS for i in items)
    assert all(isinstance(i.bare_ping, bool) and i.text.strip() for i in items)
    pairs = Counter(i.pair for i in items if i.pair)
    assert all(n == 2 for n in pairs.values()), "every pair id appears exactly twice"
    for pair in pairs:
        a, b = (i for i in items if i.pair == pair)
        assert (a.bare_ping, a.ask) != (b.bare_ping, b.ask), f"pair {pair} has equal labels"


def test_sizes_required_by_the_issue() -> None:
    assert len(DEV) + len(TEST) >= 300
    assert len(TEST) >= 100
    pairs = {i.pair for i in DEV + TEST if i.pair}
    assert len(pairs) >= 50
    dev_texts = {i.text for name, items in SPLITS.items() if name != "test" for i in items}
    assert not dev_texts & {i.text for i in TEST}, "the held-out split must not overlap the others"


def test_dev_split_meets_the_targets() -> None:
    ev = evaluate(DEV, analyze)
    assert ev.bare_ping.f1 >= 0.95
    assert ev.ask["transactional"].f1 >= 0.85
    assert ev.ask_macro_f1 >= 0.75


@pytest.mark.parametrize(
    ("split", "bare", "transactional", "macro"),
    [
        ("dev2", 0.96, 0.92, 0.93),
        ("dev3", 0.95, 0.93, 0.89),
        ("dev4", 0.96, 0.94, 0.94),
        ("dev5", 0.96, 0.93, 0.91),
        ("dev6", 0.97, 0.89, 0.89),
        ("dev7", 0.94, 0.91, 0.86),
        ("dev8", 0.94, 0.97, 0.87),
        ("dev9", 0.96, 0.93, 0.90),
        ("dev10", 0.96, 0.95, 0.89),
        ("dev11", 0.97, 0.95, 0.93),
        ("dev12", 0.93, 0.93, 0.93),
        ("dev13", 0.96, 0.91, 0.92),
        ("dev14", 0.96, 0.93, 0.92),
        ("dev15", 0.95, 0.92, 0.87),
        ("dev16", 0.96, 0.92, 0.91),
        ("dev17", 0.95, 0.96, 0.91),
        ("dev18", 0.96, 0.90, 0.89),
        ("dev19", 0.95, 0.91, 0.89),
        ("dev20", 0.96, 0.94, 0.93),
        ("dev21", 0.96, 0.93, 0.93),
        ("dev22", 0.96, 0.94, 0.88),
        ("dev23", 0.96, 0.92, 0.93),
        ("dev24", 0.93, 0.94, 0.93),
        ("dev25", 0.96, 0.95, 0.93),
        ("dev26", 0.93, 0.91, 0.90),
        ("dev27", 0.97, 0.92, 0.88),
        ("dev28", 0.98, 0.95, 0.90),
        ("dev29", 0.95, 0.98, 0.87),
        ("dev30", 0.96, 0.91, 0.89),
        ("dev31", 0.97, 0.98, 0.94),
        ("dev32", 0.98, 0.94, 0.93),
        ("dev33", 0.92, 0.92, 0.83),
        ("dev34", 0.96, 0.93, 0.92),
        ("dev35", 0.93, 0.81, 0.88),
        ("dev36", 0.98, 0.93, 0.89),
        ("dev37", 0.95, 0.93, 0.93),
        ("dev38", 0.97, 0.90, 0.81),
        ("dev39", 0.94, 0.90, 0.90),
        ("dev40", 0.96, 0.90, 0.88),
        ("dev41", 0.97, 0.93, 0.91),
        ("dev42", 0.97, 0.87, 0.92),
        ("dev43", 0.96, 0.92, 0.89),
        ("dev44", 0.93, 0.76, 0.78),
        ("dev45", 0.96, 0.93, 0.89),
        ("dev46", 0.97, 0.94, 0.94),
        ("dev47", 0.93, 0.93, 0.87),
        ("dev48", 0.92, 0.92, 0.91),
        ("dev49", 0.95, 0.94, 0.89),
        ("dev50", 0.96, 0.93, 0.91),
        ("dev51", 0.95, 0.91, 0.87),
        ("dev52", 0.95, 0.93, 0.88),
        ("dev53", 0.94, 0.90, 0.86),
        ("dev54", 0.94, 0.87, 0.91),
        ("dev55", 0.92, 0.91, 0.92),
        ("dev56", 0.89, 0.83, 0.85),
        ("dev57", 0.89, 0.87, 0.86),
        ("dev58", 0.90, 0.87, 0.82),
        ("dev59", 0.92, 0.90, 0.89),
        ("dev60", 0.91, 0.85, 0.85),
        ("dev61", 0.87, 0.87, 0.84),
        ("dev62", 0.91, 0.90, 0.88),
        ("dev63", 0.89, 0.86, 0.86),
        ("dev64", 0.86, 0.81, 0.82),
        ("dev65", 0.90, 0.89, 0.89),
        ("dev66", 0.90, 0.93, 0.87),
        ("dev67", 0.89, 0.86, 0.87),
        ("dev68", 0.93, 0.89, 0.88),
        ("dev69", 0.90, 0.84, 0.87),
        ("dev70", 0.92, 0.90, 0.85),
        ("dev71", 0.90, 0.88, 0.89),
        ("dev72", 0.91, 0.87, 0.89),
        ("dev73", 0.89, 0.90, 0.89),
        ("dev74", 0.88, 0.86, 0.79),
        ("dev75", 0.92, 0.87, 0.89),
        ("dev76", 0.87, 0.85, 0.87),
        ("dev77", 0.92, 0.92, 0.86),
        ("dev78", 0.90, 0.88, 0.86),
        ("dev79", 0.92, 0.87, 0.87),
        ("test", 0.93, 0.87, 0.88),
    ],
)
def test_other_splits_do_not_regress(
    split: str, bare: float, transactional: float, macro: float
) -> None:
    """Regression floors a little under the figures measured at the last change.

    They are not the issue's targets (the closing note reports the real figures); they catch a
    change that makes the analyzer worse on messages it was not written against.
    """
    ev = evaluate(SPLITS[split], analyze)
    assert ev.bare_ping.f1 >= bare
    assert ev.ask["transactional"].f1 >= transactional
    assert ev.ask_macro_f1 >= macro
