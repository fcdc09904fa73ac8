"""The labeled message sets, and the analyzer's quality on them."""

from __future__ import annotations

from collections import Counter

import pytest

from labeled import ASK_LABELS, evaluate, load
from warmline import analyze

DEV = load("dev")
TEST = load("test")


@pytest.mark.parametrize("items", [DEV, TEST], ids=["dev", "test"])
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
    assert not {i.text for i in DEV} & {i.text for i in TEST}, "splits must not overlap"


def test_dev_split_meets_the_targets() -> None:
    ev = evaluate(DEV, analyze)
    assert ev.bare_ping.f1 >= 0.95
    assert ev.ask["transactional"].f1 >= 0.85
    assert ev.ask_macro_f1 >= 0.75


def test_held_out_split_does_not_regress() -> None:
    """Regression floors at the level measured when the split was first scored.

    These are not the issue's targets (the closing note reports the real figures); they only
    catch a change that makes the analyzer worse on messages nobody tuned it to.
    """
    ev = evaluate(TEST, analyze)
    assert ev.bare_ping.f1 >= 0.70
    assert ev.ask["transactional"].f1 >= 0.74
    assert ev.ask_macro_f1 >= 0.77
