"""The instructor commands: release, grade, feedback, report, and a learner's selfcheck and
submission zip.

One orchestrator owns files, processes and the gradebook; the checks it relies on are pure
(:mod:`warmline._workbook`) and the class report is rendered apart (:mod:`warmline._report`).
nbgrader always runs as a subprocess whose working folder is the course root, because nbgrader
reads ``nbgrader_config.py`` only from there; so every command works from any folder. Grading
is the exception: :mod:`warmline._batch` grades submissions in parallel with nbgrader's
preprocessors in long-lived workers, reading that config itself.

The course root is ``--course DIR``, else the first ``autograder/`` (holding
``nbgrader_config.py``) found from the working folder upwards, else the repository's
``autograder/`` next to this package (an editable install).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from . import _exercises, _workbook
from ._errors import AnswersFileError, WarmlineError
from .answers import FILE_NAME, load_answers

CONFIG = "nbgrader_config.py"
# How `warmline submit-zip` names a zip, and the pattern autograder/nbgrader_config.py gives
# nbgrader's FileNameCollectorPlugin so that `nbgrader zip_collect` files it under the id.
ZIP_PREFIX = "warmline-submission"
_PART = r"[A-Za-z0-9._@+]+(?:-[A-Za-z0-9._@+]+)*"  # no "--" and no leading or trailing "-"
ZIP_REGEXP = (rf"^.*{ZIP_PREFIX}--(?P<assignment>{_PART})--(?P<student_id>{_PART})[/\\]"
              rf"(?P<file_id>[^/\\]+)$")
_ID = re.compile(rf"^{_PART}$")
SELFCHECK_STUDENT = "me"


class InstructorError(WarmlineError, RuntimeError):
    """A course command cannot run: no course, an unknown assignment, nbgrader failing..."""


# --- the course -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Course:
    """An nbgrader course root and the folders its config names."""

    root: Path
    source: Path
    db_url: str
    dirs: dict[str, Path] = field(default_factory=dict)

    def step(self, name: str) -> Path:
        """``release``, ``submitted``, ``autograded`` or ``feedback`` under the root."""
        return self.dirs.get(name, self.root / name)

    def assignments(self) -> list[_workbook.Assignment]:
        return _workbook.assignments(self.source)

    def assignment(self, name: str) -> _workbook.Assignment:
        found = {a.id: a for a in self.assignments()}
        if name not in found:
            known = ", ".join(found) or "none"
            raise InstructorError(f"no assignment {name!r} in {self.source} (known: {known})")
        return found[name]

    def secrets(self, names: Sequence[str] | None = None) -> list[_workbook.SecretLine]:
        result = []
        for a in self.assignments():
            if names is None or a.id in names:
                for nb in a.notebooks:
                    result += _workbook.secret_lines(_workbook.read_notebook(nb), nb.name)
        return result


def _load_config(root: Path) -> Any:
    from traitlets.config.loader import PyFileConfigLoader

    try:
        return PyFileConfigLoader(CONFIG, path=str(root)).load_config()
    except Exception as e:  # a broken config is the instructor's to fix; say where
        raise InstructorError(f"{root / CONFIG}: cannot be read ({type(e).__name__}: {e})") \
            from None


def load_course(root: Path) -> Course:
    """The course whose ``nbgrader_config.py`` is in ``root``."""
    root = root.resolve()
    if not (root / CONFIG).is_file():
        raise InstructorError(f"{root} is not a course folder (no {CONFIG} in it)")
    with _quiet():
        cfg = _load_config(root)
    course_dir = cfg.get("CourseDirectory", {})
    real_root = Path(str(course_dir.get("root", root)))
    if not real_root.is_absolute():
        real_root = root / real_root

    def step(name: str) -> Path:
        value = Path(str(course_dir.get(f"{name}_directory", name)))
        return value if value.is_absolute() else real_root / value

    db_url = str(course_dir.get("db_url", f"sqlite:///{real_root / 'gradebook.db'}"))
    dirs = {n: step(n) for n in ("release", "submitted", "autograded", "feedback")}
    return Course(real_root, step("source"), db_url, dirs)


def find_course(course: str | os.PathLike[str] | None = None, *,
                cwd: Path | None = None) -> Course:
    """The course named by ``--course``, else found from ``cwd`` upwards, else the package's."""
    if course is not None:
        path = Path(course)
        if not path.is_dir():
            raise InstructorError(f"{path}: no such course folder")
        return load_course(path)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if folder.name == "autograder" and (folder / CONFIG).is_file():
            return load_course(folder)
        if (folder / "autograder" / CONFIG).is_file():
            return load_course(folder / "autograder")
    packaged = Path(__file__).resolve().parents[2] / "autograder"
    if (packaged / CONFIG).is_file():
        return load_course(packaged)
    raise InstructorError("cannot find the course: no autograder/ folder with "
                          f"{CONFIG} here or above; pass --course DIR")


