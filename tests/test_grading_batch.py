"""``warmline grade``: parallel grading (src/warmline/_batch.py, src/warmline/_gradestep.py).

Fast tests cover the progress bar, the command line and the kernel guard. The slow ones build a
course in a temporary folder, release it with nbgrader and grade synthetic submissions (built
from the released notebook and the fixture answers, see tests/grading_course.py):

- the same grades, comments and autograded notebooks as serial ``nbgrader autograde``;
- every fault of issue 6 in one batch: the batch completes, each submission has its status;
- ``--sandbox``: learner code cannot read the course or touch the gradebook, and is flagged;
- a real ``kill -9`` in the middle of a batch, then a rerun: each submission graded once;
- PostgreSQL (a server on 127.0.0.1, see ``WARMLINE_TEST_PG``): skipped when none is reachable,
  except in CI (``CI=true``), where a missing server fails.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import grading_course as GC
import workbook as WB
from warmline import _batch as B
from warmline import _instructor as I
from warmline import _workbook as W
from warmline._cli import main

A = "bare-pings"
EXPECTED = WB.expected()[A]
IN_CI = os.environ.get("CI", "").lower() == "true"


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


def _tests(nb: dict[str, Any]) -> dict[str, float]:
    return {c.grade_id: c.points for c in W.graded_cells(nb) if c.kind == "test"}


def _sandbox_possible() -> str | None:
    """Why --sandbox cannot run here, or None."""
    if not sys.platform.startswith("linux"):
        return "--sandbox is Linux only"
    if os.geteuid() != 0:
        return "--sandbox needs root"
    missing = [t for t in ("setpriv", "unshare", "mount", "useradd") if not shutil.which(t)]
    return f"missing {', '.join(missing)}" if missing else None


# --- fast -----------------------------------------------------------------------------------------


def test_progress_bar_shows_counts_and_eta() -> None:
    stream = io.StringIO()
    bar = I.ProgressBar(stream, "a", 10)
    bar.show(0, 0)
    bar.show(3, 1, flagged=2, eta=75.0)
    bar.show(3, 1, flagged=2, eta=70.0)  # not a terminal: a new line only when counts change
    bar.show(10, 1, flagged=2, eta=0.0)
    lines = stream.getvalue().splitlines()
    assert lines == [
        "grading a [....................] 0/10 done, 0 failed, 0 flagged, ETA ?",
        "grading a [######..............] 3/10 done, 1 failed, 2 flagged, ETA 1:15",
        "grading a [####################] 10/10 done, 1 failed, 2 flagged",
    ]


def test_grade_rejects_bad_jobs(tmp_path: Path, capsys: Any) -> None:
    root = tmp_path / "autograder"
    shutil.copytree(WB.AUTOGRADER, root, ignore=shutil.ignore_patterns(
        "gradebook.db", "release", "submitted", "autograded", "feedback"))
    assert main(["grade", A, "--course", str(root), "--jobs", "0"]) == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err


def test_kernel_guard_reports_protected_paths_and_programs(tmp_path: Path) -> None:
    secret = tmp_path / "course"
    secret.mkdir()
    (secret / "gradebook.db").write_text("x", encoding="utf-8")
    audit = tmp_path / "audit.log"
    code = (
        "import warmline._kernel_guard as g\n"
        "g._install()\n"
        "compile('1', '/tmp/ipykernel_1/123.py', 'exec')\n"  # the first cell: armed from here
        f"open({str(secret / 'gradebook.db')!r}).read()\n"
        "open(__file__ if '__file__' in dir() else '/dev/null').close()\n"
        "import subprocess; subprocess.run(['true'])\n")
    env = {**os.environ, "WARMLINE_AUDIT": str(audit),
           "WARMLINE_PROTECT": hashlib.sha256(str(secret.resolve()).encode()).hexdigest()}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    reports = [json.loads(line) for line in audit.read_text().splitlines()]
    assert [r["kind"] for r in reports] == ["protected", "program"]
    assert reports[0]["detail"] == str((secret / "gradebook.db").resolve())


def test_class_report_lists_failed_and_flagged_submissions() -> None:
    from warmline._report import ClassReport, Score, SubmissionStatus, render

    evil = "<b>eve</b>"
    data = ClassReport(
        course="/c", generated=datetime(2026, 11, 26, tzinfo=timezone.utc),
        assignments=(A,), cells=(), findings=(), answers_read=0,
        scores=(Score("ada", A, "x", "P5", 1.0, 1.0), Score(evil, A, "x", "P5", 0.0, 1.0)),
        statuses=(SubmissionStatus("ada", A, "graded", ""),
                  SubmissionStatus(evil, A, "failed", "bare-pings.ipynb is not valid JSON <x>"),
                  SubmissionStatus("bo", A, "flagged", "no answers file")))
    page = render(data)
    assert "Submissions that need a look" in page
    assert "1 submission(s) could not be graded" in page and "1 were graded but flagged" in page
    assert "&lt;b&gt;eve&lt;/b&gt;" in page and "<b>eve</b>" not in page
    assert "not valid JSON &lt;x&gt;" in page and "0 / 1 (FAILED, see above)" in page
    assert "not graded (FLAGGED, see above)" in page  # bo: a status, no scores
    clean = render(ClassReport(**{**{f: getattr(data, f) for f in data.__slots__},
                                  "statuses": (SubmissionStatus("ada", A, "graded", ""),)}))
    assert "graded all 1 submission(s) without a problem" in clean


@pytest.mark.slow
def test_grade_exits_2_only_when_it_cannot_grade_at_all(tmp_path: Path) -> None:
    root = tmp_path / "autograder"
    shutil.copytree(WB.AUTOGRADER, root, ignore=shutil.ignore_patterns(
        "gradebook.db", "release", "submitted", "autograded", "feedback"))
    shutil.copytree(WB.EXERCISES, tmp_path / "exercises")
    (root / "submitted" / "ada" / A).mkdir(parents=True)
    with GC.isolated(tmp_path / "home"):
        code, _, err = _run("grade", A, "--course", str(root))
        assert code == 2 and f"{A} is not in the gradebook" in err and "release it first" in err
        code, _, err = _run("grade", A, "--course", str(root), "--db",
                            "postgresql://grader:s3cret@127.0.0.1:1/nowhere")
    assert code == 2 and "cannot open the gradebook" in err and "s3cret" not in err
    assert len(err.strip().splitlines()) == 2  # the progress bar's first line, then the error


# --- the same grades as nbgrader ------------------------------------------------------------------


def _edited_test_cell(root: Path) -> dict[str, Any]:
    nb = GC.released(root, A)
    first = GC.autograded_cells(nb)[0]
    nb["cells"][first]["source"] = "print('all good')  # the learner's own 'test'"
    nb["cells"][first]["metadata"]["nbgrader"]["points"] = 100
    return nb


def _raising(root: Path) -> dict[str, Any]:
    nb = GC.released(root, A)
    nb["cells"].insert(2, GC.code_cell("raise ValueError('a learner cell that raises')"))
    return nb


def _text(stream: dict[str, Any]) -> str:
    text = stream.get("text", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _normalized(path: Path) -> list[Any]:
    """A graded notebook's cells without what differs between two runs (timings, ids)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = []
    for c in nb["cells"]:
        meta = {k: v for k, v in c.get("metadata", {}).items() if k != "execution"}
        # Two prints reach the notebook as one stream output or two, depending on timing.
        merged: list[Any] = []
        for out in c.get("outputs") or []:
            if out.get("output_type") == "stream":
                out = {**out, "text": _text(out)}
            if (merged and out.get("output_type") == "stream"
                    and merged[-1].get("output_type") == "stream"
                    and merged[-1].get("name") == out.get("name")):
                merged[-1] = {**merged[-1], "text": _text(merged[-1]) + _text(out)}
            else:
                merged.append(out)
        outputs = re.sub(r"[0-9a-f]{32}", "ID", json.dumps(merged if "outputs" in c else None))
        # When each twin's answers were recorded: the two courses are built a moment apart.
        outputs = re.sub(r"recorded \d{4}-\d\d-\d\d \d\d:\d\d UTC", "recorded WHEN", outputs)
        cells.append({"type": c["cell_type"], "source": c["source"], "metadata": meta,
                      "outputs": outputs, "count": c.get("execution_count")})
    return cells


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Two copies of one course with the same submissions: graded by serial ``nbgrader
    autograde`` in one, by ``warmline grade --jobs 2`` in the other."""
    tmp = tmp_path_factory.mktemp("twins")
    with GC.isolated(tmp / "home"):
        roots = {}
        for name in ("nbgrader", "warmline"):
            root = GC.make_course(tmp / name, [A])
            for set_name in ("full", "partial", "gaming", "script"):
                GC.submit(root, set_name, A, answers=set_name)
            GC.submit(root, "blank", A, answers=None, stamp=None)
            GC.submit(root, "raises", A, nb=_raising(root), answers="partial")
            GC.submit(root, "edited", A, nb=_edited_test_cell(root), answers="partial")
            roots[name] = root
        done = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", A, "--force"],
                              cwd=roots["nbgrader"], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        code, out, err = _run("grade", A, "--course", str(roots["warmline"]), "--jobs", "2")
        assert code == 0, out + err
        yield {"roots": roots, "out": out, "err": err}


@pytest.mark.slow
def test_grades_and_comments_match_serial_nbgrader(twins: dict[str, Any]) -> None:
    import nbgrader.api as api

    found = {}
    for name, root in twins["roots"].items():
        rows = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with api.Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
                for sub in gb.assignment_submissions(A):
                    for nb in sub.notebooks:
                        for g in nb.grades:
                            rows[(sub.student.id, g.name, "grade")] = (
                                g.auto_score, g.manual_score, g.needs_manual_grade,
                                g.extra_credit)
                        for c in nb.comments:
                            rows[(sub.student.id, c.name, "comment")] = (
                                c.auto_comment, c.manual_comment)
                        rows[(sub.student.id, nb.name, "notebook")] = (
                            nb.late_submission_penalty, nb.score, nb.max_score)
                    rows[(sub.student.id, "", "timestamp")] = (str(sub.timestamp),)
        found[name] = rows
    assert found["warmline"] == found["nbgrader"]
    assert len(found["warmline"]) >= 7 * 10
    full = sum(_tests(WB.notebook(A)).values())
    scores = {s: sum(v[0] or 0 for k, v in found["warmline"].items()
                     if k[0] == s and k[2] == "grade") for s in ("full", "edited", "blank")}
    assert scores == {"full": full, "edited": EXPECTED["partial"]["total"], "blank": 0}


@pytest.mark.slow
def test_autograded_folders_match_serial_nbgrader(twins: dict[str, Any]) -> None:
    ours, theirs = (twins["roots"][n] / "autograded" for n in ("warmline", "nbgrader"))
    students = sorted(p.name for p in theirs.iterdir())
    assert sorted(p.name for p in ours.iterdir()) == students and len(students) == 7
    for student in students:
        mine, ref = ours / student / A, theirs / student / A
        assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in ref.iterdir())
        assert _normalized(mine / f"{A}.ipynb") == _normalized(ref / f"{A}.ipynb"), student
        for path in mine.iterdir():
            assert oct(path.stat().st_mode & 0o777) == oct(
                (ref / path.name).stat().st_mode & 0o777)


@pytest.mark.slow
def test_summary_flags_what_nbgrader_lets_pass(twins: dict[str, Any]) -> None:
    out = twins["out"]
    assert f"{A}: 7 of 7 submission(s) graded, 0 failed, 3 flagged for review" in out
    assert "blank: 0 of 12 points" in out and "no answers file" in out
    edited = next(line for line in out.splitlines() if line.startswith("  edited:"))
    assert "FLAGGED: " in edited and "edited locked cell" in edited
    assert "no points from the edit" in edited
    raises = next(line for line in out.splitlines() if line.startswith("  raises:"))
    assert "code cell(s) that are not part of the assignment" in raises
    assert "done, 0 failed, 3 flagged" in twins["err"]


# --- faults ---------------------------------------------------------------------------------------

# Seconds a cell may run in the fault course. A correct notebook's first analysis compiles the
# phrases (1-1.5 s alone); with two processes spinning on this 2-core machine its cell 6 ran past
# 4 s and the correct submission was flagged (as in CI, twice); with 10 s it is graded.
TIMEOUT = 10


def _with_cell(root: Path, source: str, *, before_test: int = 0) -> dict[str, Any]:
    """The released notebook with a learner's code cell before its ``before_test``-th test."""
    nb = GC.released(root, A)
    at = GC.autograded_cells(nb)[before_test] if before_test >= 0 else 2
    nb["cells"].insert(at, GC.code_cell(source))
    return nb


