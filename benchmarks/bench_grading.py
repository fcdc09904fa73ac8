"""Time grading a class: serial ``nbgrader autograde`` against ``warmline grade``.

    python benchmarks/bench_grading.py              # K=40 submissions of bare-pings
    python benchmarks/bench_grading.py -k 10 -a capstone

Builds two copies of the course in a temporary folder, releases the assignment, and files K
synthetic submissions in each (the released notebook with the fixture answers of
tests/data/workbook/answers.yaml, in turn), then times, in one run:

  (a) serial ``nbgrader autograde ASSIGNMENT`` (one process, one submission after another);
  (b) ``warmline grade ASSIGNMENT`` (default --jobs: the number of cores);
  (c) the floor: a fresh kernel started and the graded notebook run with nbclient, K times in
      this process, divided by the number of cores.

It prints the seconds and the ratios a/b and b/c. Targets (issue 6), on 2 cores: a/b >= 1.8 and
b/c <= 1.3. Both gradebooks must hold the same scores; the run fails if they do not.

Wall-clock ratios assume the machine is otherwise idle: other work takes cores from the parallel
run (b) more than from the serial ones. So it also prints the CPU seconds each used (processes
and all their children, kernels included), which other work does not change much.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import grading_course as GC

SETS = ("full", "partial", "gaming", "script")


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _floor(root: Path, assignment: str, k: int, work: Path) -> float:
    """K fresh kernels each running the notebook as it is graded (the source version, hidden
    tests and all) beside a submission's answers file, with nbclient."""
    import nbformat
    from nbclient import NotebookClient

    source = root.parent / "exercises" / assignment / f"{assignment}.ipynb"
    started = time.perf_counter()
    for i in range(k):
        folder = work / f"floor-{i}"
        folder.mkdir(parents=True)
        answers = root / "submitted" / f"s{i:03d}" / assignment / GC.A.FILE_NAME
        shutil.copyfile(answers, folder / GC.A.FILE_NAME)
        nb = nbformat.read(str(source), as_version=4)
        NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                       shutdown_kernel="immediate",
                       resources={"metadata": {"path": str(folder)}}).execute(
                           stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def _scores(root: Path, assignment: str) -> dict[str, float]:
    grades = GC.grades(f"sqlite:///{root / 'gradebook.db'}", assignment)
    return {s: sum(float(v[0] or 0) for v in cells.values()) for s, cells in grades.items()}


def _timed(cmd: list[str], *, cwd: Path | None, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of a command that must succeed (its output shown if it fails)."""
    cpu = _cpu(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
        raise SystemExit(1)
    return seconds, _cpu(resource.RUSAGE_CHILDREN) - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-k", type=int, default=40, help="submissions (default 40)")
    parser.add_argument("-a", "--assignment", default="bare-pings")
    parser.add_argument("--jobs", type=int, default=None,
                        help="warmline grade --jobs (default: the number of cores)")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="warmline-bench-") as tmp, \
            GC.isolated(Path(tmp) / "home") as env:
        roots = {}
        for name in ("nbgrader", "warmline"):
            root = GC.make_course(Path(tmp) / name, [args.assignment])
            for i in range(args.k):
                GC.submit(root, f"s{i:03d}", args.assignment, answers=SETS[i % len(SETS)])
            roots[name] = root
        print(f"K={args.k} submissions of {args.assignment}, {cores} core(s); load average "
              f"{os.getloadavg()[0]:.2f} (other work on this machine skews the ratios)",
              flush=True)

        a, cpu_a = _timed([sys.executable, "-m", "nbgrader", "autograde", args.assignment,
                           "--force"], cwd=roots["nbgrader"], env=env)
        print(f"(a) serial nbgrader autograde   {a:7.1f} s", flush=True)

        jobs = ["--jobs", str(args.jobs)] if args.jobs else []
        b, cpu_b = _timed([sys.executable, "-m", "warmline", "grade", args.assignment,
                           "--course", str(roots["warmline"]), *jobs], cwd=None, env=env)
        print(f"(b) warmline grade              {b:7.1f} s", flush=True)

        cpu = _cpu(resource.RUSAGE_CHILDREN) + _cpu(resource.RUSAGE_SELF)
        floor = _floor(roots["warmline"], args.assignment, args.k, Path(tmp) / "floor")
        cpu_c = _cpu(resource.RUSAGE_CHILDREN) + _cpu(resource.RUSAGE_SELF) - cpu
        c = floor / cores
        print(f"(c) floor: nbclient, K runs / {cores} {c:7.1f} s  ({floor:.1f} s in all)")
        print(f"a/b = {a / b:.2f} (target >= 1.8)   b/c = {b / c:.2f} (target <= 1.3)   "
              f"load average now {os.getloadavg()[0]:.2f}")
        print(f"CPU seconds: (a) {cpu_a:.1f}  (b) {cpu_b:.1f}  (c) {cpu_c:.1f}; as ratios "
              f"a/b = {cpu_a / cpu_b:.2f}, b/c = {cpu_b / cpu_c:.2f}")
        if _scores(roots["nbgrader"], args.assignment) != _scores(roots["warmline"],
                                                                   args.assignment):
            print("the two gradebooks differ", file=sys.stderr)
            return 1
        print("same scores in both gradebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
