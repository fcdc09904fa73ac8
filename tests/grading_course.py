"""A throwaway nbgrader course with synthetic submissions, for tests/test_grading_batch.py and
benchmarks/bench_grading.py.

Submissions are built from the released student version of an assignment (what learners get)
and the fixture answers of tests/data/workbook/answers.yaml, recorded the way the widgets
record them; nothing here names an exercise or a graded cell.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import workbook as WB
from warmline import _workbook as W
from warmline import answers as A

SRC = Path(__file__).resolve().parents[1] / "src"
STAMP = "2026-11-20 10:00:00.000000 UTC"


@contextlib.contextmanager
def isolated(home: Path) -> Iterator[dict[str, str]]:
    """Jupyter and IPython write into a private HOME; subprocesses find this checkout."""
    home.mkdir(parents=True, exist_ok=True)
    saved = dict(os.environ)
    for var, sub in (("HOME", ""), ("JUPYTER_CONFIG_DIR", ".jupyter"),
                     ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
                     ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"),
                     ("IPYTHONDIR", ".ipython")):
        os.environ[var] = str(home / sub)
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(SRC), saved.get("PYTHONPATH")) if p)
    os.environ["PYTHONWARNINGS"] = "ignore"
    try:
        yield dict(os.environ)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def make_course(dest: Path, assignments: Sequence[str], *, config: str = "") -> Path:
    """A copy of the repository's course in ``dest``, ``assignments`` released; its root."""
    shutil.copytree(WB.AUTOGRADER, dest / "autograder",
                    ignore=shutil.ignore_patterns("gradebook.db", "release", "submitted",
                                                  "autograded", "feedback", "downloaded",
                                                  "*.html", ".warmline-*"))
    shutil.copytree(WB.EXERCISES, dest / "exercises",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "warmline-answers*",
                                                  ".warmline-answers*"))
    root = dest / "autograder"
    if config:
        with open(root / "nbgrader_config.py", "a", encoding="utf-8") as f:
            f.write("\n" + config + "\n")
    done = subprocess.run([sys.executable, "-m", "warmline", "release", *assignments,
                           "--course", str(root)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return root


def released(root: Path, assignment: str) -> dict[str, Any]:
    return W.read_notebook(root / "release" / assignment / f"{assignment}.ipynb")


def code_cell(source: str) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
            "source": source}


def autograded_cells(nb: Mapping[str, Any]) -> list[int]:
    """Indexes of the autograded test cells of ``nb``."""
    return [i for i, c in enumerate(nb["cells"])
            if W.nbgrader_meta(c).get("grade") and not W.nbgrader_meta(c).get("solution")]


def points(nb: Mapping[str, Any], index: int) -> float:
    return float(W.nbgrader_meta(nb["cells"][index]).get("points", 0))


def submit(root: Path, student: str, assignment: str, *, nb: Any = None,
           answers: str | Mapping[str, Any] | None = "full", raw: str | None = None,
           stamp: str | None = STAMP) -> Path:
    """A submission in ``submitted/STUDENT/ASSIGNMENT``: the released notebook (or ``nb``, or
    the text ``raw``) and the answers of a fixture set (or a mapping, or None for no file)."""
    sub = root / "submitted" / student / assignment
    sub.mkdir(parents=True, exist_ok=True)
    if raw is not None:
        (sub / f"{assignment}.ipynb").write_text(raw, encoding="utf-8")
    elif nb is not False:
        (sub / f"{assignment}.ipynb").write_text(json.dumps(nb or released(root, assignment)),
                                                 encoding="utf-8")
    if stamp:
        (sub / "timestamp.txt").write_text(stamp, encoding="utf-8")
    if answers is not None:
        chosen = WB.fixture_sets()[answers] if isinstance(answers, str) else answers
        laptop = root.parent / "laptops" / student / assignment
        recorded = WB.record(laptop, dict(chosen))
        shutil.copyfile(recorded, sub / A.FILE_NAME)
    return sub


def grades(db_url: str, assignment: str) -> dict[str, dict[str, tuple[Any, ...]]]:
    """``{student: {grade_id: (auto, manual, needs manual grade)}}`` from the gradebook."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.api import Gradebook

        result: dict[str, dict[str, tuple[Any, ...]]] = {}
        with Gradebook(db_url) as gb:
            for sub in gb.assignment_submissions(assignment):
                cells = result.setdefault(sub.student.id, {})
                for nb in sub.notebooks:
                    for g in nb.grades:
                        cells[g.name] = (g.auto_score, g.manual_score, g.needs_manual_grade)
        return result


def total(cells: Mapping[str, tuple[Any, ...]], tests: Sequence[str]) -> float:
    return sum(float(cells[g][0] or 0) for g in tests)
