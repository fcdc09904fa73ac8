"""Print precision, recall and F1 of the analyzer on the labeled message sets.

    python benchmarks/evaluate.py            # both splits
    python benchmarks/evaluate.py dev -v     # dev split, with every disagreement listed

The test split is frozen: look at its numbers, never at its messages, when writing rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from labeled import evaluate, load, splits
from warmline import analyze


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("splits", nargs="*", default=splits())
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list disagreements (refused for the test split)")
    args = parser.parse_args()
    for split in args.splits:
        items = load(split)
        ev = evaluate(items, analyze)
        print(f"== {split}: {len(items)} messages")
        print(f"{'label':<16}{'precision':>10}{'recall':>10}{'F1':>8}{'support':>9}")
        rows = [("bare_ping", ev.bare_ping), *ev.ask.items()]
        for label, s in rows:
            print(f"{label:<16}{s.precision:>10.3f}{s.recall:>10.3f}{s.f1:>8.3f}{s.support:>9}")
        print(f"{'ask macro-F1':<16}{ev.ask_macro_f1:>36.3f}")
        if args.verbose and split != "test":
            for item, bare, ask in ev.errors:
                print(f"- {item.id}: gold bare={item.bare_ping} ask={item.ask}; "
                      f"got bare={bare} ask={ask}\n    {item.text!r}\n    why: {item.why}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