LOOP_CATCHING_INTERRUPTS = """\
import time
while True:
    try:
        time.sleep(0.05)
    except BaseException:
        pass
"""
MEGABYTES = """\
print("x" * 3_000_000)
for i in range(200_000):
    print("line", i)
"""


@pytest.fixture(scope="module")
def faults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("faults")
    with GC.isolated(tmp / "home"):
        root = GC.make_course(tmp, [A], config=f"c.ExecutePreprocessor.timeout = {TIMEOUT}")
        nb = GC.released(root, A)
        tests = GC.autograded_cells(nb)
        full = GC.WB.fixture_sets()["full"]
        bad_shape = dict(full)
        rewrite = next(e for e in W.exercise_ids(nb))
        bad_shape[rewrite] = ["a", "list", "not", "a", "message"]
        db = root / "gradebook.db"
        GC.submit(root, "ok", A)
        GC.submit(root, "raises", A, nb=_with_cell(root, "1 / 0", before_test=0))
        GC.submit(root, "loops", A, nb=_with_cell(root, "while True:\n    pass"))
        GC.submit(root, "swallows", A,
                  nb=_with_cell(root, LOOP_CATCHING_INTERRUPTS, before_test=len(tests) - 1))
        GC.submit(root, "floods", A, nb=_with_cell(root, MEGABYTES))
        GC.submit(root, "not-json", A, raw="{not a notebook")
        GC.submit(root, "not-notebook", A, raw=json.dumps({"hello": "world"}))
        GC.submit(root, "no-notebook", A, nb=False)
        GC.submit(root, "no-answers", A, answers=None)
        corrupt = GC.submit(root, "corrupt-answers", A)
        (corrupt / WB.A.FILE_NAME).write_text('{"format": "warmline-answers", "answ',
                                              encoding="utf-8")
        GC.submit(root, "edited", A, nb=_edited_test_cell(root), answers="partial")
        GC.submit(root, "hand-edited", A, answers=bad_shape)
        peek = (f"import sqlite3\n"
                f"print(open({str(tmp / 'exercises' / A / f'{A}.ipynb')!r}).read()[:50])\n"
                f"con = sqlite3.connect('file:{db}?mode=ro', uri=True)\n"
                f"print(con.execute('select count(*) from grade').fetchall())\n")
        GC.submit(root, "peeks", A, nb=_with_cell(root, peek), answers="partial")
        started = time.monotonic()
        code, out, err = _run("grade", A, "--course", str(root), "--jobs", "2")
        seconds = time.monotonic() - started
        yield {"root": root, "code": code, "out": out, "err": err, "nb": nb, "tests": tests,
               "seconds": seconds, "grades": GC.grades(f"sqlite:///{db}", A),
               "statuses": {s.student: s for s in B.read_statuses(f"sqlite:///{db}")}}


