"""The instructor commands (warmline release, grade, feedback, report, selfcheck, submit-zip)
and the nbgrader course in autograder/.

Fast tests cover finding the course, the command line's errors, the release guard against a
stray answers file, the course config, the leak scanner, the zip name and the report's escaping.
The slow round trip builds a course in a temporary folder and runs nbgrader for real: release;
submissions built from the solution version with fixture answers (full marks), the blank student
version, a partial and a gaming one, recorded on "laptops" and graded in the course; grades read
through nbgrader's gradebook API; feedback; validate; zip_collect; selfcheck; the class report.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from traitlets.config.loader import PyFileConfigLoader

from warmline import _instructor as I
from warmline import _workbook as W
from warmline import answers as A
from warmline._cli import main
from warmline._report import ClassReport, FindingCount, Score, render

sys.path.insert(0, str(Path(__file__).parent))
import workbook as WB

SETS = WB.fixture_sets()
EXPECTED = WB.expected()


def _copy_course(to: Path) -> Path:
    """A copy of the repository's course (autograder/ and exercises/) in ``to``."""
    shutil.copytree(WB.AUTOGRADER, to / "autograder",
                    ignore=shutil.ignore_patterns("gradebook.db", "release", "submitted",
                                                  "autograded", "feedback", "downloaded",
                                                  "*.html"))
    shutil.copytree(WB.EXERCISES, to / "exercises",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "warmline-answers*",
                                                  ".warmline-answers*"))
    return to / "autograder"


def _config(root: Path) -> Any:
    return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()


# --- finding the course -----------------------------------------------------------------------


def test_the_course_is_found_from_any_folder_below_the_repository(tmp_path: Path) -> None:
    root = _copy_course(tmp_path)
    for cwd in (tmp_path, root, tmp_path / "exercises" / "bare-pings"):
        course = I.find_course(cwd=cwd)
        assert course.root == root.resolve()
        assert course.source == (tmp_path / "exercises").resolve()
    assert I.find_course(root).root == root.resolve()
    assert [a.id for a in course.assignments()] == WB.ASSIGNMENTS


def test_the_repository_course_is_the_default(tmp_path: Path) -> None:
    # Nothing above tmp_path is a course: the package's repository is used.
    assert I.find_course(cwd=tmp_path).root == WB.AUTOGRADER.resolve()