# --- running nbgrader -----------------------------------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence third-party warnings (SQLAlchemy's, nbformat's) while we read nbgrader's data."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def run_nbgrader(course: Course, *args: str, on_line: Callable[[str], None] | None = None) \
        -> tuple[int, list[str]]:
    """Run ``nbgrader ARGS`` in the course root; its exit status and its output lines."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    lines = []
    try:
        with subprocess.Popen(cmd, cwd=course.root, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                              errors="replace") as proc:
            assert proc.stdout is not None
            for raw in proc.stdout:
                line = raw.rstrip("\n")
                lines.append(line)
                if on_line is not None:
                    on_line(line)
            code = proc.wait()
    except OSError as e:
        raise InstructorError(f"cannot run nbgrader: {e.strerror or e}") from None
    return code, lines


def _errors(lines: Sequence[str]) -> list[str]:
    found = [re.sub(r"^\[\w+ \| ERROR\]\s*", "", line) for line in lines
             if "| ERROR]" in line or line.startswith(("Error", "ModuleNotFoundError"))]
    return [e for e in found if e and not e.startswith("Please see the")]


def _fail(what: str, lines: Sequence[str]) -> InstructorError:
    errors = _errors(lines) or [line for line in lines if line.strip()][-1:] or ["no output"]
    hint = ""
    if any("No assignment with ID" in e or "did you forget to run" in e for e in errors):
        hint = " (release it first: warmline release)"
    return InstructorError(f"{what} failed: {errors[0]}{hint}")


# --- release ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseResult:
    assignments: tuple[str, ...]
    release_dir: Path
    files_checked: int
    leaks: tuple[_workbook.Leak, ...]


def _check_no_strays(course: Course) -> None:
    strays = _workbook.stray_answer_files(course.source)
    if strays:
        more = f" (and {len(strays) - 1} more)" if len(strays) > 1 else ""
        raise InstructorError(
            f"refusing to release: {strays[0]}{more} is a learner's answers file inside the "
            f"source assignments; nbgrader would hand it to every learner. Move it out of "
            f"{course.source}, then run warmline release again")


def release(course: Course, names: Sequence[str] = ()) -> ReleaseResult:
    """Generate the student versions, then prove no solution or hidden test reached them."""
    every = [a.id for a in course.assignments()]
    if not every:
        raise InstructorError(f"no assignments in {course.source}")
    for name in names:
        course.assignment(name)
    chosen = list(dict.fromkeys(names)) or every
    _check_no_strays(course)
    for pattern in (["*"] if not names else chosen):
        code, lines = run_nbgrader(course, "generate_assignment", pattern, "--force")
        if code != 0 or _errors(lines):
            raise _fail(f"nbgrader generate_assignment {pattern}", lines)
    release_dir = course.step("release")
    missing = [a for a in chosen if not (release_dir / a).is_dir()]
    if missing:
        raise InstructorError(f"nbgrader wrote no student version of {', '.join(missing)}")
    files = [p for p in release_dir.rglob("*") if p.is_file()]
    leaks = _workbook.find_leaks(release_dir, course.secrets())
    return ReleaseResult(tuple(chosen), release_dir, len(files), tuple(leaks))


# --- grade ------------------------------------------------------------------------------------


class ProgressBar:
    """``grading ASSIGNMENT [####......] 3/10 done, 1 failed, 0 flagged, ETA 0:42`` on a stream
    (stderr).

    On a terminal the line is redrawn in place (the ETA counts down); elsewhere each change of
    the counts is a new line.
    """

    def __init__(self, stream: IO[str], label: str, total: int) -> None:
        self.stream = stream
        self.label = label
        self.total = total
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self._last = ""

    def show(self, done: int, failed: int, current: str = "", *, flagged: int = 0,
             eta: float | None = None) -> None:
        width = 20
        filled = width * done // max(self.total, 1)
        counts = (f"grading {self.label} [{'#' * filled}{'.' * (width - filled)}] "
                  f"{done}/{self.total} done, {failed} failed, {flagged} flagged")
        line = counts
        if done < self.total:
            line += ", ETA " + ("?" if eta is None else
                                f"{int(eta) // 60}:{int(eta) % 60:02d}")
        if current and done < self.total:
            line += f" (now: {current})"
        if (line if self.tty else counts) == self._last:
            return
        self._last = line if self.tty else counts
        if self.tty:
            self.stream.write("\r" + line.ljust(79))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty and self._last:
            self.stream.write("\n")
            self.stream.flush()


@dataclass(frozen=True, slots=True)
class Submission:
    """One submission's outcome. ``status`` is ``graded``; ``flagged`` (graded, but something
    needs a look: the reason says what); or ``failed`` (nothing could be graded: its autograded
    cells score 0, or, when the grader itself failed, it is tried again next run)."""

    student: str
    status: str
    reason: str = ""
    score: float | None = None  # points given so far (autograded, and any manual grades)
    max_score: float | None = None
    pending: float = 0.0  # points that still need a human grader
    fresh: bool = True  # graded by this run (False: unchanged since an earlier run)


@dataclass(frozen=True, slots=True)
class GradeResult:
    assignment: str
    submissions: tuple[Submission, ...]
    log: Path | None = None  # the workers' log, kept when the grader itself failed

    @property
    def graded(self) -> int:
        """Submissions with scores (graded or flagged)."""
        return sum(s.status != "failed" for s in self.submissions)

    @property
    def failed(self) -> int:
        return sum(s.status == "failed" for s in self.submissions)

    @property
    def flagged(self) -> int:
        return sum(s.status == "flagged" for s in self.submissions)


def submissions(course: Course, assignment: str) -> list[str]:
    """The students with a submission of ``assignment`` under ``submitted/``."""
    folder = course.step("submitted")
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / assignment).is_dir())


def grade(course: Course, assignment: str, *, progress: ProgressBar | None = None,
          jobs: int | None = None, db_url: str | None = None, sandbox: bool = False,
          force: bool = False) -> GradeResult:
    """Autograde every submission of ``assignment`` in parallel (see :mod:`warmline._batch`);
    a status (and scores) for each."""
    from ._batch import Options, grade_batch

    return grade_batch(course, assignment, Options(jobs, db_url, sandbox, force),
                       progress=progress)


def _scores(course: Course, assignment: str, students: Sequence[str]) \
        -> dict[str, tuple[float, float, float]]:
    """``{student: (score, max score, points still to grade by hand)}`` from the gradebook."""
    with _quiet():
        from nbgrader.api import Gradebook, MissingEntry

        result = {}
        with Gradebook(course.db_url) as gb:
            for student in students:
                try:
                    sub = gb.find_submission(assignment, student)
                except MissingEntry:
                    continue
                result[student] = submission_points(sub)
        return result


def submission_points(submission: Any) -> tuple[float, float, float]:
    """(score, maximum, still to grade by hand) of a gradebook submission."""
    score = total = pending = 0.0
    for nb in submission.notebooks:
        for g in nb.grades:
            total += float(g.max_score)
            if _given(g):
                score += float(g.score)
            else:
                pending += float(g.max_score)
    return score, total, pending


def _given(grade: Any) -> bool:
    """Whether a gradebook grade has its score: autograded, or given (or overridden) by hand.

    After a regrade nbgrader flags overridden cells for review again, but keeps the override.
    """
    return grade.manual_score is not None or not grade.needs_manual_grade


# --- feedback ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeedbackResult:
    assignment: str
    files: tuple[Path, ...]
    leaks: tuple[_workbook.Leak, ...]


def feedback(course: Course, assignment: str) -> FeedbackResult:
    """nbgrader generate_feedback (hidden tests removed by the course config), then proof that
    no hidden test, solution or mark scheme reached a feedback page. Leaking pages are deleted."""
    course.assignment(assignment)
    autograded = course.step("autograded")
    if not any((autograded / s / assignment).is_dir() for s in _children(autograded)):
        raise InstructorError(f"nothing of {assignment} is graded yet: run warmline grade "
                              f"{assignment} first")
    code, lines = run_nbgrader(course, "generate_feedback", assignment, "--force")
    if code != 0:
        raise _fail(f"nbgrader generate_feedback {assignment}", lines)
    root = course.step("feedback")
    folders = [root / s / assignment for s in _children(root) if (root / s / assignment).is_dir()]
    files: list[Path] = []
    leaks: list[_workbook.Leak] = []
    secrets = course.secrets()
    for folder in folders:
        files += [p for p in folder.rglob("*") if p.is_file()]
        leaks += _workbook.find_leaks(folder, secrets)
    for path in {leak.path for leak in leaks}:
        path.unlink()
    return FeedbackResult(assignment, tuple(files), tuple(leaks))


def _children(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


# --- report -----------------------------------------------------------------------------------


def report(course: Course, output: Path) -> Path:
    """Write the class report (HTML) to ``output``."""
    from ._report import render

    page = render(collect_report(course))
    try:
        output.write_text(page, encoding="utf-8")
    except OSError as e:
        raise InstructorError(f"cannot write {output}: {e.strerror or e}") from None
    return output


def collect_report(course: Course) -> Any:
    """The class report's data: scores from the gradebook, findings from recorded answers."""
    from ._report import CellScore, ClassReport, Score, SubmissionStatus

    principles: dict[tuple[str, str, str], str] = {}
    for a in course.assignments():
        for path in a.notebooks:
            nb = _workbook.read_notebook(path)
            principles.update(_workbook.principles_by_cell([(a.id, path.stem, nb)]))
    scores: list[Score] = []
    cells: dict[tuple[str, str, str], list[float]] = {}
    cell_max: dict[tuple[str, str, str], float] = {}
    db = course.db_url
    if db.startswith("sqlite:///") and not Path(db[len("sqlite:///"):]).exists():
        raise InstructorError(f"no gradebook yet ({db}): release and grade an assignment first")
    with _quiet():
        from nbgrader.api import Gradebook

        with Gradebook(db) as gb:
            names = [x.name for x in gb.assignments]
            for assignment in names:
                for sub in gb.assignment_submissions(assignment):
                    for nb in sub.notebooks:
                        for g in nb.grades:
                            key = (assignment, nb.name, g.name)
                            score = float(g.score) if _given(g) else None
                            scores.append(Score(sub.student.id, assignment, g.name,
                                                principles.get(key), score,
                                                float(g.max_score)))
                            cell_max[key] = float(g.max_score)
                            if score is not None:
                                cells.setdefault(key, []).append(score)
    cell_scores = [
        CellScore(a, gid, principles.get((a, n, gid)),
                  sum(v) / len(v) / cell_max[(a, n, gid)] if cell_max[(a, n, gid)] else 0.0,
                  len(v))
        for (a, n, gid), v in cells.items()]
    findings, read = _findings(course)
    with _quiet():
        from ._batch import read_statuses

        statuses = tuple(SubmissionStatus(s.student, s.assignment, s.status, s.reason)
                         for s in read_statuses(db) if s.assignment in names)
    return ClassReport(course=str(course.root), generated=datetime.now(timezone.utc),
                       assignments=tuple(names), scores=tuple(scores),
                       cells=tuple(cell_scores), findings=findings, answers_read=read,
                       statuses=statuses)