def _line(out: str, student: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"  {student}:"))


@pytest.mark.slow
def test_the_batch_completes_with_every_status(faults: dict[str, Any]) -> None:
    assert faults["code"] == 0, faults["out"] + faults["err"]
    statuses = {s: r.status for s, r in faults["statuses"].items()}
    assert statuses == {
        "ok": "graded", "raises": "flagged", "loops": "flagged", "swallows": "flagged",
        "floods": "flagged", "not-json": "failed", "not-notebook": "failed",
        "no-notebook": "failed", "no-answers": "flagged", "corrupt-answers": "flagged",
        "edited": "flagged", "hand-edited": "flagged", "peeks": "flagged"}
    assert f"{A}: 10 of 13 submission(s) graded, 3 failed, 9 flagged for review" in faults["out"]
    assert "13/13 done, 3 failed, 9 flagged" in faults["err"]
    assert all(r.writes == 1 for r in faults["statuses"].values())


def _score(faults: dict[str, Any], student: str) -> float:
    tests = _tests(faults["nb"])
    return GC.total(faults["grades"][student], list(tests))


@pytest.mark.slow
def test_learner_code_that_raises_or_loops_costs_nothing_else(faults: dict[str, Any]) -> None:
    full = sum(_tests(faults["nb"]).values())
    for student in ("ok", "raises", "loops", "floods"):
        assert _score(faults, student) == full, student
    assert f"ran past the {TIMEOUT} s limit and was interrupted" in _line(faults["out"], "loops")
    assert "not part of the assignment" in _line(faults["out"], "raises")


