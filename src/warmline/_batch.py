"""``warmline grade``: every submission of an assignment, graded in parallel, never lost.

One orchestrator (this module, in the ``warmline grade`` process) owns the files, the processes
and the gradebook; N long-lived workers (:mod:`warmline._gradestep`) each grade one submission
after another with nbgrader's preprocessors, in a temporary working copy outside the course root,
and send back the graded notebook and its scores. The orchestrator writes each result:

1. the ``autograded/<student>/<assignment>/`` folder, built aside and renamed into place;
2. in one database transaction: the student, the submission, every grade and comment as
   nbgrader's ``SaveAutoGrades`` and ``AssignLatePenalties`` would set them (manual scores,
   manual comments and extra credit are never touched), and the submission's row in the
   ``warmline_grading`` table: status, reason, and the fingerprint of what was graded (the
   submitted files, the assignment, the grading config).

So a submission is graded exactly when its transaction commits. ``kill -9`` at any moment
loses at most the submissions in flight; a rerun skips every submission whose fingerprint is
recorded and grades the rest (``--force`` first clears the fingerprints, so an interrupted
forced run is finished by a plain rerun). One writer means no "database is locked" between
workers; a write that meets a lock held by someone else (formgrader) is retried.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__
from ._gradestep import (
    GUARD,
    JAIL,
    assignment_files,
    copy_files,
    load_config,
    skip_slow_optional_imports,
)
from ._instructor import (
    Course,
    GradeResult,
    InstructorError,
    ProgressBar,
    Submission,
    _quiet,
    submission_points,
    submissions,
)

fcntl: Any
try:  # POSIX; elsewhere two runs on one course are not kept apart
    fcntl = importlib.import_module("fcntl")
except ImportError:  # pragma: no cover
    fcntl = None

JOURNAL = "warmline_grading"
SANDBOX_USER = "warmline-grader-{}"
FINAL = ("graded", "flagged", "failed")
# A worker that sends nothing for this long after its kernel's own limits is stopped.
SLACK = 60.0


@dataclass(frozen=True, slots=True)
class Options:
    jobs: int | None = None  # default: the number of cores
    db_url: str | None = None  # default: the course's CourseDirectory.db_url
    sandbox: bool = False
    force: bool = False


# --- the journal ----------------------------------------------------------------------------


def _journal_table() -> Any:
    from sqlalchemy import Column, DateTime, Float, Integer, MetaData, String, Table, Text

    return Table(JOURNAL, MetaData(),
                 Column("assignment", String(128), primary_key=True),
                 Column("student", String(128), primary_key=True),
                 Column("fingerprint", String(64), nullable=True),
                 Column("status", String(16), nullable=False),
                 Column("reason", Text, nullable=False, default=""),
                 Column("writes", Integer, nullable=False, default=0),
                 Column("graded_at", DateTime, nullable=True),
                 Column("seconds", Float, nullable=True))


@dataclass(frozen=True, slots=True)
class Status:
    """A submission's row in the ``warmline_grading`` table."""

    assignment: str
    student: str
    status: str
    reason: str
    fingerprint: str | None
    writes: int
    graded_at: datetime | None


def read_statuses(db_url: str) -> list[Status]:
    """Every submission's last grading status (empty if ``warmline grade`` never ran here)."""
    from sqlalchemy import create_engine, inspect, select

    engine = create_engine(db_url)
    try:
        if not inspect(engine).has_table(JOURNAL):
            return []
        table = _journal_table()
        with engine.connect() as conn:
            return [Status(r.assignment, r.student, r.status, r.reason or "", r.fingerprint,
                           int(r.writes or 0), r.graded_at)
                    for r in conn.execute(select(table))]
    finally:
        engine.dispose()


# --- fingerprints ---------------------------------------------------------------------------