def _findings(course: Course) -> tuple[tuple[Any, ...], int]:
    """What the analyzer flagged most in learners' recorded rewrites and drafts."""
    from ._analyzer import analyze
    from ._report import FindingCount

    counts: Counter[str] = Counter()
    first: dict[str, Any] = {}
    examples: dict[str, str] = {}
    read = 0
    shown = {a.id: {eid for nb in a.notebooks
                    for eid in _workbook.exercise_ids(_workbook.read_notebook(nb))}
             for a in course.assignments()}
    for step in ("autograded", "submitted"):
        root = course.step(step)
        for path in sorted(root.glob(f"*/*/{FILE_NAME}")) if root.is_dir() else []:
            if step == "submitted" and (course.step("autograded") /
                                        path.relative_to(root)).exists():
                continue  # the autograded copy was read already
            try:
                book = load_answers(path)
            except AnswersFileError:
                continue
            for eid, answer in book.answers.items():
                if eid not in shown.get(path.parent.name, ()):
                    continue  # recorded elsewhere (a lesson), not part of this assignment
                text = _free_text(eid, answer.value)
                if text is None:
                    continue
                read += 1
                rules: dict[str, Any] = {}
                for f in analyze(text).problems:
                    rules.setdefault(f.rule_id, f)
                for rule_id, f in rules.items():
                    counts[rule_id] += 1
                    first.setdefault(rule_id, f)
                    excerpt = " ".join(f.excerpt.split())
                    examples.setdefault(rule_id, excerpt if len(excerpt) <= 90
                                        else excerpt[:89] + "…")
    ranked = tuple(
        FindingCount(rule_id, first[rule_id].principle, first[rule_id].message, n,
                     examples[rule_id])
        for rule_id, n in counts.most_common(12))
    return ranked, read