@pytest.mark.slow
def test_a_loop_that_catches_the_interrupt_is_killed(faults: dict[str, Any]) -> None:
    nb, tests = faults["nb"], faults["tests"]
    last = W.nbgrader_meta(nb["cells"][tests[-1]])["grade_id"]
    cells = faults["grades"]["swallows"]
    assert cells[last][0] == 0
    full = sum(_tests(nb).values())
    assert _score(faults, "swallows") == full - GC.points(nb, tests[-1])
    line = _line(faults["out"], "swallows")
    assert "ignored the interrupt, so the kernel was killed" in line
    assert "1 later code cell(s) score 0" in line
    graded = json.loads((faults["root"] / "autograded" / "swallows" / A / f"{A}.ipynb")
                        .read_text(encoding="utf-8"))
    assert graded["cells"][-1]["outputs"][0]["ename"] == "NotRun"
    assert faults["seconds"] < 120


@pytest.mark.slow
def test_megabytes_of_output_are_cut(faults: dict[str, Any]) -> None:
    path = faults["root"] / "autograded" / "floods" / A / f"{A}.ipynb"
    assert path.stat().st_size < 1_000_000
    assert "printed over 200000 characters: the output was cut" in _line(faults["out"], "floods")


@pytest.mark.slow
def test_unreadable_or_missing_notebooks_fail_with_a_reason(faults: dict[str, Any]) -> None:
    out = faults["out"]
    assert "not-json: FAILED: bare-pings.ipynb is not valid JSON" in out
    assert "not-notebook: FAILED: bare-pings.ipynb is not a notebook" in out
    assert "no-notebook: FAILED: no bare-pings.ipynb in the submission" in out
    for student in ("not-json", "not-notebook", "no-notebook"):
        cells = faults["grades"][student]
        assert cells and all(v[0] == 0 and v[2] is False for v in cells.values())
        assert not (faults["root"] / "autograded" / student / A).exists()