def _file_hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fingerprint(base: str, submitted: Path, files: Sequence[tuple[str, str]],
                 notebooks: Sequence[str]) -> str:
    parts = [base]
    for rel, src in files:
        parts.append(f"f {rel} {_file_hash(src)}")
    for name in notebooks:
        path = submitted / f"{name}.ipynb"
        parts.append(f"n {name} {_file_hash(str(path)) if path.is_file() else '-'}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


# --- the sandbox ------------------------------------------------------------------------------


def _sandbox_user(slot: int) -> tuple[int, int]:
    """The uid and gid of the unprivileged user for worker ``slot`` (created if missing)."""
    import pwd

    name = SANDBOX_USER.format(slot)
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        made = subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir",
                               "/nonexistent", "--shell", "/usr/sbin/nologin", "--user-group",
                               name], capture_output=True, text=True)
        if made.returncode != 0 and "already exists" not in made.stderr:
            raise InstructorError(f"--sandbox: cannot create the user {name}: "
                                  f"{made.stderr.strip()}") from None
        entry = pwd.getpwnam(name)
    if entry.pw_uid == 0:
        raise InstructorError(f"--sandbox: the user {name} is root")
    return entry.pw_uid, entry.pw_gid


def _reachable() -> list[str]:
    """The folders a kernel's Python needs: the installation and everything on sys.path."""
    found = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix,
                                           os.path.dirname(os.path.realpath(sys.executable)))}
    found |= {os.path.realpath(p) for p in sys.path if p and os.path.isdir(p)}
    found.add(str(GUARD.resolve().parent))
    return sorted(found)


def _check_sandbox() -> None:
    if not sys.platform.startswith("linux"):
        raise InstructorError("--sandbox works on Linux only")
    if os.geteuid() != 0:
        raise InstructorError("--sandbox needs root (it runs each kernel as an unprivileged "
                              "user); run warmline grade as root, or grade without --sandbox")
    missing = [t for t in ("setpriv", "unshare", "mount", "useradd") if not shutil.which(t)]
    if missing:
        raise InstructorError(f"--sandbox needs {', '.join(missing)} (util-linux, passwd)")


def _probe_sandbox(box: Mapping[str, Any], scratch: Path) -> None:
    """Start Python the way a sandboxed kernel starts; fail early and clearly if it can't."""
    scratch.mkdir(parents=True, exist_ok=True)
    cmd = ["unshare", "--mount", "--propagation", "private", "--", sys.executable, str(JAIL),
           f"--uid={box['uid']}", f"--gid={box['gid']}", f"--scratch={scratch}",
           *[f"--hide={p}" for p in box["hide"]], *[f"--reach={p}" for p in box["reach"]],
           "--", sys.executable, "-c",
           "import os, ipykernel, warmline.grading; print(os.getuid())"]
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "PYTHONPATH")}
    env["HOME"] = "/nonexistent"
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/", timeout=120)
    if done.returncode != 0 or done.stdout.strip() != str(box["uid"]):
        detail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise InstructorError(f"--sandbox: a kernel cannot start as the unprivileged user "
                              f"(uid {box['uid']}): {detail}")


def _hash_path(path: str | Path) -> str:
    return hashlib.sha256(os.path.realpath(path).encode("utf-8", "surrogateescape")).hexdigest()


# --- workers ------------------------------------------------------------------------------------