def _free_text(exercise_id: str, value: object) -> str | None:
    """The message a learner wrote for ``exercise_id`` (a rewrite or a cold draft), if any."""
    try:
        kind = _exercises.exercise(exercise_id).kind
    except ValueError:
        return None
    if kind == "rewrite" and isinstance(value, str) and value.strip():
        return value
    if kind == "intentions" and isinstance(value, dict):
        draft = value.get("draft")
        return draft if isinstance(draft, str) and draft.strip() else None
    return None


# --- a learner on their own ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelfcheckResult:
    assignment: str
    feedback: Path
    score: float
    max_auto: float
    pending: float


def _assignment_of(course: Course, notebook: Path) -> _workbook.Assignment:
    for a in course.assignments():
        if any(nb.name == notebook.name for nb in a.notebooks):
            return a
    known = ", ".join(nb.name for a in course.assignments() for nb in a.notebooks)
    raise InstructorError(f"{notebook.name} is not a workbook notebook of this course "
                          f"(known: {known})")


def _check_notebook(path: Path) -> None:
    if not path.is_file():
        raise InstructorError(f"{path}: no such notebook")
    if path.suffix != ".ipynb":
        raise InstructorError(f"{path}: not a notebook (.ipynb)")
    try:
        _workbook.read_notebook(path)
    except (ValueError, UnicodeDecodeError) as e:
        raise InstructorError(f"{path}: cannot be read as a notebook ({e})") from None


