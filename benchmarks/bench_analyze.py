"""Time the analyzer: median per message over the development set, and large inputs.

    python benchmarks/bench_analyze.py

Targets (issue 2): median <= 1 ms per message; 1 MB <= 1 s, growing roughly linearly.
Large inputs are timed best of three, after the one-time compile costs, which are printed.
Also prints the widget feedback timing from bench_feedback.py when it is present.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))

from labeled import load  # noqa: E402
from warmline import analyze  # noqa: E402


def per_message(repeats: int = 5) -> list[float]:
    texts = [item.text for item in load("dev")]
    for text in texts:  # warm the caches: rules and signals load once
        analyze(text)
    timings = []
    for text in texts:
        best = min(_time(text) for _ in range(repeats))
        timings.append(best)
    return timings


def _time(text: str) -> float:
    start = time.perf_counter()
    analyze(text)
    return time.perf_counter() - start


def large_input(size: int) -> str:
    """Realistic text: development messages concatenated as paragraphs up to ``size`` bytes."""
    paragraphs = [item.text for item in load("dev")]
    out: list[str] = []
    total = i = 0
    while total < size:
        p = paragraphs[i % len(paragraphs)]
        out.append(p)
        total += len(p.encode()) + 2
        i += 1
    return "\n\n".join(out)[:size]


def main() -> int:
    start = time.perf_counter()
    analyze("hi")
    print(f"first call (loads and compiles rules and signals): {time.perf_counter() - start:.3f} s")
    timings = per_message()
    print(f"messages: {len(timings)}")
    print(f"median per message: {statistics.median(timings) * 1000:.3f} ms")
    print(f"p95 per message:    {sorted(timings)[int(len(timings) * 0.95)] * 1000:.3f} ms")
    print(f"max per message:    {max(timings) * 1000:.3f} ms")
    # The first 1 MB text, as one `warmline check` would see it, then long texts once the
    # process has compiled the faster patterns it uses from the second long text on.
    seconds = _time(large_input(1_000_000))
    print(f"first 1 MB text of a process: {seconds:.3f} s")
    seconds = _time(large_input(25_000))
    print(f"second long text (25 KB, compiles the long-text patterns): {seconds:.3f} s")
    for label, size in (("10 KB", 10_000), ("100 KB", 100_000), ("1 MB", 1_000_000)):
        text = large_input(size)
        seconds = min(_time(text) for _ in range(3))
        print(f"{label:>7}: {seconds:.3f} s  ({seconds / size * 1e6:.2f} us/byte)")
    try:
        import bench_feedback
    except ImportError:
        return 0
    print("-- widget feedback")
    return int(bench_feedback.main() or 0)


if __name__ == "__main__":
    sys.exit(main())