class _Worker:
    """One long-lived grading process and the job it is doing."""

    def __init__(self, slot: int, folder: Path, log: Path, env: dict[str, str],
                 init: dict[str, Any] | None = None) -> None:
        self.slot = slot
        self.folder = folder
        self.init = init
        self.log = log
        self.env = env
        self.buffer = b""
        self.job: dict[str, Any] | None = None
        self.started = 0.0
        self.kernel_pid: int | None = None
        self.ready = False
        self.proc = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        with open(self.log, "ab") as log:
            proc = subprocess.Popen([sys.executable, "-m", "warmline._gradestep"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                                    cwd=self.folder, env=self.env, start_new_session=True)
        os.set_blocking(proc.stdout.fileno(), False)  # type: ignore[union-attr]
        if self.init is not None:
            self._write(proc, self.init)
        return proc

    @staticmethod
    def _write(proc: subprocess.Popen[bytes], message: Mapping[str, Any]) -> None:
        assert proc.stdin is not None
        proc.stdin.write((json.dumps(message) + "\n").encode("utf-8"))
        proc.stdin.flush()

    def configure(self, init: dict[str, Any]) -> None:
        """What to grade (the worker imports its libraries while it waits for this)."""
        self.init = init
        self._write(self.proc, init)

    def send(self, job: dict[str, Any]) -> None:
        self.job = job
        self.started = time.monotonic()
        self.kernel_pid = None
        self._write(self.proc, job)

    def read(self) -> list[dict[str, Any]] | None:
        """Messages that arrived; None once the process has closed its output (died)."""
        assert self.proc.stdout is not None
        try:
            chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
        except BlockingIOError:
            return []
        if not chunk:
            return None
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        return [json.loads(line) for line in lines if line.strip()]

    def kill(self) -> None:
        for pid, group in ((self.kernel_pid, False), (self.proc.pid, True)):
            if pid:
                with contextlib.suppress(OSError):
                    (os.killpg if group else os.kill)(pid, signal.SIGKILL)
        with contextlib.suppress(Exception):
            self.proc.wait(timeout=10)
        self._close_pipes()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        self._close_pipes()

    def _close_pipes(self) -> None:
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()


# --- the batch ----------------------------------------------------------------------------------


@dataclass
class _State:
    total: int
    done: int = 0
    failed: int = 0
    flagged: int = 0
    graded_now: int = 0
    first: float = 0.0
    results: dict[str, Submission] = field(default_factory=dict)


class _Batch:
    def __init__(self, course: Course, assignment: str, options: Options,
                 progress: ProgressBar | None) -> None:
        self.course = course
        self.assignment = assignment
        self.options = options
        self.progress = progress
        self.db_url = options.db_url or course.db_url
        self.cfg = load_config(course.root, options.db_url)

    # -- setup ----------------------------------------------------------------------------------

    def _coursedir(self) -> Any:
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.cfg, root=str(self.course.root))

    def run(self) -> GradeResult:
        course, assignment = self.course, self.assignment
        a = course.assignment(assignment)
        students = submissions(course, assignment)
        if not students:
            raise InstructorError(f"no submissions of {assignment} to grade: expected "
                                  f"{course.step('submitted')}/<student>/{assignment}/")
        if self.options.sandbox:
            _check_sandbox()
        if self.progress is not None:
            self.progress.show(0, 0)
        skip_slow_optional_imports()
        with self._run_lock(), _quiet():
            return self._run(a, students)

    @contextlib.contextmanager
    def _run_lock(self) -> Iterator[None]:
        path = self.course.root / f".warmline-grade-{self.assignment}.lock"
        try:
            handle = open(path, "a+")  # noqa: SIM115 (held for the whole run)
        except OSError as e:
            raise InstructorError(f"cannot write {path}: {e.strerror or e}") from None
        try:
            try:
                if fcntl is not None:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                raise InstructorError(f"another warmline grade of {self.assignment} is running "
                                      f"on this course") from None
            yield
        finally:
            handle.close()

    def _gradebook(self) -> Any:
        from nbgrader.api import Gradebook

        course_id = str(self.cfg.CourseDirectory.get("course_id", "default_course"))
        try:
            return Gradebook(self.db_url, course_id)
        except Exception as e:
            raise InstructorError(f"cannot open the gradebook {_safe_url(self.db_url)}: "
                                  f"{type(e).__name__}: {' '.join(str(e).split())[:200]}") \
                from None

    def _snapshot(self, gb: Any, a: Any) -> dict[str, Any]:
        from nbgrader.api import MissingEntry

        from ._gradestep import _nbformat, snapshot_notebook

        try:
            record = gb.find_assignment(self.assignment)
        except MissingEntry:
            raise InstructorError(
                f"{self.assignment} is not in the gradebook {_safe_url(self.db_url)}: release "
                f"it first (warmline release {self.assignment})") from None
        notebooks = []
        for nb in sorted(record.notebooks, key=lambda n: n.name):
            path = a.folder / f"{nb.name}.ipynb"
            source = _nbformat().read(str(path), as_version=4) if path.is_file() else None
            given = self.course.step("release") / self.assignment / f"{nb.name}.ipynb"
            try:
                released = _nbformat().read(str(given), as_version=4)
            except Exception:  # no release here, or not readable: computed instead
                released = None
            notebooks.append(snapshot_notebook(nb, source, released))
        if not notebooks:
            raise InstructorError(f"{self.assignment} has no notebooks in the gradebook: "
                                  f"release it first (warmline release {self.assignment})")
        return {"assignment": self.assignment, "notebooks": notebooks}

    def _base_fingerprint(self, snapshot: Mapping[str, Any]) -> str:
        cfg = self.cfg
        relevant = {name: dict(cfg.get(name, {})) for name in (
            "ExecutePreprocessor", "Execute", "LimitOutput", "IgnorePattern", "OverwriteCells",
            "ClearMetadataPreprocessor", "LateSubmissionPlugin", "AssignLatePenalties")}
        text = json.dumps({"snapshot": snapshot, "config": relevant, "warmline": __version__,
                           "sandbox": self.options.sandbox}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def _protected(self) -> list[str]:
        paths = [self.course.root, self.course.source,
                 *(self.course.step(s) for s in ("submitted", "autograded", "feedback",
                                                 "release"))]
        db = _sqlite_path(self.db_url)
        if db is not None:
            paths.append(db)
        exchange = self.cfg.get("Exchange", {}).get("root")
        if exchange:
            paths.append(Path(str(exchange)))
        return [str(p) for p in paths]

    # -- the run ------------------------------------------------------------------------------

    def _run(self, a: Any, students: list[str]) -> GradeResult:
        jobs_wanted = self.options.jobs or os.cpu_count() or 1
        tmp = Path(tempfile.mkdtemp(prefix="warmline-grade-"))
        if _inside(tmp, self.course.root):
            shutil.rmtree(tmp, ignore_errors=True)
            raise InstructorError(f"the temporary folder {tmp} is inside the course folder; set "
                                  f"TMPDIR to a folder outside it")
        os.chmod(tmp, 0o711)
        state: _State | None = None
        # The workers start first: they import nbgrader while this process does the same.
        workers = self._start_workers(max(1, min(jobs_wanted, len(students))), tmp)
        logs = [w.log for w in workers]
        try:
            coursedir = self._coursedir()
            gb = self._gradebook()
            try:
                snapshot = self._snapshot(gb, a)
                table = _journal_table()
                table.metadata.create_all(gb.engine, checkfirst=True)
                if self.options.force:
                    self._clear_fingerprints(gb, table)
                base = self._base_fingerprint(snapshot)
                names = [nb["name"] for nb in snapshot["notebooks"]]
                exclude = self.cfg.get("Autograde", {}).get("exclude_overwriting", {}) \
                    .get(self.assignment, [])
                ignore = list(coursedir.ignore)
                known = {r.student: r for r in self._journal(gb, table)}
                state = _State(total=len(students))
                pending: deque[dict[str, Any]] = deque()
                for student in students:
                    submitted = self.course.step("submitted") / student / self.assignment
                    files = assignment_files(submitted, a.folder, ignore, exclude)
                    fp = _fingerprint(base, submitted, files, names)
                    row = known.get(student)
                    if row is not None and row.fingerprint == fp and row.status in FINAL \
                            and self._still_there(gb, student, row.status, names):
                        state.results[student] = Submission(student, row.status, row.reason,
                                                            fresh=False)
                        state.done += 1
                        state.failed += row.status == "failed"
                        state.flagged += row.status == "flagged"
                        continue
                    pending.append({"student": student, "submitted": str(submitted),
                                    "files": files, "fingerprint": fp, "tries": 0})
                self._show(state)
                if pending:
                    del workers[len(pending):]  # the rest are closed below, unused
                    self._configure(workers[:len(pending)], snapshot)
                    self._loop(gb, table, snapshot, workers, pending, state, coursedir)
                final = self._final(gb, students, state)
            finally:
                gb.close()
        except BaseException:  # Ctrl-C or an error: stop the workers (and their kernels) now
            for w in workers:
                w.kill()
            raise
        finally:
            for w in workers:  # all at once: each finishes its exit while the others do
                with contextlib.suppress(OSError):
                    assert w.proc.stdin is not None
                    w.proc.stdin.close()
            for w in workers:
                w.close()
            kept = self._keep_logs(logs, state)
            shutil.rmtree(tmp, ignore_errors=True)
        if self.progress is not None:
            self.progress.close()
        return GradeResult(self.assignment, final, log=kept)

    def _journal(self, gb: Any, table: Any) -> list[Any]:
        from sqlalchemy import select

        rows = gb.db.execute(select(table).where(table.c.assignment == self.assignment)).all()
        gb.db.commit()
        return list(rows)

    def _clear_fingerprints(self, gb: Any, table: Any) -> None:
        gb.db.execute(table.update().where(table.c.assignment == self.assignment)
                      .values(fingerprint=None))
        gb.db.commit()

    def _still_there(self, gb: Any, student: str, status: str, names: Sequence[str]) -> bool:
        """Whether what a journal row promises is still there (nobody deleted it since)."""
        from nbgrader.api import MissingEntry

        try:
            gb.find_submission(self.assignment, student)
        except MissingEntry:
            return False
        if status == "failed":
            return True
        folder = self.course.step("autograded") / student / self.assignment
        return any((folder / f"{n}.ipynb").is_file() for n in names)

    def _start_workers(self, n: int, tmp: Path) -> list[_Worker]:
        workers = []
        src = str(Path(__file__).resolve().parents[1])
        for i in range(1, n + 1):
            slot = tmp / f"slot-{i}"
            for folder, mode in ((slot, 0o711), (slot / "runtime", 0o711), (slot / "mnt", 0o700)):
                folder.mkdir(mode=mode)
                os.chmod(folder, mode)
            env = dict(os.environ)
            env.update(JUPYTER_RUNTIME_DIR=str(slot / "runtime"), PYTHONWARNINGS="ignore",
                       PYTHONUNBUFFERED="1")
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (src, os.environ.get("PYTHONPATH")) if p)
            workers.append(_Worker(i, slot, tmp / f"worker-{i}.log", env))
        return workers

    def _configure(self, workers: Sequence[_Worker], snapshot: Mapping[str, Any]) -> None:
        protect = self._protected()
        box_base: dict[str, Any] | None = None
        if self.options.sandbox:
            box_base = {"hide": [p for p in protect if os.path.isdir(p)],
                        "reach": _reachable()}
        slots = [str(w.folder) for w in workers]
        for w in workers:
            box = None
            if box_base is not None:
                uid, gid = _sandbox_user(w.slot)
                box = {**box_base, "uid": uid, "gid": gid}
                if w.slot == 1:
                    _probe_sandbox(box, w.folder / "mnt")
            others = [s for s in slots if s != str(w.folder)]
            w.configure({"snapshot": snapshot, "course_root": str(self.course.root),
                         "db_url": self.options.db_url, "slot": str(w.folder), "sandbox": box,
                         "protect": [_hash_path(p) for p in [*protect, *others]]})

    def _limit(self, snapshot: Mapping[str, Any]) -> float:
        cfg = self.cfg
        ep = {**dict(cfg.get("ExecutePreprocessor", {})), **dict(cfg.get("Execute", {}))}
        timeout = float(ep.get("timeout") or 30)
        startup = float(ep.get("startup_timeout") or 60)
        cells = sum(1 for nb in snapshot["notebooks"] for c in nb["source_cells"]
                    if c["cell_type"] == "code") + 10
        return startup + cells * (timeout + 10) + SLACK

    def _loop(self, gb: Any, table: Any, snapshot: Mapping[str, Any], workers: list[_Worker],
              pending: deque[dict[str, Any]], state: _State, coursedir: Any) -> None:
        limit = self._limit(snapshot)
        sel = selectors.DefaultSelector()
        for w in workers:
            assert w.proc.stdout is not None
            sel.register(w.proc.stdout, selectors.EVENT_READ, w)
        state.first = time.monotonic()
        busy = 0
        retired: list[_Worker] = []

        def dispatch(w: _Worker) -> None:
            nonlocal busy
            if w.ready and w.job is None and pending:
                job = pending.popleft()
                job["id"] = f"{job['student']}#{job['tries']}"
                w.send(job)
                busy += 1

        def replace(w: _Worker) -> _Worker:
            assert w.proc.stdout is not None
            sel.unregister(w.proc.stdout)
            w.kill()
            retired.append(w)
            fresh = _Worker(w.slot, w.folder, w.log, w.env, w.init)
            workers[workers.index(w)] = fresh
            sel.register(fresh.proc.stdout, selectors.EVENT_READ, fresh)  # type: ignore[arg-type]
            return fresh

        def infra_failure(w: _Worker, reason: str) -> None:
            nonlocal busy
            job = w.job
            w.job = None
            busy -= 1
            assert job is not None
            if job["tries"] < 1:
                job["tries"] += 1
                pending.appendleft(job)
            else:
                self._record(gb, table, snapshot, job, {"status": "error", "reason": reason},
                             state, coursedir)

        while pending or busy:
            for key, _ in sel.select(timeout=1.0):
                w = key.data
                messages = w.read()
                if messages is None:  # the worker died
                    if not w.ready:
                        detail = _tail(w.log)
                        raise InstructorError(f"a grading worker could not start: {detail}")
                    if w.job is not None:
                        infra_failure(w, f"the grading process died (exit status "
                                         f"{w.proc.poll()})")
                    replace(w)
                    continue
                for msg in messages:
                    if "ready" in msg:
                        if not msg["ready"]:
                            raise InstructorError(f"a grading worker could not start: "
                                                  f"{msg.get('error')}")
                        w.ready = True
                    elif "kernel_pid" in msg:
                        w.kernel_pid = msg["kernel_pid"]
                    elif w.job is not None and msg.get("id") == w.job["id"]:
                        job, w.job = w.job, None
                        busy -= 1
                        if msg["status"] == "error":
                            w.job = job
                            busy += 1
                            infra_failure(w, msg.get("reason", "the grader failed"))
                        else:
                            dispatch(w)  # the worker goes on while this one is written
                            self._record(gb, table, snapshot, job, msg, state, coursedir)
            now = time.monotonic()
            for w in list(workers):
                if w.job is not None and now - w.started > limit:
                    job = w.job
                    w.job = None
                    busy -= 1
                    self._record(gb, table, snapshot, job, {
                        "status": "timeout", "reason": f"grading took over {limit:.0f} s and "
                                                       f"was stopped"}, state, coursedir)
                    replace(w)
            for w in workers:
                dispatch(w)
            self._show(state)
        sel.close()
        for w in retired:
            w.close()

    # -- results ------------------------------------------------------------------------------

    def _record(self, gb: Any, table: Any, snapshot: Mapping[str, Any], job: Mapping[str, Any],
                result: Mapping[str, Any], state: _State, coursedir: Any) -> None:
        student = job["student"]
        status = result["status"]
        reason = result.get("reason", "")
        fingerprint: str | None = job["fingerprint"]
        if status == "error":  # the grader failed twice, not the learner: try again next run
            status, fingerprint = "failed", None
            reason = f"could not be graded ({reason}); it will be tried again next run"
        elif status == "timeout":
            status = "failed"
            result = {"notebooks": {}}
        notebooks: Mapping[str, Any] = result.get("notebooks", {})
        if status == "failed" and notebooks and all(nb.get("missing")
                                                    for nb in notebooks.values()):
            pass  # nothing to grade: every notebook is missing or unreadable
        elif status == "failed" and any(not nb.get("missing") for nb in notebooks.values()):
            status = "flagged"  # some notebooks were graded
        if fingerprint is not None and any(not nb.get("missing") for nb in notebooks.values()):
            self._write_folder(student, job, notebooks)
        elif fingerprint is not None:
            self._remove_folder(student)
        timestamp, stamp_problem = self._timestamp(Path(job["submitted"]))
        if stamp_problem:
            reason = "; ".join(r for r in (reason, stamp_problem) if r)
        self._write_db(gb, table, snapshot, student, status, reason, fingerprint, notebooks,
                       timestamp, float(result.get("seconds") or 0.0))
        state.done += 1
        state.graded_now += 1
        state.failed += status == "failed"
        state.flagged += status == "flagged"
        state.results[student] = Submission(student, status, reason)

    def _timestamp(self, submitted: Path) -> tuple[datetime | None, str]:
        from nbgrader.utils import parse_utc

        path = submitted / "timestamp.txt"
        if not path.is_file():
            return None, ""
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        if not text:
            return None, ""
        try:
            return parse_utc(text), ""
        except (ValueError, OverflowError):
            return None, "timestamp.txt is not a date (ignored)"

    def _dest(self, student: str) -> Path:
        return self.course.step("autograded") / student / self.assignment

    def _write_folder(self, student: str, job: Mapping[str, Any],
                      notebooks: Mapping[str, Any]) -> None:
        dest = self._dest(student)
        dest.parent.mkdir(parents=True, exist_ok=True)
        token = secrets.token_hex(4)
        staging = dest.parent / f".{self.assignment}.warmline-new-{token}"
        old = dest.parent / f".{self.assignment}.warmline-old-{token}"
        copy_files(job["files"], staging)
        staging.mkdir(exist_ok=True)
        for name, nb in notebooks.items():
            if not nb.get("missing"):
                (staging / f"{name}.ipynb").write_text(nb["text"], encoding="utf-8")
        mode = self._permissions()
        for base, _, files in os.walk(staging):
            for f in files:
                os.chmod(os.path.join(base, f), mode)
        if dest.exists():
            dest.rename(old)
        staging.rename(dest)
        shutil.rmtree(old, ignore_errors=True)
        for stray in dest.parent.glob(f".{self.assignment}.warmline-*"):
            shutil.rmtree(stray, ignore_errors=True)  # left by a run that was killed

    def _remove_folder(self, student: str) -> None:
        dest = self._dest(student)
        if dest.exists():
            shutil.rmtree(dest)

    def _permissions(self) -> int:
        value = self.cfg.get("Autograde", {}).get("permissions")
        if value is None:
            groupshared = bool(self.cfg.get("CourseDirectory", {}).get("groupshared", False))
            value = 664 if groupshared else 444
        return int(str(value), 8)

    def _write_db(self, gb: Any, table: Any, snapshot: Mapping[str, Any], student: str,
                  status: str, reason: str, fingerprint: str | None,
                  notebooks: Mapping[str, Any], timestamp: datetime | None,
                  seconds: float) -> None:
        from sqlalchemy.exc import OperationalError

        delay = 0.1
        for attempt in range(40):
            try:
                self._transaction(gb, table, snapshot, student, status, reason, fingerprint,
                                  notebooks, timestamp, seconds)
                return
            except OperationalError:
                gb.db.rollback()
                if attempt == 39:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 2.0)

    def _transaction(self, gb: Any, table: Any, snapshot: Mapping[str, Any], student: str,
                     status: str, reason: str, fingerprint: str | None,
                     notebooks: Mapping[str, Any], timestamp: datetime | None,
                     seconds: float) -> None:
        from nbgrader.api import (
            Assignment,
            Comment,
            Grade,
            Student,
            SubmittedAssignment,
            SubmittedNotebook,
        )
        from sqlalchemy import select

        db = gb.db
        if fingerprint is not None:  # an outcome for this submission: write its grades
            if db.get(Student, student) is None:
                db.add(Student(id=student))
                db.flush()
            record = db.execute(select(Assignment).where(
                Assignment.name == self.assignment)).scalar_one()
            sub = db.execute(select(SubmittedAssignment).where(
                SubmittedAssignment.assignment_id == record.id,
                SubmittedAssignment.student_id == student)).scalar_one_or_none()
            if sub is None:
                sub = SubmittedAssignment(assignment=record, student=db.get(Student, student))
                db.add(sub)
            if timestamp is not None:
                sub.timestamp = timestamp
            db.flush()
            by_name = {n.notebook.name: n for n in self._notebooks(db, sub)}
            for notebook in record.notebooks:  # as nbgrader's add_submission lays them out
                nb = by_name.get(notebook.name)
                if nb is None:
                    nb = SubmittedNotebook(notebook=notebook, assignment=sub)
                    db.add(nb)
                    db.flush()
                have_grades = {g.cell_id for g in nb.grades}
                have_comments = {c.cell_id for c in nb.comments}
                for cell in [*notebook.grade_cells, *notebook.task_cells]:
                    if cell.id not in have_grades:
                        db.add(Grade(cell_id=cell.id, notebook=nb))
                for cell in [*notebook.solution_cells, *notebook.task_cells]:
                    if cell.id not in have_comments:
                        db.add(Comment(cell_id=cell.id, notebook=nb))
            db.flush()
            db.expire_all()
            penalties = self._late_penalties()
            cell_names = {nb.id: {c.id: c.name for c in [*nb.grade_cells, *nb.task_cells,
                                                         *nb.solution_cells]}
                          for nb in record.notebooks}
            for nb in self._notebooks(db, sub):
                names = cell_names.get(nb.notebook_id, {})
                outcome = notebooks.get(nb.notebook.name, {"missing": True})
                if outcome.get("missing"):
                    for g in nb.grades:  # as nbgrader grades a missing notebook
                        g.auto_score = 0
                        g.needs_manual_grade = False
                    continue
                scores, comments = outcome["grades"], outcome["comments"]
                for g in nb.grades:
                    name = names.get(g.cell_id)
                    if name in scores:
                        g.auto_score = scores[name]
                        g.needs_manual_grade = g.manual_score is not None or \
                            g.auto_score is None
                for c in nb.comments:
                    name = names.get(c.cell_id)
                    if name in comments:
                        c.auto_comment = comments[name]
                db.flush()
                db.expire(sub)
                db.expire(nb)
                nb.late_submission_penalty = None
                if sub.total_seconds_late > 0:
                    penalty = penalties.plugin_inst.late_submission_penalty(
                        student, nb.score, sub.total_seconds_late)
                    if penalty is not None:
                        nb.late_submission_penalty = penalties._check_late_penalty(nb, penalty)
        row = db.execute(select(table).where(table.c.assignment == self.assignment,
                                             table.c.student == student)).first()
        values = {"fingerprint": fingerprint, "status": status, "reason": reason[:4000],
                  "graded_at": datetime.now(timezone.utc).replace(tzinfo=None),
                  "seconds": seconds}
        if row is None:
            db.execute(table.insert().values(assignment=self.assignment, student=student,
                                             writes=1 if fingerprint else 0, **values))
        else:
            again = fingerprint is not None and row.fingerprint == fingerprint
            writes = (row.writes + 1 if again else 1) if fingerprint else row.writes
            db.execute(table.update().where(table.c.assignment == self.assignment,
                                            table.c.student == student)
                       .values(writes=writes, **values))
        db.commit()

    @staticmethod
    def _notebooks(db: Any, sub: Any) -> list[Any]:
        from nbgrader.api import SubmittedNotebook
        from sqlalchemy import select

        return list(db.execute(select(SubmittedNotebook).where(
            SubmittedNotebook.assignment_id == sub.id)).scalars())

    def _late_penalties(self) -> Any:
        from nbgrader.preprocessors import AssignLatePenalties

        if not hasattr(self, "_penalties"):
            pp = AssignLatePenalties(config=self.cfg)
            pp.init_plugin()
            self._penalties = pp
        return self._penalties

    # -- the end ------------------------------------------------------------------------------

    def _final(self, gb: Any, students: Sequence[str], state: _State) -> tuple[Submission, ...]:
        from nbgrader.api import MissingEntry

        gb.db.expire_all()
        final = []
        for student in students:
            sub = state.results[student]
            score = total = None
            pending = 0.0
            try:
                record = gb.find_submission(self.assignment, student)
            except MissingEntry:
                record = None
            if record is not None and sub.reason.find("tried again next run") < 0:
                score, total, pending = submission_points(record)
            final.append(Submission(student, sub.status, sub.reason, score, total, pending,
                                    fresh=sub.fresh))
        gb.db.commit()
        return tuple(final)

    def _show(self, state: _State) -> None:
        if self.progress is None:
            return
        eta = None
        remaining = state.total - state.done
        if state.graded_now and remaining:
            rate = (time.monotonic() - state.first) / state.graded_now
            eta = rate * remaining
        elif not remaining:
            eta = 0.0
        self.progress.show(state.done, state.failed, flagged=state.flagged, eta=eta)

    def _keep_logs(self, logs: Sequence[Path], state: _State | None) -> Path | None:
        """The workers' logs, kept in the temp folder when something went wrong."""
        if state is None or not any("tried again" in s.reason or "took over" in s.reason
                                    for s in state.results.values()):
            return None
        target = Path(tempfile.gettempdir()) / (
            f"warmline-grade-{self.assignment}-{datetime.now():%Y%m%d-%H%M%S}.log")
        with open(target, "wb") as out:
            for log in logs:
                with contextlib.suppress(OSError):
                    out.write(log.read_bytes())
        return target


def _tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return "no log"
    return lines[-1] if lines else "no output"


def _inside(path: Path, folder: Path) -> bool:
    p, f = os.path.realpath(path), os.path.realpath(folder)
    return p == f or p.startswith(f + os.sep)


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///"):
        return Path(url[len("sqlite:///"):])
    return None


def _safe_url(url: str) -> str:
    """``url`` without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return str(make_url(url).render_as_string(hide_password=True))
    except Exception:
        return "(the configured database)"


def grade_batch(course: Course, assignment: str, options: Options = Options(), *,
                progress: ProgressBar | None = None) -> GradeResult:
    """Grade every submission of ``assignment`` (see the module doc)."""
    return _Batch(course, assignment, options, progress).run()