def scratch_course(course: Course, root: Path) -> Course:
    """A throw-away course in ``root`` with ``course``'s configuration and source assignments,
    and a gradebook of its own: the instructor's gradebook and folders are left alone."""
    (root / CONFIG).write_text(
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(course.root / CONFIG)!r})  # noqa: F821\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(course.source)!r}\n"
        f"c.CourseDirectory.db_url = {'sqlite:///' + str(root / 'gradebook.db')!r}\n",
        encoding="utf-8")
    return load_course(root)


def selfcheck(course: Course, notebook: Path) -> SelfcheckResult:
    """Grade a learner's own workbook notebook in a temporary course, hidden tests and all, and
    write its feedback page (hidden tests removed) next to it as ``<name>-feedback.html``."""
    notebook = notebook.resolve()
    _check_notebook(notebook)
    a = _assignment_of(course, notebook)
    with tempfile.TemporaryDirectory(prefix="warmline-selfcheck-") as tmp:
        temp = scratch_course(course, Path(tmp))
        code, lines = run_nbgrader(temp, "generate_assignment", a.id, "--force")
        if code != 0 or _errors(lines):
            raise _fail("preparing the check", lines)
        dest = temp.step("submitted") / SELFCHECK_STUDENT / a.id
        dest.mkdir(parents=True)
        shutil.copyfile(notebook, dest / notebook.name)
        answers = notebook.parent / FILE_NAME
        if answers.is_file():
            shutil.copyfile(answers, dest / FILE_NAME)
        result = grade(temp, a.id)
        sub = result.submissions[0]
        if sub.status == "failed":
            raise InstructorError(f"your notebook could not be graded: {sub.reason}")
        fb = feedback(temp, a.id)
        if fb.leaks:
            raise InstructorError("the feedback page would show hidden tests; not written")
        page = temp.step("feedback") / SELFCHECK_STUDENT / a.id / f"{notebook.stem}.html"
        target = notebook.with_name(f"{notebook.stem}-feedback.html")
        try:
            shutil.copyfile(page, target)
        except OSError as e:
            raise InstructorError(f"cannot write {target}: {e.strerror or e}") from None
    return SelfcheckResult(a.id, target, sub.score or 0.0,
                           (sub.max_score or 0.0) - sub.pending, sub.pending)