@pytest.mark.slow
def test_answers_file_problems_are_flagged(faults: dict[str, Any]) -> None:
    out = faults["out"]
    assert "no-answers: 0 of 12 points" in out and "no answers file" in _line(out, "no-answers")
    assert "the answers file is damaged" in _line(out, "corrupt-answers")
    assert _score(faults, "no-answers") == _score(faults, "corrupt-answers") == 0
    line = _line(out, "hand-edited")
    assert "has the wrong type or shape (the answers file was edited by hand)" in line
    full = sum(_tests(faults["nb"]).values())
    assert 0 < _score(faults, "hand-edited") < full


@pytest.mark.slow
def test_edited_test_cells_are_restored_and_gain_nothing(faults: dict[str, Any]) -> None:
    assert _score(faults, "edited") == EXPECTED["partial"]["total"]
    nb = faults["nb"]
    first = W.nbgrader_meta(nb["cells"][faults["tests"][0]])["grade_id"]
    assert f"edited locked cell {first}" in _line(faults["out"], "edited")
    graded = W.read_notebook(faults["root"] / "autograded" / "edited" / A / f"{A}.ipynb")
    cell = next(c for c in graded["cells"] if W.nbgrader_meta(c).get("grade_id") == first)
    assert "all good" not in W.source(cell) and W.nbgrader_meta(cell)["points"] != 100


