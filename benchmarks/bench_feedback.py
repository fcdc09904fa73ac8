"""Print the median Python-side time for widget feedback on a 500-character draft.

    python benchmarks/bench_feedback.py            # 200 runs per case
    python benchmarks/bench_feedback.py -n 50

Target (issue 3): <= 20 ms median for the feedback a learner sees as they type, so that no
debounce (and no thread or timer) is needed. Each case changes the draft slightly every run, as
typing does, so no result is reused. "judge + render" is the judgement and its HTML; "keystroke"
is the whole observer of the text box: judge, render, preview and save the draft to the answers
file (atomic write and fsync included), as in a notebook.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from warmline import _exercises as E
from warmline._judgements import check_rewrite, judge_questions, read_draft
from warmline.widgets import CheckIntentions, RewriteExercise, StayInterested
from warmline.widgets._html import preview
from warmline.widgets._intentions import render_reading
from warmline.widgets._interest import render_questions
from warmline.widgets._rewrite import render_rewrite

TARGET_MS = 20.0
LENGTH = 500


def _draft(text: str) -> str:
    """``text`` repeated or cut to exactly 500 characters."""
    while len(text) < LENGTH:
        text = text + "\n" + text
    return text[:LENGTH]


def _median_ms(run: Callable[[str], object], text: str, n: int) -> float:
    times = []
    for i in range(n):
        variant = text[:-4] + f"{i % 1000:4d}"  # a different draft each time, like typing
        start = time.perf_counter()
        run(variant)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="runs per case (default 200)")
    args = parser.parse_args(argv)

    scenario = E.scenario("staging-flag")
    target = E.target("river-restoration")
    piece = E.piece("flaky-tests")
    rewrite = _draft(scenario.model_answer)
    cold = _draft(target.model_draft)
    questions = _draft(piece.model_questions)

    with tempfile.TemporaryDirectory() as folder:
        answers = Path(folder) / "warmline-answers.json"
        w1 = RewriteExercise("rewrite-staging-flag", answers_path=answers)
        w3 = CheckIntentions("intentions-river", answers_path=answers)
        w4 = StayInterested("interest-flaky-tests", answers_path=answers)

        def set_rewrite(text: str) -> None:
            w1._text.value = text

        def set_cold(text: str) -> None:
            w3._draft.value = text

        def set_questions(text: str) -> None:
            w4._text.value = text

        cases: list[tuple[str, Callable[[str], object], str]] = [
            ("rewrite: judge + render + preview",
             lambda t: (render_rewrite(check_rewrite(scenario, t)), preview(t, label="x")),
             rewrite),
            ("rewrite: keystroke (with draft save)", set_rewrite, rewrite),
            ("intentions: judge + render",
             lambda t: render_reading(read_draft(t, target)), cold),
            ("intentions: keystroke (with draft save)", set_cold, cold),
            ("stay interested: judge + render",
             lambda t: render_questions(judge_questions(piece, t)), questions),
            ("stay interested: keystroke (with draft save)", set_questions, questions),
        ]
        print(f"median Python-side time for feedback on a {LENGTH}-character draft "
              f"({args.n} runs each; target <= {TARGET_MS:.0f} ms)")
        worst = 0.0
        for name, run, text in cases:
            run(text)  # warm caches: data files, compiled patterns
            ms = _median_ms(run, text, args.n)
            worst = max(worst, ms)
            print(f"  {name:<46}{ms:8.2f} ms")
    verdict = "within" if worst <= TARGET_MS else "OVER"
    print(f"slowest median {worst:.2f} ms: {verdict} the {TARGET_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