def test_course_errors_are_one_line(tmp_path: Path, capsys: Any) -> None:
    assert main(["release", "--course", str(tmp_path / "nowhere")]) == 2
    assert main(["grade", "x", "--course", str(tmp_path)]) == 2
    root = _copy_course(tmp_path)
    assert main(["grade", "no-such", "--course", str(root)]) == 2
    assert main(["grade", "bare-pings", "--course", str(root)]) == 2
    assert main(["feedback", "bare-pings", "--course", str(root)]) == 2
    assert main(["report", "--course", str(root)]) == 2
    assert main(["grade"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 7 and all(line.startswith("warmline") for line in err)
    assert "no such course folder" in err[0] and "not a course folder" in err[1]
    assert "no assignment 'no-such'" in err[2] and "no submissions of bare-pings" in err[3]
    assert "run warmline grade bare-pings first" in err[4] and "no gradebook yet" in err[5]


# --- the course config --------------------------------------------------------------------------


def test_config_sources_from_exercises_and_protects_answers(tmp_path: Path) -> None:
    root = _copy_course(tmp_path)
    (tmp_path / "exercises" / "capstone" / "warmline-answers.json.damaged-0123abcd").write_text(
        "{", encoding="utf-8")
    cfg = _config(root)
    assert Path(cfg.CourseDirectory.source_directory) == (tmp_path / "exercises").resolve()
    excluded = cfg.Autograde.exclude_overwriting
    assert sorted(excluded) == WB.ASSIGNMENTS
    for name in WB.ASSIGNMENTS:
        assert {"warmline-answers.json", "warmline-answers.json.lock"} <= set(excluded[name])
    assert "warmline-answers.json.damaged-0123abcd" in excluded["capstone"]
    assert cfg.ExecutePreprocessor.timeout >= 30


def test_config_removes_hidden_tests_and_mark_schemes_from_feedback() -> None:
    pre = _config(WB.AUTOGRADER).GenerateFeedback.preprocessors
    assert pre[0] == "nbgrader.preprocessors.GetGrades"
    assert "nbgrader.preprocessors.ClearHiddenTests" in pre
    assert "nbgrader.preprocessors.ClearMarkScheme" in pre


def test_zip_names_match_the_zip_collect_pattern() -> None:
    cfg = _config(WB.AUTOGRADER)
    assert cfg.FileNameCollectorPlugin.named_regexp == I.ZIP_REGEXP
    assert ".json" in cfg.FileNameCollectorPlugin.valid_ext
    stem = I.zip_name("bare-pings", "zoe.k")[:-len(".zip")]
    for path in (f"/c/downloaded/bare-pings/extracted/{stem}/bare-pings.ipynb",
                 f"/c/extracted/lms-export/Zoe K_123_assignsubmission_file_/{stem}/"
                 f"warmline-answers.json"):
        m = re.match(I.ZIP_REGEXP, path)
        assert m and m["student_id"] == "zoe.k" and m["assignment"] == "bare-pings"
        assert m["file_id"] == path.rsplit("/", 1)[1]
    assert not re.match(I.ZIP_REGEXP, "/c/extracted/bare-pings.ipynb")


def test_submit_zip(tmp_path: Path, capsys: Any) -> None:
    nb = tmp_path / "bare-pings.ipynb"
    shutil.copyfile(WB.notebook_path("bare-pings"), nb)
    assert main(["submit-zip", str(nb), "--id", "zoe.k"]) == 0
    out = capsys.readouterr()
    assert "no warmline-answers.json" in out.err
    WB.record(tmp_path, SETS["full"])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["submit-zip", str(nb), "--id", "zoe.k", "--output", str(out_dir)]) == 0
    path = out_dir / "warmline-submission--bare-pings--zoe.k.zip"
    assert str(path) in capsys.readouterr().out
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["bare-pings.ipynb", "warmline-answers.json"]
        assert zf.read("warmline-answers.json") == (tmp_path / A.FILE_NAME).read_bytes()
    for bad in (["--id", "zoe--k"], ["--id", "-x"], ["--id", "a/b"]):
        assert main(["submit-zip", str(nb), *bad]) == 2
    assert main(["submit-zip", str(tmp_path / "missing.ipynb"), "--id", "z"]) == 2
    (tmp_path / "notes.ipynb").write_text("not json", encoding="utf-8")
    assert main(["submit-zip", str(tmp_path / "notes.ipynb"), "--id", "z"]) == 2


# --- release guard and leak scanning ------------------------------------------------------------


@pytest.mark.parametrize("name", ["warmline-answers.json", "warmline-answers.json.lock",
                                  "warmline-answers.json.damaged-0123abcd",
                                  ".warmline-answers.json.123.abcd.tmp"])
def test_release_refuses_while_an_answers_file_is_in_exercises(tmp_path: Path, name: str,
                                                               capsys: Any) -> None:
    root = _copy_course(tmp_path)
    stray = tmp_path / "exercises" / "intentions-and-asks" / name
    stray.write_text("{}", encoding="utf-8")
    assert main(["release", "--course", str(root)]) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert "refusing to release" in line and name in line
    assert not (root / "release").exists()


def _fake_nbgrader(monkeypatch: pytest.MonkeyPatch, write: Any) -> None:
    """Replace the nbgrader subprocess with ``write(course, args)``: a leaky nbgrader."""

    def run(course: I.Course, *args: str, on_line: Any = None) -> tuple[int, list[str]]:
        write(course, args)
        return 0, []

    monkeypatch.setattr(I, "run_nbgrader", run)


def test_release_fails_loudly_when_a_hidden_test_reaches_a_student_version(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    root = _copy_course(tmp_path)

    def leaky(course: I.Course, args: tuple[str, ...]) -> None:
        for a in WB.ASSIGNMENTS:
            nb = WB.notebook(a)  # the source version, hidden tests and all
            folder = course.step("release") / a
            folder.mkdir(parents=True)
            (folder / f"{a}.ipynb").write_text(json.dumps(nb), encoding="utf-8")

    _fake_nbgrader(monkeypatch, leaky)
    assert main(["release", "--course", str(root)]) == 1
    err = capsys.readouterr().err
    assert 'hidden test text from bare-pings.ipynb (cell bare-pings-boiler-ready)' in err
    assert "check_gaming_samples" in err and "mark scheme text" in err
    assert err.strip().splitlines()[-1].startswith("warmline: FAILED: ")


def test_feedback_deletes_a_page_that_shows_hidden_tests(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    root = _copy_course(tmp_path)
    (root / "autograded" / "ada" / "capstone").mkdir(parents=True)

    def leaky(course: I.Course, args: tuple[str, ...]) -> None:
        folder = course.step("feedback") / "ada" / "capstone"
        folder.mkdir(parents=True)
        (folder / "capstone.html").write_text(
            "<pre>check_gaming_samples(&quot;interest-translator-coop&quot;)</pre>",
            encoding="utf-8")
        (folder / "fine.html").write_text("<p>Well done</p>", encoding="utf-8")

    _fake_nbgrader(monkeypatch, leaky)
    assert main(["feedback", "capstone", "--course", str(root)]) == 1
    assert "pages were deleted" in capsys.readouterr().err
    assert [p.name for p in (root / "feedback" / "ada" / "capstone").iterdir()] == ["fine.html"]


def test_secret_lines_cover_hidden_tests_and_mark_schemes() -> None:
    nb = WB.notebook("bare-pings")
    secrets = W.secret_lines(nb, "bare-pings.ipynb")
    regions = {s.region for s in secrets}
    assert regions == {"hidden test", "mark scheme"}
    texts = [s.text for s in secrets]
    assert 'check_gaming_samples("rewrite-boiler")' in texts
    assert "=== BEGIN MARK SCHEME ===" in texts and "BEGIN HIDDEN TESTS" in texts
    assert any("A strong answer, for reference" in t for t in texts)


def test_leaks_are_found_in_notebooks_html_and_rendered_markdown(tmp_path: Path) -> None:
    secrets = W.secret_lines(WB.notebook("bare-pings"), "bare-pings.ipynb")
    hidden = 'check_rewrite_answer("rewrite-exam-clash", "question", "on-topic")'
    scheme = next(s.text for s in secrets if s.text.startswith("- 1 point: separates"))
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "ok.html").write_text("<p>check_rewrite_answer(&quot;rewrite-exam-clash&quot;, "
                                   "&quot;carries&quot;)</p>", encoding="utf-8")
    assert W.find_leaks(clean, secrets) == []
    dirty = tmp_path / "dirty"
    dirty.mkdir()
    out = {"cells": [{"cell_type": "code", "source": ["x = 1\n"], "outputs": [
        {"output_type": "stream", "name": "stdout", "text": [f"{hidden}\n"]}]}]}
    (dirty / "a.ipynb").write_text(json.dumps(out), encoding="utf-8")
    highlighted = ('<span class="n">check_rewrite_answer</span><span class="p">(</span>'
                   '<span class="s2">&quot;rewrite-exam-clash&quot;</span><span class="p">, '
                   '</span>&quot;question&quot;, &quot;on-topic&quot;)')
    (dirty / "b.html").write_text(highlighted, encoding="utf-8")
    rendered = "<ul>\n<li>" + html.escape(scheme[2:]).replace(" what", "\nwhat") + "</li></ul>"
    (dirty / "c.html").write_text(rendered, encoding="utf-8")
    found = {(leak.path.name, leak.secret.region) for leak in W.find_leaks(dirty, secrets)}
    assert found == {("a.ipynb", "hidden test"), ("b.html", "hidden test"),
                     ("c.html", "mark scheme")}


def test_report_escapes_learner_text_and_draws_svg_charts() -> None:
    from datetime import datetime, timezone

    evil = '<script>alert("x")</script>'
    data = ClassReport(
        course="/c", generated=datetime(2026, 11, 26, tzinfo=timezone.utc),
        assignments=("bare-pings",),
        scores=(Score(evil, "bare-pings", "bare-pings-boiler-context", "P5", 1.0, 1.0),
                Score("ada", "bare-pings", "bare-pings-boiler-context", "P5", 0.0, 1.0),
                Score("ada", "bare-pings", "bare-pings-q4", "P5", None, 2.0)),
        cells=(), answers_read=2,
        findings=(FindingCount("ping.bare", "P5", "Bare ping.", 2,
                               '<img src=x onerror="alert(1)">'),))
    page = render(data)
    assert "<script" not in page and "<img" not in page and "onerror=\"" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page
    assert page.count("<svg") == 2 and "50%" in page
    assert "P5: Respect people&#x27;s time and feelings" in page
    assert "1 to grade by hand" in page


# --- the round trip (slow) ----------------------------------------------------------------------

LEARNERS = {"ada": "full", "ben": "blank", "cai": "partial", "dee": "gaming", "eve": "script"}
STAMP = "2026-11-26 10:00:00.000000 UTC"


def _nbgrader(root: Path, *args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=root,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def _fill_reflections(nb: dict[str, Any]) -> None:
    for i, cell in enumerate(nb["cells"]):
        if W.nbgrader_meta(cell).get("task"):
            nb["cells"][i + 1]["source"] = (
                "I think a short check-in is kind when it asks for nothing, and costly when it "
                "makes someone wait for the real question.")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("roundtrip")
    home = tmp / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as mp:
        for var, sub in (("HOME", ""), ("JUPYTER_CONFIG_DIR", ".jupyter"),
                         ("JUPYTER_DATA_DIR", ".local/share/jupyter"),
                         ("JUPYTER_RUNTIME_DIR", ".local/share/jupyter/runtime"),
                         ("IPYTHONDIR", ".ipython")):
            mp.setenv(var, str(home / sub))
        src = str(Path(I.__file__).resolve().parents[1])
        mp.setenv("PYTHONPATH", os.pathsep.join(p for p in (src, os.environ.get("PYTHONPATH"))
                                                if p))
        mp.setenv("PYTHONWARNINGS", "ignore")
        root = _copy_course(tmp / "repo")
        exercises = tmp / "repo" / "exercises"
        elsewhere = tmp / "elsewhere"
        elsewhere.mkdir()
        warmline = [sys.executable, "-m", "warmline"]
        log: dict[str, Any] = {"root": root, "tmp": tmp, "exercises": exercises}

        # A stray answers file in exercises/: release refuses, from another folder.
        stray = exercises / "bare-pings" / A.FILE_NAME
        WB.record(stray.parent, SETS["full"])
        refused = subprocess.run([*warmline, "release", "--course", str(root)], cwd=elsewhere,
                                 capture_output=True, text=True)
        log["refused"] = refused
        stray.unlink()
        for extra in stray.parent.glob(".warmline-answers*"):
            extra.unlink()
        (stray.parent / f"{A.FILE_NAME}.lock").unlink()

        # Release from inside exercises/ (the course is found upwards).
        released = subprocess.run([*warmline, "release"], cwd=exercises / "bare-pings",
                                  capture_output=True, text=True)
        assert released.returncode == 0, released.stdout + released.stderr
        log["released"] = released

        # Learners record answers on their own machines; the instructor gets the files.
        laptops = tmp / "laptops"
        for student, set_name in LEARNERS.items():
            for a in WB.ASSIGNMENTS:
                if student == "eve" and a != "bare-pings":
                    continue
                sub = root / "submitted" / student / a
                sub.mkdir(parents=True)
                if set_name == "full":  # the solution version, reflections written
                    nb = WB.notebook(a)
                    _fill_reflections(nb)
                    (sub / f"{a}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
                else:
                    shutil.copyfile(root / "release" / a / f"{a}.ipynb", sub / f"{a}.ipynb")
                (sub / "timestamp.txt").write_text(STAMP, encoding="utf-8")
                if set_name != "blank":
                    recorded = WB.record(laptops / student / a, SETS[set_name])
                    shutil.copyfile(recorded, sub / A.FILE_NAME)

        # A learner without JupyterHub hands in a zip; stock zip_collect files it.
        learner = tmp / "zoe"
        learner.mkdir()
        shutil.copyfile(root / "release" / "bare-pings" / "bare-pings.ipynb",
                        learner / "bare-pings.ipynb")
        WB.record(learner, SETS["full"])
        made = subprocess.run([*warmline, "submit-zip", "bare-pings.ipynb", "--id", "zoe.k"],
                              cwd=learner, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        archive = root / "downloaded" / "bare-pings" / "archive"
        archive.mkdir(parents=True)
        shutil.copy(learner / I.zip_name("bare-pings", "zoe.k"), archive)
        log["zip_collect"] = _nbgrader(root, "zip_collect", "bare-pings")

        # A submission nbgrader can't read: reported, and the others are still graded.
        broken = root / "submitted" / "fay" / "bare-pings"
        broken.mkdir(parents=True)
        (broken / "bare-pings.ipynb").write_text("{not a notebook", encoding="utf-8")

        # After release, a stray answers file (full marks for everyone) must change nothing.
        WB.record(exercises / "bare-pings", SETS["full"])

        # warmline grade from another folder; stock nbgrader autograde in autograder/.
        for a in ("bare-pings", "intentions-and-asks"):
            with WB.working_folder(elsewhere), _captured() as cap:
                code = main(["grade", a, "--course", str(root)])
            log[f"grade:{a}"] = (code, cap)
        log["autograde:capstone"] = _nbgrader(root, "autograde", "capstone", "--force")
        for path in exercises.glob("bare-pings/*warmline-answers*"):
            path.unlink()
        yield log


class _Captured:
    out = ""
    err = ""


@contextmanager
def _captured() -> Iterator[_Captured]:
    cap = _Captured()
    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        yield cap
    cap.out, cap.err = out.getvalue(), err.getvalue()


def _grades(root: Path) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(student, assignment): {grade_id: (score, needs manual grade)}}`` from the gradebook."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.api import Gradebook

        result: dict[tuple[str, str], dict[str, Any]] = {}
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            for a in WB.ASSIGNMENTS:
                for sub in gb.assignment_submissions(a):
                    for nb in sub.notebooks:
                        result[(sub.student.id, a)] = {
                            g.name: (g.score, g.needs_manual_grade) for g in nb.grades}
        return result


@pytest.mark.slow
def test_release_refuses_a_stray_answers_file_then_releases(course: dict[str, Any]) -> None:
    refused = course["refused"]
    assert refused.returncode == 2
    [line] = refused.stderr.strip().splitlines()
    assert "refusing to release" in line and "warmline-answers.json" in line
    out = course["released"].stdout
    assert "released bare-pings, capstone, intentions-and-asks" in out
    assert "no solution, hidden-test or mark-scheme text" in out
    for a in WB.ASSIGNMENTS:
        assert (course["root"] / "release" / a / f"{a}.ipynb").is_file()
        assert not list((course["root"] / "release" / a).glob("*answers*"))


@pytest.mark.slow
def test_grades_in_the_gradebook_are_exact(course: dict[str, Any]) -> None:
    grades = _grades(course["root"])
    for a in WB.ASSIGNMENTS:
        tests = {c.grade_id: c.points for c in W.graded_cells(WB.notebook(a))
                 if c.kind == "test"}
        manual = {c.grade_id for c in W.graded_cells(WB.notebook(a)) if c.kind != "test"}
        for student, set_name in LEARNERS.items():
            if student == "eve" and a != "bare-pings":
                continue
            got = grades[(student, a)]
            auto = {gid: score for gid, (score, _) in got.items() if gid in tests}
            if set_name == "full":
                want = tests
            elif set_name == "blank":
                want = dict.fromkeys(tests, 0.0)
            else:
                want = {gid: float(EXPECTED[a][set_name]["cells"].get(gid, 0)) for gid in tests}
            assert auto == want, (student, a)
            assert all(not got[gid][1] for gid in tests), "autograded cells need no human"
            assert all(got[gid][1] for gid in manual), "reflections wait for a human"
            if set_name in ("partial", "gaming"):
                assert sum(auto.values()) == EXPECTED[a][set_name]["total"] < sum(tests.values())
    assert sum(s for s, _ in grades[("zoe.k", "bare-pings")].values()) == 12


@pytest.mark.slow
def test_answers_came_from_the_submissions_not_the_stray_file(course: dict[str, Any]) -> None:
    root = course["root"]
    for student in ("cai", "dee"):
        graded = root / "autograded" / student / "bare-pings" / A.FILE_NAME
        assert graded.read_bytes() == \
            (root / "submitted" / student / "bare-pings" / A.FILE_NAME).read_bytes()
    assert not (root / "autograded" / "ben" / "bare-pings" / A.FILE_NAME).exists()


@pytest.mark.slow
def test_grade_shows_progress_and_a_summary(course: dict[str, Any]) -> None:
    code, cap = course["grade:bare-pings"]
    assert code == 0
    assert "grading bare-pings [" in cap.err and "7/7 done, 1 failed" in cap.err
    assert "bare-pings: 6 of 7 submission(s) graded, 1 failed" in cap.out
    assert "fay: FAILED: " in cap.out and "JSON" in cap.out
    assert "ada: 12 of 12 points, 2 more to grade by hand in formgrader" in cap.out
    assert "cai: 5 of 12 points" in cap.out and "ben: 0 of 12 points" in cap.out


@pytest.mark.slow
def test_zip_collect_files_the_zip_under_the_learner_id(course: dict[str, Any]) -> None:
    sub = course["root"] / "submitted" / "zoe.k" / "bare-pings"
    assert sorted(p.name for p in sub.iterdir()) == ["bare-pings.ipynb", A.FILE_NAME]
    assert (sub / A.FILE_NAME).read_bytes() == (course["tmp"] / "zoe" / A.FILE_NAME).read_bytes()


def _scan_by_hand(folder: Path, needles: list[str]) -> list[tuple[str, str]]:
    """An independent check: tags stripped, entities decoded, whitespace collapsed."""
    found = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".ipynb":
            text = json.dumps(json.loads(text), ensure_ascii=False).replace('\\"', '"')
            text = text.replace("\\n", "\n")
        text = " ".join(html.unescape(re.sub(r"<[^>]*>", "", text)).split())
        found += [(path.name, n) for n in needles if n in text]
    return found


@pytest.mark.slow
def test_feedback_leaves_out_hidden_tests_and_mark_schemes(course: dict[str, Any]) -> None:
    root = course["root"]
    with _captured() as cap:
        assert main(["feedback", "bare-pings", "--course", str(root)]) == 0
        assert main(["feedback", "intentions-and-asks", "--course", str(root)]) == 0
    assert "no hidden tests, solutions or mark schemes" in cap.out
    _nbgrader(root, "generate_feedback", "capstone", "--force")  # stock, config only
    feedback = root / "feedback"
    pages = sorted(feedback.rglob("*.html"))
    assert len(pages) == 6 + 4 + 4
    secrets = [s for a in WB.ASSIGNMENTS for s in W.secret_lines(WB.notebook(a))]
    assert W.find_leaks(feedback, secrets) == []
    assert W.find_leaks(root / "release", secrets) == []
    needles = [" ".join(s.text.split()) for s in secrets
               if s.region == "hidden test" and "(" in s.text]
    assert needles and _scan_by_hand(feedback, needles) == []
    assert _scan_by_hand(root / "release", [*needles, "MARK SCHEME"]) == []
    page = W.file_text(feedback / "cai" / "bare-pings" / "bare-pings.html")
    assert "MARK SCHEME" not in page and "A strong answer" not in page
    # Learners still see what was checked and why a cell lost points.
    assert "✗ Asks the actual question" in page and "Grade cell: bare-pings-exam-carries" \
        in page


@pytest.mark.slow
def test_nbgrader_validate_passes_on_sources_and_fails_every_test_when_blank(
        course: dict[str, Any]) -> None:
    tmp = course["tmp"]
    sources, blanks = [], []
    for a in WB.ASSIGNMENTS:
        src = tmp / "validate" / "source" / a
        src.mkdir(parents=True)
        shutil.copyfile(WB.notebook_path(a), src / f"{a}.ipynb")
        WB.record(src, SETS["full"])
        sources.append(str(src / f"{a}.ipynb"))
        blank = tmp / "validate" / "blank" / a
        blank.mkdir(parents=True)
        shutil.copyfile(course["root"] / "release" / a / f"{a}.ipynb", blank / f"{a}.ipynb")
        blanks.append(str(blank / f"{a}.ipynb"))
    out = _nbgrader(tmp / "validate", "validate", *sources)
    assert out.count("Success! Your notebook passes all the tests.") == 3, out
    out = _nbgrader(tmp / "validate", "validate", "--invert", *blanks)
    assert out.count("Success! The notebook does not pass any tests.") == 3, out


@pytest.mark.slow
def test_class_report(course: dict[str, Any]) -> None:
    out = course["tmp"] / "report.html"
    with _captured() as cap:
        assert main(["report", "--course", str(course["root"]), "-o", str(out)]) == 0
    assert str(out) in cap.out
    page = out.read_text(encoding="utf-8")
    for a in WB.ASSIGNMENTS:
        assert a in page
    for i in range(1, 7):
        assert f"P{i}: " in page
    assert page.count("<svg") == 2 and "<script" not in page and "<img" not in page
    assert "Bare ping" in page  # eve's and dee's bare pings are among the findings
    assert "What to revisit" in page and "intentions-deck-nearly-all" in page


@pytest.mark.slow
def test_selfcheck_grades_a_learners_own_notebook(course: dict[str, Any]) -> None:
    learner = course["tmp"] / "alone"
    learner.mkdir()
    nb = learner / "bare-pings.ipynb"
    shutil.copyfile(course["root"] / "release" / "bare-pings" / "bare-pings.ipynb", nb)
    WB.record(learner, SETS["partial"])
    with _captured() as cap:
        assert main(["selfcheck", str(nb), "--course", str(course["root"])]) == 0
    assert "bare-pings: 5 of 12 points checked automatically; 2 more points" in cap.out
    page = learner / "bare-pings-feedback.html"
    assert page.is_file() and str(page) in cap.out
    secrets = W.secret_lines(WB.notebook("bare-pings"))
    assert W.find_leaks(learner, secrets) == []
    assert "✗ Asks the actual question" in W.file_text(page)
    assert sorted(p.name for p in learner.iterdir() if not p.name.endswith(".lock")) == [
        "bare-pings-feedback.html", "bare-pings.ipynb", A.FILE_NAME]


@pytest.mark.slow
def test_a_score_overridden_in_formgrader_counts(course: dict[str, Any]) -> None:
    """What formgrader does when a grader overrides a score, then what a regrade does to it."""
    root = course["root"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
            grade = gb.find_grade("bare-pings-exam-carries", "bare-pings", "bare-pings", "cai")
            grade.manual_score = 2.0
            grade.needs_manual_grade = True  # as nbgrader leaves it after autograding again
            task = gb.find_grade("bare-pings-q4", "bare-pings", "bare-pings", "cai")
            task.manual_score = 1.5
            task.needs_manual_grade = False
            gb.db.commit()
    course_ = I.load_course(root)
    assert I._scores(course_, "bare-pings", ["cai"]) == {"cai": (8.5, 14.0, 0.0)}
    data = I.collect_report(course_)
    cai = [s for s in data.scores if s.student == "cai" and s.assignment == "bare-pings"]
    assert sum(s.score or 0 for s in cai) == 8.5 and all(s.score is not None for s in cai)