@pytest.mark.slow
def test_the_class_report_shows_every_problem(faults: dict[str, Any]) -> None:
    out = faults["root"] / "report.html"
    code, _, err = _run("report", "--course", str(faults["root"]), "-o", str(out))
    assert code == 0, err
    page = W.file_text(out)
    assert "3 submission(s) could not be graded" in page and "9 were graded but flagged" in page
    for student in ("not-json", "swallows", "hand-edited", "peeks"):
        assert student in page
    assert "is not valid JSON" in page and "the kernel was killed" in page


@pytest.mark.slow
def test_peeking_at_the_course_is_flagged_without_sandbox(faults: dict[str, Any]) -> None:
    line = _line(faults["out"], "peeks")
    assert "learner code tried to open" in line and "(a protected path)" in line
    assert "exercises" in line and "gradebook.db" in line
    assert _score(faults, "peeks") == EXPECTED["partial"]["total"]


# --- the sandbox ----------------------------------------------------------------------------------


TAMPER = """\
import json, os, sqlite3
report = {"uid": os.getuid()}
for key, action in (
        ("exercises", lambda: open(EXERCISE).read()[:80]),
        ("listing", lambda: os.listdir(ROOT)),
        ("read", lambda: sqlite3.connect(f"file:{DB}?mode=ro", uri=True).execute(
            "select count(*) from grade").fetchall()),
        ("write", lambda: sqlite3.connect(DB).execute(
            "update grade set manual_score = 99").connection.commit()),
        ("others", lambda: sum(os.stat(f"/proc/{p}").st_uid != os.getuid()
                               for p in os.listdir("/proc") if p.isdigit()))):
    try:
        report[key] = repr(action())
    except Exception as e:
        report[key] = type(e).__name__
print("REPORT", json.dumps(report))
"""


@pytest.mark.slow
def test_sandbox_hides_the_course_and_flags_the_attempt() -> None:
    why = _sandbox_possible()
    if why is not None:
        if IN_CI:
            pytest.fail(f"--sandbox must be tested in CI: {why}")
        pytest.skip(why)
    # A course anyone may read (not below pytest's private temporary folder): only the sandbox
    # stands between learner code and the gradebook.
    base = Path(tempfile.mkdtemp(prefix="warmline-sandbox-test-", dir="/tmp"))
    os.chmod(base, 0o755)
    try:
        with GC.isolated(base / "home"):
            root = GC.make_course(base, [A])
            os.chmod(base / "home", 0o755)
            db = root / "gradebook.db"
            cell = (f"EXERCISE = {str(base / 'exercises' / A / f'{A}.ipynb')!r}\n"
                    f"ROOT = {str(root)!r}\nDB = {str(db)!r}\n" + TAMPER)
            GC.submit(root, "tamper", A, nb=_with_cell(root, cell), answers="partial")
            GC.submit(root, "honest", A, answers="partial")
            code, out, err = _run("grade", A, "--course", str(root), "--jobs", "2",
                                  "--sandbox")
            assert code == 0, out + err
            graded = W.read_notebook(root / "autograded" / "tamper" / A / f"{A}.ipynb")
            texts = [o.get("text", "") for c in graded["cells"] for o in c.get("outputs", [])]
            texts = ["".join(t) if isinstance(t, list) else t for t in texts]
            report = json.loads(next(t for t in texts if t.startswith("REPORT")).split(" ", 1)[1])
            assert report["uid"] != 0
            assert report["exercises"] in ("PermissionError", "FileNotFoundError")
            assert report["listing"] in ("PermissionError", "FileNotFoundError")
            assert report["read"] == report["write"] == "OperationalError"
            assert report["others"] == "0"  # no other user's process, nor its command line
            cells = GC.grades(f"sqlite:///{db}", A)
            assert all(v[1] is None for s in cells.values() for v in s.values())
            tests = list(_tests(WB.notebook(A)))
            assert GC.total(cells["tamper"], tests) == GC.total(cells["honest"], tests) \
                == EXPECTED["partial"]["total"]
            line = _line(out, "tamper")
            assert "FLAGGED" in line and "(a protected path)" in line
            assert "FLAGGED" not in _line(out, "honest")
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- kill -9 and a rerun -------------------------------------------------------------------------