def zip_name(assignment: str, student: str) -> str:
    return f"{ZIP_PREFIX}--{assignment}--{student}.zip"


def submit_zip(notebook: Path, student: str, *, assignment: str | None = None,
               output: Path | None = None) -> tuple[Path, bool]:
    """Zip a learner's notebook and answers file, named so that ``nbgrader zip_collect`` files
    it under ``student``. Returns the zip's path and whether an answers file was included."""
    if not _ID.match(student):
        raise InstructorError(f"bad id {student!r}: use letters, digits, '.', '_', '@', '+' "
                              f"and single '-'")
    notebook = notebook.resolve()
    _check_notebook(notebook)
    assignment = assignment or notebook.stem
    if not _ID.match(assignment):
        raise InstructorError(f"bad assignment name {assignment!r}; give it with --assignment")
    folder = (output or notebook.parent).resolve()
    if not folder.is_dir():
        raise InstructorError(f"{folder}: no such folder")
    target = folder / zip_name(assignment, student)
    answers = notebook.parent / FILE_NAME
    if answers.is_file():
        try:
            load_answers(answers)
        except AnswersFileError as e:
            raise InstructorError(str(e)) from None
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.write(notebook, f"{assignment}.ipynb")
            if answers.is_file():
                zf.write(answers, FILE_NAME)
        os.replace(tmp, target)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise InstructorError(f"cannot write {target}: {e.strerror or e}") from None
    return target, answers.is_file()
