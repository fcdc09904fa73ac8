"""With nbgrader itself: the answers file travels with a submission and is read by autograde.

A tiny course is built in a temporary folder: a source notebook whose graded test cells read
the answers file through warmline.answers, ``nbgrader generate_assignment``, submissions copied
into ``submitted/<student>/ps1/`` with the answers file each learner recorded elsewhere, then
``nbgrader autograde`` run as a subprocess from the course root (nbgrader reads
nbgrader_config.py only from the current folder), and the scores read from the gradebook.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import warmline
from warmline import _exercises as E
from warmline import answers as A

pytestmark = pytest.mark.slow

ASSIGNMENT = "ps1"


def _meta(grade_id: str, *, points: int | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"grade": points is not None, "solution": False, "locked": True,
                            "grade_id": grade_id, "schema_version": 3, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _code(source: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": metadata, "outputs": [],
            "source": textwrap.dedent(source).strip()}


def _notebook() -> dict[str, Any]:
    cells = [
        {"cell_type": "markdown", "metadata": _meta("intro"),
         "source": "Your answers are read from the file your exercise widgets recorded."},
        _code("""
            from warmline.answers import answer_mapping, answer_text
            from warmline._exercises import deck
            from warmline._judgements import check_rewrite
            """, _meta("imports")),
        _code("""
            rewrite = answer_text("rewrite-staging-flag")
            print(rewrite)
            assert rewrite is not None, "Record your rewrite in the exercise widget first."
            feedback = check_rewrite("staging-flag", rewrite)
            assert feedback.passed, "Not ready to send yet: " + "; ".join(
                c.label for c in feedback.missing)
            """, _meta("test-rewrite", points=2)),
        _code("""
            picks = answer_mapping("spot-graded")
            assert picks is not None, "Answer the graded deck in its widget first."
            right, total = deck("graded").score(picks)
            print(f"{right} of {total}")
            assert right >= total * 3 // 4, f"{right} of {total} right; at least 3 in 4 needed"
            """, _meta("test-deck", points=1)),
    ]
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    home = tmp / "home"
    home.mkdir()
    src = str(Path(warmline.__file__).resolve().parents[1])
    env.update({
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
        "IPYTHONDIR": str(home / ".ipython"),
        # The kernel must import this warmline, whatever is installed.
        "PYTHONPATH": os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p),
        "PYTHONWARNINGS": "ignore",
    })
    return env


def _run(args: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


def _record(folder: Path, rewrite: str | None, picks: dict[str, str] | None) -> Path:
    """An answers file as a learner's widgets would record it, in their own folder."""
    folder.mkdir(parents=True)
    path = folder / A.FILE_NAME
    if rewrite is not None:
        A.save_draft("rewrite-staging-flag", "hey priya", path=path)
        A.record_answer("rewrite-staging-flag", rewrite, path=path)
    if picks is not None:
        A.record_answer("spot-graded", picks, path=path)  # type: ignore[arg-type]
    return path


def test_answers_file_travels_with_the_submission_and_is_graded(tmp_path: Path) -> None:
    root = tmp_path / "course"
    source = root / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (source / f"{ASSIGNMENT}.ipynb").write_text(json.dumps(_notebook(), indent=1),
                                                encoding="utf-8")
    (root / "nbgrader_config.py").write_text(textwrap.dedent(f"""
        c = get_config()
        c.CourseDirectory.root = {str(root)!r}
        c.CourseDirectory.course_id = "warmline-test"
        c.Exchange.root = {str(tmp_path / "exchange")!r}
        c.ExecutePreprocessor.timeout = 120
        """), encoding="utf-8")
    env = _environment(tmp_path)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    _run([*nbgrader, "generate_assignment", ASSIGNMENT, "--force"], root, env)
    released = root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert released.exists()

    graded = E.deck("graded")
    all_right = {it.id: it.label for it in graded.items}
    all_none = {it.id: "none" for it in graded.items}
    learners = {
        # student: (rewrite, deck picks), recorded in the learner's own folder
        "alice": (E.scenario("staging-flag").model_answer, all_right),
        "bob": (E.scenario("staging-flag").bare, all_right),
        "carol": ("quick q: can you help? no worries if not", all_none),
        "dan": (None, None),  # never recorded anything: no answers file at all
    }
    for student, (rewrite, picks) in learners.items():
        submitted = root / "submitted" / student / ASSIGNMENT
        submitted.mkdir(parents=True)
        shutil.copy(released, submitted / f"{ASSIGNMENT}.ipynb")
        (submitted / "timestamp.txt").write_text("2026-11-26 10:00:00.000000 UTC",
                                                 encoding="utf-8")
        if rewrite is not None or picks is not None:
            recorded = _record(tmp_path / "laptops" / student, rewrite, picks)
            shutil.copy(recorded, submitted / A.FILE_NAME)

    _run([*nbgrader, "autograde", ASSIGNMENT, "--force"], root, env)

    # The answers file travelled into the autograded folder, unchanged.
    for student in ("alice", "bob", "carol"):
        autograded = root / "autograded" / student / ASSIGNMENT
        assert (autograded / A.FILE_NAME).read_bytes() == \
            (root / "submitted" / student / ASSIGNMENT / A.FILE_NAME).read_bytes()
        executed = json.loads((autograded / f"{ASSIGNMENT}.ipynb").read_text(encoding="utf-8"))
        assert executed["cells"][2]["outputs"], "the test cell ran"

    reader = textwrap.dedent(f"""
        import json
        from nbgrader.api import Gradebook
        with Gradebook("sqlite:///{root / 'gradebook.db'}") as gb:
            scores = {{}}
            for student in ("alice", "bob", "carol", "dan"):
                sub = gb.find_submission_notebook({ASSIGNMENT!r}, {ASSIGNMENT!r}, student)
                scores[student] = {{
                    "total": sub.score,
                    "rewrite": gb.find_grade("test-rewrite", {ASSIGNMENT!r}, {ASSIGNMENT!r},
                                             student).score,
                    "deck": gb.find_grade("test-deck", {ASSIGNMENT!r}, {ASSIGNMENT!r},
                                          student).score,
                }}
        print(json.dumps(scores))
        """)
    out = _run([sys.executable, "-c", reader], root, env).stdout.strip().splitlines()[-1]
    scores = json.loads(out)
    assert scores == {
        "alice": {"total": 3.0, "rewrite": 2.0, "deck": 1.0},
        "bob": {"total": 1.0, "rewrite": 0.0, "deck": 1.0},
        "carol": {"total": 0.0, "rewrite": 0.0, "deck": 0.0},
        "dan": {"total": 0.0, "rewrite": 0.0, "deck": 0.0},
    }