@pytest.mark.slow
def test_kill_9_then_rerun_grades_each_submission_exactly_once(tmp_path: Path) -> None:
    with GC.isolated(tmp_path / "home") as env:
        root = GC.make_course(tmp_path, [A])
        db = f"sqlite:///{root / 'gradebook.db'}"
        sets = ["full", "partial", "gaming", "script"]
        for i in range(2):
            GC.submit(root, f"early{i}", A, answers=sets[i])
        assert _run("grade", A, "--course", str(root), "--jobs", "2")[0] == 0
        # Manual grades given in formgrader to the early submissions.
        import nbgrader.api as api

        task = next(c.grade_id for c in W.graded_cells(WB.notebook(A)) if c.kind == "task")
        test = next(c.grade_id for c in W.graded_cells(WB.notebook(A)) if c.kind == "test")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with api.Gradebook(db) as gb:
                for student, cell, score in (("early0", task, 1.5), ("early1", test, 0.5)):
                    grade = gb.find_grade(cell, A, A, student)
                    grade.manual_score = score
                    grade.needs_manual_grade = False
                gb.db.commit()
        for i in range(8):
            GC.submit(root, f"late{i}", A, answers=sets[i % 4])
        # early1 hands in again (a new answers file): graded again, its manual grade kept.
        GC.submit(root, "early1", A, answers="full")
        started = datetime.now(timezone.utc).replace(tzinfo=None)
        proc = subprocess.Popen([sys.executable, "-m", "warmline", "grade", A, "--course",
                                 str(root), "--jobs", "2"], stderr=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, text=True, env=env)
        assert proc.stderr is not None
        for line in proc.stderr:
            if line.startswith("grading") and int(line.split("] ")[1].split("/")[0]) >= 4:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stderr.close()
        time.sleep(1)
        before = {s.student: s for s in B.read_statuses(db)}
        graded_before = {s for s, r in before.items()
                         if r.fingerprint and r.graded_at and r.graded_at >= started}
        assert 3 <= len(graded_before) < 9, before
        # The rerun shares the SQLite gradebook with another writer (formgrader saving scores)
        # that holds its write lock 50 ms at a time: no "database is locked" failure.
        stop = threading.Event()
        held = [0]

        def formgrader() -> None:
            con = sqlite3.connect(root / "gradebook.db", timeout=30, isolation_level=None)
            try:
                while not stop.is_set():
                    con.execute("BEGIN IMMEDIATE")
                    con.execute("UPDATE grade SET extra_credit = extra_credit WHERE 0")
                    time.sleep(0.05)
                    con.execute("COMMIT")
                    held[0] += 1
                    time.sleep(0.02)
            finally:
                con.close()

        other = threading.Thread(target=formgrader)
        other.start()
        try:
            code, out, err = _run("grade", A, "--course", str(root), "--jobs", "2")
        finally:
            stop.set()
            other.join()
        assert code == 0, out + err
        assert held[0] > 20
        after = {s.student: s for s in B.read_statuses(db)}
        assert sorted(after) == sorted(["early0", "early1", *(f"late{i}" for i in range(8))])
        assert all(r.writes == 1 and r.status in ("graded", "flagged") for r in after.values())
        for student in graded_before:  # not graded again
            assert after[student].graded_at == before[student].graded_at
        assert f"({len(graded_before) + 1} unchanged since they were graded" in out
        cells = GC.grades(db, A)
        tests = list(_tests(WB.notebook(A)))
        want = {"full": sum(_tests(WB.notebook(A)).values()),
                **{s: EXPECTED[s]["total"] for s in ("partial", "gaming", "script")}}
        for i in range(8):
            assert GC.total(cells[f"late{i}"], tests) == want[sets[i % 4]]
        assert GC.total(cells["early1"], tests) == want["full"]  # the autograder's scores
        assert cells["early0"][task][1:] == (1.5, False)
        assert cells["early1"][test][1:] == (0.5, True)  # kept, flagged for another look
        n_cells = len(W.graded_cells(WB.notebook(A)))
        assert all(len(c) == n_cells for c in cells.values())
        assert not list((root / "autograded").glob("*/.*warmline-*"))
        for student in after:
            assert (root / "autograded" / student / A / f"{A}.ipynb").is_file()


# --- PostgreSQL ---------------------------------------------------------------------------------


def _pg_admin() -> str:
    return os.environ.get("WARMLINE_TEST_PG",
                          "postgresql://postgres:postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def pg_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; dropped afterwards."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(_pg_admin(), isolation_level="AUTOCOMMIT",
                              connect_args={"connect_timeout": 3})
    except ImportError as e:  # SQLAlchemy's PostgreSQL driver (psycopg) is not installed
        if IN_CI:
            pytest.fail(f"PostgreSQL tests need a driver in CI: {e}")
        pytest.skip(f"no PostgreSQL driver: {e}")
    try:
        conn = admin.connect()
    except Exception as e:
        admin.dispose()
        reason = (f"no PostgreSQL server at {B._safe_url(_pg_admin())} (set WARMLINE_TEST_PG): "
                  f"{type(e).__name__}")
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    name = f"warmline_test_{os.getpid()}_{int(time.time())}"
    with conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _pg_admin().rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.mark.slow
def test_postgresql_gradebook_under_parallel_load(tmp_path: Path, pg_database: str) -> None:
    with GC.isolated(tmp_path / "home"):
        root = GC.make_course(tmp_path, [A],
                              config=f"c.CourseDirectory.db_url = {pg_database!r}")
        sets = ["full", "partial", "gaming", "script"]
        for i in range(8):
            GC.submit(root, f"s{i}", A, answers=sets[i % 4])
        stop = threading.Event()
        writes = [0]

        def formgrader() -> None:  # another writer, as a grader in formgrader would be
            from sqlalchemy import create_engine, text

            engine = create_engine(pg_database)
            try:
                while not stop.is_set():
                    with engine.begin() as conn:
                        conn.execute(text("UPDATE grade SET extra_credit = NULL "
                                          "WHERE extra_credit IS NOT NULL"))
                    writes[0] += 1
                    time.sleep(0.01)
            finally:
                engine.dispose()

        other = threading.Thread(target=formgrader)
        other.start()
        try:
            code, out, err = _run("grade", A, "--course", str(root), "--jobs", "2", "--db",
                                  pg_database)
        finally:
            stop.set()
            other.join()
        assert code == 0, out + err
        assert writes[0] > 10
        statuses = B.read_statuses(pg_database)
        assert len(statuses) == 8 and all(s.writes == 1 for s in statuses)
        cells = GC.grades(pg_database, A)
        tests = list(_tests(WB.notebook(A)))
        want = {"full": sum(_tests(WB.notebook(A)).values()),
                **{s: EXPECTED[s]["total"] for s in ("partial", "gaming", "script")}}
        for i in range(8):
            assert GC.total(cells[f"s{i}"], tests) == want[sets[i % 4]]
        assert all(len(c) == len(W.graded_cells(WB.notebook(A))) for c in cells.values())
        assert not (root / "gradebook.db").exists()
        # The class report reads the same database (from the course config).
        report = tmp_path / "report.html"
        assert _run("report", "--course", str(root), "-o", str(report))[0] == 0
